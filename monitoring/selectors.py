"""The dashboard's lists, written so that PostgreSQL answers them from partial indexes
(monitoring.models: flag_open_recent, flag_open_recent_school, followup_open_order) and
their cost does not grow with the number of posts and flags kept."""

import datetime
import json
from collections.abc import Callable, Iterable
from functools import partial
from typing import NamedTuple

from django.db.models import Aggregate, CharField, Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import Promise

from monitoring import access
from monitoring.models import CATEGORY_LABELS, OPEN_FLAG, Flag, FollowUp
from opo_portal import sql


class DistinctList(Aggregate):
    """The distinct values, sorted, joined by commas (string_agg on PostgreSQL, as
    CASE_ROWS_SQL reads them; group_concat on SQLite, in no order)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(DISTINCT %(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        template = "STRING_AGG(DISTINCT %(expressions)s, ',' ORDER BY %(expressions)s)"
        return self.as_sql(compiler, connection, template=template, **extra)


def category_codes(categories: str | None) -> tuple[str, ...]:
    """A case's categories as read ("insult,privacy"), in the order of CATEGORY_LABELS."""
    found = set((categories or "").split(","))
    return tuple(code for code in CATEGORY_LABELS if code in found)


def open_cases(user, *, limit: int, school_code: str = ""):
    """Open cases, most urgent and newest first (with `school_code`, of that school only);
    the flag count and the categories of the live flags per shown case only."""
    live = Flag.objects.filter(followup=OuterRef("pk"), dismissed_as_false_positive=False)
    per_case = live.order_by().values("followup")
    flag_count = per_case.annotate(n=Count("*")).values("n")
    categories = per_case.annotate(c=DistinctList("category")).values("c")
    cases = FollowUp.objects.filter(status__in=FollowUp.OPEN_STATUSES)
    if school_code:
        cases = cases.filter(school__code=school_code)
    return (
        access.in_monitored_schools(cases, user)
        .select_related("school", "assigned_to")
        .annotate(flag_count=Coalesce(Subquery(flag_count), 0), categories=Subquery(categories))
        .order_by("priority", "-opened_at")[:limit]
    )


# Who marked a flag is read in a second query, and only when a shown flag was marked by
# staff: joined in, the two user tables took PostgreSQL's planner 4-10 ms per request
# (EXPLAIN at the bench's sizes; 0.65 ms without them), more than running the query.
FLAG_PEOPLE = ("marked_by", "dismissed_by")


def recent_flags(user, *, limit: int):
    """Open, non-positive flags, urgent and newest first (by raised_at: a flag raised again
    after a dismissal is recent again). Open flags are not dismissed, so who dismissed one
    is not read; of the case only its number is shown (followup_id), so the case is not
    joined."""
    flags = Flag.objects.filter(OPEN_FLAG)
    return (
        access.in_monitored_schools(flags, user)
        .select_related("school", "post__source")
        .prefetch_related("marked_by")
        .order_by("-urgent", "-raised_at")[:limit]
    )


# --- The dashboard's lists in SQL --------------------------------------------------------
#
# The dashboard reads the two lists above written out in SQL: compiling the querysets and
# making some 300 model instances per request (flags with school, post and source; cases
# with school and assignee; the cases' shingles and the sources' settings decoded as JSON,
# never shown) cost more CPU than PostgreSQL running them (issue 17, bench/PASSES.md,
# "Fifth pass": flags 3.8-5.1 -> 0.5 ms, cases 2.3-3.7 -> 0.1-0.3 ms of Python). The
# people's and the source's names are scalar subqueries, which PostgreSQL plans once per
# column instead of searching orders for a join of five tables (planning 0.57 -> 0.35 ms at
# national size); the school is joined: as a subquery PostgreSQL chose to read the 303
# schools of the large size once per row (1.6 against 0.5 ms). The partial indexes and
# their order are the querysets' (tests/test_indexes.py). tests/test_dashboard_sql.py
# compares each read with its ORM form above.

FLAG_ROWS_SQL = (
    "SELECT f.id, f.category, f.matched, f.urgent, f.created_at, f.followup_id,"
    " f.marked_by_id, f.marked_at,"
    # str(user), as User.__str__: the full name, else the e-mail address
    " (SELECT COALESCE(NULLIF(u.full_name, ''), u.email) FROM accounts_user u"
    "  WHERE u.id = f.marked_by_id),"
    " s.name, p.id, p.url, p.author_handle, p.text,"
    " (SELECT src.name FROM monitoring_source src WHERE src.id = p.source_id),"
    " f.school_id, f.raised_at, p.edited_at"
    " FROM monitoring_flag f JOIN schools_school s ON s.id = f.school_id"
    " LEFT JOIN monitoring_post p ON p.id = f.post_id"
    # OPEN_FLAG, the condition of the partial indexes flag_open_recent(_school)
    " WHERE NOT f.dismissed_as_false_positive AND NOT (f.category = 'positive'){schools}"
    " ORDER BY f.urgent DESC, f.raised_at DESC LIMIT %s"
)

CASE_ROWS_SQL = (
    "SELECT c.id, c.status, c.priority, c.opened_at, s.name,"
    " (SELECT COALESCE(NULLIF(u.full_name, ''), u.email) FROM accounts_user u"
    "  WHERE u.id = c.assigned_to_id),"
    " flags.n, flags.categories, c.planned_for"
    " FROM monitoring_followup c JOIN schools_school s ON s.id = c.school_id"
    # the case's flags counted and named (open_cases' DistinctList: what the case is about,
    # for a complaint that has left the list of recent flags) in one read of the covering
    # index flag_case_open, for the listed cases only
    " CROSS JOIN LATERAL (SELECT count(*) AS n,"
    "  string_agg(DISTINCT f.category, ',' ORDER BY f.category) AS categories"
    "  FROM monitoring_flag f"
    "  WHERE f.followup_id = c.id AND NOT f.dismissed_as_false_positive) flags"
    # FollowUp.OPEN_STATUSES, the condition of the partial index followup_open_order
    " WHERE c.status IN ('new', 'conversation_planned', 'conversation_held'){schools}"
    " ORDER BY c.priority, c.opened_at DESC LIMIT %s"
)


class Named(NamedTuple):
    """A school, source or person of a row, by its name (str() as the model's)."""

    name: str

    def __str__(self) -> str:
        return self.name


class FlagPost(NamedTuple):
    pk: int
    url: str
    author_handle: str
    text: str
    source: Named
    # the "edited by its writer" note, as on the case page and the Vermeldingen
    edited_at: datetime.datetime | None


class _FlagRowFields(NamedTuple):
    """FlagRow's columns."""

    pk: int
    category: str
    matched: list
    urgent: bool
    created_at: datetime.datetime
    followup_id: int | None
    marked_by_id: int | None
    marked_at: datetime.datetime | None
    marked_by: Named | None
    school: Named
    post: FlagPost | None
    school_id: int
    raised_at: datetime.datetime


class FlagRow(_FlagRowFields):
    """An open flag with what {% flag_article %} shows of a Flag: the school's and the
    marking person's names, the post and its source's name. (The columns are a base class:
    a NamedTuple's own class body holds fields only, for the type checker.)"""

    __slots__ = ()

    # open flags are not dismissed (OPEN_FLAG)
    dismissed_as_false_positive = False
    dismissed_by_id = None
    dismissed_by = None
    dismissed_at = None
    category_label = Flag.category_label
    raised_again = Flag.raised_again
    is_learned = Flag.is_learned
    learned_words = Flag.learned_words
    matched_in_words = Flag.matched_in_words
    version_token = Flag.version_token


class CaseRow(NamedTuple):
    """An open case with what the dashboard's table shows of a FollowUp."""

    pk: int
    status: str
    priority: int
    opened_at: datetime.datetime
    school: Named
    assigned_to: Named | None
    flag_count: int
    categories: str | None  # "insult,privacy", as read (category_codes)
    planned_for: datetime.date | None  # a column of the row read: no query of its own

    @property
    def is_urgent(self) -> bool:
        return self.priority == FollowUp.Priority.URGENT

    def get_status_display(self) -> str | Promise:
        return _STATUS_LABELS.get(self.status, self.status)


_STATUS_LABELS = dict(FollowUp.Status.choices)


def _query(
    sql: str, user, column: str, limit: int, school_code: str = ""
) -> tuple[str, list] | None:
    """`sql` limited to the user's monitored schools (no filter for every school: index-
    friendly), and with `school_code` to that school (its code, on the joined school `s`:
    no query of its own), with its parameters; None when the user monitors no school."""
    ids = access.monitored_school_ids(user)
    if ids is not None and not ids:
        return None
    where = ""
    params: list[int | str] = []
    if ids is not None:
        where, params = f" AND {column} IN ({', '.join(['%s'] * len(ids))})", [*ids]
    if school_code:
        where, params = f"{where} AND s.code = %s", [*params, school_code]
    return sql.format(schools=where), [*params, limit]


def flag_rows_query(user, *, limit: int) -> tuple[str, list] | None:
    return _query(FLAG_ROWS_SQL, user, "f.school_id", limit)


def case_rows_query(user, *, limit: int, school_code: str = "") -> tuple[str, list] | None:
    return _query(CASE_ROWS_SQL, user, "c.school_id", limit, school_code)


def _fetch(query: tuple[str, list] | None, orm_rows: Callable[[], Iterable[tuple]]) -> list[tuple]:
    """The query's rows: on PostgreSQL the SQL, elsewhere its ORM form (opo_portal.sql)."""
    if query is None:
        return []
    return sql.rows(*query, lambda *_params: orm_rows())


def _flag_rows_orm(user, limit: int):
    """FLAG_ROWS_SQL's rows through the ORM (recent_flags, with who marked it joined as
    the SQL's subquery reads it: no query of its own)."""
    for flag in recent_flags(user, limit=limit).select_related("marked_by"):
        post = flag.post
        yield (
            flag.pk,
            flag.category,
            flag.matched,
            flag.urgent,
            flag.created_at,
            flag.followup_id,
            flag.marked_by_id,
            flag.marked_at,
            None if flag.marked_by is None else str(flag.marked_by),
            flag.school.name,
            *(
                (None,) * 5
                if post is None
                else (post.pk, post.url, post.author_handle, post.text, post.source.name)
            ),
            flag.school_id,
            flag.raised_at,
            None if post is None else post.edited_at,
        )


def _case_rows_orm(user, limit: int, school_code: str = ""):
    """CASE_ROWS_SQL's rows through the ORM (open_cases)."""
    for case in open_cases(user, limit=limit, school_code=school_code):
        assignee = None if case.assigned_to is None else str(case.assigned_to)
        yield (
            case.pk,
            case.status,
            case.priority,
            case.opened_at,
            case.school.name,
            assignee,
            case.flag_count,
            case.categories,
            case.planned_for,
        )


def recent_flag_rows(user, *, limit: int) -> list[FlagRow]:
    """recent_flags(user, limit=limit) in one query, as FlagRow."""
    rows = []
    orm_rows = partial(_flag_rows_orm, user, limit)
    for row in _fetch(flag_rows_query(user, limit=limit), orm_rows):
        post = None
        if row[10] is not None:
            post = FlagPost(row[10], row[11], row[12], row[13], Named(row[14]), row[17])
        rows.append(
            FlagRow(
                row[0],
                row[1],
                json.loads(row[2]) if isinstance(row[2], str) else row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                row[7],
                None if row[8] is None else Named(row[8]),
                Named(row[9]),
                post,
                row[15],
                row[16],
            )
        )
    return rows


def open_case_rows(user, *, limit: int, school_code: str = "") -> list[CaseRow]:
    """open_cases(user, limit=limit, school_code=school_code) in one query, as CaseRow."""
    return [
        CaseRow(
            pk,
            status,
            priority,
            opened,
            Named(school),
            None if assignee is None else Named(assignee),
            n,
            categories,
            planned_for,
        )
        for pk, status, priority, opened, school, assignee, n, categories, planned_for in _fetch(
            case_rows_query(user, limit=limit, school_code=school_code),
            partial(_case_rows_orm, user, limit, school_code),
        )
    ]


# The dashboard's links to the schools' mentions without a search: the first by name
# (a plain query; the school_name index gives them in order for the board).
SCHOOL_LINKS_SQL = "SELECT code, name FROM schools_school ORDER BY name LIMIT %s"
SCHOOL_LINKS_IN_REACH_SQL = (
    "SELECT code, name FROM schools_school WHERE id = ANY(%s) ORDER BY name LIMIT %s"
)


def school_links(user, *, limit: int) -> list[tuple[str, str]]:
    """monitored_schools(user).order_by("name").values_list("code", "name")[:limit]."""
    ids = access.monitored_school_ids(user)

    def orm_rows():
        return access.monitored_schools(user).order_by("name").values_list("code", "name")[:limit]

    if ids is None:
        return _fetch((SCHOOL_LINKS_SQL, [limit]), orm_rows)
    return _fetch((SCHOOL_LINKS_IN_REACH_SQL, [ids, limit]), orm_rows)


def unanswered_cases() -> dict:
    """Open cases nobody has at schools without a director while the foundation has no
    board member: schools.leaders has nobody to give them to or tell, and DESIGN.md names
    nobody else who acts on a case (the privacy officer only reads); and cases a teacher
    closed without action there, which no leader was told of (no_action_untold, the
    same condition). ops.health shows them
    so the IT partner's monitoring can ask the foundation to name a director or board
    member. Cases and school codes only, no post text. Two queries at most."""
    from schools.models import StaffMembership

    Role = StaffMembership.Role
    active = StaffMembership.objects.filter(user__is_active=True)
    if active.filter(role=Role.BOARD).exists():
        return {"cases": 0, "schools": []}
    directed = active.filter(school_id=OuterRef("school_id"), role=Role.DIRECTOR)
    rows = list(
        FollowUp.objects.filter(
            Q(status__in=FollowUp.OPEN_STATUSES, assigned_to__isnull=True)
            | Q(no_action_untold=True, status=FollowUp.Status.NO_ACTION)
        )
        .exclude(Exists(directed))
        .values("school__code")
        .annotate(n=Count("pk"))
        .order_by("school__code")
        .values_list("school__code", "n")
    )
    return {"cases": sum(n for _code, n in rows), "schools": [code for code, _n in rows]}
