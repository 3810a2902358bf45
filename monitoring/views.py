from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from monitoring import access, reports, selectors, services
from monitoring.forms import (
    FollowUpForm,
    ManualReportForm,
    MarkForm,
    MentionFilterForm,
    ReplyDraftForm,
    ReplyPostedForm,
    ReportForm,
    SourceForm,
    WatchTermForm,
)
from monitoring.mentions import MentionList
from monitoring.models import CATEGORY_LABELS, FetchRun, Mention, PublicReply, Source, WatchTerm
from monitoring.sources.base import MAX_POSTS_PER_RUN
from schools.access import acting_school_ids, has_role, require_role
from schools.forms import refuse_choices_out_of_reach
from schools.leaders import has_director, leaders_of
from schools.models import School
from schools.search import school_search, search_text
from schools.tabular import csv_response
from schools.unsaved import not_found_keeping_text

DASHBOARD_LIMIT = 50
Role = access.Role


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Dashboard and flags --------------------------------------------------------------


@login_required
@require_GET
def dashboard(request):
    access.require_monitoring(request.user)
    # PostgreSQL refuses a NUL character in a query; no school name has one.
    school_query = request.GET.get("school", "").replace("\x00", "").strip()[:100]
    schools, more_schools = _mention_schools(request.user, school_query)
    # ?zaken=<code>: that school's open cases only (the board home's link from its row);
    # a code out of reach, or of no school, finds no case
    cases_of = request.GET.get("zaken", "").replace("\x00", "").strip()[:100]
    # one row past the limit tells that more are open than the page lists
    cases = selectors.open_case_rows(request.user, limit=DASHBOARD_LIMIT + 1, school_code=cases_of)
    flags = selectors.recent_flag_rows(request.user, limit=DASHBOARD_LIMIT + 1)
    context = {
        "cases": cases[:DASHBOARD_LIMIT],
        "flags": flags[:DASHBOARD_LIMIT],
        "more_cases": len(cases) > DASHBOARD_LIMIT,
        "more_flags": len(flags) > DASHBOARD_LIMIT,
        "limit": DASHBOARD_LIMIT,
        "can_act": has_role(request.user, *access.ACTING_ROLES),
        # the privacy officer reads; reporting a post is not theirs (report_post is a 404)
        "can_report": has_role(request.user, *access.REPORTING_ROLES),
        # per flag: a privacy officer who directs one school only reads the others' flags
        "acting_school_ids": acting_school_ids(request.user),
        "is_board": has_role(request.user, Role.BOARD),
        "schools": schools,
        "more_schools": more_schools,
        "school_query": school_query,
        "cases_of": cases_of,
        "cases_of_name": _cases_of_name(request.user, cases_of, cases),
    }
    return render(request, "monitoring/dashboard.html", context)


def _cases_of_name(user, code: str, cases) -> str:
    """The name of the school of ?zaken=<code> when the user monitors it; "" for a code of
    no school and for one out of reach alike, so the page does not tell that one exists.
    The cases listed are of that school and carry its name: a query only when none is."""
    if not code:
        return ""
    if cases:
        return cases[0].school.name
    names = access.monitored_schools(user).filter(code=code).values_list("name", flat=True)
    return names.first() or ""


# A board of many schools finds one by name or code: the dashboard links to at most this
# many schools' mentions, so it costs the same for 10 schools or 6,000 (issue 17).
SCHOOL_LINKS_LIMIT = 20


def _mention_schools(user, query: str) -> tuple[list[tuple[str, str]], bool]:
    """(code, name) of the schools whose mentions the dashboard links to, and whether
    more schools match than are shown (then the page offers a search)."""
    if query:
        schools = access.monitored_schools(user)
        schools = schools.filter(Q(name__icontains=query) | Q(code__icontains=query))
        rows = list(schools.order_by("name").values_list("code", "name")[: SCHOOL_LINKS_LIMIT + 1])
    else:
        rows = selectors.school_links(user, limit=SCHOOL_LINKS_LIMIT + 1)
    return rows[:SCHOOL_LINKS_LIMIT], len(rows) > SCHOOL_LINKS_LIMIT


@login_required
@require_POST
def flag_dismiss(request, pk):
    flag = access.get_flag_for_user(request.user, pk)  # before the 403 of a reader
    access.require_acting(request.user)
    access.require_acting_for(request.user, flag.school_id)
    try:
        dismissed = services.flag_dismiss(
            flag=flag, user=request.user, seen=request.POST.get("flag_seen", "")
        )
    except services.FlagChangedMeanwhile as changed:
        messages.warning(request, changed.message)
    else:
        messages.success(request, _dismissed_message(flag, dismissed))
    if request.POST.get("from_case") and flag.followup_id:
        return redirect("monitoring:case", flag.followup_id)
    if request.POST.get("from_mentions") and flag.post_id:
        mentions = reverse("monitoring:mentions", args=[flag.school.code])
        return redirect(f"{mentions}#post-{flag.post_id}")
    return redirect("monitoring:dashboard")


def _dismissed_message(flag, now: bool) -> str:
    if now:
        return _("Flag dismissed as a false positive.")
    return _("This flag had already been marked as a false positive by %(who)s on %(when)s.") % {
        "who": flag.dismissed_by or "?",
        "when": formats.date_format(timezone.localtime(flag.dismissed_at), "j F Y H:i"),
    }


# --- Mentions ("Vermeldingen") ------------------------------------------------------------

MENTIONS_PER_PAGE = 50


def _other_schools_nav(user, school):
    """The schools to switch between; no query for a director of this one school only.
    None when the user reaches more than SCHOOL_LINKS_LIMIT schools (board staff and the
    privacy officer: every school, 6,000 at national size): the page then offers the
    dashboard's search for another school instead of a link to each."""
    ids = access.monitored_school_ids(user)
    if ids == [school.pk]:
        return [school]  # the template shows no nav for one school
    if ids is not None and len(ids) <= SCHOOL_LINKS_LIMIT:
        return access.monitored_schools(user)
    listed = list(access.monitored_schools(user)[: SCHOOL_LINKS_LIMIT + 1])
    return listed if len(listed) <= SCHOOL_LINKS_LIMIT else None


@never_cache
@login_required
@require_GET
def mentions(request, code):
    school = access.get_monitored_school(request.user, code)
    form = MentionFilterForm(request.GET or None, school=school)
    if form.is_bound and not form.is_valid():
        refuse_choices_out_of_reach(form, "source")  # a source of another school's posts
        rows: QuerySet[Mention] | MentionList = Mention.objects.none()
    else:
        data = form.cleaned_data if form.is_bound else {}
        rows = MentionList(
            school=school,
            category=data.get("category", ""),
            source_id=getattr(data.get("source"), "pk", None),
            status=data.get("status", ""),
        )
    # a MentionList is counted (count()) and sliced only, all a Paginator does with it
    page = Paginator(rows, MENTIONS_PER_PAGE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "school": school,
        "schools": _other_schools_nav(request.user, school),
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "mark_form": MarkForm(),
        # this school's: a privacy officer who directs another school only reads here
        "can_act": access.acts_for_school(request.user, school.pk),
    }
    return render(request, "monitoring/mentions.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def mention_mark(request, code, post_pk):
    # found first (out of reach: 404), then refused to someone who only reads it (403)
    school = access.get_monitored_school(request.user, code)
    mention = get_object_or_404(Mention.objects.select_related("post"), school=school, post=post_pk)
    access.require_acting(request.user)
    access.require_acting_for(request.user, school.pk)
    form = MarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a category."))
    else:
        services.post_mark(
            post=mention.post,
            school=school,
            category=form.cleaned_data["category"],
            user=request.user,
        )
        messages.success(request, _("Marked. Thank you: the classifier learns from this."))
    return redirect(reverse("monitoring:mentions", args=[school.code]) + f"#post-{post_pk}")


# --- Cases ----------------------------------------------------------------------------


def _case_context(request, case, form=None, reply_form=None, posted=None):
    """`posted`: (reply id, its bound ReplyPostedForm) when that address was refused."""
    flags = list(
        case.flags.select_related("school", "post__source")
        .prefetch_related(*selectors.FLAG_PEOPLE)
        .order_by("-urgent", "created_at")
    )
    staff = services.assignee_choices(case)
    initial = {
        "status": case.status,
        "assigned_to": case.assigned_to_id,
        "planned_for": case.planned_for,
        "held_on": case.held_on,
        "notes": case.notes,
        "seen": case.version_token(),
    }
    user = request.user
    can_assign = access.acts_for_school(user, case.school_id)
    return {
        "case": case,
        "flags": flags,
        "replies": case.replies.select_related("drafted_by", "approved_by", "posted_by"),
        "form": form
        or FollowUpForm(
            initial=initial,
            staff=staff,
            can_assign=can_assign,
            status=case.status,
            notes=case.notes,
        ),
        "reply_form": reply_form or ReplyDraftForm(),
        "posted_reply_id": posted[0] if posted else None,
        "posted_form": posted[1] if posted else ReplyPostedForm(),
        # as typed, but no NUL: a page may not carry one (it is one of the refused typos)
        "posted_typed": posted[1].data.get("posted_url", "").replace("\x00", "") if posted else "",
        "can_act": can_assign,
        "can_update": access.may_update_case(user, case),
        "is_monitoring": has_role(user, *access.MONITORING_ROLES),
        "can_reply": any(
            f.category == "verify_fact" and not f.dismissed_as_false_positive for f in flags
        ),
        "is_director": services.is_director_of(user, case.school),
        # who approves a correction: the director, or the board at a school without one
        "has_director": has_director(case.school),
    }


def _typed_back(request, *names: str) -> HttpResponse:
    """The 404 of a case form's POST, with the person's own text of these fields to copy:
    the same for a case that was never theirs as for one taken out of their reach."""
    return not_found_keeping_text(request, [request.POST.get(name, "") for name in names])


@login_required
@require_GET
def case_detail(request, pk):
    case = access.get_case_for_user(request.user, pk)
    return render(request, "monitoring/case.html", _case_context(request, case))


@login_required
@require_POST
def case_update(request, pk):
    try:
        case = access.get_case_for_update(request.user, pk)
    except Http404:  # handed to someone else while the form was open, say
        return _typed_back(request, "notes", "no_action_reason")
    can_assign = access.acts_for_school(request.user, case.school_id)
    staff = services.assignee_choices(case)
    form = FollowUpForm(
        request.POST, staff=staff, can_assign=can_assign, status=case.status, notes=case.notes
    )
    if form.is_valid():
        data = {"assigned_to": case.assigned_to, **form.cleaned_data}
        try:
            services.followup_update(case=case, user=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Case updated."))
            return redirect("monitoring:case", case.pk)
    case.refresh_from_db()
    # what was typed stays; saving it again is then a choice made with the case in view
    typed = cast(QueryDict, form.data).copy()
    typed["seen"] = case.version_token()
    form.data = typed
    return render(
        request, "monitoring/case.html", _case_context(request, case, form=form), status=400
    )


@login_required
@require_POST
def reply_draft(request, pk):
    try:
        case = access.get_case_for_user(request.user, pk)  # before the 403 of a reader
    except Http404:
        return _typed_back(request, "text")
    access.require_acting(request.user)
    access.require_acting_for(request.user, case.school_id)  # not as the assignee only
    form = ReplyDraftForm(request.POST)
    if form.is_valid():
        try:
            services.public_reply_draft(
                case=case, text=form.cleaned_data["text"], user=request.user
            )
        except ValidationError as error:
            if error.code == "already":
                messages.info(request, _error_text(error))
                return redirect("monitoring:case", case.pk)
            form.add_error(None, error)
        else:
            messages.success(request, _drafted_message(case))
            return redirect("monitoring:case", case.pk)
    context = _case_context(request, case, reply_form=form)
    return render(request, "monitoring/case.html", context, status=400)


def _drafted_message(case) -> str:
    if has_director(case.school):
        return _("Correction drafted; the director must approve it.")
    return _("Correction drafted; the board must approve it, as the school has no director.")


@login_required
@require_POST
def reply_approve(request, pk):
    reply = access.get_reply_for_user(request.user, pk)  # before the 403 of a reader
    access.require_acting(request.user)
    access.require_acting_for(request.user, reply.followup.school_id)
    return _reply_step(request, reply, services.public_reply_approve, _("Reply approved."))


@login_required
@require_POST
def reply_posted(request, pk):
    reply = access.get_reply_for_user(request.user, pk)  # before the 403 of a reader
    access.require_acting(request.user)
    access.require_acting_for(request.user, reply.followup.school_id)
    form = ReplyPostedForm(request.POST)
    if not form.is_valid():  # a typo is not recorded as "posted without an address"
        # the page again, with the address as typed beside its error: a redirect lost it
        context = _case_context(request, reply.followup, posted=(reply.pk, form))
        return render(request, "monitoring/case.html", context, status=400)
    url = form.cleaned_data["posted_url"]
    return _reply_step(
        request,
        reply,
        lambda **kw: services.public_reply_record_posted(posted_url=url, **kw),
        _("Posting of the reply recorded."),
    )


def _reply_step(request, reply: PublicReply, step, success: str):
    try:
        step(reply=reply, user=request.user)
    except ValidationError as error:
        # done already (a second click, a colleague): information, not an error
        (messages.info if error.code == "already" else messages.error)(request, _error_text(error))
    else:
        messages.success(request, success)
    return redirect("monitoring:case", reply.followup_id)


# --- Manual reports --------------------------------------------------------------------


@login_required
def report_post(request):
    require_role(request.user, *access.REPORTING_ROLES)
    schools = access.reporting_schools(request.user)
    every_school = has_role(request.user, Role.BOARD)
    chosen = _chosen_school(request, schools, every_school=every_school)
    form = ManualReportForm(request.POST or None, schools=schools, initial={"school": chosen})
    if request.method == "POST" and not form.is_valid() and not every_school:
        refuse_choices_out_of_reach(form, "school")  # a school the user does not report for
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reported = services.post_report(
            school=data["school"],
            url=data["url"],
            text=data["text"],
            has_media=data["has_media"],
            user=request.user,
            category=data["category"],
        )
        if reported.earlier:
            messages.info(request, _reported_earlier(reported.post, data["category"]))
        else:
            messages.success(request, _("Thank you. The post was added to monitoring."))
        messages.info(request, _report_outcome(reported.post, data["school"]))
        return redirect("monitoring:report_post")
    context = {"form": form, "search": _search_if(form.asks_code, schools, request)}
    return render(request, "monitoring/report_post.html", context)


def _chosen_school(request, schools, *, every_school: bool = True) -> School | None:
    """The school of `?school=<code>` among `schools` (a found school's link), else None."""
    return _school_in_reach(request, schools, every_school=every_school)


def _school_in_reach(request, schools, *, every_school: bool) -> School | None:
    """The school `?school=<code>` names among `schools`; None when the page names none
    (or, for someone who reaches `every_school`, a code of none: a typo the page's form
    answers). For anyone else a code outside `schools` (another school's, or nobody's)
    is a 404, as in a page's path: a director asking another school's report got a form
    error (a 400), and the report form of a teacher silently fell back to their own."""
    code = request.GET.get("school", "")
    if not code:
        return None
    school = None if "\x00" in code else schools.filter(code=code).first()
    if school is None and not every_school:
        raise Http404("No school in reach matches the given query.")
    return school


def _search_if(asks_code: bool, schools, request, keep: tuple[str, ...] = (), param="zoek"):
    """A search for the school when the form asks for its code (too many to list)."""
    return school_search(schools, request.GET, keep=keep, param=param) if asks_code else None


def _reported_earlier(post, category: str) -> str:
    """A second report of a stored post: said so, and what was kept of this one."""
    when = formats.date_format(timezone.localtime(post.fetched_at), "DATE_FORMAT")
    text = _(
        "This post was already reported or collected on %(date)s; no second report was made."
    ) % {"date": when}
    if category:
        label = CATEGORY_LABELS[category]
        text += " " + _("Your choice ‘%(category)s’ was added to the post.") % {"category": label}
    return text


def _report_outcome(post, school) -> str:
    """What became of a staff report, so the reporter knows whether it reached someone:
    the school's director, or the board when it has none (schools.leaders)."""
    in_case = services.post_has_open_case(post=post, school=school)
    if not leaders_of(school.pk).exists():
        # nobody to give a case to or tell (ops.health alerts on such cases): the reporter
        # must not rely on the portal, as a promise of the board would have them do
        if in_case:
            return _(
                "It is part of a case, but nobody can follow it up now: the school has no "
                "director and the foundation no board member in the portal. Please also "
                "tell the foundation's office yourself."
            )
        return _(
            "The portal saw no reason for a case, and nobody sees the post among the "
            "mentions now: the school has no director and the foundation no board member "
            "in the portal. Does it need following up? Please tell the foundation's office "
            "yourself."
        )
    if not has_director(school):
        if in_case:
            return _(
                "It is part of a case for the board, which follows it up in person: the "
                "school has no director."
            )
        return _(
            "The portal saw no reason for a case; the board, which answers for the school "
            "while it has no director, sees the post among the mentions. Does it need "
            "following up? Report it again and choose what it is about."
        )
    if in_case:
        return _("It is part of a case for the school's director, who follows it up in person.")
    return _(
        "The portal saw no reason for a case; the school's director sees the post among the "
        "mentions. Does it need following up? Report it again and choose what it is about."
    )


# --- Reports ---------------------------------------------------------------------------


def _report_from_request(request):
    access.require_monitoring(request.user)
    schools = access.monitored_schools(request.user)
    today = timezone.localdate()
    every_school = access.monitored_school_ids(request.user) is None
    _school_in_reach(request, schools, every_school=every_school)
    data = {
        "school": request.GET.get("school") or getattr(schools.first(), "code", ""),
        "month": request.GET.get("month") or f"{today:%Y-%m}",
    }
    form = ReportForm(data, schools=schools)
    if not form.is_valid():
        return form, None
    report = reports.school_report(
        school=form.cleaned_data["school"], month=form.cleaned_data["month"]
    )
    return form, report


@login_required
@require_GET
def report(request):
    form, school_report = _report_from_request(request)
    schools = form.fields["school"].queryset
    context = {
        "form": form,
        "report": school_report,
        "chart": reports.trend_chart(school_report.trend) if school_report else None,
        "search": _search_if(form.asks_code, schools, request, keep=("month",)),
    }
    if school_report:
        cases = reports.cases_per_category(school=school_report.school, month=school_report.month)
        months = [m.month for m in school_report.trend]
        context["cases"] = cases
        context["cases_chart"] = reports.cases_chart(cases, months)
    return render(request, "monitoring/report.html", context, status=200 if school_report else 400)


@login_required
@require_GET
def report_csv(request):
    """?tabel=kengetallen for the month's key figures; otherwise flags per month/category."""
    form, school_report = _report_from_request(request)
    if school_report is None:
        return HttpResponse(_("Choose a school and month."), status=400, content_type="text/plain")
    measures = request.GET.get("tabel") == "kengetallen"
    table = reports.measures_table if measures else reports.counts_table
    headers, rows = table(school_report)
    if measures:
        name = pgettext("file name", "monitoring-key-figures-%(school)s-%(month)s.csv")
    else:
        name = pgettext("file name", "monitoring-counts-%(school)s-%(month)s.csv")
    name %= {"school": school_report.school.code, "month": f"{school_report.month:%Y-%m}"}
    return csv_response(name, headers, rows)


# --- Sources and watch terms (board) ------------------------------------------------------

# Sources and watch terms grow with the schools (a feed per school): a page at a time,
# searchable (issue 17's national size: 6,000 sources).
BOARD_LIST_PER_PAGE = 50


@login_required
def sources(request):
    require_role(request.user, Role.BOARD)
    chosen = _chosen_school(request, School.objects.all())
    form = SourceForm(request.POST or None, initial={"school": chosen}, choosing_on_a_page=True)
    if request.method == "POST" and form.is_valid():
        source = form.save(commit=False)
        source.next_run_at = timezone.now()
        if _saved_once(source, form, _("There already is a source with this address.")):
            messages.success(request, _("Source added."))
            return redirect("monitoring:sources")
    # A page of ids first, then the last run of those 50 only: annotated before the
    # OFFSET, PostgreSQL looked up the last run of every source before the page's.
    ordered = Source.objects.order_by("-needs_attention", "name", "id")
    if chosen is not None:
        # this school's own (the board home's link): a search by its code would also list
        # another school's whose code or name starts the same
        ordered = ordered.filter(school=chosen)
    query = search_text(request.GET)
    if query:
        ordered = ordered.filter(
            Q(name__icontains=query)
            | Q(url__icontains=query)
            | Q(school__name__icontains=query)
            | Q(school__code__icontains=query)
        )
    page = Paginator(ordered.values_list("pk", flat=True), BOARD_LIST_PER_PAGE).get_page(
        request.GET.get("page")
    )
    last_run = FetchRun.objects.filter(source=OuterRef("pk")).order_by("-started_at")
    listing = (
        Source.objects.filter(pk__in=list(page.object_list))
        .select_related("school")
        .annotate(
            last_status=Subquery(last_run.values("status")[:1]),
            last_error=Subquery(last_run.values("error")[:1]),
            last_left_out=Subquery(last_run.values("left_out_count")[:1]),
            last_run_at=Subquery(last_run.values("started_at")[:1]),
        )
        .order_by("-needs_attention", "name", "id")
    )
    context = {
        "form": form,
        "sources": listing,
        "school": chosen,
        "max_posts_per_run": MAX_POSTS_PER_RUN,
        "page": page,
        "query": query,
        "search": _search_if(form.asks_code, School.objects.all(), request, param="schoolzoek"),
    }
    return render(request, "monitoring/sources.html", context, status=400 if form.errors else 200)


def _saved_once(row, form, taken: str) -> bool:
    """Save a new source or watch term; False, with `taken` as the form's error, when a
    colleague's same row committed after the form was validated (two clicks at once)."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        form.add_error(None, taken)
        return False
    return True


@login_required
@require_POST
def source_toggle(request, pk):
    """Pause or resume: the button says which (`active` 0 or 1), so a second click, or a
    colleague's older page, does not undo the first (a flip paused and resumed again)."""
    source = access.get_source_for_board(request.user, pk)
    sent = request.POST.get("active")
    if sent is not None and sent not in ("0", "1"):  # no button sends it: nothing flipped
        messages.error(request, _("Unknown choice."))
        return redirect("monitoring:sources")
    wanted = {"0": False, "1": True}.get(sent, not source.active)
    changed = Source.objects.filter(pk=source.pk, active=not wanted).update(
        active=wanted,
        needs_attention=False,
        consecutive_failures=0,
        failure_notified_at=None,  # a new streak of failures is told again
    )
    if not changed:
        messages.info(request, SOURCE_ALREADY[wanted] % {"name": source.name})
    else:
        messages.success(request, SOURCE_DONE[wanted] % {"name": source.name})
    return redirect("monitoring:sources")


SOURCE_DONE = {
    False: gettext_lazy("Source “%(name)s” paused."),
    True: gettext_lazy("Source “%(name)s” resumed."),
}
SOURCE_ALREADY = {
    False: gettext_lazy("Source “%(name)s” was already paused; nothing changed."),
    True: gettext_lazy("Source “%(name)s” was already active; nothing changed."),
}


@login_required
def watch_terms(request):
    require_role(request.user, Role.BOARD)
    form = WatchTermForm(
        request.POST or None,
        initial={"school": _chosen_school(request, School.objects.all())},
        choosing_on_a_page=True,
    )
    taken = _("This school already has this term.")
    if request.method == "POST" and form.is_valid() and _saved_once(form.instance, form, taken):
        messages.success(request, _("Watch term added."))
        return redirect("monitoring:watch_terms")
    terms = WatchTerm.objects.select_related("school").order_by("school__name", "term", "id")
    query = search_text(request.GET)
    if query:
        terms = terms.filter(
            Q(term__icontains=query)
            | Q(school__name__icontains=query)
            | Q(school__code__icontains=query)
        )
    page = Paginator(terms, BOARD_LIST_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "terms": page.object_list,
        "page": page,
        "query": query,
        "search": _search_if(form.asks_code, School.objects.all(), request, param="schoolzoek"),
    }
    return render(
        request, "monitoring/watch_terms.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def watch_term_delete(request, pk):
    require_role(request.user, Role.BOARD)
    # a second click (or a colleague's older page) finds it gone: said, not a 404
    if WatchTerm.objects.filter(pk=pk).delete()[0]:
        messages.success(request, _("Watch term removed."))
    else:
        messages.info(request, _("This watch term was already removed."))
    return redirect("monitoring:watch_terms")


# --- Public ------------------------------------------------------------------------------


@require_GET
def privacy(request):
    context = {
        "unflagged_days": settings.MONITORING_UNFLAGGED_RETENTION_DAYS,
        "flagged_days": settings.MONITORING_FLAGGED_RETENTION_DAYS,
        "retention_years": settings.PUPIL_RETENTION_SCHOOL_YEARS,
    }
    return render(request, "monitoring/privacy.html", context)
