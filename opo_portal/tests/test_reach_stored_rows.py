"""Reach does not trust rows the admin now refuses but that were stored before (or by an
import, a shell, a data migration): a teacher's membership naming another school's group,
a pupil put in another school's group, a group with pupils moved to another school.

Each row is written with the ORM, past `clean`, then the real pages are asked by the
person it would wrongly give reach: the other school's pupil is on no list, in no check
before posting or photo check, and the other school's class page is a 404.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import add_teaching
from consent.models import PublicationCheck
from schools.access import (
    current_pupils_for_staff,
    current_pupils_of,
    groups_in_reach,
    pupils_for_staff,
    taught_groups,
)
from schools.models import Group, Pupil, StaffMembership

CHECK = {"purpose": "website", "media_type": "photo"}


@pytest.fixture
def membership_names_b1(teacher_a, group_b1, pupil_b):
    """teacher_a's membership at school A also names school B's "groep 5"."""
    StaffMembership.objects.get(user=teacher_a).groups.add(group_b1)


@pytest.fixture
def pupil_b_in_a1(pupil_b, group_a1):
    """School B's pupil put in school A's "groep 5"."""
    Pupil.objects.filter(pk=pupil_b.pk).update(group=group_a1)


@pytest.fixture
def a1_moved_to_b(group_a1, pupil_a, school_b):
    """School A's "groep 5", with its pupil, moved to school B (the pupil stays at A)."""
    Group.objects.filter(pk=group_a1.pk).update(school=school_b, name="groep 5 (oud)")


def test_a_group_of_another_school_in_a_membership_gives_no_class_page(
    login, teacher_a, group_b1, membership_names_b1
):
    client = login(teacher_a)
    for route in ("consent:group", "consent:group_appear"):
        assert client.get(reverse(route, args=[group_b1.pk])).status_code == 404
    assert client.get(reverse("consent:check_new"), {"group": group_b1.pk}).status_code == 404
    page = reverse("consent:group", args=[group_b1.pk])
    assert page not in client.get(reverse("consent:overview")).content.decode()
    assert page not in client.get(reverse("accounts:home_teacher")).content.decode()


def test_a_group_of_another_school_in_a_membership_gives_none_of_its_pupils(
    login, teacher_a, pupil_a, pupil_b, membership_names_b1
):
    client = login(teacher_a)
    found = client.post(reverse("consent:check_new"), {"intent": "search", "q": "Visser"})
    assert "Bram Visser" not in found.content.decode()
    assert "Bram Visser" not in client.get(reverse("photo:check")).content.decode()
    posted = client.post(reverse("consent:check_new"), {**CHECK, "pupils": pupil_b.pk})
    assert posted.status_code == 404
    assert not PublicationCheck.objects.exists()
    assert set(pupils_for_staff(teacher_a)) == {pupil_a}


def test_a_pupil_in_another_schools_group_is_not_in_that_class(
    login, teacher_a, director_a, group_a1, pupil_a, pupil_b, pupil_b_in_a1
):
    for user in (teacher_a, director_a):
        client = login(user)
        for route in ("consent:group", "consent:group_appear"):
            page = client.get(reverse(route, args=[group_a1.pk]))
            assert page.status_code == 200
            assert "Bram Visser" not in page.content.decode()
            assert "Sem Bakker" in page.content.decode()
        listed = client.get(reverse("consent:check_new"), {"group": group_a1.pk})
        assert "Bram Visser" not in listed.content.decode()
        assert "Bram Visser" not in client.get(reverse("photo:check")).content.decode()


def test_a_pupil_in_another_schools_group_cannot_be_checked_by_that_groups_teacher(
    login, teacher_a, pupil_a, pupil_b, pupil_b_in_a1
):
    client = login(teacher_a)
    found = client.post(reverse("consent:check_new"), {"intent": "search", "q": "Visser"})
    assert "Bram Visser" not in found.content.decode()
    posted = client.post(reverse("consent:check_new"), {**CHECK, "pupils": pupil_b.pk})
    assert posted.status_code == 404
    assert not PublicationCheck.objects.exists()
    assert set(pupils_for_staff(teacher_a)) == {pupil_a}


def test_a_pupil_in_another_schools_group_stays_with_their_own_schools_director(
    login, director_b, pupil_b, pupil_b_in_a1
):
    """Their own school still reaches them: its director can put the record right."""
    assert "Bram Visser" in login(director_b).get(reverse("photo:check")).content.decode()
    assert pupil_b in set(pupils_for_staff(director_b))


def test_a_group_moved_to_another_school_does_not_take_its_pupils_along(
    login, director_b, group_a1, pupil_a, a1_moved_to_b
):
    client = login(director_b)
    for route in ("consent:group", "consent:group_appear"):
        page = client.get(reverse(route, args=[group_a1.pk]))
        assert page.status_code == 200  # a group of B now, without A's pupil
        assert "Sem Bakker" not in page.content.decode()
    found = client.post(reverse("consent:check_new"), {"intent": "search", "q": "Bakker"})
    assert "Sem Bakker" not in found.content.decode()
    assert "Sem Bakker" not in client.get(reverse("photo:check")).content.decode()
    posted = client.post(reverse("consent:check_new"), {**CHECK, "pupils": pupil_a.pk})
    assert posted.status_code == 404
    assert not PublicationCheck.objects.exists()


def test_a_group_moved_to_another_school_leaves_its_old_schools_teacher_without_it(
    login, teacher_a, group_a1, pupil_a, a1_moved_to_b
):
    """teacher_a's membership is at school A; the group is now B's: it counts for
    nobody of A until the register is put right (manage.py check_reach_data lists it)."""
    client = login(teacher_a)
    assert client.get(reverse("consent:group", args=[group_a1.pk])).status_code == 404
    assert "Sem Bakker" not in client.get(reverse("photo:check")).content.decode()
    assert list(pupils_for_staff(teacher_a)) == []


@pytest.mark.parametrize("rows", ["membership_names_b1", "pupil_b_in_a1", "a1_moved_to_b"])
def test_every_reach_helper_agrees(request, rows, teacher_a, director_b, group_a1, group_b1):
    """The helpers in SQL and their ORM forms give the same answer on each bad row."""
    request.getfixturevalue(rows)
    for user in (teacher_a, director_b):
        orm = {p.pk for p in pupils_for_staff(user).current()}
        assert {p.pk for p in current_pupils_for_staff(user)} == orm
        in_groups = {p.pk for g in groups_in_reach(user) for p in current_pupils_of(g)}
        assert in_groups <= orm
    assert {g.pk for g in taught_groups(teacher_a)} == {g.pk for g in groups_in_reach(teacher_a)}


# --- A director's pages over a pupil put in another school's group ----------------------
# School B's pupil stored in school A's "groep 7" (a row check_reach_data lists). Reach:
# B's director and board staff reach the pupil by school, in no group of B; A's director
# does not reach them at all, nor does someone who directs A and teaches in B (each
# role's reach on its own pages, never the union).


@pytest.fixture
def pupil_b_in_a2(pupil_a2, pupil_b, parent_b, group_a2):
    """School B's pupil (with a gezag-holder, no answers: every question open) put in
    school A's "groep 7", next to A's own pupil there, as an old import left it."""
    Pupil.objects.filter(pk=pupil_b.pk).update(group=group_a2)


@pytest.fixture
def director_a_teaching_b(director_a, school_b, group_b1):
    return add_teaching(director_a, school_b, [group_b1])


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _exports(client, school) -> tuple[str, list[list]]:
    csv = _text(client.get(reverse("consent:coverage_export", args=[school.code])))
    xlsx = client.get(reverse("consent:coverage_export_xlsx", args=[school.code])).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    return csv, [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("who", ["director_a", "director_a_teaching_b"])
def test_a_pupil_in_another_schools_group_is_on_none_of_that_schools_director_pages(
    request, who, login, school_a, group_a2, pupil_b, pupil_b_in_a2
):
    client = login(request.getfixturevalue(who))
    coverage = _text(client.get(reverse("consent:coverage", args=[school_a.code])))
    assert "Bram Visser" not in coverage and "Roos Vries" in coverage
    assert "0 van 1 leerling volledig beantwoord · 1 met open vragen" in coverage  # Roos
    csv, xlsx = _exports(client, school_a)
    assert "Visser" not in csv and "Visser" not in str(xlsx)
    home = _text(client.get(reverse("accounts:home_director")))
    assert "Bram Visser" not in home and "Ouder B" not in home
    reminders = client.get(reverse("consent:remind", args=[school_a.code]), {"groep": group_a2.pk})
    assert reminders.context["plan"].parents == 0  # Roos's parents: none; Ouder B is not A's
    assert client.get(reverse("consent:record", args=[pupil_b.pk])).status_code == 404
    for route in ("consent:group", "consent:group_appear"):
        assert "Bram Visser" not in _text(client.get(reverse(route, args=[group_a2.pk])))
    listed = _text(client.get(reverse("consent:check_new"), {"group": group_a2.pk}))
    assert "Bram Visser" not in listed
    found = client.post(reverse("consent:check_new"), {"intent": "search", "q": "Visser"})
    assert "Bram Visser" not in _text(found)
    posted = client.post(reverse("consent:check_new"), {**CHECK, "pupils": pupil_b.pk})
    assert posted.status_code == 404
    assert "Bram Visser" not in _text(client.get(reverse("photo:check")))


@pytest.mark.parametrize("who", ["director_b", "board"])
def test_a_pupil_in_another_schools_group_is_in_no_group_on_their_own_schools_pages(
    request, who, login, school_b, group_a2, pupil_b, pupil_b_in_a2
):
    """B's director and board staff reach B's pupil by school: listed and counted in B's
    figures, under no group ("—"), never under A's "groep 7" nor with a link to it (a 404
    for B's director: it is A's group)."""
    client = login(request.getfixturevalue(who))
    groep = f"groep={group_a2.pk}"
    coverage = _text(client.get(reverse("consent:coverage", args=[school_b.code])))
    assert "Bram Visser" in coverage
    assert "groep 7" not in coverage and groep not in coverage
    section = coverage.split('<section class="group-names"')[1]
    assert "<h3" in section and ">—</h3>" in section and "Bram Visser" in section
    assert "0 van 1 leerling volledig beantwoord · 1 met open vragen" in section
    csv, xlsx = _exports(client, school_b)
    assert "Visser" in csv and "groep 7" not in csv
    rows = [row for row in xlsx if row[4] == "Visser"]
    assert rows and {row[1] for row in rows} == {None}  # no group, as in the CSV's ""
    home = _text(client.get(reverse(f"accounts:home_{who.split('_')[0]}")))
    of_b = home.split(f'aria-labelledby="school-{school_b.code}"')[1].split("</section>")[0]
    assert "Bram Visser" in of_b and "groep 7" not in of_b and groep not in of_b
    assert "—: 1 leerling" in of_b  # the board: B has no director, so in full
    found = client.post(reverse("consent:check_new"), {"intent": "search", "q": "Visser"})
    assert "Bram Visser" in _text(found) and "Bram Visser (groep 7)" not in _text(found)
    assert "Bram Visser" in _text(client.get(reverse("consent:record", args=[pupil_b.pk])))
    if who == "director_b":
        photo = _text(client.get(reverse("photo:check")))
        assert "Bram Visser" in photo and "groep 7" not in photo


def test_a_pupil_in_the_group_a_director_teaches_elsewhere_is_in_no_group_at_their_school(
    login, director_a_teaching_b, school_a, group_b1, pupil_a, parent_a
):
    """School A's pupil stored in B's "groep 5", which A's director teaches: on the
    director's pages (reach by school) the pupil is A's, in no group, without a link to B's
    group (reminders for it would be a 404 at A); on the teacher's class page of B's group
    the pupil is not listed (not of that school). Each role's reach, never the union."""
    Pupil.objects.filter(pk=pupil_a.pk).update(group=group_b1)
    client, groep = login(director_a_teaching_b), f"groep={group_b1.pk}"
    coverage = _text(client.get(reverse("consent:coverage", args=[school_a.code])))
    section = coverage.split('<section class="group-names"')[1]
    assert ">—</h3>" in section and "Sem Bakker" in section and groep not in coverage
    home = _text(client.get(reverse("accounts:home_director")))
    assert "Sem Bakker" in home and groep not in home
    found = client.post(reverse("consent:check_new"), {"intent": "search", "q": "Bakker"})
    assert "Sem Bakker" in _text(found) and "Sem Bakker (groep 5)" not in _text(found)
    for route in ("consent:group", "consent:group_appear"):
        assert "Sem Bakker" not in _text(client.get(reverse(route, args=[group_b1.pk])))
    listed = _text(client.get(reverse("consent:check_new"), {"group": group_b1.pk}))
    assert "Sem Bakker" not in listed
    photo = _text(client.get(reverse("photo:check")))
    assert "Sem Bakker" in photo and "Sem Bakker (groep 5)" not in photo


def test_a_parent_is_not_told_another_schools_class_for_their_child(
    login, parent_b, pupil_b, school_b, group_a2, pupil_b_in_a2
):
    """The parent's pages named the stored group: B's child put in A's "groep 7" read as
    "OBS B · groep 7" on the home, "Toestemming" and the child's page, a class the child is
    not in (their own school's staff see the child in no group)."""
    Group.objects.filter(pk=group_a2.pk).update(name="groep 7 Zwaluwen")
    client = login(parent_b)
    pages = [
        reverse("accounts:home_parent"),
        reverse("consent:my_children"),
        reverse("consent:child", args=[pupil_b.pk]),
    ]
    for page in pages:
        html = _text(client.get(page))
        assert school_b.name in html, page
        assert "Zwaluwen" not in html, page
