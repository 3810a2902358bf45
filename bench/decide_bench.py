"""Time a parent's save of 18 changed answers, as grants and as withdrawals (make bench).

`consent_decide` with every cell (6 channels × 3 media types) answered the other way from
the parent's saved answers, the purposes already read as the child page passes them.
Prints the median time of ROUNDS saves and the queries one save sends; with CHECKS
publication checks in which the child appears on every cell, the withdrawals also create
their takedown tasks.

Runs against the configured database (SQLite under var/ by default; set DATABASE_URL for
PostgreSQL) in a throw-away school; everything is rolled back (consent events are
append-only).
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from consent.models import MediaType  # noqa: E402
from consent.rules import purpose_infos  # noqa: E402
from consent.services import Answer, consent_decide, publication_check_create  # noqa: E402
from schools.models import Group, Guardianship, Pupil, School, StaffMembership  # noqa: E402

ROUNDS = 8
CHECKS = 3  # checks per cell in the run with publications


def family() -> tuple[Pupil, User, User]:
    school = School.objects.create(code="bench-decide", name="Bench decide")
    group = Group.objects.create(school=school, name="groep 5", school_year="2026-2027")
    pupil = Pupil.objects.create(
        school=school,
        group=group,
        leerlingnummer="1",
        first_name="Kind",
        last_name="Bench",
        birth_date=datetime.date(2018, 1, 1),
    )
    parent = User.objects.create(email="ouder@bench-decide.example", full_name="Ouder")
    Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)
    teacher = User.objects.create(email="leerkracht@bench-decide.example", full_name="Juf")
    membership = StaffMembership.objects.create(
        user=teacher, school=school, role=StaffMembership.Role.TEACHER
    )
    membership.groups.add(group)  # the teacher reaches the class's pupils
    return pupil, parent, teacher


def answers(infos, granted: bool) -> list[Answer]:
    return [Answer(i.purpose.pk, media, granted) for i in infos for media in MediaType.values]


def one_save(pupil, parent, infos, granted: bool) -> tuple[float, int]:
    """One save of every cell as `granted` after the parent answered all the other way;
    rolled back to where it started."""
    with transaction.atomic():
        consent_decide(pupil=pupil, guardian=parent, answers=answers(infos, not granted))
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            consent_decide(
                pupil=pupil, guardian=parent, answers=answers(infos, granted), infos=infos
            )
            seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds, len(queries)


def publish_checks(pupil, parent, teacher, infos) -> None:
    """CHECKS checks per cell in which the child appears, made while every cell is "yes"
    (kept until main's transaction rolls back)."""
    consent_decide(pupil=pupil, guardian=parent, answers=answers(infos, True))
    for info in infos:
        for media in MediaType.values:
            for _ in range(CHECKS):
                publication_check_create(
                    user=teacher, purpose=info.purpose, media_type=media, pupils=[pupil]
                )


def report(label: str, runs: list[tuple[float, int]]) -> None:
    median = statistics.median(seconds for seconds, _queries in runs) * 1000
    print(f"{label:<34} {median:7.1f} ms  {runs[0][1]:4d} queries")


def main() -> None:
    call_command("migrate", verbosity=0)
    print(f"consent_decide, 18 changed answers, median of {ROUNDS}, {connection.vendor}")
    with transaction.atomic():
        pupil, parent, teacher = family()
        infos = purpose_infos()
        for granted, label in ((True, "18 grants"), (False, "18 withdrawals")):
            one_save(pupil, parent, infos, granted)  # warm up
            report(label, [one_save(pupil, parent, infos, granted) for _ in range(ROUNDS)])
        publish_checks(pupil, parent, teacher, infos)
        runs = [one_save(pupil, parent, infos, False) for _ in range(ROUNDS)]
        report(f"18 withdrawals, {CHECKS * 18} checks", runs)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
