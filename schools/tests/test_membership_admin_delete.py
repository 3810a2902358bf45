"""A teacher membership deleted in the admin ends as one ended on "Leerkrachten en groepen":
through schools.services.teacher_remove. Before, the admin deleted the row itself: the
teacher got no e-mail at all. Now they get the same one (the outbox duty written in the
deletion's transaction, in their own language, no pupil or group named), and the history
holds one deletion entry, as after a director's removal. Both the delete page and the
list's "delete selected" action; nothing happens while the confirmation is only shown."""

from django.contrib.admin.models import DELETION, LogEntry
from django.core import mail
from django.urls import reverse

from outbox.models import Duty
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership
from schools.staffing import removed_teacher_name

Role = StaffMembership.Role
HANDLER = "schools.duties.teacher_removed_email_send"


def _membership(user) -> StaffMembership:
    return StaffMembership.objects.get(user=user)


def _delete_url(membership) -> str:
    return reverse("admin:schools_staffmembership_delete", args=[membership.pk])


def _bulk_delete(client, memberships, confirmed: bool = True):
    data = {
        "action": "delete_selected",
        "_selected_action": [membership.pk for membership in memberships],
    }
    if confirmed:
        data["post"] = "yes"
    return client.post(reverse("admin:schools_staffmembership_changelist"), data)


def _deletions(membership) -> int:
    return LogEntry.objects.filter(object_id=str(membership.pk), action_flag=DELETION).count()


def test_it_tells_a_teacher_deleted_on_the_delete_page_once(
    admin_client, school_a, teacher_a, pupil_a
):
    membership = _membership(teacher_a)
    response = admin_client.post(_delete_url(membership), {"post": "yes"})
    assert response.status_code == 302
    assert not StaffMembership.objects.filter(pk=membership.pk).exists()
    [duty] = Duty.objects.filter(handler=HANDLER)
    assert duty.key == f"teacher-removed:{membership.pk}"
    assert duty.payload == {
        "membership_id": membership.pk,
        "user_id": teacher_a.pk,
        "school_id": school_a.pk,
    }
    run_due_duties()
    run_due_duties()  # a second sweep sends nothing again
    [message] = mail.outbox
    assert message.to == [teacher_a.email]
    assert message.subject == (
        "[OPO Portal] Uw toegang tot de leerlingen van OBS De Vlindertuin is beëindigd"
    )
    assert "Sem" not in message.body and "groep 5" not in message.body
    # one entry in the history, as after a director's removal, which names the teacher
    assert _deletions(membership) == 1
    assert removed_teacher_name(school_a, membership.pk) == str(teacher_a)


def test_it_is_in_the_language_the_teacher_chose(admin_client, teacher_a):
    teacher_a.language = "en"
    teacher_a.save()
    admin_client.post(_delete_url(_membership(teacher_a)), {"post": "yes"})
    run_due_duties()
    [message] = mail.outbox
    assert (
        message.subject == "[OPO Portal] Your access to the pupils of OBS De Vlindertuin has ended"
    )


def test_nothing_happens_while_the_delete_page_only_asks(admin_client, teacher_a):
    membership = _membership(teacher_a)
    assert admin_client.get(_delete_url(membership)).status_code == 200
    assert StaffMembership.objects.filter(pk=membership.pk).exists()
    assert not Duty.objects.exists()
    assert _deletions(membership) == 0
    run_due_duties()
    assert mail.outbox == []


def test_it_tells_each_teacher_deleted_with_the_action_once(
    admin_client, school_a, teacher_a, other_teacher, director_a
):
    teachers = [_membership(teacher_a), _membership(other_teacher)]
    director = _membership(director_a)
    response = _bulk_delete(admin_client, [*teachers, director])
    assert response.status_code == 302
    assert not StaffMembership.objects.filter(pk__in=[m.pk for m in [*teachers, director]])
    keys = set(Duty.objects.filter(handler=HANDLER).values_list("key", flat=True))
    assert keys == {f"teacher-removed:{m.pk}" for m in teachers}  # not the director's
    run_due_duties()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([teacher_a.email, other_teacher.email])
    assert all("beëindigd" in m.subject for m in mail.outbox)
    assert [_deletions(m) for m in [*teachers, director]] == [1, 1, 1]


def test_nothing_happens_while_the_action_only_asks(admin_client, teacher_a, other_teacher):
    teachers = [_membership(teacher_a), _membership(other_teacher)]
    response = _bulk_delete(admin_client, teachers, confirmed=False)
    assert response.status_code == 200  # "Are you sure?"
    assert StaffMembership.objects.filter(pk__in=[m.pk for m in teachers]).count() == 2
    assert not Duty.objects.exists()
    run_due_duties()
    assert mail.outbox == []
