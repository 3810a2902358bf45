"""A PNG (or WebP, HEIC) is decoded at full size, since only libjpeg can decode at a
smaller scale; then it is reduced to about the size the page or the download needs
before anything else copies it. Measured as the peak resident memory of a fresh process
(resource.getrusage): Pillow's own memory is not seen by tracemalloc."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from consent.photo import cleaning, testkit

SIDE = 5000  # 25 Mpx: half the pixel limit, a 100 MB RGBA image

MEASURE = """
import json, resource, sys
import django
django.setup()
from consent.photo import cleaning, page, testkit

data = testkit.png_blank({side}, {side}, colour_type={colour_type})
limits = cleaning.limits_from_settings()
page.page_images(page.prepare(testkit.png_blank(64, 64), limits))  # OpenCV and its networks
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
prepared = page.prepare(data, limits)
page.page_images(prepared)
del prepared
result = cleaning.clean_photo(data, limits=limits)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"grown": (after - before) * 1024, "width": result.width}}))
"""


def _peak_growth(colour_type: int) -> dict:
    script = MEASURE.format(side=SIDE, colour_type=colour_type)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "opo_portal.settings"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("colour_type", "bytes_per_pixel"), [(6, 4), (2, 3)], ids=["RGBA", "RGB"])
def test_a_large_png_takes_about_two_copies_of_its_pixels_at_most(colour_type, bytes_per_pixel):
    """A 7000 × 7000 RGBA PNG of 186 kB took 981 MB (about 20 bytes a pixel: the decode,
    an upright copy, RGBA, alpha, RGB and the flattened copy, all at full size) on the
    page and again for the download; now the decode, and for RGBA its premultiplied copy
    that Pillow's reduce makes, then only small images."""
    measured = _peak_growth(colour_type)
    assert 0.9 * cleaning.DEFAULT_MAX_SIDE <= measured["width"] <= cleaning.DEFAULT_MAX_SIDE
    pixels = SIDE * SIDE
    assert measured["grown"] < 2.5 * bytes_per_pixel * pixels, measured["grown"] / pixels


def test_the_reduced_photo_is_the_same_photo():
    """A transparent PNG comes out white, with its long side between 90% and 100% of the
    size asked (as a JPEG that libjpeg decodes at a smaller scale)."""
    data = testkit.png_blank(3000, 2000)
    result = cleaning.clean_photo(data, limits=cleaning.Limits(max_side=800))
    assert (result.width, result.height) == (750, 500)  # reduced 4 times: 3000 / 4
    assert (result.source_width, result.source_height) == (3000, 2000)
    from io import BytesIO

    from PIL import Image, ImageStat

    assert ImageStat.Stat(Image.open(BytesIO(result.data))).extrema == [(255, 255)] * 3
