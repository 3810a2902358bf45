"""Time the pupil import of a generated 5,000-row file (make bench).

Runs against the configured database (SQLite under var/ by default; set DATABASE_URL for
PostgreSQL) in a throw-away school that is removed afterwards. Prints seconds for the
first import (everything new), a dry run and a re-import (nothing changes).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from schools.importer import COLUMNS, pupils_import, read_text  # noqa: E402
from schools.models import Group, Pupil, School  # noqa: E402

ROWS = 5000
CODE = "bench-import"


def write_file(directory: str) -> Path:
    path = Path(directory) / "leerlingen.csv"
    lines = [";".join(COLUMNS)]
    for i in range(ROWS):
        values = {
            "leerlingnummer": str(100000 + i),
            "voornaam": f"Kind{i}",
            "achternaam": "Bench",
            "geboortedatum": f"{1 + i % 28:02d}-{1 + i % 12:02d}-{2014 + i % 8}",
            "groep": f"groep {1 + i % 8}",
            "ouder1_naam": f"Ouder {i}",
            "ouder1_email": f"bench.ouder1.{i}@bench.example",
            "ouder1_gezag": "ja",
            "ouder2_naam": f"Ouder2 {i}" if i % 2 else "",
            "ouder2_email": f"bench.ouder2.{i}@bench.example" if i % 2 else "",
            "ouder2_gezag": "nee" if i % 2 else "",
        }
        lines.append(";".join(values.get(column, "") for column in COLUMNS))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def timed(label: str, school: School, text: str, **kwargs) -> None:
    start, cpu_start = time.perf_counter(), time.process_time()
    report = pupils_import(school=school, text=text, **kwargs)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    assert report.ok, report.errors[:5]
    print(
        f"{label:<24} {seconds:6.2f} s (this process's CPU {cpu:5.2f} s)  "
        f"created={report.created} unchanged={report.unchanged} "
        f"parents_created={report.guardians_created}"
    )


def clean_up() -> None:
    with transaction.atomic():
        Pupil.objects.filter(school__code=CODE).delete()
        Group.objects.filter(school__code=CODE).delete()
        School.objects.filter(code=CODE).delete()
        User.objects.filter(email__endswith="@bench.example").delete()


def main() -> None:
    call_command("migrate", verbosity=0)
    clean_up()
    school = School.objects.create(code=CODE, name="Bench school")
    try:
        with tempfile.TemporaryDirectory() as directory:
            text = read_text(write_file(directory).read_bytes())
        print(f"pupil import, {ROWS} rows with 7500 parents, {django.db.connection.vendor}")
        timed("dry run (empty school)", school, text, dry_run=True)
        timed("first import", school, text)
        timed("re-import (no changes)", school, text)
    finally:
        clean_up()


if __name__ == "__main__":
    main()
