"""Board staff and the privacy officer reach every school: the class overview, the
coverage index and the check before posting stay one page at national size (6,000
schools, 48,000 groups), found by a search by school name or code. Teachers and directors
see their own groups and schools as before."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import SCHOOL_YEAR, add_teaching, make_staff
from consent.models import PublicationCheck, Purpose
from consent.tests.helpers import html_of
from consent.views.director import COVERAGE_SCHOOLS_PER_PAGE
from schools.models import Group, School, StaffMembership
from schools.search import SCHOOLS_PER_PAGE, SELECT_LIMIT

Role = StaffMembership.Role
OVERVIEW = reverse("consent:overview")
COVERAGE = reverse("consent:coverage_index")
CHECK = reverse("consent:check_new")


def many_schools(count: int, start: int = 0) -> list[School]:
    """`count` more schools named "OBS School 0000"…, each with one group; by name they
    come after the conftest's schools A ("OBS De …") and B ("OBS Het …")."""
    schools = School.objects.bulk_create(
        School(code=f"s{i:04d}", name=f"OBS School {i:04d}") for i in range(start, start + count)
    )
    Group.objects.bulk_create(
        Group(school=school, name="groep 3", school_year=SCHOOL_YEAR) for school in schools
    )
    return schools


def _queries(client, url, data=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(queries), response.content.decode()


# --- The class overview ------------------------------------------------------------------


@pytest.mark.parametrize("member", ["board", "privacy_officer"])
def test_it_shows_every_school_a_page_at_a_time_in_the_class_overview(
    request, login, member, group_a1, group_b1
):
    client = login(request.getfixturevalue(member))
    many_schools(SCHOOLS_PER_PAGE + 5)
    html = client.get(OVERVIEW).content.decode()
    assert "OBS De Vlindertuin" in html and "OBS School 0022" in html
    assert "OBS School 0023" not in html  # 2 + 23 schools make the first page
    assert "?page=2" in html and 'name="zoek"' in html
    later = client.get(OVERVIEW, {"page": 2}).content.decode()
    assert "OBS School 0023" in later and "OBS School 0029" in later
    assert "OBS De Vlindertuin" not in later


def test_it_finds_a_school_on_a_later_page_of_the_class_overview(login, board, group_a1):
    many_schools(SCHOOLS_PER_PAGE * 2)
    client = login(board)
    html = client.get(OVERVIEW, {"zoek": "s0041"}).content.decode()
    group = Group.objects.get(school__code="s0041")
    assert reverse("consent:group", args=[group.pk]) in html
    assert "OBS School 0041" in html and "OBS School 0040" not in html
    html = client.get(OVERVIEW, {"zoek": "School 004"}).content.decode()
    assert "OBS School 0049" in html and "OBS School 0039" not in html
    assert "?page=2" not in html  # ten schools match: one page


def test_it_reads_the_class_overview_in_the_same_queries_for_more_schools(login, board, group_a1):
    client = login(board)
    many_schools(SCHOOLS_PER_PAGE + 5)
    client.get(OVERVIEW)  # the session and user cache are warm for both counts
    # user, memberships, protocol banner, the number of schools, a page of them, their
    # groups
    few, html = _queries(client, OVERVIEW)
    many_schools(400, start=1000)
    many, _html = _queries(client, OVERVIEW)
    assert few == many == 6
    assert html.count('class="card"') == SCHOOLS_PER_PAGE


@pytest.mark.parametrize("member", ["teacher_a", "director_a"])
def test_it_shows_a_teacher_and_a_director_their_own_groups_as_before(
    request, login, member, group_a1, group_a2, group_b1
):
    user = request.getfixturevalue(member)
    many_schools(SCHOOLS_PER_PAGE + 5)
    html = login(user).get(OVERVIEW).content.decode()
    expected = {"teacher_a": [group_a1], "director_a": [group_a1, group_a2]}[member]
    for group in expected:
        assert reverse("consent:group", args=[group.pk]) in html
    assert reverse("consent:group", args=[group_b1.pk]) not in html
    assert "OBS School" not in html and 'name="zoek"' not in html and "?page=" not in html


def test_it_shows_a_small_foundation_on_one_page_without_a_search(login, board, group_a1):
    html = login(board).get(OVERVIEW).content.decode()
    assert reverse("consent:group", args=[group_a1.pk]) in html
    assert 'name="zoek"' not in html and "?page=" not in html


def test_it_keeps_a_teachers_search_within_their_own_groups(login, teacher_a, group_b1):
    """A search text does not widen the reach: a teacher's page has no school search, and
    a made-up one changes nothing."""
    html = login(teacher_a).get(OVERVIEW, {"zoek": "zwanenhof"}).content.decode()
    assert reverse("consent:group", args=[group_b1.pk]) not in html


# --- The coverage index ------------------------------------------------------------------


@pytest.mark.parametrize("member", ["board", "privacy_officer"])
def test_it_pages_the_coverage_index_and_finds_a_school_on_a_later_page(
    request, login, member, school_a
):
    client = login(request.getfixturevalue(member))
    many_schools(COVERAGE_SCHOOLS_PER_PAGE + 10)
    html = client.get(COVERAGE).content.decode()
    assert html.count('class="card"') == COVERAGE_SCHOOLS_PER_PAGE
    assert "?page=2" in html and 'name="zoek"' in html
    assert reverse("consent:coverage", args=["s0055"]) not in html
    found = client.get(COVERAGE, {"zoek": "s0055"}).content.decode()
    assert reverse("consent:coverage", args=["s0055"]) in found
    assert found.count('class="card"') == 1
    assert (
        reverse("consent:coverage", args=["s0055"])
        in client.get(COVERAGE, {"page": 2}).content.decode()
    )


def test_it_reads_the_coverage_index_in_the_same_queries_for_more_schools(login, board, school_a):
    client = login(board)
    many_schools(COVERAGE_SCHOOLS_PER_PAGE + 10)
    client.get(COVERAGE)
    # user, memberships, protocol banner, the number of schools, a page of them
    few, _html = _queries(client, COVERAGE)
    many_schools(500, start=1000)
    many, _html = _queries(client, COVERAGE)
    assert few == many == 5


def test_it_shows_a_director_their_own_schools_in_the_coverage_index(login, director_a, school_b):
    many_schools(COVERAGE_SCHOOLS_PER_PAGE + 10)
    html = login(director_a).get(COVERAGE).content.decode()
    assert reverse("consent:coverage", args=["vlindertuin"]) in html
    assert html.count('class="card"') == 1 and 'name="zoek"' not in html
    # a search does not reach another school
    found = login(director_a).get(COVERAGE, {"zoek": "zwanenhof"}).content.decode()
    assert reverse("consent:coverage", args=["zwanenhof"]) not in found


def test_it_gives_a_director_who_is_privacy_officer_every_school_in_the_coverage_index(
    login, school_a, school_b
):
    """The coverage pages are for reading: the privacy officer's reach counts there (as
    before), a page at a time."""
    user = make_staff("beide@example.org", Role.PRIVACY_OFFICER)
    StaffMembership.objects.create(user=user, school=school_a, role=Role.DIRECTOR)
    many_schools(COVERAGE_SCHOOLS_PER_PAGE + 10)
    html = login(user).get(COVERAGE).content.decode()
    assert reverse("consent:coverage", args=["zwanenhof"]) in html and "?page=2" in html


# --- The check before posting ------------------------------------------------------------


def test_it_asks_board_staff_of_many_schools_for_the_school_first(login, board, pupil_a):
    many_schools(SELECT_LIMIT + 1)
    client = login(board)
    html = client.get(CHECK).content.decode()
    assert 'id="id_group_pick"' not in html and 'name="zoek"' in html
    assert "groep 3" not in html  # no group of the foundation is listed
    found = client.get(CHECK, {"zoek": "vlinder"}).content.decode()
    assert "?school=vlindertuin" in found
    chosen = client.get(CHECK, {"school": "vlindertuin"}).content.decode()
    assert 'id="id_group_pick"' in chosen and "groep 5" in chosen and "Sem" in chosen
    assert "groep 3" not in chosen
    assert 'name="school" value="vlindertuin"' in chosen
    searched = client.get(CHECK, {"school": "vlindertuin", "q": "sem"}).content.decode()
    assert f'name="pupils" value="{pupil_a.pk}"' in searched


def test_it_searches_pupils_only_in_the_chosen_school(login, board, pupil_a, pupil_b):
    many_schools(SELECT_LIMIT + 1)
    client = login(board)
    html = client.get(CHECK, {"school": "zwanenhof", "q": "sem"}).content.decode()
    assert f'name="pupils" value="{pupil_a.pk}"' not in html
    html = client.get(CHECK, {"school": "zwanenhof", "q": "bram"}).content.decode()
    assert f'name="pupils" value="{pupil_b.pk}"' in html
    # no school chosen: no search over every pupil of the foundation
    assert (
        f'name="pupils" value="{pupil_b.pk}"'
        not in client.get(CHECK, {"q": "bram"}).content.decode()
    )


def test_it_reads_the_check_for_board_staff_in_the_same_queries_for_more_schools(
    login, board, pupil_a
):
    client = login(board)
    many_schools(SELECT_LIMIT + 1)
    url = CHECK + "?school=vlindertuin"
    client.get(url)
    # user, memberships, protocol banner, "more than a select of schools?", the school,
    # its groups, the class list, the channels
    few, _html = _queries(client, url)
    many_schools(400, start=1000)
    many, _html = _queries(client, url)
    assert few == many
    none_chosen, _html = _queries(client, CHECK)
    assert none_chosen < few


def test_it_keeps_the_class_list_for_board_staff_of_a_small_foundation(
    login, board, pupil_a, group_b1
):
    html = login(board).get(CHECK).content.decode()
    assert 'id="id_group_pick"' in html and 'name="zoek"' not in html
    assert f'<option value="{group_b1.pk}"' in html


def test_it_keeps_a_teachers_check_as_before_in_a_large_foundation(
    login, teacher_a, pupil_a, group_b1
):
    many_schools(SELECT_LIMIT + 1)
    html = login(teacher_a).get(CHECK).content.decode()
    assert 'id="id_group_pick"' in html and 'name="zoek"' not in html
    assert "Sem" in html and f'<option value="{group_b1.pk}"' not in html


def test_it_gives_a_privacy_officer_who_teaches_their_own_class_list(
    login, school_b, group_b1, pupil_a, pupil_b
):
    """The privacy officer's every-school reach is for reading: on the check they are a
    teacher, in any foundation, without the board's school search."""
    user = make_staff("privacy.juf@example.org", Role.PRIVACY_OFFICER)
    add_teaching(user, school_b, [group_b1])
    many_schools(SELECT_LIMIT + 1)
    html = html_of(login(user).get(CHECK))
    assert 'name="zoek"' not in html and "Bram" in html and "Sem" not in html
    # choosing another school changes nothing: the reach stays the teacher's
    other = login(user).get(CHECK, {"school": "vlindertuin", "q": "sem"}).content.decode()
    assert f'name="pupils" value="{pupil_a.pk}"' not in other


def test_it_does_not_let_a_chosen_school_widen_a_directors_reach(
    login, director_a, pupil_a, pupil_b
):
    many_schools(SELECT_LIMIT + 1)
    html = login(director_a).get(CHECK, {"school": "zwanenhof", "q": "bram"}).content.decode()
    assert f'name="pupils" value="{pupil_b.pk}"' not in html


# --- The photo check of board staff who teach ----------------------------------------------

PHOTO = reverse("photo:check")


@pytest.fixture
def board_teacher(board, school_a, group_a1):
    """Board staff who teach group A1: the photo check opens for the teacher."""
    return add_teaching(board, school_a, [group_a1])


def test_it_lists_a_teaching_board_member_their_own_pupils_first_in_a_large_foundation(
    login, board_teacher, pupil_a, pupil_a2, pupil_b
):
    many_schools(SELECT_LIMIT + 1)
    client = login(board_teacher)
    html = client.get(PHOTO).content.decode()
    assert f'name="pupils" value="{pupil_a.pk}"' in html and 'name="zoek"' in html
    assert (
        f'name="pupils" value="{pupil_a2.pk}"' not in html
        and f'name="pupils" value="{pupil_b.pk}"' not in html
    )
    assert "?school=zwanenhof" in client.get(PHOTO, {"zoek": "zwanen"}).content.decode()
    other = client.get(PHOTO, {"school": "zwanenhof"}).content.decode()
    assert (
        f'name="pupils" value="{pupil_b.pk}"' in other
        and f'name="pupils" value="{pupil_a.pk}"' not in other
    )


def test_it_checks_a_photo_of_the_chosen_school(login, board_teacher, pupil_b):
    from consent.photo import testkit
    from consent.tests.test_photo_page import upload

    many_schools(SELECT_LIMIT + 1)
    client = login(board_teacher)
    purpose = Purpose.objects.get(code="website")
    data = {
        "photo": upload(testkit.camera_jpeg()),
        "action": "preview",
        "channel": purpose.pk,
        "pupils": [pupil_b.pk],
    }
    response = client.post(PHOTO + "?school=zwanenhof", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="pupils" value="{pupil_b.pk}"' in html and "groep 3" not in html
    assert PublicationCheck.objects.get().school == pupil_b.school


def test_it_reads_the_photo_check_of_board_staff_in_the_same_queries_for_more_schools(
    login, board_teacher, pupil_b
):
    client = login(board_teacher)
    many_schools(SELECT_LIMIT + 1)
    url = PHOTO + "?school=zwanenhof"
    client.get(url)
    few, _html = _queries(client, url)
    many_schools(400, start=1000)
    many, _html = _queries(client, url)
    assert few == many


def test_it_keeps_the_photo_check_of_a_teaching_board_member_of_a_small_foundation(
    login, board_teacher, pupil_a, pupil_b
):
    html = login(board_teacher).get(PHOTO).content.decode()
    assert (
        f'name="pupils" value="{pupil_a.pk}"' in html
        and f'name="pupils" value="{pupil_b.pk}"' in html
    )
    assert 'name="zoek"' not in html


def test_it_keeps_a_teachers_photo_check_in_a_large_foundation(login, teacher_a, pupil_a, pupil_b):
    many_schools(SELECT_LIMIT + 1)
    html = login(teacher_a).get(PHOTO, {"school": "zwanenhof"}).content.decode()
    assert (
        f'name="pupils" value="{pupil_a.pk}"' in html
        and f'name="pupils" value="{pupil_b.pk}"' not in html
    )
    assert 'name="zoek"' not in html


@pytest.mark.parametrize("member", ["board", "privacy_officer"])
def test_a_member_who_teaches_finds_their_own_groups_first(request, login, member, group_b1):
    """Their own class above the foundation's pages, whichever page or search is shown."""
    user = add_teaching(request.getfixturevalue(member), group_b1.school, [group_b1])
    many_schools(SCHOOLS_PER_PAGE + 5)
    client = login(user)
    for data in ({}, {"page": 2}, {"zoek": "School 0001"}):
        html = client.get(OVERVIEW, data).content.decode()
        own = html.index("De groepen waaraan u lesgeeft")
        assert (
            own
            < html.index(reverse("consent:group_appear", args=[group_b1.pk]))
            < html.index("De groepen van alle scholen")
        )


def test_without_teaching_there_is_no_own_groups_heading(login, board, group_b1):
    many_schools(3)
    assert "De groepen waaraan u lesgeeft" not in login(board).get(OVERVIEW).content.decode()
