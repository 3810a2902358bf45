"""Directors (and board staff): coverage with names, reminders and the yearly review (each
with a preview, a confirmation and a report), paper and phone forms, exports."""

from typing import TypedDict

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.models import User
from accounts.names import namesakes
from consent.access import by_picture
from consent.charts import coverage_history
from consent.forms import PaperForm
from consent.models import ConsentEvent, ReviewRound, TakedownTask
from consent.recipients import deactivated_sentences, review_round_families
from consent.reports import (
    child_history,
    coverage_csv_bytes,
    coverage_inputs,
    coverage_table,
    review_rounds_with_progress,
    school_coverage,
)
from consent.services import (
    consent_decide,
    current_school_year,
    parent_purposes,
    parents_open_elsewhere,
    reminder_plan,
    reminders_send,
    review_round_open,
)
from schools.access import (
    acts_for_school,
    directed_schools,
    get_pupil_for_acting,
    get_school_for_acting,
    get_school_for_director,
    guardianship_of,
    own_child_ids,
    own_family_ids,
    require_role,
)
from schools.importer import NEXT_YEAR_MONTHS, school_year_for
from schools.models import Group, Pupil, StaffMembership
from schools.search import paged_schools, search_text
from schools.tabular import csv_text_response, xlsx_response

Role = StaffMembership.Role
ACTING = (Role.DIRECTOR, Role.BOARD)


# Board staff and the privacy officer reach every school (6,000 at national size): the
# index shows a page of them, searchable by name or code; a director's few fit one page.
COVERAGE_SCHOOLS_PER_PAGE = 50


@require_safe
@login_required
def coverage_index(request):
    require_role(request.user, Role.DIRECTOR, Role.BOARD, Role.PRIVACY_OFFICER)
    query = search_text(request.GET)
    page = paged_schools(
        directed_schools(request.user), query, request.GET.get("page"), COVERAGE_SCHOOLS_PER_PAGE
    )
    return render(
        request,
        "consent/coverage_index.html",
        {"schools": page.object_list, "page": page, "query": query},
    )


@require_safe
@never_cache
@login_required
def coverage(request, code):
    school = get_school_for_director(request.user, code)
    year = current_school_year(timezone.localdate())
    inputs = coverage_inputs(school, times=True)  # read once for table and chart
    can_act = acts_for_school(request.user, school.pk)
    own_children = own_child_ids(request.user) if can_act else frozenset()
    context = {
        "coverage": school_coverage(school, inputs),
        "history": coverage_history(school, inputs=inputs),
        "review_round": review_rounds_with_progress(year).filter(school=school).first(),
        "can_act": can_act,
        # no paper-form or reminder link for the user's own child (both refuse it), nor a
        # reminder link to a parent of that child on any line, wherever the child is (read
        # with the own children, no query more)
        "own_children": own_children,
        "own_family": own_family_ids(request.user) if can_act else frozenset(),
        "school_year": year,
        # before this year's first pupil list the pupils are still in last year's groups
        "year_imported": Group.objects.filter(school=school, school_year__gte=year).exists(),
    }
    return render(request, "consent/coverage.html", context)


@require_safe
@never_cache
@login_required
def school_takedowns(request, code):
    """A school's publications still to take down, to whom each is given and since when:
    read-only, for the board's oversight of every school (the board home's count links
    here), the school's directors and the privacy officer. Closing stays with the one it is
    given to and the school's directors (consent.access.takedowns_in_reach). No pupil is
    named: each line links the check, which its readers may open."""
    school = get_school_for_director(request.user, code)
    tasks = (
        TakedownTask.objects.filter(publication_check__school=school, done_at__isnull=True)
        .select_related("publication_check__purpose", "publication_check__checked_by")
        .select_related("assigned_to")
        .order_by("created_at", "id")
    )
    pictures = by_picture(tasks)
    named = [task.publication_check.checked_by for task in tasks] + [
        task.assigned_to for task in tasks
    ]
    context = {"school": school, "pictures": pictures, "namesakes": namesakes(named)}
    return render(request, "consent/school_takedowns.html", context)


def _export_name(school, ext: str) -> str:
    return pgettext("file name", "consent-%(school)s-%(date)s.%(ext)s") % {
        "school": school.code,
        "date": timezone.localdate().isoformat(),
        "ext": ext,
    }


@require_safe
@login_required
def coverage_export(request, code):
    school = get_school_for_director(request.user, code)
    return csv_text_response(_export_name(school, "csv"), coverage_csv_bytes(school))


@require_safe
@login_required
def coverage_export_xlsx(request, code):
    school = get_school_for_director(request.user, code)
    headers, rows = coverage_table(school)
    years = _group_years(school)
    document_title = _(
        "Consent status of %(school)s, %(date)s; groups of school year %(years)s"
    ) % {
        "school": school.name,
        "date": date_format(timezone.localdate(), "j F Y"),
        "years": ", ".join(years),
    }
    sheet = _("Consent %(year)s") % {"year": years[0]} if len(years) == 1 else _("Consent")
    return xlsx_response(
        _export_name(school, "xlsx"), headers, rows, title=sheet, document_title=document_title
    )


def _group_years(school) -> list[str]:
    """The school years of the groups the school's pupils are in now: until this year's
    first pupil list they are last year's (as the coverage page says). One query."""
    years = (
        Group.objects.filter(pupils__in=Pupil.objects.current().filter(school=school))
        .order_by("school_year")
        .values_list("school_year", flat=True)
        .distinct()
    )
    return list(years) or [current_school_year(timezone.localdate())]


# --- Reminders: preview, confirm, report ---------------------------------------------


class ReminderScope(forms.Form):
    groep = forms.IntegerField(required=False, min_value=1)
    ouder = forms.IntegerField(required=False, min_value=1)


class _ReminderScopeIds(TypedDict):
    """The scope as reminder_plan and reminders_send take it."""

    group_id: int | None
    guardian_id: int | None
    withheld: frozenset[int]


def _reminder_scope(request, school) -> tuple[Group | None, User | None]:
    """The group and parent a reminder is limited to; out of the school is a 404."""
    scope = ReminderScope(request.POST if request.method == "POST" else request.GET)
    if not scope.is_valid():
        raise Http404
    group = parent = None
    if scope.cleaned_data["groep"]:
        group = Group.objects.filter(school=school, pk=scope.cleaned_data["groep"]).first()
        if group is None:
            raise Http404
    if scope.cleaned_data["ouder"]:
        parent = (
            get_user_model()
            .objects.filter(
                pk=scope.cleaned_data["ouder"],
                guardianships__pupil__school=school,
                guardianships__pupil__left_on__isnull=True,
                guardianships__has_parental_authority=True,
            )
            .first()
        )
        if parent is None:
            raise Http404
    return group, parent


def _reminder_report(plan) -> str:
    # Only queued here (the outbox sends them, later if the mail queue is down): the report
    # says they are being sent, never that they were.
    sent = ngettext(
        "%(n)s reminder is being sent.", "%(n)s reminders are being sent.", len(plan.to_send)
    ) % {"n": len(plan.to_send)}
    # The preview's own sentences, each with its own plural ("6 heeft alles beantwoord"
    # was one sentence for two counts); a count of none says nothing.
    recent = (
        ngettext(
            "%(n)s parent will not: reminded in the last 7 days.",
            "%(n)s parents will not: reminded in the last 7 days.",
            plan.recently_reminded,
        )
        % {"n": plan.recently_reminded}
        if plan.recently_reminded
        else ""
    )
    done = (
        ngettext(
            "%(n)s parent will not: answered every question.",
            "%(n)s parents will not: answered every question.",
            plan.all_answered,
        )
        % {"n": plan.all_answered}
        if plan.all_answered
        else ""
    )
    declined = (
        ngettext(
            "%(n)s parent does not want reminders.",
            "%(n)s parents do not want reminders.",
            plan.declined,
        )
        % {"n": plan.declined}
        if plan.declined
        else ""
    )
    withheld = (
        ngettext(
            "%(n)s parent of your own child is left for a colleague.",
            "%(n)s parents of your own child are left for a colleague.",
            plan.withheld,
        )
        % {"n": plan.withheld}
        if plan.withheld
        else ""
    )
    deactivated = deactivated_sentences(plan.deactivated)
    sentences = [sent, recent, done, declined, withheld, *deactivated]
    return " ".join(sentence for sentence in sentences if sentence)


def _own_family_refusal(request, school, parent):
    """A reminder to a parent of the user's own child, themselves included, is not theirs
    to send with the school's authority (as the paper form: consent.views.director.record):
    the page says who sends it instead; sent anyway (an older tab, by hand) it is a 400
    and nothing goes."""
    # headed as what it is, as the refused paper form ("Sem Bakker: uw eigen kind")
    name = parent.full_name or parent.email
    reason: str
    if parent == request.user:
        heading = _("A reminder to yourself")
        reason = format_html(
            _(
                "This reminder would go to yourself, as a parent of your own child: you see "
                'your open questions on <a href="{url}">your children\'s page</a>.'
            ),
            url=reverse("consent:my_children"),
        )
    else:
        heading = _("%(name)s: a parent of your own child") % {"name": name}
        reason = _(
            "%(name)s is a parent of your own child: a reminder to them is sent by a "
            "colleague (a director of the school or someone of the board), not by yourself."
        ) % {"name": name}
    context = {"school": school, "parent": parent, "refusal": reason, "heading": heading}
    if request.method == "POST":
        context["nothing_sent"] = True
        return render(request, "consent/remind_confirm.html", context, status=400)
    return render(request, "consent/remind_confirm.html", context)


@never_cache
@login_required
def remind(request, code):
    require_role(request.user, *ACTING)
    school = get_school_for_acting(request.user, code)
    group, parent = _reminder_scope(request, school)
    # the family of the user's own child is left for a colleague (one query more, only for
    # a staff member who is a parent: their own children's gezag-holders)
    family = own_family_ids(request.user)
    if parent is not None and parent.pk in family:
        return _own_family_refusal(request, school, parent)
    scope: _ReminderScopeIds = {
        "group_id": group.pk if group else None,
        "guardian_id": parent.pk if parent else None,
        "withheld": family,
    }
    if request.method == "POST":
        plan = reminders_send(school=school, by=request.user, **scope)
        messages.success(request, _reminder_report(plan))
        return redirect("consent:coverage", code=school.code)
    plan = reminder_plan(school=school, **scope)
    context = {
        "school": school,
        "group": group,
        "parent": parent,
        "plan": plan,
        # their reminder is about two schools: no Reply-To, whatever this school's address
        "open_elsewhere": parents_open_elsewhere(school=school, user_ids=plan.to_send)
        if school.reply_to()
        else 0,
    }
    return render(request, "consent/remind_confirm.html", context)


def _review_round_report(school) -> str:
    parents = review_round_families(school_id=school.pk)
    opened = ngettext(
        "The review round is open; %(n)s parent is being e-mailed.",
        "The review round is open; %(n)s parents are being e-mailed.",
        parents.emailed,
    ) % {"n": parents.emailed}
    return " ".join([opened, *deactivated_sentences(parents.deactivated)])


@never_cache
@login_required
def review_round(request, code):
    require_role(request.user, *ACTING)
    school = get_school_for_acting(request.user, code)
    if request.method == "POST":
        try:
            review_round_open(school=school, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _review_round_report(school))
        return redirect("consent:coverage", code=school.code)
    today = timezone.localdate()
    year = current_school_year(today)
    context = {
        "school": school,
        "year": year,
        # in June and July a round opened now is of the year that ends on 31 July
        "next_year": school_year_for(today, next_year=True)
        if today.month in NEXT_YEAR_MONTHS
        else None,
        "already_open": ReviewRound.objects.filter(school=school, school_year=year).first(),
        "parents": review_round_families(school_id=school.pk),
    }
    return render(request, "consent/review_round_confirm.html", context)


# --- Paper and phone forms ------------------------------------------------------------


def _initial_guardian(request, guardians):
    """Keep the parent chosen last time (?ouder=), if they are a gezag-holder of the pupil."""
    value = request.GET.get("ouder", "")
    if value.isascii() and value.isdigit():
        return guardians.filter(pk=int(value)).first()
    return None


def _paper_form_without(form: PaperForm, changed, *, pupil, guardians, infos) -> PaperForm:
    """A channel's text changed while the paper form was being typed in: the parent
    answered the earlier text, so nothing is recorded and the form comes back with that
    channel's answers left open (the rest as typed) and a message naming it."""
    again = PaperForm(form.data_without(changed), pupil=pupil, guardians=guardians, infos=infos)
    again.is_valid()
    # With only changed channels answered nothing is left, and the form's own "fill in at
    # least one answer" would tell the director they typed in nothing.
    again.errors.pop(NON_FIELD_ERRORS, None)
    names = ", ".join(f"“{info.purpose.name}”" for info in changed)
    again.add_error(
        None,
        _(
            "The text of %(channels)s was changed after this page was opened; the parent "
            "answered the earlier text. Nothing was recorded. Those answers are now left "
            "open: ask the parent again about the new text, or save the rest of the form "
            "without them."
        )
        % {"channels": names},
    )
    again.changed = changed  # the page shows their current texts, to read to the parent
    return again


def _own_child_refusal(form: PaperForm, pupil, user) -> str:
    """Why a paper form for the user's own child records nothing (consent_decide refuses
    it as well): their own choices belong on their parent page, the other parent's form
    to a colleague, who has no stake in what it decides."""
    form.is_valid()  # the parent chosen, whatever else the form lacks
    if form.cleaned_data.get("guardian") == user:
        return format_html(
            _(
                "You are a parent with parental authority of {name}: you give your own "
                'choices on <a href="{url}">your child\'s page</a>. Nothing was recorded.'
            ),
            name=pupil.first_name,
            url=reverse("consent:child", args=[pupil.pk]),
        )
    return _(
        "%(name)s is your own child: a paper form or phone call from another parent of "
        "%(name)s is recorded by a colleague (a director of the school or someone of the "
        "board), not by yourself. Nothing was recorded."
    ) % {"name": pupil.first_name}


@never_cache
@login_required
def record(request, pk):
    """Staff type in a whole paper form (or phone call) and submit once; the events name
    the method and the staff member who recorded them. Not for the user's own child:
    the page says where to go instead, and a form sent anyway is a 400."""
    require_role(request.user, *ACTING)
    pupil = get_pupil_for_acting(request.user, pk)
    own_link = guardianship_of(request.user, pupil.pk)
    guardians = get_user_model().objects.filter(
        guardianships__pupil=pupil, guardianships__has_parental_authority=True
    )
    initial = {"guardian": _initial_guardian(request, guardians)}
    # the channels the child's page shows: the active ones, and the retired ones where a
    # "yes" stands or the child still appears in something published (a withdrawal by
    # phone or on paper must reach those too)
    infos, table = parent_purposes(pupil)
    # bound on every POST, an empty one too (`request.POST or None` showed it the blank
    # form again without a word)
    data = request.POST if request.method == "POST" else None
    form = PaperForm(data, pupil=pupil, guardians=guardians, infos=infos, initial=initial)
    if request.method == "POST" and own_link is not None:
        refusal = _own_child_refusal(form, pupil, request.user)
        form.errors.clear()  # the form is not shown again: only the refusal is said
        form.add_error(None, refusal)
    elif request.method == "POST" and form.is_valid() and (changed := form.changed_channels()):
        form = _paper_form_without(form, changed, pupil=pupil, guardians=guardians, infos=infos)
    elif request.method == "POST" and form.is_valid():
        guardian = form.cleaned_data["guardian"]
        try:
            events = consent_decide(
                pupil=pupil,
                guardian=guardian,
                answers=form.answers(),
                method=form.cleaned_data["method"],
                recorded_by=request.user,
                infos=infos,
            )
        except (ValidationError, PermissionDenied):
            form.add_error(None, _("This form could not be recorded; nothing was changed."))
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s answer was recorded; unchanged answers were skipped.",
                    "%(n)s answers were recorded; unchanged answers were skipped.",
                    len(events),
                )
                % {"n": len(events)},
            )
            url = reverse("consent:record", args=[pupil.pk]) + f"?ouder={guardian.pk}"
            return redirect(url)
    context = {
        "pupil": pupil,
        "form": form,
        "history": child_history(pupil),
        # which answers no longer count, as the form's rules read them: the channels'
        # versions and the child's gezag-holders of its consent table, no query more
        "baselines": {pk: info.baseline for pk, info in table.purposes.items()},
        "holders": table.holders.get(pupil.pk, set()),
        "Method": ConsentEvent.Method,
        "own_link": own_link,
    }
    # a POST that got here was refused (a recorded form redirects): 400, as the portal's
    # other forms answer a refusal
    status = 400 if request.method == "POST" else 200
    return render(request, "consent/record.html", context, status=status)
