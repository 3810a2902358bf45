"""Directors (and board staff): coverage, conflicts, reminders, the yearly review, CSV."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consent.forms import RecordOnBehalfForm
from consent.models import ConsentEvent, ReviewRound
from consent.reports import child_history, coverage_csv, school_coverage
from consent.services import (
    Answer,
    consent_decide,
    current_school_year,
    reminders_request,
    review_round_open,
)
from schools.access import (
    directed_schools,
    get_pupil_for_staff,
    get_school_for_director,
    has_role,
    require_role,
)
from schools.models import StaffMembership

Role = StaffMembership.Role


@login_required
def coverage_index(request):
    require_role(request.user, Role.DIRECTOR, Role.BOARD, Role.PRIVACY_OFFICER)
    return render(
        request, "consent/coverage_index.html", {"schools": directed_schools(request.user)}
    )


@login_required
def coverage(request, code):
    school = get_school_for_director(request.user, code)
    year = current_school_year(timezone.localdate())
    context = {
        "coverage": school_coverage(school),
        "review_round": ReviewRound.objects.filter(school=school, school_year=year).first(),
        "can_act": has_role(request.user, Role.DIRECTOR, Role.BOARD),
    }
    return render(request, "consent/coverage.html", context)


@login_required
def coverage_export(request, code):
    school = get_school_for_director(request.user, code)
    response = HttpResponse(coverage_csv(school), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="toestemming-{school.code}-{stamp}.csv"'
    )
    return response


@login_required
@require_POST
def remind(request, code):
    require_role(request.user, Role.DIRECTOR, Role.BOARD)
    school = get_school_for_director(request.user, code)
    reminders_request(school=school)
    messages.success(
        request,
        _("Reminders are being sent to parents who have not answered (at most one a week)."),
    )
    return redirect("consent:coverage", code=school.code)


@login_required
@require_POST
def review_round(request, code):
    require_role(request.user, Role.DIRECTOR, Role.BOARD)
    school = get_school_for_director(request.user, code)
    try:
        review_round_open(school=school, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The review round is open; parents are being e-mailed."))
    return redirect("consent:coverage", code=school.code)


@login_required
def record(request, pk):
    """Staff record a decision a parent gave on paper or by phone; the event names them."""
    require_role(request.user, Role.DIRECTOR, Role.BOARD)
    pupil = get_pupil_for_staff(request.user, pk)
    guardians = get_user_model().objects.filter(
        guardianships__pupil=pupil, guardianships__has_parental_authority=True
    )
    form = RecordOnBehalfForm(request.POST or None, guardians=guardians)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            events = consent_decide(
                pupil=pupil,
                guardian=data["guardian"],
                answers=[Answer(data["purpose"].pk, data["media_type"], data["decision"] == "yes")],
                method=data["method"],
                recorded_by=request.user,
            )
        except (ValidationError, PermissionDenied):
            form.add_error(None, _("This decision could not be recorded."))
        else:
            if events:
                messages.success(request, _("The decision is recorded."))
            else:
                messages.info(request, _("This was already the parent's answer; nothing changed."))
            return redirect("consent:record", pk=pupil.pk)
    context = {
        "pupil": pupil,
        "form": form,
        "history": child_history(pupil),
        "Method": ConsentEvent.Method,
    }
    return render(request, "consent/record.html", context)
