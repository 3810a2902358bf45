"""Right after a "nee" the child's page tells the parent that the school is taking what
was published offline, and where to see when (Mijn gegevens), in the page's 6 queries."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose

LINE = re.compile(r'<p class="notice" role="status" id="takedowns-open">(.*?)</p>', re.S)


def check(teacher, pupils, code="sociale-media", media="photo"):
    return publication_check_create(
        user=teacher, purpose=purpose(code), media_type=media, pupils=list(pupils)
    )


def line(client, pupil) -> str:
    html = client.get(reverse("consent:child", args=[pupil.pk])).content.decode()
    found = LINE.search(html)
    return " ".join(found[1].split()) if found else ""


@pytest.fixture
def two_published(teacher_a, parent_a, pupil_a):
    for media in ("photo", "video"):
        decide(pupil_a, parent_a, "sociale-media", media, True)
        check(teacher_a, [pupil_a], media=media)
    decide(pupil_a, parent_a, "website", "photo", True)
    check(teacher_a, [pupil_a], code="website")


def test_it_says_how_many_publications_the_school_takes_offline(
    login, two_published, parent_a, pupil_a
):
    client = login(parent_a)
    assert line(client, pupil_a) == ""  # nothing withdrawn, nothing said
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    said = line(client, pupil_a)
    assert said.startswith("De school haalt 1 publicatie met uw kind offline")
    assert reverse("consent:my_data") in said
    decide(pupil_a, parent_a, "sociale-media", "video", False)
    assert line(client, pupil_a).startswith("De school haalt 2 publicaties met uw kind offline")


def test_it_counts_only_publications_still_open_and_says_nothing_once_done(
    login, teacher_a, parent_a, pupil_a
):
    """A check the "nee" did not take down is not counted; once taken offline the line
    goes (Mijn gegevens says when it was taken offline)."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    check(teacher_a, [pupil_a])
    check(teacher_a, [pupil_a], code="website")  # never allowed: no task
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    client = login(parent_a)
    assert "1 publicatie met uw kind" in line(client, pupil_a)
    TakedownTask.objects.update(done_at=timezone.now())
    assert line(client, pupil_a) == ""


def test_it_names_no_staff_and_no_reason(login, two_published, teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    said = line(login(parent_a), pupil_a)
    assert teacher_a.full_name not in said and teacher_a.email not in said
    assert "ingetrokken" not in said and "gezag" not in said


def test_it_counts_only_this_childs_publications(
    login, teacher_a, group_a2, parent_a, pupil_a, pupil_a2
):
    from schools.models import Guardianship, StaffMembership

    StaffMembership.objects.get(user=teacher_a).groups.add(group_a2)
    Guardianship.objects.create(user=parent_a, pupil=pupil_a2, has_parental_authority=True)
    decide(pupil_a2, parent_a, "sociale-media", "photo", True)
    check(teacher_a, [pupil_a2])
    decide(pupil_a2, parent_a, "sociale-media", "photo", False)
    client = login(parent_a)
    assert line(client, pupil_a) == ""
    assert "1 publicatie" in line(client, pupil_a2)


def test_it_says_it_in_the_pages_six_queries(
    login, two_published, parent_a, pupil_a, django_assert_num_queries
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "website", "photo", False)
    client = login(parent_a)
    url = reverse("consent:child", args=[pupil_a.pk])
    client.get(url)
    # as consent/tests/test_query_counts.py: the open takedowns are counted in query 4,
    # the purposes with versions (consent.rules.CHILD_PURPOSE_INFOS_SQL)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert "2 publicaties met uw kind" in response.content.decode()


def test_the_sql_counts_as_its_orm_form(two_published, parent_a, pupil_a):
    from django.db import connection

    from consent.rules import CHILD_PURPOSE_INFOS_SQL, _fetch, child_purpose_info_rows_orm

    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "website", "photo", False)
    rows = list(child_purpose_info_rows_orm(pupil_a.pk))
    # per purpose (each of its version rows) one count per media type, before "appears"
    per_purpose = {row[0]: row[-4:-1] for row in rows}
    assert sum(sum(counts) for counts in per_purpose.values()) == 2
    if connection.vendor == "postgresql":
        assert _fetch(CHILD_PURPOSE_INFOS_SQL, [pupil_a.pk, pupil_a.pk]) == rows


def test_it_does_not_count_a_publication_allowed_again(
    login, two_published, teacher_a, director_a, parent_a, pupil_a
):
    """A "ja" again before the picture came down: the teacher is told taking it offline
    is no longer needed (consent.access.allowed_again), so the parent is not told the
    school is taking it offline. The task stays open for the teacher to close."""
    from consent.access import allowed_again

    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "video", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)  # allowed again
    tasks = list(TakedownTask.objects.select_related("publication_check", "pupil"))
    assert len(allowed_again(tasks)) == 1 and all(task.is_open for task in tasks)
    client = login(parent_a)
    assert line(client, pupil_a).startswith("De school haalt 1 publicatie met uw kind offline")
    decide(pupil_a, parent_a, "sociale-media", "video", True)
    assert line(client, pupil_a) == ""


def test_it_counts_a_publication_whose_other_parent_still_says_no(
    login, two_published, parent_a, pupil_a
):
    """Allowed again is the rules' granted, not "a yes came": a conflict keeps it offline."""
    from conftest import make_user
    from schools.models import Guardianship

    other = make_user("ouder.tweede@example.org")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, other, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    assert line(login(parent_a), pupil_a).startswith("De school haalt 1 publicatie")


def test_the_open_takedowns_per_channel_and_medium_read_as_their_orm_form(
    two_published, parent_a, pupil_a
):
    from django.db import connection

    from consent.rules import CHILD_PURPOSE_INFOS_SQL, _fetch, child_page_purposes

    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "video", False)
    decide(pupil_a, parent_a, "website", "photo", False)
    _infos, _appearing, open_takedowns = child_page_purposes(pupil_a.pk)
    social, website = purpose("sociale-media").pk, purpose("website").pk
    assert open_takedowns == {(social, "photo"): 1, (social, "video"): 1, (website, "photo"): 1}
    if connection.vendor == "postgresql":
        from consent.rules import child_purpose_info_rows_orm

        rows = list(child_purpose_info_rows_orm(pupil_a.pk))
        assert _fetch(CHILD_PURPOSE_INFOS_SQL, [pupil_a.pk, pupil_a.pk]) == rows
