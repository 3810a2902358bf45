"""The family of a staff member's own child is theirs to leave to a colleague on every
page, not only on that child's own line (test_remind_own_child). Since 2026-12-07 the
coverage page of a school where the own child is not listed (the child is at another
school) holds back the reminder link to that child's other parent on a half-sibling's
line, as the reminder view refuses it; the own child's line keeps its parents' reminder
status, read-only; and the refused pages say what they are in their heading and title."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from conftest import make_pupil, make_user
from consent.models import ReminderOptOut, ReminderSent
from schools.models import Guardianship

NOTE_NL = "Ouder B: ook ouder van uw eigen kind — de herinnering stuurt een collega"
NOTE_EN = "Ouder B: also a parent of your own child — a colleague sends the reminder"


def remind_link(school, parent) -> str:
    """The link's href with its closing quote (?ouder=2 is no part of ?ouder=23)."""
    url = f"{reverse('consent:remind', args=[school.code])}?ouder={parent.pk}"
    return f'href="{escape(url)}"'


def coverage_url(school) -> str:
    return reverse("consent:coverage", args=[school.code])


def english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


@pytest.fixture
def director_parent_b(director_a, pupil_b, parent_b):
    """Directs school A; a gezag-holding parent of Bram (pupil_b) at school B, whose other
    parent is Ouder B."""
    Guardianship.objects.create(user=director_a, pupil=pupil_b, has_parental_authority=True)
    return director_a


@pytest.fixture
def half_sibling(school_a, group_a2, parent_b):
    """Lars, at school A: a child of Ouder B, not of the director."""
    lars = make_pupil(school_a, group_a2, "1003", "Lars", "Visser")
    Guardianship.objects.create(user=parent_b, pupil=lars, has_parental_authority=True)
    return lars


@pytest.fixture
def director_parent_a(director_a, pupil_a, parent_a):
    """Directs school A; a gezag-holding parent of Sem (pupil_a) there, with Ouder A."""
    Guardianship.objects.create(user=director_a, pupil=pupil_a, has_parental_authority=True)
    return director_a


@pytest.mark.parametrize("language", ["nl", "en"])
def test_coverage_of_another_school_holds_back_the_link_to_the_other_parent(
    login, director_parent_b, parent_a, parent_b, half_sibling, school_a, language
):
    client = login(director_parent_b)
    if language == "en":
        english(client)
    html = client.get(coverage_url(school_a)).content.decode()
    assert "Lars Visser" in html
    assert remind_link(school_a, parent_b) not in html
    assert (NOTE_EN if language == "en" else NOTE_NL) in html
    assert remind_link(school_a, parent_a) in html  # Sem's parent, as before
    assert escape(reverse("consent:record", args=[half_sibling.pk])) in html


def test_the_link_held_back_is_the_one_the_reminder_view_refuses(
    login, director_parent_b, parent_b, half_sibling, school_a
):
    client = login(director_parent_b)
    response = client.get(reverse("consent:remind", args=[school_a.code]), {"ouder": parent_b.pk})
    assert 'name="ouder"' not in response.content.decode()  # refused: no form


def test_a_colleague_who_is_nobodys_parent_keeps_that_link(
    login, director_b, parent_b, pupil_b, half_sibling, school_a, school_b, board
):
    html = login(board).get(coverage_url(school_a)).content.decode()
    assert remind_link(school_a, parent_b) in html and NOTE_NL not in html


@pytest.mark.parametrize("pupils", [3, 30])
def test_coverage_reads_the_family_elsewhere_with_the_own_children(
    login, director_parent_b, half_sibling, school_a, group_a1, pupils, django_assert_num_queries
):
    for number in range(pupils):
        make_pupil(school_a, group_a1, f"Q{number}", f"Kind{number}", "Test")
    client = login(director_parent_b)
    url = coverage_url(school_a)
    client.get(url)
    # test_query_counts.py's 11 for a director who is nobody's parent, and one more for
    # a parent: their own children with those children's gezag-holders, at any school
    # (schools.access.own_child_ids and own_family_ids, one read). No more for the
    # family at another school, whatever the number of pupils.
    with django_assert_num_queries(12):
        response = client.get(url)
    assert NOTE_NL in response.content.decode()


def own_line(html: str, name: str) -> str:
    start = html.index(f"<strong>{name}</strong>")
    return html[start : html.index("</li>", start)]


def test_coverage_keeps_the_reminder_status_on_their_own_childs_line(
    login, director_parent_a, parent_a, pupil_a, school_a
):
    now = timezone.now()
    ReminderSent.objects.create(user=parent_a, week="2026-W01", sent_at=now, delivered_at=now)
    second = make_user("tweede.ouder@example.org", full_name="Ouder Twee")
    Guardianship.objects.create(user=second, pupil=pupil_a, has_parental_authority=True)
    ReminderOptOut.objects.create(user=second)
    line = own_line(
        login(director_parent_a).get(coverage_url(school_a)).content.decode(), "Sem Bakker"
    )
    assert "Ouder A herinnerd op" in line
    assert "Ouder Twee: wil geen herinneringen (zelf gestopt)" in line
    assert "neem contact op via papier" not in line  # a colleague does
    assert "?ouder=" not in line
    assert "Herinneringen aan de ouders van uw eigen kind stuurt een collega" in line


@pytest.mark.parametrize(
    ("who", "language", "heading"),
    [
        ("parent_a", "nl", "Ouder A: ouder van uw eigen kind"),
        ("parent_a", "en", "Ouder A: a parent of your own child"),
        ("director_parent_a", "nl", "Een herinnering aan uzelf"),
        ("director_parent_a", "en", "A reminder to yourself"),
    ],
)
def test_the_refused_reminder_page_is_headed_as_what_it_is(
    request, login, director_parent_a, school_a, who, language, heading
):
    parent = request.getfixturevalue(who)
    client = login(director_parent_a)
    if language == "en":
        english(client)
    url = reverse("consent:remind", args=[school_a.code])
    for response in (
        client.get(url, {"ouder": parent.pk}),
        client.post(url, {"ouder": parent.pk}),
    ):
        html = response.content.decode()
        assert f"<h1>{heading}</h1>" in html
        assert f"<title>{heading} · OPO Portal</title>" in html
        assert "Herinneringen versturen" not in html and "Send reminders" not in html


def test_a_reminder_preview_keeps_its_heading(login, director_parent_a, parent_a2, school_a):
    url = reverse("consent:remind", args=[school_a.code])
    html = login(director_parent_a).get(url, {"ouder": parent_a2.pk}).content.decode()
    assert "<h1>Herinneringen versturen</h1>" in html


@pytest.mark.parametrize(
    ("language", "heading"),
    [("nl", "Sem Bakker: uw eigen kind"), ("en", "Sem Bakker: your own child")],
)
def test_the_refused_record_page_has_the_title_of_its_heading(
    login, director_parent_a, pupil_a, language, heading
):
    client = login(director_parent_a)
    if language == "en":
        english(client)
    html = client.get(reverse("consent:record", args=[pupil_a.pk])).content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert f"<title>{heading} · OPO Portal</title>" in html


def test_the_record_page_of_another_child_keeps_its_title(login, director_parent_a, pupil_a2):
    html = login(director_parent_a).get(reverse("consent:record", args=[pupil_a2.pk]))
    assert "<title>Besluit vastleggen · OPO Portal</title>" in html.content.decode()


@pytest.mark.parametrize(
    ("why", "language", "note"),
    [
        ("stopped", "nl", "Ouder B: wil geen herinneringen (zelf gestopt) — ook ouder van uw"
         " eigen kind; een collega neemt contact op"),
        ("stopped", "en", "Ouder B: does not want reminders (stopped them themselves) — also a"
         " parent of your own child; a colleague contacts them"),
        ("deactivated", "nl", "Ouder B: account uitgeschakeld — ook ouder van uw eigen kind;"
         " een collega neemt contact op"),
        ("deactivated", "en", "Ouder B: account deactivated — also a parent of your own child;"
         " a colleague contacts them"),
    ],
)  # fmt: skip
def test_coverage_leaves_contacting_the_family_to_a_colleague_where_no_reminder_reaches_them(
    login, director_parent_b, parent_b, half_sibling, school_a, why, language, note
):
    """Ouder B stopped reminders or has a deactivated account: on Lars' line the page said
    "neem contact op via papier" to the director, about the other parent of their own
    child, whom the reminders of the other lines leave to a colleague (until
    2026-12-07)."""
    if why == "stopped":
        ReminderOptOut.objects.create(user=parent_b)
    else:
        type(parent_b).objects.filter(pk=parent_b.pk).update(is_active=False)
    client = login(director_parent_b)
    if language == "en":
        english(client)
    line = own_line(client.get(coverage_url(school_a)).content.decode(), "Lars Visser")
    assert note in line
    assert "via papier" not in line and "on paper" not in line
    assert remind_link(school_a, parent_b) not in line
    assert escape(reverse("consent:record", args=[half_sibling.pk])) in line  # Lars' form
