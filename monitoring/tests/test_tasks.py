"""Beat entries name real tasks; tasks are thin and safe to run twice."""

import datetime

import pytest
from django.conf import settings
from django.core import mail

from monitoring import tasks
from monitoring.tests.helpers import make_case, make_post, make_source
from opo_portal.celery import app

pytestmark = pytest.mark.django_db


def test_it_schedules_only_registered_monitoring_tasks():
    app.loader.import_default_modules()
    ours = {k: v for k, v in settings.CELERY_BEAT_SCHEDULE.items() if k.startswith("monitoring-")}
    assert set(ours) == {
        "monitoring-dispatch",
        "monitoring-retention",
        "monitoring-digest",
        "monitoring-retrain-learned-layer",
        "monitoring-urgent-stale",
    }
    assert all(entry["task"] in app.tasks for entry in ours.values())


def test_it_reads_the_visibility_timeout_from_the_environment():
    import os

    expected = int(
        os.environ.get("CELERY_VISIBILITY_TIMEOUT", settings.CELERY_TASK_TIME_LIMIT + 60)
    )
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == expected
    assert app.conf.broker_transport_options["visibility_timeout"] == expected


def test_it_sends_the_urgent_mail_once_when_queued_twice(school_a, director_a):
    from monitoring.notifications import urgent_case_queue
    from outbox.services import duties_sweep

    case = make_case(school_a, priority=0)
    assert urgent_case_queue(case=case) is True
    assert urgent_case_queue(case=case) is False
    assert duties_sweep() == 1
    assert [m.to for m in mail.outbox] == [[director_a.email]]


def test_an_urgent_mail_waiting_for_a_director_who_left_is_not_sent(school_a, director_a):
    from monitoring.notifications import urgent_case_queue
    from outbox.models import Duty
    from outbox.services import duties_sweep

    urgent_case_queue(case=make_case(school_a, priority=0))  # waits: Redis or SMTP down
    director_a.is_active = False
    director_a.save()
    assert duties_sweep() == 1
    assert mail.outbox == []
    assert Duty.objects.get().status == Duty.Status.DONE


def test_it_applies_retention_from_the_beat_task(db):
    from django.utils import timezone

    make_post(make_source(), fetched_at=timezone.now() - datetime.timedelta(days=40))
    tasks.apply_retention.delay()
    from monitoring.models import Post

    assert Post.objects.count() == 0


def test_it_sends_the_digest_from_the_beat_task(school_a, director_a):
    from outbox.services import duties_sweep

    assert tasks.send_monthly_digest.delay().get() == 1
    assert tasks.send_monthly_digest.delay().get() == 0  # the month is claimed
    duties_sweep()
    assert mail.outbox[0].to == [director_a.email]
