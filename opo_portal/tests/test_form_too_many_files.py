"""A form with more files than DATA_UPLOAD_MAX_NUMBER_FILES says so, and nothing is saved.

Django refuses such a multipart body when a view reads it (TooManyFilesSent), as it refuses
one too large or with too many fields (test_form_too_large.py,
test_form_too_many_fields.py); it got the general "the portal did not understand this
request" page. handler400 (`accounts.views.bad_request`) now names this cause too."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from consent.models import PublicationCheck
from consent.photo import testkit
from consent.tests.helpers import purpose
from schools.models import Pupil
from schools.tests.importfiles import csv_text, many_rows

TOO_MANY = "Het formulier had te veel bestanden"
NOTHING_SAVED = "dus er is niets opgeslagen"


def _photos(n: int) -> list[SimpleUploadedFile]:
    data = testkit.camera_jpeg()
    return [SimpleUploadedFile(f"IMG_{i:04}.JPG", data, "image/jpeg") for i in range(n)]


def _pupil_lists(n: int) -> list[SimpleUploadedFile]:
    text = csv_text(many_rows(3)).encode()
    return [SimpleUploadedFile(f"leerlingen{i}.csv", text) for i in range(n)]


def test_it_says_the_photo_check_got_too_many_files(login, teacher_a, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    page_url = "http://testserver/foto/"

    response = login(teacher_a).post(
        "/foto/",
        {"photo": _photos(5), "action": "check", "channel": purpose("website").pk},
        headers={"referer": page_url},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert TOO_MANY in page and NOTHING_SAVED in page
    assert "(hoogstens 3)" in page
    assert 'href="/foto/"' in page  # back to the form
    assert "Foutcode 400" in page
    assert "te veel velden" not in page and "niet begrepen" not in page
    assert not PublicationCheck.objects.exists()


def test_it_says_the_pupil_import_got_too_many_files(login, director_a, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3

    response = login(director_a).post(
        reverse("schools:import_pupils"), {"school": "vlindertuin", "file": _pupil_lists(5)}
    )

    assert response.status_code == 400
    assert TOO_MANY in response.content.decode()
    assert not Pupil.objects.filter(school__code="vlindertuin").exists()


def test_it_says_so_in_the_persons_own_language(login, director_a, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    director_a.language = "en"
    director_a.save(update_fields=["language"])

    response = login(director_a).post(
        reverse("schools:import_pupils"), {"school": "vlindertuin", "file": _pupil_lists(5)}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "The form had too many files" in page and "so nothing was saved" in page


def test_files_up_to_the_limit_are_no_such_error(login, director_a, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3

    response = login(director_a).post(
        reverse("schools:import_pupils"), {"school": "vlindertuin", "file": _pupil_lists(3)}
    )

    assert response.status_code == 200  # the first file is read, the others dropped


@pytest.mark.parametrize(("url", "user"), [("/scholen/import/", "parent_a"), ("/foto/", "board")])
def test_an_upload_page_out_of_reach_says_so_too(request, url, user, settings):
    """As for a body too large: the 404 page's own CSRF check is the first to read it."""
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.cookies["csrftoken"] = "a" * 32
    browser.force_login(request.getfixturevalue(user))

    response = browser.post(url, {"file": _pupil_lists(5)})

    assert response.status_code == 400
    assert TOO_MANY in response.content.decode()
