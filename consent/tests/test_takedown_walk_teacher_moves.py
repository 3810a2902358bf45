"""The promise "a withdrawal reaches every published picture" walked through the views with
a teacher who moves to another school while she holds open takedowns: her director ends
her membership on "Leerkrachten en groepen". Whoever answers for the school gets each
picture once, with its e-mail; she gets only the e-mail that her access ended and reaches
the pictures no more; nothing is sent twice; the parent's "Mijn gegevens" says the school
is taking them offline, then that it did, and never who."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.page_scalars import values
from conftest import add_teaching, make_staff
from consent.models import TakedownTask
from consent.services import publication_check_create, takedowns_nobody_has
from consent.tests.helpers import decide, html_of, purpose
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role


@pytest.fixture
def two_pictures(teacher_a, parent_a, pupil_a, school_b, group_b1):
    """Sem in two pictures of Juf A (the website and social media), who also teaches at
    school B now; then Sem's parent said "nee" to both."""
    for code in ("sociale-media", "website"):
        decide(pupil_a, parent_a, code, "photo", True)
        publication_check_create(
            user=teacher_a, purpose=purpose(code), media_type="photo", pupils=[pupil_a]
        )
    add_teaching(teacher_a, school_b, [group_b1])
    for code in ("sociale-media", "website"):
        decide(pupil_a, parent_a, code, "photo", False)


def _remove(login, director, teacher, school):
    membership = StaffMembership.objects.get(user=teacher, school=school, role=Role.TEACHER)
    url = reverse("schools:staff_teacher_remove", args=[school.code, membership.pk])
    assert login(director).post(url).status_code == 302


def _sent() -> list[tuple[str, str]]:
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def _my_data(login, parent) -> str:
    return html_of(login(parent).get(reverse("consent:my_data")))


def _today() -> str:
    return date_format(timezone.localdate(), "j F Y")


@pytest.mark.parametrize("told_first", [True, False], ids=["told", "e-mail-still-waiting"])
def test_a_teacher_who_moves_hands_each_picture_to_the_director_once(
    login, two_pictures, told_first, teacher_a, director_a, parent_a, pupil_a, school_a
):
    if told_first:
        run_due_duties()
        assert [m.to for m in mail.outbox] == [[teacher_a.email]] * 2
        mail.outbox.clear()
    _remove(login, director_a, teacher_a, school_a)
    run_due_duties()
    run_due_duties()  # the sweeper, or a retry: nothing more

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([director_a.email] * 2 + [teacher_a.email])
    for message in mail.outbox:
        assert "Sem" not in message.body and "Bakker" not in message.body
    tasks = list(TakedownTask.objects.all())
    assert {task.assigned_to for task in tasks} == {director_a}
    assert all(task.handed_over_from_name == teacher_a.full_name for task in tasks)

    teacher = login(teacher_a)
    assert "Sem" not in html_of(teacher.get(reverse("consent:takedowns")))
    assert teacher.post(reverse("consent:takedown_done", args=[tasks[0].pk])).status_code == 404
    assert values(type(teacher_a).objects.get(pk=teacher_a.pk))["open_takedowns"] == 0
    # a membership of hers saved again (school B's groups, say) sends nothing more
    StaffMembership.objects.get(user=teacher_a, role=Role.TEACHER).save()
    run_due_duties()
    assert len(mail.outbox) == 3

    page = _my_data(login, parent_a)
    assert page.count(f"De school haalt deze publicatie offline (sinds {_today()})") == 2
    director = login(director_a)
    for task in tasks:
        assert director.post(reverse("consent:takedown_done", args=[task.pk])).status_code == 302
    page = _my_data(login, parent_a)
    assert page.count(f"Offline gehaald op {_today()}.") == 2
    assert "De school haalt" not in page
    for name in (teacher_a.full_name, director_a.full_name):
        assert name not in page


def test_at_a_school_with_nobody_else_the_pictures_wait_for_the_director_named_next(
    login, two_pictures, teacher_a, parent_a, pupil_a, school_a
):
    """No director, no board member: the teacher removes herself in the admin's stead
    (a membership deleted). Nobody is e-mailed about a school she left; health shows the
    two; the parent still reads that the school is taking them offline; the director
    named next gets each picture once."""
    run_due_duties()
    mail.outbox.clear()
    StaffMembership.objects.get(user=teacher_a, school=school_a).delete()
    run_due_duties()
    assert mail.outbox == []
    assert takedowns_nobody_has() == {"tasks": 2, "schools": [school_a.code]}
    assert "Sem" not in html_of(login(teacher_a).get(reverse("consent:takedowns")))
    page = _my_data(login, parent_a)
    assert page.count("De school haalt deze publicatie offline") == 2

    director = make_staff("directeur.a@example.org", Role.DIRECTOR, school_a)
    run_due_duties()
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[director.email]] * 2
    assert takedowns_nobody_has()["tasks"] == 0
    assert html_of(login(director).get(reverse("consent:takedowns"))).count("Sem Bakker") >= 2
