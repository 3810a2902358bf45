"""A photo with more faces than the page can offer a choice for is refused with a reason.

Each face is a field of the form, and Django refuses a post of more than
DATA_UPLOAD_MAX_NUMBER_FIELDS (1000) fields: with 990 faces found, step 1 showed every
face and step 2 ended on the bare "Bad request" page, the teacher's choices lost. The
detector is replaced by one that finds as many faces as a test asks; the rest of the
page is the real one."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from consent.photo import mtcnn, page

URL = "/foto/"


@pytest.fixture
def faces_found(monkeypatch):
    """faces_found(n): the detector finds n faces of 20 px in rows, on any photo."""

    def finding(count: int) -> None:
        boxes = [((i % 40) * 25, (i // 40) * 25, 20, 20) for i in range(count)]
        monkeypatch.setattr(mtcnn, "detect", lambda rgb, settings=None, **kw: boxes)

    return finding


def _photo() -> bytes:
    out = BytesIO()
    Image.new("RGB", (1040, 780), (90, 120, 150)).save(out, format="JPEG")
    return out.getvalue()


def _post(client, **fields):
    from consent.models import Purpose

    upload = SimpleUploadedFile("IMG_0042.JPG", _photo(), content_type="image/jpeg")
    data = {"channel": Purpose.objects.get(code="website").pk, "action": "preview"}
    return client.post(URL, {"photo": upload, **data, **fields})


def test_it_refuses_a_photo_of_more_faces_than_it_can_list_in_dutch(login, teacher_a, faces_found):
    faces_found(page.MAX_FACES + 1)
    response = _post(login(teacher_a))
    assert response.status_code == 400
    assert response.context["form"].errors["photo"] == [
        f"Op deze foto zijn meer dan {page.MAX_FACES} gezichten gevonden: zoveel kan het "
        "portaal niet per gezicht laten kiezen. Snijd de foto bij of verdeel hem over "
        "kleinere foto's."
    ]
    assert "face_1" not in response.content.decode()


def test_it_takes_the_choices_for_as_many_faces_as_it_lists(login, teacher_a, faces_found):
    faces_found(page.MAX_FACES)
    client = login(teacher_a)
    first = _post(client)
    assert first.status_code == 200
    assert f'name="face_{page.MAX_FACES}"' in first.content.decode()
    choices = {f"face_{n}": "" for n in range(1, page.MAX_FACES + 1)}
    second = _post(client, action="update", photo_key=first.context["photo_key"], **choices)
    assert second.status_code == 200  # not the bare 400 of too many fields
