"""A group stays at its school once it has pupils or teachers.

Reach follows groups (schools.access): a director reaches the groups of their school, a
teacher the pupils of their groups. Moving a group to another school in the admin took
its pupils along into the other school's reach (its director read their names and
consent), while the pupils stayed at their own school and their teacher taught a group
of a school they do not work at. The admin now refuses that move.
"""

import pytest
from django.urls import reverse

from schools.models import Group


def _moved(client, group, school):
    url = reverse("admin:schools_group_change", args=[group.pk])
    form = {"school": school.pk, "name": group.name, "school_year": group.school_year}
    return client.post(url, form)


def test_it_keeps_a_group_with_pupils_at_its_school(
    admin_client, group_a1, pupil_a, school_b, director_b
):
    response = _moved(admin_client, group_a1, school_b)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["school"] == [
        "Deze groep heeft leerlingen of leerkrachten van een andere school; "
        "een groep blijft bij de eigen school."
    ]
    assert Group.objects.get(pk=group_a1.pk).school_id == pupil_a.school_id
    admin_client.force_login(director_b)
    assert admin_client.get(reverse("consent:group", args=[group_a1.pk])).status_code == 404


def test_it_keeps_a_group_with_a_teacher_at_its_school(
    admin_client, group_a2, other_teacher, school_b
):
    assert _moved(admin_client, group_a2, school_b).status_code == 200
    assert Group.objects.get(pk=group_a2.pk).school.code == "vlindertuin"


def test_it_moves_an_empty_group(admin_client, group_a2, school_b):
    assert _moved(admin_client, group_a2, school_b).status_code == 302
    assert Group.objects.get(pk=group_a2.pk).school_id == school_b.pk


def _added(client, school, school_year):
    form = {"school": school.pk, "name": "groep 8", "school_year": school_year}
    return client.post(reverse("admin:schools_group_add"), form)


@pytest.mark.parametrize("school_year", ["2026/2027", "2026-2028", "26-27", "2026 2027", "x"])
def test_it_refuses_a_school_year_not_written_as_two_consecutive_years(
    admin_client, school_a, school_year
):
    """Pages compare school years as text ("2026-2027" ≥ this year's) and the coverage
    workbook names its sheet after one: "2026/2027" was saved (the workbook was a 500
    until its sheet names were made safe)."""
    response = _added(admin_client, school_a, school_year)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["school_year"] == [
        "Schrijf het schooljaar als twee opeenvolgende jaartallen met een streepje, "
        "zoals 2026-2027."
    ]
    assert not Group.objects.filter(name="groep 8").exists()


def test_it_adds_a_group_of_a_school_year_written_as_two_consecutive_years(admin_client, school_a):
    assert _added(admin_client, school_a, "2027-2028").status_code == 302
    assert Group.objects.get(name="groep 8").school_year == "2027-2028"


def test_it_stores_a_typed_name_without_direction_controls(admin_client, school_a):
    # U+202E RIGHT-TO-LEFT OVERRIDE would make the name read as another (opo_portal.text)
    form = {"school": school_a.pk, "name": "groep \u202e8", "school_year": "2027-2028"}
    assert admin_client.post(reverse("admin:schools_group_add"), form).status_code == 302
    assert Group.objects.get(school_year="2027-2028").name == "groep 8"


def test_it_refuses_a_group_name_of_direction_controls_only(admin_client, school_a):
    form = {"school": school_a.pk, "name": "\u2066", "school_year": "2027-2028"}
    response = admin_client.post(reverse("admin:schools_group_add"), form)
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert not Group.objects.filter(school_year="2027-2028").exists()
