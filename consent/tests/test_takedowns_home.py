"""The teacher's home box of open takedowns says, as the takedowns page does, when
consent came back for every pupil of a picture before it came down."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from consent.access import allowed_again
from consent.models import TakedownTask
from consent.services import (
    publication_check_create,
    pupil_safeguarding_set,
    purpose_version_publish,
)
from consent.templatetags.consent_tags import open_takedowns
from consent.tests.helpers import decide, purpose
from schools.models import Guardianship, StaffMembership

NOT_NEEDED = "weer toegestaan, offline halen is niet meer nodig"


def check(teacher, pupils, code="sociale-media", media="photo"):
    return publication_check_create(
        user=teacher, purpose=purpose(code), media_type=media, pupils=list(pupils)
    )


def home_box(client) -> str:
    html = client.get(reverse("accounts:home_teacher")).content.decode()
    found = re.search(
        r'<section class="notice" aria-labelledby="takedowns-heading">.*?</section>', html, re.S
    )
    return found[0] if found else ""


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    return check(teacher_a, [pupil_a])


def test_it_says_a_picture_allowed_again_need_not_come_down(
    login, published, teacher_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    client = login(teacher_a)
    assert NOT_NEEDED not in home_box(client)  # still to take down
    decide(pupil_a, parent_a, "sociale-media", "photo", True)  # before the teacher acted
    box = home_box(client)
    assert "1 publicatie offline halen" in box
    assert NOT_NEEDED in box
    assert "Sem" not in box  # the box names publications, never pupils


def test_it_reads_it_in_the_home_pages_own_queries(login, published, teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    client = login(teacher_a)
    client.get(reverse("accounts:home_teacher"))
    with CaptureQueriesContext(connection) as still_to_do:
        client.get(reverse("accounts:home_teacher"))
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    with CaptureQueriesContext(connection) as allowed:
        assert NOT_NEEDED in home_box(client)
    # (session from the cache) 1 user, 2 memberships, 3 the teacher's groups, 4 the open
    # takedowns with whether consent came back (annotated in the same query), 5 the
    # teacher's cases, 6 the page scalars (menu counts): as before this box said it
    assert len(allowed) == len(still_to_do) == 6


def test_one_pupil_of_two_allowed_again_still_has_the_picture_come_down(
    login, teacher_a, group_a2, parent_a, pupil_a, pupil_a2
):
    StaffMembership.objects.get(user=teacher_a).groups.add(group_a2)
    parent_a2 = make_user("ouder.roos@example.org")
    Guardianship.objects.create(user=parent_a2, pupil=pupil_a2, has_parental_authority=True)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    decide(pupil_a2, parent_a2, "sociale-media", "photo", True)
    check(teacher_a, [pupil_a, pupil_a2])
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a2, parent_a2, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    client = login(teacher_a)
    assert "1 publicatie offline halen" in home_box(client)
    assert NOT_NEEDED not in home_box(client)
    decide(pupil_a2, parent_a2, "sociale-media", "photo", True)
    assert NOT_NEEDED in home_box(client)


def _box_says(user) -> dict[int, bool]:
    return {
        task.publication_check_id: task.not_needed for task in open_takedowns(user)["takedowns"]
    }


def _page_says(user) -> dict[int, bool]:
    tasks = list(TakedownTask.objects.filter(assigned_to=user, done_at__isnull=True))
    again = allowed_again(tasks)
    found: dict[int, bool] = {}
    for task in tasks:
        found[task.publication_check_id] = found.get(task.publication_check_id, True) and (
            task.pk in again
        )
    return found


def test_it_agrees_with_the_takedowns_page_on_every_kind_of_change(
    teacher_a, parent_a, code_parent, pupil_a, board
):
    """The box reads "allowed again" in SQL, the page through the consent rules: the same
    answer after a "no" and a "yes" again, the other parent's "no" (conflict), a change of
    meaning answered or not, gezag ended, and the safeguarding flag."""
    for code in ("sociale-media", "website", "nieuwsbrief"):
        for media in ("photo", "video"):
            decide(pupil_a, parent_a, code, media, True)
            check(teacher_a, [pupil_a], code=code, media=media)
    steps = [
        lambda: decide(pupil_a, parent_a, "sociale-media", "photo", False),
        lambda: decide(pupil_a, parent_a, "sociale-media", "photo", True),
        lambda: decide(pupil_a, code_parent, "sociale-media", "video", False),
        lambda: decide(pupil_a, parent_a, "sociale-media", "video", True),
        lambda: purpose_version_publish(
            user=board, purpose=purpose("website"), text="Nieuw.", kind="change_of_meaning"
        ),
        lambda: decide(pupil_a, parent_a, "website", "photo", True),
        lambda: Guardianship.objects.filter(user=code_parent).update(has_parental_authority=False),
        lambda: decide(pupil_a, parent_a, "nieuwsbrief", "photo", False),
        lambda: decide(pupil_a, parent_a, "nieuwsbrief", "photo", True),
        lambda: pupil_safeguarding_set(pupil=pupil_a, not_in_picture=True),
    ]
    seen_both = set()
    for step in steps:
        step()
        box, page = _box_says(teacher_a), _page_says(teacher_a)
        assert box == page
        seen_both |= set(box.values())
    assert seen_both == {True, False}
