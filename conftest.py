"""The small cast of users shared by all tests (STYLE.md point 9).

School A (vlindertuin) has groups A1 and A2; school B (zwanenhof) has group B1.
parent_a is a gezag-holding parent of pupil_a (A1); parent_b of pupil_b (B1);
code_parent, pupil_a's other parent, has no password and logs in by e-mailed code;
new_teacher is that parent made teacher of A2, before setting up TOTP.
teacher_a teaches A1, other_teacher teaches A2; director_a directs school A,
director_b school B; board and privacy_officer see all; outsider has no role.
Staff users have TOTP set up, as the portal requires.
"""

import contextlib
import datetime
import importlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.models import User
from schools.importer import school_year_for
from schools.models import Group, Guardianship, Pupil, School, StaffMembership

Role = StaffMembership.Role
# Today's school year at the schools: a teacher reaches only this year's groups
# (schools.access.teaching_year), so the fixtures' groups follow the calendar.
SCHOOL_YEAR = school_year_for(timezone.localdate())

# Property tests check what the code answers, never how fast: Hypothesis' default 200 ms
# deadline per example (and its too-slow health check) made a rules property test fail
# once while the machine was busy filling a bench database. Timing lives in bench/.
hypothesis_settings.register_profile(
    "opo", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("opo")


def pytest_sessionstart(session):
    """Compile the Dutch catalogues before any test renders a page (.mo files are not in git)."""
    import gettext

    from django.core.management import call_command
    from django.utils.translation import trans_real

    call_command("compile_translations", verbosity=0)
    # Forget catalogues loaded before the .mo files existed.
    gettext._translations.clear()
    trans_real._translations = {}
    trans_real._default = None


def require_service(env_name: str) -> str:
    """The service URL, or skip locally / fail in CI (OPO_REQUIRE_SERVICES=1)."""
    url = os.environ.get(env_name, "")
    if url:
        return url
    if os.environ.get("OPO_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{env_name} is not set but CI requires it")
    pytest.skip(f"{env_name} not set")


@pytest.fixture
def services_up():
    """Real PostgreSQL and Redis, and tasks sent to the broker instead of run eagerly."""
    from opo_portal.celery import app

    require_service("REDIS_URL")
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"
    # With the CELERY namespace the writable key is the settings name.
    before = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = before


def _worker_env(**extra) -> dict:
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["CELERY_TASK_ALWAYS_EAGER"] = "false"
    env.update(extra)
    return env


@contextlib.contextmanager
def worker(queue: str, *, pool: str = "solo", loglevel: str = "WARNING", output=None, **env):
    """A real Celery worker on the test database, consuming only `queue`; `env` overrides
    settings. With pool="prefork" a child killed mid-task is replaced and the worker lives.
    `output`: an open file for its stdout and stderr (else the test run's)."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "opo_portal",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            f"--loglevel={loglevel}",
        ],
        cwd=django_settings.BASE_DIR,
        env=_worker_env(**env),
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language: a request that switched to
    English leaves English active in the thread (LocaleMiddleware activates, never resets)."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    asked = {"transactional_db", "live_server"} & set(request.fixturenames)
    return bool(asked or (marker and marker.kwargs.get("transaction")))


@pytest.fixture(autouse=True)
def _misleading_statistics(request):
    """OPO_MISLEADING_STATISTICS=empty|big: each test starts with the planner's statistics
    of every table misleading, as a long run can leave them (a test that reads EXPLAIN must
    make its own: its rows, then ANALYZE of the tables it reads). `empty`: every table
    analysed before the test's rows exist (statistics of a nearly empty table). `big`: every
    table taken for a million rows per page it has. Off by default; both are undone with the
    test's transaction (pg_statistic and pg_class rows), except pg_class's row counts that
    ANALYZE writes in place — which is what a long run leaves too."""
    how = os.environ.get("OPO_MISLEADING_STATISTICS", "")
    if not how or _is_transactional(request) or "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for (table,) in cursor.fetchall():
            cursor.execute(f'ANALYZE "{table}"')
        if how == "big":
            cursor.execute(
                "UPDATE pg_class SET reltuples = 1e6, relpages = 1 WHERE relnamespace ="
                " 'public'::regnamespace AND relkind = 'r'"
            )


def analyze_what_it_reads(cursor, sql: str) -> None:
    """ANALYZE every table `sql` names, before an EXPLAIN: the plan then follows the test's
    own rows, not the statistics earlier tests left (see _misleading_statistics)."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    for (table,) in cursor.fetchall():
        if re.search(rf"\b{table}\b", sql):
            cursor.execute(f'ANALYZE "{table}"')


def fill_foundation(schools: int = 20, pupils_per_group: int = 15, teachers: int = 1) -> None:
    """Other schools with two groups each, their pupils (one gezag-holder each), a director
    and `teachers` teachers: a foundation in which reading every row is the wrong plan, so
    that a plan test's ANALYZE gives the planner statistics under which the asserted index
    is right."""
    codes = [f"school-{n:03d}" for n in range(schools)]
    made = School.objects.bulk_create(School(code=c, name=f"OBS {c}") for c in codes)
    groups = Group.objects.bulk_create(
        Group(school=school, name=name, school_year=SCHOOL_YEAR)
        for school in made
        for name in ("groep 3", "groep 6")
    )
    pupils = Pupil.objects.bulk_create(
        Pupil(
            school_id=group.school_id,
            group=group,
            leerlingnummer=f"{group.pk}-{n}",
            first_name="Kind",
            last_name=f"Nummer {n}",
            birth_date=datetime.date(2017, 1, 1),
        )
        for group in groups
        for n in range(pupils_per_group)
    )
    parents = User.objects.bulk_create(
        User(email=f"ouder-{pupil.pk}@example.org", password="!") for pupil in pupils
    )
    Guardianship.objects.bulk_create(
        Guardianship(user=parent, pupil=pupil, has_parental_authority=True)
        for parent, pupil in zip(parents, pupils, strict=True)
    )
    roles = ["director", *["teacher"] * teachers]
    places = [(school, n, role) for school in made for n, role in enumerate(roles)]
    staff = User.objects.bulk_create(
        User(email=f"{role}-{n}-{school.code}@example.org", password="!")
        for school, n, role in places
    )
    memberships = StaffMembership.objects.bulk_create(
        StaffMembership(user=user, school=school, role=role)
        for user, (school, _n, role) in zip(staff, places, strict=True)
    )
    teaching = StaffMembership.groups.through
    teaching.objects.bulk_create(
        teaching(staffmembership_id=m.pk, group_id=g.pk)
        for m in memberships
        if m.role == "teacher"
        for g in groups
        if g.school_id == m.school_id
    )


# Data migrations that seed rows every installation has (the six channels, protocol
# version 1). A transactional test's flush removes them; they are idempotent.
SEED_MIGRATIONS = [
    ("policy.migrations.0003_load_protocol_v1", "load_v1"),
    ("consent.migrations.0002_seed_purposes", "seed"),
]


def seed_as_migrated() -> None:
    from django.apps import apps

    for module, function in SEED_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _seeded_after_flush(request):
    """A transactional test starts with what the data migrations seed, whichever tests ran
    before it: without this, a transactional test that ran after another one found no
    channels and no protocol."""
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        seed_as_migrated()


@pytest.fixture(autouse=True)
def _broker_not_skipped():
    """Each test starts with the outbox willing to publish and the cache willing to ask
    Redis: a test that reached a broker or cache that was down would otherwise make the next
    tests' duties wait for the sweeper (outbox.services.BROKER_RETRY_AFTER,
    opo_portal.cache.RETRY_AFTER)."""
    from opo_portal.cache import ResilientRedisCache
    from outbox import services

    services._broker_down_until = ResilientRedisCache._down_until = 0.0
    yield
    services._broker_down_until = ResilientRedisCache._down_until = 0.0


@pytest.fixture
def own_redis(tmp_path, settings):
    """Our own redis-server (a free port, stopped after the test) as the cache, with the
    production cache's options; `.proc.pause()` / `.proc.kill9()` hang or kill it."""
    if not shutil.which("redis-server"):
        if os.environ.get("OPO_REQUIRE_SERVICES") == "1":
            pytest.fail("redis-server is not on PATH but CI requires it")
        pytest.skip("redis-server not on PATH")
    from faults.harness import Redis

    redis = Redis(tmp_path, aof=False).start()
    settings.CACHES = {
        "default": {
            "BACKEND": "opo_portal.cache.ResilientRedisCache",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    yield redis
    redis.proc.stop()


@pytest.fixture
def hanging_broker(monkeypatch):
    """Every hand-off of a duty to Celery fails as against a Redis that hangs (a host gone,
    not a refused port); the list of attempts. `monkeypatch.undo()` brings the broker back
    and ends the outbox's pause after a failed publish."""
    from kombu.exceptions import OperationalError

    from opo_portal.cache import ResilientRedisCache
    from outbox import services
    from outbox.tasks import run_duty

    monkeypatch.setattr(services, "_broker_down_until", 0.0)  # undo() puts these back
    monkeypatch.setattr(ResilientRedisCache, "_down_until", 0.0)

    attempts = []

    def hanging(*args, **kwargs):
        attempts.append(args)
        raise OperationalError("Timeout reading from 127.0.0.1:6379")

    monkeypatch.setattr(run_duty, "apply_async", hanging)
    return attempts


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


PASSWORD = "correct horse 42"  # every user of the cast


def make_user(email: str, **extra) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, **extra)


def run_stopped_after_a_minute(command, *, failure: str, **popen) -> subprocess.CompletedProcess:
    """Run `command` to its end (text output captured); one that keeps running is killed
    after a minute with everything it started, and the test fails with `failure`."""
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **popen,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(failure)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


RATE_LIMIT_KEYS = "allauth:rl:"  # allauth.core.internal.ratelimit.get_cache_key


@pytest.fixture(autouse=True)
def _no_rate_limit_counts_of_earlier_tests():
    """Each test starts with allauth's attempt counts at nought. allauth counts logins,
    login codes, resets and reauthentications per IP address (every test client is
    127.0.0.1) and per address or account (the cast's, in many tests; on SQLite a later
    test's account gets an earlier one's id) in the cache, which outlives a test: the
    fourth test in a minute to ask a code for parent_a's address got a 429 and no e-mail.
    Only those keys go: a Redis cache shares its database with Celery's broker. The copies
    a cache kept while Redis was down (its used TOTP codes too) go as well."""
    from django.core.cache import caches

    from opo_portal.cache import ResilientRedisCache

    ResilientRedisCache._local.clear()
    _forget_keys_containing(caches["default"], RATE_LIMIT_KEYS)


def _forget_keys_containing(cache, part: str) -> None:
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(cache, LocMemCache):  # this process's own memory: nothing else in it
        cache.clear()
        return
    with contextlib.suppress(Exception):  # Redis down: the tests about that decide
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"*{part}*", count=1000))
        if keys:
            client.delete(*keys)


def reauthenticate(client, next_url: str = "", password: str = PASSWORD):
    """Confirm the password again, as allauth asks before an account change (README
    "Accounts"). With the `next` allauth redirected to, the response is the change that
    asked for it, resumed."""
    return client.post("/accounts/reauthenticate/", {"password": password, "next": next_url})


def give_totp(user: User) -> User:
    TOTP.activate(user, generate_totp_secret())
    return user


def make_staff(email: str, role: str, school: School | None = None, groups=()) -> User:
    user = give_totp(make_user(email, full_name=email.split("@")[0].title()))
    membership = StaffMembership.objects.create(user=user, role=role, school=school)
    membership.groups.set(groups)
    return user


def add_teaching(user: User, school: School, groups) -> User:
    """A second role for `user`: teacher of `groups` at `school` (two-role tests)."""
    membership = StaffMembership.objects.create(
        user=user, role=StaffMembership.Role.TEACHER, school=school
    )
    membership.groups.set(groups)
    return user


def make_pupil(school: School, group: Group, number: str, first: str, last: str) -> Pupil:
    return Pupil.objects.create(
        school=school,
        group=group,
        leerlingnummer=number,
        first_name=first,
        last_name=last,
        birth_date=datetime.date(2018, 5, 4),
    )


@pytest.fixture
def school_a(db):
    return School.objects.create(
        code="vlindertuin", name="OBS De Vlindertuin", aliases=["De Vlindertuin", "#vlindertuin"]
    )


@pytest.fixture
def school_b(db):
    return School.objects.create(
        code="zwanenhof", name="OBS Het Zwanenhof", aliases=["Het Zwanenhof", "#zwanenhof"]
    )


@pytest.fixture
def group_a1(school_a):
    return Group.objects.create(school=school_a, name="groep 5", school_year=SCHOOL_YEAR)


@pytest.fixture
def group_a2(school_a):
    return Group.objects.create(school=school_a, name="groep 7", school_year=SCHOOL_YEAR)


@pytest.fixture
def group_b1(school_b):
    return Group.objects.create(school=school_b, name="groep 5", school_year=SCHOOL_YEAR)


@pytest.fixture
def pupil_a(school_a, group_a1):
    return make_pupil(school_a, group_a1, "1001", "Sem", "Bakker")


@pytest.fixture
def pupil_a2(school_a, group_a2):
    return make_pupil(school_a, group_a2, "1002", "Roos", "Vries")


@pytest.fixture
def pupil_b(school_b, group_b1):
    return make_pupil(school_b, group_b1, "2001", "Bram", "Visser")


@pytest.fixture
def parent_a(pupil_a):
    user = make_user("ouder.a@example.org", full_name="Ouder A")
    Guardianship.objects.create(user=user, pupil=pupil_a, has_parental_authority=True)
    return user


@pytest.fixture
def parent_b(pupil_b):
    user = make_user("ouder.b@example.org", full_name="Ouder B")
    Guardianship.objects.create(user=user, pupil=pupil_b, has_parental_authority=True)
    return user


@pytest.fixture
def code_parent(pupil_a):
    """A parent as the pupil import makes them: no password, a confirmed address, logs in
    by e-mailed code."""
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(email="ouder.code@example.org", full_name="Ouder Code")
    Guardianship.objects.create(user=user, pupil=pupil_a, has_parental_authority=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def new_teacher(code_parent, school_a, group_a2):
    """code_parent made a teacher, before they set up TOTP: no password, no authenticator,
    so allauth has nothing to ask them again (accounts.reauthentication)."""
    membership = StaffMembership.objects.create(
        user=code_parent, role=Role.TEACHER, school=school_a
    )
    membership.groups.set([group_a2])
    return code_parent


@pytest.fixture
def teacher_a(school_a, group_a1):
    return make_staff("juf.a@example.org", Role.TEACHER, school_a, [group_a1])


@pytest.fixture
def other_teacher(school_a, group_a2):
    return make_staff("meester.a2@example.org", Role.TEACHER, school_a, [group_a2])


@pytest.fixture
def director_a(school_a):
    return make_staff("directeur.a@example.org", Role.DIRECTOR, school_a)


@pytest.fixture
def director_b(school_b):
    return make_staff("directeur.b@example.org", Role.DIRECTOR, school_b)


@pytest.fixture
def board(db):
    return make_staff("bestuur@example.org", Role.BOARD)


@pytest.fixture
def admin_client(client, db):
    """The admin as a superuser with a TOTP device (the admin asks for one) sees it;
    replaces pytest-django's fixture of the same name, whose user has none."""
    client.force_login(give_totp(make_user("beheer@example.org", is_staff=True, is_superuser=True)))
    return client


@pytest.fixture
def privacy_officer(db):
    return make_staff("privacy@example.org", Role.PRIVACY_OFFICER)


@pytest.fixture
def outsider(db):
    return make_user("buiten@example.org")


@pytest.fixture
def login(db, client):
    """login(user) -> a test client logged in as that user.

    Depends on `db` so that tests fetching the cast with request.getfixturevalue still
    count as database tests: pytest-django orders those before transactional tests,
    whose flush would otherwise remove the seeded purposes and protocol.
    """

    def _login(user):
        client.force_login(user)
        return client

    return _login


# --- Two roles at two schools (issue 10): staff reach here, parent reach there -----------
@pytest.fixture
def director_parent(school_b, pupil_a):
    """Directs school B and is a guardian *without* gezag of pupil_a at school A."""
    user = make_staff("directeur.ouder@example.org", Role.DIRECTOR, school_b)
    Guardianship.objects.create(user=user, pupil=pupil_a, has_parental_authority=False)
    return user


@pytest.fixture
def teacher_parent(school_b, group_b1, pupil_a):
    """Teaches group B1 at school B and is a gezag-holding guardian of pupil_a at school A."""
    user = make_staff("juf.ouder@example.org", Role.TEACHER, school_b, [group_b1])
    Guardianship.objects.create(user=user, pupil=pupil_a, has_parental_authority=True)
    return user


@pytest.fixture
def eager_tasks():
    """Run queued tasks in-process even when REDIS_URL points at a real broker.

    These tests check what our tasks do, not the broker; with REDIS_URL set there is no
    worker consuming this test database's tasks.
    """
    from opo_portal.celery import app

    # The app reads Django settings with the CELERY namespace, so set the namespaced key.
    previous = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous


# --- Real concurrency on PostgreSQL: two transactions at the same moment ------------------


class Held(threading.Thread):
    """Runs `work` in a transaction of its own connection and waits, before committing,
    until `release` is set."""

    def __init__(self, work, then=None):
        super().__init__(daemon=True)
        self.work, self.then = work, then
        self.ready, self.release = threading.Event(), threading.Event()
        self.error = None

    def run(self):
        try:
            with transaction.atomic():
                self.work()
                self.ready.set()
                self.release.wait(timeout=60)
                if self.then is not None:
                    self.then()
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            self.ready.set()
            connection.close()


class Free(threading.Thread):
    def __init__(self, work):
        super().__init__(daemon=True)
        self.work, self.pid, self.error = work, None, None
        self.started_work = threading.Event()

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.started_work.set()
            self.work()
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            self.started_work.set()
            connection.close()


def waits_for_a_lock(pid) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def at_the_same_moment(first, second, *, then=None):
    """`first` done but not committed; `second` runs until it ends or waits for a lock
    of `first`; then `first` does `then`, commits, and both finish."""
    held = Held(first, then)
    held.start()
    assert held.ready.wait(timeout=60)
    free = Free(second)
    free.start()
    assert free.started_work.wait(timeout=60)
    assert wait_for(lambda: not free.is_alive() or waits_for_a_lock(free.pid), timeout=60)
    held.release.set()
    held.join(timeout=60)
    free.join(timeout=60)
    assert held.error is None and free.error is None, (held.error, free.error)
