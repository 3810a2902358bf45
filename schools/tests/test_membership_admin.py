"""A staff membership's groups are groups of its own school.

A teacher reaches the pupils of the groups of their memberships (schools.access), whatever
school a group is of. The admin offered every group of the foundation, each shown as
"groep 5 (2026-2027)" without its school, so a teacher of school A given "groep 5" could
get school B's groep 5: its pupils' names on the class pages, in the check before
posting and the photo check, and their consent. The admin now names each group's school
and refuses a group of another school, and groups on a membership without a school.
"""

from django.urls import reverse

from conftest import give_totp, make_user
from schools.models import StaffMembership

Role = StaffMembership.Role


def _form(user, role, school, groups) -> dict:
    return {
        "user": user.pk,
        "role": role,
        "school": school.pk if school else "",
        "groups": [group.pk for group in groups],
    }


def _change_url(user) -> str:
    membership = StaffMembership.objects.get(user=user)
    return reverse("admin:schools_staffmembership_change", args=[membership.pk])


def test_it_refuses_a_group_of_another_school_for_a_teacher(
    admin_client, teacher_a, school_a, group_a1, group_b1, pupil_b
):
    response = admin_client.post(
        _change_url(teacher_a), _form(teacher_a, Role.TEACHER, school_a, [group_a1, group_b1])
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["groups"]
    assert errors == ["Kies alleen groepen van OBS De Vlindertuin, de school van deze rol."]
    membership = StaffMembership.objects.get(user=teacher_a)
    assert list(membership.groups.all()) == [group_a1]
    # and so the teacher of A still does not reach B's class
    admin_client.force_login(teacher_a)
    assert admin_client.get(reverse("consent:group", args=[group_b1.pk])).status_code == 404


def test_it_refuses_a_new_teacher_membership_with_another_schools_group(
    admin_client, school_a, group_b1
):
    user = give_totp(make_user("nieuwe.juf@example.org"))
    response = admin_client.post(
        reverse("admin:schools_staffmembership_add"),
        _form(user, Role.TEACHER, school_a, [group_b1]),
    )
    assert response.status_code == 200
    assert not StaffMembership.objects.filter(user=user).exists()


def test_it_refuses_groups_on_a_membership_without_a_school(admin_client, board, group_b1):
    response = admin_client.post(_change_url(board), _form(board, Role.BOARD, None, [group_b1]))
    assert response.status_code == 200
    assert not StaffMembership.objects.get(user=board).groups.exists()


def test_it_moves_a_teacher_to_another_group_of_the_same_school(
    admin_client, teacher_a, school_a, group_a2
):
    response = admin_client.post(
        _change_url(teacher_a), _form(teacher_a, Role.TEACHER, school_a, [group_a2])
    )
    assert response.status_code == 302
    assert list(StaffMembership.objects.get(user=teacher_a).groups.all()) == [group_a2]


def test_it_names_each_groups_school_in_the_choice(admin_client, teacher_a, group_a1, group_b1):
    """Both schools have a "groep 5" this year: the choice says which is which."""
    form = admin_client.get(_change_url(teacher_a)).context["adminform"].form
    labels = dict(form.fields["groups"].choices)
    assert "OBS De Vlindertuin" in str(labels[group_a1.pk])
    assert "OBS Het Zwanenhof" in str(labels[group_b1.pk])
