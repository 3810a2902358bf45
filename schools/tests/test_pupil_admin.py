"""A pupil's group is a group of the pupil's own school.

A teacher reaches the pupils of the groups they teach (schools.access), whatever school a
pupil is of. The pupil's admin page offered every group of the foundation, each shown as
"groep 5 (2026-2027)" without its school, and saved a group of another school: the
teacher of that group then read the pupil's name and consent and could tick them in the
check before posting. The admin now names each group's school and refuses another
school's group.
"""

import pytest
from django.urls import reverse

from conftest import make_staff
from schools.models import Pupil, StaffMembership


@pytest.fixture
def teacher_b(school_b, group_b1):
    return make_staff("juf.b@example.org", StaffMembership.Role.TEACHER, school_b, [group_b1])


def _form(pupil, group) -> dict:
    return {
        "school": pupil.school_id,
        "leerlingnummer": pupil.leerlingnummer,
        "first_name": pupil.first_name,
        "name_prefix": pupil.name_prefix,
        "last_name": pupil.last_name,
        "birth_date": pupil.birth_date.isoformat(),
        "group": group.pk,
        "left_on": "",
        "guardianships-TOTAL_FORMS": "0",
        "guardianships-INITIAL_FORMS": "0",
        "guardianships-MIN_NUM_FORMS": "0",
        "guardianships-MAX_NUM_FORMS": "1000",
    }


def _change_url(pupil) -> str:
    return reverse("admin:schools_pupil_change", args=[pupil.pk])


def test_it_refuses_a_group_of_another_school(admin_client, pupil_a, group_a1, group_b1, teacher_b):
    response = admin_client.post(_change_url(pupil_a), _form(pupil_a, group_b1))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["group"]
    assert errors == ["Kies een groep van OBS De Vlindertuin, de school van deze leerling."]
    assert Pupil.objects.get(pk=pupil_a.pk).group_id == group_a1.pk
    # and so the teacher of B's groep 5 does not read A's pupil
    admin_client.force_login(teacher_b)
    page = admin_client.get(reverse("consent:group", args=[group_b1.pk])).content.decode()
    assert "Bakker" not in page


def test_it_moves_a_pupil_to_another_group_of_the_same_school(admin_client, pupil_a, group_a2):
    response = admin_client.post(_change_url(pupil_a), _form(pupil_a, group_a2))
    assert response.status_code == 302
    assert Pupil.objects.get(pk=pupil_a.pk).group_id == group_a2.pk


def test_it_names_each_groups_school_in_the_choice(admin_client, pupil_a, group_a1, group_b1):
    """Both schools have a "groep 5" this year: the choice says which is which."""
    form = admin_client.get(_change_url(pupil_a)).context["adminform"].form
    labels = dict(form.fields["group"].choices)
    assert "OBS De Vlindertuin" in str(labels[group_a1.pk])
    assert "OBS Het Zwanenhof" in str(labels[group_b1.pk])


def test_it_stores_a_typed_name_without_direction_controls(admin_client, pupil_a, group_a1):
    # U+202E RIGHT-TO-LEFT OVERRIDE would make the name read as another (opo_portal.text)
    form = {**_form(pupil_a, group_a1), "first_name": "Sem\u202e", "last_name": "\u2067Bakker"}
    assert admin_client.post(_change_url(pupil_a), form).status_code == 302
    pupil_a.refresh_from_db()
    assert (pupil_a.first_name, pupil_a.last_name) == ("Sem", "Bakker")


def test_it_refuses_a_name_of_direction_controls_only(admin_client, pupil_a, group_a1):
    response = admin_client.post(
        _change_url(pupil_a), {**_form(pupil_a, group_a1), "first_name": "\u202e"}
    )
    assert response.status_code == 200
    assert "first_name" in response.context["adminform"].form.errors
    assert Pupil.objects.get(pk=pupil_a.pk).first_name == pupil_a.first_name
