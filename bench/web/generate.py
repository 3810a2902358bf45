"""A seeded, reproducible data set for the web benchmark, generated inside PostgreSQL.

Run with DJANGO_SETTINGS_MODULE=bench.web.settings and DATABASE_URL pointing at an empty,
migrated PostgreSQL database (bench/web_bench.py does both). The demo data goes in first
(purposes with their texts, the protocol, sources, one login per role), then the bulk rows
of a size: schools, groups of 30, pupils, two gezag parents per family, staff with TOTP,
consent events, posts, flags and follow-up cases, protocol confirmations.

The bulk rows are made by `INSERT … SELECT` over `generate_series`: no row passes through
Python. Every "random" choice is a hash of the row's index and a salt
(`hashint8extended(index, seed * 1000 + salt)`, PostgreSQL's portable int8 hash, the one
hash partitioning relies on), so the same size and seed give the same rows, in any order
of evaluation and with parallel workers. Around the load the foreign keys, unique
constraints and secondary indexes of the filled tables are dropped and then recreated
(recreating them validates every row), and the database is vacuumed and analyzed.

The data is anchored to a day (`anchor`, since generator version 5): its times lie before
the start of that day at the schools and its groups are that day's school year. `python -m
bench.web.generate <size> [YYYY-MM-DD]` fills for the given day, by default today; the same
size, seed and day give the same rows.

Ids are laid out as before (generator version 2): consecutive from the first free id per
table, schools then their groups, pupils school by school (since version 4 the first
school has 250 pupils at every size, the others share the rest), parents before staff, and per
school the director before the teachers of its groups; bench/web/prepare.py picks the same
kind of users (the first bench school's first teacher, its director, a parent in that
class, the board member).
"""

import datetime
import math
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

PUPILS_PER_GROUP = 30
# The first school, whose director's pages are measured, has this many pupils at every
# size (the small size's schools all do): its pages then compare like with like, and
# what grows between sizes is the foundation around it, not the school measured.
MEASURED_SCHOOL_PUPILS = 250
EVENT_COMBOS_PER_PUPIL = 5  # (purpose, media) pairs answered, by both parents
FLAG_SHARE = 0.05  # share of posts that carry a flag
CASE_SHARE = 0.2  # share of non-positive flags that opened a follow-up case
OPEN_CASE_SHARE = 0.03  # share of cases still open
CATEGORIES = ["negative_experience", "insult", "privacy", "verify_fact", "positive"]
WORDS = [
    "school",
    "juf",
    "meester",
    "kinderen",
    "ouders",
    "schoolplein",
    "gym",
    "feest",
    "reis",
    "musical",
    "sport",
    "les",
    "klas",
    "pauze",
    "regen",
    "fiets",
    "bus",
    "lunch",
    "project",
    "tekening",
    "boek",
    "zwemmen",
    "excursie",
    "ouderavond",
]
WORDS_PER_POST = 12

# The tables filled in bulk: their foreign keys, unique constraints and secondary indexes
# are dropped before the load and recreated after it (primary keys and checks stay).
BULK_TABLES = [
    "accounts_user",
    "schools_pupil",
    "schools_guardianship",
    "consent_consentevent",
    "monitoring_post",
    "monitoring_flag",
    "monitoring_followup",
    "policy_acknowledgement",
]
SEQUENCE_TABLES = [
    "schools_school",
    "schools_group",
    "schools_pupil",
    "schools_guardianship",
    "schools_staffmembership",
    "schools_staffmembership_groups",
    "accounts_user",
    "consent_consentevent",
    "monitoring_source",
    "monitoring_post",
    "monitoring_flag",
    "monitoring_followup",
    "policy_acknowledgement",
    "mfa_authenticator",
]


@dataclass(frozen=True)
class Size:
    name: str
    schools: int
    pupils: int
    posts: int
    measured_school: int = MEASURED_SCHOOL_PUPILS  # pupils of the first school


SIZES = {
    "small": Size("small", 10, 2_500, 25_000),
    "large": Size("large", 300, 100_000, 1_000_000),
    "national": Size("national", 6_000, 1_400_000, 2_000_000),
}


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_array(values, cast: str) -> str:
    return f"ARRAY[{', '.join(_sql_text(str(v)) for v in values)}]::{cast}[]"


def _execute(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _fetch(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _next_id(table: str) -> int:
    return _fetch(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")[0][0]


def anchor(day: datetime.date) -> datetime.datetime:
    """The data's "now": the start of the day it is generated for, at the schools (so
    never later than the moment it is filled). Every time in the data lies before it
    (posts of the last weeks, answers of this school year), and its groups are that day's
    school year: data anchored to a fixed day would leave the pages measuring last year's
    empty classes from 1 August on, and ever older posts."""
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class Generator:
    def __init__(self, size: Size, seed: int = 17, day: datetime.date | None = None):
        from django.utils import timezone

        from schools.importer import school_year_for

        self.size = size
        self.seed = seed
        self.day = day or timezone.localdate()
        self.school_year = school_year_for(self.day)
        self.password = make_password("bench-wachtwoord-2026", salt="benchsalt")
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.now = _sql_text(anchor(self.day).isoformat()) + "::timestamptz"
        # pupils per school after the first (the last school also takes the remainder)
        self.per_school = (size.pupils - size.measured_school) // (size.schools - 1)
        self.first_groups = -(-size.measured_school // PUPILS_PER_GROUP)
        self.other_groups = -(-self.per_school // PUPILS_PER_GROUP)
        # group ids are laid out as if every school had this many (the unused are skipped)
        self.groups_per_school = max(self.first_groups, self.other_groups)
        self.families = int(size.pupils / 1.5) + 1  # 1.5 children per family
        self.staff = size.schools * (1 + self.groups_per_school) + 1  # + the board member

    def rnd(self, index: str, salt: int) -> str:
        """SQL for a number in [0, 1) fixed by (index, seed, salt): 48 bits of a hash."""
        return (
            f"((hashint8extended(({index})::int8, {self.seed * 1000 + salt}) "
            f"& 281474976710655)::float8 / 281474976710656.0)"
        )

    def pick(self, index: str, salt: int, n: int) -> str:
        """SQL for an integer in [0, n) fixed by (index, seed, salt)."""
        return f"floor({self.rnd(index, salt)} * {n})::int8"

    def ago(self, index: str, salt: int, days: str) -> str:
        """SQL for the anchor's time minus a fixed share of `days` (an SQL expression) days."""
        return f"({self.now} - {self.rnd(index, salt)} * ({days}) * interval '1 day')"

    def step(self, name: str, sql: str, params=None) -> None:
        started = time.perf_counter()
        self.counts[name] = self.counts.get(name, 0) + _execute(sql, params)
        self.seconds[name] = round(self.seconds.get(name, 0) + time.perf_counter() - started, 1)

    def run(self, vacuum: bool = True) -> dict:
        from schools.demo import demo_load

        started = time.perf_counter()
        demo_load(today=self.day)
        self.seconds["demo"] = round(time.perf_counter() - started, 1)
        with transaction.atomic():
            # Pending deferred FK checks (inside an outer transaction) would block ALTER TABLE.
            _execute("SET CONSTRAINTS ALL IMMEDIATE")
            _execute("SET LOCAL maintenance_work_mem = '512MB'")
            _execute("SET LOCAL work_mem = '64MB'")
            self.first = {table: _next_id(table) for table in SEQUENCE_TABLES}
            recreate = self.drop_constraints_and_indexes()
            self.schools()
            self.people()
            self.consent_events()
            self.monitoring()
            self.acknowledgements()
            started = time.perf_counter()
            for statement in recreate:
                _execute(statement)
            self.seconds["indexes and constraints"] = round(time.perf_counter() - started, 1)
            for table in SEQUENCE_TABLES:
                _execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
        started = time.perf_counter()
        _execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.seconds["vacuum analyze"] = round(time.perf_counter() - started, 1)
        return {**self.counts, "seconds": self.seconds}

    def drop_constraints_and_indexes(self) -> list[str]:
        """Drop the bulk tables' FKs, unique constraints and secondary indexes; return the
        statements that recreate them (constraints after indexes: unique first, FKs last)."""
        tables = ", ".join(f"'{t}'::regclass" for t in BULK_TABLES)
        constraints = _fetch(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype "
            f"FROM pg_constraint WHERE conrelid IN ({tables}) AND contype IN ('f', 'u') "
            "ORDER BY contype DESC, conrelid::regclass::text, conname"
        )
        indexes = _fetch(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            f"FROM pg_index i WHERE i.indrelid IN ({tables}) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid "
            "AND c.conrelid = i.indrelid) ORDER BY 1"
        )
        for table, name, _definition, _kind in reversed(constraints):  # FKs first
            _execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            _execute(f"DROP INDEX {name}")
        return [definition for _name, definition in indexes] + [
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            for table, name, definition, _kind in constraints
        ]

    # --- schools, groups, pupils --------------------------------------------------------

    def schools(self):
        size, first = self.size, self.first
        self.step(
            "schools",
            "INSERT INTO schools_school (id, code, name, aliases, contact_email) "
            f"SELECT {first['schools_school']} + n, 'bench' || lpad(n::text, 5, '0'), "
            "'OBS Bench ' || lpad(n::text, 5, '0'), "
            "jsonb_build_array('Bench ' || lpad(n::text, 5, '0')), '' "
            f"FROM generate_series(0, {size.schools - 1}) n",
        )
        groups = self.groups_per_school
        self.step(
            "groups",
            "INSERT INTO schools_group (id, school_id, name, school_year) "
            f"SELECT {first['schools_group']} + s * {groups} + g, {first['schools_school']} + s, "
            f"'groep ' || (g + 1), {_sql_text(self.school_year)} "
            f"FROM generate_series(0, {size.schools - 1}) s, "
            f"generate_series(0, {groups - 1}) g WHERE g < {self.groups_in('s')} ORDER BY 1",
        )
        per_school, pupil = self.per_school, f"({first['schools_pupil']} + i)"
        first_school = size.measured_school
        self.step(
            "pupils",
            "INSERT INTO schools_pupil (id, school_id, leerlingnummer, first_name, "
            "name_prefix, last_name, birth_date, group_id, left_on, not_in_picture) "
            f"SELECT {pupil}, {first['schools_school']} + x.s, "
            f"'B' || lpad({pupil}::text, greatest(8, length({pupil}::text)), '0'), "
            f"'Kind' || {pupil}, '', 'Bench' || mod({pupil}, 997), "
            f"make_date(2015 + {self.pick('i', 1, 8)}::int, 1 + {self.pick('i', 2, 12)}::int, 15), "
            f"{first['schools_group']} + x.s * {groups} + x.g, NULL, {self.rnd('i', 3)} < 0.005 "
            f"FROM generate_series(0::int8, {size.pupils - 1}) i, LATERAL (SELECT "
            f"CASE WHEN i < {first_school} THEN 0 "
            f"ELSE 1 + least((i - {first_school}) / {per_school}, {size.schools - 2}) END AS s, "
            f"CASE WHEN i < {first_school} THEN i / {PUPILS_PER_GROUP} "
            f"ELSE least(mod(i - {first_school}, {per_school}) / {PUPILS_PER_GROUP}, "
            f"{self.other_groups - 1}) END AS g) x",
        )

    def groups_in(self, school: str) -> str:
        """SQL for the number of groups of the school with this index."""
        return f"(CASE WHEN {school} = 0 THEN {self.first_groups} ELSE {self.other_groups} END)"

    # --- users: parents, staff ---------------------------------------------------------

    def people(self):
        first, families = self.first, self.families
        user = first["accounts_user"]
        self.first_staff_user = user + 2 * families
        self.step(
            "users",
            "INSERT INTO accounts_user (id, password, email, full_name, is_staff, is_active, "
            "date_joined, is_superuser) "
            f"SELECT u, %s, CASE WHEN u < {self.first_staff_user} THEN 'ouder' ELSE 'staf' "
            f"END || u || '@bench.opo.example', 'Bench ' || u, false, true, {self.now}, false "
            f"FROM generate_series({user}::int8, {self.first_staff_user + self.staff - 1}) u",
            [self.password],
        )
        # Guardianships: pupil i is in family floor(i / 1.5); both parents hold gezag.
        self.step(
            "guardianships",
            "INSERT INTO schools_guardianship (id, user_id, pupil_id, has_parental_authority) "
            f"SELECT {first['schools_guardianship']} + 2 * i + k, "
            f"{user} + 2 * ((2 * i) / 3) + k, {first['schools_pupil']} + i, true "
            f"FROM generate_series(0::int8, {self.size.pupils - 1}) i, "
            "generate_series(0, 1) k ORDER BY 1",
        )
        # Staff j: per school a director (k = 0) then a teacher per group of the id layout
        # (groups_per_school; one whose group the school lacks teaches none); the board last.
        per_school = 1 + self.groups_per_school
        board = self.staff - 1
        self.step(
            "staff",
            "INSERT INTO schools_staffmembership (id, user_id, school_id, role) "
            f"SELECT {first['schools_staffmembership']} + j, {self.first_staff_user} + j, "
            f"CASE WHEN j < {board} THEN {first['schools_school']} + j / {per_school} END, "
            f"CASE WHEN j = {board} THEN 'board' WHEN mod(j, {per_school}) = 0 "
            "THEN 'director' ELSE 'teacher' END "
            f"FROM generate_series(0::int8, {board}) j",
        )
        self.step(
            "taught groups",
            "INSERT INTO schools_staffmembership_groups (staffmembership_id, group_id) "
            f"SELECT {first['schools_staffmembership']} + j, "
            f"{first['schools_group']} + (j / {per_school}) * {self.groups_per_school} "
            f"+ mod(j, {per_school}) - 1 "
            f"FROM generate_series(0::int8, {board - 1}) j WHERE mod(j, {per_school}) <> 0 "
            f"AND mod(j, {per_school}) <= {self.groups_in(f'j / {per_school}')}",
        )
        self.step(
            "authenticators",
            "INSERT INTO mfa_authenticator (id, user_id, type, data, created_at) "
            f"SELECT {first['mfa_authenticator']} + j, {self.first_staff_user} + j, 'totp', "
            f'\'{{"secret": "bench"}}\'::jsonb, {self.now} '
            f"FROM generate_series(0::int8, {board}) j",
        )

    # --- consent ------------------------------------------------------------------------

    def consent_events(self):
        from consent.models import Purpose, PurposeVersion

        versions = {}
        for version in PurposeVersion.objects.order_by("purpose_id", "number"):
            versions[version.purpose_id] = version  # the latest wins
        combos = [
            (pid, media)
            for pid in Purpose.objects.filter(active=True)
            .order_by("id")
            .values_list("id", flat=True)
            for media in ("photo", "video", "audio")
            if pid in versions
        ]
        n = len(combos)
        per_pupil = min(EVENT_COMBOS_PER_PUPIL, n)
        # Pupil i answers combos (a + k * b) mod n, k < per_pupil: b is a unit mod n, so
        # the combos are distinct; a and b are fixed by the pupil's index.
        units = [b for b in range(1, n) if math.gcd(b, n) == 1] or [1]
        purpose_ids = _sql_array([p for p, _m in combos], "int8")
        media = _sql_array([m for _p, m in combos], "text")
        version_ids = _sql_array([versions[p].id for p, _m in combos], "int8")
        hashes = _sql_array([versions[p].text_hash for p, _m in combos], "text")
        units_sql = _sql_array(units, "int8")
        first = self.first
        event = f"((i * {per_pupil} + k) * 2 + g)"
        self.step(
            "consent_events",
            "INSERT INTO consent_consentevent (id, pupil_id, guardian_id, purpose_id, "
            "purpose_version_id, text_hash, media_type, granted, method, recorded_by_id, "
            "created_at) "
            f"SELECT {first['consent_consentevent']} + {event}, {first['schools_pupil']} + i, "
            f"{first['accounts_user']} + 2 * ((2 * i) / 3) + g, "
            f"({purpose_ids})[c.c + 1], ({version_ids})[c.c + 1], ({hashes})[c.c + 1], "
            f"({media})[c.c + 1], {self.rnd(event, 12)} < 0.8, 'portal', NULL, "
            f"{self.ago(event, 13, '300')} "
            f"FROM generate_series(0::int8, {self.size.pupils - 1}) i "
            f"CROSS JOIN LATERAL (SELECT {self.pick('i', 10, n)} AS a, "
            f"({units_sql})[1 + {self.pick('i', 11, len(units))}] AS b) p "
            f"CROSS JOIN LATERAL generate_series(0::int8, {per_pupil - 1}) k "
            "CROSS JOIN LATERAL generate_series(0::int8, 1) g "
            f"CROSS JOIN LATERAL (SELECT mod(p.a + k * p.b, {n}) AS c) c",
        )

    # --- monitoring ---------------------------------------------------------------------

    def monitoring(self):
        first, size = self.first, self.size
        self.step(
            "sources",
            "INSERT INTO monitoring_source (id, kind, name, url, school_id, "
            "interval_minutes, etag, last_modified, cursor, consecutive_failures, "
            "needs_attention, active, claim_token, created_at) "
            f"SELECT {first['monitoring_source']} + s, 'rss', "
            f"'Bench feed ' || ({first['monitoring_source']} + s), "
            f"'https://feed' || ({first['monitoring_source']} + s) || '.example/rss', "
            f"{first['schools_school']} + s, 30, '', '', '', 0, false, false, "
            f"'', {self.now} FROM generate_series(0, {size.schools - 1}) s",
        )
        # Post i: a source (so a school) and a time within the last 365 * i / posts + 1 days.
        words = _sql_array(WORDS, "text")
        hash_ = f"hashint8extended(i, {self.seed * 1000 + 21})"
        text = " || ' ' || ".join(
            f"w.w[1 + mod(({hash_} >> {5 * j}) & 31, {len(WORDS)})]" for j in range(WORDS_PER_POST)
        )
        source = f"{first['monitoring_source']} + {self.pick('i', 20, size.schools)}"
        fetched = self.ago("i", 22, f"365.0 * i / {size.posts} + 1")
        post = f"({first['monitoring_post']} + i)"
        self.step(
            "posts",
            "INSERT INTO monitoring_post (id, source_id, external_id, url, author_handle, "
            "text, has_media, published_at, content_hash, fetched_at, classified_at, "
            "reported_by_id) "
            "SELECT id, source, 'bench-' || id, "
            "'https://feed' || source || '.example/p/' || id, '@lezer' || mod(id, 5000), "
            "text, false, fetched, encode(sha256(convert_to(text, 'UTF8')), 'hex'), "
            "fetched, fetched, NULL FROM ("
            f"SELECT {post} AS id, {source} AS source, {fetched} AS fetched, "
            f"{text} || ' #' || {post} AS text "
            f"FROM generate_series(0::int8, {size.posts - 1}) i, (SELECT {words} AS w) w"
            ") p",
        )
        # Flags on 5% of the posts; a fifth of the non-positive ones opened a case.
        category = f"({_sql_array(CATEGORIES, 'text')})[1 + {self.pick('i', 24, 5)}]"
        school = f"{first['schools_school']} + {self.pick('i', 20, size.schools)}"
        _execute(
            "CREATE TEMPORARY TABLE bench_flagged ON COMMIT DROP AS "
            "SELECT *, row_number() OVER (ORDER BY i) - 1 AS flag_n, "
            "CASE WHEN has_case THEN count(*) FILTER (WHERE has_case) "
            "OVER (ORDER BY i) - 1 END AS case_n FROM ("
            f"SELECT i, {post} AS post_id, {school} AS school_id, {fetched} AS at, "
            f"category, category <> 'positive' AND {self.rnd('i', 25)} < {CASE_SHARE} "
            "AS has_case "
            f"FROM generate_series(0::int8, {size.posts - 1}) i, "
            f"LATERAL (SELECT {category} AS category) c "
            f"WHERE {self.rnd('i', 23)} < {FLAG_SHARE}) f"
        )
        is_open = f"{self.rnd('i', 26)} < {OPEN_CASE_SHARE}"
        self.step(
            "cases",
            "INSERT INTO monitoring_followup (id, school_id, status, priority, notes, "
            "opened_at, closed_at, shingles, no_action_untold, no_action_reasons, "
            "earlier_conversations) "
            f"SELECT {first['monitoring_followup']} + case_n, school_id, "
            f"CASE WHEN {is_open} THEN 'new' ELSE 'closed' END, {self.pick('i', 27, 2)}, "
            f"'', at, CASE WHEN {is_open} THEN NULL ELSE at END, '[]'::jsonb, FALSE, "
            "'[]'::jsonb, '[]'::jsonb "
            "FROM bench_flagged WHERE has_case ORDER BY case_n",
        )
        self.step(
            "flags",
            "INSERT INTO monitoring_flag (id, post_id, school_id, category, score, matched, "
            "rule_version, urgent, created_at, raised_at, followup_id, "
            "dismissed_as_false_positive) "
            f"SELECT {first['monitoring_flag']} + flag_n, post_id, school_id, category, "
            f"round({self.rnd('i', 30)}::numeric, 3), '[]'::jsonb, 'bench-1', "
            f"{self.rnd('i', 29)} < 0.05, at, at, "
            f"CASE WHEN has_case THEN {first['monitoring_followup']} + case_n END, "
            f"{self.rnd('i', 28)} < 0.1 FROM bench_flagged ORDER BY flag_n",
        )

    # --- protocol confirmations ---------------------------------------------------------

    def acknowledgements(self):
        from policy.models import ProtocolVersion

        version = ProtocolVersion.objects.filter(status="published").order_by("-number").first()
        if version is None:
            return
        # All staff, then every third parent; 60% of them confirmed.
        parents = -(-2 * self.families // 3)
        self.step(
            "acknowledgements",
            "INSERT INTO policy_acknowledgement (id, version_id, user_id, confirmed_at) "
            f"SELECT {self.first['policy_acknowledgement']} - 1 + row_number() OVER "
            f"(ORDER BY n), {version.id}, u, {self.ago('u', 41, '60')} FROM ("
            f"SELECT j AS n, {self.first_staff_user} + j AS u "
            f"FROM generate_series(0::int8, {self.staff - 1}) j UNION ALL "
            f"SELECT {self.staff} + m, {self.first['accounts_user']} + 3 * m "
            f"FROM generate_series(0::int8, {parents - 1}) m) x "
            f"WHERE {self.rnd('u', 40)} < 0.6",
        )


if __name__ == "__main__":
    import json
    import sys

    import django

    django.setup()
    day = datetime.date.fromisoformat(sys.argv[2]) if len(sys.argv) > 2 else None
    print(json.dumps(Generator(SIZES[sys.argv[1]], day=day).run()))
