"""A complaint must be seen: fetched from a feed, at a school nobody is assigned at, with or
without a director, in a source that fails afterwards, it reaches a person who sees it."""

import pytest
from django.core import mail
from django.urls import reverse

from monitoring import services
from monitoring.models import Flag, FollowUp
from monitoring.sources.base import FetchError
from monitoring.tests.helpers import make_source, my_cases_section
from outbox.tests.helpers import run_due_duties

pytestmark = pytest.mark.django_db


def _feed(school_name: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<link>https://buurt.example/</link><item><title>Klacht</title>"
        "<link>https://buurt.example/1</link><guid>https://buurt.example/1</guid>"
        f"<description>Op {school_name} is het een puinhoop, ik ben echt boos en "
        "teleurgesteld over de juf</description></item></channel></rss>"
    ).encode()


def _fetch_then_fail(feed_server, school_name: str, settings, capture) -> FollowUp:
    settings.MONITORING_FAILURE_NOTIFY_AFTER = 2
    feed_server.route("/feed.rss", body=_feed(school_name))
    source = make_source(url=feed_server.url("/feed.rss"))
    with capture(execute=True):
        services.source_poll(source_id=source.pk)
    feed_server.route("/feed.rss", status=503)
    for _ in range(2):
        with pytest.raises(FetchError), capture(execute=True):
            services.source_poll(source_id=source.pk)
    run_due_duties()
    return FollowUp.objects.get()


def test_at_a_school_without_director_the_board_gets_the_case_and_the_failure(
    feed_server, school_b, board, login, settings, django_capture_on_commit_callbacks
):
    case = _fetch_then_fail(
        feed_server, "Het Zwanenhof", settings, django_capture_on_commit_callbacks
    )
    assert case.is_open and case.assigned_to_id == board.pk
    subjects = [m.subject for m in mail.outbox if m.to == [board.email]]
    assert len(subjects) == 2  # the case given to them, the source failing
    client = login(board)
    home = client.get(reverse("home"), follow=True).content.decode()
    assert reverse("monitoring:case", args=[case.pk]) in my_cases_section(home)
    dashboard = client.get(reverse("monitoring:dashboard")).content.decode()
    assert reverse("monitoring:case", args=[case.pk]) in dashboard


def test_at_a_school_with_a_director_the_unassigned_case_is_on_their_home_and_dashboard(
    feed_server, school_a, director_a, board, login, settings, django_capture_on_commit_callbacks
):
    case = _fetch_then_fail(
        feed_server, "De Vlindertuin", settings, django_capture_on_commit_callbacks
    )
    assert case.is_open and case.assigned_to_id is None  # the director's to give
    client = login(director_a)
    home = client.get(reverse("home"), follow=True).content.decode()
    assert reverse("monitoring:case", args=[case.pk]) in home
    dashboard = client.get(reverse("monitoring:dashboard")).content.decode()
    assert reverse("monitoring:case", args=[case.pk]) in dashboard
    # the failing source to the board, the new case to the director (not only on the home)
    assert sorted(m.to[0] for m in mail.outbox) == [board.email, director_a.email]
    [told] = [m for m in mail.outbox if m.to == [director_a.email]]
    assert "Een nieuwe monitoringzaak van" in told.subject


# Complaints as parents write them, which named no school before (the 2026-12-05 audit)
KNOWN_COMPLAINTS = (
    "Zwanenhof, geen reactie op mijn mails",
    "ZWANENHOFF REAGEERT NOOIT",
    "Zwanehof reageert nooit op mails",
    # the known misses of the second pass (RULE_VERSION 2026.12.7)
    "Zwanehof is een puinhoop, mijn dochter komt elke dag huilend thuis",
    "Van het Zwanen-\nhof nog steeds geen rapport gehad",
    # the known misses of the third pass (RULE_VERSION 2026.12.8)
    "Zwanehof is slecht, ik ben er klaar mee",
    "Zwanenhof.\nnooit meer.\nslechtste keuze ooit voor ons kind",
)


def _feed_of(texts) -> bytes:
    items = "".join(
        f"<item><title>Bericht</title><link>https://buurt.example/{n}</link>"
        f"<guid>https://buurt.example/{n}</guid><description>{text}</description></item>"
        for n, text in enumerate(texts)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>https://buurt.example/</link>{items}</channel></rss>"
    ).encode()


def test_a_known_complaint_written_as_parents_write_it_reaches_the_schools_case(
    feed_server, school_a, school_b, django_capture_on_commit_callbacks
):
    feed_server.route("/feed.rss", body=_feed_of(KNOWN_COMPLAINTS))
    source = make_source(url=feed_server.url("/feed.rss"))  # a town's feed: no school of its own
    with django_capture_on_commit_callbacks(execute=True):
        services.source_poll(source_id=source.pk)
    flagged = Flag.objects.filter(school=school_b, category="negative_experience")
    # a feed item's text is its title, a line break, its description
    assert sorted(flag.post.text for flag in flagged) == sorted(
        f"Bericht\n{text}" for text in KNOWN_COMPLAINTS
    )
    cases = FollowUp.objects.filter(school=school_b)
    assert len(cases) == len(KNOWN_COMPLAINTS) and all(case.is_open for case in cases)
    assert not Flag.objects.filter(school=school_a).exists()


# Two of the foundation's names in lower case, one praised and one complained about (the
# known misses of RULE_VERSION 2026.12.7): the complaint opens a case at its own school only
PRAISE_AND_COMPLAINT = (
    "vlindertuin top zwanenhof slecht",
    "vlindertuin super geregeld met de kerstviering, zwanenhof weer eens niks laten weten 🙄",
)


def test_a_complaint_beside_praise_of_another_school_reaches_only_its_schools_case(
    feed_server, school_a, school_b, django_capture_on_commit_callbacks
):
    feed_server.route("/feed.rss", body=_feed_of(PRAISE_AND_COMPLAINT))
    source = make_source(url=feed_server.url("/feed.rss"))
    with django_capture_on_commit_callbacks(execute=True):
        services.source_poll(source_id=source.pk)
    complaints = Flag.objects.filter(school=school_b, category="negative_experience")
    assert complaints.count() == len(PRAISE_AND_COMPLAINT)
    assert set(Flag.objects.filter(school=school_a).values_list("category", flat=True)) == {
        "positive"
    }
    assert FollowUp.objects.filter(school=school_b).count() == len(PRAISE_AND_COMPLAINT)
    assert not FollowUp.objects.filter(school=school_a).exists()
