"""python manage.py clean_photo INPUT OUTPUT [--blur X,Y,W,H]... [--max-side N]"""

import subprocess
import sys
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image, ImageStat

from consent.management.commands.clean_photo import Command
from consent.photo import testkit


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command as manage.py would: (exit status, stdout, stderr)."""
    stdout, stderr = StringIO(), StringIO()
    command = Command(stdout=stdout, stderr=stderr)
    try:
        command.run_from_argv(["manage.py", "clean_photo", *argv])
        status = 0
    except SystemExit as exit:
        status = exit.code
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def camera_file(tmp_path) -> Path:
    path = tmp_path / "IMG_0042.JPG"
    path.write_bytes(testkit.camera_jpeg())
    return path


def test_it_writes_a_clean_upright_jpeg(camera_file, tmp_path):
    output = tmp_path / "clean.jpg"
    status, stdout, stderr = run(str(camera_file), str(output))
    assert (status, stderr) == (0, "")
    data = output.read_bytes()
    assert [secret for secret in testkit.SECRETS if secret in data] == []
    image = Image.open(BytesIO(data))
    assert image.size == (96, 64)
    assert image.getpixel((3, 3))[0] > 180
    assert "96 × 64" in stdout


def test_it_pixelates_every_blur_rectangle(camera_file, tmp_path):
    output = tmp_path / "clean.jpg"
    status, _, _ = run(
        str(camera_file), str(output), "--blur", "48,16,22,32", "--blur", "70,16,22,32"
    )
    assert status == 0
    image = Image.open(BytesIO(output.read_bytes()))
    assert max(ImageStat.Stat(image.crop((50, 18, 68, 46))).stddev) < 20
    assert max(ImageStat.Stat(image.crop((72, 18, 90, 46))).stddev) < 20


def test_it_limits_the_long_side(tmp_path):
    source = tmp_path / "big.png"
    testkit.upright_scene(600, 400).save(source)
    output = tmp_path / "small.jpg"
    assert run(str(source), str(output), "--max-side", "300")[0] == 0
    with Image.open(output) as image:
        assert image.size == (300, 200)


def test_it_uses_the_max_side_setting_by_default(tmp_path, settings):
    settings.PHOTO_MAX_SIDE = 120
    source = tmp_path / "big.png"
    testkit.upright_scene(600, 400).save(source)
    output = tmp_path / "small.jpg"
    assert run(str(source), str(output))[0] == 0
    with Image.open(output) as image:
        assert image.size == (120, 80)


def write(tmp_path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "extra", "message"),
    [
        ("leeg.jpg", b"", [], "The file is empty"),
        ("tekst.jpg", b"Dit is tekst.\n", [], "not a JPEG, PNG, WebP or HEIC"),
        ("anim.jpg", testkit.gif_bytes(), [], "not a JPEG, PNG, WebP or HEIC"),
        ("bom.png", testkit.png_declaring(20000, 20000), [], "more than 50 megapixels"),
        ("ok.jpg", testkit.camera_jpeg(), ["--blur", "1,2,3"], "“1,2,3” is not a rectangle"),
        ("ok.jpg", testkit.camera_jpeg(), ["--blur", "500,500,10,10"], "outside the photo"),
        ("ok.jpg", testkit.camera_jpeg(), ["--max-side", "groot"], "longest side"),
    ],
    ids=["empty", "text", "gif", "bomb", "bad-rectangle", "rectangle-outside", "bad-max-side"],
)
def test_it_fails_in_one_line_and_writes_nothing(tmp_path, name, data, extra, message):
    source = write(tmp_path, name, data)
    output = tmp_path / "out" / "clean.jpg"
    output.parent.mkdir()
    status, stdout, stderr = run(str(source), str(output), *extra)
    assert status == 1
    assert stdout == ""
    assert stderr.count("\n") == 1
    assert message in stderr
    assert list(output.parent.iterdir()) == []


def test_it_refuses_a_truncated_jpeg(tmp_path):
    data = testkit.camera_jpeg(testkit.noisy_photo(300, 200))
    source = write(tmp_path, "half.jpg", data[: len(data) // 2])
    status, _, stderr = run(str(source), str(tmp_path / "clean.jpg"))
    assert status == 1
    assert "damaged or incomplete" in stderr
    assert not (tmp_path / "clean.jpg").exists()


def test_it_refuses_a_file_over_the_byte_limit(tmp_path, camera_file, settings):
    settings.PHOTO_MAX_BYTES = 1024
    status, _, stderr = run(str(camera_file), str(tmp_path / "clean.jpg"))
    assert status == 1
    assert "larger than" in stderr
    assert not (tmp_path / "clean.jpg").exists()


def test_it_reports_a_missing_input(tmp_path):
    status, _, stderr = run(str(tmp_path / "weg.jpg"), str(tmp_path / "clean.jpg"))
    assert status == 1
    assert stderr.count("\n") == 1
    assert "No such file" in stderr
    assert list(tmp_path.iterdir()) == []


def test_it_keeps_an_existing_output_when_it_fails(tmp_path):
    output = write(tmp_path, "clean.jpg", b"previous result")
    source = write(tmp_path, "leeg.jpg", b"")
    assert run(str(source), str(output))[0] == 1
    assert output.read_bytes() == b"previous result"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["clean.jpg", "leeg.jpg"]


def test_it_exits_non_zero_from_the_shell(tmp_path):
    source = write(tmp_path, "tekst.jpg", b"Dit is tekst.\n")
    output = tmp_path / "clean.jpg"
    finished = subprocess.run(
        [sys.executable, "manage.py", "clean_photo", str(source), str(output)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert finished.returncode == 1
    assert finished.stdout == ""
    assert len(finished.stderr.splitlines()) == 1
    assert finished.stderr.startswith("CommandError: ")
    assert not output.exists()


def test_it_reports_an_output_directory_that_does_not_exist(camera_file, tmp_path):
    status, _, stderr = run(str(camera_file), str(tmp_path / "weg" / "clean.jpg"))
    assert status == 1
    assert stderr.count("\n") == 1
    assert "No such file or directory" in stderr


def test_it_can_clean_a_file_in_place(camera_file):
    assert run(str(camera_file), str(camera_file))[0] == 0
    data = camera_file.read_bytes()
    assert [secret for secret in testkit.SECRETS if secret in data] == []
    assert sorted(path.name for path in camera_file.parent.iterdir()) == [camera_file.name]


@pytest.mark.parametrize(
    ("name", "garbled"),
    [
        (b"\x00\x00Exif\x00", b"\x00\x00Ex\xb5f\x00"),  # the EXIF item's type
        (b"application/rdf+xml", b"applicati\xb5n/rdf+xml"),  # the XMP item's content type
    ],
)
def test_it_refuses_a_heic_naming_an_item_in_bytes_that_are_not_utf8(tmp_path, name, garbled):
    """pillow_heif 1.1.1 crashed the whole process on such a name (a segfault: on the
    photo page the worker died, a teacher saw a 502): refused before decoding instead.
    In a subprocess, so a crash fails this test instead of ending the test run."""
    heic = testkit.heic_with_metadata()
    assert name in heic
    source = write(tmp_path, "IMG_0042.HEIC", heic.replace(name, garbled, 1))
    output = tmp_path / "clean.jpg"
    finished = subprocess.run(
        [sys.executable, "manage.py", "clean_photo", str(source), str(output)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert finished.returncode == 1, finished.stderr[-300:]
    assert "beschadigd of onvolledig" in finished.stderr  # the shell speaks Dutch
    assert not output.exists()


@pytest.mark.parametrize("stop", [KeyboardInterrupt, MemoryError])
def test_it_removes_its_temporary_file_when_interrupted(camera_file, tmp_path, monkeypatch, stop):
    """Ctrl-C during a batch (or any error that is not the disk's) must not leave the
    cleaned photo of pupils behind in a hidden temporary file next to OUTPUT."""
    from consent.management.commands import clean_photo

    def interrupted(*args):
        raise stop

    monkeypatch.setattr(clean_photo.os, "replace", interrupted)
    with pytest.raises(stop):
        run(str(camera_file), str(tmp_path / "clean.jpg"))
    assert sorted(path.name for path in tmp_path.iterdir()) == [camera_file.name]
