"""Real-world-like sample photos built in memory, and walkers that parse image bytes.

Used by the tests (to feed camera-like files and to prove, from the output bytes, that no
metadata survived) and by `bench/photo_bench.py`. Nothing here is used by the portal.
"""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

from PIL import ExifTags, Image, PngImagePlugin

# Strings planted in the metadata of every sample; none may appear in a cleaned photo.
SECRETS = (
    b"SECRETMAKE",
    b"SECRETMODEL",
    b"SERIAL-0042",
    b"2026:05:04 10:11:12",
    b"Sem Bakker",
    b"XMPSECRET",
    b"IPTCSECRET",
    b"COMSECRET",
    b"TEXTSECRET",
    b"Exif\x00\x00",
    b"http://ns.adobe.com/xap/1.0/",
    b"Photoshop 3.0",
    b"8BIM",
)

RED = (220, 20, 20)
GREY = (128, 128, 128)
CORNER = 16  # the red square marking the upright top-left corner
XMP_PACKET = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/"><dc:creator>XMPSECRET Juf</dc:creator>'
    b"<exif:GPSLatitude>52,55.2N</exif:GPSLatitude></rdf:Description></rdf:RDF></x:xmpmeta>"
)


def upright_scene(width: int = 96, height: int = 64) -> Image.Image:
    """Grey, a red square in the top-left corner, a black/white checkerboard on the right."""
    image = Image.new("RGB", (width, height), GREY)
    image.paste(RED, (0, 0, CORNER, CORNER))
    xs, ys = range(width // 2, width - 4, 4), range(height // 4, height - height // 4, 4)
    start = xs[0] // 4 + ys[0] // 4
    cells = bytes(
        0 if (start + column + row) % 2 else 255
        for row in range(len(ys))
        for column in range(len(xs))
    )
    board = Image.frombytes("L", (len(xs), len(ys)), cells)
    board = board.resize((4 * len(xs), 4 * len(ys)), Image.Resampling.NEAREST)
    image.paste(board.convert("RGB"), (xs[0], ys[0]))
    return image


def stored_for_orientation_6(upright: Image.Image) -> Image.Image:
    """The pixels a camera stores when the viewer must turn them 90° clockwise."""
    return upright.transpose(Image.Transpose.ROTATE_90)


def camera_exif(orientation: int = 6) -> Image.Exif:
    """EXIF like a phone writes: make, model, serial, dates, a comment and a GPS fix."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SECRETMAKE"
    exif[ExifTags.Base.Model] = "SECRETMODEL 12"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.DateTime] = "2026:05:04 10:11:12"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.BodySerialNumber] = "SERIAL-0042"
    sub[ExifTags.Base.DateTimeOriginal] = "2026:05:04 10:11:12"
    sub[ExifTags.Base.UserComment] = b"ASCII\x00\x00\x00Sem Bakker verjaardag"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 55.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (6.0, 47.0, 30.25)
    return exif


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def iptc_segment(caption: bytes = b"IPTCSECRET Sem Bakker") -> bytes:
    record = b"\x1c\x02\x78" + struct.pack(">H", len(caption)) + caption  # 2:120 caption
    if len(record) % 2:
        record += b"\x00"
    resource = b"8BIM" + b"\x04\x04" + b"\x00\x00" + struct.pack(">I", len(record)) + record
    return jpeg_segment(0xED, b"Photoshop 3.0\x00" + resource)


def splice_after_soi(jpeg: bytes, *segments: bytes) -> bytes:
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def camera_jpeg(upright: Image.Image | None = None, *, quality: int = 95) -> bytes:
    """A phone JPEG: orientation 6, camera EXIF with GPS, XMP, IPTC and a COM segment."""
    stored = stored_for_orientation_6(upright or upright_scene())
    buffer = BytesIO()
    stored.save(buffer, "JPEG", quality=quality, exif=camera_exif(6).tobytes())
    return splice_after_soi(
        buffer.getvalue(),
        jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP_PACKET),
        iptc_segment(),
        jpeg_segment(0xFE, b"COMSECRET Sem Bakker groep 5"),
    )


def camera_mpo(upright: Image.Image | None = None, *, quality: int = 95) -> bytes:
    """`camera_jpeg` holding a second, smaller picture after the first (MPF: an iPhone HDR
    photo's gain map, a camera's large thumbnail): Pillow opens such a file as MPO. The
    segments spliced in before the MPF segment move the offsets of both pictures alike."""
    stored = stored_for_orientation_6(upright or upright_scene())
    second = stored.resize((max(1, stored.width // 4), max(1, stored.height // 4)))
    buffer = BytesIO()
    stored.save(
        buffer,
        "MPO",
        save_all=True,
        append_images=[second],
        quality=quality,
        exif=camera_exif(6).tobytes(),
    )
    return splice_after_soi(
        buffer.getvalue(),
        jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP_PACKET),
        iptc_segment(),
        jpeg_segment(0xFE, b"COMSECRET Sem Bakker groep 5"),
    )


def png_with_text(upright: Image.Image | None = None) -> bytes:
    """An RGBA PNG (transparent bottom-right corner) with tEXt, iTXt, zTXt and eXIf."""
    image = (upright or upright_scene()).convert("RGBA")
    image.paste(
        (0, 0, 0, 0), (image.width - CORNER, image.height - CORNER, image.width, image.height)
    )
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "TEXTSECRET tEXt Sem Bakker")
    info.add_itxt("Description", "TEXTSECRET iTXt", lang="nl", tkey="Beschrijving")
    info.add_text("Comment", "TEXTSECRET zTXt", zip=True)
    buffer = BytesIO()
    image.save(buffer, "PNG", pnginfo=info, exif=camera_exif(1).tobytes())
    return buffer.getvalue()


def webp_with_metadata(upright: Image.Image | None = None) -> bytes:
    """A WebP stored for orientation 6, with EXIF and XMP chunks."""
    stored = stored_for_orientation_6(upright or upright_scene())
    buffer = BytesIO()
    stored.save(buffer, "WEBP", quality=95, exif=camera_exif(6).tobytes(), xmp=XMP_PACKET)
    return buffer.getvalue()


def heic_with_metadata(upright: Image.Image | None = None) -> bytes:
    """An iPhone-like HEIC stored for orientation 6, with EXIF and XMP."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    stored = stored_for_orientation_6(upright or upright_scene())
    buffer = BytesIO()
    stored.save(buffer, "HEIF", quality=90, exif=camera_exif(6).tobytes(), xmp=XMP_PACKET)
    return buffer.getvalue()


def gif_bytes() -> bytes:
    buffer = BytesIO()
    upright_scene().convert("P").save(buffer, "GIF")
    return buffer.getvalue()


def jpeg_with_scans(extra: int, size: int = 400) -> bytes:
    """A progressive JPEG whose last scan is repeated `extra` times: a few bytes a scan,
    and libjpeg works through the whole image for each of them (a CPU bomb)."""
    buffer = BytesIO()
    noisy_photo(size, size).save(buffer, "JPEG", progressive=True, quality=90)
    data = buffer.getvalue()
    last_scan, end = data.rfind(b"\xff\xda"), data.rfind(b"\xff\xd9")
    return data[:end] + data[last_scan:end] * extra + data[end:]


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width × height pixels (a decompression bomb)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def png_blank(width: int, height: int, *, colour_type: int = 6) -> bytes:
    """A whole, valid PNG of width × height black (transparent, for colour type 6) pixels
    in a few hundred kB at most: small to upload, large to decode."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    row = b"\x00" + bytes(width * channels)  # filter type 0, then the pixels
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _row in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def swapped_primaries_profile() -> bytes:
    """A valid ICC v2 RGB profile whose red and green primaries are swapped.

    Pixels tagged with it that read (200, 0, 0) are green in sRGB: a converter that
    ignores the profile keeps them red. Matrix/TRC profile, gamma 2.2, D50 white.
    """

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15(x) + s15(y) + s15(z)

    gamma = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(2.2 * 256)) + b"\0\0"
    name = b"swapped\0"
    description = b"desc\0\0\0\0" + struct.pack(">I", len(name)) + name + b"\0" * 79
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    tags = [
        (b"desc", description),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(*green)),
        (b"gXYZ", xyz(*red)),
        (b"bXYZ", xyz(*blue)),
        (b"rTRC", gamma),
        (b"gTRC", gamma),
        (b"bTRC", gamma),
        (b"cprt", b"text\0\0\0\0none\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    body = struct.pack(">I", len(tags)) + table + data
    header = (
        struct.pack(">I", 128 + len(body))
        + b"none"
        + bytes([2, 0x10, 0, 0])
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 28
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + body


def noisy_photo(width: int, height: int, seed: int = 7) -> Image.Image:
    """Smooth gradients plus per-pixel noise: compresses like a real photo, not a flat fill."""
    import random

    rng = random.Random(seed)
    gradient = Image.linear_gradient("L").resize((width, height))
    base = Image.merge(
        "RGB",
        (
            gradient,
            gradient.transpose(Image.Transpose.ROTATE_90).resize((width, height)),
            gradient.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
        ),
    )
    noise = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    return Image.blend(base, noise, 0.25)


# --- Walkers: parse the structure of image bytes -----------------------------------


def jpeg_markers(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of every segment before the image data (SOS ends the walk)."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    segments, pos = [], 2
    while pos < len(data):
        assert data[pos] == 0xFF, f"no marker at {pos}"
        marker = data[pos + 1]
        if marker == 0xD9:
            break
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        segments.append((marker, data[pos + 4 : pos + 2 + length]))
        if marker == 0xDA:
            break
        pos += 2 + length
    return segments


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks, pos = [], 8
    while pos < len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kind = data[pos + 4 : pos + 8]
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


def riff_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP", "not a WebP"
    chunks, pos = [], 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        length = struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 8 + length + (length % 2)
    return chunks
