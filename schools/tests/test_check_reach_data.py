"""`manage.py check_reach_data`: the rows reach ignores (README "Security settings",
finding 19), listed by id and school name for whoever runs the portal, exit 1 while any
is left. The admin refuses such rows now; an import, a shell or a data migration does not.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conftest import make_pupil, make_staff
from schools.models import Group, Pupil, StaffMembership

Role = StaffMembership.Role


def run() -> tuple[str, str | None]:
    """The command's output and, when it failed, its error (the exit status 1)."""
    out = StringIO()
    try:
        call_command("check_reach_data", stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def test_it_says_so_when_every_row_holds(teacher_a, director_b, pupil_a, pupil_b):
    out, error = run()
    assert error is None
    assert "geen" in out


def test_it_lists_a_membership_naming_another_schools_group(teacher_a, group_b1, pupil_b):
    membership = StaffMembership.objects.get(user=teacher_a)
    membership.groups.add(group_b1)
    out, error = run()
    assert error is not None and "1" in error
    line = next(line for line in out.splitlines() if f"medewerkersrol {membership.pk} " in line)
    assert f"groep {group_b1.pk} " in line
    assert "OBS De Vlindertuin" in line and "OBS Het Zwanenhof" in line
    assert "leerkracht" in line


def test_it_lists_groups_of_a_role_without_a_school(board, group_a1):
    membership = StaffMembership.objects.get(user=board)
    membership.groups.add(group_a1)
    out, error = run()
    assert error is not None
    assert f"medewerkersrol {membership.pk} " in out
    assert f"groep {group_a1.pk} " in out


def test_it_lists_a_pupil_in_another_schools_group(pupil_a, pupil_b, group_a1):
    Pupil.objects.filter(pk=pupil_b.pk).update(group=group_a1)
    out, error = run()
    assert error is not None
    line = next(line for line in out.splitlines() if f"leerling {pupil_b.pk} " in line)
    assert f"groep {group_a1.pk} " in line
    assert "OBS Het Zwanenhof" in line and "OBS De Vlindertuin" in line
    assert f"leerling {pupil_a.pk} " not in out


def test_it_lists_what_a_group_moved_to_another_school_left_behind(
    teacher_a, group_a1, pupil_a, school_b
):
    """The group's pupils stay at their school and its teacher's membership too: each
    is a row (the group itself is at the school it was given)."""
    Group.objects.filter(pk=group_a1.pk).update(school=school_b)
    out, error = run()
    assert error is not None and "2" in error
    assert f"leerling {pupil_a.pk} " in out
    assert f"medewerkersrol {StaffMembership.objects.get(user=teacher_a).pk} " in out


def test_it_names_no_pupil(pupil_a, pupil_b, group_a1):
    Pupil.objects.filter(pk=pupil_b.pk).update(group=group_a1)
    out, error = run()
    for written in (out, error):
        for word in ("Bram", "Visser", pupil_b.leerlingnummer, "Sem", "Bakker"):
            assert word not in written


@pytest.mark.parametrize("bad", [3, 30])
def test_it_reads_the_same_number_of_queries_however_many_rows(
    django_assert_num_queries, school_a, school_b, group_a1, group_b1, bad
):
    for n in range(bad):
        make_pupil(school_b, group_a1, f"B-{n}", "Kind", f"Elders {n}")
        make_staff(f"juf{n}@example.org", Role.TEACHER, school_a, [group_b1])
    # the memberships with a group of another school, the pupils in one
    with django_assert_num_queries(2):
        out, error = run()
    assert error is not None and str(2 * bad) in error
    assert len([line for line in out.splitlines() if line.startswith("  ")]) == 2 * bad
