"""python manage.py clean_photo INPUT OUTPUT [--blur X,Y,W,H]... [--max-side N]
[--blur-faces] [--faces-json]"""

import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from consent.photo import cleaning, faces, page


class Command(BaseCommand):
    help = (
        "Write a web-ready JPEG of INPUT to OUTPUT: metadata removed, orientation applied, "
        "each --blur rectangle (X,Y,W,H in pixels of the upright original) pixelated, long "
        "side limited. --blur-faces also blurs every face the detector finds; --faces-json "
        "prints the faces found as JSON. On bad input: exit status 1, one line on stderr, "
        "no OUTPUT."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("input", help="a JPEG, PNG, WebP or HEIC photo")
        parser.add_argument("output", help="where to write the cleaned JPEG")
        # Values are parsed in handle(), so a bad one is a one-line CommandError rather
        # than argparse's usage text.
        parser.add_argument(
            "--blur",
            action="append",
            default=[],
            metavar="X,Y,W,H",
            help="a rectangle to pixelate; repeat once per rectangle",
        )
        parser.add_argument(
            "--max-side",
            default=None,
            metavar="N",
            help="longest side in pixels (default: PHOTO_MAX_SIDE)",
        )

        parser.add_argument(
            "--blur-faces",
            action="store_true",
            help="blur every face the detector finds (detection only, no recognition)",
        )
        parser.add_argument(
            "--faces-json",
            action="store_true",
            help="print the faces found as JSON (pixels of the upright original)",
        )

    def handle(self, *args, **options):
        detect = options["blur_faces"] or options["faces_json"]
        try:
            rectangles = [cleaning.parse_rectangle(value) for value in options["blur"]]
            if len(rectangles) > cleaning.MAX_RECTANGLES:
                raise cleaning.RectangleError("too_many_rectangles", limit=cleaning.MAX_RECTANGLES)
            limits = cleaning.limits_from_settings(max_side=_max_side(options["max_side"]))
            data = _read(Path(options["input"]), limits.max_bytes)
            # Faces as the photo page finds them (the same copy, so the same numbers).
            found = page.find_faces(data, limits) if detect else None
            extra = faces.blur_boxes(found) if found and options["blur_faces"] else []
            result = cleaning.clean_photo(data, rectangles=rectangles, extra=extra, limits=limits)
        except cleaning.PhotoError as error:
            raise CommandError(error.message) from None
        _write_atomically(Path(options["output"]), result.data)
        if options["faces_json"] and found is not None:  # detected: --faces-json asks for it
            self.stdout.write(json.dumps(_faces_json(found)))
        else:
            self.stdout.write(
                _("%(path)s: %(width)d × %(height)d JPEG, %(size)d bytes")
                % {
                    "path": options["output"],
                    "width": result.width,
                    "height": result.height,
                    "size": len(result.data),
                }
            )


def _faces_json(found: faces.Faces) -> dict:
    return {
        "width": found.width,
        "height": found.height,
        "reliable_width": found.reliable_width,
        "faces": [
            {"number": number, "x": box.x, "y": box.y, "w": box.w, "h": box.h}
            for number, box in enumerate(found.boxes, start=1)
        ],
    }


def _max_side(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise cleaning.PhotoError("bad_max_side") from None
    if not 16 <= value <= 20000:
        raise cleaning.PhotoError("bad_max_side")
    return value


def _read(path: Path, max_bytes: int) -> bytes:
    try:
        with path.open("rb") as handle:
            # One byte more than allowed is enough to know the file is too large.
            return handle.read(max_bytes + 1)
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror or error}") from None


def _write_atomically(path: Path, data: bytes) -> None:
    """Write next to OUTPUT and rename, so a failure never leaves a partial file."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=directory, prefix=".clean_photo-", suffix=".tmp"
        )
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as error:  # Ctrl-C too: never leave the photo behind
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise CommandError(f"{path}: {error.strerror or error}") from None
        raise
