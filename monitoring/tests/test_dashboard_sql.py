"""The dashboard's lists read in SQL (selectors.recent_flag_rows, open_case_rows) give what
their ORM forms (recent_flags, open_cases) give, for every role and with what the page
shows of each flag and case: names, posts, marks, learned words, counts, order, limit."""

import datetime
import json

import pytest
from django.utils import timezone

from conftest import make_user
from monitoring import access, selectors
from monitoring.models import Flag, FollowUp
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source

START = timezone.make_aware(datetime.datetime(2026, 11, 2, 9, 30))


@pytest.fixture
def history(school_a, school_b):
    named = make_user("marker@example.org", full_name="Mila Marker")
    unnamed = make_user("nameless@example.org")
    source = make_source()
    other = make_source(url="https://feeds.example/other.rss")
    cases = [
        make_case(school_a, opened_at=START, assigned_to=named, priority=0),
        make_case(school_b, opened_at=START + datetime.timedelta(hours=1), assigned_to=unnamed),
        make_case(school_a, opened_at=START + datetime.timedelta(hours=2)),
        make_case(school_b, opened_at=START, status=FollowUp.Status.CONVERSATION_PLANNED),
        make_case(school_a, opened_at=START, status=FollowUp.Status.CLOSED, closed_at=START),
    ]
    for number in range(12):
        school = school_a if number % 3 else school_b
        extra = {}
        if number == 4:
            extra = {"marked_by": named, "marked_at": START}
        elif number == 5:
            extra = {"marked_by": unnamed, "marked_at": START}
        elif number == 7:
            extra = {"dismissed_as_false_positive": True}
        post = make_post(
            other if number % 2 else source,
            str(number),
            f"bericht {number}\nregel",
            url="https://example.org/p?a=1&b=2" if number % 4 else "",
            author_handle="@iemand" if number % 5 else "",
        )
        make_flag(
            post,
            school,
            category="positive" if number == 8 else ("insult", "verify_fact")[number % 2],
            case=cases[number % len(cases)],
            created_at=START + datetime.timedelta(minutes=number),
            urgent=number in (3, 10),
            **extra,
        )
    Flag.objects.filter(post__external_id="6").update(matched=["learned:v2", "juf", "<b>x</b>"])
    Flag.objects.filter(post__external_id="9").update(post=None)  # deleted by retention


def flag_shown(flag) -> tuple:
    post = flag.post
    return (
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
        None if post is None else (post.pk, post.url, post.author_handle, post.text),
        None if post is None else post.source.name,
        str(flag.category_label),
        flag.is_learned,
        flag.learned_words,
        flag.dismissed_as_false_positive,
        flag.dismissed_by_id,
    )


def case_shown(case) -> tuple:
    return (
        case.pk,
        case.status,
        case.priority,
        case.opened_at,
        case.school.name,
        None if case.assigned_to is None else str(case.assigned_to),
        case.flag_count,
        selectors.category_codes(case.categories),
        case.is_urgent,
        str(case.get_status_display()),
        case.planned_for,
    )


@pytest.mark.parametrize(
    "who", ["board", "privacy_officer", "director_a", "director_b", "teacher_a"]
)
@pytest.mark.parametrize("limit", [50, 3])
def test_it_reads_the_flags_and_cases_the_orm_reads(request, history, who, limit):
    user = request.getfixturevalue(who)
    orm_flags = list(selectors.recent_flags(user, limit=limit).select_related("marked_by"))
    rows = selectors.recent_flag_rows(user, limit=limit)
    assert [flag_shown(row) for row in rows] == [flag_shown(flag) for flag in orm_flags]
    orm_cases = list(selectors.open_cases(user, limit=limit))
    cases = selectors.open_case_rows(user, limit=limit)
    assert [case_shown(row) for row in cases] == [case_shown(case) for case in orm_cases]
    if who == "board" and limit == 50:
        assert len(rows) == 10 and len(cases) == 4  # open, not positive; open
        assert any(row.post is None for row in rows) and any(row.is_learned for row in rows)


@pytest.mark.parametrize("who", ["board", "privacy_officer", "director_a", "teacher_a"])
def test_it_links_the_schools_the_orm_links(request, school_a, school_b, who):
    user = request.getfixturevalue(who)
    for limit in (1, 21):
        expected = access.monitored_schools(user).order_by("name").values_list("code", "name")
        assert selectors.school_links(user, limit=limit) == list(expected[:limit])


@pytest.mark.parametrize("who", ["board", "director_a", "teacher_a"])
def test_its_sql_and_orm_forms_read_the_same_rows(request, history, who):
    """On PostgreSQL the page reads the SQL; other databases read its ORM form
    (opo_portal.sql.rows, the embedded SQLite): both must give the same rows."""
    from django.db import connection

    from opo_portal import sql

    if connection.vendor != "postgresql":
        pytest.skip("the SQL is PostgreSQL's")
    user = request.getfixturevalue(who)
    for limit in (50, 3):
        query = selectors.flag_rows_query(user, limit=limit)
        if query is None:
            assert selectors.recent_flag_rows(user, limit=limit) == []
            continue
        found = sql.fetch(*query)
        decoded = [(*row[:2], json.loads(row[2]), *row[3:]) for row in found]  # json as text
        assert decoded == list(selectors._flag_rows_orm(user, limit))
        cases = sql.fetch(*selectors.case_rows_query(user, limit=limit))
        assert cases == list(selectors._case_rows_orm(user, limit))
