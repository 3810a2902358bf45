"""A withdrawal as a parent and a teacher meet it: per channel, taken back before the
teacher acted, and for a pupil whose parents never answered (silence is not consent)."""

import pytest
from django.urls import reverse

from consent.models import TakedownTask
from consent.services import consent_withdraw, publication_check_create
from consent.tests.helpers import decide, purpose
from schools.models import StaffMembership


def check(teacher, pupils, code="sociale-media", media="photo"):
    return publication_check_create(
        user=teacher, purpose=purpose(code), media_type=media, pupils=list(pupils)
    )


@pytest.fixture
def everywhere(teacher_a, parent_a, pupil_a):
    """Sem is allowed on every channel and medium and is in three posts: Instagram photo
    and film, and a photo on the website."""
    for code in ("sociale-media", "website"):
        for media in ("photo", "video"):
            decide(pupil_a, parent_a, code, media, True)
    return {
        ("sociale-media", "photo"): check(teacher_a, [pupil_a]),
        ("sociale-media", "video"): check(teacher_a, [pupil_a], media="video"),
        ("website", "photo"): check(teacher_a, [pupil_a], code="website"),
    }


def taken_down():
    return set(TakedownTask.objects.values_list("publication_check_id", flat=True))


def test_withdrawing_one_cell_takes_down_only_that_channel_and_medium(
    everywhere, parent_a, pupil_a
):
    consent_withdraw(
        pupil=pupil_a,
        guardian=parent_a,
        purpose_id=purpose("sociale-media").pk,
        media_type="photo",
    )
    assert taken_down() == {everywhere["sociale-media", "photo"].pk}


def test_withdrawing_one_channel_takes_down_its_media_and_no_other_channel(
    everywhere, parent_a, pupil_a
):
    consent_withdraw(pupil=pupil_a, guardian=parent_a, purpose_id=purpose("sociale-media").pk)
    assert taken_down() == {
        everywhere["sociale-media", "photo"].pk,
        everywhere["sociale-media", "video"].pk,
    }


def test_a_yes_given_again_before_the_teacher_acted_says_it_is_no_longer_needed(
    login, everywhere, teacher_a, parent_a, pupil_a
):
    """Withdrawn by mistake and given again: the task stays (the teacher was told), but
    its card says taking down is no longer needed, and closing it is one click."""
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    client = login(teacher_a)
    html = client.get(reverse("consent:takedowns")).content.decode()
    assert "Sem Bakker (weer toegestaan)" in html
    assert "de publicatie hoeft niet meer offline" in html
    assert "Afsluiten: niet meer nodig" in html and "Offline gehaald</button>" not in html
    task = TakedownTask.objects.get()
    client.post(reverse("consent:takedown_done", args=[task.pk]))
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == teacher_a
    html = client.get(reverse("consent:takedowns")).content.decode()
    assert "weer toegestaan" not in html and "niet meer nodig" not in html  # done is done


def test_one_pupil_allowed_again_of_two_still_has_the_picture_taken_down(
    login, teacher_a, group_a2, parent_a, pupil_a, pupil_a2
):
    from conftest import make_user
    from schools.models import Guardianship

    StaffMembership.objects.get(user=teacher_a).groups.add(group_a2)
    parent_a2 = make_user("ouder.roos@example.org")
    Guardianship.objects.create(user=parent_a2, pupil=pupil_a2, has_parental_authority=True)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    decide(pupil_a2, parent_a2, "sociale-media", "photo", True)
    check(teacher_a, [pupil_a, pupil_a2])
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a2, parent_a2, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    html = login(teacher_a).get(reverse("consent:takedowns")).content.decode()
    assert "Sem Bakker (weer toegestaan)" in html
    assert "Roos Vries" in html and "Roos Vries (weer" not in html
    assert "niet meer offline" not in html and "Offline gehaald</button>" in html


def test_a_yes_of_one_parent_while_the_other_says_no_is_not_allowed_again(
    login, everywhere, teacher_a, parent_a, pupil_a
):
    from conftest import make_user
    from schools.models import Guardianship

    other = make_user("ouder.twee@example.org")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, other, "sociale-media", "photo", False)  # the parents disagree
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)  # still disagree
    html = login(teacher_a).get(reverse("consent:takedowns")).content.decode()
    assert "weer toegestaan" not in html and "Offline gehaald</button>" in html


def test_a_pupil_whose_parents_never_answered_is_taken_down_at_their_first_no(
    teacher_a, parent_a, pupil_a
):
    """Posted although the check said "Mag niet" (unanswered): silence was never consent,
    and the parents' first answer, a "no", takes the picture down."""
    published = check(teacher_a, [pupil_a])
    assert published.allowed is False
    assert not TakedownTask.objects.exists()  # nothing was granted, so nothing stopped
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert taken_down() == {published.pk}


def test_withdrawing_everything_without_ever_answering_takes_the_picture_down(
    teacher_a, parent_a, pupil_a
):
    published = check(teacher_a, [pupil_a])
    consent_withdraw(pupil=pupil_a, guardian=parent_a)
    assert taken_down() == {published.pk}


def test_an_unanswered_pupil_is_never_allowed_again(login, teacher_a, parent_a, pupil_a, board):
    """A change of meaning takes everything down; the parent has not answered the new text:
    silence, so the task does not say it is no longer needed."""
    from consent.services import purpose_version_publish

    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    check(teacher_a, [pupil_a])
    purpose_version_publish(
        user=board, purpose=purpose("sociale-media"), text="Nieuw.", kind="change_of_meaning"
    )
    client = login(teacher_a)
    assert "weer toegestaan" not in client.get(reverse("consent:takedowns")).content.decode()
    decide(pupil_a, parent_a, "sociale-media", "photo", True)  # yes to the new text
    assert "weer toegestaan" in client.get(reverse("consent:takedowns")).content.decode()


@pytest.mark.parametrize("pictures", [1, 4])
def test_the_takedown_page_reads_consent_in_a_fixed_number_of_queries(
    login, teacher_a, parent_a, pupil_a, pictures, django_assert_num_queries
):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    for _ in range(pictures):
        check(teacher_a, [pupil_a])
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    client = login(teacher_a)
    client.get(reverse("consent:takedowns"))  # sessions and caches warm
    # the session's user, page scalars (banner, menu count), the tasks, the colleagues'
    # tasks, and whether they may appear again: the channels, gezag-holders, decisions
    with django_assert_num_queries(7):
        client.get(reverse("consent:takedowns"))
