"""A confirmation made at the moment a correction is published is never lost: it is
carried over to the correction, or refused so the reader confirms the correction."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conftest import at_the_same_moment, require_service
from policy import services
from policy.models import Acknowledgement, ProtocolVersion
from policy.tests.conftest import edit_one_article


def _correction_draft(board) -> ProtocolVersion:
    draft = services.version_draft_start(by=board)
    edit_one_article(draft, "communiceren-2")
    services.version_update_summary(version=draft, summary="Spelling verbeterd.")
    return draft


def _on_postgresql():
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"


def _confirming(user, version, outcome: list):
    def confirm():
        try:
            services.acknowledgement_record(user=user, version=version)
        except ValidationError:
            outcome.append("refused")
        else:
            outcome.append("recorded")

    return confirm


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_confirmation_of_the_version_a_correction_replaces_meanwhile(
    board, teacher_a, v1
):
    _on_postgresql()
    draft = _correction_draft(board)
    outcome: list[str] = []

    at_the_same_moment(
        lambda: services.version_publish(version=draft, by=board, kind="correction"),
        _confirming(teacher_a, v1, outcome),
    )

    # Recorded for version 1 after the correction copied the confirmations, it would count
    # for nothing: the teacher would be asked again about a text they had confirmed.
    assert outcome == ["refused"]
    assert not Acknowledgement.objects.filter(user=teacher_a).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_carries_a_confirmation_made_just_before_a_correction_is_published(board, teacher_a, v1):
    _on_postgresql()
    draft = _correction_draft(board)

    at_the_same_moment(
        lambda: services.acknowledgement_record(user=teacher_a, version=v1),
        lambda: services.version_publish(version=draft, by=board, kind="correction"),
    )

    assert set(
        Acknowledgement.objects.filter(user=teacher_a).values_list("version__number", flat=True)
    ) == {1, 2}
