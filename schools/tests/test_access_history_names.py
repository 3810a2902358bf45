"""The access history copies names as they were (schools.accesslog): each copy is written
without Unicode's direction controls (opo_portal.text), whatever its source holds. A name
typed now has none, but a group kept one where its name without them was another group's
(migration 0014), and a name may come from a path no form cleaned; U+202E in a copy would
make its line on "Rollen van medewerkers" or in a pupil's file read as another."""

import re

import pytest
from django.urls import reverse

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


def _cells(html: str, email: str) -> list[list[str]]:
    """The cells of each row naming `email`, their text with spaces as one."""
    rows = [r for r in html.split("<tr>") if email in r]
    assert rows
    return [[" ".join(c.split()) for c in re.findall(r"<td>(.*?)</td>", r, re.S)] for r in rows]


# A name of controls only copied before the forms dropped them: migration 0015 left it
# empty, or of spaces where the controls stood among them (it keeps every other
# character); a "by" account deleted since has no address to put in its place.
EMPTY_NAMES = ["", "  "]


@pytest.mark.parametrize("name", EMPTY_NAMES)
def test_the_roles_page_shows_the_address_for_a_name_left_empty(
    login, privacy_officer, teacher_a, director_a, name
):
    membership = StaffMembership.objects.select_related("user", "school").get(user=teacher_a)
    accesslog.membership_ended(membership, by=director_a, via=Via.PAGE)
    MembershipChange.objects.update(person_name=name, by_name=name, by=None)
    html = login(privacy_officer).get(reverse("schools:access_changes")).content.decode()
    for cells in _cells(html, teacher_a.email):  # the role's end and its group's
        assert cells[2] == teacher_a.email  # no "· address" after a name of nothing
        assert cells[5] == "Op de pagina van het portaal"  # how, as for no one named


@pytest.mark.parametrize("name", EMPTY_NAMES)
def test_the_pupil_s_gezag_history_shows_the_address_for_a_name_left_empty(
    login, privacy_officer, parent_a, pupil_a, director_a, name
):
    changes = ({(pupil_a.pk, parent_a.pk): True}, {(pupil_a.pk, parent_a.pk): False})
    accesslog.gezag_changes_record(*changes, by=director_a, via=Via.ADMIN)
    GezagChange.objects.update(guardian_name=name, by_name=name, by=None)
    url = reverse("consent:dossier_gezag", args=[pupil_a.pk])
    html = login(privacy_officer).get(url).content.decode()
    [cells] = _cells(html, parent_a.email)
    assert cells[1] == parent_a.email
    assert cells[3] == "In de beheeromgeving (admin)"


# An address stored with a direction control before the forms refused one
# (opo_portal.fields): Django's validator took them in the domain.
CONTROLLED_ADDRESS = "juf.a@exa\u202emple\u2069.org"


def test_a_membership_change_copies_the_addresses_without_direction_controls(teacher_a, director_a):
    User = type(teacher_a)
    controlled(User, teacher_a.pk, "email", CONTROLLED_ADDRESS)
    controlled(User, director_a.pk, "email", "\u202adirecteur.a@example.org\u202c")
    controlled(User, director_a.pk, "full_name", "")  # named by the address
    membership = StaffMembership.objects.select_related("user", "school").get(user=teacher_a)
    by = User.objects.get(pk=director_a.pk)
    accesslog.membership_ended(membership, by=by, via=Via.PAGE)
    rows = MembershipChange.objects.values_list("person_email", "by_name")
    assert set(rows) == {("juf.a@example.org", "directeur.a@example.org")}


def test_a_gezag_change_copies_the_addresses_without_direction_controls(
    parent_a, pupil_a, director_a
):
    User = type(parent_a)
    controlled(User, parent_a.pk, "email", "ouder.a@example\u2066.org")
    controlled(User, director_a.pk, "email", "directeur.a@exa\u202emple.org")
    controlled(User, director_a.pk, "full_name", "\u202e")  # named by the address
    by = User.objects.get(pk=director_a.pk)
    accesslog.gezag_changes_record({}, {(pupil_a.pk, parent_a.pk): True}, by=by, via=Via.PAGE)
    [row] = GezagChange.objects.values_list("guardian_email", "by_name")
    assert row == ("ouder.a@example.org", "directeur.a@example.org")
