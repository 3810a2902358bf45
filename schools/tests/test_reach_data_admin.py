"""The admin finds the rows `manage.py check_reach_data` lists: a filter "Groep van een
andere school" on pupils and on staff memberships, where they are put right."""

from django.urls import reverse

from schools.models import Pupil, StaffMembership

FILTER = {"andere_school": "ja"}


def _change(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def test_it_lists_the_pupils_in_another_schools_group(admin_client, pupil_a, pupil_b, group_a1):
    Pupil.objects.filter(pk=pupil_b.pk).update(group=group_a1)
    page = admin_client.get(reverse("admin:schools_pupil_changelist"), FILTER)
    assert page.status_code == 200
    html = page.content.decode()
    assert _change(pupil_b) in html
    assert _change(pupil_a) not in html
    assert "Op groep van een andere school" in html


def test_it_lists_the_memberships_naming_another_schools_group(
    admin_client, teacher_a, other_teacher, board, group_a1, group_b1
):
    wrong = StaffMembership.objects.get(user=teacher_a)
    wrong.groups.add(group_b1)
    no_school = StaffMembership.objects.get(user=board)
    no_school.groups.add(group_a1)
    page = admin_client.get(reverse("admin:schools_staffmembership_changelist"), FILTER)
    assert page.status_code == 200
    html = page.content.decode()
    assert _change(wrong) in html and _change(no_school) in html
    assert _change(StaffMembership.objects.get(user=other_teacher)) not in html
    assert "Op groep van een andere school" in html


def test_it_lists_every_row_without_the_filter(admin_client, pupil_a, pupil_b):
    html = admin_client.get(reverse("admin:schools_pupil_changelist")).content.decode()
    assert _change(pupil_a) in html and _change(pupil_b) in html
