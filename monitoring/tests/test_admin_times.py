"""The admin names a fetch run by its start on the schools' clock, as its list shows it."""

import datetime

from django.urls import reverse

from monitoring.models import FetchRun
from monitoring.tests.helpers import make_source

# 00:30 on 29 March in Amsterdam (the night summer time starts) is 23:30 on the 28th in UTC
STARTED = datetime.datetime(2026, 3, 28, 23, 30, tzinfo=datetime.UTC)


def test_it_names_a_fetch_run_by_its_local_start(admin_client):
    run = FetchRun.objects.create(source=make_source(), started_at=STARTED, status="failed")
    page = admin_client.get(reverse("admin:monitoring_fetchrun_change", args=[run.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"{run.source_id} 2026-03-29 00:30 failed" in text
    assert "2026-03-28 23:30" not in text
