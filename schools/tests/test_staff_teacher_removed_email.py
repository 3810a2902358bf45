"""A teacher whose membership a director ends ("Leerkrachten en groepen" → verwijderen) is
told so by e-mail, in their own language: their access to the school's pupils ended, the
school ended it, and whom to ask when it is a mistake. Written as an outbox duty in the
removal's transaction; no pupil and no person named."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from conftest import add_teaching
from outbox.models import Duty
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

Role = StaffMembership.Role
IN_THE_SCHOOL_YEAR = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _in_the_school_year():
    with time_machine.travel(IN_THE_SCHOOL_YEAR, tick=True):
        yield


def remove(client, school, user):
    membership = StaffMembership.objects.get(user=user, school=school, role=Role.TEACHER)
    url = reverse("schools:staff_teacher_remove", args=[school.code, membership.pk])
    return client.post(url)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_removed_teacher_gets_one_e_mail_in_formal_dutch(
    login, director_a, school_a, teacher_a, pupil_a
):
    assert remove(login(director_a), school_a, teacher_a).status_code == 302
    [duty] = Duty.objects.filter(handler="schools.duties.teacher_removed_email_send")
    assert set(duty.payload) == {"membership_id", "user_id", "school_id"}  # ids only
    run_due_duties()
    [message] = mail.outbox
    assert message.to == [teacher_a.email]
    assert message.subject == (
        "[OPO Portal] Uw toegang tot de leerlingen van OBS De Vlindertuin is beëindigd"
    )
    body = flat(message.body)
    assert body.startswith("Goedendag,")
    assert (
        "OBS De Vlindertuin heeft uw rol als leerkracht van deze school in het OPO Portal "
        "beëindigd. U ziet de leerlingen van OBS De Vlindertuin vanaf nu niet meer"
    ) in body
    assert "Uw account blijft bestaan" in body
    assert (
        "Denkt u dat dit een vergissing is, of hebt u een vraag? Neem dan contact op met "
        "OBS De Vlindertuin. Antwoorden op deze e-mail worden niet gelezen."
    ) in body
    assert "Reply-To" not in message.extra_headers and message.reply_to == []
    # the school, not the person who clicked; no pupil
    assert "Directeur" not in body and "Sem" not in body and "groep 5" not in body
    assert " je " not in f" {body} " and " jouw " not in body


def test_replies_go_to_the_schools_contact_address(login, director_a, school_a, teacher_a):
    school_a.contact_email = "info@vlindertuin.example"
    school_a.save()
    remove(login(director_a), school_a, teacher_a)
    run_due_duties()
    [message] = mail.outbox
    assert message.reply_to == ["info@vlindertuin.example"]
    assert (
        "U kunt deze e-mail beantwoorden: uw antwoord gaat naar OBS De Vlindertuin "
        "(info@vlindertuin.example)."
    ) in flat(message.body)


def test_it_is_in_the_language_the_teacher_chose(login, director_a, school_a, teacher_a):
    teacher_a.language = "en"
    teacher_a.save()
    remove(login(director_a), school_a, teacher_a)  # the director reads Dutch
    run_due_duties()
    [message] = mail.outbox
    assert (
        message.subject == "[OPO Portal] Your access to the pupils of OBS De Vlindertuin has ended"
    )
    body = flat(message.body)
    assert "OBS De Vlindertuin has ended your role as a teacher of this school" in body
    assert "Please contact OBS De Vlindertuin. Replies to this e-mail are not read." in body


def test_a_double_submit_sends_one_e_mail(login, director_a, school_a, teacher_a):
    client = login(director_a)
    membership = StaffMembership.objects.get(user=teacher_a, school=school_a)
    url = reverse("schools:staff_teacher_remove", args=[school_a.code, membership.pk])
    client.post(url)
    assert client.post(url).status_code == 302  # back to the staff page: "was al verwijderd"
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[teacher_a.email]]


@pytest.mark.parametrize("cast_member", ["director_b", "teacher_a", "other_teacher", "parent_a"])
def test_nothing_is_sent_when_the_removal_is_refused(
    request, login, school_a, teacher_a, other_teacher, cast_member
):
    client = login(request.getfixturevalue(cast_member))
    membership = StaffMembership.objects.get(user=other_teacher, school=school_a)
    url = reverse("schools:staff_teacher_remove", args=[school_a.code, membership.pk])
    assert client.post(url).status_code == 404
    assert not Duty.objects.exists()
    run_due_duties()
    assert mail.outbox == []


def test_a_director_who_ends_their_own_teaching_gets_no_e_mail(
    login, director_a, school_a, group_a1
):
    add_teaching(director_a, school_a, [group_a1])
    remove(login(director_a), school_a, director_a)
    run_due_duties()
    assert mail.outbox == []


def test_a_teacher_added_back_before_it_went_gets_nothing(
    login, director_a, school_a, teacher_a, group_a1
):
    remove(login(director_a), school_a, teacher_a)
    add_teaching(teacher_a, school_a, [group_a1])  # as the admin would
    run_due_duties()
    assert mail.outbox == []


def test_a_teacher_removed_before_they_were_told_of_the_add_gets_nothing(
    login, director_a, school_a
):
    """A mistyped address is removed and added again, as the page suggests: the stranger
    who has it hears neither of the add nor of the removal."""
    client = login(director_a)
    client.post(
        reverse("schools:staff_teacher_add", args=[school_a.code]),
        {"full_name": "Fleur de Boer", "email": "fleur.deboer@example.org"},
    )
    membership = StaffMembership.objects.get(user__email="fleur.deboer@example.org")
    client.post(reverse("schools:staff_teacher_remove", args=[school_a.code, membership.pk]))
    run_due_duties()
    assert [(m.subject, m.to) for m in mail.outbox] == []
    assert not Duty.objects.filter(key__startswith="teacher-removed:").exists()


def test_a_teacher_told_of_the_add_is_told_of_the_removal(login, director_a, school_a):
    client = login(director_a)
    client.post(
        reverse("schools:staff_teacher_add", args=[school_a.code]),
        {"full_name": "Fleur de Boer", "email": "fleur.deboer@example.org"},
    )
    run_due_duties()
    membership = StaffMembership.objects.get(user__email="fleur.deboer@example.org")
    client.post(reverse("schools:staff_teacher_remove", args=[school_a.code, membership.pk]))
    run_due_duties()
    assert [m.subject for m in mail.outbox] == [
        "[OPO Portal] U bent toegevoegd als leerkracht van OBS De Vlindertuin",
        "[OPO Portal] Uw toegang tot de leerlingen van OBS De Vlindertuin is beëindigd",
    ]
