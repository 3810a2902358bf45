"""The photo check page: upload, consent verdict, faces found, preview, download.

Faces are found on this server (`consent/photo/faces.py`: detection only, no recognition)
each time the photo is posted; the same bytes always give the same numbered faces, so
nothing about them travels in the form but the pupil chosen per face number. Every face
without an allowed pupil is blurred, in the preview of the result and in the download.

Nothing about the photo is kept between the two steps: the browser keeps the file in
the form and posts it again. Step 1 ("preview") returns the page with a downscaled,
metadata-free preview inline as a data: URL (no second request, nothing stored to serve
it from); step 2 ("download") posts the same file with the rectangles and gets the
cleaned JPEG back as an attachment. static/js/photo.js sends both steps with fetch() so
the page, and the chosen file, stay put; without scripts the same form works with full
page loads (the teacher then picks the file again for step 2). Uploads stay in memory
(`schools.uploads.MemoryUploadHandler`), and every response is `Cache-Control: no-store`.
"""

from dataclasses import dataclass
from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from consent.access import get_check_for_user
from consent.forms import TICKED_OUT_OF_REACH
from consent.models import Appearance, MediaType, PublicationCheck
from consent.photo import cleaning, faces, page
from consent.photo.forms import FacesForm, PhotoForm
from consent.rules import purpose_infos
from consent.services import (
    check_results,
    lock_pupils,
    publication_check_adjust,
    publication_check_create,
)
from consent.verdict import pupil_verdicts, verdict_text
from schools.access import (
    current_pupils_for_staff,
    has_role,
    pupils_for_staff,
    require_role,
    staff_school_names,
)
from schools.forms import refuse_choices_out_of_reach
from schools.models import Pupil, School, StaffMembership
from schools.search import SELECT_LIMIT, SchoolSearch, school_search
from schools.uploads import MemoryUploadHandler

Role = StaffMembership.Role
TEMPLATE = "consent/photo_check.html"
DOWNLOAD_NAME = pgettext_lazy("file name", "photo-cleaned.jpg")


# --- Consent verdict -------------------------------------------------------------------
def _consent_verdict(
    *, user, form, results, store: bool, earlier: PublicationCheck | None = None, key: str = ""
) -> dict | None:
    """Store the check before posting as a PublicationCheck and describe its verdict;
    with `store` false (the teacher only updates the preview) describe it only.

    None when no pupil is ticked: there is nobody to check. A refused check (purpose not
    in use, pupils of two schools) becomes a form error shown in the page.
    """
    pupils = list(form.cleaned_data["pupils"])
    if not pupils:
        return None
    if not store and results is not None:
        purpose = form.cleaned_data["channel"]
        return {
            "allowed": all(v.allowed for v in results),
            "check_pk": form.cleaned_data.get("check"),
            "verdicts": results,
            "text": verdict_text(purpose, MediaType.PHOTO, results),
        }
    create = partial(
        publication_check_create,
        user=user,
        purpose=form.cleaned_data["channel"],
        media_type=MediaType.PHOTO,
        pupils=pupils,
        note=earlier.note if earlier is not None else "",  # what the teacher said it is
        # the photo's key: the same photo sent twice at once lands on one check
        token=key[:TOKEN_LENGTH],
    )
    try:
        try:
            check = create(replaces=earlier)
        except IntegrityError:  # a second click replaced `earlier` first: stand alone
            check = create()
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
        MemoryUploadHandler(request, field="photo", max_bytes=limits.max_bytes)
    ]
    return _photo_check(request, limits)


@csrf_protect
def _photo_check(request, limits: cleaning.Limits):
    if request.method != "POST":
        asked = request.GET.get("check")
        from_check = _from_check(request.user, asked)
        replaced = None if from_check else _replaced_own(request.user, asked)
        initial = _initial(from_check)
        return _first_page(request, _listing(request), from_check, initial, replaced=replaced)
    pupils = _pupil_choices(request.user)
    form = PhotoForm(request.POST, request.FILES, pupils=pupils)
    listing = _listing(request)
    _name_schools(form, request.user, listing)
    if listing is not None:  # the reach validates the ticks; the page lists one school's
        _list_pupils(form, listing.pupils)
    valid = form.is_valid()
    try:
        refuse_choices_out_of_reach(form, "pupils")
    except Http404:  # a pupil moved to another group while the page was open, say
        return _ticked_out_of_reach(request, form, listing)
    photo = form.cleaned_data.get("photo")  # present whenever that field is valid
    data = photo.read() if photo is not None else b""
    prepared = None
    if photo is not None:
        try:
            prepared = page.prepare(data, limits)
        except cleaning.PhotoError as error:
            form.add_error("photo", error.message)
    if prepared is None:
        return render(request, TEMPLATE, {"form": form, "listing": listing}, status=400)
    found = prepared.found
    results = _consent_results(form)
    key = photo_key(data)
    same_photo = request.POST.get("photo_key", key) == key
    faces_form = FacesForm(
        request.POST if same_photo else _without_choices(request.POST),
        count=len(found.boxes),
        allowed=_allowed(form, results),
    )
    faces_valid = faces_form.is_valid()
    keep = set(faces_form.assigned()) if faces_valid else set()
    if not same_photo and request.POST.get("action") in ("download", "update"):
        form.add_error(None, PHOTO_CHANGED)
    elif valid and request.POST.get("action") == "download":
        try:
            if not _check_covers(user=request.user, form=form):
                raise ValidationError(CHECK_AGAIN)
            _refuse_consent_gone(user=request.user, form=form, results=results, faces=faces_form)
            if not faces_valid:
                raise _FacesToCorrect
            _refuse_nothing_blurred(results, found, keep, form.cleaned_data["rectangles"])
            response = _download(data, form.cleaned_data["rectangles"], found, keep, limits)
            with transaction.atomic():
                # Read consent again under the pupils' locks: a "no" committed while the
                # photo was cleaned must not leave with it. A second download of the same
                # photo waits here for the first and then finds its check.
                lock_pupils(sorted(pupil.pk for pupil in form.cleaned_data["pupils"]))
                results = _consent_results(form)
                _refuse_consent_gone(
                    user=request.user, form=form, results=results, faces=faces_form
                )
                _record_appearances(
                    user=request.user, form=form, shown=faces_form.assigned(), results=results
                )
            return response
        except _FacesToCorrect:
            pass  # the faces form says what
        except ValidationError as error:
            form.add_error(None, error)
        except cleaning.RectangleError as error:
            form.add_error("rectangles", error.message)
        except cleaning.PhotoError as error:  # pragma: no cover - it decoded small already
            form.add_error("photo", error.message)
    return _page(request, form, faces_form, prepared, keep, results, listing, key)


def _first_page(
    request, listing, from_check, initial: dict, *, problem="", status=200, replaced=None
):
    """The page before a photo is sent: the channel and the pupils to tick, read in SQL
    (the form's queryset only validates a POST), and `problem` said at the top. `replaced`:
    the (asked, newest) checks of a `?check=` whose check was replaced since."""
    form = PhotoForm(pupils=Pupil.objects.none(), initial=initial)
    _name_schools(form, request.user, listing)
    _list_pupils(form, listing.pupils if listing else current_pupils_for_staff(request.user))
    context = {"form": form, "listing": listing, "from_check": from_check, "problem": problem}
    if replaced is not None:
        context["replaced"], context["replaced_by"] = replaced
    return render(request, TEMPLATE, context, status=status)


PHOTO_TICKED_OUT_OF_REACH = format_lazy(
    "{} {}",
    TICKED_OUT_OF_REACH,
    _("Nothing was stored and the photo was not handed back: tick the pupils in the photo again."),
)


def _ticked_out_of_reach(request, form, listing):
    """The 404 of a post whose ticks name a pupil out of reach (moved to another group
    while the page was open, another school's, an id of nobody), as the check before
    posting answers it: out of reach stays a 404, but the teacher reads why, on the page
    to tick again, with the channel and the check the photo came from kept. The same
    page for any such pupil, never a name; the photo is not read, nothing is stored and
    the teacher's own ticks are not kept: one of them is no longer theirs to tick."""
    from_check = _from_check(request.user, form.cleaned_data.get("from_check"))
    channel = form.cleaned_data.get("channel")
    initial = {
        "channel": channel.pk if channel is not None else None,
        "from_check": from_check.pk if from_check is not None else None,
    }
    return _first_page(
        request, listing, from_check, initial, problem=PHOTO_TICKED_OUT_OF_REACH, status=404
    )


PHOTO_CHANGED = _(
    "This is another photo than the one shown: the pupils chosen for the faces were for "
    "that photo, so every face is blurred again. Press “Check and show the photo” and "
    "choose the pupils for this photo before you download."
)


def photo_key(data: bytes) -> str:
    """Which photo the page shows, for the form to post back: the pupils chosen for its
    faces belong to it (without scripts the teacher picks the file again for step 2, and
    may pick another). A keyed hash: it tells nobody anything about the photo, and
    nothing is stored."""
    return salted_hmac("consent.photo.views.photo_key", data, algorithm="sha256").hexdigest()


def _without_choices(data):
    """The posted form without the pupils chosen per face: they were for another photo."""
    kept = data.copy()
    for name in [name for name in kept if name.startswith("face_")]:
        del kept[name]
    return kept


def _page(request, form, faces_form, prepared, keep, results, listing=None, key=""):
    """The page with the photo, its faces and the real result: shown whenever the photo
    can be read, even next to other errors, so the teacher can correct without starting
    again."""
    rectangles = form.cleaned_data.get("rectangles") or []
    images, error = page.page_images(prepared, rectangles=rectangles, keep=keep)
    if error is not None:
        form.add_error("rectangles", error.message)
    found = images.found
    context = {
        "form": form,
        "faces_form": faces_form,
        "preview": images.working,
        "faces": [
            {
                "number": number,
                "box": box,
                "marker": _marker(box, found),
                "thumbnail": thumbnail,
                "field": faces_form[f"face_{number}"],
            }
            for number, (box, thumbnail) in enumerate(
                zip(found.boxes, images.thumbnails, strict=True), start=1
            )
        ],
        "found": found,
        "refused": [v for v in results or () if not v.allowed],
        "result": images.result,
        "listing": listing,
        "photo_key": key,
    }
    from_check = _from_check(request.user, form.cleaned_data.get("from_check"))
    context["from_check"] = from_check
    action = request.POST.get("action")
    if not form.errors and action in ("preview", "update"):
        store = action == "preview"
        context["verdict"] = _consent_verdict(
            user=request.user,
            form=form,
            results=results,
            store=store,
            earlier=_earlier(request, form, key, from_check) if store else None,
            key=key,
        )
    elif action == "download" and results is not None:
        # the verdict as it is now, and the check the teacher checks again from
        context["verdict"] = _consent_verdict(
            user=request.user, form=form, results=results, store=False
        )
    errors = form.errors or faces_form.errors
    return render(request, TEMPLATE, context, status=400 if errors else 200)


def _marker(box, found) -> dict:
    """Where the number of a face goes on the photo (SVG units: pixels of the original):
    a circle at the face's top left corner, at least 3% of the photo's width."""
    radius = round(max(box.w * 0.3, found.width * 0.03))
    return {
        "cx": max(radius, box.x),
        "cy": max(radius, box.y),
        "r": radius,
        "font": round(radius * 1.2),
        "text_y": max(radius, box.y) + round(radius * 0.42),
    }


def _consent_results(form):
    """Per ticked pupil the consent verdict for this channel, without storing anything;
    None while channel or pupils are not valid."""
    purpose = form.cleaned_data.get("channel")
    pupils = list(form.cleaned_data.get("pupils") or [])
    if purpose is None or not pupils or form.has_error("pupils"):
        return None
    infos = purpose_infos(codes=[purpose.code])
    if not infos:
        return None
    results = check_results(info=infos[0], media_type=MediaType.PHOTO, pupils=pupils)
    return pupil_verdicts(pupils, results)


def _allowed(form, verdicts):
    """The ticked pupils who may appear: the only ones a face can be given."""
    ids = [v.pupil.pk for v in verdicts or () if v.allowed]
    return form.fields["pupils"].queryset.filter(pk__in=ids)


CHECK_AGAIN = _(
    "The check does not match the channel and the pupils you chose now. Press “Check and "
    "show the photo” again before you download."
)


def _check_covers(*, user, form) -> bool:
    """Whether the stored check of step 1 is about this download: the user's own photo
    check, on the channel chosen now, with every pupil ticked now. Channel and ticks stay
    editable after step 1; a photo downloaded with a pupil no stored check names would
    never be taken down when that pupil's parent withdraws."""
    ticked = {pupil.pk for pupil in form.cleaned_data["pupils"]}
    if not ticked:
        return True  # nobody to check (as _consent_verdict)
    if not form.cleaned_data.get("check"):
        return False
    check = _newest(get_check_for_user(user, form.cleaned_data["check"]))
    checked = set(check.checked_pupils.values_list("pupil_id", flat=True))
    return (
        check.checked_by_id == user.pk
        and check.purpose_id == form.cleaned_data["channel"].pk
        and check.media_type == MediaType.PHOTO
        and ticked <= checked
    )


def _checked_before(request, form, key: str) -> PublicationCheck | None:
    """The teacher's own earlier check of this same photo (its check and photo key posted
    back), when the check made now stands in for it: same channel, and every pupil who
    appears in it ticked now. Pressing "Check and show the photo" again (a pupil ticked
    after the check) then replaces it, so one photo is one publication to take down, not
    one per press. Otherwise None, and the earlier check keeps counting."""
    pk = form.cleaned_data.get("check")
    if not pk or request.POST.get("photo_key") != key:
        return None
    try:
        check = _newest(get_check_for_user(request.user, pk))
    except Http404:
        return None
    return _covered(request.user, form, check)


def _earlier(request, form, key: str, from_check) -> PublicationCheck | None:
    """The check the one made now replaces: the earlier check of this same photo, or, for
    the photo's first check, the check before posting the teacher came from."""
    if form.cleaned_data.get("check"):
        return _checked_before(request, form, key)
    if (same := _same_photo_checked(request.user, form, key)) is not None:
        return same
    if from_check is None:
        return None
    return _covered(request.user, form, from_check)


TOKEN_LENGTH = 32  # PublicationCheck.form_token: 128 bits of the photo's key


def _same_photo_checked(user, form, key: str) -> PublicationCheck | None:
    """The user's earlier check of this same photo when the page did not post it back
    (Back and "Check and show the photo" again, a second tab, a double click without
    scripts): its newest check, when the check made now can stand in for it. Otherwise
    every press stored a check of its own, and a parent's "no" took the one photo down
    once per press."""
    made = PublicationCheck.objects.filter(
        checked_by=user,
        media_type=MediaType.PHOTO,
        purpose=form.cleaned_data["channel"],
        form_token=key[:TOKEN_LENGTH],
    ).order_by("-pk")
    for check in made[:1]:
        return _covered(user, form, _newest(check))
    return None


def _covered(user, form, check: PublicationCheck) -> PublicationCheck | None:
    """`check`, when the check made now can stand in for it: the user's own photo check
    on the channel chosen now, with every pupil who appears in it ticked now."""
    appearing = check.checked_pupils.filter(appearance=Appearance.APPEARS)
    ticked = {pupil.pk for pupil in form.cleaned_data["pupils"]}
    covered = check.checked_by_id == user.pk and check.media_type == MediaType.PHOTO
    covered = covered and check.purpose_id == form.cleaned_data["channel"].pk
    if not covered or not set(appearing.values_list("pupil_id", flat=True)) <= ticked:
        return None
    return check


def _from_check(user, pk) -> PublicationCheck | None:
    """The check before posting a photo belongs to (`?check=` from its page, then the
    hidden `from_check`): the user's own photo check, not replaced, on a channel still in
    use. Another's check, or one out of reach, is ignored: the photo then stands alone."""
    try:
        check = get_check_for_user(user, int(pk))
    except (Http404, TypeError, ValueError):
        return None
    usable = check.checked_by_id == user.pk and check.media_type == MediaType.PHOTO
    if not usable or not check.purpose.active or hasattr(check, "replaced_by"):
        return None
    return check


def _replaced_own(user, pk) -> tuple[PublicationCheck, PublicationCheck] | None:
    """The user's own photo check of `?check=` and the newest check of its post, when it
    was replaced since (its photo checked, or the check adjusted: a page opened again with
    the back button). Not continued (`_from_check`: a replaced check could join another
    photo to that post), but the page says why it starts empty."""
    try:
        check = get_check_for_user(user, int(pk))
    except (Http404, TypeError, ValueError):
        return None
    own = check.checked_by_id == user.pk and check.media_type == MediaType.PHOTO
    if not own or not hasattr(check, "replaced_by"):
        return None
    return check, _newest(check)


def _initial(check: PublicationCheck | None) -> dict:
    """The photo check as the check before posting left it: its channel, and the pupils
    in the photo (appearing or made unrecognisable; not those left out) ticked."""
    if check is None:
        return {}
    in_photo = check.checked_pupils.exclude(appearance=Appearance.LEFT_OUT)
    return {
        "channel": check.purpose_id,
        "pupils": list(in_photo.values_list("pupil_id", flat=True)),
        "from_check": check.pk,
    }


def _newest(check: PublicationCheck) -> PublicationCheck:
    while (newer := PublicationCheck.objects.filter(replaces=check).first()) is not None:
        check = newer  # a second download of the same photo adjusts the newest check
    return check


class _FacesToCorrect(Exception):
    """A download with a face given a pupil who cannot be chosen: the face says why."""


CONSENT_GONE = _(
    "Meanwhile consent for %(names)s has been withdrawn; the photo was not downloaded. "
    "Their faces are blurred now. Press “Check and show the photo” again, look at the "
    "result and then download."
)


def _refuse_consent_gone(*, user, form, results, faces: FacesForm) -> None:
    """A ValidationError naming the ticked pupils whose consent is gone since the check the
    download stands on (a withdrawal, the other parent's "no", gezag ended): the teacher
    saw them allowed, may have left their face unblurred or the detector may have missed
    it, and would post a photo of a child who may no longer appear."""
    if not form.cleaned_data.get("check") or results is None:
        return
    check = _newest(get_check_for_user(user, form.cleaned_data["check"]))
    was_allowed = set(check.checked_pupils.filter(allowed=True).values_list("pupil_id", flat=True))
    chosen = {str(faces[name].value()) for name in faces.fields}  # also a choice refused
    gone = [
        v.pupil
        for v in results
        if not v.allowed and (v.pupil.pk in was_allowed or str(v.pupil.pk) in chosen)
    ]
    if gone:
        names = ", ".join(pupil.full_name for pupil in gone)
        raise ValidationError(CONSENT_GONE, params={"names": names}, code="consent_gone")


def _refuse_nothing_blurred(results, found, keep, rectangles) -> None:
    """A ValidationError when ticked pupils may not appear and fewer places in the photo
    would be blurred than there are such pupils: no face was found (a face in profile, a
    dark photo), or the faces found were given pupils who may appear, and too few areas
    were drawn. Such a pupil would be in the photo unblurred while the check recorded them
    as made unrecognisable. A blurred face or area counts for one pupil: an area drawn over
    two faces is the rare case, and one more area costs the teacher a second."""
    hidden = [v.pupil for v in results or () if not v.allowed]
    blurred = len(rectangles) + len(found.boxes) - len(keep)
    if blurred >= len(hidden):
        return
    names = ", ".join(pupil.full_name for pupil in hidden)
    if blurred:
        message = ngettext(
            "%(names)s may not be recognisable in this photo, but only %(blurred)s place in "
            "the photo is blurred. Draw an area over each of their faces, or untick a pupil "
            "in step 1 who is not in the photo. The photo was not downloaded.",
            "%(names)s may not be recognisable in this photo, but only %(blurred)s places in "
            "the photo are blurred. Draw an area over each of their faces, or untick a pupil "
            "in step 1 who is not in the photo. The photo was not downloaded.",
            blurred,
        )
        params = {"names": names, "blurred": blurred}
        raise ValidationError(message, params=params, code="too_little_blurred")
    message = ngettext(
        "%(names)s may not be recognisable in this photo, but nothing in the photo is "
        "blurred. Draw an area over their face, or untick them in step 1 if they are not in "
        "the photo. The photo was not downloaded.",
        "%(names)s may not be recognisable in this photo, but nothing in the photo is "
        "blurred. Draw an area over each of their faces, or untick a pupil in step 1 who is "
        "not in the photo. The photo was not downloaded.",
        len(hidden),
    )
    raise ValidationError(message, params={"names": names}, code="nothing_blurred")


def _record_appearances(*, user, form, shown: dict, results) -> None:
    """Store who appears. A pupil who may not appear could not be given a face, so every
    face of theirs was blurred: made unrecognisable. Every other ticked pupil appears,
    given a face or not: the detector may have missed their face, and counting them as
    visible errs towards a takedown, never away from one; also when the check said
    "left out" (that stays only for pupils not ticked now). A new check replaces the
    step-1 check."""
    if not form.cleaned_data.get("check"):
        return
    check = _newest(get_check_for_user(user, form.cleaned_data["check"]))
    ticked = {pupil.pk for pupil in form.cleaned_data["pupils"]}
    visible = {pupil.pk for pupil in shown.values()}
    hidden = {v.pupil.pk for v in results or () if not v.allowed} - visible
    current = dict(check.checked_pupils.values_list("pupil_id", "appearance"))
    wanted = {
        pk: Appearance.UNRECOGNISABLE.value
        if pk in hidden
        else (old if old == Appearance.LEFT_OUT and pk not in ticked else Appearance.APPEARS.value)
        for pk, old in current.items()
    }
    if wanted != current:
        publication_check_adjust(user=user, check=check, appearances=wanted)


def _download(data, rectangles, found, keep, limits: cleaning.Limits) -> HttpResponse:
    result = cleaning.clean_photo(
        data, rectangles=rectangles, extra=faces.blur_boxes(found, keep), limits=limits
    )
    response = HttpResponse(result.data, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{DOWNLOAD_NAME}"'
    return response


@dataclass
class Listing:
    """The pupils the page lists for board staff of a large foundation (a school at a
    time), the school chosen (None: their own groups' and schools') and its search."""

    pupils: list[Pupil]
    school: School | None
    search: SchoolSearch


def _listing(request) -> Listing | None:
    """Board staff reach every pupil (1.4M at national size: the page was 214 MB). Beyond
    SELECT_LIMIT schools the page lists the pupils of one school, chosen by a search
    (`?school=<code>`), and at first those of the groups they teach and the schools they
    direct. None: the page lists the whole reach, as for every teacher and director."""
    user = request.user
    if not has_role(user, Role.BOARD):
        return None
    if School.objects.order_by()[SELECT_LIMIT : SELECT_LIMIT + 1].count() == 0:
        return None
    code = request.GET.get("school", "").replace("\x00", "")
    school = School.objects.filter(code=code).first() if code else None
    if school is None:
        pupils = current_pupils_for_staff(user, own_only=True)
    else:
        pupils = list(_pupil_choices(user).filter(school=school))
    return Listing(pupils, school, school_search(School.objects.all(), request.GET))


def _name_schools(form, user, listing: Listing | None) -> None:
    """Each pupil's school in the list, for a teacher at two schools or a director who
    teaches at another: their pupils are one list, and two "groep 5" are two classes. Not
    for a list of one school (board staff's chosen school)."""
    if listing is None or listing.school is None:
        every = listing is None and has_role(user, Role.BOARD)  # as _pupil_choices
        form.fields["pupils"].school_names = staff_school_names(user, every=every)


def _list_pupils(form, pupils) -> None:
    field = form.fields["pupils"]
    field.choices = [(p.pk, field.label_from_instance(p)) for p in pupils]


def _pupil_choices(user):
    return (
        pupils_for_staff(user)
        .current()
        .select_related("group")
        .order_by("group__name", "first_name")
    )
