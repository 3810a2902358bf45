"""The images of the photo page: faces found, the photo to tap them on, face thumbnails,
and the real result (faces and areas blurred), all from one small decode.

Shared by the page (`views.py`), the `clean_photo` command (faces only) and
`bench/face_bench.py`, which times `prepare` + `page_images` themselves: the code the
page runs on every post.

Speed: a JPEG is decoded by libjpeg at 1/2, 1/4 or 1/8 scale close to `PREVIEW_SIDE`
(a 4032 × 3024 phone photo decodes as 1008 × 756, no resize needed), faces are detected
on that same copy (it is within `faces.DETECT_SIDE`), the blur is applied inside the
boxes only, and each preview is encoded once at phone size. Detection, and then the
working photo with its thumbnails beside the blurred result, run in two threads
(`threads.run`). The download is made from a separate, larger decode
(`cleaning.clean_photo`); its faces come from this small decode, so the page and the
download always number the same faces.
"""

from __future__ import annotations

import base64
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from PIL import Image

from consent.photo import cleaning, faces, threads

# The previews are shown at phone width (22.5 rem, 360 CSS px): 1080 px is sharp at 3
# device pixels per CSS pixel, and libjpeg's 1/4 scale of a 12 Mpx photo (1008 px) is
# within the 10% that `cleaning.draft_for` allows, so such a photo needs no resize.
PREVIEW_SIDE = 1080
THUMBNAIL_SIDE = 120
# Faces the page lists, each a field of the form: with the page's other fields (pupils
# ticked, channel, rectangles) the post stays well under Django's
# DATA_UPLOAD_MAX_NUMBER_FIELDS (1000), which ends in a bare "Bad request" page.
MAX_FACES = 300


@dataclass(frozen=True)
class Encoded:
    """A JPEG as a data: URL, with its size and the size of the upright original."""

    url: str
    width: int
    height: int
    source_width: int
    source_height: int


@dataclass(frozen=True)
class PageImages:
    found: faces.Faces
    working: Encoded  # the photo as uploaded (upright, clean), to tap the faces on
    thumbnails: tuple[str, ...]  # per face (in number order), a data: URL
    result: Encoded  # the photo as it will be published


def decode_small(data: bytes, limits: cleaning.Limits) -> cleaning.Decoded:
    """The page's copy of the photo: refused, decoded, upright and sRGB as always, at the
    libjpeg scale nearest above `PREVIEW_SIDE`."""
    return cleaning.decode_photo(data, replace(limits, max_side=PREVIEW_SIDE))


def find_faces(data: bytes, limits: cleaning.Limits) -> faces.Faces:
    """The faces of a photo as the page numbers them (pixels of the upright original)."""
    return faces.find_faces(decode_small(data, limits))


@dataclass
class Prepared:
    """A photo decoded small with its faces found: step one of every post of the page."""

    data: bytes
    limits: cleaning.Limits
    decoded: cleaning.Decoded
    found: faces.Faces


def prepare(data: bytes, limits: cleaning.Limits) -> Prepared:
    """Decode once (small) and find the faces; PhotoError when the photo is refused,
    also for more faces than the page can list (MAX_FACES)."""
    decoded = decode_small(data, limits)
    found = faces.find_faces(decoded)
    if len(found.boxes) > MAX_FACES:
        raise cleaning.PhotoError("too_many_faces", limit=MAX_FACES)
    return Prepared(data, limits, decoded, found)


def page_images(
    prepared: Prepared, *, rectangles=(), keep: AbstractSet[int] = frozenset()
) -> tuple[PageImages, cleaning.RectangleError | None]:
    """Encode the working photo and a thumbnail per face, blur every face not in `keep`
    plus `rectangles`, encode the result. A rectangle outside the photo, or rectangles
    stacked over it (`cleaning.refuse_stacked_areas`), are returned as the error; the
    result then blurs every face found, chosen or not. Uses up `prepared.decoded`
    (blurred in place)."""
    decoded, found = prepared.decoded, prepared.found
    # A copy: `downscale` may return the very pixels blurred next, in the other thread.
    working = cleaning.downscale(decoded.rgb, PREVIEW_SIDE).copy()

    def unblurred():
        thumbnails = tuple(_thumbnail(found, box, working) for box in found.boxes)
        return _encoded(working, decoded), thumbnails

    def blurred():
        try:
            cleaning.refuse_stacked_areas(rectangles, decoded.source_width, decoded.source_height)
            return result_image(decoded, [*rectangles, *faces.blur_boxes(found, keep)]), None
        except cleaning.RectangleError as problem:
            again = decode_small(prepared.data, prepared.limits)  # some areas may be blurred
            return result_image(again, faces.blur_boxes(found)), problem

    # Pillow releases the GIL while it resizes and encodes: the two halves run side by side.
    (working_encoded, thumbnails), (result, error) = threads.run([unblurred, blurred])
    return PageImages(found, working_encoded, thumbnails, result), error


def result_image(decoded: cleaning.Decoded, areas) -> Encoded:
    """The photo as it will be published: `areas` (pixels of the upright original)
    pixelated in place, inside the areas only, encoded once at phone size."""
    cleaning.blur_areas(decoded, areas)
    return _encoded(cleaning.downscale(decoded.rgb, PREVIEW_SIDE), decoded)


def _encoded(image: Image.Image, decoded: cleaning.Decoded) -> Encoded:
    return Encoded(
        # Without Huffman optimisation a preview's encoding takes half the time, for 1-2%
        # more bytes (12 Mpx group photo at 1008 × 756: 3.4 against 7.4 ms, 150 against
        # 148 kB); thumbnails keep it (without: 15% more bytes).
        url=_data_url(image, optimize=False),
        width=image.width,
        height=image.height,
        source_width=decoded.source_width,
        source_height=decoded.source_height,
    )


def _data_url(image: Image.Image, *, optimize: bool = True) -> str:
    encoded = cleaning.encode_jpeg(image, optimize=optimize)
    return "data:image/jpeg;base64," + base64.b64encode(encoded).decode()


def _thumbnail(found: faces.Faces, box: cleaning.Rect, working: Image.Image) -> str:
    """The face with its blur margin, zoomed up when small so the teacher can see who."""
    scale = working.width / found.width
    area = faces.blur_box(box, found.width, found.height)
    left, top = int(area.x * scale), int(area.y * scale)
    crop = working.crop(
        (
            left,
            top,
            max(left + 1, round((area.x + area.w) * scale)),
            max(top + 1, round((area.y + area.h) * scale)),
        )
    )
    crop.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    if crop.width < THUMBNAIL_SIDE // 2:  # a small face: zoom it up for the teacher
        factor = THUMBNAIL_SIDE / max(crop.size)
        size = (round(crop.width * factor), round(crop.height * factor))
        crop = crop.resize(size, Image.Resampling.BICUBIC)
    return _data_url(crop)
