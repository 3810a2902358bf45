"""A school deleted in the admin takes its staff memberships and groups with it (CASCADE).
Before, nothing of that was recorded for the privacy officer, and its teachers were not
told they lost their role. Now every membership and every group taught ends in the access
history (via the admin, by the admin user, the school's name kept once the school is gone),
in the deletion's transaction; its teachers end as a teacher membership deleted in the
admin does (schools.services.teacher_remove): the same history entry and an e-mail, which
says the school was taken out of the portal. A school with pupils is refused (PROTECT):
then nothing is recorded and nobody is told."""

import datetime

import pytest
import time_machine
from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry
from django.core import mail
from django.db.models import ProtectedError
from django.urls import reverse

from conftest import make_staff, make_user
from outbox.models import Duty
from outbox.tests.helpers import run_due_duties
from schools.models import Group, MembershipChange, School, StaffMembership, Via

Role = StaffMembership.Role
Change = MembershipChange.Change
HANDLER = "schools.duties.teacher_removed_email_send"
ADMIN = "beheer@example.org"  # admin_client's user, named by address (no name)
IN_THE_SCHOOL_YEAR = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
SCHOOL = "OBS De Vlindertuin"


@pytest.fixture(autouse=True)
def _in_the_school_year():
    with time_machine.travel(IN_THE_SCHOOL_YEAR, tick=True):
        yield


@pytest.fixture
def staffed(teacher_a, other_teacher, director_a, board):
    """school_a with two teachers (groep 5, groep 7) and a director, and no pupils; board
    staff, of every school, keep their role."""


def recorded() -> list[tuple]:
    return sorted(
        MembershipChange.objects.values_list(
            "change", "person_email", "role", "school_id", "school_name", "group_name", "by_name"
        )
    )


def flat(text: str) -> str:
    return " ".join(text.split())


def _delete(client, school):
    url = reverse("admin:schools_school_delete", args=[school.pk])
    return client.post(url, {"post": "yes"})


def _bulk_delete(client, schools):
    data = {"action": "delete_selected", "_selected_action": [s.pk for s in schools]}
    return client.post(reverse("admin:schools_school_changelist"), {**data, "post": "yes"})


def test_it_records_every_membership_and_group_of_a_school_deleted_as_ended(
    admin_client, staffed, school_a, teacher_a, other_teacher, director_a, board
):
    memberships = {m.user_id: m.pk for m in StaffMembership.objects.filter(school=school_a)}
    assert _delete(admin_client, school_a).status_code == 302
    assert not School.objects.filter(pk=school_a.pk).exists()
    # the school's id is gone (SET_NULL), its name kept
    ended = (None, SCHOOL)
    assert recorded() == [
        (Change.ENDED, director_a.email, Role.DIRECTOR, *ended, "", ADMIN),
        (Change.ENDED, teacher_a.email, Role.TEACHER, *ended, "", ADMIN),
        (Change.ENDED, other_teacher.email, Role.TEACHER, *ended, "", ADMIN),
        (Change.GROUP_ENDED, teacher_a.email, Role.TEACHER, *ended, "groep 5", ADMIN),
        (Change.GROUP_ENDED, other_teacher.email, Role.TEACHER, *ended, "groep 7", ADMIN),
    ]
    assert set(MembershipChange.objects.values_list("via", flat=True)) == {Via.ADMIN}
    assert StaffMembership.objects.filter(user=board).exists()
    # the teachers as teacher_remove ends them: one e-mail each, one history entry each
    keys = set(Duty.objects.filter(handler=HANDLER).values_list("key", flat=True))
    teachers = [memberships[teacher_a.pk], memberships[other_teacher.pk]]
    assert keys == {f"teacher-removed:{pk}" for pk in teachers}  # not the director's
    deletions = LogEntry.objects.filter(
        action_flag=DELETION,
        content_type__model="staffmembership",
        object_id__in=map(str, teachers),
    )
    assert deletions.count() == 2


def test_it_records_the_schools_deleted_with_the_action(
    admin_client, staffed, school_a, school_b, director_b
):
    response = _bulk_delete(admin_client, [school_a, school_b])
    assert response.status_code == 302
    assert not School.objects.exists()
    ended = MembershipChange.objects.filter(change=Change.ENDED, school__isnull=True)
    assert sorted(ended.values_list("school_name", "role")) == [
        (SCHOOL, Role.DIRECTOR),
        (SCHOOL, Role.TEACHER),
        (SCHOOL, Role.TEACHER),
        (school_b.name, Role.DIRECTOR),
    ]
    assert MembershipChange.objects.filter(change=Change.GROUP_ENDED).count() == 2
    assert Duty.objects.filter(handler=HANDLER).count() == 2


def test_a_group_of_the_school_taught_by_another_schools_teacher_ends_too(
    admin_client, school_a, school_b, group_a1
):
    """A data fault check_reach_data lists: the teacher of school_b loses a group of
    school_a, not their role."""
    teacher_b = make_staff("meester.b@example.org", Role.TEACHER, school_b, [group_a1])
    assert _delete(admin_client, school_a).status_code == 302
    assert recorded() == [
        (
            Change.GROUP_ENDED,
            teacher_b.email,
            Role.TEACHER,
            school_b.pk,
            school_b.name,
            "groep 5",
            ADMIN,
        )
    ]
    assert StaffMembership.objects.filter(user=teacher_b).exists()
    assert not Duty.objects.filter(handler=HANDLER).exists()


def test_a_teacher_of_a_school_deleted_is_told_the_school_was_removed(
    admin_client, settings, staffed, school_a, teacher_a, other_teacher
):
    settings.FOUNDATION_CONTACT_EMAIL = ""
    other_teacher.language = "en"
    other_teacher.save()
    _delete(admin_client, school_a)
    run_due_duties()
    run_due_duties()  # a second sweep sends nothing again
    messages = {message.to[0]: message for message in mail.outbox}
    assert sorted(messages) == sorted([teacher_a.email, other_teacher.email])
    dutch = messages[teacher_a.email]
    assert dutch.subject == f"[OPO Portal] Uw toegang tot de leerlingen van {SCHOOL} is beëindigd"
    body = flat(dutch.body)
    assert (
        f"{SCHOOL} staat niet meer in het OPO Portal: de stichting heeft de school "
        "verwijderd, en daarmee uw rol als leerkracht van deze school."
    ) in body
    assert f"U ziet de leerlingen van {SCHOOL} vanaf nu niet meer." in body
    assert "Neem dan contact op met de stichting. Antwoorden op deze e-mail worden" in body
    assert "groep 5" not in body and ADMIN not in body
    assert dutch.reply_to == []
    english = messages[other_teacher.email]
    assert english.subject == f"[OPO Portal] Your access to the pupils of {SCHOOL} has ended"
    assert "the foundation has removed the school" in flat(english.body)


def test_replies_go_to_the_foundation_when_it_has_an_address(
    admin_client, settings, school_a, teacher_a
):
    settings.FOUNDATION_CONTACT_EMAIL = "info@opo.example"
    _delete(admin_client, school_a)
    run_due_duties()
    [message] = mail.outbox
    assert message.reply_to == ["info@opo.example"]
    assert "uw antwoord gaat naar de stichting (info@opo.example)" in flat(message.body)


def test_the_access_page_names_the_school_deleted(
    admin_client, login, privacy_officer, staffed, school_a
):
    _delete(admin_client, school_a)
    page = login(privacy_officer).get(reverse("schools:access_changes"), HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    assert f"{SCHOOL} (school verwijderd)" in page.content.decode()


def test_a_school_with_pupils_is_refused_and_nothing_is_recorded(rf, staffed, school_a, pupil_a):
    """The delete page refuses it before asking; a pupil added in between makes the
    deletion itself fail (PROTECT): its transaction takes the records and e-mails back."""
    request = rf.post("/")
    request.user = make_user(ADMIN, is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[School]
    with pytest.raises(ProtectedError):
        model_admin.delete_model(request, school_a)
    with pytest.raises(ProtectedError):
        model_admin.delete_queryset(request, School.objects.filter(pk=school_a.pk))
    assert not MembershipChange.objects.exists()
    assert StaffMembership.objects.filter(school=school_a).count() == 3
    assert Group.objects.filter(school=school_a).count() == 2
    assert not Duty.objects.exists()
    assert not LogEntry.objects.exists()


def test_nothing_happens_while_the_delete_page_only_asks(admin_client, staffed, school_a):
    url = reverse("admin:schools_school_delete", args=[school_a.pk])
    assert admin_client.get(url).status_code == 200
    assert not MembershipChange.objects.exists()
    assert not Duty.objects.exists()
