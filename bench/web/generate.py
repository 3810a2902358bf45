"""A seeded, reproducible data set for the web benchmark, loaded with COPY.

Run with DJANGO_SETTINGS_MODULE=bench.web.settings and DATABASE_URL pointing at an empty,
migrated PostgreSQL database (bench/web_bench.py does both). The demo data goes in first
(purposes with their texts, the protocol, sources, one login per role), then the bulk rows
of a size: schools, groups of 30, pupils, two gezag parents per family, staff with TOTP,
consent events, posts, flags and follow-up cases, protocol confirmations.

Every random choice comes from random.Random(seed): the same size gives the same rows.
"""

import datetime
import hashlib
import io
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

PUPILS_PER_GROUP = 30
PUPILS_PER_FAMILY = 1.5
EVENT_COMBOS_PER_PUPIL = 5  # (purpose, media) pairs answered, by both parents
FLAG_SHARE = 0.05  # share of posts that carry a flag
CASE_SHARE = 0.2  # share of flags that opened a follow-up case
OPEN_CASE_SHARE = 0.03  # share of cases still open
NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)
SCHOOL_YEAR = "2026-2027"
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


@dataclass(frozen=True)
class Size:
    name: str
    schools: int
    pupils: int
    posts: int


SIZES = {
    "small": Size("small", 10, 2_500, 25_000),
    "large": Size("large", 300, 100_000, 1_000_000),
    "national": Size("national", 6_000, 1_400_000, 2_000_000),
}


def _copy(table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples of str, None for NULL) into table; returns the row count."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(r"\N" if v is None else str(v) for v in row))
        buffer.write("\n")
        count += 1
        if buffer.tell() > 8_000_000:
            _flush(table, columns, buffer)
            buffer = io.StringIO()
    _flush(table, columns, buffer)
    return count


def _flush(table, columns, buffer):
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def _reset_sequences(tables: list[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


def _ts(rng: random.Random, days: float) -> str:
    return (NOW - datetime.timedelta(seconds=rng.random() * days * 86400)).isoformat()


class Generator:
    def __init__(self, size: Size, seed: int = 17):
        self.size = size
        self.rng = random.Random(seed)
        self.password = make_password("bench-wachtwoord-2026", salt="benchsalt")
        self.counts: dict[str, int] = {}

    def run(self) -> dict:
        from schools.demo import demo_load

        demo_load(today=NOW.date())
        with transaction.atomic():
            self.schools()
            self.people()
            self.consent_events()
            self.monitoring()
            self.acknowledgements()
        _reset_sequences(
            [
                "schools_school",
                "schools_group",
                "schools_pupil",
                "schools_guardianship",
                "schools_staffmembership",
                "accounts_user",
                "consent_consentevent",
                "monitoring_source",
                "monitoring_post",
                "monitoring_flag",
                "monitoring_followup",
                "policy_acknowledgement",
                "mfa_authenticator",
            ]
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        return self.counts

    # --- schools, groups, pupils --------------------------------------------------------

    def schools(self):
        size = self.size
        first = _next_id("schools_school")
        self.school_ids = list(range(first, first + size.schools))
        self.counts["schools"] = _copy(
            "schools_school",
            ["id", "code", "name", "aliases"],
            (
                (sid, f"bench{n:05d}", f"OBS Bench {n:05d}", f'["Bench {n:05d}"]')
                for n, sid in enumerate(self.school_ids)
            ),
        )
        per_school = size.pupils // size.schools
        groups_per_school = -(-per_school // PUPILS_PER_GROUP)
        first_group = _next_id("schools_group")
        self.groups = []  # (group id, school id)
        rows = []
        for s_index, sid in enumerate(self.school_ids):
            for g in range(groups_per_school):
                gid = first_group + s_index * groups_per_school + g
                self.groups.append((gid, sid))
                rows.append((gid, sid, f"groep {g + 1}", SCHOOL_YEAR))
        self.counts["groups"] = _copy(
            "schools_group", ["id", "school_id", "name", "school_year"], rows
        )
        first_pupil = _next_id("schools_pupil")
        self.pupils = []  # (pupil id, school id, group id)
        for index in range(size.pupils):
            s_index = min(index // per_school, size.schools - 1)
            g_local = min((index % per_school) // PUPILS_PER_GROUP, groups_per_school - 1)
            gid, sid = self.groups[s_index * groups_per_school + g_local]
            self.pupils.append((first_pupil + index, sid, gid))
        rng = self.rng
        self.counts["pupils"] = _copy(
            "schools_pupil",
            [
                "id",
                "school_id",
                "leerlingnummer",
                "first_name",
                "name_prefix",
                "last_name",
                "birth_date",
                "group_id",
                "left_on",
                "not_in_picture",
            ],
            (
                (
                    pid,
                    sid,
                    f"B{pid:08d}",
                    f"Kind{pid}",
                    "",
                    f"Bench{pid % 997}",
                    f"{2015 + rng.randrange(8)}-{1 + rng.randrange(12):02d}-15",
                    gid,
                    None,
                    "t" if rng.random() < 0.005 else "f",
                )
                for pid, sid, gid in self.pupils
            ),
        )

    # --- users: parents, staff ---------------------------------------------------------

    def people(self):
        first_user = _next_id("accounts_user")
        families = int(self.size.pupils / PUPILS_PER_FAMILY) + 1
        self.parent_ids = list(range(first_user, first_user + 2 * families))
        user = first_user + 2 * families
        self.staff = []  # (user id, school id or None, role, group id or None)
        groups_by_school: dict[int, list[int]] = {}
        for gid, sid in self.groups:
            groups_by_school.setdefault(sid, []).append(gid)
        for sid in self.school_ids:
            self.staff.append((user, sid, "director", None))
            user += 1
            for gid in groups_by_school[sid]:
                self.staff.append((user, sid, "teacher", gid))
                user += 1
        self.staff.append((user, None, "board", None))
        user += 1
        users = [(uid, f"ouder{uid}@bench.opo.example", "f") for uid in self.parent_ids]
        users += [(uid, f"staf{uid}@bench.opo.example", "f") for uid, *_ in self.staff]
        joined = NOW.isoformat()
        self.counts["users"] = _copy(
            "accounts_user",
            [
                "id",
                "password",
                "email",
                "full_name",
                "is_staff",
                "is_active",
                "date_joined",
                "is_superuser",
            ],
            (
                (uid, self.password, email, f"Bench {uid}", st, "t", joined, "f")
                for uid, email, st in users
            ),
        )
        self._guardianships(families)
        self._staff_rows()

    def _guardianships(self, families):
        first = _next_id("schools_guardianship")
        self.holders: dict[int, tuple[int, int]] = {}
        rows = []
        for index, (pid, _sid, _gid) in enumerate(self.pupils):
            family = int(index / PUPILS_PER_FAMILY)
            pair = (self.parent_ids[2 * family], self.parent_ids[2 * family + 1])
            self.holders[pid] = pair
            rows.append((first + len(rows), pair[0], pid, "t"))
            rows.append((first + len(rows), pair[1], pid, "t"))
        self.counts["guardianships"] = _copy(
            "schools_guardianship", ["id", "user_id", "pupil_id", "has_parental_authority"], rows
        )

    def _staff_rows(self):
        first = _next_id("schools_staffmembership")
        memberships = [
            (first + i, uid, sid, role) for i, (uid, sid, role, _g) in enumerate(self.staff)
        ]
        _copy("schools_staffmembership", ["id", "user_id", "school_id", "role"], memberships)
        taught = [
            (mid, gid) for (mid, *_), (*_, gid) in zip(memberships, self.staff, strict=True) if gid
        ]
        _copy("schools_staffmembership_groups", ["staffmembership_id", "group_id"], taught)
        self.counts["staff"] = len(memberships)
        first_auth = _next_id("mfa_authenticator")
        _copy(
            "mfa_authenticator",
            ["id", "user_id", "type", "data", "created_at"],
            (
                (first_auth + i, uid, "totp", '{"secret": "bench"}', NOW.isoformat())
                for i, (uid, *_rest) in enumerate(self.staff)
            ),
        )

    # --- consent ------------------------------------------------------------------------

    def consent_events(self):
        from consent.models import Purpose, PurposeVersion

        versions = {}
        for version in PurposeVersion.objects.order_by("purpose_id", "number"):
            versions[version.purpose_id] = version  # the latest wins
        combos = [
            (pid, media)
            for pid in Purpose.objects.filter(active=True).values_list("id", flat=True)
            for media in ("photo", "video", "audio")
            if pid in versions
        ]
        rng = self.rng
        first = _next_id("consent_consentevent")
        counter = iter(range(first, first + 10**9))

        def rows():
            for pupil_id, *_ in self.pupils:
                for purpose_id, media in rng.sample(
                    combos, min(EVENT_COMBOS_PER_PUPIL, len(combos))
                ):
                    version = versions[purpose_id]
                    for guardian in self.holders[pupil_id]:
                        granted = "t" if rng.random() < 0.8 else "f"
                        yield (
                            next(counter),
                            pupil_id,
                            guardian,
                            purpose_id,
                            version.id,
                            version.text_hash,
                            media,
                            granted,
                            "portal",
                            None,
                            _ts(rng, 300),
                        )

        self.counts["consent_events"] = _copy(
            "consent_consentevent",
            [
                "id",
                "pupil_id",
                "guardian_id",
                "purpose_id",
                "purpose_version_id",
                "text_hash",
                "media_type",
                "granted",
                "method",
                "recorded_by_id",
                "created_at",
            ],
            rows(),
        )

    # --- monitoring ---------------------------------------------------------------------

    def monitoring(self):
        first_source = _next_id("monitoring_source")
        sources = [(first_source + i, sid) for i, sid in enumerate(self.school_ids)]
        _copy(
            "monitoring_source",
            [
                "id",
                "kind",
                "name",
                "url",
                "school_id",
                "settings",
                "interval_minutes",
                "etag",
                "last_modified",
                "cursor",
                "consecutive_failures",
                "needs_attention",
                "active",
                "claim_token",
                "created_at",
            ],
            (
                (
                    src,
                    "rss",
                    f"Bench feed {src}",
                    f"https://feed{src}.example/rss",
                    sid,
                    "{}",
                    30,
                    "",
                    "",
                    "",
                    0,
                    "f",
                    "f",
                    "",
                    NOW.isoformat(),
                )
                for src, sid in sources
            ),
        )
        self._posts(sources)

    def _posts(self, sources):
        rng = self.rng
        first_post = _next_id("monitoring_post")
        first_flag = _next_id("monitoring_flag")
        first_case = _next_id("monitoring_followup")
        flags, cases = [], []

        def posts():
            for index in range(self.size.posts):
                pid = first_post + index
                src, sid = sources[rng.randrange(len(sources))]
                text = " ".join(rng.choice(WORDS) for _ in range(12)) + f" #{pid}"
                fetched = _ts(rng, 365 * (index / self.size.posts) + 1)
                if rng.random() < FLAG_SHARE:
                    self._flag(
                        rng, pid, sid, fetched, first_flag + len(flags), first_case, flags, cases
                    )
                yield (
                    pid,
                    src,
                    f"bench-{pid}",
                    f"https://feed{src}.example/p/{pid}",
                    f"@lezer{pid % 5000}",
                    text,
                    "f",
                    fetched,
                    hashlib.sha256(text.encode()).hexdigest(),
                    fetched,
                    fetched,
                    None,
                )

        self.counts["posts"] = _copy(
            "monitoring_post",
            [
                "id",
                "source_id",
                "external_id",
                "url",
                "author_handle",
                "text",
                "has_media",
                "published_at",
                "content_hash",
                "fetched_at",
                "classified_at",
                "reported_by_id",
            ],
            posts(),
        )
        self.counts["cases"] = _copy(
            "monitoring_followup",
            [
                "id",
                "school_id",
                "status",
                "priority",
                "notes",
                "opened_at",
                "closed_at",
                "shingles",
            ],
            cases,
        )
        self.counts["flags"] = _copy(
            "monitoring_flag",
            [
                "id",
                "post_id",
                "school_id",
                "category",
                "score",
                "matched",
                "rule_version",
                "urgent",
                "created_at",
                "followup_id",
                "dismissed_as_false_positive",
            ],
            flags,
        )

    def _flag(self, rng, post_id, school_id, at, flag_id, first_case, flags, cases):
        category = rng.choice(CATEGORIES)
        followup = None
        if category != "positive" and rng.random() < CASE_SHARE:
            followup = first_case + len(cases)
            is_open = rng.random() < OPEN_CASE_SHARE
            cases.append(
                (
                    followup,
                    school_id,
                    "new" if is_open else "closed",
                    rng.choice((0, 1)),
                    "",
                    at,
                    None if is_open else at,
                    "[]",
                )
            )
        dismissed = "t" if rng.random() < 0.1 else "f"
        flags.append(
            (
                flag_id,
                post_id,
                school_id,
                category,
                round(rng.random(), 3),
                "[]",
                "bench-1",
                "t" if rng.random() < 0.05 else "f",
                at,
                followup,
                dismissed,
            )
        )

    # --- protocol confirmations ---------------------------------------------------------

    def acknowledgements(self):
        from policy.models import ProtocolVersion

        version = ProtocolVersion.objects.filter(status="published").order_by("-number").first()
        if version is None:
            return
        rng = self.rng
        users = [uid for uid, *_ in self.staff] + self.parent_ids[::3]
        first = _next_id("policy_acknowledgement")
        chosen = [uid for uid in users if rng.random() < 0.6]
        self.counts["acknowledgements"] = _copy(
            "policy_acknowledgement",
            ["id", "version_id", "user_id", "confirmed_at"],
            ((first + i, version.id, uid, _ts(rng, 60)) for i, uid in enumerate(chosen)),
        )


if __name__ == "__main__":
    import json
    import sys

    import django

    django.setup()
    print(json.dumps(Generator(SIZES[sys.argv[1]]).run()))
