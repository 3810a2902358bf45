"""A teacher of two groups (a school trip of groups 5 and 7: one photo) puts pupils of
both in one check before posting: the class list offers "Alle groepen waaraan ik
lesgeef", each pupil named with their group. Reach: the groups the user teaches this
school year only, never the schools they direct nor their own child as a parent."""

import re

import pytest
from django.urls import reverse

from conftest import SCHOOL_YEAR, add_teaching, make_pupil, make_staff
from consent.models import PublicationCheck
from schools.models import Group, Guardianship, StaffMembership

pytestmark = pytest.mark.django_db

ALL_TAUGHT = '<option value="taught"'


def _labels(response) -> list[str]:
    """The text of each pupil's checkbox label."""
    page = response.content.decode()
    found = re.findall(r'<label[^>]*>\s*<input[^>]*name="pupils"[^>]*>([^<]*)</label>', page)
    return sorted(" ".join(label.split()) for label in found)


@pytest.fixture
def teacher_of_two(school_a, group_a1, group_a2, pupil_a, pupil_a2):
    """Teaches groep 5 (Sem Bakker) and groep 7 (Roos Vries) at De Vlindertuin."""
    return make_staff(
        "juf.twee@example.org", StaffMembership.Role.TEACHER, school_a, [group_a1, group_a2]
    )


def _taught_list(client, **extra):
    return client.get(reverse("consent:check_new"), {"group": "taught", **extra})


def test_a_teacher_of_two_groups_is_offered_all_their_groups(login, teacher_of_two):
    html = login(teacher_of_two).get(reverse("consent:check_new")).content.decode()
    assert ALL_TAUGHT in html
    assert "Alle groepen waaraan ik lesgeef" in html


def test_a_teacher_of_one_group_sees_the_class_list_as_before(login, teacher_a, pupil_a):
    html = login(teacher_a).get(reverse("consent:check_new")).content.decode()
    assert ALL_TAUGHT not in html


def test_it_lists_the_pupils_of_both_groups_each_with_their_group(login, teacher_of_two):
    response = _taught_list(login(teacher_of_two))
    assert response.status_code == 200
    assert _labels(response) == ["Roos Vries (groep 7)", "Sem Bakker (groep 5)"]
    assert re.search(rf"{ALL_TAUGHT} selected", response.content.decode())


def test_one_check_stores_a_pupil_of_each_group(login, teacher_of_two, pupil_a, pupil_a2):
    client = login(teacher_of_two)
    page = _taught_list(client).content.decode()
    # the class list chosen is sent with the check (one form: the list and the ticks)
    [form] = [f for f in re.findall(r"<form[^>]*>.*?</form>", page, re.S) if 'name="pupils"' in f]
    assert re.search(rf"{ALL_TAUGHT} selected", form)
    response = client.post(
        reverse("consent:check_new"),
        {
            "group": "taught",
            "purpose": "website",
            "media_type": "photo",
            "pupils": [pupil_a.pk, pupil_a2.pk],
        },
    )
    check = PublicationCheck.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("consent:check", args=[check.pk])
    assert set(check.pupils.all()) == {pupil_a, pupil_a2}
    assert check.checked_by == teacher_of_two


def test_a_refused_check_keeps_both_groups_and_the_ticks(login, teacher_of_two, pupil_a, pupil_a2):
    response = login(teacher_of_two).post(
        reverse("consent:check_new"),
        {"group": "taught", "purpose": "website", "pupils": [pupil_a.pk, pupil_a2.pk]},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "errorlist" in html
    assert _labels(response) == ["Roos Vries (groep 7)", "Sem Bakker (groep 5)"]
    assert re.search(rf'value="{pupil_a.pk}" checked', html)
    assert re.search(rf'value="{pupil_a2.pk}" checked', html)
    assert PublicationCheck.objects.count() == 0


def test_it_lists_no_group_the_teacher_does_not_teach(login, teacher_of_two, school_a, group_a1):
    other = Group.objects.create(school=school_a, name="groep 8", school_year=SCHOOL_YEAR)
    make_pupil(school_a, other, "1003", "Finn", "Smit")
    left = make_pupil(school_a, group_a1, "1004", "Lotte", "Mulder")
    left.left_on = left.birth_date.replace(year=2025)
    left.save()
    assert _labels(_taught_list(login(teacher_of_two))) == [
        "Roos Vries (groep 7)",
        "Sem Bakker (groep 5)",
    ]


def test_it_lists_no_pupil_of_last_years_group(login, school_a, group_a1, pupil_a):
    last_year = Group.objects.create(school=school_a, name="groep 4", school_year="2000-2001")
    make_pupil(school_a, last_year, "1005", "Oud", "Leerling")
    teacher = make_staff(
        "juf.oud@example.org", StaffMembership.Role.TEACHER, school_a, [group_a1, last_year]
    )
    assert _labels(_taught_list(login(teacher))) == ["Sem Bakker (groep 5)"]


def test_a_teacher_who_is_a_parent_never_sees_their_own_child_there(
    login, teacher_of_two, school_a
):
    other = Group.objects.create(school=school_a, name="groep 8", school_year=SCHOOL_YEAR)
    child = make_pupil(school_a, other, "1006", "Eigen", "Kind")
    Guardianship.objects.create(user=teacher_of_two, pupil=child, has_parental_authority=True)
    assert "Eigen Kind" not in _taught_list(login(teacher_of_two)).content.decode()


def test_a_director_who_teaches_lists_their_taught_groups_only(
    login, director_a, school_a, group_a1, group_a2, pupil_a, pupil_a2
):
    # the school they direct is theirs to search by name; "my groups" are the taught ones
    client = login(add_teaching(director_a, school_a, [group_a2]))
    assert _labels(_taught_list(client)) == ["Roos Vries (groep 7)"]


def test_a_teacher_at_two_schools_reads_each_school_and_cannot_mix_them(
    login, teacher_a, school_b, group_b1, pupil_a, pupil_b
):
    client = login(add_teaching(teacher_a, school_b, [group_b1]))
    assert _labels(_taught_list(client)) == [
        "Bram Visser (groep 5, OBS Het Zwanenhof)",
        "Sem Bakker (groep 5, OBS De Vlindertuin)",
    ]
    response = client.post(
        reverse("consent:check_new"),
        {
            "group": "taught",
            "purpose": "website",
            "media_type": "photo",
            "pupils": [pupil_a.pk, pupil_b.pk],
        },
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert PublicationCheck.objects.count() == 0


@pytest.mark.parametrize("cast_member", ["director_a", "board"])
def test_someone_who_teaches_no_group_gets_a_404(request, login, cast_member, pupil_a):
    user = request.getfixturevalue(cast_member)
    assert _taught_list(login(user)).status_code == 404
    html = login(user).get(reverse("consent:check_new")).content.decode()
    assert ALL_TAUGHT not in html
