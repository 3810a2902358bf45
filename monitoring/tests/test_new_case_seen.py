"""A complaint must be seen: a new case at a school with a director e-mails each of its
directors once (not the one who reported or marked the post), through the outbox, so it
does not wait on the dashboard until the director's next visit. At a school without a
director the board member it goes to gets the assignment e-mail, as before."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff
from monitoring import services
from monitoring.models import FollowUp, Mention
from monitoring.sources.base import FetchedPost, FetchResult
from monitoring.tests.helpers import make_post, make_source
from outbox.models import Duty
from outbox.services import duties_sweep
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role

COMPLAINT = "Op De Vlindertuin is het een puinhoop, ik ben echt boos en teleurgesteld over de juf"
URGENT = "Mijn zoon wordt elke dag gepest op De Vlindertuin en de juf doet niets, ik ben boos"


def ingest(school, text: str, external_id: str) -> None:
    """A fetched post (nobody's action), stored and classified as a source run does."""
    item = FetchedPost(
        external_id=external_id, url=f"https://buurt.example/{external_id}", text=text
    )
    source = make_source(url=f"https://feeds.example/{external_id}.rss", school=school)
    services.source_ingest(source=source, result=FetchResult(posts=[item]))


def report(school, user, text=COMPLAINT, url="https://buurt.example/r1"):
    return services.post_report(
        school=school, url=url, text=text, has_media=False, user=user, category=""
    )


def sent_to(user) -> list:
    return [m for m in mail.outbox if user.email in m.to]


def new_case_to(user) -> list:
    return [
        m for m in sent_to(user) if m.subject.startswith("[OPO Portal] Een nieuwe monitoringzaak")
    ]


def assert_no_post_text(message) -> None:
    text = message.subject + message.body
    for word in ("puinhoop", "boos", "teleurgesteld", "juf", "gepest", "zoon"):
        assert word not in text


@pytest.fixture
def colleague(school_a):
    """The school's second director (an adjunct)."""
    return make_staff("adjunct.a@example.org", Role.DIRECTOR, school_a)


def test_a_new_case_e_mails_each_director_of_the_school_once(
    school_a, director_a, colleague, teacher_a
):
    ingest(school_a, COMPLAINT, "1")
    run_due_duties()
    case = FollowUp.objects.get()
    assert case.priority == FollowUp.Priority.NORMAL
    assert case.assigned_to is None  # still the directors' to give
    for director in (director_a, colleague):
        [message] = sent_to(director)
        assert message.subject == "[OPO Portal] Een nieuwe monitoringzaak van OBS De Vlindertuin"
        assert reverse("monitoring:case", args=[case.pk]) in message.body
        assert "OBS De Vlindertuin" in message.body
        assert "Waar het over gaat: negatieve ervaring." in message.body
        assert_no_post_text(message)
    assert sent_to(teacher_a) == []
    assert len(mail.outbox) == 2


def test_a_post_joining_the_open_case_sends_nothing_more(school_a, director_a):
    ingest(school_a, COMPLAINT, "1")
    ingest(school_a, "Doorgestuurd: " + COMPLAINT, "2")
    run_due_duties()
    assert FollowUp.objects.count() == 1
    assert len(new_case_to(director_a)) == 1
    ingest(school_a, "Ook gehoord: " + COMPLAINT, "3")
    run_due_duties()
    assert FollowUp.objects.count() == 1 and len(mail.outbox) == 1


def test_the_director_who_reported_the_post_is_not_told(school_a, director_a, colleague):
    report(school_a, director_a)
    run_due_duties()
    assert FollowUp.objects.count() == 1
    assert sent_to(director_a) == []
    assert len(new_case_to(colleague)) == 1


def test_the_director_who_marked_the_post_is_not_told(school_a, director_a, colleague):
    post = make_post(make_source(), text="Wat een gedoe bij die school")
    Mention.objects.create(post=post, school=school_a, created_at=post.fetched_at)
    services.post_mark(post=post, school=school_a, category="insult", user=director_a)
    run_due_duties()
    assert sent_to(director_a) == []
    [message] = new_case_to(colleague)
    assert "Waar het over gaat: belediging of bedreiging." in message.body


def test_the_only_director_reporting_a_post_is_sent_nothing(school_a, director_a):
    report(school_a, director_a)
    run_due_duties()
    assert FollowUp.objects.count() == 1 and mail.outbox == []


def test_a_director_who_chose_english_reads_it_in_english(school_a, director_a):
    director_a.language = "en"
    director_a.save(update_fields=["language"])
    ingest(school_a, COMPLAINT, "1")
    run_due_duties()
    [message] = sent_to(director_a)
    assert message.subject == "[OPO Portal] A new monitoring case of OBS De Vlindertuin"
    assert "What it is about: negative experience." in message.body


def test_a_school_without_a_director_is_unchanged_its_board_member_gets_the_case(school_b, board):
    ingest(school_b, COMPLAINT.replace("De Vlindertuin", "Het Zwanenhof"), "1")
    run_due_duties()
    case = FollowUp.objects.get()
    assert case.assigned_to == board
    [message] = mail.outbox
    assert message.to == [board.email] and "toegewezen" in message.subject


def test_an_urgent_new_case_gets_the_urgent_e_mail_only(school_a, director_a):
    ingest(school_a, URGENT, "1")
    run_due_duties()
    [message] = sent_to(director_a)
    assert "Dringend" in message.subject


def test_a_case_that_becomes_urgent_later_still_gets_the_urgent_e_mail(school_a, director_a):
    ingest(school_a, COMPLAINT, "1")
    run_due_duties()
    ingest(school_a, COMPLAINT + " en mijn zoon wordt gepest", "2")
    run_due_duties()
    assert FollowUp.objects.count() == 1
    assert len(new_case_to(director_a)) == 1
    assert len([m for m in sent_to(director_a) if "Dringend" in m.subject]) == 1


def test_a_case_made_urgent_before_its_e_mail_went_sends_the_urgent_one_only(school_a, director_a):
    ingest(school_a, COMPLAINT, "1")
    ingest(school_a, COMPLAINT + " en mijn zoon wordt gepest", "2")
    run_due_duties()
    [message] = sent_to(director_a)
    assert "Dringend" in message.subject


def test_a_case_reopened_by_a_director_tells_the_other_director_once(
    school_a, director_a, colleague
):
    ingest(school_a, COMPLAINT, "1")
    case = FollowUp.objects.get()
    services.followup_update(case=case, status="no_action", user=director_a)
    run_due_duties()
    mail.outbox.clear()
    services.followup_update(case=case, status="new", user=director_a)
    services.followup_update(case=case, status="new", user=director_a)  # saved again
    run_due_duties()
    assert sent_to(director_a) == []
    [message] = sent_to(colleague)
    assert message.subject == "[OPO Portal] Een monitoringzaak van OBS De Vlindertuin is heropend"
    assert f"Zaak #{case.pk} van OBS De Vlindertuin is heropend door" in message.body
    assert reverse("monitoring:case", args=[case.pk]) in message.body
    assert_no_post_text(message)


def test_each_reopening_is_told_once(school_a, director_a, colleague):
    ingest(school_a, COMPLAINT, "1")
    case = FollowUp.objects.get()
    for _round in range(2):
        services.followup_update(case=case, status="no_action", user=director_a)
        services.followup_update(case=case, status="new", user=director_a)
    run_due_duties()
    assert len([m for m in sent_to(colleague) if "heropend" in m.subject]) == 2


def test_a_case_closed_before_its_e_mail_went_sends_nothing(school_a, director_a, colleague):
    ingest(school_a, COMPLAINT, "1")
    case = FollowUp.objects.get()
    services.followup_update(case=case, status="no_action", user=director_a)
    run_due_duties()
    assert new_case_to(colleague) == [] and new_case_to(director_a) == []


def test_a_director_who_left_before_it_went_is_replaced_by_the_one_named_since(
    school_a, director_a
):
    ingest(school_a, COMPLAINT, "1")
    StaffMembership.objects.filter(user=director_a).delete()
    successor = make_staff("nieuwe.directeur@example.org", Role.DIRECTOR, school_a)
    run_due_duties()
    assert sent_to(director_a) == []
    assert len(new_case_to(successor)) == 1


def test_with_redis_down_at_opening_the_e_mail_goes_later(
    eager_tasks,
    monkeypatch,
    hanging_broker,
    django_capture_on_commit_callbacks,
    school_a,
    director_a,
    colleague,
):
    with django_capture_on_commit_callbacks(execute=True):
        ingest(school_a, COMPLAINT, "1")
    assert FollowUp.objects.count() == 1
    assert len(hanging_broker) == 1 and mail.outbox == []
    assert Duty.objects.filter(status=Duty.Status.PENDING, key__startswith="new-case:").count() == 2

    monkeypatch.undo()  # Redis is back: the beat's sweep sends what waited
    Duty.objects.update(next_attempt_at=timezone.now())
    duties_sweep()
    assert len(new_case_to(director_a)) == 1 and len(new_case_to(colleague)) == 1


def test_a_case_reopened_by_an_edit_tells_the_directors_who_do_not_have_it(
    school_a, director_a, colleague
):
    source = make_source()

    def fetch(text):
        item = FetchedPost(external_id="e1", url="https://buurt.example/e1", text=text)
        services.source_ingest(source=source, result=FetchResult(posts=[item]))

    fetch(COMPLAINT)
    case = FollowUp.objects.get()
    services.followup_update(case=case, status="no_action", user=director_a)
    run_due_duties()
    mail.outbox.clear()
    fetch(COMPLAINT + ". Slechte school, de directeur reageert nooit op mails")
    case.refresh_from_db()
    assert case.is_open and case.assigned_to == director_a  # the leaders' first
    run_due_duties()
    assert [m for m in sent_to(director_a) if "toegewezen" in m.subject]  # theirs now
    assert [m for m in sent_to(director_a) if "heropend" in m.subject] == []
    [message] = sent_to(colleague)
    assert "is heropend: een bericht in de zaak is door de schrijver gewijzigd" in message.body
    assert f"De zaak is toegewezen aan {director_a.get_full_name()}" in message.body
    assert_no_post_text(message)


def _reopen_own_case(login, case, owner) -> None:
    """`owner` has the case, closes it and reopens it themselves on the case page."""
    services.followup_update(case=case, status=case.status, assigned_to=owner)
    client = login(owner)
    url = reverse("monitoring:case_update", args=[case.pk])
    reason = {"no_action_reason": "misverstand"}
    assert client.post(url, {"status": "no_action", "notes": "", **reason}).status_code == 302
    run_due_duties()
    mail.outbox.clear()
    data = {"status": "new", "notes": "toch nog even bellen"}
    if StaffMembership.objects.filter(user=owner, role=Role.DIRECTOR).exists():  # the form asks
        data["assigned_to"] = owner.pk
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.is_open and case.assigned_to == owner


@pytest.mark.parametrize("owner", ["teacher_a", "director_a"])
def test_a_case_reopened_by_whoever_has_it_tells_nobody(
    request, login, school_a, director_a, colleague, owner
):
    """Whoever has the case picked it up again: it is theirs and seen, nothing for the
    directors to do; they see it open on their pages. Who did it is never told of it, so a
    teacher's own reopening told the directors, and a director's own the other director."""
    owner = request.getfixturevalue(owner)
    ingest(school_a, COMPLAINT, "1")
    _reopen_own_case(login, FollowUp.objects.get(), owner)
    run_due_duties()
    assert mail.outbox == []


def test_a_teachers_case_reopened_by_a_director_tells_the_teacher_and_the_other_director(
    login, school_a, director_a, colleague, teacher_a
):
    ingest(school_a, COMPLAINT, "1")
    case = FollowUp.objects.get()
    services.followup_update(case=case, status="new", assigned_to=teacher_a)
    services.followup_update(case=case, status="no_action", assigned_to=teacher_a, user=director_a)
    run_due_duties()
    mail.outbox.clear()
    services.followup_update(case=case, status="new", assigned_to=teacher_a, user=director_a)
    run_due_duties()
    assert sent_to(director_a) == []
    assert [m for m in sent_to(teacher_a) if "heropend" in m.subject]
    assert [m for m in sent_to(colleague) if "heropend" in m.subject]
