"""Consent events are append-only: refused by the model everywhere, by PostgreSQL too."""

import pytest
from django.db import DatabaseError, connection, transaction

from conftest import require_service
from consent.models import AppendOnlyError, ConsentEvent
from consent.tests.helpers import decide


@pytest.fixture
def event(parent_a, pupil_a):
    return decide(pupil_a, parent_a, "website", "photo", True)[0]


def test_it_refuses_to_save_a_changed_event(event):
    event.granted = False
    with pytest.raises(AppendOnlyError):
        event.save()


def test_it_refuses_to_delete_an_event(event):
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_it_refuses_bulk_updates_and_deletes(event):
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.filter(pk=event.pk).update(granted=False)
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.all().delete()


def test_it_names_the_staff_member_for_paper_decisions(parent_a, pupil_a, director_a):
    event = decide(
        pupil_a, parent_a, "website", "photo", False, method="paper", recorded_by=director_a
    )[0]
    assert (event.method, event.recorded_by, event.guardian) == ("paper", director_a, parent_a)


def test_it_refuses_a_paper_decision_without_the_staff_member(parent_a, pupil_a):
    with pytest.raises(ValueError, match="staff record"):
        decide(pupil_a, parent_a, "website", "photo", True, method="paper")


@pytest.mark.services
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE consent_consentevent SET granted = NOT granted WHERE id = %s",
        "DELETE FROM consent_consentevent WHERE id = %s",
    ],
)
def test_it_is_refused_by_postgresql_for_raw_sql(event, sql):
    require_service("DATABASE_URL")
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert ConsentEvent.objects.filter(pk=event.pk, granted=True).exists()


def test_it_offers_no_change_or_delete_in_the_admin(rf, event):
    from django.contrib import admin

    from consent.admin import ConsentEventAdmin

    model_admin = ConsentEventAdmin(ConsentEvent, admin.site)
    request = rf.get("/")
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert not model_admin.has_add_permission(request)
