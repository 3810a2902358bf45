"""Write a cleaned copy of every static image another app serves with metadata into the
portal's static/ directory, which the finders and collectstatic read first (ops.static_images).
Run it after upgrading Django or an app that ships images; the tests say when."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ops.static_images import svg_metadata, without_metadata

IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico")


def images_of_other_apps(ours: Path):
    """(path, original file) of every image a finder offers from outside `ours`."""
    seen = set()
    for finder in finders.get_finders():
        for path, storage in finder.list(None):
            location = Path(storage.path(path))
            image = path.lower().endswith(IMAGE_SUFFIXES)
            if image and path not in seen and not location.is_relative_to(ours):
                seen.add(path)
                yield path, location


class Command(BaseCommand):
    help = "Write cleaned copies of other apps' static images that carry metadata."

    def add_arguments(self, parser):
        ours = Path(settings.BASE_DIR) / "static"
        parser.add_argument("--target", default=str(ours), help="where the copies go")

    def handle(self, *args, target, **options):
        ours = Path(settings.BASE_DIR) / "static"
        for path, original in images_of_other_apps(ours):
            data = original.read_bytes()
            # A raster image with metadata is named by the test of served images.
            if not path.lower().endswith(".svg") or not svg_metadata(data):
                continue
            copy = Path(target) / path
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(without_metadata(path, data))
            if options["verbosity"]:
                self.stdout.write(_("cleaned %(path)s") % {"path": path})
