"""A later "no" for a pupil in a published check becomes a takedown task + e-mail."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from consent.models import TakedownTask
from consent.services import (
    Answer,
    _Made,
    _takedown_tasks_create,
    consent_decide,
    publication_check_create,
)
from consent.tests.helpers import decide, purpose, shown_version
from outbox.models import Duty
from outbox.services import duty_run


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    return publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )


def test_it_creates_a_task_for_the_teacher_on_withdrawal(
    eager_tasks, django_capture_on_commit_callbacks, published, teacher_a, parent_a, pupil_a
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupil_a, parent_a, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    assert (task.publication_check, task.pupil, task.assigned_to) == (published, pupil_a, teacher_a)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [teacher_a.email]
    assert "Sem" not in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<duty.")  # resent as one


def test_it_queues_the_email_only_after_commit(
    django_capture_on_commit_callbacks, published, parent_a, pupil_a
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_it_sends_the_email_once_when_the_task_runs_twice(
    eager_tasks, django_capture_on_commit_callbacks, published, parent_a, pupil_a
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupil_a, parent_a, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    duty = Duty.objects.get(key=f"takedown-email:{task.pk}")
    assert duty.status == Duty.Status.DONE
    assert duty_run(duty_id=duty.pk) is False
    assert len(mail.outbox) == 1


def test_it_creates_one_task_per_publication_and_pupil(published, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert TakedownTask.objects.count() == 1


def test_it_ignores_other_channels_and_media(published, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "video", False)
    decide(pupil_a, parent_a, "website", "photo", False)
    assert TakedownTask.objects.count() == 0


def test_it_creates_a_task_for_an_appearing_pupil_of_a_check_that_was_not_allowed(
    teacher_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "website", "photo", False)
    publication_check_create(
        user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "website", "photo", False)
    assert TakedownTask.objects.count() == 1


def test_it_lists_open_tasks_on_the_teacher_home(login, published, teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    html = login(teacher_a).get(reverse("accounts:home_teacher")).content.decode()
    assert 'id="takedowns-heading"' in html
    menu = re.search(r'<a href="/toestemming/verwijderen/"[^>]*>(.*?)</a>', html)[1]
    assert '<span class="badge">1<span class="visually-hidden"> open</span></span>' in menu


def test_a_yes_given_again_leaves_the_open_task_for_the_teacher_to_close(
    login, published, teacher_a, parent_a, pupil_a
):
    """The picture was up while consent was withdrawn and the teacher was told to take it
    down: a later "yes" closes nothing behind their back. The task stays on their page and
    in the menu's count until they close it; the card says it is no longer needed
    (test_takedowns_audit.py)."""
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    assert TakedownTask.objects.get().done_at is None
    html = login(teacher_a).get(reverse("consent:takedowns")).content.decode()
    assert "Te doen</span>" not in html
    assert "Te doen: Sem Bakker (weer toegestaan)</h2>" in html
    menu = re.search(r'<a href="/toestemming/verwijderen/"[^>]*>(.*?)</a>', html)[1]
    assert '<span class="badge">1<span class="visually-hidden"> open</span></span>' in menu


def test_it_counts_open_tasks_as_the_orm_query_would(
    published, teacher_a, other_teacher, parent_a, pupil_a
):
    """The menu's count is written out in SQL (consent.services.OPEN_TAKEDOWNS_SQL), read
    with the other page scalars as every page reads it."""
    from accounts.page_scalars import values
    from consent.access import own_takedowns
    from consent.services import takedown_complete

    def open_takedown_count(user):
        return values(user)["open_takedowns"]

    def orm(user):
        tasks = own_takedowns(user).filter(done_at__isnull=True)
        return tasks.values("publication_check").distinct().count()

    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert open_takedown_count(teacher_a) == orm(teacher_a) == 1
    assert open_takedown_count(other_teacher) == orm(other_teacher) == 0
    takedown_complete(task=TakedownTask.objects.get())
    assert open_takedown_count(teacher_a) == orm(teacher_a) == 0


def test_it_marks_a_task_done_by_its_teacher_only(
    login, published, teacher_a, other_teacher, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    done_url = reverse("consent:takedown_done", args=[task.pk])
    assert login(other_teacher).post(done_url).status_code == 404
    assert login(teacher_a).post(done_url).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    html = login(teacher_a).get(reverse("accounts:home_teacher")).content.decode()
    assert 'id="takedowns-heading"' not in html  # the box on the home page is gone
    assert '<span class="badge">' not in html  # and the menu shows no open count


def test_one_save_takes_down_each_withdrawn_cell_and_names_its_own_answer(
    teacher_a, parent_a, pupil_a
):
    """A parent's save with several "no" answers: one task per check of a withdrawn cell,
    caused by that cell's answer; a check of a cell the save left alone stays."""
    cells = [("sociale-media", "photo"), ("website", "video"), ("website", "photo")]
    checks = {}
    for code, media in cells:
        decide(pupil_a, parent_a, code, media, True)
        checks[(code, media)] = publication_check_create(
            user=teacher_a, purpose=purpose(code), media_type=media, pupils=[pupil_a]
        )
    withdrawn = [("sociale-media", "photo"), ("website", "video")]
    events = consent_decide(
        pupil=pupil_a,
        guardian=parent_a,
        answers=[Answer(purpose(code).pk, media, False) for code, media in withdrawn],
    )
    assert len(events) == 2 and all(event.pk for event in events)
    tasks = {task.publication_check_id: task for task in TakedownTask.objects.all()}
    assert set(tasks) == {checks[cell].pk for cell in withdrawn}
    for event, cell in zip(events, withdrawn, strict=True):
        assert tasks[checks[cell].pk].caused_by_id == event.pk


@pytest.mark.parametrize("checks", [2, 12])
def test_a_withdrawal_takes_down_every_check_in_a_fixed_number_of_queries(
    teacher_a, parent_a, pupil_a, checks, django_assert_num_queries
):
    """However many posts the child is in: one lookup, one INSERT of the tasks, one of
    their e-mails (consent.services.takedowns_create)."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    made = [
        publication_check_create(
            user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
        )
        for _ in range(checks)
    ]
    # 1 the test helper's purpose, 2 savepoint, 3 the child's row lock, 4 purposes with
    # versions, 5 gezag-holders, 6 events, 7 the "no", 8 the checks the child appears in,
    # 9 whether their makers still teach at the school (who takes them down), 10 which of
    # them have a task, 11-13 the tasks (savepoint, one INSERT, release), 14 their e-mails'
    # duties (one INSERT), 15 savepoint released. The same for 2 or 12.
    with django_assert_num_queries(15):
        decide(pupil_a, parent_a, "sociale-media", "photo", False)
    tasks = TakedownTask.objects.all()
    assert {task.publication_check_id for task in tasks} == {check.pk for check in made}
    assert Duty.objects.filter(key__startswith="takedown-email:").count() == checks


def test_a_task_made_meanwhile_is_not_made_again_nor_mailed_twice(teacher_a, parent_a, pupil_a):
    """A change of meaning takes no pupil lock: when it made one of the tasks between the
    lookup and the INSERT, the others are still made, each with one e-mail."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    checks = [
        publication_check_create(
            user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
        )
        for _ in range(3)
    ]
    first = TakedownTask.objects.create(
        publication_check=checks[0], pupil=pupil_a, assigned_to=teacher_a, reason="answer"
    )
    wanted = {
        (check.pk, pupil_a.pk): TakedownTask(
            publication_check=check, pupil=pupil_a, assigned_to=teacher_a, reason="answer"
        )
        for check in checks
    }
    made = _takedown_tasks_create(
        wanted, _Made(set(), set(), {})
    )  # as if the lookup had missed `first`
    assert {task.publication_check_id for task in made} == {checks[1].pk, checks[2].pk}
    assert TakedownTask.objects.count() == 3
    assert TakedownTask.objects.get(publication_check=checks[0]).pk == first.pk
    keys = set(Duty.objects.filter(key__startswith="takedown-email:").values_list("key", flat=True))
    assert keys == {f"takedown-email:{task.pk}" for task in made}


def _social_photo_no(**extra) -> dict:
    social = purpose("sociale-media")
    return {f"c-{social.pk}-photo": "no", **extra}


def test_a_no_saved_on_the_child_page_takes_the_picture_down_and_mails_the_teacher(
    eager_tasks, django_capture_on_commit_callbacks, login, published, teacher_a, parent_a, pupil_a
):
    social = purpose("sociale-media")
    version = social.versions.get().pk
    client = login(parent_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("consent:child", args=[pupil_a.pk]),
            _social_photo_no(**{f"v-{social.pk}": version}),
        )
    assert response.status_code == 302
    task = TakedownTask.objects.get()
    assert (task.publication_check, task.assigned_to, task.reason) == (
        published,
        teacher_a,
        "answer",
    )
    [message] = mail.outbox
    assert message.to == [teacher_a.email] and "Sem" not in message.body
    assert (
        "Te doen: Sem Bakker" in login(teacher_a).get(reverse("consent:takedowns")).content.decode()
    )


def test_a_no_recorded_on_paper_by_the_director_takes_the_picture_down(
    eager_tasks,
    django_capture_on_commit_callbacks,
    login,
    published,
    teacher_a,
    director_a,
    parent_a,
    pupil_a,
):
    data = _social_photo_no(guardian=parent_a.pk, method="phone", **shown_version("sociale-media"))
    with django_capture_on_commit_callbacks(execute=True):
        response = login(director_a).post(reverse("consent:record", args=[pupil_a.pk]), data)
    assert response.status_code == 302
    task = TakedownTask.objects.get()
    assert (task.assigned_to, task.caused_by.method, task.caused_by.recorded_by) == (
        teacher_a,
        "phone",
        director_a,
    )
    assert [message.to for message in mail.outbox] == [[teacher_a.email]]


def test_the_email_names_the_publications_school(
    eager_tasks, django_capture_on_commit_callbacks, published, teacher_a, parent_a, pupil_a
):
    """A teacher at two schools checks for both schools' "Sociale media van de school":
    the e-mail says which school's publication to take down."""
    with django_capture_on_commit_callbacks(execute=True):
        decide(pupil_a, parent_a, "sociale-media", "photo", False)
    [message] = mail.outbox
    assert "School: OBS De Vlindertuin" in message.body
