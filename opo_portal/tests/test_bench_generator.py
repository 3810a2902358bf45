"""The web bench's data generator (bench/web/generate.py) on a tiny size (PostgreSQL only).

The generator writes its rows with INSERT … SELECT inside PostgreSQL and drops and
recreates the filled tables' constraints and indexes around the load; these tests check
the shape the bench pages need, that nothing is left dropped, and that the choices are
fixed by the seed. Its speed is measured in bench/ (README, "Performance").
"""

import datetime

import pytest
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from bench.web.generate import EVENT_COMBOS_PER_PUPIL, Generator, Size, anchor
from conftest import require_service
from consent.models import ConsentEvent
from monitoring.models import Post
from schools.importer import school_year_for
from schools.models import Group, Guardianship, Pupil, StaffMembership

# The first school smaller than the others, as the first (measured) school of the large
# size is: 50 pupils in 2 groups, then 75 in 3 groups each.
TINY = Size("tiny", schools=3, pupils=200, posts=600, measured_school=50)


@pytest.fixture
def postgres(db):
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"


def rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def schema() -> set[tuple]:
    """Every index (name, table, unique, columns, partial) and constraint (with its
    definition) of the public schema. A recreated partial index's predicate deparses
    differently, so only its presence is compared."""
    return set(
        rows(
            "SELECT indexrelid::regclass::text, indrelid::regclass::text, indisunique, "
            "indkey::text, indpred IS NOT NULL FROM pg_index "
            "JOIN pg_class ON pg_class.oid = indrelid "
            "WHERE relnamespace = 'public'::regnamespace"
        )
    ) | set(
        rows(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace"
        )
    )


@pytest.fixture
def generated(postgres):
    before = schema()
    counts = Generator(TINY).run(vacuum=False)
    return counts, before


def test_generated_data(generated):
    """One generation (the demo data alone takes seconds), three checks."""
    counts, before = generated
    check_counts(counts)
    assert schema() == before  # every constraint and index recreated
    check_shape()
    check_anchored_today()
    check_cast()


def check_counts(counts):
    assert counts["schools"] == 3
    assert counts["pupils"] == 200
    assert counts["guardianships"] == 400
    assert counts["consent_events"] == 200 * EVENT_COMBOS_PER_PUPIL * 2
    assert counts["posts"] == 600
    assert 0 < counts["flags"] < 600 * 0.2
    assert counts["cases"] < counts["flags"]
    # Ids laid out for 3 groups of 30 per school, so 3 teachers and a director each; the
    # first school has 2 groups (its third teacher teaches none).
    assert counts["groups"] == 2 + 3 + 3
    assert counts["staff"] == 3 * 4 + 1


def check_shape():
    bench = Pupil.objects.filter(school__code__startswith="bench")
    assert bench.count() == 200
    per_school = bench.order_by("school__code").values_list("school__code").annotate(n=Count("id"))
    assert [n for _code, n in per_school] == [50, 75, 75]
    per_group = bench.values_list("group").annotate(n=Count("id")).order_by("group")
    assert [n for _group, n in per_group] == [30, 20, 30, 30, 15, 30, 30, 15]
    # Two gezag parents per pupil; siblings share them (1.5 children per family).
    per_pupil = rows(
        "SELECT count(*) FROM schools_guardianship g JOIN schools_pupil p ON p.id = g.pupil_id "
        "WHERE p.leerlingnummer LIKE 'B%' AND g.has_parental_authority GROUP BY p.id"
    )
    assert {n for (n,) in per_pupil} == {2}
    parents = Guardianship.objects.filter(pupil__in=bench).values("user").distinct().count()
    assert parents == 2 * (2 * 199 // 3 + 1)  # pupil i is in family floor(i / 1.5)
    # Both parents answered the same five distinct (purpose, media) pairs per pupil.
    answers = rows(
        "SELECT e.pupil_id, e.guardian_id, count(DISTINCT (e.purpose_id, e.media_type)), "
        "count(*), bool_and(v.purpose_id = e.purpose_id AND v.text_hash = e.text_hash) "
        "FROM consent_consentevent e JOIN schools_pupil p ON p.id = e.pupil_id "
        "JOIN consent_purposeversion v ON v.id = e.purpose_version_id "
        "WHERE p.leerlingnummer LIKE 'B%' GROUP BY 1, 2"
    )
    assert len(answers) == 400
    assert {(distinct, total, ok) for _p, _g, distinct, total, ok in answers} == {
        (EVENT_COMBOS_PER_PUPIL, EVENT_COMBOS_PER_PUPIL, True)
    }
    assert not rows(
        "SELECT 1 FROM consent_consentevent e LEFT JOIN schools_guardianship g "
        "ON g.pupil_id = e.pupil_id AND g.user_id = e.guardian_id "
        "JOIN schools_pupil p ON p.id = e.pupil_id "
        "WHERE p.leerlingnummer LIKE 'B%' AND g.id IS NULL"
    )
    # Every teacher teaches one group of their own school; one director per school.
    teachers = StaffMembership.objects.filter(role="teacher", school__code__startswith="bench")
    assert teachers.count() == 9
    taught = [list(m.groups.all()) for m in teachers.prefetch_related("groups").order_by("id")]
    assert [len(groups) for groups in taught] == [1, 1, 0, 1, 1, 1, 1, 1, 1]
    for membership, groups in zip(teachers.order_by("id"), taught, strict=True):
        assert [g.school_id for g in groups] in ([membership.school_id], [])
    directors = StaffMembership.objects.filter(role="director", school__code__startswith="bench")
    assert sorted(directors.values_list("school__code", flat=True)) == [
        "bench00000",
        "bench00001",
        "bench00002",
    ]
    # Flags belong to their post's school; a case is its flag's school's.
    assert not rows(
        "SELECT 1 FROM monitoring_flag f JOIN monitoring_post p ON p.id = f.post_id "
        "JOIN monitoring_source s ON s.id = p.source_id "
        "LEFT JOIN monitoring_followup c ON c.id = f.followup_id "
        "WHERE f.rule_version = 'bench-1' AND (s.school_id <> f.school_id "
        "OR c.school_id <> f.school_id)"
    )


def check_anchored_today():
    """The data is today's: this school year's groups, times up to the start of today."""
    today = timezone.localdate()
    bench_pupils = Pupil.objects.filter(school__code__startswith="bench")
    years = set(Group.objects.filter(school__code__startswith="bench").values_list("school_year"))
    assert years == {(school_year_for(today),)}
    newest = [
        ConsentEvent.objects.filter(pupil__in=bench_pupils).aggregate(newest=Max("created_at")),
        Post.objects.filter(source__school__code__startswith="bench").aggregate(
            newest=Max("published_at")
        ),
    ]
    start = anchor(today)
    assert all(start - datetime.timedelta(days=60) < t["newest"] <= start for t in newest)


def test_data_is_anchored_to_the_day_it_is_filled_for():
    """A later day gives that day's school year and "now" (no data is generated here)."""
    generator = Generator(TINY, day=datetime.date(2031, 9, 1))
    assert generator.school_year == "2031-2032"
    assert "'2031-09-01T00:00:00+02:00'::timestamptz" in generator.now  # Amsterdam
    assert Generator(TINY, day=datetime.date(2032, 7, 31)).school_year == "2031-2032"


def check_cast():
    from bench.web.prepare import bench_cast

    cast = bench_cast()
    assert cast["school"].code == "bench00000"
    assert cast["child"].group == cast["group"]
    assert cast["parent"].email.startswith("ouder")
    assert cast["board"].email.startswith("staf")


def test_choices_are_fixed_by_index_and_seed(postgres):
    def numbers(generator):
        return rows(
            f"SELECT {generator.rnd('i', 1)}, {generator.pick('i', 2, 7)} "  # noqa: S608 (own SQL)
            "FROM generate_series(0::int8, 999) i ORDER BY i"
        )

    first = numbers(Generator(TINY))
    assert numbers(Generator(TINY)) == first
    assert numbers(Generator(TINY, seed=18)) != first
    assert all(0 <= r < 1 and 0 <= p < 7 for r, p in first)
    assert {p for _r, p in first} == set(range(7))
