"""Every image the portal serves from /static/ carries pixels only: ours, Django admin's and
any other app's, as served in development (the finders) and as collectstatic writes them
for production (hashed and gzip-compressed copies included).

Django admin's calendar-icons.svg carried its editor's notes (Inkscape's version, window
size and position, sodipodi's document name). The portal serves cleaned copies from
static/ (written by `manage.py clean_static_images`); an upgrade that brings a new image
with metadata, or changes one we cleaned, fails here until the command is run again.
"""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

from opo_portal.tests.test_images_handed_out import metadata_of
from ops import static_images

PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
IMAGE = re.compile(r"\.(svg|png|jpe?g|gif|webp|ico)(\.gz)?$", re.IGNORECASE)
OURS = Path(settings.BASE_DIR) / "static"


def served_images() -> dict[str, bytes]:
    """Every image path a finder offers, with the copy that is served (the first found)."""
    images = {}
    for finder in finders.get_finders():
        for path, _storage in finder.list(None):
            if IMAGE.search(path) and path not in images:
                images[path] = Path(finders.find(path)).read_bytes()
    return images


def test_the_finders_offer_the_images_this_test_is_about():
    images = served_images()
    assert {"img/favicon.svg", "admin/img/calendar-icons.svg", "admin/img/search.svg"} <= set(
        images
    )


def test_every_served_static_image_carries_pixels_only():
    found = {path: metadata_of(data) for path, data in served_images().items()}
    assert {path: what[:5] for path, what in found.items() if what} == {}


def test_every_collected_static_image_carries_pixels_only(settings, tmp_path):
    # conftest swaps in plain storage for speed; production's hashes and compresses too.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    collected = [path for path in tmp_path.rglob("*") if IMAGE.search(path.name)]
    assert any(path.name.endswith(".svg.gz") for path in collected)
    found = {}
    for path in collected:
        data = path.read_bytes()
        found[str(path.relative_to(tmp_path))] = metadata_of(
            gzip.decompress(data) if path.suffix == ".gz" else data
        )
    assert {path: what[:5] for path, what in found.items() if what} == {}


def _overridden() -> dict[str, Path]:
    """Our cleaned copies that shadow another app's image: path -> the original."""
    originals = {}
    for finder in finders.get_finders():
        for path, storage in finder.list(None):
            location = Path(storage.path(path))
            if IMAGE.search(path) and not location.is_relative_to(OURS):
                originals.setdefault(path, location)
    return {path: original for path, original in originals.items() if (OURS / path).exists()}


def test_the_cleaned_copies_are_the_originals_without_metadata():
    overridden = _overridden()
    assert "admin/img/calendar-icons.svg" in overridden
    stale = [
        path
        for path, original in overridden.items()
        if (OURS / path).read_bytes() != static_images.without_metadata(path, original.read_bytes())
    ]
    assert stale == [], "run `manage.py clean_static_images`"


def test_it_keeps_the_drawing_and_drops_the_editors_notes():
    original = Path(finders.find("admin/img/calendar-icons.svg", find_all=True)[-1]).read_bytes()
    cleaned = static_images.without_metadata("calendar-icons.svg", original).decode()
    assert metadata_of(original) and metadata_of(cleaned.encode()) == []
    for kept in ('<g id="previous">', 'xlink:href="#next"', 'viewBox="0 0 1792 3584"'):
        assert kept in cleaned
    assert cleaned.count("<path ") == 2 and cleaned.count("<use ") == 2


def test_it_strips_comments_metadata_and_descriptions_from_an_svg():
    svg = (
        b'<?xml version="1.0"?><!-- by Jan Jansen --><svg xmlns="http://www.w3.org/2000/svg"'
        b' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><metadata><rdf:RDF/>'
        b'</metadata><desc>Sem Bakker</desc><rect width="2" height="2"/></svg>'
    )
    cleaned = static_images.without_metadata("x.svg", svg)
    assert metadata_of(cleaned) == [] and b"Sem" not in cleaned and b"Jansen" not in cleaned
    assert b'<rect width="2" height="2" />' in cleaned


def test_it_refuses_what_it_cannot_clean():
    with pytest.raises(ValueError, match="x.png"):
        static_images.without_metadata("x.png", b"\x89PNG")


def test_the_command_writes_the_cleaned_copies(tmp_path):
    call_command("clean_static_images", target=str(tmp_path), verbosity=0)
    written = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*.svg"))
    assert written == ["admin/img/calendar-icons.svg"]
    assert metadata_of((tmp_path / written[0]).read_bytes()) == []
