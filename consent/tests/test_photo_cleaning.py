"""The image pipeline, fed camera-like files and checked by parsing the output bytes."""

import logging
import struct
import warnings
import zlib
from io import BytesIO

import pytest
from django.utils import translation
from PIL import Image, ImageChops, ImageCms, ImageStat

from consent.photo import cleaning, testkit
from consent.photo.cleaning import Limits, PhotoError, Rect, RectangleError, clean_photo

SAMPLES = {
    "jpeg": testkit.camera_jpeg,
    "mpo": testkit.camera_mpo,  # a JPEG holding a second picture (iPhone HDR, cameras)
    "png": testkit.png_with_text,
    "webp": testkit.webp_with_metadata,
    "heic": testkit.heic_with_metadata,
}
ROTATED_SAMPLES = ("jpeg", "mpo", "webp", "heic")  # stored sideways with orientation 6

# JPEG markers a pixels-only encoder writes: JFIF APP0, tables, frame, scan.
APP0, DQT, SOF0, SOF2, DHT, DRI, SOS = 0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD, 0xDA
STRUCTURAL_MARKERS = {DQT, SOF0, SOF2, DHT, DRI, SOS}


def decoded(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def assert_pixels_only_jpeg(data: bytes) -> None:
    markers = testkit.jpeg_markers(data)
    for marker, payload in markers:
        if marker == APP0:
            assert payload.startswith(b"JFIF\x00"), "APP0 other than JFIF"
        else:
            assert marker in STRUCTURAL_MARKERS, f"unexpected marker 0x{marker:02X}"
    assert markers[-1][0] == SOS


def is_red(pixel) -> bool:
    red, green, blue = pixel[:3]
    return red > 180 and green < 70 and blue < 70


@pytest.mark.parametrize("kind", SAMPLES)
def test_it_plants_metadata_in_every_sample(kind):
    # The inputs really carry what the output must lose.
    data = SAMPLES[kind]()
    assert b"SERIAL-0042" in data
    assert b"Sem Bakker" in data


@pytest.mark.parametrize("kind", SAMPLES)
def test_it_writes_a_jpeg_without_any_metadata_segment(kind):
    result = clean_photo(SAMPLES[kind]())
    assert result.content_type == "image/jpeg"
    assert_pixels_only_jpeg(result.data)


@pytest.mark.parametrize("kind", SAMPLES)
def test_it_leaves_no_planted_secret_in_the_bytes(kind):
    data = clean_photo(SAMPLES[kind]()).data
    found = [secret for secret in testkit.SECRETS if secret in data]
    assert found == []


@pytest.mark.parametrize("kind", SAMPLES)
def test_it_keeps_the_metadata_out_of_debug_logs(kind, caplog):
    # LOG_LEVEL=DEBUG sets the root logger; Pillow's plugins would log every tag's value.
    caplog.set_level(logging.DEBUG)
    clean_photo(SAMPLES[kind]())
    logged = caplog.text + repr([record.args for record in caplog.records])
    planted = [b"Sem Bakker", b"SERIAL-0042", *testkit.SECRETS]
    assert [secret for secret in planted if secret.decode() in logged] == []


@pytest.mark.parametrize("kind", SAMPLES)
def test_it_leaves_nothing_for_pillow_to_read_back(kind):
    image = decoded(clean_photo(SAMPLES[kind]()).data)
    assert dict(image.getexif()) == {}
    assert set(image.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi"}


@pytest.mark.parametrize("kind", ROTATED_SAMPLES)
def test_it_applies_orientation_6_to_the_pixels(kind):
    result = clean_photo(SAMPLES[kind]())
    image = decoded(result.data)
    assert image.size == (96, 64)  # stored as 64 × 96
    assert is_red(image.getpixel((3, 3)))
    assert not is_red(image.getpixel((92, 3)))
    assert not is_red(image.getpixel((3, 60)))


def test_it_reports_the_upright_size_as_the_rectangle_space():
    result = clean_photo(testkit.camera_jpeg())
    assert (result.source_width, result.source_height) == (96, 64)


def test_it_flattens_png_transparency_on_white():
    image = decoded(clean_photo(testkit.png_with_text()).data)
    assert min(image.getpixel((92, 60))) > 245
    assert is_red(image.getpixel((3, 3)))


def test_it_converts_a_cmyk_jpeg_to_rgb():
    buffer = BytesIO()
    Image.new("CMYK", (40, 30), (0, 255, 255, 0)).save(buffer, "JPEG")
    image = decoded(clean_photo(buffer.getvalue()).data)
    assert image.mode == "RGB"
    assert is_red(image.getpixel((20, 15)))


def test_it_scales_16_bit_greyscale_instead_of_clipping_it():
    buffer = BytesIO()
    Image.new("I;16", (40, 30), 32768).save(buffer, "PNG")
    image = decoded(clean_photo(buffer.getvalue()).data)
    assert 118 < image.getpixel((20, 15))[0] < 138


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_it_converts_pixels_from_an_embedded_profile_to_srgb(kind):
    # Tagged "red" means green in this profile; showing it untagged would turn it red.
    buffer = BytesIO()
    Image.new("RGB", (40, 30), (200, 0, 0)).save(
        buffer, kind, icc_profile=testkit.swapped_primaries_profile(), quality=95
    )
    data = clean_photo(buffer.getvalue()).data
    red, green, blue = decoded(data).getpixel((20, 15))
    assert green > 180 and red < 40 and blue < 40
    assert 0xE2 not in [marker for marker, _ in testkit.jpeg_markers(data)]


def test_it_drops_an_embedded_srgb_profile():
    buffer = BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    testkit.upright_scene().save(buffer, "JPEG", icc_profile=srgb)
    data = clean_photo(buffer.getvalue()).data
    assert 0xE2 not in [marker for marker, _ in testkit.jpeg_markers(data)]
    assert is_red(decoded(data).getpixel((3, 3)))


def test_it_ignores_an_unreadable_profile():
    buffer = BytesIO()
    testkit.upright_scene().save(buffer, "JPEG", icc_profile=b"not a profile" * 10)
    data = clean_photo(buffer.getvalue()).data
    assert_pixels_only_jpeg(data)
    assert is_red(decoded(data).getpixel((3, 3)))


@pytest.mark.parametrize(
    "payload",
    [
        b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x05\x01\x12\x00\x03",
        b"Exif\x00\x00II*\x00\xff\xff\xff\x7f",
    ],
    ids=["cut-off-ifd", "offset-past-the-end"],
)
def test_it_cleans_a_photo_whose_exif_is_corrupt(payload):
    buffer = BytesIO()
    testkit.upright_scene().save(buffer, "JPEG")
    data = testkit.splice_after_soi(buffer.getvalue(), testkit.jpeg_segment(0xE1, payload))
    result = clean_photo(data)
    assert_pixels_only_jpeg(result.data)
    assert (result.width, result.height) == (96, 64)


# --- Refusals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"Dit is geen foto, maar een tekstbestand met .jpg als naam.\n", "unsupported"),
        (testkit.gif_bytes(), "unsupported"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 8, "damaged"),
        (testkit.png_declaring(20000, 20000), "too_many_pixels"),
        (testkit.png_declaring(8000, 8000), "too_many_pixels"),
    ],
    ids=["empty", "text", "gif", "jpeg-header-only", "bomb-400mpx", "64mpx"],
)
def test_it_refuses_bad_input_with_its_reason(data, code):
    with pytest.raises(PhotoError) as caught:
        clean_photo(data)
    assert caught.value.code == code


def test_it_refuses_a_truncated_jpeg():
    data = testkit.camera_jpeg(testkit.noisy_photo(300, 200))
    with pytest.raises(PhotoError) as caught:
        clean_photo(data[: len(data) // 2])
    assert caught.value.code == "damaged"


def test_it_refuses_a_truncated_png():
    data = testkit.png_with_text(testkit.noisy_photo(300, 200))
    with pytest.raises(PhotoError) as caught:
        clean_photo(data[: len(data) - 2000])
    assert caught.value.code == "damaged"


def test_it_refuses_more_bytes_than_the_limit():
    data = testkit.camera_jpeg()
    with pytest.raises(PhotoError) as caught:
        clean_photo(data, limits=Limits(max_bytes=len(data) - 1))
    assert caught.value.code == "too_large"
    clean_photo(data, limits=Limits(max_bytes=len(data)))


def test_it_refuses_more_pixels_than_the_limit_from_the_header():
    # 96 × 64 = 6144 pixels
    with pytest.raises(PhotoError) as caught:
        clean_photo(testkit.camera_jpeg(), limits=Limits(max_pixels=6143))
    assert caught.value.code == "too_many_pixels"
    clean_photo(testkit.camera_jpeg(), limits=Limits(max_pixels=6144))


def test_it_refuses_a_bomb_even_when_pillow_warnings_are_ignored():
    # 100 Mpx is over Pillow's warning threshold but under its hard error.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(PhotoError) as caught:
            clean_photo(testkit.png_declaring(10000, 10000), limits=Limits(max_pixels=10**9))
    assert caught.value.code == "too_many_pixels"


def test_it_refuses_a_jpeg_of_more_scans_than_libjpeg_should_work_through():
    data = testkit.jpeg_with_scans(cleaning.MAX_JPEG_SCANS)
    with pytest.raises(PhotoError) as caught:
        clean_photo(data)
    assert caught.value.code == "too_many_scans"


def test_it_reads_a_progressive_jpeg_with_a_normal_number_of_scans():
    data = testkit.jpeg_with_scans(0)
    assert data.count(b"\xff\xda") > 5
    assert clean_photo(data).width == 400


def test_it_counts_only_the_scans_of_the_image_itself():
    # The marker bytes inside a metadata segment are no scans (an EXIF thumbnail has one).
    filler = testkit.jpeg_segment(0xE1, b"\xff\xda" * (cleaning.MAX_JPEG_SCANS + 1))
    data = testkit.splice_after_soi(testkit.camera_jpeg(), filler)
    assert_pixels_only_jpeg(clean_photo(data).data)


def test_it_refuses_a_jpeg_of_more_segments_than_pillow_should_walk_through():
    # 6 million empty segments in 24 MB took Pillow 9 s and 900 MB just to open.
    empty = testkit.jpeg_segment(0xE5, b"")
    data = testkit.splice_after_soi(testkit.camera_jpeg(), empty * cleaning.MAX_JPEG_SEGMENTS)
    with pytest.raises(PhotoError) as caught:
        clean_photo(data)
    assert caught.value.code == "too_many_parts"


def test_it_refuses_a_jpeg_padded_with_stray_bytes_between_segments():
    # Pillow skips stray and fill bytes before a marker one loop at a time (24 MB: 14 s).
    data = testkit.splice_after_soi(
        testkit.camera_jpeg(), b"\xff" * (cleaning.MAX_JPEG_SKIPPED + 1)
    )
    with pytest.raises(PhotoError) as caught:
        clean_photo(data)
    assert caught.value.code == "too_many_parts"


def test_it_reads_a_jpeg_whose_extended_xmp_fills_many_segments():
    part = testkit.jpeg_segment(0xE1, b"http://ns.adobe.com/xmp/extension/\x00" + b"x" * 65000)
    data = testkit.splice_after_soi(testkit.camera_jpeg(), part * 300, b"\xff" * 100)
    assert_pixels_only_jpeg(clean_photo(data).data)


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload)
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def test_it_refuses_a_png_of_more_chunks_than_pillow_should_walk_through():
    png = testkit.png_with_text()
    data = png[:33] + png_chunk(b"prIv", b"") * cleaning.MAX_PNG_CHUNKS + png[33:]
    with pytest.raises(PhotoError) as caught:
        clean_photo(data)
    assert caught.value.code == "too_many_parts"


def test_it_reads_a_png_of_thousands_of_chunks():
    png = testkit.png_with_text()
    data = png[:33] + png_chunk(b"prIv", b"") * 5000 + png[33:]
    assert clean_photo(data).width == 96


def heic_with_free_boxes(count: int) -> bytes:
    """The HEIC sample with `count` empty 'free' boxes after its last box (at the end, so
    the item locations, offsets in the file, stay right)."""
    return testkit.heic_with_metadata() + b"\x00\x00\x00\x08free" * count


def test_it_refuses_a_heic_of_more_boxes_than_its_names_are_checked_through():
    with pytest.raises(PhotoError) as caught:
        clean_photo(heic_with_free_boxes(cleaning.MAX_HEIF_BOXES + 1))
    assert caught.value.code == "damaged"


def test_it_reads_a_heic_of_hundreds_of_boxes():
    assert clean_photo(heic_with_free_boxes(500)).width == 96


@translation.override("en")
def test_it_says_why_in_words():
    with pytest.raises(PhotoError) as caught:
        clean_photo(b"", limits=Limits())
    assert "empty" in caught.value.message
    too_large = PhotoError("too_large", limit=cleaning._megabytes(25 * 1024 * 1024))
    assert "25 MB" in too_large.message


# --- Rectangles -------------------------------------------------------------------

CHECKERBOARD = Rect(48, 16, 44, 32)  # in the upright scene


def region_stddev(image: Image.Image, box) -> float:
    return max(ImageStat.Stat(image.crop(box)).stddev)


def detail(image: Image.Image, box) -> float:
    """Mean difference between horizontally neighbouring pixels: fine detail, not gradients."""
    left, top, right, bottom = box
    here = image.crop((left, top, right - 1, bottom))
    next_door = image.crop((left + 1, top, right, bottom))
    return sum(ImageStat.Stat(ImageChops.difference(here, next_door)).mean) / 3


def mean_difference(first: Image.Image, second: Image.Image, box) -> float:
    a, b = first.crop(box).tobytes(), second.crop(box).tobytes()
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)


def test_it_makes_a_checkerboard_unrecognisable():
    box = (48, 16, 92, 48)
    plain = decoded(clean_photo(testkit.camera_jpeg()).data)
    blurred = decoded(clean_photo(testkit.camera_jpeg(), rectangles=[CHECKERBOARD]).data)
    assert region_stddev(plain, box) > 100
    assert region_stddev(blurred, box) < 15


def test_it_leaves_the_rest_of_the_photo_alone():
    outside = (0, 0, 40, 64)
    plain = decoded(clean_photo(testkit.camera_jpeg()).data)
    blurred = decoded(clean_photo(testkit.camera_jpeg(), rectangles=[CHECKERBOARD]).data)
    assert mean_difference(plain, blurred, outside) < 2


def test_it_pixelates_faces_in_detailed_photos():
    # Noise is the worst case: every pixel differs. After pixelation the area must hold
    # no more than a few cells' worth of detail.
    photo = testkit.noisy_photo(400, 300)
    buffer = BytesIO()
    photo.save(buffer, "PNG")
    result = clean_photo(buffer.getvalue(), rectangles=[Rect(100, 100, 160, 160)])
    image = decoded(result.data)
    inner = (110, 110, 250, 250)
    assert detail(photo, inner) > 20 * detail(image, inner)
    assert detail(image, (10, 10, 90, 90)) > detail(photo, inner) / 2  # outside: still noisy


def test_it_takes_rectangles_in_original_pixels_before_downscaling():
    scene = testkit.upright_scene(960, 640)  # checkerboard at x 480..956, y 160..480
    data = testkit.camera_jpeg(scene)
    result = clean_photo(data, rectangles=[Rect(480, 160, 480, 320)], limits=Limits(max_side=96))
    image = decoded(result.data)
    assert image.size == (96, 64)
    assert region_stddev(image, (50, 18, 90, 46)) < 15


def test_it_clips_a_rectangle_that_runs_off_the_photo():
    result = clean_photo(testkit.camera_jpeg(), rectangles=[Rect(48, -100, 500, 148)])
    image = decoded(result.data)
    assert region_stddev(image, (48, 16, 92, 48)) < 15
    assert is_red(image.getpixel((3, 3)))


def test_it_refuses_a_rectangle_outside_the_photo():
    with pytest.raises(RectangleError) as caught:
        clean_photo(testkit.camera_jpeg(), rectangles=[Rect(96, 0, 10, 10)])
    assert caught.value.code == "rectangle_outside"
    assert "96 × 64" in caught.value.message


def test_it_refuses_too_many_rectangles():
    rectangles = [Rect(0, 0, 1, 1)] * (cleaning.MAX_RECTANGLES + 1)
    with pytest.raises(RectangleError):
        clean_photo(testkit.camera_jpeg(), rectangles=rectangles)


def test_it_refuses_areas_covering_the_photo_more_than_a_few_times_over():
    # Each area is pixelated on its own, at a cost that grows with its size: 50 areas over
    # a whole 7000 × 7000 PNG took 15 s of CPU for one download. A few overlaps are fine,
    # and the part of an area outside the photo does not count.
    whole, outside = Rect(0, 0, 96, 64), Rect(-500, -500, 596, 564)
    rectangles = [whole] * (cleaning.MAX_COVERAGE - 1) + [outside]
    clean_photo(testkit.camera_jpeg(), rectangles=rectangles)
    with pytest.raises(RectangleError) as caught:
        clean_photo(testkit.camera_jpeg(), rectangles=[*rectangles, Rect(90, 60, 20, 20)])
    assert caught.value.code == "areas_overlap"
    assert caught.value.params == {"limit": cleaning.MAX_COVERAGE}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10,20,30,40", Rect(10, 20, 30, 40)), (" -5 , 0, 7,8 ", Rect(-5, 0, 7, 8))],
)
def test_it_parses_a_rectangle(text, expected):
    assert cleaning.parse_rectangle(text) == expected


@pytest.mark.parametrize(
    "text", ["1,2,3", "1,2,3,4,5", "a,b,c,d", "1,2,0,4", "1,2,3,-4", "1.5,2,3,4"]
)
def test_it_refuses_a_malformed_rectangle(text):
    with pytest.raises(RectangleError) as caught:
        cleaning.parse_rectangle(text)
    assert caught.value.code == "bad_rectangle"


def test_it_parses_one_rectangle_per_line():
    assert cleaning.parse_rectangles("1,2,3,4\n\n5,6,7,8;9,9,9,9\n") == [
        Rect(1, 2, 3, 4),
        Rect(5, 6, 7, 8),
        Rect(9, 9, 9, 9),
    ]


# --- Size -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "max_side", "expected"),
    [((400, 300), 200, (200, 150)), ((300, 400), 200, (150, 200)), ((400, 300), 2048, (400, 300))],
)
def test_it_limits_the_long_side(size, max_side, expected):
    buffer = BytesIO()
    testkit.upright_scene(*size).save(buffer, "PNG")
    result = clean_photo(buffer.getvalue(), limits=Limits(max_side=max_side))
    assert (result.width, result.height) == expected
    assert decoded(result.data).size == expected


def test_it_decodes_a_big_jpeg_at_reduced_scale_with_the_same_result():
    # 4200 × 2800 upright, stored sideways: libjpeg decodes it at 1/4 scale for a 1000 px
    # output. The result matches the full-size path of the same pixels as a PNG.
    scene = testkit.upright_scene(4200, 2800)
    png = BytesIO()
    scene.save(png, "PNG")
    board = Rect(2100, 700, 2096, 1400)
    limits = Limits(max_side=1000)
    drafted = clean_photo(testkit.camera_jpeg(scene), rectangles=[board], limits=limits)
    full = clean_photo(png.getvalue(), rectangles=[board], limits=limits)
    assert (drafted.source_width, drafted.source_height) == (4200, 2800)
    assert (drafted.width, drafted.height) == (full.width, full.height) == (1000, 667)
    first, second = decoded(drafted.data), decoded(full.data)
    assert mean_difference(first, second, (0, 0, 1000, 667)) < 4
    assert region_stddev(first, (510, 170, 990, 500)) < 15
    assert is_red(first.getpixel((1, 1)))


def test_it_decodes_a_jpeg_holding_a_second_picture_at_reduced_scale_too():
    # iPhone HDR photos (a gain map) and many cameras' JPEGs hold a second picture (MPF),
    # which Pillow opens as MPO: libjpeg decodes it at reduced scale as any JPEG (it was
    # decoded at full size, 16 times the pixels here), with the same result.
    scene = testkit.upright_scene(4200, 2800)
    mpo, jpeg = testkit.camera_mpo(scene), testkit.camera_jpeg(scene)
    assert Image.open(BytesIO(mpo)).format == "MPO"
    limits = Limits(max_side=1000)
    with cleaning.open_photo(mpo, limits) as image:
        assert cleaning.draft_for(image, limits.max_side) == 4
    pixels = cleaning.decode_photo(mpo, limits)
    assert (pixels.factor, pixels.rgb.size) == (4, (1050, 700))
    assert (pixels.source_width, pixels.source_height) == (4200, 2800)
    board = [Rect(2100, 700, 2096, 1400)]
    result = clean_photo(mpo, rectangles=board, limits=limits)
    assert result.data == clean_photo(jpeg, rectangles=board, limits=limits).data
    assert_pixels_only_jpeg(result.data)


@pytest.mark.parametrize(
    ("rect", "factor", "expected"),
    [
        (Rect(10, 20, 30, 40), 1, Rect(10, 20, 30, 40)),
        (Rect(10, 20, 30, 40), 4, Rect(2, 5, 8, 10)),
        (Rect(3, 3, 2, 2), 8, Rect(0, 0, 1, 1)),
    ],
)
def test_it_shrinks_a_rectangle_outwards(rect, factor, expected):
    assert rect.shrunk(factor) == expected


def test_it_reports_rectangles_outside_in_original_pixels_after_a_draft():
    scene = testkit.upright_scene(4200, 2800)
    with pytest.raises(RectangleError) as caught:
        clean_photo(
            testkit.camera_jpeg(scene),
            rectangles=[Rect(4200, 0, 5, 5)],
            limits=Limits(max_side=1000),
        )
    assert caught.value.params == {"value": "4200,0,5,5", "width": 4200, "height": 2800}


@pytest.mark.parametrize(
    ("size", "expected"),
    [((2000, 1200), (1000, 600)), ((1800, 1200), (1024, 683))],
    ids=["half-scale-is-90-percent-of-max", "half-scale-too-small"],
)
def test_it_lets_a_jpeg_end_up_to_10_percent_under_the_max_side(size, expected):
    result = clean_photo(
        testkit.camera_jpeg(testkit.upright_scene(*size)), limits=Limits(max_side=1024)
    )
    assert (result.width, result.height) == expected
    assert (result.source_width, result.source_height) == size
