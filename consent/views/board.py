"""Board staff: the purposes (channels) and their versioned texts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from consent.forms import PurposeForm, PurposeTextForm
from consent.models import CheckedPupil, Purpose, PurposeVersion
from consent.recipients import deactivated_sentences, purpose_change_families
from consent.services import purpose_create, purpose_version_publish
from schools.access import require_role
from schools.models import StaffMembership

Role = StaffMembership.Role


@login_required
def purposes(request):
    require_role(request.user, Role.BOARD)
    versions = PurposeVersion.objects.select_related("purpose").order_by(
        "purpose__ordering", "purpose__code", "-number"
    )
    latest: dict[int, PurposeVersion] = {}
    for version in versions:
        latest.setdefault(version.purpose_id, version)
    form = PurposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            purpose_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, _("The purpose is added; parents can now answer it."))
            return redirect("consent:purposes")
    if form.errors and (added := _added_already(form)) is not None:
        # a double click, or Back and send again: done, not refused
        messages.info(
            request,
            _("The purpose “%(name)s” was already added; nothing changed.") % {"name": added.name},
        )
        return redirect("consent:purposes")
    context = {"versions": latest.values(), "form": form}
    return render(request, "consent/purposes.html", context, status=400 if form.errors else 200)


def _added_already(form) -> Purpose | None:
    """The purpose this form, sent before, added: the same code, name and first text. Only
    values each field accepts are looked up (a NUL byte, say, is a form error, not a query)."""
    try:
        code, name, text = (
            form.fields[field].clean(form.data.get(field, "")) for field in ("code", "name", "text")
        )
    except ValidationError:
        return None
    first = (
        PurposeVersion.objects.select_related("purpose")
        .filter(number=1, purpose__code=code.strip().lower(), purpose__name=name.strip())
        .first()
    )
    if first is None or not first.has_text(text.strip()):
        return None
    return first.purpose


def _publications_taken_down(purpose: Purpose) -> int:
    """The publications on this channel that a change of meaning takes down: pupils
    appear in them, and nothing took them down yet. One query."""
    appearances = CheckedPupil.objects.still_published().filter(publication_check__purpose=purpose)
    return appearances.values("publication_check").distinct().count()


def _published_report(asks_again: bool, purpose: Purpose) -> str:
    if not asks_again:
        return _("The new text is published as a correction; answers stay valid.")
    if not purpose.active:
        return _(
            "The new text is published. No parent is e-mailed: the channel is no longer "
            "used for new posts, so parents cannot give permission on it."
        )
    parents = purpose_change_families()
    published = ngettext(
        "The new text is published; %(n)s parent is being e-mailed to answer again.",
        "The new text is published; %(n)s parents are being e-mailed to answer again.",
        parents.emailed,
    ) % {"n": parents.emailed}
    return " ".join([published, *deactivated_sentences(parents.deactivated)])


def _read_again(posted, purpose: Purpose):
    """The form as sent, now based on the newest version; a change of meaning is
    confirmed again."""
    data = posted.copy()
    newest = purpose.versions.order_by("-number").values_list("number", flat=True).first()
    data["based_on"], data["confirmed"] = str(newest or ""), ""
    return data


@never_cache
@login_required
def purpose_text(request, pk):
    require_role(request.user, Role.BOARD)
    purpose = get_object_or_404(Purpose, pk=pk)
    current = purpose.versions.order_by("-number").first()
    initial = {
        "text": current.text if current else "",
        "based_on": getattr(current, "number", None),
    }
    form = PurposeTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        asks_again = data["kind"] == PurposeVersion.Kind.CHANGE_OF_MEANING
        # The current text sent back is refused by the service: no preview of parents to
        # e-mail for it first.
        unchanged = current is not None and current.has_text(data["text"])
        if asks_again and not data["confirmed"] and not unchanged:
            # A change of meaning e-mails every parent: show how many, ask to confirm.
            context = {
                "purpose": purpose,
                "form": form,
                "parents": purpose_change_families() if purpose.active else None,
                "taken_down": _publications_taken_down(purpose),
            }
            return render(request, "consent/purpose_text_confirm.html", context)
        try:
            purpose_version_publish(
                user=request.user,
                purpose=purpose,
                text=data["text"],
                kind=data["kind"],
                based_on=data["based_on"],
            )
        except ValidationError as error:
            if error.code == "already":  # a second click, or a colleague: nothing to do
                messages.info(request, " ".join(error.messages))
                return redirect("consent:purposes")
            # what was typed stays, read against the newest text
            if error.code in ("stale", "unknown"):
                form = PurposeTextForm(_read_again(request.POST, purpose))
                form.is_valid()
            form.add_error("text", error)
        else:
            messages.success(request, _published_report(asks_again, purpose))
            return redirect("consent:purposes")
    versions = purpose.versions.order_by("-number")
    return render(
        request,
        "consent/purpose_text.html",
        {"purpose": purpose, "form": form, "versions": versions},
        status=400 if form.errors else 200,
    )
