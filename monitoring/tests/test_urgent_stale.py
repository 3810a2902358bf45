"""An urgent case nobody acts on reaches the board: a daily sweep
(notifications.urgent_stale_escalate, beat "monitoring-urgent-stale") e-mails every board
member once per case when an urgent case is still "new" (unassigned, or assigned with no
conversation planned or held) MONITORING_URGENT_STALE_DAYS (2) school days after its urgent
notice, saying how long and who holds it; no post text, no pupil name. Once per case and
per urgent notice: a re-run, a retry after a crash or a second worker sends nothing more; a
reopened case can be escalated again. A case reopened from "gesloten" (at "gesprek gevoerd"),
or one at "gesprek gevoerd" that an urgent post came into, and left is escalated as a "new"
one (one at "gesprek gepland" is not: a conversation is coming); without a board member the
school's directors are told instead (a director who holds the case as its holder)."""

import datetime
import logging
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.languages import language_remember
from conftest import at_the_same_moment, make_staff, require_service
from monitoring import services, tasks
from monitoring.models import FollowUp
from monitoring.notifications import urgent_stale_escalate
from monitoring.tests.helpers import PUPIL_TEXT, make_case, make_flag, make_post, make_source
from outbox.models import Duty
from outbox.tests.helpers import run_due_duties
from schools.models import School, StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Monday 7 December 2026, 10:00 at the schools: the urgent notice goes
NOTICE = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=AMSTERDAM)
# the sweep's hour, so many days later
SWEEP = datetime.time(8, 13)


def sweep_day(days: int) -> datetime.datetime:
    return datetime.datetime.combine(
        NOTICE.date() + datetime.timedelta(days=days), SWEEP, AMSTERDAM
    )


def urgent_case(school, **extra) -> FollowUp:
    """An urgent case at `school` about a post naming a pupil, its notice sent at NOTICE."""
    case = make_case(
        school,
        priority=FollowUp.Priority.URGENT,
        opened_at=NOTICE,
        urgent_notified_at=NOTICE,
        **extra,
    )
    make_flag(
        make_post(make_source(url=f"https://feeds.example/{case.pk}.rss"), text=PUPIL_TEXT),
        school,
        case=case,
    )
    return case


def sweep_and_send(days: int) -> int:
    with time_machine.travel(sweep_day(days), tick=False):
        count = tasks.escalate_urgent_stale_cases()
        run_due_duties()
    return count


def sent_to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to]


def flat(message) -> str:
    return " ".join(message.body.split())


def assert_no_post_text(message) -> None:
    text = message.subject + message.body
    for word in ("Daan", "Visser", "Anna", "huilend", "gang"):
        assert word not in text


def test_an_unassigned_urgent_case_left_two_days_is_e_mailed_to_the_board(
    school_a, director_a, board
):
    """It went to the director alone; a director who read it and did nothing (or never
    read it) left the bullying report waiting, and nobody above them knew."""
    case = urgent_case(school_a)
    assert sweep_and_send(1) == 0
    assert mail.outbox == []
    assert sweep_and_send(2) == 1
    [message] = mail.outbox
    assert message.to == [board.email]
    assert message.subject == (
        f"[OPO Portal] Dringend: zaak #{case.pk} van OBS De Vlindertuin wacht al 2 dagen"
    )
    body = flat(message)
    assert f"Zaak #{case.pk} van OBS De Vlindertuin is dringend" in body
    assert "Sinds 7 december 2026, 2 dagen geleden, wacht de zaak op actie" in body
    assert "Er is nog niemand aan de zaak toegewezen." in body
    assert "U krijgt dit bericht als bestuurslid" in body
    assert reverse("monitoring:case", args=[case.pk]) in body
    assert_no_post_text(message)
    case.refresh_from_db()
    assert case.urgent_escalated_at is not None


def test_an_assigned_case_nobody_touched_names_who_holds_it_and_their_last_visit(
    school_a, director_a, teacher_a, board
):
    """An away teacher holding an urgent case: the board learns who, and since when they
    were not in the portal."""
    teacher_a.last_login = NOTICE - datetime.timedelta(days=20)
    teacher_a.save(update_fields=["last_login"])
    urgent_case(school_a, assigned_to=teacher_a)
    sweep_and_send(3)
    [message] = sent_to(board)
    body = flat(message)
    assert "wacht al 3 dagen" in message.subject
    assert (
        f"De zaak is toegewezen aan {teacher_a.full_name}, die het laatst in het portaal was "
        "op 17 november 2026." in body
    )
    assert sent_to(teacher_a) == [] and sent_to(director_a) == []


def test_a_holder_who_never_logged_in_is_said_so(school_a, director_a, teacher_a, board):
    urgent_case(school_a, assigned_to=teacher_a)
    sweep_and_send(2)
    [message] = sent_to(board)
    assert "die nog nooit in het portaal is geweest" in flat(message)


@pytest.mark.parametrize(
    "change",
    [
        {
            "status": FollowUp.Status.CONVERSATION_PLANNED,
            "planned_for": datetime.date(2026, 12, 10),
        },
        {"status": FollowUp.Status.CONVERSATION_HELD, "held_on": datetime.date(2026, 12, 8)},
        {"status": FollowUp.Status.NO_ACTION, "closed_at": NOTICE},
        {"priority": FollowUp.Priority.NORMAL},
        {"urgent_notified_at": None},  # nobody told yet: nothing waited for anyone
    ],
    ids=["planned", "held", "closed", "not-urgent", "never-told"],
)
def test_a_case_acted_on_or_closed_is_left_alone(school_a, director_a, board, change):
    case = urgent_case(school_a)
    FollowUp.objects.filter(pk=case.pk).update(**change)
    assert sweep_and_send(5) == 0
    assert mail.outbox == []


def test_a_case_acted_on_after_the_sweep_and_before_the_e_mail_goes_sends_nothing(
    school_a, director_a, board
):
    case = urgent_case(school_a)
    with time_machine.travel(sweep_day(2), tick=False):
        assert tasks.escalate_urgent_stale_cases() == 1
        FollowUp.objects.filter(pk=case.pk).update(
            status=FollowUp.Status.CONVERSATION_PLANNED, planned_for=datetime.date(2026, 12, 10)
        )
        run_due_duties()
    assert mail.outbox == []


def test_once_per_case_a_second_run_a_retry_after_a_crash_a_second_worker(
    school_a, director_a, board
):
    case = urgent_case(school_a)
    assert sweep_and_send(2) == 1
    assert sweep_and_send(2) == 0  # a second worker, the same tick
    assert sweep_and_send(3) == 0  # the next day
    # a crash that lost the claim but not the duties: the outbox key holds
    FollowUp.objects.filter(pk=case.pk).update(urgent_escalated_at=None)
    assert sweep_and_send(4) == 1
    assert len(sent_to(board)) == 1
    assert Duty.objects.filter(key__startswith=f"urgent-stale:{case.pk}:").count() == 1


def test_a_reopened_case_that_waits_again_is_escalated_again(school_a, director_a, board):
    case = urgent_case(school_a)
    sweep_and_send(2)
    with time_machine.travel(sweep_day(3), tick=False):
        services.followup_update(
            case=case, status=FollowUp.Status.NO_ACTION, user=director_a, notes=""
        )
    with time_machine.travel(sweep_day(10), tick=False):
        case.refresh_from_db()
        services.followup_update(case=case, status=FollowUp.Status.NEW, user=director_a, notes="")
        run_due_duties()
    case.refresh_from_db()
    assert case.status == FollowUp.Status.NEW and case.urgent_notified_at is not None
    mail.outbox.clear()
    # reopened on Thursday: Friday is one school day, the weekend none
    assert [sweep_and_send(days) for days in (11, 12, 13)] == [0, 0, 0]
    assert sweep_and_send(14) == 1
    [message] = sent_to(board)
    assert "Sinds 17 december 2026, 4 dagen geleden" in flat(message)


# Tuesday 8 December 2026, 10:00: a case closed after its conversation is reopened
REOPENED = NOTICE + datetime.timedelta(days=1)


def reopened_after_its_conversation(school, director) -> FollowUp:
    """An urgent case of `school` whose conversation was held and which was closed on
    Monday, reopened by hand by its `director` on Tuesday at 10:00: it stands at
    "gesprek gevoerd" again, with a fresh urgent notice."""
    case = urgent_case(school, assigned_to=director)
    held = {"assigned_to": director, "user": director, "notes": ""}
    with time_machine.travel(NOTICE + datetime.timedelta(hours=2), tick=False):
        case = services.followup_update(
            case=case, status=FollowUp.Status.CONVERSATION_HELD, held_on=NOTICE.date(), **held
        )
        case = services.followup_update(case=case, status=FollowUp.Status.CLOSED, **held)
    with time_machine.travel(REOPENED, tick=False):
        case = services.followup_update(case=case, status=FollowUp.Status.CONVERSATION_HELD, **held)
        run_due_duties()
    case.refresh_from_db()
    assert case.status == FollowUp.Status.CONVERSATION_HELD
    assert case.urgent_notified_at == REOPENED
    mail.outbox.clear()
    return case


def test_a_case_reopened_from_closed_and_left_is_e_mailed_to_the_board(school_a, director_a, board):
    """Reopened, it stands at "gesprek gevoerd": the sweep read only "new" cases, so a
    reopened urgent case nobody acted on never reached the board, however long it waited."""
    case = reopened_after_its_conversation(school_a, director_a)
    assert sweep_and_send(2) == 0  # Wednesday: one school day since the reopening
    assert sweep_and_send(3) == 1  # Thursday: two
    [message] = mail.outbox
    assert message.to == [board.email]
    assert message.subject == (
        f"[OPO Portal] Dringend: zaak #{case.pk} van OBS De Vlindertuin wacht al 2 dagen"
    )
    body = flat(message)
    assert (
        "Er was al een gesprek gevoerd toen de zaak werd heropend of er een dringend bericht "
        "bij kwam. Sinds 8 december 2026, 2 dagen geleden, wacht de zaak op actie: er is geen "
        "nieuw gesprek gepland of gevoerd." in body
    )
    assert "er is geen gesprek gepland of gevoerd" not in body
    assert_no_post_text(message)
    assert sweep_and_send(4) == 0  # once per case and notice
    assert len(mail.outbox) == 1


def test_a_board_member_who_chose_english_reads_of_the_reopening_in_english(
    school_a, director_a, board
):
    board.language = "en"
    board.save(update_fields=["language"])
    reopened_after_its_conversation(school_a, director_a)
    sweep_and_send(3)
    [message] = sent_to(board)
    assert (
        "A conversation had already been held when the case was reopened or an urgent post "
        "joined it. Since 8 December 2026, 2 days ago, it has waited for action: no new "
        "conversation has been planned or held." in flat(message)
    )


# Friday 4 December 2026: the case's conversation is held (or planned), before the urgent post
BEFORE = NOTICE - datetime.timedelta(days=3)


def made_urgent_after_its_conversation(
    school, director, status=FollowUp.Status.CONVERSATION_HELD, *, keep_mail=False
) -> FollowUp:
    """A case of `school` held by its `director` and never closed: its conversation was held
    on Friday (or, with `status`, planned for Tuesday), and on Monday at 10:00 (NOTICE) a
    post in it turns urgent (services.CaseFinder.open_or_join) and the urgent notice goes
    (left in the outbox with `keep_mail`)."""
    case = make_case(school, assigned_to=director, opened_at=BEFORE)
    post = make_post(
        make_source(url=f"https://feeds.example/{case.pk}.rss"),
        text=PUPIL_TEXT,
        classified_at=BEFORE,
    )
    make_flag(post, school, case=case)
    dates = (
        {"held_on": BEFORE.date()}
        if status == FollowUp.Status.CONVERSATION_HELD
        else {"planned_for": REOPENED.date()}
    )
    with time_machine.travel(BEFORE, tick=False):
        services.followup_update(
            case=case, status=status, assigned_to=director, user=director, notes="", **dates
        )
    with time_machine.travel(NOTICE, tick=False):
        services.followup_open_or_join(school_id=school.pk, post=post, urgent=True, now=NOTICE)
        run_due_duties()
    case.refresh_from_db()
    assert (case.status, case.priority) == (status, FollowUp.Priority.URGENT)
    assert case.urgent_notified_at == NOTICE
    if not keep_mail:
        mail.outbox.clear()
    return case


# a case at "gesprek gevoerd" that waits: reopened from "gesloten", or made urgent by a post
WAITING_AFTER_A_CONVERSATION = {
    "reopened": reopened_after_its_conversation,
    "made-urgent": made_urgent_after_its_conversation,
}


@pytest.mark.parametrize(
    "change",
    [
        {
            "status": FollowUp.Status.CONVERSATION_PLANNED,
            "planned_for": datetime.date(2026, 12, 10),
        },
        # the new conversation recorded as held: its day typed over the earlier one's
        {"status": FollowUp.Status.CONVERSATION_HELD, "held_on": datetime.date(2026, 12, 9)},
        {"status": FollowUp.Status.CLOSED},
    ],
    ids=["planned", "held", "closed-again"],
)
@pytest.mark.parametrize("waiting", ["reopened", "made-urgent"])
def test_a_reopened_case_acted_on_since_is_left_alone(school_a, director_a, board, change, waiting):
    """Beside one left as it was reopened (or made urgent), which is escalated."""
    build = WAITING_AFTER_A_CONVERSATION[waiting]
    acted_on = build(school_a, director_a)
    left = build(school_a, director_a)
    with time_machine.travel(sweep_day(2), tick=False):
        services.followup_update(
            case=acted_on, assigned_to=director_a, user=director_a, notes="", **change
        )
        run_due_duties()
    mail.outbox.clear()
    assert sweep_and_send(5) == 1
    assert Duty.objects.filter(key__startswith=f"urgent-stale:{left.pk}:").count() == 1
    assert not Duty.objects.filter(key__startswith=f"urgent-stale:{acted_on.pk}:").exists()
    assert len(sent_to(board)) == 1


@pytest.mark.parametrize("waiting", ["reopened", "made-urgent"])
def test_a_reopened_case_whose_notes_or_assignee_change_still_waits(
    school_a, director_a, teacher_a, board, waiting
):
    """As for a "new" case: taking notes or handing it on is no conversation."""
    case = WAITING_AFTER_A_CONVERSATION[waiting](school_a, director_a)
    with time_machine.travel(sweep_day(2), tick=False):
        services.followup_update(
            case=case,
            status=FollowUp.Status.CONVERSATION_HELD,
            assigned_to=teacher_a,
            user=director_a,
            notes="Juf belt morgen.",
        )
    assert sweep_and_send(3) == 1


def test_a_case_made_urgent_after_its_conversation_and_left_is_e_mailed_to_the_board(
    school_a, director_a, board
):
    """Never closed, it stood at "gesprek gevoerd" when an urgent post came in: nobody acted
    on that post (the conversation was about what came before), yet the sweep took only
    "nieuw" and reopened cases, so the board never heard, however long it waited."""
    case = made_urgent_after_its_conversation(school_a, director_a)
    assert sweep_and_send(1) == 0
    assert sweep_and_send(2) == 1
    [message] = mail.outbox
    assert message.to == [board.email]
    assert message.subject == (
        f"[OPO Portal] Dringend: zaak #{case.pk} van OBS De Vlindertuin wacht al 2 dagen"
    )
    body = flat(message)
    assert (
        "Er was al een gesprek gevoerd toen de zaak werd heropend of er een dringend bericht "
        "bij kwam. Sinds 7 december 2026, 2 dagen geleden, wacht de zaak op actie: er is geen "
        "nieuw gesprek gepland of gevoerd." in body
    )
    assert "heropend nadat" not in body  # it never was
    assert_no_post_text(message)
    assert sweep_and_send(3) == 0  # once per case and notice
    assert len(mail.outbox) == 1


def test_a_board_member_who_chose_english_reads_of_the_earlier_conversation_in_english(
    school_a, director_a, board
):
    board.language = "en"
    board.save(update_fields=["language"])
    made_urgent_after_its_conversation(school_a, director_a)
    sweep_and_send(2)
    [message] = sent_to(board)
    assert (
        "A conversation had already been held when the case was reopened or an urgent post "
        "joined it. Since 7 December 2026, 2 days ago, it has waited for action: no new "
        "conversation has been planned or held." in flat(message)
    )


def test_a_case_made_urgent_while_its_conversation_is_planned_is_left_alone(
    school_a, director_a, board
):
    """A conversation is coming: the case is being acted on."""
    made_urgent_after_its_conversation(
        school_a, director_a, status=FollowUp.Status.CONVERSATION_PLANNED
    )
    assert sweep_and_send(5) == 0
    assert mail.outbox == []


# Thursday 3 December 2026, 10:00: an urgent post opens a case and its notice goes
FIRST = NOTICE - datetime.timedelta(days=4)
# Monday 7 December 2026, 10:05: a further urgent post of the story, right after
BURST = NOTICE + datetime.timedelta(minutes=5)


def urgent_post_in(school, case, when, *, urgent=True) -> None:
    """A new post of the case's story (same words, another source) at `when`, joined to it
    as a fetch does (services.CaseFinder.open_or_join), its duties run."""
    post = make_post(make_source(url=f"https://feeds.example/{when:%d%H%M}.rss"), text=PUPIL_TEXT)
    with time_machine.travel(when, tick=False):
        joined = services.followup_open_or_join(
            school_id=school.pk, post=post, urgent=urgent, now=when
        )
        make_flag(post, school, case=joined)
        run_due_duties()
    assert joined.pk == case.pk


def notified_then_held(school, director, assignee, status=FollowUp.Status.CONVERSATION_HELD):
    """A case of `school` opened by an urgent post on Thursday (FIRST), its urgent notice
    sent then; on Friday (BEFORE) `director` gives it to `assignee`, whose conversation is
    recorded as held that day (or, with `status`, planned for Tuesday); never closed."""
    post = make_post(make_source(url="https://feeds.example/first.rss"), text=PUPIL_TEXT)
    with time_machine.travel(FIRST, tick=False):
        case = services.followup_open_or_join(
            school_id=school.pk, post=post, urgent=True, now=FIRST
        )
        make_flag(post, school, case=case)
        run_due_duties()
    dates = (
        {"held_on": BEFORE.date()}
        if status == FollowUp.Status.CONVERSATION_HELD
        else {"planned_for": REOPENED.date()}
    )
    with time_machine.travel(BEFORE, tick=False):
        case = services.followup_update(
            case=case, status=status, assigned_to=assignee, user=director, notes="", **dates
        )
        run_due_duties()
    case.refresh_from_db()
    assert (case.status, case.urgent_notified_at, case.reopened_at) == (status, FIRST, None)
    mail.outbox.clear()
    return case


URGENT_SUBJECT = "[OPO Portal] Dringend: een bericht over OBS De Vlindertuin vraagt aandacht"


def test_an_urgent_post_after_the_notice_and_the_conversation_is_told_again(
    school_a, director_a, teacher_a, board
):
    """Its notice had gone and the conversation was held since: a new urgent post of the
    story was told to nobody, and the sweep never took the case (not untouched)."""
    case = notified_then_held(school_a, director_a, teacher_a)
    urgent_post_in(school_a, case, NOTICE)
    for person in (director_a, teacher_a):
        [message] = sent_to(person)
        assert message.subject == URGENT_SUBJECT
        assert "Daan" not in message.body and PUPIL_TEXT not in message.body
    assert sent_to(board) == []
    case.refresh_from_db()
    assert (case.urgent_notified_at, case.reopened_at) == (NOTICE, NOTICE)
    mail.outbox.clear()
    assert sweep_and_send(1) == 0
    assert sweep_and_send(2) == 1
    [message] = mail.outbox
    assert message.to == [board.email]
    assert "Sinds 7 december 2026, 2 dagen geleden" in flat(message)
    assert_no_post_text(message)


HELD_NL = "In deze zaak is al een gesprek gevoerd; dit dringende bericht kwam daarna binnen."
HELD_EN = "A conversation has already been held in this case; this urgent post came in after it."


def test_the_notice_after_the_conversation_says_one_was_held(
    school_a, director_a, teacher_a, board
):
    """It read as a first notice: nothing told the director or the assignee that the case
    had had its conversation. Each reads it in their own language; the duty carries ids
    and a flag only."""
    language_remember(teacher_a.pk, "en")
    case = notified_then_held(school_a, director_a, teacher_a)
    urgent_post_in(school_a, case, NOTICE)
    [to_director] = sent_to(director_a)
    [to_teacher] = sent_to(teacher_a)
    assert HELD_NL in flat(to_director)
    assert HELD_EN in flat(to_teacher)
    duties = Duty.objects.filter(key__startswith=f"urgent-case:{case.pk}:2026")
    assert sorted(duties.values_list("payload", flat=True), key=lambda p: p["user_id"]) == [
        {
            "case_id": case.pk,
            "notice": "20261207090000000000",
            "after_conversation": True,
            "user_id": user.pk,
        }
        for user in sorted((director_a, teacher_a), key=lambda u: u.pk)
    ]


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("nl", URGENT_SUBJECT),
        ("en", "[OPO Portal] Urgent: a post about OBS De Vlindertuin needs attention"),
    ],
)
def test_a_first_urgent_notice_does_not_say_a_conversation_was_held(
    school_a, director_a, language, subject
):
    language_remember(director_a.pk, language)
    post = make_post(make_source(url="https://feeds.example/first.rss"), text=PUPIL_TEXT)
    with time_machine.travel(FIRST, tick=False):
        services.followup_open_or_join(school_id=school_a.pk, post=post, urgent=True, now=FIRST)
        run_due_duties()
    [message] = sent_to(director_a)
    assert message.subject == subject
    assert HELD_NL not in flat(message) and HELD_EN not in flat(message)


@pytest.mark.parametrize(
    ("status", "says_held"),
    [(FollowUp.Status.CONVERSATION_HELD, True), (FollowUp.Status.CONVERSATION_PLANNED, False)],
    ids=["held", "planned"],
)
def test_a_first_urgent_notice_into_a_case_whose_conversation_was_held_says_so(
    school_a, director_a, board, status, says_held
):
    """No notice went before (the case was not urgent until this post), but a conversation
    was held: the first notice says so, as the notice after a conversation does. Not when
    the conversation is only planned."""
    case = made_urgent_after_its_conversation(school_a, director_a, status, keep_mail=True)
    [message] = sent_to(director_a)
    assert (HELD_NL in flat(message)) is says_held
    duty = Duty.objects.get(key__startswith=f"urgent-case:{case.pk}:")
    assert duty.payload.get("after_conversation", False) is says_held


def test_a_burst_of_urgent_posts_after_the_conversation_is_told_once(
    school_a, director_a, teacher_a, board
):
    case = notified_then_held(school_a, director_a, teacher_a)
    urgent_post_in(school_a, case, NOTICE)
    urgent_post_in(school_a, case, BURST)
    assert len(sent_to(director_a)) == 1
    assert len(sent_to(teacher_a)) == 1
    case.refresh_from_db()
    assert (case.urgent_notified_at, case.reopened_at) == (NOTICE, NOTICE)


def test_a_post_after_the_conversation_that_is_not_urgent_tells_nobody(
    school_a, director_a, teacher_a, board
):
    case = notified_then_held(school_a, director_a, teacher_a)
    urgent_post_in(school_a, case, NOTICE, urgent=False)
    assert mail.outbox == []
    case.refresh_from_db()
    assert (case.urgent_notified_at, case.reopened_at) == (FIRST, None)
    assert sweep_and_send(5) == 0


@pytest.mark.parametrize("status", [FollowUp.Status.CONVERSATION_PLANNED, FollowUp.Status.NEW])
def test_an_urgent_post_into_a_notified_case_not_held_sends_nothing_more(
    school_a, director_a, teacher_a, board, status
):
    """A conversation is coming, or the case still waits from its first notice: that
    notice stands."""
    if status == FollowUp.Status.NEW:
        case = notified_then_held(school_a, director_a, teacher_a)
        FollowUp.objects.filter(pk=case.pk).update(status=status, held_on=None)
    else:
        case = notified_then_held(school_a, director_a, teacher_a, status=status)
    urgent_post_in(school_a, case, NOTICE)
    assert mail.outbox == []
    case.refresh_from_db()
    assert (case.urgent_notified_at, case.reopened_at) == (FIRST, None)


def test_the_holder_on_the_board_is_not_told_about_themselves(school_a, board):
    """At a school without a director the case is a board member's: the other board
    members are told, not the one who holds it."""
    other = make_staff("bestuur2@example.org", Role.BOARD)
    urgent_case(school_a, assigned_to=board)
    sweep_and_send(2)
    assert sent_to(board) == []
    assert len(sent_to(other)) == 1


def test_the_only_board_member_holding_it_is_reminded_and_the_directors_told(
    school_a, director_a, board
):
    """The board member who took the case on is the whole board: the sweep claimed the
    case and told nobody (the board but its holder), so the waiting went unseen. Now the
    holder gets the reminder, and the school's directors are told, once each."""
    case = urgent_case(school_a, assigned_to=board)
    assert sweep_and_send(2) == 1
    [reminder] = sent_to(board)
    assert reminder.subject == (
        f"[OPO Portal] Dringend: zaak #{case.pk} van OBS De Vlindertuin wacht al 2 dagen"
    )
    body = flat(reminder)
    assert "U krijgt deze herinnering, één keer voor deze zaak, omdat u het enige" in body
    assert "U krijgt dit bericht als bestuurslid" not in body
    assert "De zaak is toegewezen aan" not in body
    assert_no_post_text(reminder)
    [told] = sent_to(director_a)
    body = flat(told)
    assert f"De zaak is toegewezen aan {board.full_name}" in body
    assert "U krijgt dit bericht als directeur van OBS De Vlindertuin" in body
    assert reverse("monitoring:case", args=[case.pk]) in body
    assert_no_post_text(told)
    assert sweep_and_send(3) == 0  # once per case and notice
    assert len(mail.outbox) == 2
    assert Duty.objects.filter(key__startswith=f"urgent-stale:{case.pk}:").count() == 2


def test_the_only_board_member_holding_it_at_a_school_without_a_director_is_reminded(
    school_a, board
):
    urgent_case(school_a, assigned_to=board)
    assert sweep_and_send(2) == 1
    [reminder] = mail.outbox
    assert reminder.to == [board.email]
    assert "U krijgt deze herinnering" in flat(reminder)


def test_a_board_member_who_joins_before_it_goes_is_told_instead(school_a, director_a, board):
    """At send time the e-mail goes as the board is then: a second board member is told,
    as the sweep tells the board; the holder and the directors need not be."""
    urgent_case(school_a, assigned_to=board)
    with time_machine.travel(sweep_day(2), tick=False):
        assert urgent_stale_escalate() == 1
        other = make_staff("bestuur2@example.org", Role.BOARD)
        run_due_duties()
    assert [m.to for m in mail.outbox] == [[other.email]]


@pytest.mark.parametrize("n", [1, 12])
def test_the_sweep_reaches_a_holding_sole_board_member_in_a_fixed_number_of_queries(
    django_assert_num_queries, n, school_a, school_b, director_a, director_b, board
):
    """As above, and the directors of the schools whose cases only the board member who
    holds them would hear of: one query more."""
    for i in range(n):
        urgent_case(school_a if i % 2 else school_b, assigned_to=board)
    with time_machine.travel(sweep_day(2), tick=False), django_assert_num_queries(7):
        assert urgent_stale_escalate() == n
    assert Duty.objects.filter(key__startswith="urgent-stale:").count() == 2 * n


def test_without_a_board_member_the_directors_are_told(school_a, director_a, teacher_a):
    """The sweep logged a warning and returned, every morning, while the case waited: with
    nobody on the board the school's directors are told, once, and the case is claimed."""
    case = urgent_case(school_a, assigned_to=teacher_a)
    assert sweep_and_send(2) == 1
    [told] = mail.outbox
    assert told.to == [director_a.email]
    body = flat(told)
    assert f"De zaak is toegewezen aan {teacher_a.full_name}" in body
    assert (
        "U krijgt dit bericht als directeur van OBS De Vlindertuin, één keer voor deze zaak: "
        "de stichting heeft geen bestuurslid aan wie de zaak kan worden voorgelegd." in body
    )
    assert "enige bestuurslid" not in body
    assert_no_post_text(told)
    case.refresh_from_db()
    assert case.urgent_escalated_at is not None
    assert sweep_and_send(3) == 0  # once per case and notice
    assert len(mail.outbox) == 1


def test_without_a_board_member_the_director_who_holds_it_is_addressed_as_its_holder(
    school_a, director_a
):
    """They got the directors' e-mail, which named them to themselves: "De zaak is
    toegewezen aan <their own name>" and "Zorgt u ervoor dat iemand de zaak opvolgt?"."""
    other = make_staff("directeur2.a@example.org", Role.DIRECTOR, school_a)
    urgent_case(school_a, assigned_to=director_a)
    assert sweep_and_send(2) == 1
    [reminder] = sent_to(director_a)
    body = flat(reminder)
    assert (
        "De zaak is aan u toegewezen. U krijgt deze herinnering als directeur van OBS De "
        "Vlindertuin, één keer voor deze zaak: de stichting heeft geen bestuurslid aan wie de "
        "zaak kan worden voorgelegd. Plant u vandaag een gesprek, of wijst u de zaak toe aan "
        "iemand die het gesprek voert?" in body
    )
    assert "De zaak is toegewezen aan" not in body
    assert "U krijgt dit bericht als directeur" not in body
    assert "enige bestuurslid" not in body
    assert_no_post_text(reminder)
    [told] = sent_to(other)
    body = flat(told)
    assert f"De zaak is toegewezen aan {director_a.full_name}" in body
    assert "U krijgt dit bericht als directeur van OBS De Vlindertuin" in body
    assert sweep_and_send(3) == 0  # once per case and notice
    assert len(mail.outbox) == 2


def test_without_a_board_member_a_holding_director_who_chose_english_reads_it_in_english(
    school_a, director_a
):
    director_a.language = "en"
    director_a.save(update_fields=["language"])
    urgent_case(school_a, assigned_to=director_a)
    sweep_and_send(2)
    [reminder] = sent_to(director_a)
    assert (
        "It is assigned to you. You receive this reminder as a director of OBS De Vlindertuin, "
        "once for this case: the foundation has no board member to escalate it to. Please plan "
        "a conversation today, or assign the case to someone who will hold it." in flat(reminder)
    )


def test_without_a_board_member_nor_a_director_the_case_waits_for_one(school_a, teacher_a, caplog):
    """Its teacher was told (urgent_case_queue), nobody above them: nothing is claimed, a
    warning without names says so, and tomorrow's sweep tries again."""
    case = urgent_case(school_a, assigned_to=teacher_a)
    with caplog.at_level(logging.WARNING, logger="monitoring.notifications"):
        assert sweep_and_send(2) == 0
    assert mail.outbox == []
    case.refresh_from_db()
    assert case.urgent_escalated_at is None
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert f"case {case.pk}" in warning.getMessage()
    assert "no board member" in warning.getMessage()
    for word in ("Daan", "Visser", "huilend", teacher_a.full_name, teacher_a.email):
        assert word not in warning.getMessage()
    director = make_staff("directeur.a@example.org", Role.DIRECTOR, school_a)
    assert sweep_and_send(3) == 1
    assert len(sent_to(director)) == 1


def test_a_director_who_chose_english_reads_why_in_english(school_a, director_a):
    director_a.language = "en"
    director_a.save(update_fields=["language"])
    urgent_case(school_a)
    sweep_and_send(2)
    [message] = sent_to(director_a)
    assert (
        "You receive this e-mail as a director of OBS De Vlindertuin, once for this case: "
        "the foundation has no board member to escalate it to." in flat(message)
    )


def test_a_board_member_who_chose_english_reads_it_in_english(school_a, director_a, board):
    board.language = "en"
    board.save(update_fields=["language"])
    case = urgent_case(school_a)
    sweep_and_send(2)
    [message] = sent_to(board)
    assert message.subject == (
        f"[OPO Portal] Urgent: case #{case.pk} of OBS De Vlindertuin has waited 2 days"
    )
    assert "Since 7 December 2026, 2 days ago, it has waited for action" in flat(message)


def test_the_days_are_a_setting(settings, school_a, director_a, board):
    settings.MONITORING_URGENT_STALE_DAYS = 4
    urgent_case(school_a)
    assert sweep_and_send(3) == 0
    assert sweep_and_send(4) == 1


@pytest.mark.parametrize("n", [1, 12])
def test_the_sweep_reads_and_writes_a_fixed_number_of_queries(
    django_assert_num_queries, n, school_a, school_b, director_a, board
):
    """The same for one case as for many, at one school or several, "new", reopened from
    "gesloten" or made urgent after its conversation, with two board members: savepoint,
    the cases (locked), the board, the claim, the duties, release."""
    make_staff("bestuur2@example.org", Role.BOARD)
    for i in range(n):
        urgent_case(school_a if i % 2 else school_b)
    for _i in range(n):
        reopened_after_its_conversation(school_a, director_a)
        made_urgent_after_its_conversation(school_a, director_a)
    with time_machine.travel(sweep_day(3), tick=False), django_assert_num_queries(6):
        assert urgent_stale_escalate() == 3 * n
    assert Duty.objects.filter(key__startswith="urgent-stale:").count() == 6 * n


@pytest.mark.parametrize("n", [1, 12])
def test_the_sweep_without_a_board_member_reads_a_fixed_number_of_queries(
    django_assert_num_queries, n, school_a, school_b, director_a, director_b
):
    """Without a board member: the directors of the cases' schools, one query more; the
    cases of a school without a director are left unclaimed."""
    school_c = School.objects.create(code="esdoorn", name="OBS De Esdoorn")
    for i in range(n):
        urgent_case((school_a, school_b, school_c)[i % 3])
    waiting = FollowUp.objects.filter(school=school_c).count()
    with time_machine.travel(sweep_day(2), tick=False), django_assert_num_queries(7):
        assert urgent_stale_escalate() == n - waiting
    assert Duty.objects.filter(key__startswith="urgent-stale:").count() == n - waiting
    assert FollowUp.objects.filter(urgent_escalated_at__isnull=True).count() == waiting


def test_the_board_home_says_the_case_was_escalated(login, school_a, director_a, board):
    escalated, waiting = urgent_case(school_a), urgent_case(school_a)
    with time_machine.travel(sweep_day(2), tick=False):
        urgent_stale_escalate()
        FollowUp.objects.filter(pk=waiting.pk).update(urgent_escalated_at=None)
        page = login(board).get(reverse("accounts:home_board"), HTTP_ACCEPT_LANGUAGE="nl")
    lines = {
        case.pk: next(
            " ".join(re.sub(r"<[^>]+>", " ", li).split())
            for li in page.content.decode().split("<li>")
            if f"/monitoring/zaken/{case.pk}/" in li
        )
        for case in (escalated, waiting)
    }
    assert "bestuur gemaild: geen actie sinds de melding" in lines[escalated.pk]
    assert "bestuur gemaild" not in lines[waiting.pk]


def test_it_runs_every_morning_at_the_schools_hours():
    entry = django_settings.CELERY_BEAT_SCHEDULE["monitoring-urgent-stale"]
    assert entry["task"] == "monitoring.escalate_urgent_stale_cases"
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {13}


def test_the_time_is_a_school_day_not_48_hours(school_a, director_a, board):
    """Told on Monday at 10:00: on Wednesday morning the case has waited two days."""
    urgent_case(school_a)
    assert timezone.localtime(NOTICE).weekday() == 0
    assert sweep_and_send(2) == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_tell_the_board_once(school_a, director_a, board):
    """Two beats (or a beat's tick taken by two workers): the second waits for the first's
    lock on the cases, then finds them claimed (PostgreSQL)."""
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"
    urgent_case(school_a)
    counts = []
    with time_machine.travel(sweep_day(2), tick=False):
        at_the_same_moment(
            lambda: counts.append(urgent_stale_escalate()),
            lambda: counts.append(urgent_stale_escalate()),
        )
        run_due_duties()
    assert sorted(counts) == [0, 1]
    assert len(sent_to(board)) == 1


def test_a_weekend_is_no_school_days(school_a, director_a, board):
    """Told on Friday: the school had no day to act on Saturday and Sunday, so the board
    is e-mailed on Tuesday morning, after Monday, not on Sunday (until 2026-12-07 the days
    were calendar days, whatever the README and the setting said)."""
    friday = NOTICE + datetime.timedelta(days=4)
    case = urgent_case(school_a)
    FollowUp.objects.filter(pk=case.pk).update(opened_at=friday, urgent_notified_at=friday)
    assert [sweep_and_send(days) for days in (5, 6, 7)] == [0, 0, 0]  # Sat, Sun, Mon
    assert sweep_and_send(8) == 1  # Tuesday
    [message] = sent_to(board)
    assert "Sinds 11 december 2026, 4 dagen geleden" in flat(message)
