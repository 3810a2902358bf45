"""The photo check page: upload, consent verdict, preview, draw areas, download.

Nothing about the photo is kept between the two steps: the browser keeps the file in
the form and posts it again. Step 1 ("preview") returns the page with a downscaled,
metadata-free preview inline as a data: URL (no second request, nothing stored to serve
it from); step 2 ("download") posts the same file with the rectangles and gets the
cleaned JPEG back as an attachment. static/js/photo.js sends both steps with fetch() so
the page, and the chosen file, stay put; without scripts the same form works with full
page loads (the teacher then picks the file again for step 2). Uploads stay in memory
(`PhotoMemoryUploadHandler`), and every response is `Cache-Control: no-store`.
"""

import base64
import dataclasses

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from consent.access import get_check_for_user
from consent.models import Appearance, MediaType, PublicationCheck
from consent.photo import cleaning
from consent.photo.forms import PhotoForm
from consent.photo.uploads import PhotoMemoryUploadHandler
from consent.services import publication_check_adjust, publication_check_create
from consent.verdict import pupil_verdicts, verdict_text
from schools.access import pupils_for_staff, require_role
from schools.models import StaffMembership

Role = StaffMembership.Role
TEMPLATE = "consent/photo_check.html"
PREVIEW_SIDE = 1280
DOWNLOAD_NAME = "foto-opgeschoond.jpg"


# --- Consent verdict -------------------------------------------------------------------
def _consent_verdict(*, user, form) -> dict | None:
    """Store the check before posting as a PublicationCheck and describe its verdict.

    None when no pupil is ticked: there is nobody to check. A refused check (purpose not
    in use, pupils of two schools) becomes a form error shown in the page.
    """
    pupils = list(form.cleaned_data["pupils"])
    if not pupils:
        return None
    try:
        check = publication_check_create(
            user=user,
            purpose=form.cleaned_data["channel"],
            media_type=MediaType.PHOTO,
            pupils=pupils,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    verdicts = pupil_verdicts(pupils, check.results)
    return {
        "allowed": check.allowed,
        "check": check,
        "verdicts": verdicts,
        "text": verdict_text(check.purpose, check.media_type, verdicts),
    }


# --- Views ----------------------------------------------------------------------------


@csrf_exempt  # only to swap the upload handler first; _photo_check is csrf_protect-ed
@login_required
@never_cache
def photo_check(request):
    require_role(request.user, Role.TEACHER, Role.DIRECTOR)
    limits = cleaning.limits_from_settings()
    request.upload_handlers = [
        PhotoMemoryUploadHandler(request, field="photo", max_bytes=limits.max_bytes)
    ]
    return _photo_check(request, limits)


@csrf_protect
def _photo_check(request, limits: cleaning.Limits):
    pupils = _pupil_choices(request.user)
    if request.method != "POST":
        return render(request, TEMPLATE, {"form": PhotoForm(pupils=pupils)})
    form = PhotoForm(request.POST, request.FILES, pupils=pupils)
    valid = form.is_valid()
    photo = form.cleaned_data.get("photo")  # present whenever that field is valid
    data = photo.read() if photo else None
    if valid and request.POST.get("action") == "download":
        try:
            response = _download(data, form.cleaned_data["rectangles"], limits)
            _record_blurred(user=request.user, form=form)
            return response
        except cleaning.RectangleError as error:
            form.add_error("rectangles", error.message)
        except cleaning.PhotoError as error:
            form.add_error("photo", error.message)
    return _page(request, form, data, limits)


def _page(request, form, data: bytes | None, limits: cleaning.Limits):
    """The page with the preview whenever the posted photo can be read, even next to
    other errors, so the teacher can correct an area without starting again."""
    context = {"form": form}
    if data is not None and not form.has_error("photo"):
        small = dataclasses.replace(limits, max_side=min(PREVIEW_SIDE, limits.max_side))
        try:
            preview = cleaning.clean_photo(data, limits=small)
        except cleaning.PhotoError as error:
            form.add_error("photo", error.message)
        else:
            encoded = base64.b64encode(preview.data).decode()
            context.update(preview=preview, preview_url=f"data:image/jpeg;base64,{encoded}")
    if "preview" in context and not form.errors and request.POST.get("action") == "preview":
        context["verdict"] = _consent_verdict(user=request.user, form=form)
    return render(request, TEMPLATE, context, status=400 if form.errors else 200)


def _record_blurred(*, user, form) -> None:
    """Store which pupils the teacher blurred: a new check replaces the step-1 check, so a
    later "no" for a blurred pupil takes nothing down and one for a visible pupil does."""
    if not form.cleaned_data.get("check"):
        return
    check = get_check_for_user(user, form.cleaned_data["check"])
    while (newer := PublicationCheck.objects.filter(replaces=check).first()) is not None:
        check = newer  # a second download of the same photo adjusts the newest check
    blurred = {p.pk for p in form.cleaned_data["blurred"]}
    current = dict(check.checked_pupils.values_list("pupil_id", "appearance"))
    wanted = {
        pk: Appearance.UNRECOGNISABLE.value
        if pk in blurred
        else (old if old == Appearance.LEFT_OUT else Appearance.APPEARS.value)
        for pk, old in current.items()
    }
    if wanted != current:
        publication_check_adjust(user=user, check=check, appearances=wanted)


def _download(data: bytes, rectangles, limits: cleaning.Limits) -> HttpResponse:
    result = cleaning.clean_photo(data, rectangles=rectangles, limits=limits)
    response = HttpResponse(result.data, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{DOWNLOAD_NAME}"'
    return response


def _pupil_choices(user):
    return (
        pupils_for_staff(user)
        .current()
        .select_related("group")
        .order_by("group__name", "first_name")
    )
