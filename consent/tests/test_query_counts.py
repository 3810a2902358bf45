"""Query counts of the parent's child page and the director's coverage (issue 17).

A count above 8 has its reason written at the count. None grows with the data.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_pupil, make_staff, make_user
from consent.models import ConsentEvent, MediaType, ReminderOptOut, ReminderSent
from consent.rules import purpose_infos
from consent.tests.helpers import decide
from schools.models import Guardianship, StaffMembership

Role = StaffMembership.Role


@pytest.mark.parametrize("decisions", [1, 12])
def test_it_shows_the_child_page_in_a_fixed_number_of_queries(
    login, parent_a, pupil_a, decisions, django_assert_num_queries
):
    for number in range(decisions):
        decide(pupil_a, parent_a, "website", "photo", number % 2 == 0)
    client = login(parent_a)
    url = reverse("consent:child", args=[pupil_a.pk])
    client.get(url)
    # (session from the cache) 1 user (with "any guardianship?" for the menu),
    # 2 memberships (menu, MFA check), 3 the child's guardianships with the child, school
    # and group (reach, gezag, the rules' holders), 4 purposes with versions, 5 the child's
    # events (history, and the rules' decisions: read once), 6 the open review round with
    # whether this parent confirmed it for this child.
    # The count does not grow with the decisions shown.
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("decisions", [1, 12])
def test_it_says_whose_gezag_ended_on_the_child_page_in_the_same_queries(
    login, parent_a, code_parent, pupil_a, decisions, django_assert_num_queries
):
    """The other parent's answers, their gezag ended since: the history says each no
    longer counts from the gezag-holders the page reads with the child (query 3 above),
    none per row."""
    for number in range(decisions):
        decide(pupil_a, code_parent, "website", "photo", number % 2 == 0)
    Guardianship.objects.filter(user=code_parent).update(has_parental_authority=False)
    client = login(parent_a)
    url = reverse("consent:child", args=[pupil_a.pk])
    client.get(url)
    with django_assert_num_queries(6):  # as the page above
        response = client.get(url)
    page = response.content.decode()
    assert page.count("telt niet meer: de andere ouder heeft geen gezag meer") == decisions


def _saved_child_page(login, parent, pupil, answer: str):
    """Every cell of the child saved by the parent as `answer` ("yes" or "no"); then the
    parent's client after a visit of the child page, its URL and the events so far."""
    for info in purpose_infos():
        for media in MediaType.values:
            decide(pupil, parent, info.purpose.code, media, answer == "yes")
    client = login(parent)
    url = reverse("consent:child", args=[pupil.pk])
    client.get(url)
    return client, url, ConsentEvent.objects.count()


def _child_page_answers(answer: str, changed: int) -> dict:
    """The child page's form: every cell answered `answer`, but the first `changed` cells
    answered the other way."""
    other = "no" if answer == "yes" else "yes"
    infos = purpose_infos()
    data = {f"v-{info.purpose.pk}": info.current_version.pk for info in infos}
    cells = [(info.purpose.pk, media) for info in infos for media in MediaType.values]
    for number, (purpose_id, media) in enumerate(cells):
        data[f"c-{purpose_id}-{media}"] = other if number < changed else answer
    return data


@pytest.mark.parametrize("changes", [0, 1, 18])
def test_it_saves_the_child_page_in_a_fixed_number_of_queries(
    login, parent_a, pupil_a, changes, django_assert_num_queries
):
    """Grants: every cell was "no", `changes` of them become "yes"."""
    client, url, before = _saved_child_page(login, parent_a, pupil_a, "no")
    data = _child_page_answers("no", changes)
    # (session from the cache) 1 user, 2 memberships, 3 the child's guardianships (reach,
    # gezag), 4 purposes with versions, 5 savepoint of the save's transaction, 6 the
    # child's row lock, 7 gezag-holders and 8 events under the lock, then one INSERT for
    # every changed answer together, then one UPDATE of the pupil's takedowns taken
    # offline on the cells the save allows again (consent.services.takedowns_consent_back;
    # only on a save that allows something again), 9 savepoint released. Above 8: the two
    # transaction statements and the UPDATE; the decisions and gezag are read once, under
    # the lock (the page's own read of them is not done for a valid POST). 1 or 18
    # changed answers: the same count.
    with django_assert_num_queries(9 + 2 * (changes > 0)):
        response = client.post(url, data)
    assert response.status_code == 302
    assert ConsentEvent.objects.count() == before + changes


@pytest.mark.parametrize("changes", [1, 18])
def test_a_yes_that_allows_nothing_again_saves_without_the_takedowns_update(
    login, parent_a, code_parent, pupil_a, changes, django_assert_num_queries
):
    """The other parent allowed every cell already; this parent's first "yes" changes no
    state, so no takedown can have come back: the grants' count without the UPDATE."""
    for info in purpose_infos():
        for media in MediaType.values:
            decide(pupil_a, code_parent, info.purpose.code, media, True)
    client = login(parent_a)
    url = reverse("consent:child", args=[pupil_a.pk])
    client.get(url)
    data = _child_page_answers("yes", 0)
    cells = [key for key in data if key.startswith("c-")]
    for key in cells[changes:]:
        del data[key]  # left unanswered
    before = ConsentEvent.objects.count()
    with django_assert_num_queries(10):
        response = client.post(url, data)
    assert response.status_code == 302
    assert ConsentEvent.objects.count() == before + changes


@pytest.mark.parametrize("changes", [1, 18])
def test_it_saves_withdrawals_on_the_child_page_in_a_fixed_number_of_queries(
    login, parent_a, pupil_a, changes, django_assert_num_queries
):
    """Withdrawals: every cell was "yes", `changes` of them become "no"."""
    client, url, before = _saved_child_page(login, parent_a, pupil_a, "yes")
    data = _child_page_answers("yes", changes)
    # The grants' 10 (above) and one lookup of the checks in which the child appears on
    # any withdrawn cell, for all of them together (consent.services.takedowns_create_for;
    # no check here, so no task). 1 or 18 withdrawals: the same count.
    with django_assert_num_queries(11):
        response = client.post(url, data)
    assert response.status_code == 302
    assert ConsentEvent.objects.filter(granted=False).count() == changes
    assert ConsentEvent.objects.count() == before + changes


@pytest.mark.parametrize("pupils", [3, 30])
def test_it_shows_coverage_in_a_fixed_number_of_queries(
    login, director_a, school_a, group_a1, pupil_a, parent_a, pupils, django_assert_num_queries
):
    for number in range(pupils):
        make_pupil(school_a, group_a1, f"Q{number}", f"Kind{number}", "Test")
    ReminderOptOut.objects.create(user=parent_a)  # read with the gezag-holders (6 below)
    second = make_user("tweede.ouder@example.org", full_name="Ouder Twee")
    Guardianship.objects.create(user=second, pupil=pupil_a, has_parental_authority=True)
    now = timezone.now()  # its latest reminder of the last 7 days: read with them too
    ReminderSent.objects.create(user=second, week="2026-W01", sent_at=now, failed_at=now)
    client = login(director_a)
    url = reverse("consent:coverage", args=[school_a.code])
    client.get(url)
    # (session from the cache, TOTP remembered) 1 user (with "any guardianship?" for the
    # menu), 2 memberships, 3 school in reach, 4 pupils, 5 purposes with versions,
    # 6 gezag-holders with their names, whether they stopped reminders and their latest
    # reminder of the last 7 days (for the rules and the reminder links alike), 7 events,
    # 8 reminders to those gezag-holders (chart),
    # 9 review round with its confirmation count,
    # 10 whether this school year's groups exist (else the groups are last year's),
    # 11 protocol banner with the menu's open takedowns (accounts.page_scalars). The
    # table, the names and the chart share one read of the rules' inputs
    # (consent.reports.coverage_inputs). Above 8: the page's own reads are 3–10 (each a
    # different table) and every page pays the banner with the menu; 1–2, the login, come
    # from the cache in production (accounts.user_cache; bench/ counts 9 a request). The
    # count does not grow with the pupils.
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    assert "Ouder A: wil geen herinneringen (zelf gestopt)" in response.content.decode()
    assert "Ouder Twee: de herinnering van" in response.content.decode()


@pytest.mark.parametrize("pupils", [3, 30])
def test_it_shows_the_check_before_posting_in_a_fixed_number_of_queries(
    login, teacher_a, school_a, group_a1, pupils, django_assert_num_queries
):
    for number in range(pupils):
        make_pupil(school_a, group_a1, f"C{number}", f"Kind{number}", "Test")
    client = login(teacher_a)
    url = reverse("consent:check_new") + f"?group={group_a1.pk}"
    client.get(url)
    # (session from the cache, TOTP remembered) 1 user (with "any guardianship?" for the
    # menu), 2 memberships, 3 reachable groups with their schools, 4 the chosen group's
    # pupils, 5 protocol banner with the menu's open takedowns, 6 the channels (one plain
    # SELECT, no server-side cursor). The count does not grow with the pupils.
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.content.decode().count('name="pupils"') == pupils


@pytest.mark.parametrize("pupils", [3, 30])
def test_it_shows_all_groups_a_teacher_teaches_in_as_many_queries_as_one(
    login, school_a, group_a1, group_a2, pupils, django_assert_num_queries
):
    for number in range(pupils):
        group = (group_a1, group_a2)[number % 2]
        make_pupil(school_a, group, f"C{number}", f"Kind{number}", "Test")
    teacher = make_staff("juf.twee@example.org", Role.TEACHER, school_a, [group_a1, group_a2])
    client = login(teacher)
    url = reverse("consent:check_new") + "?group=taught"
    client.get(url)
    # As one group's: 1 user, 2 memberships, 3 reachable groups with their schools,
    # 4 the taught groups' current pupils with their groups (one read, instead of the
    # chosen group's), 5 protocol banner with the menu's open takedowns, 6 the channels.
    # The count does not grow with the pupils or the groups.
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.content.decode().count('name="pupils"') == pupils
