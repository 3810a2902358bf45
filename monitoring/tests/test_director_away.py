"""A complaint must be seen also when the school's director is away: when no director of
the school has logged in for MONITORING_DIRECTOR_AWAY_DAYS (14), the urgent notice and the
new-case notice go to the board as well, saying why. A director who is back before the
e-mail goes keeps it to themselves."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff
from monitoring import services
from monitoring.models import FollowUp
from monitoring.sources.base import FetchedPost, FetchResult
from monitoring.tests.helpers import make_source
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role

COMPLAINT = "Op De Vlindertuin is het een puinhoop, ik ben echt boos en teleurgesteld over de juf"
URGENT = "Mijn zoon wordt elke dag gepest op De Vlindertuin en de juf doet niets, ik ben boos"
AWAY = "geen directeur van OBS De Vlindertuin is de afgelopen 14 dagen in het portaal geweest"


def ingest(school, text: str, external_id: str) -> None:
    """A fetched post (nobody's action), stored and classified as a source run does."""
    item = FetchedPost(
        external_id=external_id, url=f"https://buurt.example/{external_id}", text=text
    )
    source = make_source(url=f"https://feeds.example/{external_id}.rss", school=school)
    services.source_ingest(source=source, result=FetchResult(posts=[item]))


def last_seen(user, days: int) -> None:
    user.last_login = timezone.now() - datetime.timedelta(days=days)
    user.save(update_fields=["last_login"])


def sent_to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to]


def assert_no_post_text(message) -> None:
    text = message.subject + message.body
    for word in ("puinhoop", "boos", "teleurgesteld", "juf", "gepest", "zoon"):
        assert word not in text


def test_an_urgent_case_at_a_school_whose_director_is_away_tells_the_board(
    school_a, director_a, board
):
    """It went to the director alone, who had not logged in for a month: the bullying
    waited for their return, the board not told."""
    last_seen(director_a, 30)
    ingest(school_a, URGENT, "1")
    run_due_duties()
    case = FollowUp.objects.get()
    assert case.priority == FollowUp.Priority.URGENT
    assert len(sent_to(director_a)) == 1
    [message] = sent_to(board)
    assert message.subject.startswith("[OPO Portal] Dringend")
    assert reverse("monitoring:case", args=[case.pk]) in message.body
    assert AWAY in " ".join(message.body.split())
    assert_no_post_text(message)
    assert AWAY not in " ".join(sent_to(director_a)[0].body.split())


def test_a_new_case_at_a_school_whose_director_is_away_tells_the_board(school_a, director_a, board):
    last_seen(director_a, 30)
    ingest(school_a, COMPLAINT, "1")
    run_due_duties()
    [message] = sent_to(board)
    assert message.subject == "[OPO Portal] Een nieuwe monitoringzaak van OBS De Vlindertuin"
    assert AWAY in " ".join(message.body.split())
    assert_no_post_text(message)
    assert len(sent_to(director_a)) == 1


def test_a_director_seen_recently_keeps_it_to_themselves(school_a, director_a, board):
    last_seen(director_a, 2)
    ingest(school_a, URGENT, "1")
    ingest(school_a, COMPLAINT.replace("De Vlindertuin", "de Vlindertuin school"), "2")
    run_due_duties()
    assert sent_to(board) == []


def test_a_new_director_who_has_not_logged_in_yet_is_not_away(school_a, board):
    make_staff("nieuw.a@example.org", Role.DIRECTOR, school_a)  # joined today
    ingest(school_a, URGENT, "1")
    run_due_duties()
    assert sent_to(board) == []


def test_one_director_present_is_enough(school_a, director_a, board):
    adjunct = make_staff("adjunct.a@example.org", Role.DIRECTOR, school_a)
    last_seen(director_a, 30)
    last_seen(adjunct, 1)
    ingest(school_a, URGENT, "1")
    run_due_duties()
    assert sent_to(board) == []


def test_a_director_back_before_it_went_keeps_it_to_themselves(school_a, director_a, board):
    last_seen(director_a, 30)
    ingest(school_a, URGENT, "1")
    last_seen(director_a, 0)  # logged in before the outbox sent the notice
    run_due_duties()
    assert len(sent_to(director_a)) == 1
    assert sent_to(board) == []


def test_the_board_member_who_reported_it_is_not_told(school_a, director_a, board):
    other = make_staff("bestuur2@example.org", Role.BOARD)
    last_seen(director_a, 30)
    services.post_report(
        school=school_a,
        url="https://buurt.example/r1",
        text=COMPLAINT,
        has_media=False,
        user=board,
        category="",
    )
    run_due_duties()
    assert sent_to(board) == []
    assert len(sent_to(other)) == 1


def test_the_days_are_a_setting(settings, school_a, director_a, board):
    settings.MONITORING_DIRECTOR_AWAY_DAYS = 40
    last_seen(director_a, 30)
    ingest(school_a, URGENT, "1")
    run_due_duties()
    assert sent_to(board) == []


def test_a_board_member_who_chose_english_reads_why_in_english(school_a, director_a, board):
    board.language = "en"
    board.save(update_fields=["language"])
    last_seen(director_a, 30)
    ingest(school_a, URGENT, "1")
    run_due_duties()
    [message] = sent_to(board)
    assert message.subject.startswith("[OPO Portal] Urgent:")
    assert "no director of OBS De Vlindertuin has been in the portal in the last 14 days" in (
        " ".join(message.body.split())
    )
