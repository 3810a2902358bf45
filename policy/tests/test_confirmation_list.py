"""The director's list of who has and has not confirmed, its CSV export, and its cost."""

import csv
import io

import pytest
from django.urls import reverse

from conftest import make_staff, make_user
from consent.tests.helpers import html_of
from policy import services
from policy.models import Acknowledgement
from policy.tests.conftest import publish_new_version
from schools.csv_safety import safe_cell as csv_safe
from schools.models import Guardianship, StaffMembership

Role = StaffMembership.Role


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_it_lists_school_staff_with_their_confirmation(
    v1, login, director_a, teacher_a, other_teacher, director_b
):
    services.acknowledgement_record(user=teacher_a, version=v1)
    response = login(director_a).get(reverse("policy:confirmation_list", args=["vlindertuin"]))
    staff = {row.email: row.confirmed for row in response.context["staff"]}
    assert staff == {
        "juf.a@example.org": True,
        "meester.a2@example.org": False,
        "directeur.a@example.org": False,
    }
    assert response.context["staff_confirmed"] == 1


def test_it_lists_parents_of_the_schools_pupils_separately(
    v1, login, director_a, parent_a, parent_b
):
    services.acknowledgement_record(user=parent_a, version=v1)
    response = login(director_a).get(reverse("policy:confirmation_list", args=["vlindertuin"]))
    assert [(r.email, r.confirmed) for r in response.context["parents"]] == [
        ("ouder.a@example.org", True)
    ]
    assert "Sem" not in html_of(response)  # no pupil names on this page


def test_it_counts_only_confirmations_of_the_current_version(
    v1, login, director_a, teacher_a, board
):
    services.acknowledgement_record(user=teacher_a, version=v1)
    publish_new_version(board)
    response = login(director_a).get(reverse("policy:confirmation_list", args=["vlindertuin"]))
    assert not any(row.confirmed for row in response.context["staff"])


def test_it_shows_one_row_for_a_person_with_two_roles(v1, login, director_a, school_a):
    StaffMembership.objects.create(user=director_a, school=school_a, role=Role.TEACHER)
    response = login(director_a).get(reverse("policy:confirmation_list", args=["vlindertuin"]))
    [row] = response.context["staff"]
    assert len(row.roles) == 2


def test_it_shows_status_with_a_symbol_and_words_not_colour_alone(v1, login, director_a, teacher_a):
    services.acknowledgement_record(user=teacher_a, version=v1)
    page = (
        login(director_a)
        .get(reverse("policy:confirmation_list", args=["vlindertuin"]))
        .content.decode()
    )
    assert '<span aria-hidden="true">✓</span>' in page
    assert '<span aria-hidden="true">✗</span>' in page


def test_it_counts_confirmed_staff_per_school_in_the_overview(
    v1, login, board, school_a, school_b, teacher_a, other_teacher, director_a, director_b
):
    services.acknowledgement_record(user=teacher_a, version=v1)
    services.acknowledgement_record(user=director_b, version=v1)
    schools = login(board).get(reverse("policy:confirmations")).context["schools"]
    assert {s.pk for s in schools} == {school_a.pk, school_b.pk}
    assert {(s.code, s.staff_confirmed, s.staff_total) for s in schools} == {
        ("vlindertuin", 1, 3),
        ("zwanenhof", 1, 1),
    }


def test_its_counts_match_their_orm_form_for_every_kind_of_staff(
    v1, school_a, school_b, teacher_a, other_teacher, director_a, director_b
):
    from policy.selectors import (
        SCHOOL_STAFF_ROLES,
        confirmation_count_rows_orm,
        confirmation_counts,
    )
    from schools.models import School

    # teacher and director of the same school: one person; an inactive teacher: none;
    # a confirmation of another version: not one of this version; a board member: no school
    StaffMembership.objects.create(user=teacher_a, role=Role.DIRECTOR, school=school_a)
    gone = make_staff("weg@example.org", Role.TEACHER, school_a)
    services.acknowledgement_record(user=gone, version=v1)
    gone.is_active = False
    gone.save()
    make_staff("bestuur@example.org", Role.BOARD)
    empty = School.objects.create(code="leeg", name="Lege school")
    services.acknowledgement_record(user=teacher_a, version=v1)
    services.acknowledgement_record(user=director_b, version=v1)
    v2 = publish_new_version(director_a)
    services.acknowledgement_record(user=other_teacher, version=v2)
    ids = [school_a.pk, school_b.pk, empty.pk]
    assert confirmation_counts(ids, v1) == {school_a.pk: (3, 1), school_b.pk: (1, 1)}
    assert confirmation_counts(ids, v2) == {school_a.pk: (3, 1), school_b.pk: (1, 0)}
    for version in (v1, v2):
        orm = confirmation_count_rows_orm(ids, version.pk, SCHOOL_STAFF_ROLES)
        assert confirmation_counts(ids, version) == {row[0]: row[1:] for row in orm}
    assert confirmation_counts([], v1) == {}


def test_it_exports_the_staff_list_as_csv(v1, login, director_a, teacher_a, other_teacher):
    services.acknowledgement_record(user=teacher_a, version=v1)
    response = login(director_a).get(reverse("policy:confirmation_csv", args=["vlindertuin"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "protocol-v1-bevestigingen-vlindertuin.csv" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert len(header) == 8  # with the version read and when (test_version_read.py)
    by_email = {row[2]: row for row in rows}
    assert set(by_email) == {
        "juf.a@example.org",
        "meester.a2@example.org",
        "directeur.a@example.org",
    }
    assert by_email["juf.a@example.org"][1] == "Juf.A"
    assert by_email["juf.a@example.org"][5] != ""  # confirmed at
    assert by_email["meester.a2@example.org"][5] == ""
    assert by_email["juf.a@example.org"][4] != by_email["meester.a2@example.org"][4]


def test_it_adds_parents_to_the_csv_when_asked(v1, login, director_a, parent_a, teacher_a):
    url = reverse("policy:confirmation_csv", args=["vlindertuin"])
    staff_only = csv_rows(login(director_a).get(url))
    with_parents = csv_rows(login(director_a).get(url + "?ouders=1"))
    assert "ouder.a@example.org" not in [row[2] for row in staff_only]
    assert "ouder.a@example.org" in [row[2] for row in with_parents]


def test_it_neutralises_formulas_in_csv_cells(v1, login, director_a, school_a):
    evil = make_staff("evil@example.org", Role.TEACHER, school_a)
    evil.full_name = '=HYPERLINK("http://x")'
    evil.save()
    rows = csv_rows(login(director_a).get(reverse("policy:confirmation_csv", args=["vlindertuin"])))
    assert [r[1] for r in rows if r[2] == "evil@example.org"] == ['\'=HYPERLINK("http://x")']


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31", "'+31"),
        ("-2", "'-2"),
        ("@SUM", "'@SUM"),
        ("Anna", "Anna"),
        ("", ""),
    ],
)
def test_it_prefixes_cells_that_start_like_a_formula(value, expected):
    assert csv_safe(value) == expected


def add_staff_and_parents(school, group, pupil_factory, count: int) -> None:
    for i in range(count):
        make_staff(f"leerkracht{i}@example.org", Role.TEACHER, school, [group])
        parent = make_user(f"ouder{i}@example.org")
        pupil = pupil_factory(str(5000 + i))
        Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)


@pytest.mark.parametrize("count", [3, 30])
def test_it_runs_the_same_queries_for_3_and_30_staff(
    v1, login, director_a, school_a, group_a1, count, django_assert_num_queries
):
    from conftest import make_pupil

    add_staff_and_parents(
        school_a, group_a1, lambda n: make_pupil(school_a, group_a1, n, "Kind", n), count
    )
    c = login(director_a)
    url = reverse("policy:confirmation_list", args=["vlindertuin"])
    # (session from the cache, TOTP remembered in it)
    # 1. user, with "is the user a parent?" for the menu  2. memberships (MFA check,
    # access, menu)  3. school (access helper)  4. current version  5. staff rows with
    # confirmation  6. parent rows with confirmation  7. banner: current version unless
    # confirmed, with the menu's open takedown tasks (badge)
    with django_assert_num_queries(7):
        response = c.get(url)
    assert len(response.context["staff"]) == count + 1


@pytest.mark.parametrize("count", [3, 30])
def test_it_exports_csv_with_the_same_queries_for_3_and_30_staff(
    v1, login, director_a, school_a, group_a1, count, django_assert_num_queries
):
    from conftest import make_pupil

    add_staff_and_parents(
        school_a, group_a1, lambda n: make_pupil(school_a, group_a1, n, "Kind", n), count
    )
    c = login(director_a)
    url = reverse("policy:confirmation_csv", args=["vlindertuin"]) + "?ouders=1"
    # (session from the cache, TOTP remembered in it)
    # 1. user  2. memberships  3. school  4. current version  5. staff rows  6. parent rows
    with django_assert_num_queries(6):
        response = c.get(url)
    assert len(csv_rows(response)) == 1 + (count + 1) + count


@pytest.mark.parametrize("extra_schools", [1, 10])
def test_it_runs_the_same_queries_on_the_overview_for_1_and_10_schools(
    v1, login, board, extra_schools, django_assert_num_queries
):
    from schools.models import School

    for i in range(extra_schools):
        school = School.objects.create(code=f"school{i}", name=f"School {i}")
        make_staff(f"dir{i}@example.org", Role.DIRECTOR, school)
    c = login(board)
    # (session from the cache, TOTP remembered in it)
    # 1. user, with "is the user a parent?" for the menu  2. memberships
    # 3. current version  4. number of schools (paging)  5. one page of schools
    # 6. their counts (policy.selectors.CONFIRMATION_COUNTS_SQL)  7. board staff and
    # privacy officers with confirmation  8. banner
    with django_assert_num_queries(8):
        c.get(reverse("policy:confirmations"))


def test_a_board_sees_twenty_five_schools_a_page(v1, login, board):
    from schools.models import School

    School.objects.bulk_create(
        [School(code=f"extra-{n:02}", name=f"Extra school {n:02}") for n in range(30)]
    )
    c = login(board)
    url = reverse("policy:confirmations")
    assert len(c.get(url).context["schools"]) == 25
    rest = c.get(url, {"page": "2"}).context["schools"]
    assert len(rest) == School.objects.count() - 25


def test_it_pages_through_the_schools_of_a_large_board(
    v1, login, board, teacher_a, director_a, director_b, monkeypatch
):
    from policy import views
    from schools.models import School

    monkeypatch.setattr(views, "SCHOOLS_PER_PAGE", 2)
    School.objects.create(code="zz-last", name="Zuiderschool")
    services.acknowledgement_record(user=teacher_a, version=v1)
    c = login(board)
    url = reverse("policy:confirmations")
    first = c.get(url)
    assert [s.code for s in first.context["schools"]] == ["vlindertuin", "zwanenhof"]
    html = first.content.decode()
    assert "pagina 1 van 2" in html
    assert 'href="?page=2"' in html
    last = c.get(url, {"page": "2"})
    assert [(s.code, s.staff_confirmed, s.staff_total) for s in last.context["schools"]] == [
        ("zz-last", 0, 0)
    ]
    assert 'href="?page=1"' in last.content.decode()
    # a page number out of range or not a number shows a page, never an error
    assert c.get(url, {"page": "99"}).context["page"].number == 2
    assert c.get(url, {"page": "x"}).context["page"].number == 1


def test_the_board_sees_which_board_staff_and_privacy_officers_confirmed(
    v1, login, board, privacy_officer
):
    Acknowledgement.objects.create(user=privacy_officer, version=v1)
    response = login(board).get(reverse("policy:confirmations"))
    rows = {row.email: row for row in response.context["foundation_staff"]}
    assert set(rows) == {board.email, privacy_officer.email}
    assert rows[privacy_officer.email].confirmed and not rows[board.email].confirmed
    page = response.content.decode()
    assert "Bestuursbureau en privacyfunctionaris" in page
    assert privacy_officer.email in page


def test_a_director_does_not_see_the_board_staff(v1, login, director_a, board):
    response = login(director_a).get(reverse("policy:confirmations"))
    assert "foundation_staff" not in response.context
    assert board.email not in response.content.decode()


@pytest.mark.parametrize("extra_board_staff", [1, 10])
def test_it_reads_the_board_staff_in_one_query(
    v1, login, board, school_a, extra_board_staff, django_assert_num_queries
):
    for i in range(extra_board_staff):
        make_staff(f"bestuur{i}@example.org", Role.BOARD)
    c = login(board)
    # 1. user  2. memberships  3. current version  4. number of schools  5. one page of
    # schools  6. their counts  7. board staff and privacy officers with confirmation
    # 8. banner
    with django_assert_num_queries(8):
        response = c.get(reverse("policy:confirmations"))
    assert len(response.context["foundation_staff"]) == extra_board_staff + 1
