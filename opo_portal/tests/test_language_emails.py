"""Every e-mail the portal sends to someone who never chose a language is Dutch with "u",
whatever language the person who caused it was using: each is triggered through the real
service (or allauth's own flow), its duties run in-process, and subject and body are
checked with the crawl's stop-lists.

The portal's own e-mails are in the recipient's chosen language, Dutch when they never
chose (accounts.languages; test_language_choice.py); allauth's e-mails follow the language
of the request that asks for them, so they are checked in both languages.
"""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from conftest import make_user, reauthenticate
from consent.models import ConflictNotice, PurposeVersion
from consent.services import (
    publication_check_create,
    purpose_version_publish,
    reminders_send,
    review_round_open,
)
from consent.tests.helpers import decide, purpose
from monitoring import notifications
from monitoring.models import FetchRun
from monitoring.services import followup_update
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
from opo_portal.tests.test_language_crawl import DUTCH, ENGLISH, INFORMAL, data_strings
from policy import services as policy_services
from policy.tests.conftest import edit_one_article
from schools.models import Guardianship, StaffMembership


@pytest.fixture(autouse=True)
def _fresh_limits():
    """E-mails sent by earlier tests (a shared cache) must not count against allauth's limits."""
    cache.clear()


def leftovers(message, checks) -> list[str]:
    """Lines of subject and body with a stop-list word once the cast's data and the links
    (addresses, not prose: `?month=`) are removed."""
    data = data_strings()
    found = []
    for line in [message.subject, *message.body.splitlines()]:
        rest = re.sub(r"https?://\S+", " ", line)
        for value in data:
            rest = rest.replace(value, " ")
        for label, pattern in checks:
            match = pattern.search(rest)
            if match:
                found.append(f"{message.subject!r} [{label}] {match.group(0)!r} in {line!r}")
    return found


def assert_all_dutch(messages):
    problems = [p for m in messages for p in leftovers(m, [("English", ENGLISH), ("je", INFORMAL)])]
    assert not problems, "\n".join(problems)


def test_the_portals_own_e_mails_are_formal_dutch_even_when_sent_from_english(
    eager_tasks,
    django_capture_on_commit_callbacks,
    school_a,
    pupil_a,
    parent_a,
    teacher_a,
    director_a,
    board,
):
    second_parent = make_user("ouder.a2@example.org", full_name="Tweede Ouder")
    Guardianship.objects.create(user=second_parent, pupil=pupil_a, has_parental_authority=True)
    source = make_source(url="https://nieuws.example/feed.rss", school=school_a)
    case = make_case(school_a)
    make_flag(make_post(source, text="Boos over De Vlindertuin"), school_a, case=case)
    new_case = make_case(school_a)  # nobody's yet: its directors are told
    make_flag(make_post(source, "2", text="Boos over De Vlindertuin"), school_a, case=new_case)
    now = timezone.now()
    for error in ("HTTP 503", "timed out"):
        FetchRun.objects.create(source=source, started_at=now, status="failed", error=error)

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        # consent: parents disagree (conflict), a takedown and its hand-over when the
        # teacher leaves, reminders, the yearly review, a purpose whose meaning changed
        decide(pupil_a, parent_a, "sociale-media", "photo", True)
        publication_check_create(
            user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
        )
        decide(pupil_a, second_parent, "sociale-media", "photo", False)
        decide(pupil_a, parent_a, "sociale-media", "photo", False)
        StaffMembership.objects.filter(user=teacher_a).delete()
        reminders_send(school=school_a)
        review_round_open(school=school_a, user=director_a)
        purpose_version_publish(
            user=board,
            purpose=purpose("website"),
            text="Wij plaatsen foto's op de website van de school.",
            kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
        )
        # policy: a new version of the protocol
        draft = policy_services.version_draft_start(by=board)
        edit_one_article(draft)
        policy_services.version_update_summary(version=draft, summary="Kleine correctie")
        policy_services.version_publish(version=draft, by=board)
        # monitoring: an urgent case, a new case, an assignment, a failing source, the
        # monthly digest
        notifications.urgent_case_queue(case=case)
        notifications.new_case_queue(case=new_case)
        followup_update(case=case, status=case.status, assigned_to=director_a)
        notifications.source_failing_queue(source_id=source.pk, since=now)
        notifications.monthly_digest_send()

    subjects = {m.subject for m in mail.outbox}
    assert ConflictNotice.objects.exists()
    assert any("aan u overgedragen" in m.body for m in mail.outbox)  # the hand-over's
    assert len(subjects) >= 10, sorted(subjects)  # every kind of e-mail above went out
    assert any("Een nieuwe monitoringzaak van" in subject for subject in subjects)
    assert_all_dutch(mail.outbox)


def assert_one_e_mail_in(language: str) -> None:
    assert len(mail.outbox) == 1
    if language == "nl":
        assert_all_dutch(mail.outbox)
    else:
        problems = leftovers(mail.outbox[0], [("Dutch", DUTCH)])
        assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "flow, email",
    [
        ("account_request_login_code", "ouder.a@example.org"),
        ("account_reset_password", "ouder.a@example.org"),
        ("account_request_login_code", "onbekend@example.org"),
        ("account_reset_password", "onbekend@example.org"),
    ],
)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_allauths_e_mails_speak_the_askers_language(client, parent_a, flow, email, language):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    client.post(reverse(flow), {"email": email})
    assert_one_e_mail_in(language)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_e_mail_verification_speaks_the_askers_language(login, parent_a, language):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    client = login(parent_a)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    reauthenticate(client)
    client.post(reverse("account_email"), {"action_add": "", "email": "tweede@example.org"})
    assert_one_e_mail_in(language)


def test_every_e_mail_of_the_portal_is_english_for_those_who_chose_english(
    eager_tasks,
    django_capture_on_commit_callbacks,
    school_a,
    group_a1,
    pupil_a,
    parent_a,
    teacher_a,
    other_teacher,
    director_a,
    board,
):
    """The same e-mails as above, and the ones a case's assignment and closing without
    action send, the protocol reminder and a teacher added and removed, to people who all
    chose English, sent while Dutch is active."""
    from accounts.models import User
    from schools import services as school_services

    second_parent = make_user("ouder.a2@example.org", full_name="Tweede Ouder")
    Guardianship.objects.create(user=second_parent, pupil=pupil_a, has_parental_authority=True)
    newcomer = make_user("invaller@example.org", full_name="Invaller")
    source = make_source(url="https://nieuws.example/feed.rss", school=school_a)
    case = make_case(school_a)
    make_flag(make_post(source, text="Boos over De Vlindertuin"), school_a, case=case)
    new_case = make_case(school_a)  # nobody's yet: its directors are told
    make_flag(make_post(source, "2", text="Boos over De Vlindertuin"), school_a, case=new_case)
    now = timezone.now()
    for error in ("HTTP 503", "timed out"):
        FetchRun.objects.create(source=source, started_at=now, status="failed", error=error)
    User.objects.update(language="en")

    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        decide(pupil_a, parent_a, "sociale-media", "photo", True)
        publication_check_create(
            user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
        )
        decide(pupil_a, second_parent, "sociale-media", "photo", False)
        decide(pupil_a, parent_a, "sociale-media", "photo", False)
        StaffMembership.objects.filter(user=teacher_a).delete()
        reminders_send(school=school_a)
        review_round_open(school=school_a, user=director_a)
        purpose_version_publish(
            user=board,
            purpose=purpose("website"),
            text="Wij plaatsen foto's op de website van de school.",
            kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
        )
        draft = policy_services.version_draft_start(by=board)
        edit_one_article(draft)
        policy_services.version_update_summary(version=draft, summary="Kleine correctie")
        version = policy_services.version_publish(version=draft, by=board)
        policy_services.staff_reminders_send(school=school_a, version=version)
        notifications.urgent_case_queue(case=case)
        notifications.new_case_queue(case=new_case)
        notifications.source_failing_queue(source_id=source.pk, since=now)
        notifications.monthly_digest_send()
        school_services.teacher_add(
            school=school_a, email=newcomer.email, full_name="Invaller", groups=[group_a1],
            by=director_a,
        )  # fmt: skip
    for step in (
        {"assigned_to": director_a},
        {"assigned_to": other_teacher, "user": board},  # assigned; no longer assigned
        {"status": "no_action", "user": other_teacher, "no_action_reason": "misverstand"},
    ):
        case.refresh_from_db()
        with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
            followup_update(case=case, **{"status": case.status, **step})
    with translation.override("nl"), django_capture_on_commit_callbacks(execute=True):
        school_services.teacher_remove(membership=newcomer.memberships.get(), by=director_a)

    subjects = {m.subject for m in mail.outbox}
    assert len(subjects) >= 15, sorted(subjects)  # every kind of e-mail above went out
    assert any("A new monitoring case of" in subject for subject in subjects)
    problems = [p for m in mail.outbox for p in leftovers(m, [("Dutch", DUTCH)])]
    assert not problems, "\n".join(problems)
