"""python manage.py clean_photo IN OUT --blur-faces / --faces-json"""

import json
from io import BytesIO

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat

from consent.photo import faceset, testkit
from consent.tests.test_photo_command import run


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(scope="module")
def group_photo(tmp_path_factory):
    photo = faceset.build_photo(3, width=1040, height=780, sizes=(96, 128), distractors=0)
    path = tmp_path_factory.mktemp("faces") / "group.jpg"
    path.write_bytes(faceset.jpeg_bytes(photo.image))
    return path, photo.faces


def detail(image: Image.Image, box) -> float:
    inset = box.w // 5
    area = (box.x + inset, box.y + inset, box.x + box.w - inset, box.y + box.h - inset)
    crop = image.convert("L").crop(area)
    return ImageStat.Stat(
        ImageChops.difference(crop, crop.filter(ImageFilter.GaussianBlur(2)))
    ).mean[0]


def test_it_prints_the_faces_found_as_json(group_photo, tmp_path):
    path, truth = group_photo
    status, stdout, stderr = run(str(path), str(tmp_path / "out.jpg"), "--faces-json")
    assert (status, stderr) == (0, "")
    report = json.loads(stdout)
    assert (report["width"], report["height"]) == (1040, 780)
    boxes = [faceset.Rect(f["x"], f["y"], f["w"], f["h"]) for f in report["faces"]]
    assert [f["number"] for f in report["faces"]] == list(range(1, len(boxes) + 1))
    hits, extra = faceset.score(truth, boxes)
    assert sum(hits) >= len(truth) - 1 and extra <= 1


def test_it_blurs_every_face_found(group_photo, tmp_path):
    path, truth = group_photo
    output = tmp_path / "out.jpg"
    status, _, _ = run(str(path), str(output), "--blur-faces", "--faces-json")
    assert status == 0
    original = Image.open(path)
    cleaned = Image.open(BytesIO(output.read_bytes()))
    found = [true for true in truth if detail(cleaned, true) < 0.35 * detail(original, true)]
    assert len(found) >= len(truth) - 1


def test_it_leaves_faces_alone_without_the_option(group_photo, tmp_path):
    path, truth = group_photo
    output = tmp_path / "out.jpg"
    assert run(str(path), str(output))[0] == 0
    original = Image.open(path)
    cleaned = Image.open(BytesIO(output.read_bytes()))
    assert all(detail(cleaned, true) > 0.7 * detail(original, true) for true in truth)


def test_it_still_strips_every_piece_of_metadata(tmp_path):
    source = tmp_path / "IMG_0042.JPG"
    source.write_bytes(testkit.camera_jpeg())
    output = tmp_path / "out.jpg"
    status, _, _ = run(str(source), str(output), "--blur-faces")
    assert status == 0
    data = output.read_bytes()
    assert [secret for secret in testkit.SECRETS if secret in data] == []


def test_it_refuses_bad_input_in_one_line(tmp_path):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    status, _, stderr = run(str(empty), str(tmp_path / "out.jpg"), "--blur-faces")
    assert status == 1
    assert stderr.strip() == "CommandError: The file is empty. Choose a photo."
    assert not (tmp_path / "out.jpg").exists()
