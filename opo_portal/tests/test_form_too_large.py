"""A form larger than DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) says so, and nothing is saved.

Django refuses such a body before any view reads it (RequestDataTooBig); a paste of a few
MB into a protocol draft or a case note got the general "the portal did not understand
this request" page. handler400 (`accounts.views.bad_request`) now names the cause for
every form of the portal. The photo check and the pupil import keep their own limits:
their files do not count towards this one.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from consent.photo import testkit
from consent.tests.helpers import purpose
from opo_portal.tests import test_url_access as url_access
from opo_portal.tests.test_form_input_sweep import ROLES, database_state
from opo_portal.tests.test_url_access import ACCESS, FORM
from policy import services as policy_services
from policy.models import ProtocolVersion
from schools.models import Pupil
from schools.tests.importfiles import csv_text, many_rows

cast = url_access.cast  # the same cast of users and rows, as a fixture of this module

TOO_LARGE = "Het formulier bevatte te veel tekst"
NOTHING_SAVED = "dus er is niets opgeslagen"


def test_it_says_a_paste_into_the_protocol_draft_was_too_large(login, board):
    draft = policy_services.version_draft_start(by=board)
    url = reverse("policy:draft_edit", args=[draft.number])
    client = login(board)

    response = client.post(
        url,
        {"summary": "Wijzigingen. " * 250_000},  # 3.25 MB, pasted
        headers={"referer": f"http://testserver{url}"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert TOO_LARGE in page and NOTHING_SAVED in page
    assert "(hoogstens 2,5\xa0MB)" in page
    assert f'href="{url}"' in page  # back to the form
    assert "Foutcode 400" in page
    assert ProtocolVersion.objects.get(pk=draft.pk).summary == ""


def test_it_links_the_start_page_without_a_referer_of_this_site(login, board):
    draft = policy_services.version_draft_start(by=board)
    url = reverse("policy:draft_edit", args=[draft.number])

    response = login(board).post(
        url, {"summary": "x" * 3_000_000}, headers={"referer": f"https://evil.example{url}"}
    )

    assert response.status_code == 400
    assert 'href="/"' in response.content.decode()
    assert "evil.example" not in response.content.decode()


def test_it_says_so_for_text_fields_of_a_multipart_form(login, board):
    """Django counts the fields of a multipart form, not its files, against the limit."""
    website = purpose("website")
    url = reverse("consent:purpose_text", args=[website.pk])

    response = login(board).post(url, {"kind": "correction", "text": "x" * 3_000_000})

    assert response.status_code == 400
    assert TOO_LARGE in response.content.decode()
    assert website.versions.count() == 1


def test_it_says_so_in_the_persons_own_language(login, board):
    board.language = "en"
    board.save(update_fields=["language"])
    draft = policy_services.version_draft_start(by=board)

    response = login(board).post(
        reverse("policy:draft_edit", args=[draft.number]), {"summary": "x" * 3_000_000}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "The form held too much text" in page and "so nothing was saved" in page
    assert "no-store" in response["Cache-Control"] and "Content-Security-Policy" in response


def test_other_bad_requests_keep_the_general_page(login, board):
    response = login(board).post(reverse("policy:draft_start"), "summary=%FF", content_type=FORM)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Er is niets gewijzigd" in page and TOO_LARGE not in page


@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_every_form_says_so_and_changes_nothing(cast, settings, url_name):
    """Every POST route, as each role, form-encoded and multipart: the
    page that names the cause, and every table of our apps as it was. (The limit is
    lowered to 10 kB to keep the walk fast; the mechanism is the same.) A browser's
    multipart form is read by the CSRF check before any view: the test client skips that
    check unless asked, and then a view that reads no field would never see the body."""
    kwargs_from, _ = ACCESS[url_name]
    url = reverse(url_name, kwargs=kwargs_from(cast) if kwargs_from else None)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.cookies["csrftoken"] = "a" * 32  # a browser's token (the check reads the body)
    answers = {}
    for role in ROLES:  # those out of reach too: the body is refused before any view
        browser.force_login(cast[role])
        for kind, send in (
            ("form", lambda: browser.post(url, "text=" + "x" * 20_000, content_type=FORM)),
            ("multipart", lambda: browser.post(url, {"text": "x" * 20_000, "note": "y"})),
        ):
            before = database_state()
            response = send()
            content = response.content.decode()
            told = response.status_code == 400 and "te veel tekst" in content
            answers[(role, kind)] = (told, database_state() == before, response.status_code)
    assert answers and all(answer[:2] == (True, True) for answer in answers.values()), (
        url,
        answers,
    )


# --- The photo check and the pupil import: their own limits, not this one --------------


def test_the_pupil_import_takes_a_file_larger_than_a_forms_limit(login, director_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    text = csv_text(many_rows(30))
    assert len(text.encode()) > 2 * 1024

    response = login(director_a).post(
        reverse("schools:import_pupils"),
        {"school": "vlindertuin", "file": SimpleUploadedFile("leerlingen.csv", text.encode())},
    )

    assert response.status_code == 200
    assert Pupil.objects.filter(school__code="vlindertuin").count() == 30


def test_the_pupil_import_keeps_its_own_limit(login, director_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.PUPIL_IMPORT_MAX_BYTES = 2048
    text = csv_text(many_rows(30))

    response = login(director_a).post(
        reverse("schools:import_pupils"),
        {"school": "vlindertuin", "file": SimpleUploadedFile("leerlingen.csv", text.encode())},
    )

    assert response.status_code == 200
    assert "Het bestand is groter dan 2 kB" in response.content.decode()
    assert not Pupil.objects.exists()


def test_the_pupil_imports_text_fields_count_towards_a_forms_limit(login, director_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    file = SimpleUploadedFile("leerlingen.csv", csv_text(many_rows(3)).encode())

    response = login(director_a).post(
        reverse("schools:import_pupils"), {"school": "x" * 5000, "file": file}
    )

    assert response.status_code == 400
    assert TOO_LARGE in response.content.decode()
    assert not Pupil.objects.exists()


def test_the_photo_check_takes_a_photo_larger_than_a_forms_limit(login, teacher_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    data = testkit.camera_jpeg()
    assert len(data) > 2 * 1024

    response = login(teacher_a).post(
        "/foto/",
        {
            "photo": SimpleUploadedFile("IMG_0042.JPG", data, content_type="image/jpeg"),
            "action": "download",
            "channel": purpose("website").pk,
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_the_photo_check_keeps_its_own_limit(login, teacher_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.PHOTO_MAX_BYTES = 2048
    data = testkit.camera_jpeg(testkit.noisy_photo(300, 200))

    response = login(teacher_a).post(
        "/foto/",
        {
            "photo": SimpleUploadedFile("IMG_0042.JPG", data, content_type="image/jpeg"),
            "action": "preview",
            "channel": purpose("website").pk,
        },
    )

    assert response.status_code == 400
    assert TOO_LARGE not in response.content.decode()
    assert "groter dan" in response.content.decode()


@pytest.mark.parametrize(("url", "user"), [("/scholen/import/", "parent_a"), ("/foto/", "board")])
def test_an_upload_page_out_of_reach_says_so_too(request, url, user, settings):
    """The upload pages skip the CSRF check until their upload handler is set; answering
    404 first, the 404 page's own CSRF check read the too large body: a 500."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.cookies["csrftoken"] = "a" * 32
    browser.force_login(request.getfixturevalue(user))

    response = browser.post(url, {"school": "x" * 5000})

    assert response.status_code == 400
    assert TOO_LARGE in response.content.decode()
