"""Reminders and the review round: a preview with counts and reasons, a confirmation, and
a report of how many went out."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import make_pupil, make_user
from consent.models import ReminderSent, ReviewRound
from consent.recipients import purpose_change_families, review_round_families
from consent.reminder_stop import reminders_resume, reminders_stop
from consent.services import parents_without_answers, reminder_plan
from consent.tests.helpers import decide
from outbox.models import Duty
from outbox.tests.helpers import run_due_duties
from schools.models import Guardianship

ALL = [
    (code, media)
    for code in ("schoolgids", "website", "nieuwsbrief", "ouderapp", "sociale-media", "pers")
    for media in ("photo", "video", "audio")
]


@pytest.fixture
def answered_parent(pupil_a2):
    user = make_user("klaar@example.org", full_name="Ouder Klaar")
    Guardianship.objects.create(user=user, pupil=pupil_a2, has_parental_authority=True)
    for code, media in ALL:
        decide(pupil_a2, user, code, media, True)
    return user


@pytest.fixture
def reminded_parent(pupil_a):
    user = make_user("herinnerd@example.org", full_name="Ouder Herinnerd")
    Guardianship.objects.create(user=user, pupil=pupil_a, has_parental_authority=True)
    ReminderSent.objects.create(
        user=user, week="2026-W01", sent_at=timezone.now() - datetime.timedelta(days=2)
    )
    return user


@pytest.fixture
def deactivated_parent(pupil_a2):
    """A gezag-holder with open questions whose account was deactivated: the outbox sends
    them nothing (outbox.services.recipient_email)."""
    user = make_user("uit@example.org", full_name="Ouder Uit", is_active=False)
    Guardianship.objects.create(user=user, pupil=pupil_a2, has_parental_authority=True)
    return user


def add_families(school, group, n: int) -> None:
    """`n` pupils with one gezag-holder each; every second holder's account deactivated."""
    for number in range(n):
        pupil = make_pupil(school, group, f"R{number}", f"Kind{number}", "Test")
        user = make_user(f"r{number}@example.org", is_active=number % 2 == 0)
        Guardianship.objects.create(user=user, pupil=pupil, has_parental_authority=True)


def remind_url(school, **query):
    url = reverse("consent:remind", args=[school.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_it_previews_who_gets_a_reminder_and_why_the_others_do_not(
    login, director_a, school_a, parent_a, answered_parent, reminded_parent
):
    response = login(director_a).get(remind_url(school_a))
    html = response.content.decode()
    assert "1 ouder krijgt een herinnering per e-mail." in html
    assert "1 ouder krijgt er geen: in de afgelopen 7 dagen al herinnerd." in html
    assert "1 ouder krijgt er geen: heeft alle vragen beantwoord." in html
    assert mail.outbox == [] and ReminderSent.objects.count() == 1  # a preview sends nothing


def test_it_sends_after_confirmation_and_reports_how_many_went_out(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    director_a,
    school_a,
    parent_a,
    answered_parent,
    reminded_parent,
):
    client = login(director_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url(school_a), follow=True)
    assert [m.to for m in mail.outbox] == [[parent_a.email]]
    assert "Sem" not in mail.outbox[0].body
    html = response.content.decode()
    assert "1 herinnering wordt verstuurd." in html
    assert "1 ouder krijgt er geen: in de afgelopen 7 dagen al herinnerd." in html
    assert "1 ouder krijgt er geen: heeft alle vragen beantwoord." in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(remind_url(school_a))  # a second click in the same week sends nothing
    assert len(mail.outbox) == 1


def test_it_reports_the_parents_skipped_in_the_plural_and_leaves_out_a_count_of_none(
    eager_tasks, django_capture_on_commit_callbacks, login, director_a, school_a, pupil_a2
):
    """Two parents who answered everything: "2 ouders … hebben", not "2 heeft alles
    beantwoord"; nobody reminded this week, so no "0 … al herinnerd"."""
    for number in range(2):
        user = make_user(f"klaar{number}@example.org")
        Guardianship.objects.create(user=user, pupil=pupil_a2, has_parental_authority=True)
        for code, media in ALL:
            decide(pupil_a2, user, code, media, True)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(director_a).post(remind_url(school_a), follow=True)
    html = response.content.decode()
    assert "2 ouders krijgen er geen: hebben alle vragen beantwoord." in html
    assert "heeft alles beantwoord" not in html
    assert "al herinnerd" not in html


def test_it_says_the_reminders_are_being_sent_while_the_mail_queue_is_down(
    hanging_broker,
    django_capture_on_commit_callbacks,
    login,
    director_a,
    school_a,
    parent_a,
):
    """With Redis (the mail queue) down the reminder is only queued: the report may not
    say it was sent. The sweeper sends it once the queue is back."""
    client = login(director_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url(school_a), follow=True)
    assert len(hanging_broker) == 1 and mail.outbox == []
    assert Duty.objects.get(key__startswith="consent-reminder:").status == Duty.Status.PENDING
    html = response.content.decode()
    assert "1 herinnering wordt verstuurd." in html
    assert "is verstuurd" not in html


def _claim_while_the_queue_is_down(client, school, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(remind_url(school))


def test_a_reminder_that_did_not_go_out_is_not_listed_as_sent(
    hanging_broker, django_capture_on_commit_callbacks, login, director_a, school_a, parent_a
):
    """Queued while the mail queue was down; the parent answered everything before it went,
    so nothing was sent: their "Mijn gegevens" may not list it as sent to them, nor may
    the week count as reminded."""
    _claim_while_the_queue_is_down(login(director_a), school_a, django_capture_on_commit_callbacks)
    for code, media in ALL:
        decide(parent_a.guardianships.get().pupil, parent_a, code, media, True)
    run_due_duties()
    assert mail.outbox == []
    assert not ReminderSent.objects.filter(user=parent_a).exists()
    page = login(parent_a).get(reverse("consent:my_data")).content.decode()
    sent_to_you = page.split("Herinneringen die u zijn gestuurd")[1].split('<h2 id="reminders">')[0]
    assert "<li>" not in sent_to_you and "Geen." in sent_to_you


def test_a_parent_who_stopped_and_resumed_before_it_went_is_reminded_on_the_next_click(
    hanging_broker, django_capture_on_commit_callbacks, login, director_a, school_a, parent_a
):
    client = login(director_a)
    _claim_while_the_queue_is_down(client, school_a, django_capture_on_commit_callbacks)
    reminders_stop(user_id=parent_a.pk)
    run_due_duties()  # stopped: not sent, and not claimed as sent
    assert mail.outbox == [] and not ReminderSent.objects.filter(user=parent_a).exists()
    reminders_resume(user_id=parent_a.pk)
    _claim_while_the_queue_is_down(client, school_a, django_capture_on_commit_callbacks)
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[parent_a.email]]
    assert ReminderSent.objects.filter(user=parent_a).count() == 1


def test_it_reminds_one_family_or_one_group(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    director_a,
    school_a,
    pupil_a,
    parent_a,
    pupil_a2,
):
    other = make_user("andere@example.org")
    Guardianship.objects.create(user=other, pupil=pupil_a2, has_parental_authority=True)
    client = login(director_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(remind_url(school_a), {"ouder": parent_a.pk})
    assert [m.to for m in mail.outbox] == [[parent_a.email]]
    plan = reminder_plan(school=school_a, group_id=pupil_a2.group_id)
    assert plan.to_send == (other.pk,)


@pytest.mark.parametrize("query", [{"groep": "x"}, {"ouder": "abc"}, {"groep": "999999"}])
def test_it_answers_bad_or_foreign_scopes_with_404_and_sends_nothing(
    login, director_a, school_a, parent_a, query
):
    assert login(director_a).post(remind_url(school_a), query).status_code == 404
    assert ReminderSent.objects.count() == 0


def test_it_refuses_a_parent_of_another_school(login, director_a, school_a, parent_b):
    response = login(director_a).get(remind_url(school_a, ouder=parent_b.pk))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("cast_member", "status"),
    [
        ("director_a", 200),
        ("board", 200),
        ("director_b", 404),
        ("privacy_officer", 404),
        ("teacher_a", 404),
        ("parent_a", 404),
    ],
)
def test_it_shows_the_preview_to_school_leaders_only(request, login, school_a, cast_member, status):
    user = request.getfixturevalue(cast_member)
    assert login(user).get(remind_url(school_a)).status_code == status


def test_it_previews_the_review_round_then_opens_it_and_reports(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    director_a,
    school_a,
    parent_a,
    parent_b,
):
    client = login(director_a)
    url = reverse("consent:review_round", args=[school_a.code])
    preview = client.get(url).content.decode()
    assert "1 ouder met gezag krijgt een e-mail" in preview
    assert not ReviewRound.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "De jaarronde is geopend; 1 ouder krijgt een e-mail." in response.content.decode()
    assert [m.to for m in mail.outbox] == [[parent_a.email]]
    again = client.get(url).content.decode()
    assert "er wordt niets meer verstuurd" in again


@pytest.mark.parametrize("url_name", ["consent:remind", "consent:review_round"])
def test_it_keeps_a_privacy_officer_who_directs_elsewhere_to_their_own_school(
    login, privacy_officer, school_a, school_b, parent_a, url_name
):
    """Directing school B gives no director powers over school A; auditing every school
    gives no powers at all (each role its own reach, never the union)."""
    from schools.models import StaffMembership

    StaffMembership.objects.create(
        user=privacy_officer, role=StaffMembership.Role.DIRECTOR, school=school_b
    )
    client = login(privacy_officer)
    url = reverse(url_name, args=[school_a.code])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not ReminderSent.objects.exists() and not ReviewRound.objects.exists()
    assert client.get(reverse(url_name, args=[school_b.code])).status_code == 200


def test_it_reminds_no_parent_about_a_pupil_never_in_the_picture(
    login, director_a, school_a, pupil_a, parent_a
):
    """A safeguarded pupil has no open question (home and coverage say so): the preview
    and the task must not e-mail their parent "the school has not received your choices"."""
    pupil_a.not_in_picture = True
    pupil_a.save()
    assert reminder_plan(school=school_a).to_send == ()
    assert reminder_plan(school=school_a, group_id=pupil_a.group_id).to_send == ()
    html = login(director_a).get(remind_url(school_a, ouder=parent_a.pk)).content.decode()
    assert "0 ouders krijgen een herinnering per e-mail." in html
    assert parents_without_answers(school=school_a) == set()


def test_a_second_click_racing_the_first_to_open_the_review_round_gets_a_message(
    login, director_a, school_a, parent_a
):
    """Two clicks at once both find no round yet; the unique (school, year) row refuses
    the second. It is told the round is open, not shown a server error."""
    from unittest import mock

    client = login(director_a)
    url = reverse("consent:review_round", args=[school_a.code])
    client.post(url)
    before_the_first_committed = mock.patch.object(
        ReviewRound.objects, "filter", return_value=ReviewRound.objects.none()
    )
    with before_the_first_committed:
        response = client.post(url)
    assert response.status_code == 302
    assert ReviewRound.objects.count() == 1
    page = client.get(response.url).content.decode()
    assert "De jaarronde voor dit schooljaar is al geopend." in page


def test_the_reminder_preview_counts_only_the_parents_the_send_emails(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    director_a,
    school_a,
    parent_a,
    deactivated_parent,
):
    """The outbox sends a deactivated account nothing: the preview does not count them as
    getting a reminder but says why they do not, and the send claims no reminder for them."""
    client = login(director_a)
    preview = client.get(remind_url(school_a)).content.decode()
    assert "1 ouder krijgt een herinnering per e-mail." in preview
    assert "1 ouder krijgt er geen: account uitgeschakeld — neem contact op via papier." in preview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url(school_a), follow=True)
    assert [m.to for m in mail.outbox] == [[parent_a.email]]
    report = response.content.decode()
    assert "1 herinnering wordt verstuurd." in report
    assert "1 ouder krijgt geen e-mail: het account is uitgeschakeld" in report
    assert not ReminderSent.objects.filter(user=deactivated_parent).exists()


def test_a_reminder_to_one_deactivated_parent_is_not_offered(
    login, director_a, school_a, deactivated_parent
):
    html = login(director_a).get(remind_url(school_a, ouder=deactivated_parent.pk)).content
    html = html.decode()
    assert "0 ouders krijgen een herinnering per e-mail." in html
    assert "Er is nu niemand om te herinneren." in html


def test_the_review_round_preview_counts_only_the_parents_it_emails(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    director_a,
    school_a,
    parent_a,
    deactivated_parent,
):
    """The deactivated parent is counted apart in the preview and the report, and the
    round writes no e-mail duty for them (the outbox would send nothing)."""
    url = reverse("consent:review_round", args=[school_a.code])
    client = login(director_a)
    preview = client.get(url).content.decode()
    assert "1 ouder met gezag krijgt geen e-mail: het account is uitgeschakeld." in preview
    with django_capture_on_commit_callbacks(execute=True):
        report = client.post(url, follow=True).content.decode()
    assert "De jaarronde is geopend; 1 ouder krijgt een e-mail." in report
    assert "1 ouder krijgt geen e-mail: het account is uitgeschakeld" in report
    assert Duty.objects.filter(handler="consent.duties.review_email_send").count() == 1


@pytest.mark.parametrize("families", [1, 20])
def test_the_mass_email_previews_count_in_one_query_each(
    school_a, group_a1, families, django_assert_num_queries
):
    """The review round's and a change of meaning's previews: one aggregate each, whatever
    the number of parents, deactivated or not."""
    add_families(school_a, group_a1, families)
    with django_assert_num_queries(1):  # gezag-holders' accounts, counted and filtered
        parents = review_round_families(school_id=school_a.pk)
    with django_assert_num_queries(1):
        assert purpose_change_families() == parents
    assert (parents.emailed, parents.deactivated) == ((families + 1) // 2, families // 2)


@pytest.mark.parametrize("families", [1, 20])
def test_the_reminder_preview_runs_the_same_queries_for_few_and_many_parents(
    school_a, group_a1, families, django_assert_num_queries
):
    add_families(school_a, group_a1, families)
    # 1 pupils, 2 purposes with versions, 3 gezag-holders, 4 events (consent_table),
    # 5 the waiting parents an e-mail reaches, each with "reminded in the last 7 days?"
    # (outbox.services.emailed_users; it replaced the read of recent reminders alone)
    with django_assert_num_queries(5):
        plan = reminder_plan(school=school_a)
    assert (len(plan.to_send), plan.deactivated) == ((families + 1) // 2, families // 2)
