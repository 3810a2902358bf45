"""Clean a photo before it goes online: metadata out, chosen areas pixelated, size limited.

Pure functions on bytes in memory: nothing here reads settings, touches the database or
writes a file, so the page, the `clean_photo` command and the benchmark share one pipeline.

The pipeline (`clean_photo`):

1. Refuse before decoding any pixels: an empty file, more than `max_bytes`, bytes that are
   not JPEG, PNG, WebP or HEIC (the bytes decide, never the file name or content type), a
   header declaring more than `max_pixels` pixels (decompression bombs), a JPEG of more
   than `MAX_JPEG_SCANS` scans (libjpeg works through the whole image for every scan of a
   progressive JPEG: a 50 kB file of 2,000 tiny scans took 9 s a post), or a JPEG or PNG
   of far more segments or chunks than a photo has (`too_many_parts`).
2. Decode, and apply the EXIF orientation to the pixels (`ImageOps.exif_transpose`).
   Coordinates of rectangles are in this upright original.
3. Convert to 8-bit sRGB: an embedded ICC profile is converted with littleCMS; an
   unreadable profile is ignored (the pixels are taken as sRGB). Transparency is
   flattened on white.
4. Pixelate each rectangle (clipped to the photo): the area is averaged down to at most
   `PIXELATE_CELLS` cells along its longer side, scaled back up, and a Gaussian blur with
   a radius of one cell melts the blocks together: what remains is a few soft patches of
   colour. Faces that people know well stay recognisable at surprisingly low resolution
   (around 16 × 16 pixels, sometimes less), hence 8 cells and the heavy blur on top.
5. Downscale so the long side is at most `max_side` (Lanczos). A big JPEG is decoded
   at 1/2, 1/4 or 1/8 scale by libjpeg in step 2 already (`draft_for`), so its long side
   may end up between 90% and 100% of `max_side`; rectangles are scaled to match, so
   they still mean pixels of the original.
6. Copy the pixels into a brand-new image (no `info`, no EXIF, no comment) and encode that
   as a baseline JPEG, quality 85, without any ICC profile (browsers treat untagged images
   as sRGB). The output is always JPEG: one web-ready format, also for PNG and WebP input.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from io import BytesIO

import pillow_heif
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageFilter, ImageOps

pillow_heif.register_heif_opener()

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_PIXELS = 50_000_000
DEFAULT_MAX_SIDE = 2048
MAX_RECTANGLES = 50
# Each area is pixelated on its own, at a cost that grows with its size: 50 areas over a
# whole 7000 × 7000 PNG took 15 s of CPU for one download. Together the areas a person
# draws may cover the photo this many times over (faces, a background: about once).
MAX_COVERAGE = 4
# Encoders write 1 to 3 scans for a baseline JPEG and about 10 for a progressive one.
MAX_JPEG_SCANS = 100
# Pillow reads a JPEG's segments up to the first scan, and a PNG's chunks, one by one in
# Python (a skipped byte between JPEG segments costs a loop of its own): a 24 MB JPEG of
# 6 million empty segments took 9 s and 900 MB to open. Cameras and editors write about
# 10 segments (a few hundred when a large ICC profile or XMP is split into 64 kB parts),
# no stray bytes, and PNG chunks of 8 kB or more (3,000 for a 25 MB PNG).
MAX_JPEG_SEGMENTS = 1000
MAX_JPEG_SKIPPED = 64 * 1024
MAX_PNG_CHUNKS = 100_000
# A HEIC from a phone holds a handful of top-level boxes and up to a few hundred items
# (one per tile of a 48 Mpx photo); `heif_names_unreadable` walks no more boxes than this.
MAX_HEIF_BOXES = 10_000
PIXELATE_CELLS = 8
DRAFT_MIN_SHARE = 0.9
JPEG_QUALITY = 85
OUTPUT_CONTENT_TYPE = "image/jpeg"
ACCEPTED_CONTENT_TYPES = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"

# Pillow format names we open; anything else Pillow recognises is refused.
PILLOW_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
# Formats libjpeg decodes at reduced scale (`draft_for`): Pillow opens a JPEG that holds a
# second picture (MPF) as MPO.
DRAFT_FORMATS = ("JPEG", "MPO")
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
WHITE = (255, 255, 255)

MESSAGES = {
    "empty": _("The file is empty. Choose a photo."),
    "too_large": _(
        "The file is larger than %(limit)s MB. Choose a smaller photo or send a "
        "smaller size from your phone."
    ),
    "unsupported": _(
        "This file is not a JPEG, PNG, WebP or HEIC photo. Choose a photo in one of those formats."
    ),
    "too_many_pixels": _("The photo has more than %(limit)s megapixels. Choose a smaller photo."),
    "too_many_scans": _(
        "The photo could not be read: it is stored in more than %(limit)s parts (scans). "
        "Save it again as an ordinary JPEG."
    ),
    "too_many_parts": _(
        "The photo could not be read: the file holds far more parts than a photo has. "
        "Save it again as an ordinary JPEG or PNG."
    ),
    "damaged": _("The photo could not be read: the file is damaged or incomplete."),
    "too_many_faces": _(
        "More than %(limit)s faces were found in this photo: the portal cannot let you "
        "choose per face for that many. Crop the photo or split it into smaller photos."
    ),
    "bad_rectangle": _(
        "“%(value)s” is not a rectangle. Give four whole numbers X,Y,W,H with a width "
        "and height above zero."
    ),
    "rectangle_outside": _(
        "The rectangle %(value)s lies outside the photo (%(width)s × %(height)s pixels)."
    ),
    "too_many_rectangles": _("Give at most %(limit)s rectangles."),
    "areas_overlap": _(
        "The areas to blur together cover the photo more than %(limit)s times over. Draw "
        "one area over a large part of the photo instead of several on top of each other."
    ),
    "bad_max_side": _("The longest side must be a whole number from 16 to 20000 pixels."),
}


class PhotoError(ValueError):
    """A photo or request we refuse, with a message fit for the teacher."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % self.params if self.params else str(MESSAGES[self.code])

    def __str__(self) -> str:
        return self.message


class RectangleError(PhotoError):
    """A rectangle we cannot use (the photo itself may be fine)."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS
    max_side: int = DEFAULT_MAX_SIDE


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Rect:
    """A rectangle in pixels of the upright original: left, top, width, height."""

    x: int
    y: int
    w: int
    h: int

    def __str__(self) -> str:
        return f"{self.x},{self.y},{self.w},{self.h}"

    def shrunk(self, factor: int) -> Rect:
        """The same area in an image `factor` times smaller, rounded outwards."""
        if factor == 1:
            return self
        left, top = self.x // factor, self.y // factor
        right, bottom = -(-(self.x + self.w) // factor), -(-(self.y + self.h) // factor)
        return Rect(left, top, right - left, bottom - top)

    def clipped(self, width: int, height: int) -> tuple[int, int, int, int] | None:
        """The (left, top, right, bottom) box inside a width × height image, or None."""
        left, top = max(self.x, 0), max(self.y, 0)
        right, bottom = min(self.x + self.w, width), min(self.y + self.h, height)
        if right <= left or bottom <= top:
            return None
        return left, top, right, bottom


@dataclass(frozen=True)
class CleanedPhoto:
    data: bytes
    width: int
    height: int
    # Size of the upright original: the coordinate space of rectangles.
    source_width: int
    source_height: int
    content_type: str = OUTPUT_CONTENT_TYPE


def parse_rectangle(text: str) -> Rect:
    """'X,Y,W,H' (whole numbers; spaces allowed) -> Rect; RectangleError otherwise."""
    parts = [part.strip() for part in text.split(",")]
    try:
        if len(parts) != 4:
            raise ValueError
        x, y, w, h = (int(part) for part in parts)
    except ValueError:
        raise RectangleError("bad_rectangle", value=text.strip()[:40]) from None
    if w <= 0 or h <= 0 or max(abs(x), abs(y), w, h) > 1_000_000:
        raise RectangleError("bad_rectangle", value=text.strip()[:40])
    return Rect(x, y, w, h)


def parse_rectangles(text: str) -> list[Rect]:
    """One rectangle per line (or separated by ';'); blank lines ignored."""
    lines = [line for line in text.replace(";", "\n").splitlines() if line.strip()]
    if len(lines) > MAX_RECTANGLES:
        raise RectangleError("too_many_rectangles", limit=MAX_RECTANGLES)
    return [parse_rectangle(line) for line in lines]


def sniff_format(head: bytes) -> str | None:
    """The Pillow format name the leading bytes announce, if it is one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "HEIF"
    return None


# A marker: 0xFF followed by anything but a stuffed zero, a restart marker or more fill.
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def too_many_scans(data: bytes) -> bool:
    """Whether the first image of a JPEG has more than MAX_JPEG_SCANS scans (SOS markers).

    Segments are skipped by their length, so marker bytes inside metadata (an EXIF
    thumbnail) do not count; the walk stops at the end of the first image.
    """
    if data.count(b"\xff\xda") <= MAX_JPEG_SCANS:  # an upper bound: every photo stops here
        return False
    scans, pos = 0, 2
    while (marker := _JPEG_MARKER.search(data, pos)) is not None:
        kind = data[marker.start() + 1]
        if kind == 0xD9:  # end of image
            break
        if kind == 0xDA:
            scans += 1
            if scans > MAX_JPEG_SCANS:
                return True
        # A segment's length counts its two length bytes; after a scan's header the
        # search runs on through the entropy-coded data to the next marker.
        pos = marker.end() + int.from_bytes(data[marker.end() : marker.end() + 2], "big")
    return False


def too_many_parts(data: bytes, declared: str) -> bool:
    """Whether Pillow would have to walk more JPEG segments (or stray bytes) before the
    first scan, or more PNG chunks, than any camera or editor writes."""
    if declared == "PNG":
        return _png_chunks_over(data, MAX_PNG_CHUNKS)
    if declared != "JPEG":
        return False
    segments = skipped = 0
    pos = 2
    while (marker := _JPEG_MARKER.search(data, pos)) is not None:
        skipped += marker.start() - pos  # stray bytes and fill bytes
        kind = data[marker.start() + 1]
        if kind == 0xDA or skipped > MAX_JPEG_SKIPPED:
            break
        segments += 1
        if segments > MAX_JPEG_SEGMENTS:
            return True
        pos = marker.end()
        if kind not in (0x01, 0xD8, 0xD9):  # markers without a length
            pos += int.from_bytes(data[pos : pos + 2], "big")
    return skipped > MAX_JPEG_SKIPPED


def _png_chunks_over(data: bytes, limit: int) -> bool:
    pos, chunks = 8, 0
    while pos + 8 <= len(data):
        chunks += 1
        if chunks > limit:
            return True
        if data[pos + 4 : pos + 8] == b"IEND":
            break
        pos += 12 + int.from_bytes(data[pos : pos + 4], "big")  # length, type, data, CRC
    return False


def heif_names_unreadable(data: bytes) -> bool:
    """Whether a HEIF names an item's type or content type in bytes that are not UTF-8
    (the item list: meta > iinf > infe boxes), or hides it behind more boxes than a photo
    has. pillow_heif 1.1.1 crashes the whole process on such a name, before any Python
    code can catch it (bigcat88/pillow_heif#478); the standard says they are UTF-8."""
    budget = [MAX_HEIF_BOXES]
    for meta, meta_end in _boxes_of(b"meta", data, 0, len(data), budget):
        for iinf, iinf_end in _boxes_of(b"iinf", data, meta + 4, meta_end, budget):
            if iinf >= iinf_end:
                continue
            entries = iinf + 4 + (2 if data[iinf] == 0 else 4)  # version, flags, count
            for infe, infe_end in _boxes_of(b"infe", data, entries, iinf_end, budget):
                if not _utf8(_infe_names(data, infe, infe_end)):
                    return True
    return budget[0] < 0


def _boxes_of(kind: bytes, data: bytes, start: int, end: int, budget: list[int]):
    """(body start, end) of each box of type `kind` between `start` and `end`; every box
    walked takes one from `budget`, and the walk stops when it is spent."""
    pos = start
    while pos + 8 <= end and budget[0] >= 0:
        budget[0] -= 1
        size, body = int.from_bytes(data[pos : pos + 4], "big"), pos + 8
        if size == 1:  # a 64-bit size follows the type
            size, body = int.from_bytes(data[pos + 8 : pos + 16], "big"), pos + 16
        elif size == 0:  # up to the end
            size = end - pos
        if size < body - pos:
            return  # broken: libheif refuses the file itself
        if data[pos + 4 : pos + 8] == kind:
            yield body, min(pos + size, end)
        pos += size


def _infe_names(data: bytes, body: int, end: int) -> bytes:
    """An item's type and names: what follows version, flags, item ID and protection."""
    version = data[body] if body < end else 0
    return data[body + 4 + (4 if version >= 3 else 2) + 2 : end]


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def open_photo(data: bytes, limits: Limits) -> Image.Image:
    """Open lazily and check size, format and declared pixel count before decoding."""
    if not data:
        raise PhotoError("empty")
    if len(data) > limits.max_bytes:
        raise PhotoError("too_large", limit=_megabytes(limits.max_bytes))
    declared = sniff_format(data[:16])
    if declared is None:
        raise PhotoError("unsupported")
    if declared == "JPEG" and too_many_scans(data):
        raise PhotoError("too_many_scans", limit=MAX_JPEG_SCANS)
    if too_many_parts(data, declared):
        raise PhotoError("too_many_parts")
    if declared == "HEIF" and heif_names_unreadable(data):
        raise PhotoError("damaged")
    # Pillow warns above Image.MAX_IMAGE_PIXELS and raises above twice that; the warning
    # becomes an error here so a bomb is refused whatever the warning filters say. Other
    # warnings ("Corrupt EXIF data") are no reason to refuse a photo. (catch_warnings is
    # process-wide; nothing else in the portal decodes images, so threads do not mind.)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(BytesIO(data), formats=[declared])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoError("too_many_pixels", limit=_megapixels(limits.max_pixels)) from None
        except Exception:  # Pillow raises many types on hostile headers
            raise PhotoError("damaged") from None
    width, height = image.size
    if width * height > limits.max_pixels:
        image.close()
        raise PhotoError("too_many_pixels", limit=_megapixels(limits.max_pixels))
    return image


def draft_for(image: Image.Image, max_side: int) -> int:
    """Let libjpeg decode a JPEG at 1/2, 1/4 or 1/8 scale when the long side still gets
    at least DRAFT_MIN_SHARE of `max_side`; returns the factor (1: full size).

    A 12 Mpx phone photo (4032 × 3024) then decodes as 2016 × 1512 and needs no resize
    for the default 2048; a 48 Mpx one decodes as 12 Mpx. A quarter of the memory and
    far less time, for an output at most 10% smaller. Other formats decode at full size.
    A JPEG holding a second picture (MPF: an iPhone HDR photo's gain map, a camera's
    large thumbnail) opens as MPO, and its first picture is a JPEG like any other.
    """
    width, height = image.size
    if image.format not in DRAFT_FORMATS or max(width, height) < 2 * DRAFT_MIN_SHARE * max_side:
        return 1
    scale = DRAFT_MIN_SHARE * max_side / max(width, height)
    image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
    return round(width / image.width)


# Modes Image.reduce averages correctly; others are converted to one first.
REDUCIBLE_MODES = ("L", "LA", "RGB", "RGBA", "CMYK", "I", "F")


def reduction_for(image: Image.Image, max_side: int) -> int:
    """The whole factor by which decoded pixels can shrink with the long side still at
    least DRAFT_MIN_SHARE of `max_side` (1: keep them); for JPEG after `draft_for`."""
    return max(1, int(max(image.size) // (DRAFT_MIN_SHARE * max_side)))


def reduced(image: Image.Image, factor: int) -> Image.Image:
    """`image` averaged down `factor` times (Image.reduce: boxes of factor × factor
    pixels), with its info (EXIF, ICC profile) kept. A palette, 1-bit or 16-bit image
    becomes one reduce averages first, as `to_srgb` would convert it anyway."""
    if image.mode in ("P", "PA"):
        transparent = image.mode == "PA" or "transparency" in image.info
        image = image.convert("RGBA" if transparent else "RGB")
    elif image.mode.startswith("I;16"):
        image = image.convert("I")
    elif image.mode not in REDUCIBLE_MODES:
        image = image.convert("L" if image.mode == "1" else "RGB")
    small = image.reduce(factor)
    small.info = dict(image.info)
    return small


def decode_reduced(image: Image.Image, max_side: int) -> tuple[Image.Image, int]:
    """Decode the pixels, reduced when far beyond `max_side` (`reduction_for`): only
    libjpeg decodes at a smaller scale, and a 49 Mpx RGBA PNG took five more full-size
    copies on its way to the page (1 GB). Returns the pixels and the factor."""
    decode_pixels(image)
    factor = reduction_for(image, max_side)
    return (reduced(image, factor) if factor > 1 else image), factor


def decode_pixels(image: Image.Image) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. "Corrupt EXIF data"
        try:
            image.load()
        except Exception:  # truncated data, decoder errors of any type
            raise PhotoError("damaged") from None


def decode_upright(image: Image.Image) -> Image.Image:
    """Decode the pixels and apply the EXIF orientation to them (always a new image)."""
    decode_pixels(image)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. "Corrupt EXIF data": handled below
        try:
            return ImageOps.exif_transpose(image)
        except Exception:
            # Broken EXIF must not cost the teacher the photo: the pixels stay as stored
            # (the preview shows which way up that is), and the EXIF is dropped anyway.
            return image.copy()


def to_srgb(image: Image.Image) -> Image.Image:
    """8-bit RGB in sRGB, transparency flattened on white."""
    icc = image.info.get("icc_profile")
    alpha = None
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    ):
        image = image.convert("RGBA" if image.mode not in ("LA", "La") else "LA")
        alpha = image.getchannel("A")
        image = image.convert("RGB" if image.mode == "RGBA" else "L")
    elif image.mode.startswith("I;16") or image.mode == "I":
        # 16-bit greyscale: scale to 8 bits instead of clipping everything to white.
        image = image.point(lambda value: value / 256).convert("L")
    elif image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")

    rgb = None
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(icc))
            rgb = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            rgb = None  # an unreadable profile: take the pixels as they are
    if rgb is None:
        rgb = image.convert("RGB")
    if alpha is not None:
        flat = Image.new("RGB", rgb.size, WHITE)
        flat.paste(rgb, mask=alpha)
        rgb = flat
    return rgb


def pixelate(image: Image.Image, rect: Rect) -> None:
    """Make the area unrecognisable, in place: coarse cells, then a blur over them."""
    box = rect.clipped(*image.size)
    if box is None:
        raise RectangleError(
            "rectangle_outside", value=str(rect), width=image.width, height=image.height
        )
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    cell = max(1, math.ceil(max(width, height) / PIXELATE_CELLS))
    small = (max(1, round(width / cell)), max(1, round(height / cell)))
    region = image.crop(box).resize(small, Image.Resampling.BOX)
    region = region.resize((width, height), Image.Resampling.NEAREST)
    region = region.filter(ImageFilter.GaussianBlur(radius=cell))
    image.paste(region, box)


def downscale(image: Image.Image, max_side: int) -> Image.Image:
    longest = max(image.size)
    if longest <= max_side:
        return image
    scale = max_side / longest
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def encode_jpeg(image: Image.Image, quality: int = JPEG_QUALITY, *, optimize: bool = True) -> bytes:
    """Encode the pixels only: a new image carries no info, EXIF, XMP, comment or ICC.
    `optimize` computes Huffman tables for the image: a second pass, a little smaller."""
    fresh = Image.new("RGB", image.size)
    fresh.paste(image)
    buffer = BytesIO()
    fresh.save(buffer, format="JPEG", quality=quality, optimize=optimize)
    return buffer.getvalue()


@dataclass
class Decoded:
    """A decoded, upright, 8-bit sRGB photo; `rgb` may be `factor` times smaller than the
    upright original (`source_width` × `source_height`, the space of rectangles)."""

    rgb: Image.Image
    factor: int
    source_width: int
    source_height: int


def decode_photo(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Decoded:
    """Steps 1 to 3 of the pipeline: refuse, decode (at draft scale), upright, sRGB."""
    with open_photo(data, limits) as image:
        stored = image.size
        draft = draft_for(image, limits.max_side)
        pixels, reduction = decode_reduced(image, limits.max_side)
        decoded = pixels.size
        upright = decode_upright(pixels)
        del pixels
    # Rectangles are in pixels of the upright original, whatever the draft scale.
    turned = upright.size != decoded
    source_width, source_height = (stored[1], stored[0]) if turned else stored
    factor = draft * reduction
    rgb = to_srgb(upright)  # a new image: convert() copies even when the mode is RGB
    del upright  # at 50 Mpx each full-size copy is 150 MB: hold at most two at a time
    return Decoded(rgb, factor, source_width, source_height)


def refuse_stacked_areas(rectangles, width: int, height: int) -> None:
    """RectangleError when `rectangles` (drawn by a person) together cover a width ×
    height photo more than MAX_COVERAGE times over; a part outside the photo is not
    counted."""
    covered = 0
    for rect in rectangles:
        box = rect.clipped(width, height)
        if box is not None:
            covered += (box[2] - box[0]) * (box[3] - box[1])
    if covered > MAX_COVERAGE * width * height:
        raise RectangleError("areas_overlap", limit=MAX_COVERAGE)


def blur_areas(decoded: Decoded, rectangles) -> None:
    """Step 4, in place: pixelate each rectangle (pixels of the upright original)."""
    for rect in rectangles:
        if rect.clipped(decoded.source_width, decoded.source_height) is None:
            raise RectangleError(
                "rectangle_outside",
                value=str(rect),
                width=decoded.source_width,
                height=decoded.source_height,
            )
        pixelate(decoded.rgb, rect.shrunk(decoded.factor))


def finish(decoded: Decoded, max_side: int) -> CleanedPhoto:
    """Steps 5 and 6: downscale and encode the pixels only."""
    small = downscale(decoded.rgb, max_side)
    return CleanedPhoto(
        data=encode_jpeg(small),
        width=small.width,
        height=small.height,
        source_width=decoded.source_width,
        source_height=decoded.source_height,
    )


def clean_photo(
    data: bytes,
    *,
    rectangles: list[Rect] | tuple[Rect, ...] = (),
    limits: Limits = DEFAULT_LIMITS,
    extra: list[Rect] | tuple[Rect, ...] = (),
) -> CleanedPhoto:
    """The web-ready, metadata-free JPEG of `data`, with `rectangles` pixelated.

    `rectangles` come from a person and are limited to MAX_RECTANGLES and MAX_COVERAGE;
    `extra` areas (found faces) are not counted against those limits.
    """
    if len(rectangles) > MAX_RECTANGLES:
        raise RectangleError("too_many_rectangles", limit=MAX_RECTANGLES)
    decoded = decode_photo(data, limits)
    refuse_stacked_areas(rectangles, decoded.source_width, decoded.source_height)
    blur_areas(decoded, [*rectangles, *extra])
    return finish(decoded, limits.max_side)


def limits_from_settings(**overrides) -> Limits:
    from django.conf import settings

    values = {
        "max_bytes": getattr(settings, "PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES),
        "max_pixels": getattr(settings, "PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS),
        "max_side": getattr(settings, "PHOTO_MAX_SIDE", DEFAULT_MAX_SIDE),
    }
    values.update({key: value for key, value in overrides.items() if value is not None})
    return Limits(**values)


def _megabytes(value: int) -> str:
    return f"{value / (1024 * 1024):g}"


def _megapixels(value: int) -> str:
    return f"{value / 1_000_000:g}"


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
