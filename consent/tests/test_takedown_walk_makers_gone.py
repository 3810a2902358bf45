"""The promise "a withdrawal reaches every published picture" walked once more through the
real views, with makers who are gone: the parent's "nee" on the child's page; the maker
who still teaches is e-mailed and marks the picture offline on the takedowns page; the
pictures of a maker who left the school and of one whose account was deactivated go to
the director, who is e-mailed and marks them; the one who left reaches nothing; the
parent reads on "Mijn gegevens" that each picture was taken offline."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from conftest import make_staff
from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, html_of, purpose
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role


def _check(user, pupil):
    return publication_check_create(
        user=user, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil]
    )


@pytest.fixture
def three_makers(teacher_a, other_teacher, director_a, parent_a, pupil_a, school_a):
    """Sem, allowed on social media in photos, in a picture of each of three teachers; then
    the second left the school and the third's account was switched off."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    StaffMembership.objects.get(user=other_teacher).groups.add(pupil_a.group)
    gone = make_staff("meester.weg@example.org", Role.TEACHER, school_a, [pupil_a.group])
    checks = {"stays": _check(teacher_a, pupil_a)}
    checks["left"] = _check(other_teacher, pupil_a)
    checks["off"] = _check(gone, pupil_a)
    StaffMembership.objects.filter(user=other_teacher).delete()
    gone.is_active = False
    gone.save()
    run_due_duties()
    mail.outbox.clear()
    return checks


def _cards(client) -> str:
    return html_of(client.get(reverse("consent:takedowns")))


def test_every_picture_reaches_someone_who_takes_it_offline_and_the_parent_sees_it(
    login, three_makers, teacher_a, other_teacher, director_a, parent_a, pupil_a
):
    target = f"{purpose('sociale-media').pk}:photo"
    response = login(parent_a).post(
        reverse("consent:withdraw", args=[pupil_a.pk]), {"target": target}
    )
    assert response.status_code == 302
    run_due_duties()

    tasks = {t.publication_check_id: t for t in TakedownTask.objects.all()}
    assert {tasks[c.pk].assigned_to for c in three_makers.values()} == {teacher_a, director_a}
    assert tasks[three_makers["stays"].pk].assigned_to == teacher_a
    # one e-mail per picture, to whoever takes it down now; none to the one who left
    sent = sorted(a for m in mail.outbox for a in m.to)
    assert sent == sorted([teacher_a.email, director_a.email, director_a.email])
    for message in mail.outbox:
        assert reverse("consent:takedowns") in message.body
        assert "Sem" not in message.body and "Bakker" not in message.body

    teacher = login(teacher_a)
    assert "Sem Bakker" in _cards(teacher)
    own = tasks[three_makers["stays"].pk]
    assert teacher.post(reverse("consent:takedown_done", args=[own.pk])).status_code == 302

    assert (
        login(other_teacher)
        .post(reverse("consent:takedown_done", args=[tasks[three_makers["left"].pk].pk]))
        .status_code
        == 404
    )

    director = login(director_a)
    assert _cards(director).count("Sem Bakker") >= 2
    for key in ("left", "off"):
        task = tasks[three_makers[key].pk]
        assert director.post(reverse("consent:takedown_done", args=[task.pk])).status_code == 302
    assert TakedownTask.objects.filter(done_at__isnull=True).count() == 0
    assert set(TakedownTask.objects.values_list("closed_reason", flat=True)) == {"taken_down"}

    parent = login(parent_a)
    page = html_of(parent.get(reverse("consent:my_data")))
    today = date_format(timezone.localdate(), "j F Y")
    assert page.count(f"Offline gehaald op {today}.") == 3
    assert "De school haalt" not in page
    for name in (teacher_a.full_name, director_a.full_name, other_teacher.full_name):
        assert name not in page
    child = html_of(parent.get(reverse("consent:child", args=[pupil_a.pk])))
    assert 'id="takedowns-open"' not in child
