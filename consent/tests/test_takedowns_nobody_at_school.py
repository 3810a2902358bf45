"""A takedown at a school where nobody can take it down (no director, no board member, the
maker left or was switched off) waits: it is told to nobody, shows in health's
unanswered_takedowns, and goes with its e-mail to whoever is named next (a director, a
board member, or the maker teaching there again). Before, it fell back to the maker even
when they had left: a maker still active elsewhere was e-mailed about a school they no
longer work at, and their takedowns page showed its pupils.

And one picture, one person: a later takedown of a publication goes to whoever already
has its open takedown, not to a director named meanwhile who sorts first."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.page_scalars import values
from conftest import add_teaching, give_totp, make_staff, make_user
from consent.access import own_takedowns
from consent.models import TakedownTask
from consent.services import publication_check_create, takedowns_nobody_has
from consent.tests.helpers import decide, html_of, purpose
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role


def _check(user, *pupils):
    return publication_check_create(
        user=user, purpose=purpose("sociale-media"), media_type="photo", pupils=list(pupils)
    )


@pytest.fixture
def left_for_school_b(teacher_a, parent_a, pupil_a, school_a, school_b, group_b1):
    """Juf A checked a picture of Sem at school A, which has no director (nor has the
    foundation a board member); then she moved to school B: her account stays active."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    check = _check(teacher_a, pupil_a)
    add_teaching(teacher_a, school_b, [group_b1])
    StaffMembership.objects.filter(user=teacher_a, school=school_a).delete()
    run_due_duties()
    mail.outbox.clear()
    return check


def _withdraw(parent, pupil):
    decide(pupil, parent, "sociale-media", "photo", False)
    run_due_duties()


def test_a_maker_who_left_is_not_told_and_does_not_reach_it(
    login, left_for_school_b, teacher_a, parent_a, pupil_a
):
    _withdraw(parent_a, pupil_a)
    task = TakedownTask.objects.get()
    assert task.done_at is None
    assert mail.outbox == []  # not to a school she no longer works at
    assert takedowns_nobody_has() == {"tasks": 1, "schools": ["vlindertuin"]}

    teacher = login(teacher_a)
    page = html_of(teacher.get(reverse("consent:takedowns")))
    assert "Sem" not in page and "Bakker" not in page
    assert teacher.post(reverse("consent:takedown_done", args=[task.pk])).status_code == 404
    # the menu's SQL and the page's query (own_takedowns) leave it out alike
    assert values(teacher_a)["open_takedowns"] == 0
    as_now = type(teacher_a).objects.get(pk=teacher_a.pk)  # memberships not cached
    assert not own_takedowns(as_now).exists()
    home = html_of(teacher.get(reverse("accounts:home_teacher")))
    assert 'id="takedowns-heading"' not in home
    task.refresh_from_db()
    assert task.done_at is None


def test_the_waiting_takedown_goes_to_the_director_named_next(
    login, left_for_school_b, teacher_a, parent_a, pupil_a, school_a
):
    _withdraw(parent_a, pupil_a)
    director = make_staff("directeur.a@example.org", Role.DIRECTOR, school_a)
    run_due_duties()
    task = TakedownTask.objects.get()
    assert task.assigned_to == director
    assert [m.to for m in mail.outbox] == [[director.email]]
    assert takedowns_nobody_has() == {"tasks": 0, "schools": []}
    assert "Sem Bakker" in html_of(login(director).get(reverse("consent:takedowns")))


def test_the_waiting_takedown_is_told_to_its_maker_teaching_there_again(
    left_for_school_b, teacher_a, parent_a, pupil_a, school_a, group_a1
):
    _withdraw(parent_a, pupil_a)
    assert mail.outbox == []
    add_teaching(teacher_a, school_a, [group_a1])
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[teacher_a.email]]
    body = mail.outbox[0].body
    assert "Sem" not in body and "Bakker" not in body
    assert takedowns_nobody_has() == {"tasks": 0, "schools": []}
    # another membership saved, or the e-mail's duty run again, sends nothing more
    StaffMembership.objects.get(user=teacher_a, school=school_a).save()
    run_due_duties()
    assert len(mail.outbox) == 1


def test_a_maker_who_leaves_before_the_email_went_is_sent_nothing(
    teacher_a, parent_a, pupil_a, school_a, school_b, group_b1
):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    _check(teacher_a, pupil_a)
    decide(pupil_a, parent_a, "sociale-media", "photo", False)  # the e-mail waits in the outbox
    add_teaching(teacher_a, school_b, [group_b1])
    StaffMembership.objects.filter(user=teacher_a, school=school_a).delete()
    run_due_duties()
    assert mail.outbox == []
    assert TakedownTask.objects.get().emailed_at is None
    assert takedowns_nobody_has()["tasks"] == 1


def test_a_deleted_director_s_takedowns_wait_without_an_email_to_the_maker_who_left(
    left_for_school_b, teacher_a, parent_a, pupil_a, school_a
):
    """The school's only director took the picture over, then their account was deleted
    while the school had nobody else: the task goes back to its maker as a placeholder
    (an account deleted takes its tasks with it), told to nobody, waiting in health."""
    director = make_staff("directeur.a@example.org", Role.DIRECTOR, school_a)
    _withdraw(parent_a, pupil_a)
    assert TakedownTask.objects.get().assigned_to == director
    mail.outbox.clear()
    director.delete()
    run_due_duties()
    assert mail.outbox == []
    assert TakedownTask.objects.get().assigned_to == teacher_a
    assert takedowns_nobody_has()["tasks"] == 1


# One picture, one person


def test_a_second_director_named_between_two_withdrawals_does_not_split_a_picture(
    teacher_a, parent_a, pupil_a, pupil_a2, school_a, group_a2
):
    """The maker left; the first "nee" went to the director; a second director whose
    account is older (lower id, a parent before, say) is named; the second pupil's "nee"
    for the same picture goes to the first director too: one card, one e-mail."""
    older = make_user("ouder.wordt.directeur@example.org", full_name="Directeur Twee")
    StaffMembership.objects.get(user=teacher_a).groups.add(group_a2)
    first = make_staff("directeur.a@example.org", Role.DIRECTOR, school_a)
    assert older.pk < first.pk
    other_parent = make_user("ouder.a2@example.org")
    pupil_a2.guardianships.create(user=other_parent, has_parental_authority=True)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    decide(pupil_a2, other_parent, "sociale-media", "photo", True)
    check = _check(teacher_a, pupil_a, pupil_a2)
    StaffMembership.objects.filter(user=teacher_a).delete()
    run_due_duties()
    mail.outbox.clear()

    _withdraw(parent_a, pupil_a)
    StaffMembership.objects.create(user=older, school=school_a, role=Role.DIRECTOR)
    _withdraw(other_parent, pupil_a2)

    tasks = TakedownTask.objects.filter(publication_check=check)
    assert {task.assigned_to_id for task in tasks} == {first.pk}
    assert [m.to for m in mail.outbox] == [[first.email]]


WAITS = "wacht op een directeur of bestuurslid"


def test_the_privacy_officers_file_says_a_waiting_takedown_waits_for_a_leader(
    login, left_for_school_b, teacher_a, parent_a, pupil_a, privacy_officer
):
    """Nobody at the school can act on it: the file does not name the maker who left as
    the person it is given to (she cannot reach it, see own_takedowns)."""
    _withdraw(parent_a, pupil_a)
    page = html_of(login(privacy_officer).get(reverse("consent:dossier", args=[pupil_a.pk])))
    takedowns = page.split('id="takedowns"')[1]
    assert WAITS in takedowns and teacher_a.full_name not in takedowns


def test_the_boards_home_says_a_waiting_takedown_waits_for_a_leader(
    login, left_for_school_b, teacher_a, parent_a, pupil_a
):
    """A board member whose membership was written without its receivers (a fixture
    loaded raw, SQL) has not taken the waiting task over; their home shows it waiting."""
    _withdraw(parent_a, pupil_a)
    member = give_totp(make_user("bestuur@example.org", full_name="Bestuur"))
    StaffMembership.objects.bulk_create([StaffMembership(user=member, role=Role.BOARD)])
    assert TakedownTask.objects.get().assigned_to == teacher_a
    page = html_of(login(member).get(reverse("accounts:home_board")))
    line = page.split("1 publicatie moet nog worden verwijderd")[1].split("</li>")[0]
    assert WAITS in line and teacher_a.full_name not in line


def test_a_takedown_with_someone_who_acts_still_names_them(
    login, teacher_a, parent_a, pupil_a, privacy_officer
):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    _check(teacher_a, pupil_a)
    _withdraw(parent_a, pupil_a)
    page = html_of(login(privacy_officer).get(reverse("consent:dossier", args=[pupil_a.pk])))
    takedowns = page.split('id="takedowns"')[1]
    assert WAITS not in takedowns and teacher_a.full_name in takedowns
