""" "Wat vraagt aandacht" and the family of the reader's own child. Since 2026-12-07 the
director's and the board's home hold back the reminder link to a parent of the reader's
own child on any line, also where that child is not listed (at another school, or with
every question answered), as the reminder view refuses it; and the own child's line says
when its parents were last reminded or that they stopped reminders, read-only (until
2026-12-07 that line said only who sends them)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.tests.test_attention import fill_school
from conftest import make_pupil, make_user
from consent.models import ReminderOptOut, ReminderSent
from consent.rules import purpose_infos
from consent.tests.helpers import decide
from schools.models import Guardianship


def remind_link(school, parent) -> str:
    """The link's href with its closing quote (?ouder=2 is no part of ?ouder=23)."""
    url = f"{reverse('consent:remind', args=[school.code])}?ouder={parent.pk}"
    return f'href="{escape(url)}"'


def parent_of(user, pupil):
    Guardianship.objects.create(user=user, pupil=pupil, has_parental_authority=True)
    return user


def line_of(html: str, name: str) -> str:
    start = html.index(f"<strong>{name}</strong>")
    return html[start : html.index("</li>", start)]


def answer_everything(pupil, guardian):
    for info in purpose_infos():
        for media in ("photo", "video", "audio"):
            decide(pupil, guardian, info.purpose.code, media, True)


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


@pytest.fixture
def lars(school_a, group_a2, parent_b):
    """Lars, at school A: a child of Ouder B (Bram's parent at school B), not the
    director's."""
    pupil = make_pupil(school_a, group_a2, "1003", "Lars", "Visser")
    parent_of(parent_b, pupil)
    return pupil


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("nl", "Ouder B: ook ouder van uw eigen kind — de herinnering stuurt een collega"),
        ("en", "Ouder B: also a parent of your own child — a colleague sends the reminder"),
    ],
)
def test_the_director_home_holds_back_the_link_to_the_other_parent_of_a_child_elsewhere(
    login, director_a, pupil_b, parent_b, lars, parent_a, school_a, language, note
):
    parent_of(director_a, pupil_b)  # their own child is at school B, which they do not direct
    client = login(director_a)
    if language == "en":
        english(client)
    html = client.get(reverse("accounts:home_director")).content.decode()
    line = line_of(html, "Lars Visser")
    assert remind_link(school_a, parent_b) not in html
    assert note in line
    assert remind_link(school_a, parent_a) in html  # Sem's parent, as before


def test_the_director_home_holds_it_back_where_their_own_child_answered_everything(
    login, director_a, pupil_a, parent_a, pupil_a2, school_a
):
    """Sem has no open question, so no line; Ouder A's child Roos has."""
    parent_of(director_a, pupil_a)
    parent_of(parent_a, pupil_a2)
    for guardian in (parent_a, director_a):
        answer_everything(pupil_a, guardian)
    html = login(director_a).get(reverse("accounts:home_director")).content.decode()
    assert "<strong>Sem Bakker</strong>" not in html
    assert remind_link(school_a, parent_a) not in html
    assert "Ouder A: ook ouder van uw eigen kind" in line_of(html, "Roos Vries")


def test_the_board_home_holds_it_back_on_a_school_without_director(
    login, board, director_a, pupil_a, parent_a, pupil_b, school_b
):
    """Sem (school A, which has a director) is the board member's own child; Ouder A is
    also a parent of Bram at school B, which has none: the board sees it in full."""
    parent_of(board, pupil_a)
    parent_of(parent_a, pupil_b)
    html = login(board).get(reverse("accounts:home_board")).content.decode()
    assert "<strong>Bram Visser</strong>" in html
    assert remind_link(school_b, parent_a) not in html
    assert "Ouder A: ook ouder van uw eigen kind" in line_of(html, "Bram Visser")


@pytest.mark.parametrize(
    ("language", "reminded", "stopped", "colleague"),
    [
        (
            "nl",
            "Ouder A herinnerd op",
            "Ouder Twee: wil geen herinneringen (zelf gestopt)",
            "Herinneringen aan de ouders van uw eigen kind stuurt een collega",
        ),
        (
            "en",
            "Ouder A reminded on",
            "Ouder Twee: does not want reminders (stopped them themselves)",
            "A colleague sends the reminders to the parents of your own child",
        ),
    ],
)
def test_the_own_childs_line_says_when_its_parents_were_reminded(
    login, director_a, pupil_a, parent_a, school_a, language, reminded, stopped, colleague
):
    parent_of(director_a, pupil_a)
    now = timezone.now()
    ReminderSent.objects.create(user=parent_a, week="2026-W01", sent_at=now, delivered_at=now)
    second = parent_of(make_user("tweede.ouder@example.org", full_name="Ouder Twee"), pupil_a)
    ReminderOptOut.objects.create(user=second)
    client = login(director_a)
    if language == "en":
        english(client)
    line = line_of(client.get(reverse("accounts:home_director")).content.decode(), "Sem Bakker")
    assert reminded in line and stopped in line and colleague in line
    assert "?ouder=" not in line
    # contacting them is the colleague's too: no "neem contact op via papier"
    assert "contact op" not in line and "contact them" not in line


@pytest.mark.parametrize("pupils", [8, 40])
def test_the_director_home_reads_the_family_elsewhere_with_the_own_children(
    login, director_a, school_a, pupil_b, parent_b, lars, pupils, django_assert_num_queries
):
    fill_school(school_a, pupils)
    parent_of(director_a, pupil_b)
    client = login(director_a)
    url = reverse("accounts:home_director")
    client.get(url)
    # test_attention.py's 17 for a director who is nobody's parent, and one more for a
    # parent: their own children with those children's gezag-holders at any school
    # (schools.access.own_child_ids and own_family_ids, one read).
    with django_assert_num_queries(18):
        response = client.get(url)
    assert remind_link(school_a, parent_b) not in response.content.decode()


@pytest.mark.parametrize("parent", [False, True])
def test_the_board_home_reads_the_family_in_one_query_for_a_parent(
    login,
    board,
    director_a,
    pupil_a,
    parent_a,
    pupil_b,
    school_b,
    parent,
    django_assert_num_queries,
):
    if parent:
        parent_of(board, pupil_a)
        parent_of(parent_a, pupil_b)
    fill_school(school_b, 8)
    client = login(board)
    url = reverse("accounts:home_board")
    client.get(url)
    # one more for a board member who is a parent: their own children with those
    # children's gezag-holders, in one read; none for one who is nobody's parent
    with django_assert_num_queries(BOARD_HOME + parent):
        client.get(url)


BOARD_HOME = 21  # a live-counted foundation with a school without director (test_board_home.py)


@pytest.mark.parametrize(
    ("why", "note"),
    [
        ("stopped", "Ouder B: wil geen herinneringen (zelf gestopt) — ook ouder van uw eigen"
         " kind; een collega neemt contact op"),
        ("deactivated", "Ouder B: account uitgeschakeld — ook ouder van uw eigen kind; een"
         " collega neemt contact op"),
    ],
)  # fmt: skip
def test_the_director_home_leaves_contacting_the_family_to_a_colleague(
    login, director_a, pupil_b, parent_b, lars, school_a, why, note
):
    """Where no reminder reaches the other parent of the director's own child, Lars' line
    said "neem contact op via papier" (until 2026-12-07)."""
    parent_of(director_a, pupil_b)
    if why == "stopped":
        ReminderOptOut.objects.create(user=parent_b)
    else:
        type(parent_b).objects.filter(pk=parent_b.pk).update(is_active=False)
    html = login(director_a).get(reverse("accounts:home_director")).content.decode()
    line = line_of(html, "Lars Visser")
    assert note in line
    assert "via papier" not in line
    assert remind_link(school_a, parent_b) not in line
