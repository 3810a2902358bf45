"""Time the photo page's round trip with face detection against Pillow alone, same run.

    python bench/face_bench.py [--repeat 5]

Input: a 12 Mpx (4032 × 3024) group photo from the labelled set (consent/photo/faceset.py:
faces of 100 to 300 px on a scikit-image background), as a JPEG of quality 90. Timings per
repetition, interleaved:

- pillow:     Image.open + load + save as JPEG quality 85, full size (decode + re-encode)
- preview:    what the page shows without detection: decode (libjpeg at half scale),
              upright, sRGB, blur every given face, downscale to 1280 px and encode
- round trip: upload -> detect -> preview as the page does it: decode, find the faces on a
              reduced copy, encode the working preview (1280 px), blur every face found,
              encode the result preview (1280 px)

Prints the median and best of each, the ratios to Pillow alone (goal: round trip <= 2.0,
preview <= 1.0) and how many of the true faces were found.
"""

import argparse
import os
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")
django.setup()

from PIL import Image  # noqa: E402

from consent.photo import cleaning, faces, faceset  # noqa: E402

PREVIEW_SIDE = 1280
SIZES = (100, 140, 200, 300)


def group_photo() -> tuple[bytes, list[cleaning.Rect]]:
    photo = faceset.build_photo(7, width=4032, height=3024, sizes=SIZES, distractors=2)
    return faceset.jpeg_bytes(photo.image, quality=90), photo.faces


def pillow_alone(data: bytes) -> bytes:
    with Image.open(BytesIO(data)) as image:
        image.load()
        buffer = BytesIO()
        image.save(buffer, "JPEG", quality=cleaning.JPEG_QUALITY)
    return buffer.getvalue()


def preview(data: bytes, truth: list[cleaning.Rect]) -> bytes:
    decoded = cleaning.decode_photo(data)
    cleaning.blur_areas(decoded, truth)
    return cleaning.encode_jpeg(cleaning.downscale(decoded.rgb, PREVIEW_SIDE))


def round_trip(data: bytes) -> faces.Faces:
    decoded = cleaning.decode_photo(data)
    found = faces.find_faces(decoded)
    cleaning.encode_jpeg(cleaning.downscale(decoded.rgb, PREVIEW_SIDE))
    cleaning.blur_areas(decoded, faces.blur_boxes(found))
    cleaning.encode_jpeg(cleaning.downscale(decoded.rgb, PREVIEW_SIDE))
    return found


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()

    data, truth = group_photo()
    print(f"input: 4032 × 3024 JPEG, {len(data) / 1e6:.1f} MB, {len(truth)} faces")
    hits, extra = faceset.score(truth, list(round_trip(data).boxes))
    print(f"faces found: {sum(hits)}/{len(truth)}, false positives: {extra}")
    runs = {
        "pillow": lambda: pillow_alone(data),
        "preview": lambda: preview(data, truth),
        "round trip": lambda: round_trip(data),
    }
    for function in runs.values():
        function()  # warm up
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(options.repeat):
        for name, function in runs.items():
            times[name].append(timed(function))
    base = statistics.median(times["pillow"])
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"{name:>10}: median {median * 1000:7.0f} ms, best {min(values) * 1000:7.0f} ms, "
            f"ratio to pillow {median / base:.2f}"
        )


if __name__ == "__main__":
    main()
