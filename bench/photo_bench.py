"""Time the photo check's cleaning + blurring against Pillow alone, in the same run.

    python bench/photo_bench.py [--repeat 7]

Input: a 4000 × 3000 camera-like JPEG generated here (gradients plus noise, quality 90,
camera EXIF with GPS and orientation 6). Three timings per repetition, interleaved:

- pillow:   Image.open + load + save as JPEG quality 85 (decode and re-encode, nothing else)
- clean:    consent.photo.cleaning.clean_photo with three face-sized rectangles and the
            default long side of 2048 px (what the page does). libjpeg decodes this photo
            at half scale (2000 × 1500, see cleaning.draft_for), so no resize is needed.
- clean-full: the same with a long side of 4000 (full-size decode, no downscale): the
            cost of the cleaning itself, like for like with Pillow alone

Prints the median and best time of each and the ratios to Pillow alone. Imports only the
pure cleaning module: no Django settings, no database.
"""

import argparse
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from consent.photo import cleaning, testkit  # noqa: E402

FACES = [
    cleaning.Rect(400, 300, 260, 320),
    cleaning.Rect(1800, 900, 300, 360),
    cleaning.Rect(3100, 500, 240, 300),
]


def camera_jpeg() -> bytes:
    # Stored 3000 × 4000 with orientation 6, like a phone held upright: 4000 × 3000 upright.
    photo = testkit.noisy_photo(4000, 3000)
    return testkit.camera_jpeg(photo, quality=90)


def pillow_alone(data: bytes) -> bytes:
    with Image.open(BytesIO(data)) as image:
        image.load()
        buffer = BytesIO()
        image.save(buffer, "JPEG", quality=cleaning.JPEG_QUALITY)
    return buffer.getvalue()


def clean(data: bytes, max_side: int) -> bytes:
    limits = cleaning.Limits(max_side=max_side)
    return cleaning.clean_photo(data, rectangles=FACES, limits=limits).data


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()

    data = camera_jpeg()
    print(f"input: 4000 × 3000 JPEG, {len(data) / 1e6:.1f} MB, {options.repeat} repetitions")
    runs = {
        "pillow": lambda: pillow_alone(data),
        "clean": lambda: clean(data, cleaning.DEFAULT_MAX_SIDE),
        "clean-full": lambda: clean(data, 4000),
    }
    for function in runs.values():
        function()  # warm up: imports, allocator, littleCMS
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
