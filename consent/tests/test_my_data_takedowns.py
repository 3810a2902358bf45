"""Does a parent learn that a picture of their child was taken down? "Mijn gegevens" lists
every check their child appears in; after a "nee" it also says, per publication, whether
the school still has to take it offline, took it offline (when), or left it up because
consent was given again. Without a name of staff and without the reason for others."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from consent.models import TakedownTask
from consent.services import publication_check_create, takedown_complete
from consent.tests.helpers import decide, html_of, purpose


@pytest.fixture
def published(director_a, parent_a, pupil_a, pupil_a2):
    """Sem (and Roos, another family's child) in a photo on the school's social media."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    return publication_check_create(
        user=director_a,
        purpose=purpose("sociale-media"),
        media_type="photo",
        pupils=[pupil_a, pupil_a2],
    )


def _checks_part(client) -> str:
    html = html_of(client.get(reverse("consent:my_data")))
    start = html.index("Controles voor publicatie")
    return html[start : html.index("<h2", start)]


def _download(client) -> dict:
    return json.loads(client.get(reverse("consent:my_data_json")).content)


def _today() -> str:
    return date_format(timezone.localdate(), "j F Y")


def test_it_says_nothing_of_a_takedown_while_consent_stands(login, published, parent_a):
    client = login(parent_a)
    assert "offline" not in _checks_part(client)
    [check] = _download(client)["publication_checks"]
    assert check["takedowns"] == []


def test_it_tells_the_parent_the_school_still_has_to_take_it_offline(
    login, published, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    client = login(parent_a)
    part = _checks_part(client)
    assert f"De school haalt deze publicatie offline (sinds {_today()})" in part
    [check] = _download(client)["publication_checks"]
    [takedown] = check["takedowns"]
    assert takedown["child"] == pupil_a.pk
    assert takedown["closed_at"] is None and takedown["closed"] is None
    assert takedown["opened_at"].startswith(timezone.localdate().isoformat())


def test_it_tells_the_parent_once_the_picture_was_taken_offline(
    login, published, director_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    login(director_a).post(
        reverse("consent:takedown_done", args=[TakedownTask.objects.get().pk]),
        {"closed_reason": "taken_down"},
    )
    client = login(parent_a)
    part = _checks_part(client)
    assert f"Offline gehaald op {_today()}." in part
    assert "De school haalt" not in part
    assert director_a.full_name not in part  # who did it is the school's business
    [takedown] = _download(client)["publication_checks"][0]["takedowns"]
    assert takedown["closed"] == "taken_down" and takedown["closed_at"] is not None
    assert director_a.email not in json.dumps(_download(client))


def test_it_says_a_picture_was_left_up_when_consent_came_back(
    login, published, director_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    takedown_complete(task=TakedownTask.objects.get(), user=director_a, closed_reason="not_needed")
    client = login(parent_a)
    part = _checks_part(client)
    assert "Niet offline gehaald: er was weer toestemming (afgesloten op" in part
    [takedown] = _download(client)["publication_checks"][0]["takedowns"]
    assert takedown["closed"] == "not_needed"


def test_it_shows_no_takedown_of_another_familys_child(
    login, published, parent_a, parent_a2, pupil_a2
):
    decide(pupil_a2, parent_a2, "sociale-media", "photo", False)
    client = login(parent_a)
    assert "offline" not in _checks_part(client)
    assert _download(client)["publication_checks"][0]["takedowns"] == []


def _count(client, name) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse(name))  # the session's user, cached (accounts.user_cache)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name)).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("name", ["consent:my_data", "consent:my_data_json"])
def test_it_reads_the_takedowns_in_a_fixed_number_of_queries(
    login, published, director_a, parent_a, pupil_a, name
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    client = login(parent_a)
    one = _count(client, name)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    for _ in range(3):
        publication_check_create(
            user=director_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
        )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert TakedownTask.objects.count() == 4
    # the page reads them in its checks' query (12, test_my_data.py), the download in
    # one of its own (13)
    assert _count(client, name) == one


def test_it_says_taking_it_offline_is_no_longer_needed_once_consent_came_back(
    login, published, parent_a, pupil_a
):
    """A "ja" again before the picture came down: the teacher's task stays open, marked
    "allowed again, taking it down is no longer needed"; the parent reads the same, not
    that the school is taking it offline."""
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    assert TakedownTask.objects.get().is_open
    client = login(parent_a)
    part = _checks_part(client)
    assert "De school haalt" not in part
    assert (
        "Weer toegestaan: offline halen is niet meer nodig"
        f" (de school werd op {_today()} gevraagd dit te doen)." in part
    )
    [takedown] = _download(client)["publication_checks"][0]["takedowns"]
    assert takedown["closed"] is None and takedown["allowed_again"] is True


def test_it_still_says_the_school_takes_it_offline_while_the_other_parent_says_no(
    login, published, parent_a, pupil_a
):
    from conftest import make_user
    from schools.models import Guardianship

    other = make_user("ouder.tweede@example.org")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, other, "sociale-media", "photo", False)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)  # a conflict: not allowed
    client = login(parent_a)
    assert "De school haalt deze publicatie offline" in _checks_part(client)
    [takedown] = _download(client)["publication_checks"][0]["takedowns"]
    assert takedown["allowed_again"] is False


def test_a_closed_takedown_is_never_allowed_again_in_the_download(
    login, published, director_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    takedown_complete(task=TakedownTask.objects.get(), user=director_a)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    client = login(parent_a)
    [takedown] = _download(client)["publication_checks"][0]["takedowns"]
    assert takedown["closed"] == "taken_down" and takedown["allowed_again"] is False
    assert f"Offline gehaald op {_today()}." in _checks_part(client)
