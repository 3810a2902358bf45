"""The e-mails the school sends parents (a reminder, the yearly review, a changed question)
read as a letter: a greeting, what to do, the link, and who sends it. A bare paragraph and
a link from an unknown sender looks like phishing on a phone. They name no pupil."""

import pytest
from django.core import mail

from consent.models import PurposeVersion
from consent.services import purpose_version_publish, reminders_send, review_round_open
from consent.tests.helpers import decide, purpose

SIGNED = "Met vriendelijke groet,\nOPO Portal, Stichting OPO Borger-Odoorn"


@pytest.fixture
def parent_mails(
    eager_tasks, django_capture_on_commit_callbacks, school_a, pupil_a, parent_a, director_a, board
):
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
