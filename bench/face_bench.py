"""Time the photo page's round trip with face detection against Pillow alone, same run.

    python bench/face_bench.py [--repeat 7] [--threads N]

Input: a 12 Mpx (4032 × 3024) group photo from the labelled set (consent/photo/faceset.py:
faces of 100 to 300 px on a scikit-image background), as a JPEG of quality 90. Timings per
repetition, interleaved:

- pillow:     Image.open + load + save as JPEG quality 85, full size (decode + re-encode)
- preview:    the page's result without detection: `page.decode_small` (libjpeg at the
              scale nearest above phone size), then `page.result_image` (blur the true
              face boxes inside the boxes, encode once at phone size)
- round trip: upload -> detect -> preview, `page.prepare` + `page.page_images`: what
              the photo page calls on every post (decode once, find the faces, encode the
              photo to tap faces on, a thumbnail per face, blur every face, encode the
              result)

Both portal rows call the page's own functions, not a copy. Prints the load average
before and after, the median and best of each, the ratios to Pillow alone (goal: round
trip <= 2.0, preview <= 1.0) and how many of the true faces were found.
`--threads N` sets the threads one detection is split over (`consent/photo/threads.py`, default 2;
OpenCV's own threading is off, `consent/photo/mtcnn.py`).
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

from consent.photo import cleaning, faceset, page  # noqa: E402

SIZES = (100, 140, 200, 300)
LIMITS = cleaning.DEFAULT_LIMITS


def group_photo() -> tuple[bytes, list[cleaning.Rect]]:
    photo = faceset.build_photo(7, width=4032, height=3024, sizes=SIZES, distractors=2)
    return faceset.jpeg_bytes(photo.image, quality=90), photo.faces


def pillow_alone(data: bytes) -> bytes:
    with Image.open(BytesIO(data)) as image:
        image.load()
        buffer = BytesIO()
        image.save(buffer, "JPEG", quality=cleaning.JPEG_QUALITY)
    return buffer.getvalue()


def preview(data: bytes, truth: list[cleaning.Rect]) -> page.Encoded:
    return page.result_image(page.decode_small(data, LIMITS), truth)


def round_trip(data: bytes) -> page.PageImages:
    images, error = page.page_images(page.prepare(data, LIMITS))
    assert error is None
    return images


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None)
    options = parser.parse_args()
    import cv2

    from consent.photo import threads

    if options.threads is not None:
        threads.WORKERS = options.threads
    print(
        f"threads: {threads.WORKERS}, OpenCV threads: {cv2.getNumThreads()}, "
        f"cores: {os.cpu_count()}"
    )
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

    data, truth = group_photo()
    print(f"input: 4032 × 3024 JPEG, {len(data) / 1e6:.1f} MB, {len(truth)} faces")
    images = round_trip(data)
    hits, extra = faceset.score(truth, list(images.found.boxes))
    print(f"faces found: {sum(hits)}/{len(truth)}, false positives: {extra}")
    print(f"previews: {images.result.width} × {images.result.height}")
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
    print("load average after:  {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
