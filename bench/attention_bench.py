"""Time the director's "Wat vraagt aandacht" and coverage for a school of 40 and of 400
pupils (make bench). Prints seconds and the ratio; the query count is the same for both
(accounts/tests/test_attention.py asserts that), so the ratio shows the Python work.

Runs against the configured database in a throw-away school removed afterwards.
"""

import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.attention import attention_overview  # noqa: E402
from accounts.models import User  # noqa: E402
from consent.models import ConsentEvent  # noqa: E402
from consent.reports import school_coverage  # noqa: E402
from consent.rules import purpose_infos  # noqa: E402
from schools.models import Group, Guardianship, Pupil, School  # noqa: E402

CODE = "bench-attention"
ROUNDS = 5


def fill(school: School, size: int) -> None:
    groups = [
        Group.objects.create(school=school, name=f"groep {n}", school_year="2026-2027")
        for n in range(1, 9)
    ]
    pupils = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            group=groups[i % 8],
            leerlingnummer=str(i),
            first_name=f"Kind{i}",
            last_name="Bench",
            birth_date=datetime.date(2018, 1, 1),
        )
        for i in range(size)
    )
    parents = User.objects.bulk_create(
        User(email=f"bench.{size}.{i}@bench.example", full_name=f"Ouder {i}") for i in range(size)
    )
    Guardianship.objects.bulk_create(
        Guardianship(user=u, pupil=p, has_parental_authority=True)
        for u, p in zip(parents, pupils, strict=True)
    )
    ConsentEvent.objects.bulk_create(
        ConsentEvent(
            pupil=p,
            guardian=u,
            purpose=info.purpose,
            purpose_version=info.current_version,
            text_hash=info.current_version.text_hash,
            media_type=media,
            granted=bool(i % 2),
            method="portal",
        )
        for i, (u, p) in enumerate(zip(parents, pupils, strict=True))
        if i % 3
        for info in purpose_infos()
        for media in ("photo", "video", "audio")
    )


def best_of(function) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(size: int) -> tuple[float, float]:
    school = School.objects.create(code=f"{CODE}-{size}", name=f"Bench {size}")
    fill(school, size)
    schools = School.objects.filter(pk=school.pk)
    home = best_of(lambda: attention_overview(schools))
    coverage = best_of(lambda: school_coverage(school))
    return home, coverage


def main() -> None:
    call_command("migrate", verbosity=0)
    print(f"director home and coverage, best of {ROUNDS}, {django.db.connection.vendor}")
    with transaction.atomic():
        small = measure(40)
        large = measure(400)
        transaction.set_rollback(True)  # consent events are append-only: roll everything back
    for label, s, big in (("home", small[0], large[0]), ("coverage", small[1], large[1])):
        print(f"{label:<9} 40 pupils {s:6.3f} s · 400 pupils {big:6.3f} s · ratio {big / s:4.1f}")


if __name__ == "__main__":
    main()
