"""A group stays at its school once it has pupils or teachers.

Reach follows groups (schools.access): a director reaches the groups of their school, a
teacher the pupils of their groups. Moving a group to another school in the admin took
its pupils along into the other school's reach (its director read their names and
consent), while the pupils stayed at their own school and their teacher taught a group
of a school they do not work at. The admin now refuses that move.
"""

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
