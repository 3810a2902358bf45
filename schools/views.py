from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from schools.access import (
    get_school_for_acting,
    get_school_for_director,
    get_school_for_import,
    require_role,
    schools_for_import,
)
from schools.accesslog import RECORDING_GROUPS_MIGRATION, membership_changes, recorded_since
from schools.forms import (
    PupilImportForm,
    SchoolContactForm,
    TeacherAddForm,
    TeachingLinksForm,
    refuse_choices_out_of_reach,
)
from schools.importer import COLUMNS, REQUIRED_COLUMNS, pupils_import
from schools.models import Group, StaffMembership
from schools.search import school_search
from schools.services import (
    TeacherAddRefused,
    TeacherAddUnconfirmed,
    access_history_kept_from,
    school_contact_set,
    teacher_add,
    teacher_remove,
    teaching_links_save,
)
from schools.staffing import removed_teacher_name, staffing_of, staffing_years
from schools.uploads import MemoryUploadHandler

Role = StaffMembership.Role


@csrf_exempt  # only to swap the upload handler first; _import_pupils is csrf_protect-ed
@login_required
def import_pupils(request):
    require_role(request.user, Role.DIRECTOR, Role.BOARD)
    # A pupil list stays in memory, and no more of it than the limit (the form refuses it).
    request.upload_handlers = [
        MemoryUploadHandler(request, field="file", max_bytes=settings.PUPIL_IMPORT_MAX_BYTES)
    ]
    return _import_pupils(request)


@csrf_protect
def _import_pupils(request):
    code = request.POST.get("school") or request.GET.get("school")
    school = get_school_for_import(request.user, code) if code else None
    posted = request.method == "POST"
    form = PupilImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        schools=schools_for_import(request.user),
        initial={"school": school},
        today=timezone.localdate(),
    )
    report = None
    if posted and form.is_valid():
        report = pupils_import(
            school=form.cleaned_data["school"],
            text=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            allow_most_leaving=form.cleaned_data["allow_most_leaving"],
            next_school_year=form.cleaned_data.get("next_school_year", False),
            by=request.user,
        )
    context = {
        # the field is a ModelChoiceField of the user's schools (school_field_choice)
        "search": school_search(form.fields["school"].queryset, request.GET)  # type: ignore[attr-defined]
        if form.asks_code
        else None,
        "form": form,
        "report": report,
        **_shown_of(report),
        "columns": COLUMNS,
        "required_columns": REQUIRED_COLUMNS,
    }
    return render(request, "schools/import_pupils.html", context)


# A wrong file (another export, a shifted column) can give a problem on every one of
# thousands of rows: the page lists the first ones and says how many more there are.
PROBLEMS_SHOWN = 200
IGNORED_COLUMNS_SHOWN = 50


def _shown_of(report) -> dict:
    if report is None:
        return {}
    return {
        "errors_shown": report.errors[:PROBLEMS_SHOWN],
        "errors_more": max(0, len(report.errors) - PROBLEMS_SHOWN),
        "ignored_shown": report.ignored_columns[:IGNORED_COLUMNS_SHOWN],
        "ignored_more": max(0, len(report.ignored_columns) - IGNORED_COLUMNS_SHOWN),
    }


@never_cache
@login_required
def staff_groups(request, code):
    """Leerkrachten en groepen: the school's teachers and the groups of this school year
    they teach, changed by the school's director (or board staff) in one form."""
    require_role(request.user, Role.DIRECTOR, Role.BOARD)
    school = get_school_for_acting(request.user, code)
    years = staffing_years(timezone.localdate())
    year = request.GET.get("jaar", years[0])
    if year not in years:
        raise Http404("not a school year teachers are linked for now")
    staffing = staffing_of(school, year)
    posted = request.POST if request.method == "POST" else None
    form = TeachingLinksForm(posted, staffing=staffing)
    if posted is not None:
        valid = form.is_valid()
        refuse_choices_out_of_reach(form, "links")
        if valid:
            teaching_links_save(
                school=school,
                year=year,
                teachers=form.cleaned_data["teachers"],
                links=form.pairs(),
                by=request.user,
                shown=form.shown_pairs(),
            )
            messages.success(request, _("Saved."))
            return redirect(request.get_full_path())
    # after a form error the director's own ticks, not the stored links
    ticked = set(posted.getlist("links")) if posted is not None else None
    context = {"school": school, "staffing": staffing, "form": form, "years": years}
    context["rows"] = staffing.form_rows(ticked)
    # what the page showed stays what the form was read as (a form error shows the ticks)
    context["shown"] = (
        posted.get("shown", "")
        if posted is not None
        else " ".join(
            value for _row, cells in staffing.form_rows() for _g, value, on in cells if on
        )
    )
    return render(request, "schools/staff_groups.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
def staff_teacher_add(request, code):
    """A new teacher of the school (an account of their own, or a teacher membership for
    an account the address has), linked to this year's groups the director ticks."""
    require_role(request.user, Role.DIRECTOR, Role.BOARD)
    school = get_school_for_acting(request.user, code)
    year = staffing_years(timezone.localdate())[0]
    groups = Group.objects.filter(school=school, school_year=year).order_by("name", "pk")
    posted = request.POST if request.method == "POST" else None
    form = TeacherAddForm(posted, groups=groups)
    confirm_email = ""  # an address with an account in another name, to confirm
    if posted is not None:
        valid = form.is_valid()
        refuse_choices_out_of_reach(form, "groups")
        if valid:
            try:
                membership = teacher_add(
                    school=school,
                    email=form.cleaned_data["email"],
                    full_name=form.cleaned_data["full_name"],
                    groups=list(form.cleaned_data["groups"]),
                    by=request.user,
                    other_name_confirmed=form.other_name_confirmed(),
                )
            except TeacherAddRefused as refusal:
                if isinstance(refusal, TeacherAddUnconfirmed):
                    confirm_email = form.cleaned_data["email"]
                form.add_error("email", str(refusal))
            else:
                messages.success(request, _added_message(membership, school, request.user))
                return redirect("schools:staff_groups", code=school.code)
    context = {
        "school": school,
        "form": form,
        "year": year,
        "has_groups": groups.exists(),
        "confirm_email": confirm_email,
    }
    return render(
        request, "schools/staff_teacher_add.html", context, status=400 if form.errors else 200
    )


def _added_message(membership: StaffMembership, school, by) -> str:
    names = {"name": membership.user, "school": school.name, "email": membership.user.email}
    if membership.user_id == by.pk:
        return _("You are now also a teacher of %(school)s.") % names
    # The address, so a typo is seen while the director can still end the membership.
    return (
        _(
            "%(name)s is now a teacher of %(school)s and gets an e-mail at %(email)s with how "
            "to log in. Not the right address? Remove the teacher below and add them again."
        )
        % names
    )


@never_cache
@login_required
def staff_teacher_remove(request, code, pk):
    """End one teacher membership of the school, after a confirmation (GET asks, POST
    does it). Another school's membership, a director's or none is a 404; one of this
    school ended already (a second click) leads back to the staff page, saying so."""
    require_role(request.user, Role.DIRECTOR, Role.BOARD)
    school = get_school_for_acting(request.user, code)
    memberships = StaffMembership.objects.select_related("user", "school").defer("user__password")
    membership = memberships.filter(pk=pk, school=school, role=Role.TEACHER).first()
    if membership is None:
        return _removed_already(request, school, pk)
    if request.method == "POST":
        names = {"name": membership.user, "school": school.name}
        if teacher_remove(membership=membership, by=request.user):
            messages.success(request, _("%(name)s is no longer a teacher of %(school)s.") % names)
        else:
            messages.info(request, ALREADY_REMOVED % names)
        return redirect("schools:staff_groups", code=school.code)
    context = {"school": school, "membership": membership}
    return render(request, "schools/staff_teacher_remove.html", context)


ALREADY_REMOVED = gettext_lazy("%(name)s had already been removed as a teacher of %(school)s.")
# the admin's history named them by direction controls only (schools.staffing)
ALREADY_REMOVED_UNNAMED = gettext_lazy("This teacher had already been removed from %(school)s.")


def _removed_already(request, school, pk):
    """A second click on "verwijderen" after the first committed (a double click, Back and
    send again, a second tab): the membership is gone, so the staff page says the teacher
    was removed already. An id that was no membership of this school stays a 404."""
    name = removed_teacher_name(school, pk)
    if name is None:
        raise Http404
    if name:
        messages.info(request, ALREADY_REMOVED % {"name": name, "school": school.name})
    else:
        messages.info(request, ALREADY_REMOVED_UNNAMED % {"school": school.name})
    return redirect("schools:staff_groups", code=school.code)


@never_cache
@login_required
def school_contact(request, code):
    """The school's contact address for parents' replies, set by its director (or board
    staff); back to the coverage page, where reminders and the review round are sent."""
    require_role(request.user, Role.DIRECTOR, Role.BOARD)
    school = get_school_for_acting(request.user, code)
    posted = request.POST if request.method == "POST" else None
    form = SchoolContactForm(posted, initial={"contact_email": school.contact_email})
    if posted is not None and form.is_valid():
        address = form.cleaned_data["contact_email"]
        school_contact_set(school=school, address=address, by=request.user)
        if address:
            done = _("Parents who reply to an e-mail about %(school)s now write to %(address)s.")
        else:
            done = _("%(school)s has no contact address now: e-mails say replies are not read.")
        messages.success(request, done % {"school": school.name, "address": address})
        return redirect("consent:coverage", code=school.code)
    context = {"school": school, "form": form}
    return render(
        request, "schools/school_contact.html", context, status=400 if form.errors else 200
    )


CHANGES_PER_PAGE = 50


@require_safe
@never_cache
@login_required
def access_changes(request):
    """Who was given or lost a staff role, or a group to teach, at which school, when, by
    whom and how: the privacy officer's answer to "who could reach this school's pupil
    data, from when to when" (board staff read it too). `?school=<code>`: that school's,
    with the roles of every school. Only what was recorded since the recording began
    (recorded_since)."""
    require_role(request.user, Role.PRIVACY_OFFICER, Role.BOARD)
    code = request.GET.get("school", "").strip()
    if "\x00" in code:  # PostgreSQL refuses a NUL character in a query; no code has one
        raise Http404
    school = get_school_for_director(request.user, code) if code else None
    page = Paginator(membership_changes(school), CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "school": school,
        "page": page,
        "since": recorded_since(),
        "groups_since": recorded_since(RECORDING_GROUPS_MIGRATION),
        "kept_from": access_history_kept_from(today=timezone.localdate()),
    }
    return render(request, "schools/access_changes.html", context)
