"""The e-mails the school sends parents (a reminder, the yearly review, a changed question)
read as a letter: a greeting, what to do, the link, and who sends it. A bare paragraph and
a link from an unknown sender looks like phishing on a phone. They name no pupil."""

import re

import pytest
from django.core import mail

from consent.models import PurposeVersion
from consent.services import purpose_version_publish, reminders_send, review_round_open
from consent.tests.helpers import decide, purpose

SIGNED = "Met vriendelijke groet,\nOPO Portal, Stichting OPO Borger-Odoorn"


SITE = "https://portaal.opo.example"


@pytest.fixture
def parent_mails(
    settings,
    eager_tasks,
    django_capture_on_commit_callbacks,
    school_a,
    pupil_a,
    parent_a,
    director_a,
    board,
):
    settings.SITE_URL = SITE
    decide(pupil_a, parent_a, "website", "photo", True)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(school=school_a)
        review_round_open(school=school_a, user=director_a)
        purpose_version_publish(
            user=board,
            purpose=purpose("website"),
            text="Wij plaatsen foto's en films op de website van de school.",
            kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
        )
    return [m for m in mail.outbox if m.to == [parent_a.email]]


def test_it_greets_parents_and_signs_with_who_sends_it(parent_mails):
    assert len(parent_mails) == 3  # reminder, review round, changed question
    for message in parent_mails:
        assert message.body.startswith("Goedendag,\n\n"), message.subject
        assert message.body.rstrip().endswith(SIGNED), message.subject
        assert "/toestemming/kinderen/" in message.body
        assert "Sem" not in message.body


def test_every_subject_names_the_portal_as_allauths_e_mails_do(parent_mails):
    """allauth's e-mails (login code, new password) say "[OPO Portal] …"; the school's
    own did not, so a parent could not tell them apart from an unknown sender's."""
    for message in parent_mails:
        assert message.subject.startswith("[OPO Portal] "), message.subject
        assert message.subject.count("[OPO Portal]") == 1, message.subject


def test_every_link_is_the_portals_own_address(parent_mails):
    """The children's page, and in a reminder also its one-click stop link
    (consent.reminder_stop), both on the portal's own address."""
    stop = f"{SITE}/toestemming/herinneringen/stoppen/"
    for message in parent_mails:
        links = re.findall(r"https?://\S+", message.body)
        assert links[0] == f"{SITE}/toestemming/kinderen/", message.subject
        assert all(link.startswith(stop) for link in links[1:]), message.subject
        reminder = "List-Unsubscribe" in message.extra_headers
        assert len(links) == (2 if reminder else 1), message.subject


def test_each_says_why_the_parent_gets_it(parent_mails):
    for message in parent_mails:
        assert "U krijgt deze e-mail omdat u ouder met gezag bent" in message.body, message.subject
    review = next(m for m in parent_mails if "schooljaar" in m.subject)
    assert "OBS De Vlindertuin" in review.body
