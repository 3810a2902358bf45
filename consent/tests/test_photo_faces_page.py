"""The photo page with faces found: numbering, choosing allowed pupils, blur by default."""

import base64
import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape
from PIL import Image, ImageChops, ImageFilter, ImageStat

from conftest import make_pupil
from consent.photo import cleaning, faceset, page
from consent.photo.forms import NOT_ALLOWED
from consent.photo.views import PHOTO_CHANGED

URL = "/foto/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(scope="module")
def group_photo():
    """Twelve large faces (96 and 128 px) on 1040 × 780, as JPEG, with the found faces."""
    photo = faceset.build_photo(0, width=1040, height=780, sizes=(96, 128), distractors=0)
    data = faceset.jpeg_bytes(photo.image)
    found = page.find_faces(data, cleaning.DEFAULT_LIMITS)  # as the page numbers them
    hits, extra = faceset.score(photo.faces, list(found.boxes))
    assert sum(hits) >= 10 and extra <= 1
    return data, found, photo.faces


def true_faces(found, truth) -> dict[int, object]:
    """{number: box} of the faces found that are real faces of the set (not a false one)."""
    return {
        number: box
        for number, box in enumerate(found.boxes, start=1)
        if any(faceset.matches(box, true) for true in truth)
    }


def give_consent(parent, pupil, granted: bool, code: str = "website"):
    from consent.models import MediaType, Purpose
    from consent.services import Answer, consent_decide

    purpose = Purpose.objects.get(code=code)
    consent_decide(
        guardian=parent, pupil=pupil, answers=[Answer(purpose.pk, MediaType.PHOTO, granted)]
    )


def post(client, data: bytes, action: str = "preview", **fields):
    from consent.models import Purpose

    fields.setdefault("channel", Purpose.objects.get(code="website").pk)
    upload = SimpleUploadedFile("IMG_0042.JPG", data, content_type="image/jpeg")
    return client.post(URL, {"photo": upload, "action": action, **fields})


def checked(client, data: bytes, pupils) -> int:
    """Step 1 for these pupils: the id of the stored check a download records in."""
    from consent.models import PublicationCheck

    post(client, data, pupils=pupils)
    return PublicationCheck.objects.latest("id").pk


def images(response) -> list[Image.Image]:
    found = re.findall(r'src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', response.content.decode())
    return [Image.open(BytesIO(base64.b64decode(data))) for data in found]


def spread(image: Image.Image, box, scale: float = 1.0) -> float:
    """Fine detail in the middle of a face box: the mean difference from a blurred copy
    (eyes, mouth and edges give it; a pixelated face has almost none, whatever the
    contrast of the face)."""
    inset = box.w // 5
    area = (box.x + inset, box.y + inset, box.x + box.w - inset, box.y + box.h - inset)
    crop = image.convert("L").crop(tuple(round(v * scale) for v in area))
    smooth = crop.filter(ImageFilter.GaussianBlur(2))
    return ImageStat.Stat(ImageChops.difference(crop, smooth)).mean[0]


@pytest.fixture
def two_allowed(parent_a, pupil_a, school_a, group_a1):
    from schools.models import Guardianship

    other = make_pupil(school_a, group_a1, "3003", "Noor", "Dijk")
    Guardianship.objects.create(user=parent_a, pupil=other, has_parental_authority=True)
    give_consent(parent_a, pupil_a, True)
    give_consent(parent_a, other, True)
    return pupil_a, other


def test_it_numbers_every_face_found_with_a_zoomed_choice(login, teacher_a, group_photo):
    data, found, truth = group_photo
    html = post(login(teacher_a), data).content.decode()
    for number in range(1, len(found.boxes) + 1):
        assert f'id="face-{number}"' in html
        assert f'href="#face-{number}"' in html
        assert f'name="face_{number}"' in html
    # the photo, a thumbnail per face and the result
    assert html.count('src="data:image/jpeg;base64,') == 2 + len(found.boxes)
    assert "not face recognition" in html


def test_it_blurs_every_face_by_default_in_download_and_preview(login, teacher_a, group_photo):
    data, found, truth = group_photo
    client = login(teacher_a)
    download = Image.open(BytesIO(post(client, data, action="download").content))
    result = images(post(client, data))[-1]
    original = Image.open(BytesIO(data))
    for box in true_faces(found, truth).values():
        assert spread(download, box) < 0.35 * spread(original, box)
        assert spread(result, box, result.width / found.width) < 0.35 * spread(original, box)


def test_it_shows_the_faces_of_pupils_who_may_appear(login, teacher_a, group_photo, two_allowed):
    data, found, truth = group_photo
    first, second = two_allowed
    real = true_faces(found, truth)
    one, four = list(real)[0], list(real)[3]
    fields = {"pupils": [first.pk, second.pk], f"face_{one}": first.pk, f"face_{four}": second.pk}
    client = login(teacher_a)
    fields["check"] = checked(client, data, fields["pupils"])
    response = post(client, data, action="download", **fields)
    assert response.status_code == 200
    image = Image.open(BytesIO(response.content))
    original = Image.open(BytesIO(data))
    for number, box in true_faces(found, truth).items():
        before, after = spread(original, box), spread(image, box)
        if number in (one, four):
            assert after > 0.7 * before, number
        else:
            assert after < 0.35 * before, number


def test_it_refuses_a_pupil_without_consent_for_a_face(
    login, teacher_a, group_photo, parent_a, pupil_a
):
    data, _, _ = group_photo
    give_consent(parent_a, pupil_a, False)
    response = post(
        login(teacher_a), data, action="download", pupils=[pupil_a.pk], face_1=pupil_a.pk
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    with translation.override("en"):
        assert escape(str(NOT_ALLOWED)) in response.content.decode()
    select = re.search(r'<select name="face_1".*?</select>', response.content.decode(), re.S)
    assert f'value="{pupil_a.pk}"' not in select.group(0)


def test_it_refuses_a_pupil_who_was_not_ticked(login, teacher_a, group_photo, parent_a, pupil_a):
    data, _, _ = group_photo
    give_consent(parent_a, pupil_a, True)
    response = post(login(teacher_a), data, action="download", face_1=pupil_a.pk)
    assert response.status_code == 400


def test_it_refuses_one_pupil_for_two_faces(login, teacher_a, group_photo, two_allowed):
    data, _, _ = group_photo
    first, _ = two_allowed
    fields = {"pupils": [first.pk], "face_1": first.pk, "face_2": first.pk}
    response = post(login(teacher_a), data, action="download", **fields)
    assert response.status_code == 400
    assert "for face 1 already" in response.content.decode()


def test_it_keeps_the_areas_drawn_besides_the_faces(login, teacher_a, group_photo, two_allowed):
    data, found, truth = group_photo
    first, _ = two_allowed
    box = found.boxes[0]
    fields = {
        "pupils": [first.pk],
        "face_1": first.pk,
        "rectangles": f"{box.x},{box.y},{box.w},{box.h}",
    }
    client = login(teacher_a)
    fields["check"] = checked(client, data, fields["pupils"])
    image = Image.open(BytesIO(post(client, data, action="download", **fields).content))
    assert spread(image, box) < 20


def test_it_warns_when_faces_are_small(login, teacher_a):
    photo = faceset.build_photo(2, width=1040, height=780, sizes=(40, 48), distractors=0)
    html = post(login(teacher_a), faceset.jpeg_bytes(photo.image)).content.decode()
    assert "Check whether all faces were found." in html


def test_it_does_not_warn_for_large_faces(login, teacher_a, group_photo):
    html = post(login(teacher_a), group_photo[0]).content.decode()
    assert "Check whether all faces were found." not in html


def test_it_updates_the_preview_without_storing_another_check(
    login, teacher_a, group_photo, two_allowed
):
    from consent.models import PublicationCheck

    data, found, truth = group_photo
    first, _ = two_allowed
    client = login(teacher_a)
    post(client, data, pupils=[first.pk])
    shown, blurred = list(true_faces(found, truth).items())[:2]
    fields = {"pupils": [first.pk], f"face_{shown[0]}": first.pk}
    response = post(client, data, action="update", **fields)
    assert PublicationCheck.objects.count() == 1
    result = images(response)[-1]
    scale = result.width / found.width
    original = Image.open(BytesIO(data))
    assert spread(result, shown[1], scale) > 0.7 * spread(original, shown[1])
    assert spread(result, blurred[1], scale) < 0.35 * spread(original, blurred[1])


def test_it_blurs_every_face_in_the_preview_when_an_area_is_wrong(
    login, teacher_a, group_photo, two_allowed
):
    data, found, truth = group_photo
    first, _ = two_allowed
    number, box = next(iter(true_faces(found, truth).items()))
    fields = {"pupils": [first.pk], f"face_{number}": first.pk, "rectangles": "5000,5000,10,10"}
    response = post(login(teacher_a), data, action="update", **fields)
    assert response.status_code == 400
    result = images(response)[-1]
    original = Image.open(BytesIO(data))
    # The chosen face is blurred too while the areas are wrong: never fewer faces blurred.
    assert spread(result, box, result.width / found.width) < 0.35 * spread(original, box)


def hidden_fields(response) -> dict[str, str]:
    """The hidden inputs of the page, as a browser without scripts posts them again."""
    html = response.content.decode()
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def test_it_refuses_choices_made_for_another_photo(login, teacher_a, group_photo, two_allowed):
    """Without scripts the teacher picks the file again for step 2; picking the next
    photo of the roll must not give its faces the pupils chosen for the faces shown."""
    from consent.models import PublicationCheck

    data, found, _ = group_photo
    first, second = two_allowed
    pupils = [first.pk, second.pk]
    client = login(teacher_a)
    shown = post(client, data, pupils=pupils)
    assert shown.status_code == 200
    choices = {**hidden_fields(shown), "pupils": pupils, "face_1": first.pk, "face_2": second.pk}
    checks = PublicationCheck.objects.count()
    next_one = faceset.build_photo(3, width=1040, height=780, sizes=(96, 128))
    other = faceset.jpeg_bytes(next_one.image)
    other_found = page.find_faces(other, cleaning.DEFAULT_LIMITS)
    assert len(other_found.boxes) >= 2 and other_found.boxes != found.boxes
    response = post(client, other, action="download", **choices)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    with translation.override("en"):
        assert escape(str(PHOTO_CHANGED)) in response.content.decode()
    assert "selected>Sem" not in response.content.decode()  # the choices are not kept
    assert PublicationCheck.objects.count() == checks
    result = images(response)[-1]
    original = Image.open(BytesIO(other))
    scale = result.width / other_found.width
    for box in other_found.boxes[:2]:  # the other photo's faces 1 and 2 stay blurred
        assert spread(result, box, scale) < 0.35 * spread(original, box)
    # The same photo again: the choices hold.
    again = post(client, data, action="download", **choices)
    assert again.status_code == 200
    assert again["Content-Type"] == "image/jpeg"
