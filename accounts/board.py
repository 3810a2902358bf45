"""The board's home page at any size of foundation.

"Wat vraagt aandacht" for the whole foundation needs, per school, the pupils with
unanswered questions and the pupils whose parents disagree: the consent rules replayed
for every pupil (`accounts.attention`). That is 0.5 s for 2,500 pupils and 20 s for
100,000. So:

- up to `settings.BOARD_LIVE_PUPILS` current pupils, the page counts live, as the
  director's home page does;
- above it, the page reads each school's last count (`SchoolCounts`): a school is counted
  again after every committed write that changes its numbers (marked by
  `accounts.signals`; up to `RECOUNT_ON_REQUEST` such schools are counted before the page
  is shown, more by the periodic task) and in any case once per
  `settings.BOARD_COUNTS_CYCLE_SECONDS` (the periodic task `accounts.recount_schools`
  counts the oldest in turn, so writes that bypass signals are caught too).

Open takedowns, open cases and failing sources are always read live (few rows, indexed).
The schools table is paged (`SCHOOLS_PER_PAGE`, by name); the foundation total is over
every school.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum, Window
from django.utils import timezone

from accounts.attention import SchoolAttention, attention_overview, failing_sources
from accounts.models import SchoolCounts, User
from consent.models import TakedownTask
from monitoring.models import FollowUp, Source
from monitoring.services import school_date
from schools.leaders import directed_school_ids
from schools.models import Pupil, School

SCHOOLS_PER_PAGE = 50
# Schools whose numbers changed that the page counts itself before it is shown (about
# 60 ms each); when more changed at once (an import, a new text version), the periodic
# task counts them and the page says so.
RECOUNT_ON_REQUEST = 10
# Schools without a director are shown in full (the board answers for them), live.
WITHOUT_DIRECTOR_IN_FULL = 20
COUNTED = ("pupils", "waiting_pupils", "conflicts", "protocol_missing")
URGENT = Q(priority=FollowUp.Priority.URGENT)
# Open cases the board should see by name (urgent, nobody's, a conversation day passed):
# the first ones, with how many there are.
CASES_IN_FULL = 20
# Schools without a contact address for parents named on the page (the first by name).
WITHOUT_CONTACT_IN_FULL = 20


@dataclass
class BoardRow:
    school: School
    has_director: bool
    counted: bool  # False: not counted yet (a new school of a large foundation)
    pupils: int = 0
    waiting_pupils: int = 0
    conflicts: int = 0
    protocol_missing: int = 0
    takedowns: int = 0
    cases: int = 0
    urgent_cases: int = 0
    sources_failing: int = 0


@dataclass
class BoardHome:
    page: Page
    rows: list[BoardRow]
    total: dict
    without_director: list[SchoolAttention]
    more_without_director: int  # beyond WITHOUT_DIRECTOR_IN_FULL
    foundation_sources: list[Source]
    counted_at: datetime.datetime | None  # None: counted live, now
    still_counting: int  # more than this many schools are being counted again (0: none)
    # open cases of any school that are urgent, nobody's, or past their planned day
    cases_needing_attention: list[FollowUp] = field(default_factory=list)
    more_cases_needing_attention: bool = False  # beyond CASES_IN_FULL
    # schools whose parents' replies to e-mails reach nobody (School.contact_email empty)
    without_contact: list[School] = field(default_factory=list)
    more_without_contact: bool = False  # beyond WITHOUT_CONTACT_IN_FULL

    @property
    def cycle_minutes(self) -> int:
        return max(1, settings.BOARD_COUNTS_CYCLE_SECONDS // 60)


def is_large() -> bool:
    """More current pupils than the page counts live (reads at most that many ids)."""
    limit = settings.BOARD_LIVE_PUPILS
    return Pupil.objects.current().order_by().values("pk")[limit : limit + 1].exists()


def board_home(page_number) -> BoardHome:
    # each school of the page with its stored counts (a join: 50 lookups by school)
    schools = School.objects.order_by("name", "pk").select_related("board_counts")
    page = Paginator(schools, SCHOOLS_PER_PAGE).get_page(page_number)
    home = _counted(page)
    home.cases_needing_attention, home.more_cases_needing_attention = cases_needing_attention()
    home.without_contact, home.more_without_contact = schools_without_contact()
    return home


def _counted(page: Page) -> BoardHome:
    if not is_large():
        return _live(page)
    totals = stored_totals()
    # a school without stored counts exists only while fewer are stored than there are
    # schools: then (rarely) the schools are searched for it, else only the changed ones
    all_counted = totals["counted"] >= page.paginator.count
    stale = stale_school_ids(RECOUNT_ON_REQUEST + 1, all_counted=all_counted)
    still_counting = RECOUNT_ON_REQUEST if len(stale) > RECOUNT_ON_REQUEST else 0
    if stale and not still_counting:
        recount(stale)
        totals = stored_totals()
    # "more than RECOUNT_ON_REQUEST": the rest is not counted here
    return _stored(page, totals, still_counting=still_counting)


def cases_needing_attention(today: datetime.date | None = None) -> tuple[list[FollowUp], bool]:
    """Open cases of any school that need someone to act: urgent, with nobody assigned
    (at a school with a director, the director's to give), or still planned for a
    conversation day that has passed. Urgent first, then the oldest: the first
    CASES_IN_FULL, and whether there are more. One read along the open cases' oldest-first
    index (followup_open_oldest) that stops after one case more than it shows, so the
    page costs the same for 300 schools as for 6,000 (issue 17)."""
    today = today or school_date(timezone.now())
    overdue = Q(status=FollowUp.Status.CONVERSATION_PLANNED, planned_for__lt=today)
    cases = list(
        FollowUp.objects.filter(status__in=FollowUp.OPEN_STATUSES)
        .filter(URGENT | Q(assigned_to__isnull=True) | overdue)
        .select_related("school", "assigned_to")
        .order_by("priority", "opened_at", "pk")[: CASES_IN_FULL + 1]
    )
    return cases[:CASES_IN_FULL], len(cases) > CASES_IN_FULL


def schools_without_contact() -> tuple[list[School], bool]:
    """Schools without a contact address for parents (replies to their e-mails are not
    read): the first WITHOUT_CONTACT_IN_FULL by name, and whether there are more. One read
    of the partial index of such schools (school_without_contact), one row past the page:
    no count of all 6,000 schools. As each is given an address, the next ones show."""
    schools = list(
        School.objects.filter(contact_email="")
        .order_by("name", "pk")
        .only("code", "name")[: WITHOUT_CONTACT_IN_FULL + 1]
    )
    return schools[:WITHOUT_CONTACT_IN_FULL], len(schools) > WITHOUT_CONTACT_IN_FULL


# --- Live: every school counted now ---------------------------------------------------


def _live(page: Page) -> BoardHome:
    overview = attention_overview(School.objects.all(), foundation=True)
    shown = {school.pk for school in page.object_list}
    rows = [_row_from(item) for item in overview.schools if item.school.pk in shown]
    rows.sort(key=lambda row: (row.school.name, row.school.pk))
    without = overview.without_director
    return BoardHome(
        page=page,
        rows=rows,
        total=overview.total,
        without_director=without[:WITHOUT_DIRECTOR_IN_FULL],
        more_without_director=max(0, len(without) - WITHOUT_DIRECTOR_IN_FULL),
        foundation_sources=overview.foundation_sources,
        counted_at=None,
        still_counting=0,
    )


def _row_from(item: SchoolAttention) -> BoardRow:
    return BoardRow(
        school=item.school,
        has_director=item.has_director,
        counted=True,
        pupils=item.pupil_count,
        waiting_pupils=item.waiting_pupils,
        conflicts=len(item.conflicts),
        protocol_missing=item.protocol_missing,
        takedowns=len(item.takedowns),
        cases=len(item.cases),
        urgent_cases=item.urgent_cases,
        sources_failing=len(item.sources_failing),
    )


# --- Stored: the last counts, the work live -------------------------------------------


def stored_totals() -> dict:
    """The sums of every school's stored counts, the oldest count and how many are stored."""
    return SchoolCounts.objects.aggregate(
        **{name: Sum(name) for name in COUNTED}, oldest=Min("counted_at"), counted=Count("pk")
    )


def _stored(page: Page, totals: dict, *, still_counting: int) -> BoardHome:
    schools = list(page.object_list)  # with their stored counts (board_home)
    ids = [school.pk for school in schools]
    with_director = directed_school_ids(ids)
    # every failing source of the foundation, read once for the rows, total and list
    failing = list(failing_sources(None, foundation=True))
    work = _open_work(ids, failing)
    rows = []
    for school in schools:
        stored = getattr(school, "board_counts", None)
        row = BoardRow(school, school.pk in with_director, counted=stored is not None)
        if stored is not None:
            for name in COUNTED:
                setattr(row, name, getattr(stored, name))
        row.takedowns, row.cases, row.urgent_cases, row.sources_failing = work[school.pk]
        rows.append(row)
    # the first schools without a director, each with how many there are (one read)
    without = (
        schools_without_director()
        .annotate(without_director=Window(Count("pk")))
        .order_by("name", "pk")
    )
    shown_without = list(without[:WITHOUT_DIRECTOR_IN_FULL])
    all_without = shown_without[0].without_director if shown_without else 0
    in_full = attention_overview(shown_without)
    return BoardHome(
        page=page,
        rows=rows,
        total=_total(totals, failing),
        without_director=in_full.schools,
        more_without_director=all_without - len(shown_without),
        foundation_sources=[source for source in failing if not source.school_id],
        counted_at=totals["oldest"],
        still_counting=still_counting,
    )


def schools_without_director():
    """Schools without an active director, as schools.leaders decides: one who left
    answers for nothing. NOT IN a list of the directed schools' ids, which PostgreSQL
    can only answer by hashing that list once (a "hashed SubPlan"), read from
    schools.membership_director_user alone; "active" is asked of the small partial index of
    deactivated accounts, not of each director's row (a join to the users took this read
    to 13-17 ms at 6,000 schools). As NOT EXISTS, PostgreSQL chose to probe both indexes
    once per school in name order: 6.9 ms at 6,000 schools, this 2.6 ms, and the board home
    1.28 -> 1.1x small at national (bench/PASSES.md, fiftieth session). A director's
    school is never NULL (school_roles_have_a_school); the filter keeps NOT IN from
    answering nothing if one were."""
    from schools.models import StaffMembership

    left = User.objects.filter(pk=OuterRef("user_id"), is_active=False)
    directed = StaffMembership.objects.filter(
        role=StaffMembership.Role.DIRECTOR, school__isnull=False
    ).exclude(Exists(left))
    return School.objects.exclude(pk__in=directed.values("school_id"))


def _open_work(ids: list[int], failing: list[Source]) -> dict[int, tuple[int, int, int, int]]:
    """Per school id: open takedowns, open cases, urgent open cases, failing sources."""
    work = {pk: [0, 0, 0, 0] for pk in ids}
    takedowns = (
        TakedownTask.objects.filter(publication_check__school_id__in=ids, done_at__isnull=True)
        .values("publication_check__school_id")
        .annotate(n=Count("publication_check", distinct=True))
        .values_list("publication_check__school_id", "n")
    )
    for school_id, n in takedowns:
        work[school_id][0] = n
    cases = (
        FollowUp.objects.filter(status__in=FollowUp.OPEN_STATUSES, school_id__in=ids)
        .values("school_id")
        .annotate(n=Count("pk"), urgent=Count("pk", filter=URGENT))
        .values_list("school_id", "n", "urgent")
    )
    for school_id, n, urgent in cases:
        work[school_id][1:3] = [n, urgent]
    for source in failing:
        if source.school_id in work:
            work[source.school_id][3] += 1
    return {pk: (a, b, c, d) for pk, (a, b, c, d) in work.items()}


def _total(totals: dict, failing: list[Source]) -> dict:
    takedowns = TakedownTask.objects.filter(done_at__isnull=True).count()
    cases = FollowUp.objects.filter(status__in=FollowUp.OPEN_STATUSES).aggregate(
        n=Count("pk"), urgent=Count("pk", filter=URGENT)
    )
    return {
        "pupil_count": totals["pupils"] or 0,
        "waiting_pupils": totals["waiting_pupils"] or 0,
        "conflicts": totals["conflicts"] or 0,
        "takedowns": takedowns,
        "cases": cases["n"],
        "urgent_cases": cases["urgent"],
        "protocol_missing": totals["protocol_missing"] or 0,
        "sources_failing": len(failing),
    }


# --- Counting ---------------------------------------------------------------------------


def stale_school_ids(limit: int, *, all_counted: bool = False) -> list[int]:
    """Schools never counted, or changed since they were counted (at most `limit`).

    With `all_counted` (every school has stored counts) only the changed ones are read,
    from their partial index (`schoolcounts_changed`): a handful of rows, not every
    school of the foundation."""
    if all_counted:
        return list(changed_school_ids()[:limit])
    stale = Q(board_counts__isnull=True) | Q(
        board_counts__changes__gt=F("board_counts__counted_changes")
    )
    return list(School.objects.filter(stale).order_by("pk").values_list("pk", flat=True)[:limit])


def changed_school_ids():
    """The schools changed since they were counted, by id (stale_school_ids)."""
    changed = SchoolCounts.objects.filter(changes__gt=F("counted_changes"))
    return changed.order_by("school_id").values_list("school_id", flat=True)


def recount(school_ids) -> None:
    """Count these schools now, with the same rules as the director's home page."""
    school_ids = list(school_ids)
    if not school_ids:
        return
    seen = dict(
        SchoolCounts.objects.filter(school_id__in=school_ids).values_list("school_id", "changes")
    )
    overview = attention_overview(School.objects.filter(pk__in=school_ids))
    now = timezone.now()
    rows = [
        SchoolCounts(
            school=item.school,
            pupils=item.pupil_count,
            waiting_pupils=item.waiting_pupils,
            conflicts=len(item.conflicts),
            protocol_missing=item.protocol_missing,
            changes=seen.get(item.school.pk, 0),
            counted_changes=seen.get(item.school.pk, 0),
            counted_at=now,
        )
        for item in overview.schools
    ]
    # A write marked after `seen` was read keeps the school stale: `changes` is kept.
    SchoolCounts.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["school"],
        update_fields=[*COUNTED, "counted_changes", "counted_at"],
    )


def recount_stale(batch: int = 25) -> int:
    """Count every school never counted or changed since; how many were counted."""
    done = 0
    while stale := stale_school_ids(batch):
        recount(stale)
        done += len(stale)
    return done


def recount_due(batch: int = 25) -> int:
    """The periodic task's work: every changed school, then this run's share of the
    oldest counts (so that every school is counted once per cycle). Nothing for a
    foundation the page counts live. Returns how many schools were counted."""
    if not is_large():
        return 0
    done = recount_stale(batch)
    runs_per_cycle = max(
        1, settings.BOARD_COUNTS_CYCLE_SECONDS // settings.BOARD_COUNTS_TASK_SECONDS
    )
    share = math.ceil(School.objects.count() / runs_per_cycle)
    by_age = SchoolCounts.objects.order_by("counted_at").values_list("school_id", flat=True)
    oldest = list(by_age[:share])
    for start in range(0, len(oldest), batch):
        recount(oldest[start : start + batch])
    return done + len(oldest)


# --- Marking changes (accounts.signals) ------------------------------------------------


def mark_changed(*, schools=(), pupils=(), users=(), everything: bool = False) -> None:
    """After the current transaction commits, mark the schools whose counts a write
    changed: by school, by pupil, by staff member, or all. One UPDATE per transaction."""
    connection = transaction.get_connection()
    pending = getattr(connection, "board_counts_pending", None)
    registered = any(func is _flush for _sids, func, _robust in connection.run_on_commit)
    if pending is None or not registered:
        pending = connection.board_counts_pending = {
            "schools": set(),
            "pupils": set(),
            "users": set(),
            "everything": False,
        }
        if connection.in_atomic_block:
            transaction.on_commit(_flush)
    pending["schools"].update(schools)
    pending["pupils"].update(pupils)
    pending["users"].update(users)
    pending["everything"] = pending["everything"] or everything
    if not connection.in_atomic_block:
        _flush()


def _flush() -> None:
    from schools.models import StaffMembership

    connection = transaction.get_connection()
    pending = getattr(connection, "board_counts_pending", None)
    connection.board_counts_pending = None
    if not pending:
        return
    counts = SchoolCounts.objects.all()
    if not pending["everything"]:
        where = Q(school_id__in=pending["schools"])
        if pending["pupils"]:
            where |= Q(
                school_id__in=Pupil.objects.filter(pk__in=pending["pupils"]).values("school_id")
            )
        if pending["users"]:
            where |= Q(
                school_id__in=StaffMembership.objects.filter(
                    user_id__in=pending["users"], school__isnull=False
                ).values("school_id")
            )
        counts = counts.filter(where)
    counts.update(changes=F("changes") + 1)
