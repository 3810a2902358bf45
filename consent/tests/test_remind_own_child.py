"""A staff member sends no reminder about their own child: not to themselves, not to the
other parent of that child, with the school's authority. Since 2026-12-07 the pages leave
the reminder links out of their own child's line, as they leave out the paper form
(test_own_child_links), the reminder to one of that family is refused (nothing sent, no
ReminderSent row), and a reminder of a group or of the school skips that family and says
so. A colleague sends it. Every other family is reminded as before."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from conftest import make_pupil, make_user
from consent.models import ReminderSent
from outbox.models import Duty
from schools.models import Guardianship

REMIND_NOTE = "Herinneringen aan de ouders van uw eigen kind stuurt een collega"
PAPER_NOTE = "Uw eigen kind: een papieren of telefonisch besluit legt een collega vast"


def remind_link(school, parent) -> str:
    return escape(f"{reverse('consent:remind', args=[school.code])}?ouder={parent.pk}")


def remind_url(school) -> str:
    return reverse("consent:remind", args=[school.code])


@pytest.fixture
def director_parent_a(director_a, pupil_a, parent_a):
    """The cast's director of school A, also a gezag-holding parent of Sem (pupil_a), whose
    other parent is parent_a (Ouder A)."""
    Guardianship.objects.create(user=director_a, pupil=pupil_a, has_parental_authority=True)
    return director_a


def test_coverage_leaves_out_the_reminder_links_on_their_own_childs_line(
    login, director_parent_a, parent_a, parent_a2, school_a
):
    html = login(director_parent_a).get(reverse("consent:coverage", args=[school_a.code]))
    html = html.content.decode()
    assert remind_link(school_a, director_parent_a) not in html
    assert remind_link(school_a, parent_a) not in html
    assert "Directeur.A herinneren" not in html and "Ouder A herinneren" not in html
    assert remind_link(school_a, parent_a2) in html  # Roos' parent, as before
    assert html.count(REMIND_NOTE) == 1 and html.count(PAPER_NOTE) == 1


def test_coverage_keeps_the_reminder_links_for_a_director_who_is_nobodys_parent(
    login, director_a, parent_a, school_a
):
    html = login(director_a).get(reverse("consent:coverage", args=[school_a.code]))
    html = html.content.decode()
    assert remind_link(school_a, parent_a) in html and REMIND_NOTE not in html


def test_coverage_holds_back_the_link_to_the_other_parent_on_a_half_siblings_line(
    login, director_parent_a, parent_a, school_a, group_a2
):
    """Ouder A also has a child the director is no parent of: their one reminder a week
    would be about Sem too, so that line names them without a link."""
    half = make_pupil(school_a, group_a2, "1003", "Lars", "Bakker")
    Guardianship.objects.create(user=parent_a, pupil=half, has_parental_authority=True)
    html = login(director_parent_a).get(reverse("consent:coverage", args=[school_a.code]))
    html = html.content.decode()
    assert remind_link(school_a, parent_a) not in html
    assert "Ouder A: ook ouder van uw eigen kind — de herinnering stuurt een collega" in html
    assert escape(reverse("consent:record", args=[half.pk])) in html  # the paper form stays


def test_the_director_home_leaves_out_the_reminder_links_on_their_own_childs_line(
    login, director_parent_a, parent_a, parent_a2, school_a
):
    html = login(director_parent_a).get(reverse("accounts:home_director")).content.decode()
    assert remind_link(school_a, director_parent_a) not in html
    assert remind_link(school_a, parent_a) not in html
    assert remind_link(school_a, parent_a2) in html
    assert html.count(REMIND_NOTE) == 1


@pytest.mark.parametrize("who", ["parent_a", "director_parent_a"])
def test_a_reminder_to_their_own_childs_family_is_refused_and_nothing_is_sent(
    request,
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    director_parent_a,
    school_a,
    who,
):
    parent = request.getfixturevalue(who)
    client = login(director_parent_a)
    preview = client.get(remind_url(school_a) + f"?ouder={parent.pk}")
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "uw eigen kind" in html and 'name="ouder"' not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url(school_a), {"ouder": parent.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert "uw eigen kind" in html and "Er is niets verstuurd." in html
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()
    assert not Duty.objects.filter(handler="consent.duties.reminder_email_send").exists()


def test_the_other_parent_of_their_own_child_is_named_in_the_refusal(
    login, director_parent_a, parent_a, school_a
):
    response = login(director_parent_a).post(remind_url(school_a), {"ouder": parent_a.pk})
    assert "Ouder A is ouder van uw eigen kind" in response.content.decode()


def test_a_reminder_to_another_family_goes_as_before(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    director_parent_a,
    parent_a2,
    school_a,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(director_parent_a).post(remind_url(school_a), {"ouder": parent_a2.pk})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[parent_a2.email]]


@pytest.mark.parametrize("scope", ["school", "group"])
def test_reminding_the_school_or_a_group_skips_their_own_family_and_says_so(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    director_parent_a,
    parent_a,
    parent_a2,
    pupil_a,
    school_a,
    scope,
):
    second = make_user("tweede.ouder@example.org", full_name="Ouder Twee")
    Guardianship.objects.create(user=second, pupil=pupil_a, has_parental_authority=True)
    query = {"groep": pupil_a.group_id} if scope == "group" else {}
    client = login(director_parent_a)
    preview = client.get(remind_url(school_a), query).content.decode()
    family = "3 ouders krijgen er geen van u: ouders van uw eigen kind"
    assert family + " — die herinneringen stuurt een collega." in preview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url(school_a), query, follow=True)
    sent = {address for m in mail.outbox for address in m.to}
    assert sent == ({parent_a2.email} if scope == "school" else set())
    reminded = set(ReminderSent.objects.values_list("user_id", flat=True))
    assert reminded.isdisjoint({director_parent_a.pk, parent_a.pk, second.pk})
    if scope == "school":
        assert "3 ouders van uw eigen kind laat u aan een collega over." in (
            response.content.decode()
        )


def test_a_colleague_who_is_nobodys_parent_reminds_that_family(
    eager_tasks, django_capture_on_commit_callbacks, login, board, director_parent_a, school_a
):
    client = login(board)
    preview = client.get(remind_url(school_a)).content.decode()
    assert "van uw eigen kind" not in preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(remind_url(school_a), {"ouder": director_parent_a.pk})
    assert [m.to for m in mail.outbox] == [[director_parent_a.email]]


@pytest.mark.parametrize("families", [3, 30])
def test_the_reminder_preview_reads_the_family_in_a_fixed_number_of_queries(
    login, director_parent_a, school_a, group_a1, families, django_assert_num_queries
):
    for number in range(families):
        pupil = make_pupil(school_a, group_a1, f"R{number}", f"Kind{number}", "Test")
        user = make_user(f"r{number}@example.org")
        Guardianship.objects.create(user=user, pupil=pupil, has_parental_authority=True)
    client = login(director_parent_a)
    url = remind_url(school_a)
    client.get(url)
    # the 9 of a director who is nobody's parent (below) and one more: their own children
    # with those children's gezag-holders, in one read (schools.access.own_family_ids;
    # two reads until 2026-12-07). The count does not grow with the families.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert "2 ouders krijgen er geen van u: ouders van uw eigen kind" in response.content.decode()


def test_the_reminder_preview_reads_no_family_for_a_director_who_is_nobodys_parent(
    login, director_a, parent_a, school_a, django_assert_num_queries
):
    client = login(director_a)
    url = remind_url(school_a)
    client.get(url)
    # the user (whether they are a parent comes with them), memberships, the school,
    # reminder_plan's 5 (test_reminders.py) and the page frame's one; no family is read
    with django_assert_num_queries(9):
        client.get(url)


def test_the_record_page_of_their_own_child_is_headed_as_such(login, director_parent_a, pupil_a):
    html = login(director_parent_a).get(reverse("consent:record", args=[pupil_a.pk]))
    html = html.content.decode()
    assert "<h1>Sem Bakker: uw eigen kind</h1>" in html
    assert "Papieren formulier vastleggen voor" not in html
