"""DESIGN.md's consent rules, one test per rule, through the database and the services."""

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_user
from consent.models import ConsentEvent, PurposeVersion
from consent.rules import State, is_allowed
from consent.services import purpose_version_publish
from consent.tests.helpers import decide, purpose, state_of
from schools.models import Guardianship


@pytest.fixture
def second_parent(pupil_a):
    user = make_user("ouder.a2@example.org", full_name="Ouder A2")
    Guardianship.objects.create(user=user, pupil=pupil_a, has_parental_authority=True)
    return user


def test_it_calls_silence_unanswered_and_not_allowed(parent_a, pupil_a):
    state = state_of(pupil_a, "website", "photo")
    assert state == State.UNANSWERED
    assert not is_allowed(state)


def test_it_refuses_when_only_a_no_was_given(parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", False)
    assert state_of(pupil_a, "website", "photo") == State.REFUSED


def test_it_refuses_when_one_parent_says_no_and_the_other_is_silent(
    parent_a, second_parent, pupil_a
):
    decide(pupil_a, second_parent, "website", "photo", False)
    assert state_of(pupil_a, "website", "photo") == State.REFUSED


def test_it_calls_a_yes_and_a_no_a_conflict_which_is_not_allowed(parent_a, second_parent, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, second_parent, "website", "photo", False)
    state = state_of(pupil_a, "website", "photo")
    assert state == State.CONFLICT
    assert not is_allowed(state)


def test_it_grants_when_there_is_a_yes_and_no_no(parent_a, second_parent, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    state = state_of(pupil_a, "website", "photo")
    assert state == State.GRANTED
    assert is_allowed(state)


def test_it_keeps_purposes_and_media_types_apart(parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    assert state_of(pupil_a, "website", "video") == State.UNANSWERED
    assert state_of(pupil_a, "nieuwsbrief", "photo") == State.UNANSWERED


def test_it_uses_each_parents_latest_decision(parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "website", "photo", False)
    assert state_of(pupil_a, "website", "photo") == State.REFUSED
    decide(pupil_a, parent_a, "website", "photo", True)
    assert state_of(pupil_a, "website", "photo") == State.GRANTED


def test_it_lets_the_safeguarding_flag_override_a_grant(parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    pupil_a.not_in_picture = True
    pupil_a.save()
    state = state_of(pupil_a, "website", "photo")
    assert state == State.NOT_IN_PICTURE
    assert not is_allowed(state)


def test_it_refuses_a_decision_by_a_guardian_without_gezag(pupil_a):
    stepparent = make_user("stief@example.org")
    Guardianship.objects.create(user=stepparent, pupil=pupil_a, has_parental_authority=False)
    with pytest.raises(PermissionDenied):
        decide(pupil_a, stepparent, "website", "photo", True)
    assert ConsentEvent.objects.count() == 0


def test_it_ignores_decisions_of_a_guardian_who_lost_gezag(parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    Guardianship.objects.filter(user=parent_a).update(has_parental_authority=False)
    assert state_of(pupil_a, "website", "photo") == State.UNANSWERED


def test_it_ignores_decisions_of_a_former_guardian(parent_a, second_parent, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", False)
    decide(pupil_a, second_parent, "website", "photo", True)
    Guardianship.objects.filter(user=parent_a).delete()
    assert state_of(pupil_a, "website", "photo") == State.GRANTED


def test_it_keeps_answers_valid_after_a_correction(parent_a, pupil_a, board):
    decide(pupil_a, parent_a, "website", "photo", True)
    purpose_version_publish(
        user=board, purpose=purpose("website"), text="Typo fixed.", kind="correction"
    )
    assert state_of(pupil_a, "website", "photo") == State.GRANTED


def test_it_asks_again_after_a_change_of_meaning(parent_a, pupil_a, board):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "nieuwsbrief", "photo", True)
    purpose_version_publish(
        user=board,
        purpose=purpose("website"),
        text="Now also on the foundation's website.",
        kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
    )
    assert state_of(pupil_a, "website", "photo") == State.UNANSWERED
    assert state_of(pupil_a, "nieuwsbrief", "photo") == State.GRANTED


def test_it_counts_answers_to_the_new_text_after_a_change_of_meaning(parent_a, pupil_a, board):
    decide(pupil_a, parent_a, "website", "photo", False)
    purpose_version_publish(
        user=board, purpose=purpose("website"), text="New meaning.", kind="change_of_meaning"
    )
    decide(pupil_a, parent_a, "website", "photo", True)
    event = ConsentEvent.objects.latest("id")
    assert event.purpose_version.number == 2
    assert event.text_hash == event.purpose_version.text_hash
    assert state_of(pupil_a, "website", "photo") == State.GRANTED


def test_it_records_only_changed_answers(parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    assert decide(pupil_a, parent_a, "website", "photo", True) == []
    assert ConsentEvent.objects.count() == 1
