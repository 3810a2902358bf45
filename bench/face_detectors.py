"""Compare face detectors whose model ships inside a registry package, on the labelled set.

    python bench/face_detectors.py [--only NAME] [--hard] [--export DIR]

Prints, per candidate that is installed, recall for faces >= 40 px, false positives, time
per photo, and per face width of the set the recall and the false positives (a false
box counts for the set's width nearest to its own). Candidates: the portal's detector
(`faces.detect_faces`, MTCNN), OpenCV's Haar cascades, dlib's HOG detector; MediaPipe and
CenterFace were measured once from an exported copy of the set (README "Face detection").
`--hard` uses heads tilted 15 degrees instead of 0/+8/-8. `--export DIR` writes the set as
PNG files plus truth.json for other environments.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")
django.setup()

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from consent.photo import faceset  # noqa: E402
from consent.photo.cleaning import Rect  # noqa: E402


def candidates():
    from consent.photo import faces

    found = {
        "portal: faces.detect_faces (MTCNN)": lambda rgb: list(
            faces.detect_faces(Image.fromarray(rgb)).boxes
        )
    }
    try:
        import dlib

        hog = dlib.get_frontal_face_detector()

        def dlib_hog(upsample):
            def detect(rgb):
                return [Rect(r.left(), r.top(), r.width(), r.height()) for r in hog(rgb, upsample)]

            return detect

        found["dlib HOG, upsample 0"] = dlib_hog(0)
        found["dlib HOG, upsample 1"] = dlib_hog(1)
    except ImportError:
        pass
    try:
        import cv2

        def cascade(path, min_size):
            classifier = cv2.CascadeClassifier(str(path))

            def detect(rgb):
                grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
                boxes = classifier.detectMultiScale(
                    grey, scaleFactor=1.1, minNeighbors=5, minSize=(min_size, min_size)
                )
                return [Rect(*map(int, box)) for box in boxes]

            return detect

        haar = Path(cv2.data.haarcascades)
        found["OpenCV Haar default"] = cascade(haar / "haarcascade_frontalface_default.xml", 20)
        found["OpenCV Haar alt2"] = cascade(haar / "haarcascade_frontalface_alt2.xml", 20)
    except ImportError:
        pass
    return found


def evaluate(detect, photos):
    per_size, false_sizes, seconds = {}, [], 0.0
    for photo in photos:
        rgb = np.asarray(photo.image)
        start = time.perf_counter()
        boxes = detect(rgb)
        seconds += time.perf_counter() - start
        hits, extra = faceset.score_boxes(photo.faces, boxes)
        false_sizes += [faceset.size_class(box.w) for box in extra]
        for true, hit in zip(photo.faces, hits, strict=True):
            per_size.setdefault(true.w, []).append(hit)
    return per_size, false_sizes, seconds / len(photos)


def report(name, per_size, false_sizes, seconds):
    big = [hit for size, hits in per_size.items() if size >= 40 for hit in hits]
    print(
        f"{name:36} recall>=40px {sum(big) / len(big):.3f} ({sum(big)}/{len(big)})  "
        f"FP {len(false_sizes):3}  {seconds * 1000:6.0f} ms/photo"
    )
    print("    width  faces  recall  false positives")
    for size, hits in sorted(per_size.items()):
        recall = sum(hits) / len(hits)
        print(f"    {size:5}  {len(hits):5}  {recall:6.2f}  {false_sizes.count(size):5}")


def export(photos, directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    truth = {}
    for photo in photos:
        photo.image.save(directory / f"{photo.name}.png")
        truth[photo.name] = [[r.x, r.y, r.w, r.h] for r in photo.faces]
    (directory / "truth.json").write_text(json.dumps(truth))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--export", type=Path)
    parser.add_argument("--only", default="", help="measure candidates whose name has this")
    parser.add_argument("--hard", action="store_true", help="heads tilted 15 degrees instead")
    args = parser.parse_args()
    angles = faceset.HARD_ANGLES if args.hard else faceset.ANGLES
    photos = faceset.labelled_set(angles=angles)
    count = sum(len(photo.faces) for photo in photos)
    print(f"labelled set: {len(photos)} photos 1600 x 1200, {count} faces, angles {angles}")
    print("load average: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if args.export:
        export(photos, args.export)
        return
    for name, detect in candidates().items():
        if args.only not in name:
            continue
        report(name, *evaluate(detect, photos))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
