"""Accounts are not kept for good: one with no child and no staff role goes after its term
(README "Accounts and the admin's history"); evidence that stays keeps its anchor."""

import datetime
import logging
import threading

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.db.models.signals import post_save
from django.urls import reverse

from accounts import retention
from accounts.models import User
from accounts.tasks import apply_retention
from conftest import PASSWORD, make_user, require_service
from consent.models import ConsentEvent, MediaType, Purpose, PurposeVersion, text_hash
from consent.tests.helpers import decide
from schools.models import Guardianship, Pupil, StaffMembership
from schools.services import teacher_add, teacher_remove
from schools.tasks import erase_left_pupils

pytestmark = pytest.mark.django_db
AMSTERDAM = datetime.timezone(datetime.timedelta(hours=2))


def at(day: str):
    """Freeze the clock at noon (Amsterdam summer time) on an ISO date."""
    moment = datetime.datetime.fromisoformat(day).replace(hour=12, tzinfo=AMSTERDAM)
    return time_machine.travel(moment, tick=False)


def nightly(day: str):
    """The night's retention run on `day`: pupils first (02:41), then accounts (02:47)."""
    with at(day):
        erase_left_pupils.apply().get()
        return apply_retention.apply().get()


def parent_of(pupil, email: str) -> User:
    user = make_user(email, full_name="Ouder " + email.split("@")[0])
    Guardianship.objects.create(user=user, pupil=pupil, has_parental_authority=True)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def left_family(pupil_a):
    """Since June 2024: a parent who answered, one who never did; the pupil left 15 July
    2024 and is erased on 1 August 2026."""
    with at("2024-06-01"):
        answered = parent_of(pupil_a, "beantwoord@example.org")
        silent = parent_of(pupil_a, "stil@example.org")
        decide(pupil_a, answered, "website", MediaType.PHOTO, True)
    Pupil.objects.filter(pk=pupil_a.pk).update(left_on=datetime.date(2024, 7, 15))
    return answered, silent


def test_it_keeps_a_parent_while_their_child_is_kept(left_family):
    answered, silent = left_family
    assert nightly("2026-07-31") == (0, 0, 0)
    assert set(User.objects.values_list("full_name", flat=True)) >= {
        "Ouder beantwoord",
        "Ouder stil",
    }


def test_it_logs_one_deleted_account_in_the_singular(left_family, caplog):
    with caplog.at_level(logging.INFO, logger="accounts.retention"):
        assert nightly("2026-08-01")[:2] == (1, 1)
    assert "retention: deleted 1 account, erased 1 kept as evidence" in caplog.text  # "1 accounts"


def test_it_removes_a_parent_the_night_their_last_child_is_erased(left_family, client):
    answered, silent = left_family
    assert nightly("2026-08-01")[:2] == (1, 1)
    assert not User.objects.filter(pk=silent.pk).exists()
    # the consent events stay as proof, with the account as their anchor, nameless
    answered.refresh_from_db()
    assert (answered.full_name, answered.email) == ("", f"erased-{answered.pk}@erased.invalid")
    assert not answered.is_active and not answered.has_usable_password()
    assert not EmailAddress.objects.filter(user=answered).exists()
    assert ConsentEvent.objects.filter(guardian=answered).count() == 1
    response = client.post(
        reverse("account_login"), {"login": "beantwoord@example.org", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    # a second run changes nothing
    assert nightly("2026-08-02")[:2] == (0, 0)


def test_it_keeps_a_parent_with_another_child_at_school(left_family, pupil_a2):
    answered, _ = left_family
    Guardianship.objects.create(user=answered, pupil=pupil_a2, has_parental_authority=True)
    nightly("2026-08-01")
    answered.refresh_from_db()
    assert answered.full_name == "Ouder beantwoord"


def test_it_keeps_a_parent_who_logged_in_until_the_term_after_it(left_family):
    _, silent = left_family
    User.objects.filter(pk=silent.pk).update(
        last_login=datetime.datetime(2026, 3, 1, tzinfo=AMSTERDAM)
    )
    nightly("2026-08-01")
    assert nightly("2027-07-31")[:2] == (0, 0)
    assert nightly("2027-08-01")[:2] == (1, 0)
    assert not User.objects.filter(pk=silent.pk).exists()


def test_it_never_touches_an_account_named_by_the_events_of_a_kept_pupil(pupil_b):
    with at("2024-06-01"):
        parent = parent_of(pupil_b, "ouder.b2@example.org")
        decide(pupil_b, parent, "website", MediaType.PHOTO, False)
        Guardianship.objects.filter(user=parent).delete()  # unlinked, the pupil stays
    nightly("2030-08-01")
    parent.refresh_from_db()
    assert (parent.full_name, parent.email) == ("Ouder ouder.b2", "ouder.b2@example.org")


def test_it_deletes_a_staff_account_the_access_history_term_after_its_role_ended(
    school_a, teacher_a, director_a
):
    with at("2024-07-01"):
        teacher_remove(membership=StaffMembership.objects.get(user=teacher_a), by=director_a)
    User.objects.filter(pk=teacher_a.pk).update(
        date_joined=datetime.datetime(2020, 1, 1, tzinfo=AMSTERDAM)
    )
    assert nightly("2026-07-31")[:2] == (0, 0)
    assert nightly("2026-08-01")[:2] == (1, 0)
    assert not User.objects.filter(pk=teacher_a.pk).exists()
    assert User.objects.filter(pk=director_a.pk).exists()  # still holds a role


def test_it_never_deletes_a_superuser_or_an_admin_account(db):
    with at("2020-01-01"):
        root = User.objects.create_superuser("root@example.org", PASSWORD)
        admin = make_user("beheer@example.org", is_staff=True)
    nightly("2030-08-01")
    assert User.objects.filter(pk__in=[root.pk, admin.pk]).count() == 2


def test_it_works_in_batches(db, monkeypatch):
    monkeypatch.setattr(retention, "ACCOUNT_BATCH_SIZE", 2)
    with at("2020-01-01"):
        for i in range(5):
            make_user(f"weg{i}@example.org")
    assert nightly("2030-08-01")[:2] == (5, 0)
    assert not User.objects.exists()


def test_it_deletes_the_admin_history_past_the_longest_term(teacher_a, settings):
    settings.PUPIL_RETENTION_SCHOOL_YEARS = 2
    settings.ACCESS_HISTORY_RETENTION_SCHOOL_YEARS = 3
    for day in ("2023-07-31", "2023-08-01"):
        with at(day):
            LogEntry.objects.log_actions(
                teacher_a.pk, [teacher_a], CHANGE, change_message=f"Sem Bakker {day}"
            )
    assert nightly("2026-07-31")[2] == 0
    assert nightly("2026-08-01")[2] == 1
    assert list(LogEntry.objects.values_list("change_message", flat=True)) == [
        "Sem Bakker 2023-08-01"
    ]


def test_the_admin_history_is_deleted_in_batches_with_few_queries(
    teacher_a, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(retention, "LOG_ENTRY_BATCH_SIZE", 2)
    with at("2020-01-01"):
        for _ in range(5):
            LogEntry.objects.log_actions(teacher_a.pk, [teacher_a], CHANGE, change_message="x")
    # per batch: the ids, the DELETE and a savepoint's two statements; three batches
    with django_assert_max_num_queries(12), at("2030-08-01"):
        assert retention.admin_history_apply_retention(today=datetime.date(2030, 8, 1)) == 5
    assert not LogEntry.objects.exists()


def test_it_is_scheduled_nightly_by_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["accounts-retention"]
    assert entry["task"] == apply_retention.name


def test_it_keeps_the_author_of_a_purpose_text_nameless_instead_of_failing(board):
    """A purpose version names who published it (kept, the database refuses the deletion):
    a board member whose role ended keeps an anchor without name and address."""
    website = Purpose.objects.get(code="website")
    with at("2024-07-01"):
        PurposeVersion.objects.create(
            purpose=website,
            number=website.versions.count() + 1,
            text="Nieuwe tekst",
            text_hash=text_hash("Nieuwe tekst"),
            kind=PurposeVersion.Kind.CORRECTION,
            created_by=board,
        )
        StaffMembership.objects.filter(user=board).delete()
    User.objects.filter(pk=board.pk).update(
        date_joined=datetime.datetime(2020, 1, 1, tzinfo=AMSTERDAM)
    )
    assert nightly("2030-08-01")[:2] == (0, 1)
    board.refresh_from_db()
    assert (board.full_name, board.is_active) == ("", False)


def _in_another_connection(work) -> None:
    """Run `work` as another request would: its own thread, connection and transaction."""
    errors = []

    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 - raised again in the test's thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive() and not errors, errors


@pytest.mark.django_db(transaction=True)
def test_it_keeps_an_account_given_a_role_while_the_run_was_going(
    left_family, school_a, director_a
):
    """The run listed the accounts due, then erased and deleted them: an old account that
    a director made a teacher meanwhile (a parent who teaches) was deleted all the same,
    and its new role with it. Two connections at once, one waiting on the other's row lock:
    PostgreSQL (SQLite locks the whole database)."""
    require_service("DATABASE_URL")
    answered, silent = left_family

    def director_adds_teacher(sender, instance, **kwargs):
        if instance.pk == answered.pk and instance.email.endswith("@erased.invalid"):
            _in_another_connection(
                lambda: teacher_add(
                    school=school_a,
                    email="stil@example.org",
                    full_name="Ouder stil",
                    groups=[],
                    by=director_a,
                    other_name_confirmed=True,
                )
            )

    post_save.connect(director_adds_teacher, sender=User)
    try:
        assert nightly("2026-08-01")[:2] == (0, 1)
    finally:
        post_save.disconnect(director_adds_teacher, sender=User)
    silent.refresh_from_db()
    assert silent.full_name == "Ouder stil"
    assert StaffMembership.objects.filter(user=silent, school=school_a).exists()
