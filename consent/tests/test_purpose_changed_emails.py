"""A change of meaning asks parents again by e-mail; a correction does not."""

import pytest
from django.core import mail

from consent.duties import purpose_changed_fan_out
from consent.models import Purpose, PurposeVersion
from consent.services import purpose_version_publish
from outbox.services import duties_sweep
from schools.models import Guardianship, School


def publish(board, kind):
    purpose = Purpose.objects.get(code="website")
    return purpose_version_publish(
        user=board, purpose=purpose, text="Nieuwe tekst voor de website.", kind=kind
    )


def test_it_emails_every_gezag_parent_after_a_change_of_meaning(
    board, parent_a, parent_b, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(board, PurposeVersion.Kind.CHANGE_OF_MEANING)
    assert sorted(m.to[0] for m in mail.outbox) == [parent_a.email, parent_b.email]
    assert "Website van de school" in mail.outbox[0].body
    assert "Sem" not in mail.outbox[0].body


def test_it_sends_nothing_for_a_correction(
    board, parent_a, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(board, PurposeVersion.Kind.CORRECTION)
    assert mail.outbox == []


def test_it_skips_parents_without_gezag(
    board, parent_a, pupil_a, eager_tasks, django_capture_on_commit_callbacks
):
    Guardianship.objects.filter(user=parent_a).update(has_parental_authority=False)
    with django_capture_on_commit_callbacks(execute=True):
        publish(board, PurposeVersion.Kind.CHANGE_OF_MEANING)
    assert mail.outbox == []


def test_it_sends_once_when_the_task_runs_twice(board, parent_a, eager_tasks):
    version = publish(board, PurposeVersion.Kind.CHANGE_OF_MEANING)
    assert purpose_changed_fan_out(version_id=version.pk) == 1
    assert purpose_changed_fan_out(version_id=version.pk) == 1  # same key, no second duty
    assert duties_sweep() == 1
    assert duties_sweep() == 0
    assert len(mail.outbox) == 1


def test_a_reply_goes_to_the_parents_own_school(
    board, parent_a, parent_b, school_a, eager_tasks, django_capture_on_commit_callbacks
):
    """The foundation changed the question, but the school follows the parent's choice:
    a reply reaches the child's school when it chose an address, else the e-mail says
    replies are not read and how to reach the school."""
    School.objects.filter(pk=school_a.pk).update(contact_email="info@vlindertuin.nl")
    with django_capture_on_commit_callbacks(execute=True):
        publish(board, PurposeVersion.Kind.CHANGE_OF_MEANING)
    to_a, to_b = sorted(mail.outbox, key=lambda m: m.to[0])
    assert to_a.reply_to == ["info@vlindertuin.nl"]
    assert "(info@vlindertuin.nl)" in to_a.body
    assert to_b.reply_to == []
    body = " ".join(to_b.body.split())
    assert "worden niet gelezen. Wilt u OBS Het Zwanenhof bereiken?" in body


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        (
            "nl",
            "De vraag over “Website van de school” is gewijzigd. Uw eerdere antwoord",
            "De school heeft",
        ),
        (
            "en",
            "The question about “Website van de school” has changed. Your earlier answer",
            "The school has",
        ),
    ],
)
def test_it_does_not_say_the_school_changed_the_question(
    language, said, not_said, board, parent_a, eager_tasks, django_capture_on_commit_callbacks
):
    """The board publishes a purpose's text for every school of the foundation: the
    parent's school did not change it (and a parent of two schools would not know which)."""
    type(parent_a).objects.filter(pk=parent_a.pk).update(language=language)
    with django_capture_on_commit_callbacks(execute=True):
        publish(board, PurposeVersion.Kind.CHANGE_OF_MEANING)
    body = " ".join(mail.outbox[0].body.split())
    assert said in body
    assert not_said not in body
