"""The board's home page at any size: paged schools, live counts for a small foundation,
stored counts (counted again after changes) for a large one."""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import board as counting
from accounts.models import SchoolCounts
from accounts.tests.test_attention import fill_school
from conftest import analyze_what_it_reads, fill_foundation
from consent.rules import purpose_infos
from consent.tests.helpers import decide
from schools.models import School

URL = reverse("accounts:home_board")


@pytest.fixture
def large(settings):
    """Every foundation with a pupil counts as large: the stored counts are read."""
    settings.BOARD_LIVE_PUPILS = 0


def rows(response):
    return {row.school.code: row for row in response.context["home"].rows}


def test_a_small_foundation_is_counted_live(login, board, school_a, director_a):
    fill_school(school_a, 6)  # 2 of 6 answered everything
    response = login(board).get(URL)
    row = rows(response)["vlindertuin"]
    assert (row.pupils, row.waiting_pupils) == (6, 4)
    assert response.context["home"].counted_at is None
    assert not SchoolCounts.objects.exists()  # nothing stored below the threshold


def test_it_pages_the_schools_and_totals_the_whole_foundation(login, board, school_a):
    School.objects.bulk_create(
        School(code=f"school-{n:02}", name=f"OBS School {n:02}") for n in range(60)
    )
    fill_school(school_a, 3)
    client = login(board)
    first = client.get(URL, HTTP_ACCEPT_LANGUAGE="nl")
    assert len(first.context["home"].rows) == counting.SCHOOLS_PER_PAGE
    assert "pagina 1 van 2" in first.content.decode()
    second = client.get(URL, {"page": 2})
    assert len(second.context["home"].rows) == 61 - counting.SCHOOLS_PER_PAGE
    assert "vlindertuin" in rows(first)  # by name: "OBS De …" before "OBS School …"
    assert first.context["home"].total["pupil_count"] == 3
    assert client.get(URL, {"page": "x"}).status_code == 200  # a bad page: the first


def test_a_large_foundation_reads_stored_counts_counted_on_first_view(
    large, login, board, school_a, director_a
):
    fill_school(school_a, 6)
    response = login(board).get(URL, HTTP_ACCEPT_LANGUAGE="nl")
    row = rows(response)["vlindertuin"]
    assert (row.counted, row.pupils, row.waiting_pupils) == (True, 6, 4)
    stored = SchoolCounts.objects.get(school=school_a)
    assert (stored.pupils, stored.waiting_pupils, stored.conflicts) == (6, 4, 0)
    assert response.context["home"].counted_at == stored.counted_at
    assert "zijn per school geteld" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_decision_marks_the_school_and_the_next_view_counts_it_again(
    large, login, board, school_a, director_a, pupil_a, parent_a
):
    """Real commits: the mark is made after the decision's transaction commits."""
    client = login(board)
    before = rows(client.get(URL))["vlindertuin"].waiting_pupils
    assert before == 1  # pupil_a has not answered
    stored = SchoolCounts.objects.get(school=school_a)
    for info in purpose_infos():
        for media in ("photo", "video", "audio"):
            decide(pupil_a, parent_a, info.purpose.code, media, True)
    stored.refresh_from_db()
    assert stored.changes > stored.counted_changes  # marked after the commit
    assert rows(client.get(URL))["vlindertuin"].waiting_pupils == 0
    stored.refresh_from_db()
    assert stored.changes == stored.counted_changes


def test_a_change_during_counting_keeps_the_school_marked(large, school_a, pupil_a):
    counting.recount([school_a.pk])
    counts = SchoolCounts.objects.get(school=school_a)
    seen = counts.changes
    counting.mark_changed(schools=[school_a.pk])  # in the test's transaction: on commit
    connection.run_on_commit[-1][1]()  # the commit's callback
    counts.refresh_from_db()
    assert counts.changes == seen + 1
    assert counting.stale_school_ids(5) == [school_a.pk]
    counting.recount([school_a.pk])
    assert counting.stale_school_ids(5) == []


def test_too_many_changed_schools_are_left_to_the_task(large, login, board, school_a):
    schools = School.objects.bulk_create(
        School(code=f"school-{n:02}", name=f"OBS School {n:02}")
        for n in range(counting.RECOUNT_ON_REQUEST + 1)
    )
    fill_school(school_a, 3)
    response = login(board).get(URL, HTTP_ACCEPT_LANGUAGE="nl")
    assert not any(row.counted for row in response.context["home"].rows)
    html = response.content.decode()
    assert "nog niet geteld" in html
    assert "Meer dan 10 scholen zijn gewijzigd en worden opnieuw geteld." in html
    # every changed school (12), then this run's share of the oldest: 12 schools over
    # 900 / 60 = 15 runs a cycle, 1
    assert counting.recount_due() == len(schools) + 1 + 1
    response = login(board).get(URL)
    assert all(row.counted for row in response.context["home"].rows)
    assert response.context["home"].total["pupil_count"] == 3


def test_the_task_counts_every_school_once_per_cycle(large, settings, school_a, school_b):
    fill_school(school_a, 3)
    settings.BOARD_COUNTS_CYCLE_SECONDS, settings.BOARD_COUNTS_TASK_SECONDS = 120, 60
    assert counting.recount_due() == 2 + 1  # both never counted, then this run's share (1 of 2)
    SchoolCounts.objects.update(counted_at=timezone.now() - datetime.timedelta(hours=1))
    SchoolCounts.objects.filter(school=school_b).update(counted_at=timezone.now())
    assert counting.recount_due() == 1
    assert SchoolCounts.objects.get(school=school_a).counted_at > timezone.now() - (
        datetime.timedelta(minutes=1)
    )


def test_the_task_does_nothing_for_a_foundation_counted_live(school_a):
    fill_school(school_a, 3)
    assert counting.recount_due() == 0
    assert not SchoolCounts.objects.exists()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_stored_counts_cost_the_same_for_2_or_62_schools_and_8_or_400_pupils(
    large, login, board, school_a, director_a, school_b
):
    """School B has no director (shown in full, live) in both cases; the 60 schools
    added have none either, but only the first 20 are shown in full."""
    fill_school(school_a, 8)
    client = login(board)
    client.get(URL)  # counts the school, warms per-process caches
    few = _queries(client)
    School.objects.bulk_create(
        School(code=f"school-{n:02}", name=f"OBS School {n:02}") for n in range(60)
    )
    fill_school(school_a, 392, start=8)
    counting.recount_due()
    assert _queries(client) == few


@pytest.mark.django_db(transaction=True)
def test_the_pupil_import_marks_its_school(large, login, board, school_a, director_a, pupil_a):
    """The import writes in bulk, past the model signals: it marks its school itself."""
    from schools.importer import pupils_import
    from schools.tests.importfiles import csv_text, pupil_row

    client = login(board)
    assert rows(client.get(URL))["vlindertuin"].pupils == 1
    three = [pupil_row(number=n, parent1=("", f"ouder{n}@example.org", "ja")) for n in "123"]
    pupils_import(school=school_a, text=csv_text(three))
    assert counting.stale_school_ids(5) == [school_a.pk]
    # pupil_a is not in the file (leaves); the three in it come
    assert rows(client.get(URL))["vlindertuin"].pupils == 3
    assert counting.stale_school_ids(5) == []


def test_it_shows_the_first_schools_without_a_director_and_counts_the_rest(
    large, login, board, school_a, director_a, school_b
):
    School.objects.bulk_create(
        School(code=f"school-{n:02}", name=f"OBS School {n:02}") for n in range(30)
    )
    home = login(board).get(URL).context["home"]
    shown = [item.school.code for item in home.without_director]
    assert len(shown) == counting.WITHOUT_DIRECTOR_IN_FULL
    assert school_a.code not in shown
    assert home.more_without_director == 31 - counting.WITHOUT_DIRECTOR_IN_FULL


@pytest.mark.parametrize("size", ["live", "stored"])
def test_a_school_whose_only_director_was_deactivated_is_shown_in_full(
    settings, login, board, school_a, director_a, school_b, director_b, size
):
    """A director who left (account deactivated) no longer answers for the school: the
    board does (schools.leaders), so the board's home lists the school in full at any
    size, as its row says."""
    if size == "stored":
        settings.BOARD_LIVE_PUPILS = 0
    fill_school(school_a, 2)
    director_a.is_active = False
    director_a.save()
    home = login(board).get(URL).context["home"]
    [row] = [row for row in home.rows if row.school == school_a]
    assert not row.has_director
    assert [item.school.code for item in home.without_director] == ["vlindertuin"]
    assert home.more_without_director == 0


def test_schools_without_a_director_hash_the_directed_schools_once(large, school_a, director_a):
    """The directed schools are read once from the directors' partial index, with
    "active?" asked of the small partial index of deactivated accounts (joining each
    director's user row took this read to 13-17 ms at 6,000 schools), and hashed: as NOT
    EXISTS PostgreSQL probed both indexes once per school (6.9 ms at 6,000 schools, the
    board home 1.28 x small at national; bench/web/explain.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("plans are PostgreSQL's")
    # the plan reads their statistics, not those earlier tests left; with a teacher a
    # director, reading every membership by user and keeping the directors cost no more
    # than the directors' index (chosen after consent's tests, with their tables' bloat)
    fill_foundation(teachers=8)
    schools = counting.schools_without_director().order_by("name", "pk")[:20]
    sql, params = schools.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        analyze_what_it_reads(cursor, sql)
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "membership_director_user" in plan and "inactive_user" in plan
    assert "accounts_user_pkey" not in plan  # no director's own row is read
    assert "hashed SubPlan" in plan  # the directed schools read once, not per school


def test_stored_counts_show_failing_sources_per_school_and_for_the_foundation(
    large, login, board, school_a, director_a, school_b
):
    from monitoring.tests.helpers import make_source

    make_source("https://a.example/rss", school=school_a, consecutive_failures=3)
    make_source("https://a.example/ok", school=school_a)
    make_source("https://b.example/rss", school=school_b, needs_attention=True)
    everyone = make_source("https://all.example/rss", consecutive_failures=1)
    home = login(board).get(URL).context["home"]
    by_code = {row.school.code: row for row in home.rows}
    assert by_code[school_a.code].sources_failing == 1
    assert by_code[school_b.code].sources_failing == 1
    assert home.total["sources_failing"] == 3
    assert home.foundation_sources == [everyone]


def test_stored_counts_take_a_fixed_number_of_queries(
    large, login, board, school_a, director_a, school_b, django_assert_num_queries
):
    fill_school(school_a, 8)
    client = login(board)
    client.get(URL)  # counts both schools once
    # (session from the cache) 1 user, 2 memberships; the page: 3 number of schools
    # (pager), 4 large? (one pupil id past BOARD_LIVE_PUPILS), 5 totals of the stored
    # counts (and how many schools have them), 6 schools changed since counted (every
    # school has counts: their partial index only), 7 the page of schools with their
    # stored counts, 8 which have a director, 9 every failing source (rows, total and
    # the foundation's own), 10–11 open takedowns and cases per school; schools without
    # a director, in full and live: 12 the first ones with how many, 13 which have a
    # director, 14 pupils, 15 purposes, 16 gezag-holders, 17 decisions, 18 reminders this
    # week, 19 takedowns, 20 cases, 21 protocol version, 22 confirmations, 23 failing
    # sources; 24–25 open takedowns and cases of the whole foundation; 26 protocol banner;
    # 27 cases assigned to this board member; 28 the first open cases that need someone
    # (urgent, nobody's, a planned day passed) and whether there are more; 29 the first
    # schools without a contact address for parents and whether there are more. Above 8:
    # the board home gathers every app's open work for a foundation of any size, one read
    # per kind of thing, the schools without a director counted live as the director's
    # home counts a school.
    # The count does not grow with schools or pupils (the test above).
    with django_assert_num_queries(29):
        assert client.get(URL).status_code == 200


def test_it_says_schools_are_being_counted_only_when_more_than_it_counts_changed(
    large, login, board, school_a, director_a
):
    fill_school(school_a, 3)
    client = login(board)
    client.get(URL)  # counts the school
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.context["home"].still_counting == 0
    assert "Meer dan" not in response.content.decode()


def test_a_school_added_after_every_school_was_counted_is_counted_on_the_next_view(
    large, login, board, school_a, director_a
):
    fill_school(school_a, 3)
    client = login(board)
    client.get(URL)
    School.objects.create(code="nieuw", name="OBS Nieuw")  # no stored counts yet
    home = client.get(URL).context["home"]
    assert all(row.counted for row in home.rows)
    assert {row.school.code for row in home.rows} == {school_a.code, "nieuw"}
    assert SchoolCounts.objects.count() == School.objects.count()


def test_counts_changed_after_the_totals_were_read_are_in_the_totals_shown(
    large, login, board, school_a, director_a, pupil_a, parent_a
):
    """A changed school is counted before the page is shown, and the totals read again."""
    client = login(board)
    assert client.get(URL).context["home"].total["waiting_pupils"] == 1
    for info in purpose_infos():
        for media in ("photo", "video", "audio"):
            decide(pupil_a, parent_a, info.purpose.code, media, True)
    SchoolCounts.objects.update(changes=F("changes") + 1)  # as the commit's mark does
    assert client.get(URL).context["home"].total["waiting_pupils"] == 0


def test_every_school_row_links_to_a_place_on_the_page_or_its_coverage(
    login, board, school_a, director_a
):
    """A school without a director links to its part of the page, which shows only the
    first WITHOUT_DIRECTOR_IN_FULL; the rest ("find them in the table above") linked to
    an anchor that was not on the page."""
    School.objects.bulk_create(
        School(code=f"school-{n:02}", name=f"OBS School {n:02}") for n in range(25)
    )
    html = login(board).get(URL, {"page": 1}).content.decode()
    links = re.findall(r'<th scope="row"><a href="([^"]+)">', html)
    assert len(links) == 26
    for link in links:
        if link.startswith("#"):
            assert f'id="{link[1:]}"' in html, link
        else:
            assert link.startswith("/toestemming/dekking/"), link
    last = reverse("consent:coverage", args=["school-24"])
    assert last in links


def test_it_links_the_access_history_the_board_may_read(login, board, school_a):
    """Board staff read "Rollen van medewerkers gegeven en beëindigd" (schools.access_changes)
    as the privacy officer does; only the privacy officer's home linked it."""
    client = login(board)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    page = reverse("schools:access_changes")
    assert f'<a href="{page}">Rollen van medewerkers gegeven en beëindigd</a>' in html
    assert client.get(page).status_code == 200
