"""A teacher reaches the pupils of this school year's groups only: last year's class drops
out of reach at midnight on 1 August in Amsterdam, whether or not the director imported
the new year's list yet (groups of 2026-2027 in the cast)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_staff
from consent.models import PublicationCheck
from schools.access import current_pupils_for_staff, get_group_for_user, pupils_for_staff
from schools.models import Group, StaffMembership

pytestmark = pytest.mark.django_db

# 31 July 2027 23:30 and 1 August 2027 00:30 in Amsterdam (summer time, UTC+2): both still
# 31 July in UTC
LAST_EVENING = datetime.datetime(2027, 7, 31, 21, 30, tzinfo=datetime.UTC)
FIRST_NIGHT = datetime.datetime(2027, 7, 31, 22, 30, tzinfo=datetime.UTC)


def _reached(user) -> set[int]:
    return set(pupils_for_staff(user).values_list("pk", flat=True))


def test_it_keeps_last_years_class_until_the_end_of_31_july(teacher_a, pupil_a):
    with time_machine.travel(LAST_EVENING, tick=False):
        assert _reached(teacher_a) == {pupil_a.pk}
        assert [p.pk for p in current_pupils_for_staff(teacher_a)] == [pupil_a.pk]


def test_it_drops_last_years_class_at_midnight_on_1_august(teacher_a, pupil_a):
    """Before, the class stayed in reach until the director's first list of the new year
    moved the pupils on: weeks into the new school year when that came in September."""
    with time_machine.travel(FIRST_NIGHT, tick=False):
        assert _reached(teacher_a) == set()
        assert current_pupils_for_staff(teacher_a) == []


def test_a_director_keeps_every_pupil_of_the_school(director_a, pupil_a):
    with time_machine.travel(FIRST_NIGHT, tick=False):
        assert _reached(director_a) == {pupil_a.pk}
        assert [p.pk for p in current_pupils_for_staff(director_a)] == [pupil_a.pk]


def test_a_teacher_linked_in_both_years_reaches_this_years_class(
    teacher_a, school_a, pupil_a, pupil_a2
):
    """pupil_a2 moved into this year's groep 6, which teacher_a teaches too; pupil_a is
    still in last year's groep 5 (no list of the new year for them)."""
    this_year = Group.objects.create(school=school_a, name="groep 6", school_year="2027-2028")
    pupil_a2.group = this_year
    pupil_a2.save()
    teacher_a.memberships.get().groups.add(this_year)
    with time_machine.travel(FIRST_NIGHT, tick=False):
        assert _reached(teacher_a) == {pupil_a2.pk}
        assert [p.pk for p in current_pupils_for_staff(teacher_a)] == [pupil_a2.pk]


def test_a_group_of_next_year_linked_in_july_stays_in_reach(school_a, pupil_a):
    """A list imported in July as next year's moves the pupils at once (README)."""
    next_year = Group.objects.create(school=school_a, name="groep 6", school_year="2027-2028")
    pupil_a.group = next_year
    pupil_a.save()
    teacher = make_staff("juf.nieuw@example.org", StaffMembership.Role.TEACHER, school_a)
    teacher.memberships.get().groups.add(next_year)
    with time_machine.travel(LAST_EVENING, tick=False):
        assert _reached(teacher) == {pupil_a.pk}


def test_last_years_class_page_lists_nobody_for_its_teacher(login, teacher_a, group_a1, pupil_a):
    with time_machine.travel(FIRST_NIGHT, tick=False):
        client = login(teacher_a)
        grid = client.get(reverse("consent:group", args=[group_a1.pk]))
        appear = client.get(reverse("consent:group_appear", args=[group_a1.pk]))
        check = client.get(reverse("consent:check_new"), {"group": group_a1.pk})
    for response in (grid, appear, check):
        assert response.status_code == 200
        assert pupil_a.first_name not in response.content.decode()
    assert "2026-2027 is een eerder schooljaar" in check.content.decode()


def test_the_director_still_sees_last_years_class_before_the_import(
    login, director_a, group_a1, pupil_a
):
    with time_machine.travel(FIRST_NIGHT, tick=False):
        response = login(director_a).get(reverse("consent:group", args=[group_a1.pk]))
    assert pupil_a.first_name in response.content.decode()


def test_a_check_of_last_years_pupil_is_refused_after_1_august(login, teacher_a, pupil_a):
    with time_machine.travel(FIRST_NIGHT, tick=False):
        response = login(teacher_a).post(
            reverse("consent:check_new"),
            {"purpose": "website", "media_type": "photo", "pupils": [pupil_a.pk]},
        )
    assert response.status_code == 404
    assert not PublicationCheck.objects.exists()


def test_the_group_reach_reads_no_more_queries(teacher_a, group_a1, pupil_a):
    with time_machine.travel(FIRST_NIGHT, tick=False):
        with CaptureQueriesContext(connection) as queries:
            # the memberships (once per request), the group with its school: the year
            # asks nothing more
            group = get_group_for_user(teacher_a, group_a1.pk)
        assert len(queries) == 2
        assert group.pk == group_a1.pk
