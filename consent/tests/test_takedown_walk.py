"""The promise "a withdrawal reaches every published picture", walked end to end as the
people involved meet it: the parent's "nee" on their page, the outbox's e-mails (locmem),
the link in them opened after a login, the takedown page, the check page, the director's
"Nog offline te halen"."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import make_pupil
from consent.models import Appearance, TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, html_of, purpose
from schools.models import StaffMembership


def _withdraw(client, pupil, code: str, media: str):
    target = f"{purpose(code).pk}:{media}"
    return client.post(reverse("consent:withdraw", args=[pupil.pk]), {"target": target})


def _takedown_mails():
    return [m for m in mail.outbox if reverse("consent:takedowns") in m.body]


@pytest.fixture
def three_checks(teacher_a, other_teacher, parent_a, pupil_a, school_a):
    """Sem, allowed on the school's social media in photos, appears in three stored checks
    of that channel: teacher A's check before posting, the other teacher's photo check
    (Sem ticked as appearing; another pupil blurred), and teacher A's check of more than a
    school year ago, when Sem was in last year's group."""
    channel = purpose("sociale-media")
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    StaffMembership.objects.get(user=other_teacher).groups.add(pupil_a.group)
    recent = publication_check_create(
        user=teacher_a, purpose=channel, media_type="photo", pupils=[pupil_a], note="Sportdag"
    )
    roos = make_pupil(school_a, pupil_a.group, "1009", "Roos", "Jansen")
    photo = publication_check_create(
        user=other_teacher,
        purpose=channel,
        media_type="photo",
        pupils=[pupil_a, roos],
        appearances={roos.pk: Appearance.UNRECOGNISABLE},
    )
    old = publication_check_create(
        user=teacher_a, purpose=channel, media_type="photo", pupils=[pupil_a]
    )
    type(old).objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=430)
    )
    return recent, photo, old


def test_it_gives_every_publication_its_task_and_email_to_its_maker(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    three_checks,
    teacher_a,
    other_teacher,
    parent_a,
    pupil_a,
):
    recent, photo, old = three_checks
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _withdraw(login(parent_a), pupil_a, "sociale-media", "photo")
    assert response.status_code == 302

    tasks = {task.publication_check_id: task for task in TakedownTask.objects.all()}
    assert set(tasks) == {recent.pk, photo.pk, old.pk}
    assert tasks[recent.pk].assigned_to == teacher_a
    assert tasks[old.pk].assigned_to == teacher_a
    assert tasks[photo.pk].assigned_to == other_teacher
    assert all(task.reason == "answer" for task in tasks.values())
    sent = _takedown_mails()
    assert sorted(m.to[0] for m in sent) == sorted(
        [teacher_a.email, teacher_a.email, other_teacher.email]
    )
    for message in sent:
        assert "Sem" not in message.body and "Bakker" not in message.body
        assert "Sem" not in message.subject
    assert not TakedownTask.objects.filter(emailed_at=None).exists()


@pytest.mark.parametrize("who", ["teacher_a", "other_teacher"])
def test_the_link_in_the_email_works_for_its_reader_after_login(
    eager_tasks,
    django_capture_on_commit_callbacks,
    client,
    login,
    three_checks,
    who,
    request,
    parent_a,
    pupil_a,
):
    user = request.getfixturevalue(who)
    with django_capture_on_commit_callbacks(execute=True):
        _withdraw(login(parent_a), pupil_a, "sociale-media", "photo")
    message = next(m for m in _takedown_mails() if m.to == [user.email])
    link = next(line for line in message.body.splitlines() if line.startswith("http"))
    path = "/" + link.split("/", 3)[3]
    assert path == reverse("consent:takedowns")
    client.logout()
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "next=" in anonymous["Location"]
    page = login(user).get(path)
    assert page.status_code == 200
    html = html_of(page)
    assert "Sem Bakker" in html
    for task in TakedownTask.objects.filter(assigned_to=user):
        check_page = client.get(reverse("consent:check", args=[task.publication_check_id]))
        assert check_page.status_code == 200
        assert "mag er niet meer op" in html_of(check_page)


def test_a_teacher_moved_to_another_group_keeps_the_task_and_reads_the_check(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    three_checks,
    teacher_a,
    group_a2,
    parent_a,
    pupil_a,
    director_a,
):
    StaffMembership.objects.get(user=teacher_a).groups.set([group_a2])
    with django_capture_on_commit_callbacks(execute=True):
        _withdraw(login(parent_a), pupil_a, "sociale-media", "photo")
    recent, _photo, old = three_checks
    assert {
        t.assigned_to for t in TakedownTask.objects.filter(publication_check__in=[recent, old])
    } == {teacher_a}
    client = login(teacher_a)
    for check in (recent, old):
        page = client.get(reverse("consent:check", args=[check.pk]))
        assert page.status_code == 200
    home = html_of(login(director_a).get(reverse("consent:school_takedowns", args=["vlindertuin"])))
    assert home.count("toegewezen aan") == 3


def test_the_director_sees_what_a_deactivated_teacher_had(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    three_checks,
    teacher_a,
    parent_a,
    pupil_a,
    director_a,
):
    with django_capture_on_commit_callbacks(execute=True):
        _withdraw(login(parent_a), pupil_a, "sociale-media", "photo")
    mail.outbox.clear()
    teacher_a.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        teacher_a.save()
    recent, photo, old = three_checks
    assert TakedownTask.objects.get(publication_check=recent).assigned_to == director_a
    assert TakedownTask.objects.get(publication_check=old).assigned_to == director_a
    assert sorted(m.to[0] for m in _takedown_mails()) == [director_a.email] * 2
    client = login(director_a)
    page = html_of(client.get(reverse("consent:takedowns")))
    assert page.count("Sem Bakker") >= 3
    home = html_of(client.get("/", follow=True))
    assert "3 publicaties moeten nog worden verwijderd" in home
    assert home.count("overgedragen van Juf.A") == 2
    for check in three_checks:
        assert client.get(reverse("consent:check", args=[check.pk])).status_code == 200


@pytest.mark.parametrize(
    "who", ["other_teacher", "director_b", "board", "privacy_officer", "parent_a"]
)
def test_out_of_reach_cannot_close(
    login, three_checks, who, request, parent_a, pupil_a, director_b, board, privacy_officer
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    recent, _photo, _old = three_checks
    task = TakedownTask.objects.get(publication_check=recent)
    response = login(request.getfixturevalue(who)).post(
        reverse("consent:takedown_done", args=[task.pk])
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.is_open


def _cards(client) -> str:
    html = html_of(client.get(reverse("consent:takedowns")))
    return html[html.index("<h1>") : html.index("</main>")]


def test_a_yes_again_before_the_takedown_keeps_the_task_and_says_it_is_not_needed(
    login, three_checks, teacher_a, parent_a, pupil_a
):
    parent = login(parent_a)
    _withdraw(parent, pupil_a, "sociale-media", "photo")
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    assert TakedownTask.objects.filter(done_at=None).count() == 3
    cards = _cards(login(teacher_a))
    assert cards.count("weer toegestaan") == 2
    assert cards.count("Afsluiten: niet meer nodig") == 2
    recent, _photo, _old = three_checks
    page = html_of(login(teacher_a).get(reverse("consent:check", args=[recent.pk])))
    assert "mag er niet meer op" not in page


@pytest.mark.parametrize(("code", "media"), [("sociale-media", "video"), ("website", "photo")])
def test_a_no_for_another_medium_or_channel_takes_nothing_down(
    login, three_checks, teacher_a, parent_a, pupil_a, code, media
):
    decide(pupil_a, parent_a, code, media, True)
    _withdraw(login(parent_a), pupil_a, code, media)
    assert not TakedownTask.objects.exists()
    assert "Niets om offline te halen." in _cards(login(teacher_a))
    recent, _photo, _old = three_checks
    page = html_of(login(teacher_a).get(reverse("consent:check", args=[recent.pk])))
    assert "mag er niet meer op" not in page


def test_the_other_parents_yes_does_not_keep_the_picture_up(
    login, three_checks, teacher_a, parent_a, code_parent, pupil_a, director_a
):
    decide(pupil_a, code_parent, "sociale-media", "photo", True)
    _withdraw(login(parent_a), pupil_a, "sociale-media", "photo")
    assert TakedownTask.objects.filter(done_at=None).count() == 3
    cards = _cards(login(teacher_a))
    assert "weer toegestaan" not in cards and "niet meer nodig" not in cards
    recent, _photo, _old = three_checks
    page = html_of(login(teacher_a).get(reverse("consent:check", args=[recent.pk])))
    assert "Sem Bakker mag er niet meer op" in page


def test_a_pupil_who_left_is_still_taken_down_for(login, three_checks, parent_a, pupil_a):
    pupil_a.left_on = timezone.localdate()
    pupil_a.save()
    assert _withdraw(login(parent_a), pupil_a, "sociale-media", "photo").status_code == 302
    assert TakedownTask.objects.count() == 3


def test_safeguarding_after_publication_takes_down_without_the_reason(
    eager_tasks, django_capture_on_commit_callbacks, login, three_checks, teacher_a, pupil_a
):
    from consent.services import pupil_safeguarding_set

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pupil_safeguarding_set(pupil=pupil_a, not_in_picture=True)
    assert TakedownTask.objects.filter(reason="safeguarding").count() == 3
    assert len(_takedown_mails()) == 3
    for message in _takedown_mails():
        assert "ouder" not in message.body.split("Om welke")[0]  # not "a parent withdrew"
    cards = _cards(login(teacher_a))
    assert "Sem Bakker" in cards and "veilig" not in cards.lower()


def test_a_parent_who_lost_gezag_no_longer_keeps_the_picture_up(three_checks, parent_a, pupil_a):
    from schools.models import Guardianship

    link = Guardianship.objects.get(user=parent_a, pupil=pupil_a)
    link.has_parental_authority = False
    link.save()
    assert TakedownTask.objects.filter(reason="authority").count() == 3


@pytest.mark.parametrize("left", [False, True])
def test_the_email_link_leads_its_reader_through_the_login_to_the_picture(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    three_checks,
    teacher_a,
    director_a,
    parent_a,
    pupil_a,
    left,
):
    """The link of the e-mail, followed logged out as its reader: password, the login code
    app, then the takedowns page with the picture on it; its check opens too. `left`: the
    teacher left the school, and the director got it."""
    from opo_portal.tests.test_mail_links_walked import as_staff, logged_out_then_logged_in

    if left:
        StaffMembership.objects.filter(user=teacher_a).delete()
    reader = as_staff(director_a if left else teacher_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _withdraw(login(parent_a), pupil_a, "sociale-media", "photo")
    mails = [m for m in _takedown_mails() if m.to == [reader.email]]
    assert len(mails) == 2  # the two pictures teacher A checked
    link = next(line for line in mails[0].body.splitlines() if line.startswith("http"))
    path = "/" + link.split("/", 3)[3]
    client = logged_out_then_logged_in(path, reader)
    cards = html_of(client.get(path))
    # the director also sees the other teacher's photo, under "bij een collega"
    assert cards.count("Sem Bakker") == (3 if left else 2)
    recent, _photo, old = three_checks
    for check in (recent, old):
        assert client.get(reverse("consent:check", args=[check.pk])).status_code == 200
