"""The photo check page: who may use it, preview, download, and bad input in the page."""

import base64
import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from PIL import Image, ImageStat

from conftest import make_pupil
from consent.photo import testkit
from consent.photo.cleaning import MESSAGES
from consent.tests.helpers import html_of

URL = "/foto/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def upload(data: bytes, name: str = "IMG_0042.JPG", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def channel(code: str = "website") -> int:
    from consent.models import Purpose

    return Purpose.objects.get(code=code).pk


def post(client, data: bytes, action: str = "preview", **fields):
    fields.setdefault("channel", channel())
    return client.post(URL, {"photo": upload(data), "action": action, **fields})


def preview_bytes(response) -> bytes:
    match = re.search(r'src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', response.content.decode())
    assert match, "no preview in the page"
    return base64.b64decode(match.group(1))


def message(code: str, **params) -> str:
    """The message as the page shows it (the tests browse in English)."""
    with translation.override("en"):
        return escape(str(MESSAGES[code]) % params if params else str(MESSAGES[code]))


def test_it_is_mounted_at_foto():
    assert reverse("photo:check") == URL


# --- Who may use it -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cast_member", "status"),
    [
        ("teacher_a", 200),
        ("other_teacher", 200),
        ("director_a", 200),
        ("director_b", 200),
        ("board", 404),
        ("privacy_officer", 404),
        ("parent_a", 404),
        ("outsider", 404),
    ],
)
def test_it_opens_for_teachers_and_directors_only(request, login, cast_member, status):
    client = login(request.getfixturevalue(cast_member))
    assert client.get(URL).status_code == status


@pytest.mark.parametrize("cast_member", ["board", "privacy_officer", "parent_a", "outsider"])
def test_it_refuses_uploads_from_other_roles(request, login, cast_member):
    client = login(request.getfixturevalue(cast_member))
    assert post(client, testkit.camera_jpeg()).status_code == 404


def test_it_sends_anonymous_visitors_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    response = post(client, testkit.camera_jpeg())
    assert response.status_code == 302


def test_it_checks_the_csrf_token(teacher_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher_a)
    assert post(client, testkit.camera_jpeg()).status_code == 403


# --- Step 1: the form ---------------------------------------------------------------


def test_it_offers_the_four_photo_formats(login, teacher_a):
    html = login(teacher_a).get(URL).content.decode()
    assert 'type="file"' in html
    for kind in ("image/jpeg", "image/png", "image/webp", "image/heic"):
        assert kind in html


def test_it_lists_only_the_teachers_own_pupils(login, teacher_a, pupil_a, pupil_a2, pupil_b):
    html = html_of(login(teacher_a).get(URL))
    assert "Sem Bakker (groep 5)" in html
    assert "Roos" not in html
    assert "Bram" not in html


def test_it_lists_the_whole_school_for_a_director(login, director_a, pupil_a, pupil_a2, pupil_b):
    html = html_of(login(director_a).get(URL))
    assert "Sem Bakker" in html
    assert "Roos Vries" in html
    assert "Bram" not in html


def test_it_refuses_a_pupil_outside_the_teachers_groups(login, teacher_a, pupil_a2):
    response = post(login(teacher_a), testkit.camera_jpeg(), pupils=[pupil_a2.pk])
    assert response.status_code == 404  # as the pupil's id in a path
    assert "Roos" not in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_it_runs_the_same_queries_for_3_or_30_pupils(
    login, teacher_a, school_a, group_a1, django_assert_num_queries, count
):
    for number in range(count):
        make_pupil(school_a, group_a1, f"9{number:03}", f"Kind{number}", "Test")
    client = login(teacher_a)
    # (session from the cache, TOTP remembered in it) user (with "any guardianship?" for
    # the menu), memberships (MFA middleware, cached for the role check), unread protocol
    # (policy banner) with open takedown tasks (menu badge) in one query, the active
    # purposes (channels; no COUNT before them since {% select_options %}), pupils with
    # their groups
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert response.content.decode().count('name="pupils"') == count


# --- Step 1 -> preview ----------------------------------------------------------------


def test_it_shows_a_clean_upright_preview(login, teacher_a):
    response = post(login(teacher_a), testkit.camera_jpeg())
    assert response.status_code == 200
    data = preview_bytes(response)
    assert [secret for secret in testkit.SECRETS if secret in data] == []
    image = Image.open(BytesIO(data))
    assert image.size == (96, 64)
    assert image.getpixel((3, 3))[0] > 180


def test_it_gives_the_drawing_tool_the_size_of_the_upright_original(login, teacher_a):
    scene = testkit.upright_scene(3000, 2000)
    html = post(login(teacher_a), testkit.camera_jpeg(scene)).content.decode()
    assert 'data-width="3000" data-height="2000"' in html
    # The preview is made at phone size (consent/photo/page.py, PREVIEW_SIDE = 1080).
    assert Image.open(BytesIO(preview_bytes_from(html))).size == (1080, 720)


def preview_bytes_from(html: str) -> bytes:
    match = re.search(r'src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', html)
    return base64.b64decode(match.group(1))


def test_it_keeps_the_ticked_pupils_and_areas(login, teacher_a, pupil_a):
    html = post(
        login(teacher_a), testkit.camera_jpeg(), pupils=[pupil_a.pk], rectangles="1,2,3,4"
    ).content.decode()
    assert re.search(rf'value="{pupil_a.pk}"[^>]*checked', html)
    assert ">1,2,3,4</textarea>" in html


@pytest.mark.parametrize("kind", ["png", "webp", "heic"])
def test_it_previews_every_accepted_format(login, teacher_a, kind):
    build = {
        "png": testkit.png_with_text,
        "webp": testkit.webp_with_metadata,
        "heic": testkit.heic_with_metadata,
    }[kind]
    response = post(login(teacher_a), build())
    assert response.status_code == 200
    data = preview_bytes(response)
    assert [secret for secret in testkit.SECRETS if secret in data] == []


def test_it_sends_pages_with_a_photo_uncached(login, teacher_a):
    response = post(login(teacher_a), testkit.camera_jpeg())
    assert "no-store" in response["Cache-Control"]


# --- Step 2 -> download ----------------------------------------------------------------


def test_it_downloads_the_cleaned_photo_as_an_attachment(login, teacher_a):
    response = post(login(teacher_a), testkit.camera_jpeg(), action="download")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="photo-cleaned.jpg"'
    assert "no-store" in response["Cache-Control"]
    data = response.content
    assert [secret for secret in testkit.SECRETS if secret in data] == []
    markers = {marker for marker, _ in testkit.jpeg_markers(data)}
    assert markers <= {0xE0, 0xDB, 0xC0, 0xC4, 0xDA}


def test_it_names_the_cleaned_photo_in_the_language_of_the_page(settings, login, teacher_a):
    settings.LANGUAGE_CODE = "nl"
    response = post(login(teacher_a), testkit.camera_jpeg(), action="download")
    assert response["Content-Disposition"] == 'attachment; filename="foto-opgeschoond.jpg"'


def test_it_blurs_the_areas_drawn_on_the_photo(login, teacher_a):
    response = post(
        login(teacher_a), testkit.camera_jpeg(), action="download", rectangles="48,16,44,32\n"
    )
    image = Image.open(BytesIO(response.content))
    assert image.size == (96, 64)
    assert max(ImageStat.Stat(image.crop((48, 16, 92, 48))).stddev) < 15
    assert image.getpixel((3, 3))[0] > 180


def test_it_limits_the_download_to_the_max_side_setting(login, teacher_a, settings):
    settings.PHOTO_MAX_SIDE = 48
    response = post(login(teacher_a), testkit.camera_jpeg(), action="download")
    assert Image.open(BytesIO(response.content)).size == (48, 32)


def test_it_never_writes_the_upload_to_disk(login, teacher_a, settings, tmp_path):
    # Django would spill any upload over 1 byte to a temporary file in a missing directory.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "missing")
    response = post(login(teacher_a), testkit.camera_jpeg(), action="download")
    assert response.status_code == 200


# --- Bad input: a message in the page, never a 500 -----------------------------------


@pytest.mark.parametrize(
    ("data", "code", "params"),
    [
        (b"", "empty", {}),
        (b"Dit is geen foto.\n", "unsupported", {}),
        (testkit.gif_bytes(), "unsupported", {}),
        (testkit.png_declaring(20000, 20000), "too_many_pixels", {"limit": "50"}),
        (testkit.jpeg_with_scans(100, size=64), "too_many_scans", {"limit": 100}),
        (
            testkit.splice_after_soi(testkit.camera_jpeg(), b"\xff\xe5\x00\x02" * 2000),
            "too_many_parts",
            {},
        ),
    ],
    ids=["empty", "text-named-jpg", "gif", "bomb", "scan-bomb", "segment-bomb"],
)
@pytest.mark.parametrize("action", ["preview", "download"])
def test_it_explains_a_bad_photo_in_the_page(login, teacher_a, data, code, params, action):
    response = post(login(teacher_a), data, action=action)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message(code, **params) in response.content.decode()


def test_it_explains_a_truncated_photo(login, teacher_a):
    data = testkit.camera_jpeg(testkit.noisy_photo(300, 200))
    response = post(login(teacher_a), data[: len(data) // 2])
    assert response.status_code == 400
    assert message("damaged") in response.content.decode()


def test_it_explains_a_file_over_the_byte_limit(login, teacher_a, settings):
    settings.PHOTO_MAX_BYTES = 2048
    data = testkit.camera_jpeg(testkit.noisy_photo(300, 200))
    assert len(data) > 4 * 2048
    response = post(login(teacher_a), data)
    assert response.status_code == 400
    assert message("too_large", limit="0.00195312") in response.content.decode()


def test_it_asks_for_a_photo_when_none_is_sent(login, teacher_a):
    response = login(teacher_a).post(URL, {"action": "preview"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


@pytest.mark.parametrize(
    ("rectangles", "expected"),
    [
        ("1,2,3", message("bad_rectangle", value="1,2,3")),
        ("500,500,10,10", message("rectangle_outside", value="500,500,10,10", width=96, height=64)),
    ],
)
def test_it_explains_a_bad_area(login, teacher_a, rectangles, expected):
    response = post(
        login(teacher_a), testkit.camera_jpeg(), action="download", rectangles=rectangles
    )
    assert response.status_code == 400
    assert expected in response.content.decode()


@pytest.mark.parametrize("action", ["preview", "update", "download"])
def test_it_refuses_areas_stacked_over_the_photo(login, teacher_a, pupil_a, action):
    # 50 areas over a whole 49 Mpx photo were 15 s of CPU for one download: a message now,
    # nothing handed out and no check stored; the preview stays, every face blurred.
    from consent.models import PublicationCheck

    whole = "\n".join(["0,0,96,64"] * 5)
    ticked = [pupil_a.pk] if action == "preview" else []  # a download needs a check first
    response = post(
        login(teacher_a), testkit.camera_jpeg(), action=action, rectangles=whole, pupils=ticked
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message("areas_overlap", limit=4) in response.content.decode()
    assert Image.open(BytesIO(preview_bytes(response))).size == (96, 64)
    assert not PublicationCheck.objects.exists()


def test_it_keeps_the_preview_next_to_an_area_error(login, teacher_a):
    response = post(login(teacher_a), testkit.camera_jpeg(), action="download", rectangles="1,2")
    assert response.status_code == 400
    assert Image.open(BytesIO(preview_bytes(response))).size == (96, 64)
    assert ">1,2</textarea>" in response.content.decode()


def test_it_shows_no_preview_for_a_bad_photo(login, teacher_a):
    response = post(login(teacher_a), b"", action="download", rectangles="1,2,3,4")
    assert response.status_code == 400
    assert "data:image/jpeg" not in response.content.decode()


def test_it_speaks_dutch(login, teacher_a, settings):
    settings.LANGUAGE_CODE = "nl"
    html = post(login(teacher_a), b"").content.decode()
    assert "<h1>Fotocheck</h1>" in html
    assert "1. Foto en leerlingen" in html
    assert "Het bestand is leeg. Kies een foto." in html


# --- Consent verdict --------------------------------------------------------------------


def give_consent(parent, pupil, purpose_code: str, granted: bool):
    from consent.models import MediaType, Purpose
    from consent.services import Answer, consent_decide

    purpose = Purpose.objects.get(code=purpose_code)
    consent_decide(
        guardian=parent, pupil=pupil, answers=[Answer(purpose.pk, MediaType.PHOTO, granted)]
    )


def test_it_saves_the_check_and_names_the_pupil_who_may_not_appear(
    login, teacher_a, parent_a, pupil_a, group_a1, school_a
):
    from consent.models import PublicationCheck

    other = make_pupil(school_a, group_a1, "3003", "Noor", "Dijk")
    give_consent(parent_a, pupil_a, "sociale-media", False)
    response = post(
        login(teacher_a),
        testkit.camera_jpeg(),
        channel=channel("sociale-media"),
        pupils=[pupil_a.pk, other.pk],
    )
    body = response.content.decode()
    check = PublicationCheck.objects.get()
    assert check.allowed is False
    assert set(check.pupils.all()) == {pupil_a, other}
    assert check.checked_by == teacher_a
    assert "Sem" in body and "✖" in body


def test_it_allows_a_photo_when_every_pupil_has_consent(login, teacher_a, parent_a, pupil_a):
    from consent.models import PublicationCheck

    give_consent(parent_a, pupil_a, "website", True)
    response = post(login(teacher_a), testkit.camera_jpeg(), pupils=[pupil_a.pk])
    assert response.status_code == 200
    assert PublicationCheck.objects.get().allowed is True
    assert "✔" in response.content.decode()


@pytest.mark.parametrize("field", ["check", "from_check"])
def test_a_check_id_it_did_not_post_is_no_check_and_never_an_english_label(
    login, teacher_a, pupil_a, settings, field
):
    """The page posts the check back in hidden fields. A value it did not make refused the
    step with "Check: Voer een geheel getal in." ("From check: …"), labels in English
    of fields the teacher never sees. It is no check: the download asks for the check
    again, as without one."""
    settings.LANGUAGE_CODE = "nl"
    ticked = {"pupils": [pupil_a.pk], field: "abc"}
    response = post(login(teacher_a), testkit.camera_jpeg(), "download", **ticked)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Klik opnieuw op “Controleer en toon de foto” voordat u downloadt." in html
    assert "Voer een geheel getal in" not in html and "Check</a>" not in html


@pytest.mark.parametrize(
    ("language", "label"), [("nl", "Kies een kanaal"), ("en", "Choose a channel")]
)
def test_the_channel_list_starts_with_the_label_of_the_check(
    login, teacher_a, settings, language, label
):
    """As on the check before posting; it started with Django's "---------"."""
    settings.LANGUAGE_CODE = language
    html = login(teacher_a).get(URL).content.decode()
    select = html[html.index('name="channel"') :]
    first = re.search(r"<option[^>]*>([^<]*)</option>", select)
    assert first and first.group(1).strip() == label
    assert "---------" not in html
