"""A complaint must be seen also when the school's director is away: when no director of
the school has logged in for MONITORING_DIRECTOR_AWAY_DAYS (14), the urgent notice, the
new-case notice, the monthly digest and the e-mails of a case closed (without action, or
a director's case closed by someone else) go to the board as well, saying why. A director
who is back before the e-mail goes keeps it to themselves."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff
from monitoring import notifications, services
from monitoring.models import FollowUp
from monitoring.sources.base import FetchedPost, FetchResult
from monitoring.tests.helpers import make_pupil_case, make_source
from outbox.tests.helpers import run_due_duties
from schools.models import School, StaffMembership

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


# --- The monthly digest ---------------------------------------------------------------


def send_digest() -> None:
    notifications.monthly_digest_send()
    run_due_duties()


def test_the_digest_of_a_school_whose_director_is_away_goes_to_the_board_too(
    school_a, school_b, director_a, director_b, board
):
    """It went to the away director alone: the month's numbers (open cases among them)
    waited in a mailbox nobody read."""
    last_seen(director_a, 30)
    send_digest()
    [message] = sent_to(board)
    assert message.subject.endswith(": OBS De Vlindertuin")  # not Het Zwanenhof's
    assert AWAY in " ".join(message.body.split())
    assert "Zorgt u ervoor" not in message.body  # numbers only: nothing asked of a case
    [own] = sent_to(director_a)
    assert AWAY not in " ".join(own.body.split())
    assert len(sent_to(director_b)) == 1


def test_a_director_back_before_the_digest_went_keeps_it_to_themselves(school_a, director_a, board):
    last_seen(director_a, 30)
    notifications.monthly_digest_send()
    last_seen(director_a, 0)
    run_due_duties()
    assert sent_to(board) == []
    assert len(sent_to(director_a)) == 1


def test_the_digest_is_queued_once_per_board_member_and_month(school_a, director_a, board):
    last_seen(director_a, 30)
    assert notifications.monthly_digest_send() == 2
    assert notifications.monthly_digest_send() == 0  # a second beat, a re-run
    run_due_duties()
    assert len(sent_to(board)) == 1


@pytest.mark.parametrize(("schools", "queued"), [(1, 1), (6, 8)])
def test_the_digest_queues_in_a_fixed_number_of_queries(
    django_assert_num_queries, schools, queued, board
):
    """However many schools, away or not, with or without a director: the schools, their
    directors and when each was last seen, the board, the keys already queued, the
    insert."""
    for i in range(schools):
        school = School.objects.create(code=f"school{i}", name=f"School {i}")
        if i % 3:
            director = make_staff(f"directeur{i}@example.org", Role.DIRECTOR, school)
            last_seen(director, 30 if i % 2 else 1)
    with django_assert_num_queries(5):
        # six: two without a director (the board), two present, two away (and the board)
        assert notifications.monthly_digest_send() == queued


# --- A case closed ---------------------------------------------------------------------


def test_a_case_closed_without_action_at_a_school_whose_director_is_away_tells_the_board(
    school_a, director_a, teacher_a, board
):
    """A teacher's "no action needed" e-mailed the away director only: the board did not
    learn that a complaint was closed without a conversation."""
    case = make_pupil_case(school_a)
    services.followup_update(case=case, status=case.status, assigned_to=teacher_a)
    run_due_duties()
    mail.outbox.clear()
    last_seen(director_a, 30)
    services.followup_update(
        case=case,
        status=FollowUp.Status.NO_ACTION,
        assigned_to=case.assigned_to,
        user=teacher_a,
        no_action_reason="Moeder van Daan gesproken; een misverstand",
    )
    run_due_duties()
    [message] = sent_to(board)
    body = " ".join(message.body.split())
    assert message.subject == (
        "[OPO Portal] Een monitoringzaak van OBS De Vlindertuin is gesloten zonder actie"
    )
    assert AWAY in body
    assert reverse("monitoring:case", args=[case.pk]) in body
    for word in ("Daan", "Visser", "misverstand", "Moeder"):
        assert word not in message.subject + body
    [own] = sent_to(director_a)
    assert AWAY not in " ".join(own.body.split())


def test_a_no_action_closing_goes_to_the_board_only_while_the_director_is_away(
    school_a, director_a, teacher_a, board
):
    case = make_pupil_case(school_a)
    services.followup_update(case=case, status=case.status, assigned_to=teacher_a)
    last_seen(director_a, 30)
    services.followup_update(
        case=case,
        status=FollowUp.Status.NO_ACTION,
        assigned_to=case.assigned_to,
        user=teacher_a,
        no_action_reason="Niets",
    )
    last_seen(director_a, 0)  # back before the outbox sent it
    run_due_duties()
    assert sent_to(board) == []


def test_an_away_directors_case_closed_by_someone_else_tells_the_board(school_a, director_a, board):
    """The closing e-mail went to the away director who held the case; the other board
    members are told too, not the one who closed it."""
    other = make_staff("bestuur2@example.org", Role.BOARD)
    case = make_pupil_case(school_a)
    services.followup_update(case=case, status=case.status, assigned_to=director_a)
    last_seen(director_a, 30)
    services.followup_update(
        case=case, status=FollowUp.Status.NO_ACTION, assigned_to=case.assigned_to, user=board
    )
    run_due_duties()
    assert sent_to(board) == []
    [message] = sent_to(other)
    body = " ".join(message.body.split())
    assert message.subject == ("[OPO Portal] Een monitoringzaak van OBS De Vlindertuin is gesloten")
    assert f"die aan {director_a.full_name} was toegewezen, is door" in body
    assert "aan u toegewezen" not in body
    assert AWAY in body
    [own] = sent_to(director_a)
    assert AWAY not in " ".join(own.body.split())


def test_a_dismissal_that_closes_an_away_directors_case_tells_the_board(
    school_a, director_a, teacher_a, board
):
    case = make_pupil_case(school_a)
    services.followup_update(case=case, status=case.status, assigned_to=director_a)
    last_seen(director_a, 30)
    for flag in case.flags.all():
        services.flag_dismiss(flag=flag, user=teacher_a)
    run_due_duties()
    [message] = sent_to(board)
    assert "onterecht signaal" in message.body
    assert AWAY in " ".join(message.body.split())


def test_a_teachers_no_action_on_an_away_directors_case_tells_the_board_once(
    school_a, director_a, teacher_a, board
):
    """The "closed without action" e-mail says it all: no second e-mail about the same
    closing."""
    case = make_pupil_case(school_a)
    services.followup_update(case=case, status=case.status, assigned_to=director_a)
    last_seen(director_a, 30)
    services.followup_update(
        case=case,
        status=FollowUp.Status.NO_ACTION,
        assigned_to=case.assigned_to,
        user=teacher_a,
        no_action_reason="Niets",
    )
    run_due_duties()
    [message] = sent_to(board)
    assert "gesloten zonder actie" in message.subject


def test_a_present_directors_case_closed_by_the_board_tells_only_them(school_a, director_a, board):
    other = make_staff("bestuur2@example.org", Role.BOARD)
    case = make_pupil_case(school_a)
    services.followup_update(case=case, status=case.status, assigned_to=director_a)
    last_seen(director_a, 3)
    services.followup_update(
        case=case, status=FollowUp.Status.NO_ACTION, assigned_to=case.assigned_to, user=board
    )
    run_due_duties()
    assert sent_to(other) == []
    assert len(sent_to(director_a)) == 1


def test_the_board_copy_goes_nowhere_once_the_director_is_back(school_a, director_a, board):
    other = make_staff("bestuur2@example.org", Role.BOARD)
    case = make_pupil_case(school_a)
    services.followup_update(case=case, status=case.status, assigned_to=director_a)
    last_seen(director_a, 30)
    services.followup_update(
        case=case, status=FollowUp.Status.NO_ACTION, assigned_to=case.assigned_to, user=board
    )
    last_seen(director_a, 0)
    run_due_duties()
    assert sent_to(other) == []
    assert len(sent_to(director_a)) == 1
