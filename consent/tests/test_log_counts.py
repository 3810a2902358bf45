"""Operators' log lines of consent's duties say a count of one in the singular: "for 1
parent", "(1 pupil)"; they said "1 parents", "(1 pupils)". No pupil name in them."""

import logging

import pytest

from consent.duties import purpose_changed_fan_out, review_round_fan_out
from consent.models import PurposeVersion
from consent.services import review_round_open
from consent.tests.helpers import decide
from consent.tests.test_purpose_changed_emails import publish
from consent.tests.test_takedowns_undone import published, run_takedown_duties  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_takedown_e_mail_of_one_pupil_is_logged_so(caplog, published, parent_a, pupil_a):  # noqa: F811
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    with caplog.at_level(logging.INFO, logger="consent.duties"):
        run_takedown_duties()
    assert "(1 pupil)" in caplog.text
    assert "Sem" not in caplog.text and "Bakker" not in caplog.text


def test_a_review_round_for_one_parent_is_logged_so(caplog, school_a, director_a, parent_a):
    review_round = review_round_open(school=school_a, user=director_a)
    with caplog.at_level(logging.INFO, logger="consent.duties"):
        assert review_round_fan_out(round_id=review_round.pk) == 1
    assert f"review round {review_round.pk} queued for 1 parent\n" in caplog.text + "\n"


def test_a_changed_purpose_for_one_parent_is_logged_so(caplog, board, parent_a):
    version = publish(board, PurposeVersion.Kind.CHANGE_OF_MEANING)
    with caplog.at_level(logging.INFO, logger="consent.duties"):
        assert purpose_changed_fan_out(version_id=version.pk) == 1
    assert f"purpose version {version.pk} queued for 1 parent\n" in caplog.text + "\n"
