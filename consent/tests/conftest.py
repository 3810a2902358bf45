"""Fixtures shared by consent's tests."""

import pytest
from celery._state import _set_task_join_will_block, task_join_will_block
from django.core import mail

from conftest import make_user
from consent.models import ConflictNotice, ConsentEvent, TakedownTask
from outbox.models import Duty
from schools.models import Guardianship


@pytest.fixture
def join_flag_restored():
    """Celery keeps "a task is running here" in one flag per process, which each eager
    task sets and puts back as it found it: two threads running eager tasks at once can
    leave it set, and a later test's result.get() would then refuse to wait."""
    before = task_join_will_block()
    yield
    _set_task_join_will_block(before)


@pytest.fixture
def parent_a2(pupil_a2):
    """Roos's parent, with gezag."""
    parent = make_user("ouder.roos@example.org")
    Guardianship.objects.create(user=parent, pupil=pupil_a2, has_parental_authority=True)
    return parent


@pytest.fixture
def written():
    """What a save writes, counted now: call it again to see nothing was written since
    (consent events, takedowns, conflict notices, outbox duties, e-mails)."""

    def counts():
        return (
            ConsentEvent.objects.count(),
            TakedownTask.objects.count(),
            ConflictNotice.objects.count(),
            Duty.objects.count(),
            len(mail.outbox),
        )

    return counts
