"""The coverage page's reads of one school written out in SQL (consent.reports SCHOOL_*)
answer what their ORM forms and the reads over any pupils answer."""

import datetime
import math

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from conftest import make_pupil, make_user, require_service
from consent import reports
from consent.charts import REMINDER_DAYS_SQL, _reminder_days_orm, coverage_history
from consent.models import ReminderOptOut, ReminderSent
from consent.reports import (
    SCHOOL_HOLDER_IDS_SQL,
    SCHOOL_HOLDERS_SQL,
    SCHOOL_PUPILS_SQL,
    _events_orm,
    _holder_ids_orm,
    _holders_orm,
    _pupils_orm,
    answer_rows,
    coverage_inputs,
    gezag_names,
    pupil_rows,
    school_answer_rows,
)
from consent.rules import purpose_infos
from consent.tests.helpers import decide
from opo_portal.sql import fetch
from schools.models import Guardianship, Pupil


@pytest.fixture
def postgres(db):
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"


@pytest.fixture
def school_with_history(school_a, school_b, group_a1, pupil_a, pupil_a2, parent_a, pupil_b):
    """Two gezag-holders who answer, one guardian without gezag, a pupil who left, a pupil
    without a group, a pupil of another school, a gezag-holder whose account is
    deactivated, one who stopped reminders (holder of two pupils, one of whom left), and
    answers in a known order."""
    second = make_user("tweede@example.org", full_name="")  # a holder without a name
    Guardianship.objects.create(user=second, pupil=pupil_a, has_parental_authority=True)
    no_gezag = make_user("geen@example.org", full_name="Geen Gezag")
    Guardianship.objects.create(user=no_gezag, pupil=pupil_a, has_parental_authority=True)
    left = make_pupil(school_a, group_a1, "9", "Weg", "Gegaan")
    Guardianship.objects.create(user=second, pupil=left, has_parental_authority=True)
    ReminderOptOut.objects.create(user=second)
    gone = make_user("uit@example.org", full_name="Ouder Uit", is_active=False)
    Guardianship.objects.create(user=gone, pupil=pupil_a2, has_parental_authority=True)
    groupless = make_pupil(school_a, group_a1, "10", "Zonder", "Groep")
    Pupil.objects.filter(pk=groupless.pk).update(group=None)
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, second, "website", "photo", False)
    decide(pupil_a, no_gezag, "pers", "video", True)
    decide(left, second, "website", "audio", True)
    decide(pupil_a, parent_a, "website", "photo", False)
    Guardianship.objects.filter(user=no_gezag).update(has_parental_authority=False)
    Pupil.objects.filter(pk=left.pk).update(left_on=datetime.date(2026, 1, 1))
    return school_a


def test_it_reads_a_schools_pupils_as_pupil_rows_does(postgres, school_with_history):
    school = school_with_history
    from_sql = fetch(SCHOOL_PUPILS_SQL, [school.pk])
    assert from_sql == list(_pupils_orm(school.pk))
    assert [reports.PupilRow._make(r) for r in from_sql] == pupil_rows(
        Pupil.objects.current().filter(school=school)
    )
    names = {row[1] for row in from_sql}
    assert "Weg" not in names and "Zonder" in names


def test_it_reads_a_schools_gezag_holders_as_gezag_names_does(postgres, school_with_history):
    school = school_with_history
    since = timezone.now() - datetime.timedelta(days=7)
    from_sql = fetch(SCHOOL_HOLDERS_SQL, [since, school.pk])
    assert sorted(from_sql) == sorted(_holders_orm(since, school.pk))
    current = Pupil.objects.current().filter(school=school).values("id")
    assert reports._named_holders(from_sql) == gezag_names(current)
    assert "geen@example.org" not in {row[3] for row in from_sql}
    assert {row[4] for row in from_sql} == {True, False}  # the deactivated account is marked
    stopped = {row[3]: row[5] for row in from_sql}  # the parent who stopped reminders
    assert stopped == {
        "ouder.a@example.org": False,
        "tweede@example.org": True,
        "uit@example.org": False,
    }
    assert len(from_sql) == 3  # the stop doubles no row
    assert {row[6:] for row in from_sql} == {(None, None, None)}  # nobody reminded
    ids = fetch(SCHOOL_HOLDER_IDS_SQL, [school.pk])
    assert sorted(ids) == sorted(_holder_ids_orm(school.pk)) == sorted(r[:2] for r in from_sql)


def test_it_reads_each_gezag_holders_latest_reminder_since_a_moment(
    postgres, school_with_history, parent_a
):
    school = school_with_history
    now = timezone.now()
    since = now - datetime.timedelta(days=7)
    second = type(parent_a).objects.get(email="tweede@example.org")
    ReminderSent.objects.create(
        user=parent_a, week="2026-W01", sent_at=now - datetime.timedelta(days=9)
    )
    failed = ReminderSent.objects.create(
        user=parent_a, week="2026-W02", sent_at=now - datetime.timedelta(days=3), failed_at=now
    )
    delivered = ReminderSent.objects.create(
        user=second,
        week="2026-W02",
        sent_at=now - datetime.timedelta(days=2),
        delivered_at=now,
    )
    ReminderSent.objects.create(
        user=second, week="2026-W01", sent_at=now - datetime.timedelta(days=5)
    )
    from_sql = fetch(SCHOOL_HOLDERS_SQL, [since, school.pk])
    assert sorted(from_sql) == sorted(_holders_orm(since, school.pk))
    latest = {row[3]: row[6:] for row in from_sql}
    assert latest == {
        "ouder.a@example.org": (failed.sent_at, None, now),
        "tweede@example.org": (delivered.sent_at, now, None),
        "uit@example.org": (None, None, None),
    }
    assert len(from_sql) == 3  # the reminders double no row
    reminded = coverage_inputs(school).reminded
    assert reminded == {
        parent_a.pk: reports.Reminded(timezone.localdate(failed.sent_at), False, True),
        second.pk: reports.Reminded(timezone.localdate(now), True, False),
    }


def test_it_reads_a_schools_answers_in_order_with_their_times(postgres, school_with_history):
    school = school_with_history
    infos = purpose_infos()
    current = Pupil.objects.current().filter(school=school).values("id")
    with_times = answer_rows(current, infos, times=True)
    read = school_answer_rows(school, infos, times=True)
    assert [row[:-1] for row in read] == [row[:-1] for row in with_times]
    for row, original in zip(read, with_times, strict=True):
        assert row[-1] == math.floor(original[-1].timestamp())
    assert school_answer_rows(school, infos) == answer_rows(current, infos)
    params = [school.pk, [i.purpose.pk for i in infos], ["photo", "video", "audio"]]
    assert read == _events_orm(*params, times=True)
    assert len(read) == 4  # the pupil who left is not read; the answers of pupil_a are


def test_the_inputs_are_the_same_on_both_forms(postgres, school_with_history, monkeypatch):
    """The whole of coverage_inputs read through SQL and through the ORM forms."""
    school = school_with_history
    from_sql = coverage_inputs(school, times=True)
    monkeypatch.setattr(connection, "vendor", "other")  # opo_portal.sql.rows: the ORM forms
    from_orm = coverage_inputs(school, times=True)
    monkeypatch.undo()
    assert from_sql.pupils == from_orm.pupils
    assert from_sql.holders == from_orm.holders
    assert from_sql.guardians == from_orm.guardians
    assert from_sql.names == from_orm.names
    assert from_sql.answers == from_orm.answers
    assert from_sql.events == from_orm.events
    assert from_sql.answers  # there is something to compare
    export = coverage_inputs(school, names=False)
    assert (export.holders, export.answers) == (from_sql.holders, from_sql.answers)


def test_the_chart_counts_an_answer_in_the_week_it_was_given(pupil_a, parent_a):
    """Times are read as whole seconds since 1970, rounded down: an answer given in the
    last second of a week counts in that week (also half a second before midnight),
    one a second later only in the next."""
    today = timezone.localdate()
    last_second = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=7), datetime.time(23, 59, 59))
    )
    moments = (
        (last_second - datetime.timedelta(minutes=1), "photo"),
        (last_second + datetime.timedelta(microseconds=600_000), "video"),
        (last_second + datetime.timedelta(seconds=1), "audio"),
    )
    for at, media in moments:
        with time_machine.travel(at, tick=False):
            decide(pupil_a, parent_a, "website", media, True)
    shares = coverage_history(pupil_a.school, today=today).groups[0].shares
    cells = len(purpose_infos()) * 3
    assert shares[-2] == round(100 * 2 / cells)
    assert shares[-1] == round(100 * 3 / cells)


def test_it_reads_reminders_per_local_day_as_the_orm_query_does(
    postgres, school_a, school_b, pupil_a, pupil_a2, parent_a, parent_b
):
    """The reminders of the parents asked for that named the school, each with the local
    day it was delivered: 23:30 UTC is the next day in Amsterdam; another parent's
    reminders are not read, nor one still queued, nor one that named another school."""
    Guardianship.objects.create(user=parent_a, pupil=pupil_a2, has_parental_authority=True)
    late = datetime.datetime(2026, 3, 2, 23, 30, tzinfo=datetime.UTC)
    reminders = [
        (parent_a, late, "2026-W10"),
        (parent_a, late - datetime.timedelta(hours=2), "2026-W09"),
        (parent_a, late - datetime.timedelta(days=40), "2026-W04"),  # before the start
        (parent_b, late, "2026-W10"),
    ]
    for user, at, week in reminders:
        sent = ReminderSent.objects.create(user=user, week=week)
        ReminderSent.objects.filter(pk=sent.pk).update(sent_at=at, delivered_at=at)
        sent.schools.add(school_a, school_b)
    ReminderSent.objects.create(user=parent_a, week="2026-W08", sent_at=late)  # queued
    elsewhere = ReminderSent.objects.create(user=parent_a, week="2026-W07", delivered_at=late)
    elsewhere.schools.add(school_b)  # named only Het Zwanenhof
    start = datetime.date(2026, 2, 1)
    zone = timezone.get_current_timezone_name()
    for parents in ([parent_a.pk], [parent_b.pk], [parent_a.pk, parent_b.pk], []):
        for school in (school_a, school_b):
            params = [zone, parents, zone, start, school.pk]
            from_sql = sorted(fetch(REMINDER_DAYS_SQL, params))
            assert from_sql == sorted(_reminder_days_orm(*params))
    rows = fetch(REMINDER_DAYS_SQL, [zone, [parent_a.pk], zone, start, school_a.pk])
    assert sorted(rows) == [
        (parent_a.pk, datetime.date(2026, 3, 2)),
        (parent_a.pk, datetime.date(2026, 3, 3)),
    ]


def test_a_pupil_in_another_schools_group_is_in_no_group_on_both_forms(
    postgres, school_a, group_a1, group_b1, pupil_a, monkeypatch
):
    """A pupil of A stored in B's group (a row check_reach_data lists) is read in no group
    by the SQL, its ORM form and pupil_rows alike: no name, no id of B's group."""
    Pupil.objects.filter(pk=pupil_a.pk).update(group=group_b1)
    from_sql = coverage_inputs(school_a).pupils
    monkeypatch.setattr(connection, "vendor", "other")  # opo_portal.sql.rows: the ORM forms
    from_orm = coverage_inputs(school_a).pupils
    monkeypatch.undo()
    rows = pupil_rows(Pupil.objects.current().filter(school=school_a))
    assert from_sql == from_orm == rows
    assert [(row.pk, row.group_id, row.group_name) for row in rows] == [(pupil_a.pk, None, None)]
