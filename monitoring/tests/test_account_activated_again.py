"""An account activated again (the admin) is, as a membership saved, whom the cases and
urgent notices that waited for someone go to (services.followups_unassigned_reach,
followups_urgent_reach); before, only a membership's save sent them."""

import pytest
from django.core import mail

from conftest import make_staff
from monitoring.models import FollowUp
from monitoring.tests.test_urgent_reaches_its_person import URGENT, ingest, sent_to, urgent_to
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role


def test_a_board_member_activated_again_gets_the_cases_and_urgent_notices_that_waited(
    school_b,
):
    member = make_staff("bestuur@example.org", Role.BOARD)
    member.is_active = False
    member.save()
    ingest(school_b, URGENT.replace("De Vlindertuin", "Het Zwanenhof"), "1")
    run_due_duties()
    case = FollowUp.objects.get()
    assert mail.outbox == [] and case.assigned_to is None
    member = type(member).objects.get(pk=member.pk)  # as the admin reads it
    member.is_active = True
    member.save()
    run_due_duties()
    case.refresh_from_db()
    assert case.assigned_to == member
    assert len(urgent_to(member)) == 1 and len(sent_to(member)) == 2


def test_a_director_activated_again_gets_the_urgent_notice_nobody_got(school_a, director_a):
    director_a.is_active = False
    director_a.save()
    ingest(school_a, URGENT, "1")
    run_due_duties()
    assert mail.outbox == []
    director = type(director_a).objects.get(pk=director_a.pk)
    director.is_active = True
    director.save()
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[director.email]]
    assert FollowUp.objects.get().assigned_to is None  # the director's to give


def test_an_ordinary_save_of_an_active_account_sends_nothing(school_b):
    member = make_staff("bestuur@example.org", Role.BOARD)
    member.is_active = False
    member.save()
    ingest(school_b, URGENT.replace("De Vlindertuin", "Het Zwanenhof"), "1")
    member = type(member).objects.get(pk=member.pk)
    member.full_name = "Nog steeds weg"
    member.save()
    run_due_duties()
    assert mail.outbox == [] and FollowUp.objects.get().assigned_to is None


def test_a_director_switched_on_again_in_the_admin_gets_the_urgent_notice(
    admin_client, school_a, director_a
):
    from django.urls import reverse

    director_a.is_active = False
    director_a.save()
    ingest(school_a, URGENT, "1")
    run_due_duties()
    form = {
        "email": director_a.email,
        "full_name": director_a.full_name,
        "is_active": "on",
        "date_joined_0": "2026-09-01",
        "date_joined_1": "08:00:00",
    }
    url = reverse("admin:accounts_user_change", args=[director_a.pk])
    assert admin_client.post(url, form).status_code == 302
    run_due_duties()
    assert [m.to for m in urgent_to(director_a)] == [[director_a.email]]


def test_a_director_deactivated_before_the_notice_went_is_told_once_activated_again(
    school_a, director_a
):
    """The notice written for them was dropped at send time (nobody to tell); the one
    that goes when they are back is a new one, not skipped as theirs already."""
    ingest(school_a, URGENT, "1")
    director_a.is_active = False
    director_a.save()
    run_due_duties()
    assert mail.outbox == []
    director = type(director_a).objects.get(pk=director_a.pk)
    director.is_active = True
    director.save()
    run_due_duties()
    assert [m.to for m in urgent_to(director)] == [[director.email]]
    assert FollowUp.objects.get().urgent_notified_at is not None


def test_every_receiver_of_the_save_sees_the_account_activated_again(
    school_a, director_a, teacher_a, parent_a, pupil_a
):
    """Consent's receiver (a takedown nobody could act on) and monitoring's (an urgent
    notice nobody got) both act on one activation, whatever their order: the account takes
    its saved state as loaded only after the save, not in one receiver."""
    from consent.models import TakedownTask
    from consent.services import publication_check_create
    from consent.tests.helpers import decide, purpose

    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    for user in (director_a, teacher_a):
        user.is_active = False
        user.save()
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    ingest(school_a, URGENT, "1")
    run_due_duties()
    assert mail.outbox == []
    director = type(director_a).objects.get(pk=director_a.pk)
    director.is_active = True
    director.save()
    assert not director.activated_again()  # a second save is no news
    run_due_duties()
    assert TakedownTask.objects.get().assigned_to == director
    assert len(urgent_to(director)) == 1 and len(sent_to(director)) == 2
