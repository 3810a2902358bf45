"""The access history copies names as they were (schools.accesslog): each copy is written
without Unicode's direction controls (opo_portal.text), whatever its source holds. A name
typed now has none, but a group kept one where its name without them was another group's
(migration 0014), and a name may come from a path no form cleaned; U+202E in a copy would
make its line on "Rollen van medewerkers" or in a pupil's file read as another."""

import pytest

from schools import accesslog
from schools.models import GezagChange, Group, MembershipChange, School, StaffMembership, Via

pytestmark = pytest.mark.django_db


def controlled(model, pk: int, field: str, value: str) -> None:
    """A name stored with direction controls, past the forms that drop them."""
    model.objects.filter(pk=pk).update(**{field: value})


def test_a_membership_change_copies_every_name_without_direction_controls(
    teacher_a, director_a, school_a, group_a1
):
    User = type(teacher_a)
    controlled(User, teacher_a.pk, "full_name", "Juf\u202e.A")
    controlled(User, director_a.pk, "full_name", "\u2066Directeur\u2069.A")
    controlled(School, school_a.pk, "name", "OBS De \u202eVlindertuin")
    controlled(Group, group_a1.pk, "name", "groep\u202e 5")
    membership = StaffMembership.objects.select_related("user", "school").get(user=teacher_a)
    by = User.objects.get(pk=director_a.pk)
    group = Group.objects.get(pk=group_a1.pk)
    accesslog.membership_added(membership, by=by, via=Via.PAGE, groups=[group])
    rows = MembershipChange.objects.order_by("id").values_list(
        "person_name", "school_name", "by_name", "group_name"
    )
    assert list(rows) == [
        ("Juf.A", "OBS De Vlindertuin", "Directeur.A", ""),
        ("Juf.A", "OBS De Vlindertuin", "Directeur.A", "groep 5"),
    ]


def test_a_by_name_of_controls_only_is_the_address_as_for_a_user_without_a_name(
    teacher_a, director_a
):
    User = type(teacher_a)
    controlled(User, director_a.pk, "full_name", "\u202e\u202c")
    membership = StaffMembership.objects.select_related("user", "school").get(user=teacher_a)
    by = User.objects.get(pk=director_a.pk)
    accesslog.membership_ended(membership, by=by, via=Via.ADMIN)
    assert set(MembershipChange.objects.values_list("by_name", flat=True)) == {director_a.email}


def test_a_gezag_change_copies_the_names_without_direction_controls(parent_a, pupil_a, director_a):
    User = type(parent_a)
    controlled(User, parent_a.pk, "full_name", "Ouder\u202e A")
    controlled(User, director_a.pk, "full_name", "Directeur.A\u202a")
    by = User.objects.get(pk=director_a.pk)
    accesslog.gezag_changes_record({}, {(pupil_a.pk, parent_a.pk): True}, by=by, via=Via.PAGE)
    [row] = GezagChange.objects.values_list("guardian_name", "by_name")
    assert row == ("Ouder A", "Directeur.A")
