"""Board staff: the purposes (channels) and their versioned texts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from consent.forms import PurposeForm, PurposeTextForm
from consent.models import Purpose, PurposeVersion
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
    latest = {}
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
    return render(request, "consent/purposes.html", {"versions": latest.values(), "form": form})


@login_required
def purpose_text(request, pk):
    require_role(request.user, Role.BOARD)
    purpose = get_object_or_404(Purpose, pk=pk)
    current = purpose.versions.order_by("-number").first()
    form = PurposeTextForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            purpose_version_publish(user=request.user, purpose=purpose, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("The new text is published."))
            return redirect("consent:purposes")
    versions = purpose.versions.order_by("-number")
    return render(
        request,
        "consent/purpose_text.html",
        {"purpose": purpose, "form": form, "versions": versions},
    )
