"""The public page /monitoring/privacy/ tells parents how long posts are kept as
posts_apply_retention keeps them, with the configured numbers."""

import datetime

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import Post
from monitoring.tests.helpers import make_flag, make_post, make_source

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 10, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def retention(settings):
    settings.MONITORING_UNFLAGGED_RETENTION_DAYS = 30
    settings.MONITORING_FLAGGED_RETENTION_DAYS = 120


def _page(client) -> str:
    return " ".join(client.get(reverse("monitoring:privacy")).content.decode().split())


def test_it_keeps_a_positive_mention_longer_than_posts_without_a_flag(retention, school_a):
    """What the page has to say: a positive mention needs no attention, and yet it is kept
    as long as a flagged post, counted from its flag."""
    post = make_post(make_source(), fetched_at=NOW - datetime.timedelta(days=31))
    make_flag(post, school_a, "positive", created_at=NOW - datetime.timedelta(days=31))
    services.posts_apply_retention(now=NOW)
    assert Post.objects.filter(pk=post.pk).exists()


def test_it_does_not_promise_30_days_for_every_post_that_needs_no_attention(client, retention):
    page = _page(client)
    assert "Berichten die geen aandacht vragen worden na 30 dagen verwijderd" not in page
    assert "Berichten waarin het portaal niets signaleerde, worden na 30 dagen verwijderd." in page


def test_it_says_how_long_posts_with_and_without_a_case_are_kept(client, retention):
    page = _page(client)
    assert (
        "Berichten waarover een zaak werd geopend, worden 120 dagen na het afsluiten van de "
        "zaak verwijderd, nooit zolang de zaak open is." in page
    )
    assert (
        "Andere gesignaleerde berichten, zoals een positieve vermelding, worden 120 dagen "
        "na het laatste signaal verwijderd." in page
    )


def test_it_says_what_of_a_case_is_erased_and_when(client, retention):
    """posts_apply_retention empties FollowUp.notes, no_action_reasons and
    earlier_conversations 120 days after the case closed; the page named the notes and the
    reason only, "at the same time" as an unnamed one of the posts above. The first
    conversation's day stays (FollowUp.first_held_on), the month the reports count the case
    in; until 2026-12-07 it went with the earlier conversations and a past month's figures
    changed."""
    page = _page(client)
    assert (
        "120 dagen na het afsluiten van een zaak wordt gewist wat medewerkers erover "
        "vastlegden: hun notities, de reden waarom de zaak geen actie nodig had en de data "
        "van de gesprekken vóór het laatste gesprek. De zaak zelf blijft bewaard, met de "
        "data van het laatste gesprek en alleen de datum van het eerste gesprek, zodat de "
        "rapportages hun aantallen houden: die tellen een zaak in de maand van het eerste "
        "gesprek, met het aantal dagen van het signaal tot dat gesprek." in page
    )
    assert "op hetzelfde moment gewist" not in page


def test_it_says_so_in_english_too(client, retention):
    page = " ".join(
        client.get(reverse("monitoring:privacy"), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
        .split()
    )
    assert (
        "120 days after a case was closed, what staff recorded about it is erased: their "
        "notes, the reason given when the case needed no action, and the dates of the "
        "conversations before the last one. The case itself stays, with the dates of its "
        "last conversation and only the date of its first one, so that the reports keep "
        "their numbers: they count a case in the month of its first conversation, with the "
        "days from the flag to it." in page
    )
