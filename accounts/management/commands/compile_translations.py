"""Compile every .po catalogue of the project into .mo, in pure Python.

Django's compilemessages needs GNU gettext's msgfmt, which a fresh machine with only
Python does not have; polib writes the same .mo files.
"""

from pathlib import Path

import polib  # type: ignore[import-untyped]
from django.conf import settings
from django.core.management.base import BaseCommand

SKIP_DIRS = {".venv", "node_modules", "var", ".git"}


def project_catalogues(root: Path) -> list[Path]:
    return [
        path
        for path in root.rglob("locale/*/LC_MESSAGES/*.po")
        if not SKIP_DIRS.intersection(path.relative_to(root).parts)
    ]


class Command(BaseCommand):
    help = "Compile the project's .po files to .mo without GNU gettext."

    def handle(self, *args, **options):
        for po_path in project_catalogues(Path(settings.BASE_DIR)):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
