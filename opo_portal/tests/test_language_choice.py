"""E-mails go out in the language their recipient chose: the switch, used while signed in
(or left set on the login page when signing in), stores the choice on the account; the
e-mail duties read it when they render. Who never chose reads Dutch."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from conftest import PASSWORD, make_staff, make_user
from consent.models import ReminderSent
from consent.services import publication_check_create, reminders_send
from consent.tests.helpers import decide, purpose
from monitoring import notifications
from monitoring.tests.helpers import make_case
from opo_portal.tests.test_language_crawl import DUTCH
from opo_portal.tests.test_language_emails import assert_all_dutch, leftovers
from outbox.models import Duty
from outbox.services import duty_run
from schools.models import Guardianship, StaffMembership

Role = StaffMembership.Role

User = get_user_model()


def switch(client, language: str):
    return client.post(reverse("set_language"), {"language": language, "next": "/"})


def assert_english(message) -> None:
    problems = leftovers(message, [("Dutch", DUTCH)])
    assert not problems, "\n".join(problems)


def stored(user) -> str:
    user.refresh_from_db()
    return user.language


def test_the_switch_stores_the_choice_of_the_signed_in_user(login, parent_a, teacher_a):
    client = login(parent_a)
    switch(client, "en")
    assert (stored(parent_a), stored(teacher_a)) == ("en", "")
    switch(client, "nl")
    assert stored(parent_a) == "nl"


def test_switching_without_signing_in_stores_nothing(client, parent_a):
    response = switch(client, "en")
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not User.objects.exclude(language="").exists()


@pytest.mark.parametrize("code", ["xx", "", "en-<script>", "e" * 300])
def test_a_language_the_portal_does_not_speak_is_refused_and_changes_nothing(login, parent_a, code):
    client = login(parent_a)
    response = switch(client, code)
    assert response.status_code == 302  # Django's view: back, no cookie
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert stored(parent_a) == ""


def test_signing_in_with_the_switch_set_on_the_login_page_stores_it(client, parent_a):
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    switch(client, "en")
    assert stored(parent_a) == ""
    response = client.post(
        reverse("account_login"), {"login": parent_a.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert stored(parent_a) == "en"


def test_signing_in_without_a_switch_keeps_the_choice(client, parent_a):
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    User.objects.filter(pk=parent_a.pk).update(language="en")
    client.post(reverse("account_login"), {"login": parent_a.email, "password": PASSWORD})
    assert stored(parent_a) == "en"


def test_each_parent_gets_the_reminder_in_their_own_language(
    eager_tasks, django_capture_on_commit_callbacks, login, school_a, pupil_a, parent_a
):
    english = make_user("ouder.en@example.org", full_name="English Parent")
    Guardianship.objects.create(user=english, pupil=pupil_a, has_parental_authority=True)
    switch(login(english), "en")
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(school=school_a)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {english.email, parent_a.email}
    assert_english(by_address[english.email])
    assert "You can record your choices here:" in by_address[english.email].body
    assert_all_dutch([by_address[parent_a.email]])


def test_a_teacher_who_chose_english_gets_the_takedown_in_english(
    eager_tasks, django_capture_on_commit_callbacks, login, pupil_a, parent_a, teacher_a
):
    switch(login(teacher_a), "en")
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupil_a, parent_a, "sociale-media", "photo", False)
    [message] = [m for m in mail.outbox if m.to == [teacher_a.email]]
    assert "Take down a publication" in message.subject
    assert_english(message)


def test_the_language_is_read_when_the_e_mail_is_rendered_not_when_it_was_queued(
    django_capture_on_commit_callbacks, login, school_a, pupil_a, parent_a
):
    """Duties wait for a worker: a choice made meanwhile counts, and the duty's payload
    holds ids only (the user's and their reminder claim's), no language."""
    with django_capture_on_commit_callbacks(execute=False):
        reminders_send(school=school_a)
    [duty] = Duty.objects.filter(handler="consent.duties.reminder_email_send")
    claim = ReminderSent.objects.get(user=parent_a)
    assert duty.payload == {"user_id": parent_a.pk, "reminder_id": claim.pk}
    switch(login(parent_a), "en")
    assert duty_run(duty_id=duty.pk)
    [message] = mail.outbox
    assert_english(message)


def test_an_urgent_case_reaches_each_director_in_their_own_language(
    eager_tasks, django_capture_on_commit_callbacks, login, school_a, director_a
):
    english = make_staff("directeur.en@example.org", Role.DIRECTOR, school_a)
    switch(login(english), "en")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.urgent_case_queue(case=make_case(school_a))
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {english.email, director_a.email}
    assert by_address[english.email].subject.startswith("[OPO Portal] Urgent: a post about")
    assert_english(by_address[english.email])
    assert_all_dutch([by_address[director_a.email]])
