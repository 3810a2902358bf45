"""The photo page between its steps: consent that changes after step 1 (a withdrawal, the
other parent's "no", gezag ended), the same download sent twice, reach lost while the page
is open. The teacher never gets a cleaned photo of a pupil whose consent is gone at the
moment of the download, and one action has one effect."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from conftest import at_the_same_moment, make_pupil, make_user, require_service
from consent.models import PublicationCheck, TakedownTask
from consent.photo import faceset
from consent.tests.helpers import decide, purpose
from schools.models import Guardianship

URL = "/foto/"


@pytest.fixture(scope="module")
def group_photo() -> bytes:
    image = faceset.build_photo(0, width=1040, height=780, sizes=(96, 128), distractors=0).image
    return faceset.jpeg_bytes(image)


@pytest.fixture
def gijs_mila(school_a, group_a1):
    """Two pupils of teacher A's group who may appear on social media: (pupil, parent)."""
    cast = []
    for number, first in (("3002", "Gijs"), ("3003", "Mila")):
        pupil = make_pupil(school_a, group_a1, number, first, "Jansen")
        parent = make_user(f"ouder.{first.lower()}@example.org")
        Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)
        decide(pupil, parent, "sociale-media", "photo", True)
        cast.append((pupil, parent))
    return cast


def _post(client, data: bytes, referer: str = "", **fields):
    upload = SimpleUploadedFile("IMG.JPG", data, content_type="image/jpeg")
    fields.setdefault("channel", purpose("sociale-media").pk)
    headers = {"referer": referer} if referer else {}
    return client.post(URL, {"photo": upload, **fields}, headers=headers)


def _step1(client, data, pupils) -> dict:
    """Step 1 for these pupils: the fields a download posts back."""
    page = _post(client, data, action="preview", pupils=[p.pk for p in pupils]).content.decode()
    check = PublicationCheck.objects.latest("id")
    key = re.search(r'name="photo_key" value="([0-9a-f]+)"', page)[1]
    return {"pupils": [p.pk for p in pupils], "check": check.pk, "photo_key": key}


def _no_from_the_parent(gijs, parent, board):
    decide(gijs, parent, "sociale-media", "photo", False)


def _no_from_a_second_parent(gijs, parent, board):
    other = make_user("ouder2.gijs@example.org")
    Guardianship.objects.create(user=other, pupil=gijs, has_parental_authority=True)
    decide(gijs, other, "sociale-media", "photo", False)


def _gezag_ended(gijs, parent, board):
    link = Guardianship.objects.get(pupil=gijs, user=parent)
    link.has_parental_authority = False
    link.save()


CAUSES = [_no_from_the_parent, _no_from_a_second_parent, _gezag_ended]


def _refused_as_consent_gone(response, name: str) -> bool:
    """No photo: the page says whose consent went, and still carries the check."""
    if response.status_code != 400 or not response["Content-Type"].startswith("text/html"):
        return False
    html = response.content.decode()
    return (
        f"Intussen is de toestemming voor {name} ingetrokken" in html
        and 'name="check" value="' in html
    )


@pytest.mark.parametrize("given_a_face", [False, True])
@pytest.mark.parametrize("cause", CAUSES)
def test_it_refuses_a_download_when_consent_went_after_the_check(
    login, teacher_a, board, gijs_mila, group_photo, cause, given_a_face
):
    """Gijs was allowed at step 1; his consent goes before the download. Whether or not the
    teacher gave him a face (the detector may have missed it), no photo leaves and nothing
    is stored; checking again blurs him and records him as made unrecognisable."""
    (gijs, gijs_parent), (mila, mila_parent) = gijs_mila
    client = login(teacher_a)
    fields = _step1(client, group_photo, [gijs, mila])
    first = PublicationCheck.objects.get()
    cause(gijs, gijs_parent, board)
    download = {**fields, "action": "download", "face_2": mila.pk}
    if given_a_face:
        download["face_1"] = gijs.pk

    response = _post(client, group_photo, **download)

    assert _refused_as_consent_gone(response, "Gijs Jansen")
    assert list(PublicationCheck.objects.all()) == [first]
    again = _post(client, group_photo, **fields, action="preview")
    second = PublicationCheck.objects.latest("id")
    assert again.status_code == 200 and second.replaces_id == first.pk
    download.pop("face_1", None)
    download["check"] = second.pk
    assert _post(client, group_photo, **download)["Content-Type"] == "image/jpeg"
    third = PublicationCheck.objects.get(replaces=second)
    rows = dict(third.checked_pupils.values_list("pupil_id", "appearance"))
    assert rows == {gijs.pk: "unrecognisable", mila.pk: "appears"}
    decide(mila, mila_parent, "sociale-media", "photo", False)
    assert TakedownTask.objects.filter(pupil=mila).get().publication_check == third


def test_a_photo_checked_but_never_downloaded_is_still_taken_down_for(
    login, teacher_a, gijs_mila, group_photo
):
    """Kept on purpose (DESIGN.md, Consent: "every stored check in which that pupil appears
    becomes a takedown task"): the portal cannot tell a photo posted from one only checked
    (the original may be posted without the page's download), so a step-1 check without a
    download is taken down for like any check before posting, and its page warns."""
    (gijs, gijs_parent), _mila = gijs_mila
    client = login(teacher_a)
    fields = _step1(client, group_photo, [gijs])

    _no_from_the_parent(gijs, gijs_parent, None)

    assert TakedownTask.objects.get().publication_check_id == fields["check"]
    page = client.get(reverse("consent:check", args=[fields["check"]])).content.decode()
    assert "Gijs Jansen mag er niet meer op. Publiceer het zo niet" in page


def _second_browser(user) -> Client:
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_download_when_the_no_commits_while_it_is_cleaned(
    teacher_a, gijs_mila, group_photo
):
    """The parent's "no" is being saved while the teacher downloads: the download reads
    consent again under the pupils' locks, after the "no", and hands out nothing."""
    (gijs, gijs_parent), (mila, _) = gijs_mila
    client = _second_browser(teacher_a)
    fields = _step1(client, group_photo, [gijs, mila])
    responses = []

    at_the_same_moment(
        lambda: decide(gijs, gijs_parent, "sociale-media", "photo", False),
        lambda: responses.append(
            _post(client, group_photo, **fields, action="download", face_2=mila.pk)
        ),
    )

    assert _refused_as_consent_gone(responses[0], "Gijs Jansen")
    assert PublicationCheck.objects.count() == 1
    assert TakedownTask.objects.get().publication_check_id == fields["check"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_downloads_at_the_same_moment_store_one_check_and_both_get_the_photo(
    teacher_a, school_a, group_a1, gijs_mila, group_photo
):
    """A double click on the download button without scripts (or two tabs): the second
    waits for the first, finds its check and hands out the same photo; it used to answer
    "This check was already adjusted"."""
    (gijs, gijs_parent), (mila, _) = gijs_mila
    levi = make_pupil(school_a, group_a1, "3001", "Levi", "Jansen")  # unanswered: blurred
    first_tab, second_tab = _second_browser(teacher_a), _second_browser(teacher_a)
    fields = _step1(first_tab, group_photo, [levi, gijs, mila])
    download = {**fields, "action": "download", "face_1": gijs.pk, "face_2": mila.pk}
    responses = []

    at_the_same_moment(
        lambda: responses.append(_post(first_tab, group_photo, **download)),
        lambda: responses.append(_post(second_tab, group_photo, **download)),
    )

    assert [r["Content-Type"] for r in responses] == ["image/jpeg", "image/jpeg"]
    assert responses[0].content == responses[1].content
    assert PublicationCheck.objects.count() == 2  # step 1 and the one download
    decide(gijs, gijs_parent, "sociale-media", "photo", False)
    assert TakedownTask.objects.count() == 1


def _moved_to_another_group(teacher, group_a2):
    membership = teacher.memberships.get()
    membership.groups.set([group_a2])


def _membership_ended(teacher, group_a2):
    from schools.services import teacher_remove

    teacher_remove(membership=teacher.memberships.get(), by=teacher)


@pytest.mark.parametrize("action", ["preview", "update", "download"])
@pytest.mark.parametrize("reach_lost", [_moved_to_another_group, _membership_ended])
def test_a_page_left_open_after_the_reach_ended_stores_nothing(
    login, teacher_a, group_a2, gijs_mila, group_photo, reach_lost, action
):
    """The teacher moved to another group, or a director ended the membership on
    "Leerkrachten en groepen", while the photo page was open: its pupils are out of reach
    (404) and nothing is stored, no check and no photo."""
    (gijs, _), (mila, _) = gijs_mila
    client = login(teacher_a)
    fields = _step1(client, group_photo, [gijs, mila])
    reach_lost(teacher_a, group_a2)

    response = _post(client, group_photo, **fields, action=action, face_1=gijs.pk)

    assert response.status_code == 404
    assert PublicationCheck.objects.count() == 1


def test_a_photo_sent_after_the_staff_session_went_idle_logs_in_back_to_the_page(
    login, teacher_a, gijs_mila, group_photo
):
    """31 minutes idle between step 1 and the download: the login page, then the photo
    page again (the file is picked again); nothing stored, nothing handed out."""
    import time

    from accounts.security_middleware import SEEN

    (gijs, _), (mila, _) = gijs_mila
    client = login(teacher_a)
    fields = _step1(client, group_photo, [gijs, mila])
    session = client.session
    session[SEEN] = time.time() - 31 * 60
    session.save()

    response = _post(
        client, group_photo, **fields, action="download", referer="http://testserver/foto/"
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/foto/"
    assert PublicationCheck.objects.count() == 1


def test_the_same_photo_checked_again_from_an_earlier_page_is_one_check(
    login, teacher_a, gijs_mila, group_photo
):
    """Back and "Controleer en toon de foto" again (the page without the check's id): the
    second check replaces the first, also after a download, so a "no" takes the photo
    down once; it stored a check per press and made a task per press."""
    (gijs, gijs_parent), (mila, _) = gijs_mila
    client = login(teacher_a)
    fields = _step1(client, group_photo, [gijs, mila])
    _post(client, group_photo, **fields, action="download", face_1=gijs.pk, face_2=mila.pk)
    _post(client, group_photo, action="preview", pupils=fields["pupils"])
    _post(client, group_photo, action="preview", pupils=fields["pupils"])

    assert PublicationCheck.objects.filter(replaced_by__isnull=True).count() == 1
    decide(gijs, gijs_parent, "sociale-media", "photo", False)
    assert TakedownTask.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_first_checks_of_one_photo_at_the_same_moment_are_one_check(
    teacher_a, gijs_mila, group_photo
):
    """A double click on "Controleer en toon de foto" without scripts: one check."""
    (gijs, gijs_parent), (mila, _) = gijs_mila
    first_tab, second_tab = _second_browser(teacher_a), _second_browser(teacher_a)
    step1 = {"action": "preview", "pupils": [gijs.pk, mila.pk]}

    at_the_same_moment(
        lambda: _post(first_tab, group_photo, **step1),
        lambda: _post(second_tab, group_photo, **step1),
    )

    assert PublicationCheck.objects.count() == 1
    decide(gijs, gijs_parent, "sociale-media", "photo", False)
    assert TakedownTask.objects.count() == 1
