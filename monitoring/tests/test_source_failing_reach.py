"""'Source keeps failing' goes, at send time, to the board as it is then (as the urgent-case
and digest e-mails do): someone who left the board meanwhile gets nothing, a member who
joined gets it once; a source that recovered or was removed meanwhile sends nothing."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff
from monitoring.models import Source
from monitoring.notifications import source_failing_queue
from monitoring.sources.base import FetchError
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
from outbox.models import Duty
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def failing_source() -> Source:
    source = make_source(consecutive_failures=5, failure_notified_at=timezone.now())
    source_failing_queue(source_id=source.pk, since=source.failure_notified_at)
    return source


def test_a_board_member_who_left_the_board_before_it_went_gets_nothing(board):
    # they still got it: the e-mail was not checked against the board as it is now
    stays = make_staff("bestuur.blijft@example.org", Role.BOARD)
    failing_source()
    StaffMembership.objects.filter(user=board).update(role=Role.PRIVACY_OFFICER)
    run_due_duties()
    assert recipients() == [stays.email]


def test_it_goes_once_to_who_joined_when_everyone_it_was_written_for_left(board):
    failing_source()
    StaffMembership.objects.filter(user=board).delete()
    newcomer = make_staff("nieuw.bestuur@example.org", Role.BOARD)
    run_due_duties()
    assert recipients() == [newcomer.email]


def test_a_deactivated_board_member_gets_nothing_and_nobody_is_told_twice(board):
    stays = make_staff("bestuur.blijft@example.org", Role.BOARD)
    failing_source()
    board.is_active = False
    board.save()
    run_due_duties()
    assert recipients() == [stays.email]


def test_a_source_that_recovered_before_it_went_sends_nothing(board):
    source = make_source(consecutive_failures=5, failure_notified_at=timezone.now())
    source_failing_queue(source_id=source.pk, since=source.failure_notified_at)
    Source.objects.filter(pk=source.pk).update(consecutive_failures=0, failure_notified_at=None)
    run_due_duties()
    assert mail.outbox == []
    assert not Duty.objects.exclude(status=Duty.Status.DONE).exists()


def test_a_source_removed_before_it_went_sends_nothing_and_is_not_retried(board):
    source = make_source(consecutive_failures=5, failure_notified_at=timezone.now())
    source_failing_queue(source_id=source.pk, since=source.failure_notified_at)
    source.delete()
    run_due_duties()
    assert mail.outbox == []
    assert not Duty.objects.exclude(status=Duty.Status.DONE).exists()


def test_a_duty_written_before_this_version_still_reaches_the_board(board):
    source = make_source(consecutive_failures=5, failure_notified_at=timezone.now())
    Duty.objects.create(
        key=f"source-failing:{source.pk}:1:user:{board.pk}",
        handler="monitoring.notifications.source_failing_email_send",
        payload={"source_id": source.pk, "user_id": board.pk},
        next_attempt_at=timezone.now(),
    )
    run_due_duties()
    assert recipients() == [board.email]


def test_a_feed_gone_at_its_source_tells_the_board_without_post_text(
    feed_server, settings, school_a, director_a, teacher_a, board
):
    """The post of an assigned case is deleted at the source, and its feed with it (404,
    then 410): the case stays with its assignee, the board is told once, with the reason
    and a link to the sources page, no post text."""
    from monitoring import services

    settings.SITE_URL = "https://portaal.opo.example"
    settings.MONITORING_FAILURE_NOTIFY_AFTER = 2
    source = make_source(url=feed_server.url("/weg.rss"))
    case = make_case(school_a)
    make_flag(make_post(source, text="Daan Visser huilde bij De Vlindertuin"), school_a, case=case)
    services.followup_update(case=case, status="new", assigned_to=teacher_a)
    run_due_duties()
    mail.outbox.clear()
    for status in (404, 410, 410):
        feed_server.route("/weg.rss", status=status)
        with pytest.raises(FetchError):
            services.source_poll(source_id=source.pk, now=timezone.now() + datetime.timedelta(1))
    run_due_duties()
    assert recipients() == [board.email]
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert "https://portaal.opo.example" + reverse("monitoring:sources") in body
    assert "Daan" not in body and "huilde" not in body
    case.refresh_from_db()
    assert case.assigned_to == teacher_a and case.is_open
    assert case.flags.get().post is not None


def test_the_sources_link_is_a_404_for_anyone_but_the_board(
    login, director_a, teacher_a, privacy_officer, parent_a, board
):
    url = reverse("monitoring:sources")
    assert login(board).get(url).status_code == 200
    for someone in (director_a, teacher_a, privacy_officer, parent_a):
        assert login(someone).get(url).status_code == 404
