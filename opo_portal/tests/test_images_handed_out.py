"""Every image the portal hands out carries pixels only (privacy sweep, 2026-12-05).

consent/tests/test_photo_page_metadata.py proves it of the photo page for every upload
format; here every image any page shows is collected from the pages themselves (img src,
the icon link, data: URLs) and read with Pillow, so that an image added later (an avatar,
a chart, a thumbnail) is held to the same rule: no EXIF, XMP, IPTC, comment, ICC profile
or PNG text chunk; an SVG without metadata, comments or an editor's notes.
"""

import base64
import re
from io import BytesIO
from urllib.parse import unquote

from allauth.account.models import EmailAddress
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conftest import PASSWORD, make_user
from consent.photo import testkit
from consent.tests.helpers import purpose
from schools.models import StaffMembership

IMAGE_REF = re.compile(r'<(?:img|link rel="icon")[^>]*?\b(?:src|href)="([^"]+)"')
# what Pillow reports of a plain JPEG or PNG; anything else is metadata
PIXEL_INFO = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive"}
PIXEL_INFO |= {"progression", "adobe", "adobe_transform", "gamma", "transparency"}
SVG_METADATA = re.compile(r"<metadata|<!--|<desc|rdf:|dc:|inkscape:|sodipodi:", re.IGNORECASE)


def image_bytes(client, ref: str) -> bytes:
    if ref.startswith("data:"):
        head, data = ref.split(",", 1)
        return base64.b64decode(data) if head.endswith(";base64") else unquote(data).encode()
    if ref.startswith("/static/"):
        with open(finders.find(ref.removeprefix("/static/")), "rb") as file:
            return file.read()
    response = client.get(ref)
    assert response.status_code == 200, ref
    return response.content


def metadata_of(data: bytes) -> list[str]:
    """What the image carries besides its pixels (empty: pixels only)."""
    text = data[:200].lstrip()
    if text.startswith((b"<svg", b"<?xml")):
        return SVG_METADATA.findall(data.decode())
    image = Image.open(BytesIO(data))
    found = sorted(set(image.info) - PIXEL_INFO)
    found += [f"exif {tag}" for tag in image.getexif()]
    found += [f"text {key}" for key in getattr(image, "text", {})]  # PNG tEXt/iTXt/zTXt
    return found


def test_it_finds_metadata_where_there_is_some():
    assert metadata_of(testkit.camera_jpeg())
    assert metadata_of(testkit.png_with_text())
    assert metadata_of(b'<svg xmlns="http://www.w3.org/2000/svg"><metadata/></svg>')
    assert not metadata_of(b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>')


def _pages(client, teacher_a, school_a):
    """The pages that show images: a staff home, the photo check with a photo whose
    metadata names a pupil, and a new teacher's authenticator set-up (its QR code)."""
    client.force_login(teacher_a)
    yield client.get(reverse("home"), follow=True)
    upload = SimpleUploadedFile("sem-bakker.jpg", testkit.camera_jpeg(), "image/jpeg")
    data = {"photo": upload, "channel": purpose("website").pk, "action": "preview"}
    yield client.post(reverse("photo:check"), data)
    client.logout()
    newcomer = make_user("nieuw@example.org")
    EmailAddress.objects.create(user=newcomer, email=newcomer.email, verified=True, primary=True)
    StaffMembership.objects.create(
        user=newcomer, role=StaffMembership.Role.TEACHER, school=school_a
    )
    client.post(reverse("account_login"), {"login": newcomer.email, "password": PASSWORD})
    yield client.get(reverse("mfa_activate_totp"))


def test_every_image_a_page_shows_carries_pixels_only(client, teacher_a, school_a, pupil_a):
    seen = {}
    for response in _pages(client, teacher_a, school_a):
        assert response.status_code == 200
        for ref in IMAGE_REF.findall(response.content.decode()):
            ref = ref.replace("&amp;", "&")
            seen[ref] = metadata_of(image_bytes(client, ref))
    kinds = {ref.split(",")[0] for ref in seen}
    assert {"data:image/jpeg;base64", "data:image/svg+xml;base64"} <= kinds, kinds  # photo, QR
    assert {ref[:80]: found for ref, found in seen.items() if found} == {}


def test_the_favicon_carries_pixels_only(client, db):
    response = client.get(reverse("favicon"))
    assert metadata_of(response.content) == []
