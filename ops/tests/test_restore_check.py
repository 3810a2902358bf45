"""`manage.py restore_check`, which .ci/backup-restore runs before and after a restore."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from consent.models import MediaType, PurposeVersion
from consent.tests.helpers import decide
from ops.management.commands.restore_check import append_only, fingerprint, hashes_match


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")


@pytest.fixture
def events(pupil_a, parent_a):
    return decide(pupil_a, parent_a, "website", MediaType.PHOTO, True)


def test_it_digests_the_events_the_same_way_twice_and_differently_after_one_more(
    events, pupil_a, parent_a
):
    first = fingerprint()
    assert first == fingerprint() and first["events"] == 1
    decide(pupil_a, parent_a, "website", MediaType.PHOTO, False)
    assert fingerprint()["digest"] != first["digest"]


def test_it_notices_a_text_that_no_longer_matches_its_hash(events):
    assert hashes_match()
    PurposeVersion.objects.filter(pk=events[0].purpose_version_id).update(text="changed")
    assert not hashes_match()


def test_it_sees_the_trigger_refuse_an_update(postgres, events):
    assert append_only()
    out = io.StringIO()
    call_command("restore_check", stdout=out)
    assert json.loads(out.getvalue())["append_only"] is True


def test_it_fails_when_the_trigger_is_missing(postgres, events):
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("DROP TRIGGER consent_event_append_only ON consent_consentevent")
    assert not append_only()
    with pytest.raises(CommandError):
        call_command("restore_check", stdout=io.StringIO())


def test_it_sees_the_trigger_of_a_portal_without_any_consent_event_yet(postgres):
    """A new portal's first backup has no consent events: an UPDATE of none fires no row
    trigger, and the check failed every restore until the first parent answered."""
    out = io.StringIO()
    call_command("restore_check", stdout=out)
    assert json.loads(out.getvalue())["append_only"] is True


def test_it_fails_on_a_missing_trigger_without_any_consent_event(postgres):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER consent_event_append_only ON consent_consentevent")
    assert not append_only()


def test_it_fails_on_a_disabled_trigger_without_any_consent_event(postgres):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE consent_consentevent DISABLE TRIGGER consent_event_append_only")
    assert not append_only()


def test_it_names_the_part_that_failed(postgres):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER consent_event_append_only ON consent_consentevent")
    with pytest.raises(CommandError, match="append_only"):
        call_command("restore_check", stdout=io.StringIO())


def test_it_checks_a_dump_of_an_older_version(postgres, events):
    """The dump taken before an upgrade is restored by the new code's deploy/restore (README
    "Rolling back a version"): its tables lack the columns later migrations added. The check
    read every column of a purpose version and stopped at "database behind the code", so the
    restore looked failed; `release` migrates such a database afterwards."""
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        # consent.0005 added it: a dump of a version before 0005 has no such column
        cursor.execute("ALTER TABLE consent_purposeversion DROP COLUMN parents_emailed_at")
    out = io.StringIO()
    call_command("restore_check", stdout=out)
    result = json.loads(out.getvalue())
    assert result["events"] == 1 and result["hashes_ok"] is True
