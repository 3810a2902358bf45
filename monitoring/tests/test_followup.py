"""Cases: near-duplicates join, urgent signals go first, the workflow and the reply rule."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from monitoring import services
from monitoring.models import FollowUp, PublicReply
from monitoring.notifications import urgent_stale_escalate
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
from outbox.tests.helpers import run_due_duties

pytestmark = pytest.mark.django_db

STORY = (
    "Ik hoor dat Het Zwanenhof volgend schooljaar sluit en dat alle leerlingen naar Exloo moeten"
)


@pytest.fixture
def source(db):
    return make_source()


def test_it_joins_a_near_duplicate_post_to_the_open_case_of_the_story(source, school_b):
    now = timezone.now()
    first = make_post(source, "1", STORY)
    case = services.followup_open_or_join(school_id=school_b.pk, post=first, urgent=False, now=now)
    retold = make_post(source, "2", STORY.replace("Ik hoor dat", "Klopt het dat") + "?")
    joined = services.followup_open_or_join(
        school_id=school_b.pk, post=retold, urgent=False, now=now
    )
    assert joined == case


def test_it_opens_a_new_case_for_a_different_story(source, school_b):
    now = timezone.now()
    first = make_post(source, "1", STORY)
    case = services.followup_open_or_join(school_id=school_b.pk, post=first, urgent=False, now=now)
    other = make_post(source, "2", "Het overblijven op Het Zwanenhof is veel te druk en rommelig")
    new = services.followup_open_or_join(school_id=school_b.pk, post=other, urgent=False, now=now)
    assert new != case


def test_it_does_not_join_a_story_of_another_school_or_an_old_case(source, school_a, school_b):
    now = timezone.now()
    post = make_post(source, "1", STORY)
    old = make_case(school_b, opened_at=now - datetime.timedelta(days=30))
    old.shingles = services.shingles(STORY)
    old.save()
    other_school = services.followup_open_or_join(
        school_id=school_a.pk, post=post, urgent=False, now=now
    )
    same_school = services.followup_open_or_join(
        school_id=school_b.pk, post=post, urgent=False, now=now
    )
    assert other_school.school == school_a
    assert same_school != old


def test_it_recognises_bullying_threats_and_self_harm_as_urgent():
    assert services.is_urgent("Mijn zoon wordt al weken gepest", [])
    assert services.is_urgent("Ik ga die juf in elkaar slaan", [])
    assert services.is_urgent("Ze wil niet meer leven", [])
    assert not services.is_urgent("De juf was boos omdat we te laat waren", [])
    assert not services.is_urgent("Wat een mesjes in de knutselles", [])


def test_it_puts_urgent_cases_first_and_tells_the_director_once(
    source, school_a, director_a, django_capture_on_commit_callbacks
):
    now = timezone.now()
    post = make_post(source, "1", "Mijn zoon wordt gepest op De Vlindertuin")
    with django_capture_on_commit_callbacks(execute=True):
        case = services.followup_open_or_join(
            school_id=school_a.pk, post=post, urgent=True, now=now
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.followup_open_or_join(school_id=school_a.pk, post=post, urgent=True, now=now)
    case.refresh_from_db()
    assert case.priority == FollowUp.Priority.URGENT
    assert [m.to for m in mail.outbox] == [[director_a.email]]
    assert "gepest" not in mail.outbox[0].body


def test_it_closes_a_new_case_when_its_only_flag_is_dismissed(source, school_a, director_a):
    case = make_case(school_a)
    flag = make_flag(make_post(source), school_a, case=case)
    services.flag_dismiss(flag=flag, user=director_a)
    case.refresh_from_db()
    flag.refresh_from_db()
    assert flag.dismissed_as_false_positive and flag.dismissed_by == director_a
    assert case.status == FollowUp.Status.NO_ACTION and case.closed_at


# --- Workflow -------------------------------------------------------------------------


def test_it_moves_a_case_through_planned_held_closed(school_a, teacher_a):
    case = make_case(school_a, opened_at=timezone.now() - datetime.timedelta(days=14))
    day = timezone.localdate() - datetime.timedelta(days=7)  # held a week ago
    services.followup_update(  # planned a week before that
        case=case,
        status="conversation_planned",
        assigned_to=teacher_a,
        planned_for=day,
        now=timezone.now() - datetime.timedelta(days=14),
    )
    services.followup_update(
        case=case, status="conversation_held", assigned_to=teacher_a, held_on=day
    )
    services.followup_update(
        case=case, status="closed", assigned_to=teacher_a, notes="Goed gesprek"
    )
    case.refresh_from_db()
    assert (case.status, case.held_on, case.notes) == ("closed", day, "Goed gesprek")
    assert case.closed_at is not None


def test_it_refuses_to_skip_from_new_to_closed(school_a):
    case = make_case(school_a)
    with pytest.raises(ValidationError):
        services.followup_update(
            case=case, status="closed", held_on=timezone.localdate() - datetime.timedelta(days=1)
        )


def test_it_needs_a_date_for_a_planned_conversation(school_a):
    with pytest.raises(ValidationError):
        services.followup_update(case=make_case(school_a), status="conversation_planned")


def test_it_assigns_only_staff_of_the_case_school(school_a, director_b):
    with pytest.raises(ValidationError):
        services.followup_update(case=make_case(school_a), status="new", assigned_to=director_b)


# --- No online reply except a director-approved correction --------------------------------


@pytest.fixture
def fact_case(source, school_a):
    case = make_case(school_a)
    make_flag(make_post(source), school_a, category="verify_fact", case=case)
    return case


def test_it_refuses_a_public_reply_on_a_case_without_a_factual_claim(source, school_a, director_a):
    case = make_case(school_a)
    make_flag(make_post(source), school_a, category="negative_experience", case=case)
    with pytest.raises(ValidationError):
        services.public_reply_draft(case=case, text="Dat klopt niet", user=director_a)
    assert PublicReply.objects.count() == 0


def test_it_refuses_a_reply_when_the_factual_claim_was_a_false_positive(fact_case, director_a):
    services.flag_dismiss(flag=fact_case.flags.get(), user=director_a)
    with pytest.raises(ValidationError):
        services.public_reply_draft(case=fact_case, text="De school sluit niet.", user=director_a)


def test_it_lets_staff_draft_a_correction_for_a_factual_claim(fact_case, teacher_a):
    reply = services.public_reply_draft(
        case=fact_case, text="De school sluit niet.", user=teacher_a
    )
    assert reply.drafted_by == teacher_a and not reply.is_approved


def test_it_lets_only_the_school_director_approve(
    fact_case, teacher_a, director_b, board, director_a
):
    reply = services.public_reply_draft(
        case=fact_case, text="De school sluit niet.", user=teacher_a
    )
    for not_director in (teacher_a, director_b, board):
        with pytest.raises(ValidationError):
            services.public_reply_approve(reply=reply, user=not_director)
    services.public_reply_approve(reply=reply, user=director_a)
    assert reply.approved_by == director_a


def test_it_records_a_reply_as_posted_only_after_approval(fact_case, teacher_a, director_a):
    reply = services.public_reply_draft(
        case=fact_case, text="De school sluit niet.", user=teacher_a
    )
    with pytest.raises(ValidationError):
        services.public_reply_record_posted(reply=reply, user=teacher_a)
    services.public_reply_approve(reply=reply, user=director_a)
    services.public_reply_record_posted(
        reply=reply, user=teacher_a, posted_url="https://x.example/1"
    )
    reply.refresh_from_db()
    assert reply.is_posted and reply.posted_url == "https://x.example/1"


def test_it_enforces_approval_before_posting_in_the_database(fact_case, teacher_a):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        PublicReply.objects.create(
            followup=fact_case,
            text="x",
            drafted_by=teacher_a,
            drafted_at=timezone.now(),
            posted_at=timezone.now(),
        )


def test_it_records_no_reply_as_posted_once_the_factual_claim_was_dismissed(
    login, fact_case, director_a
):
    from django.urls import reverse

    reply = services.public_reply_draft(
        case=fact_case, text="De school sluit niet.", user=director_a
    )
    services.public_reply_approve(reply=reply, user=director_a)
    client = login(director_a)
    client.post(reverse("monitoring:flag_dismiss", args=[fact_case.flags.get().pk]))
    page = client.get(reverse("monitoring:case", args=[fact_case.pk])).content.decode()
    assert reverse("monitoring:reply_posted", args=[reply.pk]) not in page
    response = client.post(reverse("monitoring:reply_posted", args=[reply.pk]), follow=True)
    assert "Een openbare reactie kan alleen om een feitelijke" in response.content.decode()
    reply.refresh_from_db()
    assert not reply.is_posted


# --- An edited post ----------------------------------------------------------------------

COMPLAINT = "Op De Vlindertuin is het een puinhoop, ik ben echt boos en teleurgesteld over de juf"


def _ingest(source, text: str, external_id: str = "e1") -> None:
    from monitoring.sources.base import FetchedPost, FetchResult

    item = FetchedPost(
        external_id=external_id,
        url=f"https://buurt.example/{external_id}",
        author_handle="ouder",
        text=text,
        has_media=False,
        published_at=timezone.now(),
    )
    services.source_ingest(source=source, result=FetchResult(posts=[item]))


def test_an_edit_after_the_case_closed_opens_no_empty_case(source, school_a, teacher_a):
    # a second case opened without a flag or post: nobody could tell what to follow up
    _ingest(source, COMPLAINT)
    case = FollowUp.objects.get()
    today = timezone.localdate()
    services.followup_update(case=case, status="conversation_held", held_on=today)
    services.followup_update(case=case, status="closed")
    _ingest(source, COMPLAINT + " en het is nog steeds niet opgelost")
    # new terms: the closed case itself is reopened (below), never a second, empty one
    assert list(FollowUp.objects.values_list("pk", flat=True)) == [case.pk]
    assert not FollowUp.objects.filter(flags__isnull=True).exists()


def test_an_edit_while_the_case_is_open_stays_in_it_and_can_make_it_urgent(
    source, school_a, director_a
):
    _ingest(source, COMPLAINT)
    _ingest(source, COMPLAINT + ", mijn zoon wordt gepest")
    case = FollowUp.objects.get()
    assert case.priority == FollowUp.Priority.URGENT
    assert case.flags.exists()


# --- An edit after the case closed: a new complaint reopens it ---------------------------

GEPEST = COMPLAINT + ", en nu wordt mijn zoon ook nog gepest"


def _closed_case(source, director, assignee):
    _ingest(source, COMPLAINT)
    case = FollowUp.objects.get()
    today = timezone.localdate()
    services.followup_update(
        case=case, status="conversation_held", held_on=today, assigned_to=assignee, user=director
    )
    services.followup_update(
        case=case, status="closed", assigned_to=assignee, notes="gesproken", user=director
    )
    run_due_duties()
    mail.outbox.clear()
    return case


def test_an_edit_with_a_new_complaint_reopens_the_closed_case_and_tells_its_assignee(
    source, school_a, teacher_a, director_a
):
    # the flag was updated, no case opened and nobody told, even of an urgent complaint
    case = _closed_case(source, director_a, teacher_a)
    _ingest(source, GEPEST)
    run_due_duties()
    case.refresh_from_db()
    assert FollowUp.objects.count() == 1
    assert case.status == FollowUp.Status.CONVERSATION_HELD
    assert case.closed_at is None and case.closed_by is None
    assert case.assigned_to == teacher_a and case.notes == "gesproken"
    assert case.priority == FollowUp.Priority.URGENT
    assert set(case.flags.values_list("post__external_id", flat=True)) == {"e1"}
    told = [m for m in mail.outbox if teacher_a.email in m.to]
    assert len(told) == 1
    assert "gepest" not in told[0].body and f"#{case.pk}" in told[0].body
    assert "gewijzigd" in told[0].body


def test_an_edit_with_a_new_complaint_reopens_a_no_action_case_for_the_director(
    source, school_a, director_a
):
    _ingest(source, COMPLAINT)
    case = FollowUp.objects.get()
    services.followup_update(case=case, status="no_action", user=director_a)
    run_due_duties()
    mail.outbox.clear()
    _ingest(source, GEPEST)
    run_due_duties()
    case.refresh_from_db()
    assert (case.status, case.assigned_to) == (FollowUp.Status.NEW, director_a)
    assert any(director_a.email in m.to for m in mail.outbox)


def test_an_edit_without_new_terms_leaves_the_closed_case_closed_and_tells_nobody(
    source, school_a, teacher_a, director_a
):
    case = _closed_case(source, director_a, teacher_a)
    _ingest(source, COMPLAINT + "!")
    run_due_duties()
    case.refresh_from_db()
    assert case.status == FollowUp.Status.CLOSED and FollowUp.objects.count() == 1
    assert mail.outbox == []


def test_an_edit_reopening_the_case_of_someone_who_left_gives_it_to_the_director(
    source, school_a, teacher_a, director_a
):
    from schools.models import StaffMembership

    case = _closed_case(source, director_a, teacher_a)
    StaffMembership.objects.filter(user=teacher_a).delete()
    run_due_duties()
    mail.outbox.clear()
    _ingest(source, GEPEST)
    run_due_duties()
    case.refresh_from_db()
    assert case.is_open and case.assigned_to == director_a
    assert [m.to for m in mail.outbox if teacher_a.email in m.to] == []
    assert any(director_a.email in m.to for m in mail.outbox)


def test_an_edit_that_cannot_reopen_the_case_opens_a_new_one_instead_of_failing(
    source, school_a, teacher_a, director_a
):
    case = _closed_case(source, director_a, teacher_a)
    FollowUp.objects.filter(pk=case.pk).update(held_on=None)  # older data, no date
    _ingest(source, GEPEST)
    new = FollowUp.objects.exclude(pk=case.pk).get()
    assert new.is_open and new.flags.exists()
    assert FollowUp.objects.get(pk=case.pk).status == FollowUp.Status.CLOSED


def _urgent_mails(director) -> list:
    return [m for m in mail.outbox if director.email in m.to and "Dringend:" in m.subject]


def test_an_urgent_case_reopened_by_an_edit_tells_the_directors_again_once(
    source, school_a, teacher_a, director_a
):
    # urgent_notified_at stayed set from before the close: the directors heard nothing of
    # a reopened case that a threat made urgent again
    _ingest(source, GEPEST)
    run_due_duties()
    assert len(_urgent_mails(director_a)) == 1
    case = FollowUp.objects.get()
    services.followup_update(
        case=case, status="conversation_held", held_on=timezone.localdate(), user=director_a
    )
    services.followup_update(case=case, status="closed", user=director_a)
    run_due_duties()
    mail.outbox.clear()
    threat = GEPEST + ", ze willen hem in elkaar slaan"
    _ingest(source, threat)
    run_due_duties()
    case.refresh_from_db()
    assert case.is_open and case.priority == FollowUp.Priority.URGENT
    assert len(_urgent_mails(director_a)) == 1
    _ingest(source, threat)  # the next fetch: the same post, nothing new
    _ingest(source, threat + "!")
    run_due_duties()
    assert len(_urgent_mails(director_a)) == 1


def test_a_case_reopened_by_hand_that_is_urgent_tells_the_other_directors(
    source, school_a, teacher_a, director_a
):
    _ingest(source, GEPEST)
    case = FollowUp.objects.get()
    services.followup_update(case=case, status="no_action", user=director_a)
    run_due_duties()
    mail.outbox.clear()
    services.followup_update(case=case, status="new", assigned_to=teacher_a, user=teacher_a)
    run_due_duties()
    assert len(_urgent_mails(director_a)) == 1
    # a director who reopens it knows: they are not told of their own reopening
    services.followup_update(case=case, status="no_action", user=director_a)
    run_due_duties()
    mail.outbox.clear()
    services.followup_update(case=case, status="new", assigned_to=teacher_a, user=director_a)
    run_due_duties()
    assert _urgent_mails(director_a) == []
    assert FollowUp.objects.get(pk=case.pk).urgent_notified_at is not None


def test_the_urgent_notice_of_a_case_reopened_by_an_edit_says_so_and_why(
    source, school_a, teacher_a, director_a
):
    # the notice read like a new case: "Een bericht over … bevat signalen …"
    _ingest(source, GEPEST)
    case = FollowUp.objects.get()
    services.followup_update(
        case=case, status="conversation_held", held_on=timezone.localdate(), user=director_a
    )
    services.followup_update(case=case, status="closed", user=director_a)
    run_due_duties()
    mail.outbox.clear()
    _ingest(source, GEPEST + ", ze willen hem in elkaar slaan")
    run_due_duties()
    [notice] = _urgent_mails(director_a)
    assert "heropend" in notice.subject
    assert f"Zaak #{case.pk} van {school_a.name} is heropend" in notice.body
    assert "de schrijver heeft een bericht in de zaak gewijzigd" in notice.body
    assert "gepest" not in notice.body and "slaan" not in notice.body


def test_a_case_made_urgent_by_the_edit_that_reopened_it_says_it_was_reopened(
    source, school_a, teacher_a, director_a
):
    case = _closed_case(source, director_a, teacher_a)
    run_due_duties()
    mail.outbox.clear()
    _ingest(source, GEPEST)
    run_due_duties()
    [notice] = _urgent_mails(director_a)
    assert f"Zaak #{case.pk} van {school_a.name} is heropend" in notice.body
    assert "gewijzigd" in notice.body


def test_a_case_made_urgent_by_the_edit_that_reopened_it_reaches_the_board_when_left(
    source, school_a, teacher_a, director_a, board
):
    """It stands at "gesprek gevoerd"; the daily sweep took only "nieuw" cases, so nobody
    above the school ever heard that nothing followed (test_urgent_stale.py)."""
    case = _closed_case(source, director_a, teacher_a)
    _ingest(source, GEPEST)
    run_due_duties()
    case.refresh_from_db()
    assert case.status == FollowUp.Status.CONVERSATION_HELD and case.reopened_at is not None
    with time_machine.travel(timezone.now() + datetime.timedelta(days=5), tick=False):
        assert urgent_stale_escalate() == 1
        run_due_duties()
    assert any(board.email in m.to for m in mail.outbox)


def _held_case(source, director, assignee):
    """The complaint's case, its conversation held today and never closed."""
    _ingest(source, COMPLAINT)
    case = FollowUp.objects.get()
    services.followup_update(
        case=case,
        status="conversation_held",
        held_on=timezone.localdate(),
        assigned_to=assignee,
        user=director,
    )
    run_due_duties()
    mail.outbox.clear()
    return case


@pytest.mark.parametrize(
    "post",
    [
        ("e1", GEPEST),  # the writer edits the post of the case
        ("e2", "Ook bij ons: " + GEPEST),  # a new post of the same story joins the case
    ],
    ids=["edited", "joined"],
)
def test_a_case_made_urgent_after_its_conversation_reaches_the_board_when_left(
    source, school_a, teacher_a, director_a, board, post
):
    """Never closed, at "gesprek gevoerd": the urgent post came in after the conversation,
    and nobody acted on it. The sweep took only "nieuw" and reopened cases, so the board
    never heard (test_urgent_stale.py)."""
    case = _held_case(source, director_a, teacher_a)
    _ingest(source, post[1], external_id=post[0])
    run_due_duties()
    case.refresh_from_db()
    assert FollowUp.objects.count() == 1
    assert case.status == FollowUp.Status.CONVERSATION_HELD
    assert case.priority == FollowUp.Priority.URGENT and case.reopened_at is not None
    assert len(_urgent_mails(director_a)) == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(days=5), tick=False):
        assert urgent_stale_escalate() == 1
        run_due_duties()
    assert any(board.email in m.to for m in mail.outbox)


def test_the_urgent_notice_of_a_case_reopened_by_hand_says_by_whom(
    source, school_a, teacher_a, director_a
):
    _ingest(source, GEPEST)
    case = FollowUp.objects.get()
    services.followup_update(case=case, status="no_action", user=director_a)
    run_due_duties()
    mail.outbox.clear()
    services.followup_update(case=case, status="new", assigned_to=teacher_a, user=teacher_a)
    run_due_duties()
    [notice] = _urgent_mails(director_a)
    assert f"is heropend door {teacher_a}" in notice.body
    assert "gepest" not in notice.body


def test_the_urgent_notice_of_a_reopened_case_is_in_english_for_who_chose_it(
    source, school_a, teacher_a, director_a
):
    director_a.language = "en"
    director_a.save()
    _ingest(source, GEPEST)
    case = FollowUp.objects.get()
    services.followup_update(case=case, status="no_action", user=director_a)
    run_due_duties()
    mail.outbox.clear()
    services.followup_update(case=case, status="new", assigned_to=teacher_a, user=teacher_a)
    run_due_duties()
    [notice] = [m for m in mail.outbox if "Urgent:" in m.subject]
    assert notice.subject.endswith(f"Urgent: a case of {school_a.name} was reopened")
    assert f"Case #{case.pk} of {school_a.name} was reopened by {teacher_a}" in notice.body
