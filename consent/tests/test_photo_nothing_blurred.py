"""The photo page never hands out a photo with a pupil who may not appear while nothing in it
is blurred: no face was found (a face in profile, a small or dark photo) or every face found
was given a pupil who may appear, and no area was drawn. The download used to go through and
store the pupil as "made unrecognisable", so the evidence said the photo was fine while the
child was in it, unblurred."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_pupil, make_user
from consent.models import PublicationCheck
from consent.photo import faceset, testkit
from consent.tests.helpers import decide, purpose
from schools.models import Guardianship

URL = "/foto/"
NOTHING_BLURRED = "maar er is niets in de foto vervaagd"


@pytest.fixture(scope="module")
def no_faces() -> bytes:
    return testkit.camera_jpeg(testkit.noisy_photo(400, 300))


@pytest.fixture(scope="module")
def two_faces() -> bytes:
    image = faceset.build_photo(0, width=440, height=220, sizes=(96, 128), distractors=0).image
    return faceset.jpeg_bytes(image)


@pytest.fixture
def cast(school_a, group_a1):
    """Gijs and Mila may appear on social media; Jente's parent said no."""
    pupils = {}
    for number, first, granted in (("1", "Gijs", True), ("2", "Mila", True), ("3", "Jente", False)):
        pupil = make_pupil(school_a, group_a1, number, first, "Koops")
        parent = make_user(f"ouder.{first.lower()}@example.org")
        Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)
        decide(pupil, parent, "sociale-media", "photo", granted)
        pupils[first] = pupil
    return pupils


def _post(client, data: bytes, **fields):
    upload = SimpleUploadedFile("IMG.JPG", data, content_type="image/jpeg")
    return client.post(URL, {"photo": upload, "channel": purpose("sociale-media").pk, **fields})


def _step1(client, data, pupils) -> dict:
    page = _post(client, data, action="preview", pupils=[p.pk for p in pupils]).content.decode()
    key = re.search(r'name="photo_key" value="([0-9a-f]+)"', page)[1]
    check = PublicationCheck.objects.latest("id")
    return {"pupils": [p.pk for p in pupils], "check": check.pk, "photo_key": key}


def test_it_refuses_a_download_without_faces_or_areas(login, teacher_a, cast, no_faces):
    client = login(teacher_a)
    fields = _step1(client, no_faces, [cast["Gijs"], cast["Jente"]])

    response = _post(client, no_faces, **fields, action="download", rectangles="")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f"Jente Koops mag niet herkenbaar op deze foto, {NOTHING_BLURRED}" in html
    assert "De foto is niet gedownload." in html
    assert PublicationCheck.objects.count() == 1  # only step 1's: no "made unrecognisable"


def test_it_downloads_once_an_area_is_drawn(login, teacher_a, cast, no_faces):
    client = login(teacher_a)
    fields = _step1(client, no_faces, [cast["Gijs"], cast["Jente"]])

    response = _post(client, no_faces, **fields, action="download", rectangles="10,10,80,80")

    assert response["Content-Type"] == "image/jpeg"
    check = PublicationCheck.objects.latest("id")
    rows = dict(check.checked_pupils.values_list("pupil_id", "appearance"))
    assert rows == {cast["Gijs"].pk: "appears", cast["Jente"].pk: "unrecognisable"}


def test_it_refuses_when_every_face_found_is_given_an_allowed_pupil(
    login, teacher_a, cast, two_faces
):
    """Two faces, both given a pupil who may appear: Jente's face is not among them, and
    nothing else is blurred."""
    client = login(teacher_a)
    fields = _step1(client, two_faces, [cast["Gijs"], cast["Mila"], cast["Jente"]])
    download = {**fields, "action": "download", "face_1": cast["Gijs"].pk}

    response = _post(client, two_faces, **download, face_2=cast["Mila"].pk)

    assert response.status_code == 400
    assert NOTHING_BLURRED in response.content.decode()
    assert PublicationCheck.objects.count() == 1
    # One face left blurred is the teacher's answer: the download goes through.
    assert _post(client, two_faces, **download)["Content-Type"] == "image/jpeg"


def test_it_asks_for_an_area_when_no_face_was_found(login, teacher_a, cast, no_faces):
    """Step 2 does not promise that the faces of pupils who may not appear stay blurred
    when no face was found: it asks for an area over them."""
    client = login(teacher_a)
    page = _post(client, no_faces, action="preview", pupils=[cast["Jente"].pk]).content.decode()

    assert "hun gezichten blijven vervaagd" not in page
    assert "dus teken een gebied over het gezicht van elk van hen:" in page
    assert "Jente Koops (geweigerd)" in page


def test_it_allows_a_photo_of_allowed_pupils_only(login, teacher_a, cast, no_faces):
    client = login(teacher_a)
    fields = _step1(client, no_faces, [cast["Gijs"]])

    response = _post(client, no_faces, **fields, action="download")

    assert response["Content-Type"] == "image/jpeg"


def test_it_refuses_fewer_blurred_places_than_pupils_who_may_not_appear(
    login, teacher_a, cast, school_a, group_a1, no_faces
):
    """Two pupils who may not appear and one area drawn: one of them would be in the photo
    unblurred, recorded as made unrecognisable. A second area lets the download go."""
    pupil = make_pupil(school_a, group_a1, "4", "Sem", "Koops")
    parent = make_user("ouder.sem@example.org")
    Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)
    decide(pupil, parent, "sociale-media", "photo", False)
    client = login(teacher_a)
    fields = _step1(client, no_faces, [cast["Gijs"], cast["Jente"], pupil])

    response = _post(client, no_faces, **fields, action="download", rectangles="10,10,80,80")

    assert response.status_code == 400
    html = response.content.decode()
    assert "mogen niet herkenbaar op deze foto, maar er is maar 1 plek in de foto" in html
    assert "De foto is niet gedownload." in html
    assert PublicationCheck.objects.count() == 1
    two = _post(
        client, no_faces, **fields, action="download", rectangles="10,10,80,80;200,10,80,80"
    )
    assert two["Content-Type"] == "image/jpeg"
