"""Every image the photo page hands out carries pixels only.

`test_photo_cleaning.py` proves it of the pipeline; here of the page itself, for each
image it gives a teacher: the photo to tap faces on, a thumbnail per face found, the result
and the download. The uploads carry every kind of metadata a phone or editor writes (EXIF
with GPS, XMP, IPTC, a JPEG comment, PNG tEXt/iTXt/zTXt and eXIf chunks, WebP and HEIC
EXIF and XMP) and an ICC profile whose description and copyright name a pupil.
"""

import base64
import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, PngImagePlugin

from consent.photo import faceset, testkit
from consent.tests.test_photo_cleaning import assert_pixels_only_jpeg

URL = "/foto/"
ICC_SECRETS = ("ICCSECRET Sem", "ICCSECRET Juf Bakker 042")  # as long as what they replace


def secret_profile() -> bytes:
    """An sRGB profile whose description and copyright (UTF-16 text) name a pupil."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for old, new in zip(("sRGB built-in", "No copyright, use freely"), ICC_SECRETS, strict=True):
        assert old.encode("utf-16-be") in profile
        profile = profile.replace(old.encode("utf-16-be"), new.encode("utf-16-be"))
    return profile


def _faces() -> Image.Image:
    return faceset.build_photo(0, width=640, height=480, sizes=(96,), distractors=0).image


def jpeg(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=testkit.camera_exif(1).tobytes(), icc_profile=ICC)
    return testkit.splice_after_soi(
        buffer.getvalue(),
        testkit.jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + testkit.XMP_PACKET),
        testkit.iptc_segment(),
        testkit.jpeg_segment(0xFE, b"COMSECRET Sem Bakker groep 5"),
    )


def mpo(image: Image.Image) -> bytes:
    """A JPEG holding a second picture (an iPhone HDR photo's gain map): MPO to Pillow."""
    buffer = BytesIO()
    image.save(
        buffer,
        "MPO",
        save_all=True,
        append_images=[image.resize((image.width // 4, image.height // 4))],
        quality=92,
        exif=testkit.camera_exif(1).tobytes(),
        icc_profile=ICC,
    )
    return testkit.splice_after_soi(
        buffer.getvalue(),
        testkit.jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + testkit.XMP_PACKET),
        testkit.iptc_segment(),
        testkit.jpeg_segment(0xFE, b"COMSECRET Sem Bakker groep 5"),
    )


def png(image: Image.Image) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "TEXTSECRET tEXt Sem Bakker")
    info.add_itxt("Description", "TEXTSECRET iTXt", lang="nl", tkey="Beschrijving")
    info.add_text("Comment", "TEXTSECRET zTXt", zip=True)
    info.add_text("XML:com.adobe.xmp", testkit.XMP_PACKET.decode())
    buffer = BytesIO()
    image.save(buffer, "PNG", pnginfo=info, exif=testkit.camera_exif(1).tobytes(), icc_profile=ICC)
    return buffer.getvalue()


def webp(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(
        buffer,
        "WEBP",
        quality=92,
        exif=testkit.camera_exif(1).tobytes(),
        xmp=testkit.XMP_PACKET,
        icc_profile=ICC,
    )
    return buffer.getvalue()


def heic(image: Image.Image) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = BytesIO()
    image.save(
        buffer,
        "HEIF",
        quality=90,
        exif=testkit.camera_exif(1).tobytes(),
        xmp=testkit.XMP_PACKET,
        icc_profile=ICC,
    )
    return buffer.getvalue()


ICC = secret_profile()
FORMATS = {"jpeg": jpeg, "mpo": mpo, "png": png, "webp": webp, "heic": heic}
PLANTED = [
    *testkit.SECRETS,
    *(s.encode() for s in ICC_SECRETS),
    *(s.encode("utf-16-be") for s in ICC_SECRETS),
    b"ICCSECRET",
    b"GPS",
]


def _post(client, data: bytes, action: str, **fields):
    from consent.models import Purpose

    channel = Purpose.objects.get(code="website").pk
    upload = SimpleUploadedFile("IMG_0042", data, content_type="application/octet-stream")
    return client.post(URL, {"photo": upload, "channel": channel, "action": action, **fields})


def _page_images(response) -> list[bytes]:
    found = re.findall(r'src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', response.content.decode())
    return [base64.b64decode(data) for data in found]


def assert_clean(data: bytes) -> None:
    assert_pixels_only_jpeg(data)
    assert [secret for secret in PLANTED if secret in data] == []
    image = Image.open(BytesIO(data))
    assert "icc_profile" not in image.info and dict(image.getexif()) == {}


@pytest.mark.parametrize("kind", FORMATS)
def test_the_upload_carries_every_kind_of_metadata(kind):
    data = FORMATS[kind](_faces())
    opened = Image.open(BytesIO(data))
    assert ICC_SECRETS[0].encode("utf-16-be") in opened.info["icc_profile"]  # zipped in PNG
    assert b"SERIAL-0042" in opened.info.get("exif", b"") + data
    assert b"XMPSECRET" in data or b"XMPSECRET" in opened.info.get("xmp", b"")


@pytest.mark.parametrize("kind", FORMATS)
def test_every_image_of_the_page_and_the_download_carry_pixels_only(login, teacher_a, kind):
    client = login(teacher_a)
    data = FORMATS[kind](_faces())
    page = _post(client, data, "preview")
    assert page.status_code == 200
    shown = _page_images(page)
    assert len(shown) >= 3  # the photo, at least one face's thumbnail, the result
    for image in shown:
        assert_clean(image)
    download = _post(client, data, "download")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "no-store" in download["Cache-Control"]
    assert_clean(download.content)


def test_a_check_of_another_school_named_in_the_form_is_a_404(
    login, teacher_a, pupil_a, pupil_b, group_b1, parent_a
):
    """The download names the stored check of step 1; another teacher's, at another
    school, is out of reach."""
    from conftest import make_staff
    from consent.models import Purpose
    from consent.services import publication_check_create
    from consent.tests.helpers import decide
    from schools.models import StaffMembership

    decide(pupil_a, parent_a, "website", "photo", True)
    other = make_staff(
        "juf.b@example.org", StaffMembership.Role.TEACHER, pupil_b.school, [group_b1]
    )
    foreign = publication_check_create(
        user=other,
        purpose=Purpose.objects.get(code="website"),
        media_type="photo",
        pupils=[pupil_b],
    )
    data = FORMATS["jpeg"](_faces())
    response = _post(login(teacher_a), data, "download", pupils=pupil_a.pk, check=foreign.pk)
    assert response.status_code == 404
