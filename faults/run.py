"""Fault tests against real processes: `make faults` (full) or `make faults-ci` (reduced).

Needs PostgreSQL (DATABASE_URL: a throw-away database is created next to it and dropped
afterwards), redis-server on PATH and the dev requirements. Starts its own Redis, SMTP sink,
gunicorn, Celery worker and beat on free loopback ports, injects faults with kill -9 and
prints, per scenario, what it injected and the counts it checked. Exit status 1 on a failure.
"""

import argparse
import contextlib
import datetime
import logging
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from faults import harness  # noqa: E402

if TYPE_CHECKING:  # the models load once Django is set up (harness)
    from accounts.models import User
    from consent.models import Purpose
    from schools.models import Pupil

RESILIENT_CACHE_PAUSE = 5  # opo_portal.cache.RETRY_AFTER
PASSWORD = "faults-password-42"  # noqa: S105 - a throw-away database


@dataclass
class Result:
    name: str
    injected: str
    checked: list[str] = field(default_factory=list)
    ok: bool = True

    def check(self, condition: bool, text: str) -> None:
        self.checked.append(("ok   " if condition else "FAIL ") + text)
        self.ok = self.ok and condition


# --- Database ---------------------------------------------------------------------------


def _admin_connection(base_url: str):
    import psycopg2

    parsed = urlparse(base_url)
    conn = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn


def create_database(base_url: str, name: str) -> str:
    conn = _admin_connection(base_url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return urlparse(base_url)._replace(path=f"/{name}").geturl()


def drop_database(base_url: str, name: str) -> None:
    conn = _admin_connection(base_url)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.close()


# --- The world: one school, a teacher, a director, parents with a child each ------------


@dataclass
class World:
    teacher: "User"
    director: "User"
    parents: list["User"]
    pupils: list["Pupil"]
    purpose: "Purpose"


def seed(parents: int) -> World:
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from consent.models import Purpose
    from schools.models import Group, Guardianship, Pupil, School, StaffMembership

    Role = StaffMembership.Role
    school = School.objects.create(code="foutloos", name="OBS Foutloos", aliases=["Foutloos"])
    group = Group.objects.create(school=school, name="groep 5", school_year="2026-2027")

    hashed = make_password(PASSWORD)  # hashed once: hashing per user would take minutes

    def user(email, **extra):
        account = User.objects.create(email=email, password=hashed, **extra)
        EmailAddress.objects.create(user=account, email=email, verified=True, primary=True)
        return account

    teacher = user("juf@faults.example", full_name="Juf")
    TOTP.activate(teacher, generate_totp_secret())  # staff log in with a code, as in production
    StaffMembership.objects.create(user=teacher, role=Role.TEACHER, school=school).groups.set(
        [group]
    )
    director = user("directeur@faults.example", full_name="Directeur")
    StaffMembership.objects.create(user=director, role=Role.DIRECTOR, school=school)
    accounts, pupils = [], []
    for n in range(parents):
        parent = user(f"ouder{n}@faults.example", full_name=f"Ouder {n}")
        pupil = Pupil.objects.create(
            school=school,
            group=group,
            leerlingnummer=f"F{n}",
            first_name="Kind",
            last_name=f"Nummer {n}",
            birth_date=datetime.date(2018, 5, 4),
        )
        Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)
        accounts.append(parent)
        pupils.append(pupil)
    purpose = Purpose.objects.get(code="sociale-media")
    return World(teacher, director, accounts, pupils, purpose)


def allowed_check(world: World, *ns: int):
    """Parents n say yes for social media photos; the teacher checks a photo of their
    children: allowed."""
    from consent.services import Answer, consent_decide, publication_check_create

    for n in ns:
        consent_decide(
            pupil=world.pupils[n],
            guardian=world.parents[n],
            answers=[Answer(world.purpose.pk, "photo", True)],
        )
    pupils = [world.pupils[n] for n in ns]
    check = publication_check_create(
        user=world.teacher, purpose=world.purpose, media_type="photo", pupils=pupils
    )
    assert check.allowed, "the seeded publication check is not allowed"
    return check


# --- A parent in a browser-like HTTP client ------------------------------------------------


class _Hidden(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")


LOGIN_CODE = "/accounts/login/code/"


# the TOTP period each user last logged in with (Browser.authenticate)
_TOTP_PERIODS_USED: dict[int, int] = {}


class Browser:
    def __init__(self, base: str, email: str):
        import httpx

        self.email = email
        self.client = httpx.Client(base_url=base, follow_redirects=False, timeout=60)

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken") or ""

    def login(self):
        self.client.get("/accounts/login/")
        return self.client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": self.csrf(), "login": self.email, "password": PASSWORD},
        )

    def request_login_code(self):
        """The first step of a parent's login by e-mailed code."""
        self.client.get(LOGIN_CODE)
        return self.client.post(
            LOGIN_CODE, data={"csrfmiddlewaretoken": self.csrf(), "email": self.email}
        )

    def authenticate(self, user):
        """The second step of a staff login: the authenticator app's current code, a new
        one for each login of the same user, as a person would wait for: the portal refuses
        a code used once (allauth marks it used; since Redis outages keep that mark in the
        web process, a scenario right after another with the same user met it)."""
        from allauth.mfa import app_settings

        from opo_portal.tests.e2e_support import current_totp_code

        period = app_settings.TOTP_PERIOD
        while _TOTP_PERIODS_USED.get(user.pk) == int(time.time()) // period:
            time.sleep(period - time.time() % period + 0.1)
        code = current_totp_code(user)
        _TOTP_PERIODS_USED[user.pk] = int(time.time()) // period
        self.client.get("/accounts/2fa/authenticate/")
        return self.client.post(
            "/accounts/2fa/authenticate/",
            data={"csrfmiddlewaretoken": self.csrf(), "code": code},
        )

    def child_page(self, pupil_pk: int):
        return self.client.get(f"/toestemming/kind/{pupil_pk}/")

    def answer(self, pupil_pk: int, purpose_pk: int, value: str):
        """Answer one question on the child page, as the form does; returns (response, s)."""
        page = self.child_page(pupil_pk)
        parser = _Hidden()
        parser.feed(page.text)
        data = {**parser.fields, f"c-{purpose_pk}-photo": value}
        data["csrfmiddlewaretoken"] = data.get("csrfmiddlewaretoken") or self.csrf()
        start = time.monotonic()
        response = self.client.post(f"/toestemming/kind/{pupil_pk}/", data=data)
        return response, time.monotonic() - start


# --- The stack ------------------------------------------------------------------------------


class Stack:
    def __init__(self, workdir: Path, env: dict, redis, smtp, web_args: tuple = ()):
        self.workdir, self.env, self.redis, self.smtp = workdir, env, redis, smtp
        self.web_port = harness.free_port()
        web_cmd = [*harness.gunicorn_cmd(self.web_port), *web_args]
        self.web = harness.Proc("gunicorn", web_cmd, env, workdir)
        self.worker = harness.Proc("worker", harness.worker_cmd("w1"), env, workdir)
        self.beat = harness.Proc("beat-1", harness.beat_cmd(workdir / "beat-1"), env, workdir)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def start(self) -> None:
        for proc in (self.web, self.worker, self.beat):
            proc.start()
        harness.wait_port(self.web_port, timeout=60)

    def stop(self) -> None:
        for proc in (self.beat, self.worker, self.web):
            proc.stop()


def teacher_mails(stack: Stack, world: World) -> int:
    return stack.smtp.count(world.teacher.email)


def takedown_duty(check):
    from consent.models import TakedownTask
    from outbox.models import Duty

    task = TakedownTask.objects.filter(publication_check=check).first()
    return task and Duty.objects.filter(key=f"takedown-email:{task.pk}").first()


NOT_JSON = "(not JSON: no part named)"


def ready(stack: Stack) -> tuple[int, set[str]]:
    """/health/ready as the IT partner's monitoring reads it: the status and the parts down."""
    import httpx

    response = httpx.get(f"{stack.base}/health/ready", timeout=10)
    if response.headers.get("content-type") != "application/json":
        return response.status_code, {NOT_JSON}
    checks = response.json()["checks"]
    return response.status_code, {name for name, check in checks.items() if not check["ok"]}


def ready_again(stack: Stack, result: Result, after: str) -> None:
    waited = harness.wait_until(lambda: ready(stack)[0] == 200, 60)
    result.check(
        waited is not None,
        f"/health/ready 200 again {waited and round(waited, 1)} s after {after} "
        f"(want within 60 s; now {ready(stack)})",
    )


# --- Scenarios --------------------------------------------------------------------------------


def redis_down_parent_says_no(stack: Stack, world: World, reduced: bool) -> Result:
    result = Result("redis-down-parent-no", "Redis kill -9 while a parent saves 'no'")
    check = allowed_check(world, 0)
    parent, other = Browser(stack.base, world.parents[0].email), Browser(stack.base, "")
    other.email = world.parents[1].email
    parent.login()
    before = teacher_mails(stack, world)
    stack.redis.proc.kill9()
    status, down = ready(stack)
    result.check(
        (status, down) == (503, {"redis", "worker", "beat"}),
        f"/health/ready with Redis down: {status}, names {sorted(down)} "
        "(want 503: redis, and worker and beat unknown)",
    )
    response, seconds = parent.answer(world.pupils[0].pk, world.purpose.pk, "no")
    result.check(
        response.status_code == 302 and seconds < 2,
        f"save 'no': {response.status_code} in {seconds:.2f} s (want 302 within 2 s)",
    )
    page = parent.child_page(world.pupils[0].pk)
    result.check(page.status_code == 200, f"child page with Redis down: {page.status_code}")
    login = other.login()
    result.check(login.status_code == 302, f"login with Redis down: {login.status_code}")
    duty = takedown_duty(check)
    result.check(
        duty is not None and duty.status == "pending",
        f"takedown duty committed and pending: {duty and duty.status}",
    )
    time.sleep(3 if reduced else 10)
    stack.redis.start()
    waited = harness.wait_until(lambda: teacher_mails(stack, world) > before, 120)
    result.check(
        waited is not None,
        f"takedown e-mail arrived {waited and round(waited, 1)} s "
        "after Redis returned (want within 120 s)",
    )
    time.sleep(3)
    sent = teacher_mails(stack, world) - before
    result.check(sent == 1, f"takedown e-mails to the teacher: {sent} (want 1)")
    ready_again(stack, result, "Redis returned")
    return result


def redis_down_staff_confirm(stack: Stack, world: World, reduced: bool) -> Result:
    from policy.models import Acknowledgement, ProtocolVersion

    result = Result(
        "redis-down-staff-confirms",
        "Redis kill -9, then a teacher logs in with password and TOTP and confirms the protocol",
    )
    version = ProtocolVersion.objects.current()
    assert version is not None, "no published protocol to confirm"
    teacher = Browser(stack.base, world.teacher.email)
    stack.redis.proc.kill9()
    login = teacher.login()
    second = teacher.authenticate(world.teacher)
    result.check(
        login.headers.get("location") == "/accounts/2fa/authenticate/"
        and second.status_code == 302,
        f"login with Redis down: {login.status_code} to {login.headers.get('location')}, "
        f"then the code: {second.status_code} (want 302 to the code, then 302)",
    )
    protocol = teacher.client.get("/protocol/")
    confirm = teacher.client.post(
        "/protocol/bevestigen/",
        data={"csrfmiddlewaretoken": teacher.csrf(), "version": version.number},
    )
    saved = Acknowledgement.objects.filter(user=world.teacher, version=version).count()
    result.check(
        (protocol.status_code, confirm.status_code, saved) == (200, 302, 1),
        f"protocol page {protocol.status_code}, confirm {confirm.status_code}, "
        f"confirmations saved {saved} (want 200, 302, 1)",
    )
    stack.redis.start()
    again = teacher.client.get("/protocol/")
    shown = 'class="status-yes"' in again.text
    result.check(
        again.status_code == 200 and shown,
        f"with Redis back, still logged in: protocol page {again.status_code}, "
        f"shows the confirmation: {shown}",
    )
    return result


def redis_down_staff_writes(stack: Stack, world: World, reduced: bool) -> Result:
    """Redis dead while staff work: each write answers as usual and is in PostgreSQL, and
    what it owes someone (reminders, the assignee's notice) goes out once Redis is back."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from monitoring.models import FollowUp

    result = Result(
        "redis-down-staff-writes",
        "Redis kill -9; a director logs in (TOTP), sends reminders, assigns a case, imports "
        "pupils, switches language and logs out; a teacher checks before posting and checks a "
        "photo; Redis back",
    )
    if not Authenticator.objects.filter(user=world.director).exists():
        TOTP.activate(world.director, generate_totp_secret())
    case = FollowUp.objects.create(school=world.pupils[0].school, opened_at=_now())
    check = allowed_check(world, 1)
    director, teacher = Browser(stack.base, world.director.email), Browser(stack.base, "")
    teacher.email = world.teacher.email
    parent = Browser(stack.base, world.parents[1].email)
    parent.login()
    before = stack.smtp.messages()
    stack.redis.proc.kill9()
    try:
        statuses = _staff_write(director, teacher, world, case)
    finally:
        stack.redis.start()
    result.check(
        all(status in (200, 302) for status in statuses.values()),
        f"with Redis down: {statuses} (want 302, the import and photo pages 200)",
    )
    response, seconds = parent.answer(world.pupils[1].pk, world.purpose.pk, "no")
    result.check(
        response.status_code == 302 and seconds < 2,
        f"as Redis comes back a parent says 'no': {response.status_code} in {seconds:.2f} s "
        "(want 302 within 2 s)",
    )
    saved = _staff_writes_saved(world, case, check)
    result.check(all(saved.values()), f"in PostgreSQL: {saved}")
    takedowns = _takedown_duties(check)
    owed = _owed_mails(world, case, takedowns=takedowns)
    got = harness.wait_until(lambda: _mails_after(stack, before, owed) == owed, 60)
    time.sleep(2)  # long enough for a second copy from the sweeper (every 2 s)
    sent = _mails_after(stack, before, owed)
    wrong = {email: n for email, n in sent.items() if n != owed[email]}
    result.check(
        got is not None and not wrong and takedowns == 2,
        f"e-mails {got and round(got, 1)} s after Redis returned to {len(owed)} people: "
        f"the teacher {sent.get(world.teacher.email)} (want 3: the case's assignee, a takedown "
        f"for each of the {takedowns} pictures, the check and the photo check), "
        f"{len(owed) - 1} reminded parents once each; other counts: {wrong or 'none'}",
    )
    return result


def _now():
    from django.utils import timezone

    return timezone.now()


def _staff_write(director: Browser, teacher: Browser, world: World, case) -> dict:
    """The staff's writes while Redis is down; the status of each answer."""
    from consent.photo.testkit import camera_jpeg

    school = world.pupils[0].school
    director.login()
    statuses = {"director login": director.authenticate(world.director).status_code}
    post = director.client.post

    def sent(name: str, url: str, **data) -> None:
        response = post(url, data={"csrfmiddlewaretoken": director.csrf(), **data}, files=None)
        statuses[name] = response.status_code

    sent("reminders", f"/toestemming/dekking/{school.code}/herinnering/")
    sent(
        "assign",
        f"/monitoring/zaken/{case.pk}/bijwerken/",
        status="new",
        assigned_to=world.teacher.pk,
    )
    rows = "leerlingnummer;voornaam;achternaam;geboortedatum;groep;ouder1_email;ouder1_gezag\r\n"
    for pupil, parent in zip(world.pupils, world.parents, strict=True):
        rows += f"{pupil.leerlingnummer};Kind;{pupil.last_name};04-05-2018;groep 5;"
        rows += f"{parent.email};ja\r\n"
    rows += "F99;Kind;Nieuw;04-05-2018;groep 5;nieuw@faults.example;ja\r\n"
    statuses["import"] = post(
        "/scholen/import/",
        data={"csrfmiddlewaretoken": director.csrf(), "school": school.code},
        files={"file": ("leerlingen.csv", rows.encode(), "text/csv")},
    ).status_code
    sent("language", "/i18n/setlang/", language="en", next="/")
    sent("logout", "/accounts/logout/")
    teacher.login()
    statuses["teacher login"] = teacher.authenticate(world.teacher).status_code
    check = {"purpose": world.purpose.code, "media_type": "video", "pupils": world.pupils[1].pk}
    statuses["check"] = teacher.client.post(
        "/toestemming/controle/", data={"csrfmiddlewaretoken": teacher.csrf(), **check}
    ).status_code
    photo = {"channel": world.purpose.pk, "pupils": world.pupils[1].pk, "action": "preview"}
    statuses["photo check"] = teacher.client.post(
        "/foto/",
        data={"csrfmiddlewaretoken": teacher.csrf(), **photo},
        files={"photo": ("IMG_0042.JPG", camera_jpeg(), "image/jpeg")},
    ).status_code
    return statuses


def _staff_writes_saved(world: World, case, check) -> dict:
    from accounts.models import User
    from consent.models import PublicationCheck
    from schools.models import Pupil

    case.refresh_from_db()
    return {
        "assigned": case.assigned_to_id == world.teacher.pk,
        "imported": Pupil.objects.filter(leerlingnummer="F99").exists(),
        "language": User.objects.get(pk=world.director.pk).language == "en",
        "check": PublicationCheck.objects.filter(media_type="video").exists(),
        "photo check": PublicationCheck.objects.filter(
            media_type="photo", pupils=world.pupils[1], id__gt=check.pk
        ).exists(),
    }


def _takedown_duties(check) -> int:
    """The takedown e-mails owed for the pictures checked from `check` on."""
    from consent.models import TakedownTask
    from outbox.models import Duty

    tasks = TakedownTask.objects.filter(publication_check_id__gte=check.pk)
    keys = [f"takedown-email:{pk}" for pk in tasks.values_list("pk", flat=True)]
    return Duty.objects.filter(key__in=keys).count()


def _owed_mails(world: World, case, *, takedowns: int) -> dict:
    """Whom the writes owe an e-mail: one per duty's recipient (the takedowns: the teacher)."""
    from django.db.models import Q

    from outbox.models import Duty

    duties = Duty.objects.filter(
        Q(key__startswith="consent-reminder:") | Q(key__startswith=f"case-assigned:{case.pk}:")
    ).values_list("payload", flat=True)
    owed: dict = {world.teacher.email: takedowns}
    for payload in duties:
        user_id = payload.get("user_id") or payload.get("assignee_id")
        email = next(u.email for u in [world.teacher, *world.parents] if u.pk == user_id)
        owed[email] = owed.get(email, 0) + 1
    return owed


def _mails_after(stack: Stack, before: list[dict], owed: dict) -> dict:
    new = stack.smtp.messages()[len(before) :]
    return {email: sum(1 for m in new if email in m["to"]) for email in owed}


def redis_hangs(stack: Stack, world: World, reduced: bool) -> Result:
    """Redis stopped (kill -STOP), not dead: connections are accepted, nothing answers."""
    result = Result(
        "redis-hangs",
        "Redis kill -STOP while a parent saves three answers and another logs out; kill -CONT; "
        "then FLUSHALL",
    )
    check = allowed_check(world, 5)
    parent = Browser(stack.base, world.parents[5].email)
    parent.login()
    leaving = Browser(stack.base, world.parents[1].email)
    leaving.login()
    stolen = dict(leaving.client.cookies)
    before = teacher_mails(stack, world)
    stack.redis.proc.pause()
    try:
        timings = []
        for value in ("no", "yes", "no"):
            response, seconds = parent.answer(world.pupils[5].pk, world.purpose.pk, value)
            timings.append((response.status_code, round(seconds, 2)))
        result.check(
            all(status == 302 and seconds < 2 for status, seconds in timings),
            f"three saves with Redis hanging (status, s): {timings} (want 302 within 2 s; "
            "6.1 s for the first before the cache and the broker shared their pause)",
        )
        out = leaving.client.post("/accounts/logout/", data={"csrfmiddlewaretoken": leaving.csrf()})
        result.check(out.status_code == 302, f"logout with Redis hanging: {out.status_code}")
        duty = takedown_duty(check)
        result.check(
            duty is not None and duty.status == "pending",
            f"takedown duty committed and pending: {duty and duty.status}",
        )
    finally:
        stack.redis.proc.resume()
    waited = harness.wait_until(lambda: teacher_mails(stack, world) > before, 120)
    result.check(waited is not None, f"takedown e-mail {waited and round(waited, 1)} s after")
    time.sleep(3)
    sent = teacher_mails(stack, world) - before
    result.check(sent == 1, f"takedown e-mails to the teacher: {sent} (want 1)")
    forgotten = harness.wait_until(_cache_forget_duties_done, 60)
    time.sleep(RESILIENT_CACHE_PAUSE + 1)  # every process asks Redis again
    thief = Browser(stack.base, "")
    thief.client.cookies.update(stolen)
    page = thief.client.get(f"/toestemming/kind/{world.pupils[1].pk}/")
    result.check(
        forgotten is not None and page.status_code == 302,
        f"the logout's cached session dropped by its duty: {forgotten is not None}; "
        f"the old cookie then: {page.status_code} (want 302 to the login; 200 before)",
    )
    stack.redis.cli("FLUSHALL")
    response, seconds = parent.answer(world.pupils[5].pk, world.purpose.pk, "yes")
    page = parent.child_page(world.pupils[5].pk)
    result.check(
        (response.status_code, page.status_code) == (302, 200),
        f"after FLUSHALL the parent is still logged in: save {response.status_code} in "
        f"{seconds:.2f} s, child page {page.status_code} (want 302, 200)",
    )
    return result


def _cache_forget_duties_done() -> bool:
    from outbox.models import Duty

    duties = Duty.objects.filter(key__startswith="cache-forget:")
    return duties.exists() and not duties.exclude(status=Duty.Status.DONE).exists()


def smtp_down_then_up(stack: Stack, world: World, reduced: bool) -> Result:
    from outbox.models import Duty

    result = Result(
        "smtp-down-then-up",
        "SMTP sink killed, a parent saves 'no', another asks for a login code, SMTP back",
    )
    check = allowed_check(world, 2)
    parent = Browser(stack.base, world.parents[2].email)
    parent.login()
    before = teacher_mails(stack, world)
    stack.smtp.proc.kill9()
    response, _seconds = parent.answer(world.pupils[2].pk, world.purpose.pk, "no")
    result.check(response.status_code == 302, f"save 'no' with SMTP down: {response.status_code}")
    other = Browser(stack.base, world.parents[1].email)
    asked = other.request_login_code()
    back = asked.headers.get("location")
    told = "We konden u zojuist geen e-mail sturen" in other.client.get(LOGIN_CODE).text
    result.check(
        asked.status_code == 302 and back == LOGIN_CODE and told,
        f"login code asked with SMTP down: {asked.status_code} back to the form, "
        f"the parent is told no e-mail went out: {told}",
    )

    def failed_once():
        duty = takedown_duty(check)
        return duty is not None and duty.attempts >= 1

    harness.wait_until(failed_once, 30)
    duty = takedown_duty(check)
    result.check(
        duty.status == Duty.Status.PENDING and duty.attempts >= 1 and not duty.done_at,
        f"while SMTP is down the duty stays pending (attempts {duty.attempts}, "
        f"status {duty.status})",
    )
    stack.smtp.start()
    waited = harness.wait_until(lambda: teacher_mails(stack, world) > before, 90)
    result.check(
        waited is not None,
        f"e-mail arrived {waited and round(waited, 1)} s after SMTP returned (want within 90 s)",
    )
    time.sleep(2)
    duty.refresh_from_db()
    sent = teacher_mails(stack, world) - before
    result.check(
        sent == 1 and duty.status == Duty.Status.DONE,
        f"e-mails: {sent} (want 1); duty {duty.status} after {duty.attempts} attempts",
    )
    codes = stack.smtp.count(other.email)  # a reminder may have gone to this parent before
    asked = other.request_login_code()
    result.check(
        asked.headers.get("location") == "/accounts/login/code/confirm/"
        and stack.smtp.count(other.email) == codes + 1,
        f"with SMTP back the login code is sent: {asked.status_code} to "
        f"{asked.headers.get('location')}, codes e-mailed "
        f"{stack.smtp.count(other.email) - codes} (want 1)",
    )
    return result


def slow_smtp_parent_says_no(stack: Stack, world: World, reduced: bool) -> Result:
    """Two children in one photo. The first parent's "no" writes the teacher's e-mail;
    while the SMTP server keeps it without answering, the second parent says "no" too.
    The e-mail does not hold the picture's lock while it goes: the save answers while the
    duty is still claimed and sending (before, it waited for the lock until the send
    timed out, EMAIL_TIMEOUT). The second pupil then gets an e-mail of its own."""
    from consent.models import TakedownTask
    from outbox.models import Duty

    result = Result(
        "smtp-slow-parent-no",
        "the SMTP sink holds the takedown e-mail; the other parent of the photo saves 'no'",
    )
    check = allowed_check(world, 6, 7)
    first, second = (Browser(stack.base, world.parents[n].email) for n in (6, 7))
    first.login()
    second.login()
    before = teacher_mails(stack, world)
    stack.smtp.stall(True)
    try:
        first.answer(world.pupils[6].pk, world.purpose.pk, "no")
        arrived = harness.wait_until(lambda: teacher_mails(stack, world) > before, 30)
        response, seconds = second.answer(world.pupils[7].pk, world.purpose.pk, "no")
        task = TakedownTask.objects.get(publication_check=check, pupil=world.pupils[6])
        duty = Duty.objects.filter(key=f"takedown-email:{task.pk}").first()
        sending = duty is not None and duty.claimed_until is not None and not duty.last_error
    finally:
        stack.smtp.stall(False)
    result.check(
        arrived is not None and response.status_code == 302 and sending,
        f"second 'no': {response.status_code} in {seconds:.2f} s while the first e-mail was "
        f"still with the server (duty claimed, no error: {sending})",
    )
    harness.wait_until(lambda: teacher_mails(stack, world) >= before + 2, 90)
    time.sleep(3)
    sent = teacher_mails(stack, world) - before
    tasks = TakedownTask.objects.filter(publication_check=check)
    told = tasks.filter(emailed_at__isnull=False).count()
    pending = Duty.objects.filter(key__startswith="takedown-email:", status="pending").count()
    result.check(
        sent == 2 and (tasks.count(), told, pending) == (2, 2, 0),
        f"e-mails to the teacher {sent} (want 2: the first, then one for the second pupil); "
        f"tasks {tasks.count()}, told {told}; takedown duties pending {pending}",
    )
    return result


def _queued(redis: harness.Redis, task: str = "outbox.run_duty") -> int:
    import json

    raw = redis.cli("--raw", "LRANGE", "celery", "0", "-1")
    messages = [json.loads(line) for line in raw.splitlines() if line.startswith("{")]
    return sum(1 for m in messages if m.get("headers", {}).get("task") == task)


def redis_kill(stack: Stack, world: World, reduced: bool, *, aof: bool) -> Result:
    from django.db import transaction

    from outbox.services import duty_enqueue

    n = 5 if reduced else 50
    label = "with AOF" if aof else "without AOF"
    result = Result(
        f"redis-kill-{'aof' if aof else 'no-aof'}",
        f"Redis kill -9 {label} with {n} duties queued and no worker running",
    )
    recipient = world.parents[3 if aof else 4]
    before = stack.smtp.count(recipient.email)
    stack.worker.stop()
    stack.redis.proc.stop()
    stack.redis.aof = aof
    stack.redis = harness.Redis.restart_as(stack.redis, aof=aof)
    with transaction.atomic():
        for i in range(n):
            duty_enqueue(
                key=f"faults-{label}-{i}",
                handler="consent.duties.reminder_email_send",
                payload={"user_id": recipient.pk},
            )
    queued = _queued(stack.redis)
    stack.redis.proc.kill9()
    stack.redis.start()
    survived = _queued(stack.redis)
    want = n if aof else 0
    result.check(
        queued == n and survived == want,
        f"run_duty messages queued {queued}, after restart {survived} (want {want})",
    )
    stale = int(stack.env["HEALTH_WORKER_STALE_SECONDS"])
    answers = []  # every answer, JSON or not: a dead pooled broker connection once gave HTML

    def names_the_worker() -> bool:
        answers.append(ready(stack))
        return answers[-1] == (503, {"worker"})

    named = harness.wait_until(names_the_worker, stale + 30)
    unnamed = sum(1 for _status, down in answers if down == {NOT_JSON})
    result.check(
        named is not None and not unnamed,
        f"/health/ready names the stopped worker, and only it, after "
        f"{named and round(named, 1)} s (want within {stale + 30} s; last {answers[-1]}); "
        f"answers without JSON {unnamed} (want 0)",
    )
    stack.worker.start()
    waited = harness.wait_until(lambda: stack.smtp.count(recipient.email) - before >= n, 120)
    time.sleep(2)
    sent = stack.smtp.count(recipient.email) - before
    result.check(
        sent == n,
        f"e-mails delivered {sent}/{n} in {waited and round(waited, 1)} s "
        f"({'from the queue' if aof else 'by the outbox sweeper'}), none twice",
    )
    ready_again(stack, result, "the worker started")
    return result


def worker_killed_mid_send(stack: Stack, world: World, reduced: bool) -> Result:
    """The one gap the outbox's claim leaves: the SMTP server has the e-mail, the worker dies
    before it hears "250" and before the duty is marked done. The lease ends, the duty runs
    again and the e-mail goes out twice, as one message to the recipient's mail system."""
    from django.db import transaction

    from outbox.models import Duty
    from outbox.services import duty_enqueue

    result = Result(
        "worker-killed-mid-send",
        "worker kill -9 after the SMTP server has the e-mail, before it answered",
    )
    recipient = world.parents[5]
    before = stack.smtp.count(recipient.email)
    stack.smtp.stall(True)
    try:
        with transaction.atomic():
            duty = duty_enqueue(
                key="faults-mid-send",
                handler="consent.duties.reminder_email_send",
                payload={"user_id": recipient.pk},
            )
        arrived = harness.wait_until(lambda: stack.smtp.count(recipient.email) > before, 30)
        stack.worker.kill9()
    finally:
        stack.smtp.stall(False)
    duty.refresh_from_db()
    result.check(
        arrived is not None
        and duty.status == Duty.Status.PENDING
        and duty.claimed_until is not None,
        f"the sink has the e-mail after {arrived and round(arrived, 1)} s; worker killed; "
        f"duty {duty.status}, claimed until its lease ends",
    )
    stack.worker.start()
    lease = int(stack.env["OUTBOX_LEASE_SECONDS"])
    again = harness.wait_until(lambda: stack.smtp.count(recipient.email) >= before + 2, lease + 60)
    time.sleep(3)
    duty.refresh_from_db()
    copies = [m for m in stack.smtp.messages() if recipient.email in m["to"]][before:]
    ids = {m["message_id"] for m in copies}
    result.check(
        len(copies) == 2 and duty.status == Duty.Status.DONE and duty.attempts == 2,
        f"sent again {again and round(again, 1)} s after the worker started (lease {lease} s): "
        f"{len(copies)} copies (want 2, not more); duty {duty.status} after {duty.attempts} "
        "attempts",
    )
    result.check(
        len(ids) == 1 and next(iter(ids)).startswith("<duty."),
        f"both copies carry one Message-ID, so mail systems see one message: {sorted(ids)}",
    )
    return result


def worker_killed_at_quit(stack: Stack, world: World, reduced: bool) -> Result:
    """The SMTP server said "250" and is slow to answer the QUIT after it. The duty's done
    mark commits before the QUIT, so a worker killed then sends nothing again (before, the
    duty stayed claimed and the e-mail went a second time when the lease ended)."""
    from django.db import transaction

    from outbox.models import Duty
    from outbox.services import duty_enqueue

    result = Result(
        "worker-killed-at-quit", 'worker kill -9 after the SMTP server said "250", at the QUIT'
    )
    recipient = world.parents[4]
    before = stack.smtp.count(recipient.email)
    stack.smtp.stall(True, at="QUIT")
    try:
        with transaction.atomic():
            duty = duty_enqueue(
                key="faults-at-quit",
                handler="consent.duties.reminder_email_send",
                payload={"user_id": recipient.pk},
            )
        arrived = harness.wait_until(lambda: stack.smtp.count(recipient.email) > before, 30)
        done = harness.wait_until(  # before the QUIT gives up (EMAIL_TIMEOUT, 5 s in the run)
            lambda: Duty.objects.filter(pk=duty.pk, status=Duty.Status.DONE).exists(),
            int(stack.env["EMAIL_TIMEOUT"]) - 2,
        )
        stack.worker.kill9()
    finally:
        stack.smtp.stall(False, at="QUIT")
    stack.worker.start()
    time.sleep(3 if reduced else int(stack.env["OUTBOX_LEASE_SECONDS"]) + 5)
    duty.refresh_from_db()
    sent = stack.smtp.count(recipient.email) - before
    result.check(
        arrived is not None and done is not None,
        f"the sink has the e-mail after {arrived and round(arrived, 1)} s; the duty was done "
        f"{done and round(done, 1)} s later, while the QUIT still waited; then worker killed",
    )
    result.check(
        sent == 1 and duty.status == Duty.Status.DONE and duty.attempts == 1,
        f"e-mails {sent} (want 1; 2 when the QUIT came before the done mark); duty "
        f"{duty.status} after {duty.attempts} attempt(s)",
    )
    return result


def fetch_lost_with_redis(stack: Stack, world: World, reduced: bool) -> Result:
    from monitoring import services
    from monitoring.models import FetchRun, Post, Source
    from monitoring.tests.conftest import running_feed_server

    result = Result(
        "fetch-lost", "Redis kill -9 without AOF with a feed fetch queued and no worker running"
    )
    requeue = int(stack.env["MONITORING_REQUEUE_AFTER_SECONDS"])
    with running_feed_server() as feeds:
        feeds.route("/school.rss", fixture="feed.rss")
        stack.worker.stop()
        stack.redis = harness.Redis.restart_as(stack.redis, aof=False)
        source = Source.objects.create(
            kind=Source.Kind.RSS, name="faults feed", url=feeds.url("/school.rss")
        )
        services.sources_dispatch()
        queued = _queued(stack.redis, "monitoring.fetch_source")
        stack.redis.proc.kill9()
        stack.redis.start()
        survived = _queued(stack.redis, "monitoring.fetch_source")
        result.check(
            queued == 1 and survived == 0,
            f"fetch messages queued {queued}, after the restart {survived} (want 1, then 0)",
        )
        stack.worker.start()
        runs = FetchRun.objects.filter(source=source, status=FetchRun.Status.SUCCEEDED)
        waited = harness.wait_until(runs.exists, requeue + 60)
        result.check(
            waited is not None,
            f"the lost fetch ran {waited and round(waited, 1)} s after the worker started "
            f"(want within {requeue + 60} s, not the source's next run in "
            f"{source.interval_minutes} minutes)",
        )
        time.sleep(requeue + (5 if reduced else 20))  # long enough for a needless requeue
        fetched = len(feeds.hits("/school.rss"))
        posts = Post.objects.filter(source=source).count()
        result.check(
            (runs.count(), fetched) == (1, 1) and posts > 0,
            f"runs {runs.count()}, requests to the feed {fetched} (want 1 and 1); posts {posts}",
        )
        piled = _fetches_pile_up(stack, source, intervals=3)
        waited = harness.wait_until(lambda: runs.count() >= 2, 60)
        time.sleep(5)
        fetched = len(feeds.hits("/school.rss"))
        result.check(
            piled == 3 and waited is not None and (runs.count(), fetched) == (2, 2),
            f"then {piled} intervals' messages piled up with no worker (want 3); once it ran: "
            f"runs {runs.count()}, requests {fetched} (want 2 and 2: one fetch for the pile)",
        )
    return result


def _fetches_pile_up(stack: Stack, source, *, intervals: int) -> int:
    """Stop the worker and let the source fall due `intervals` times, as beat would while no
    worker runs; start the worker again. The number of fetch messages that piled up."""
    from django.utils import timezone

    from monitoring import services
    from monitoring.models import Source

    stack.worker.stop()
    for _ in range(intervals):
        Source.objects.filter(pk=source.pk).update(next_run_at=timezone.now())
        services.sources_dispatch()
    piled = _queued(stack.redis, "monitoring.fetch_source")
    stack.worker.start()
    return piled


def two_beats(stack: Stack, world: World, reduced: bool) -> Result:
    from monitoring.tasks import send_monthly_digest

    window = 12 if reduced else 30
    result = Result("two-beats", f"a second beat process for {window} s, then kill -9 the holder")
    second = harness.Proc(
        "beat-2", harness.beat_cmd(stack.workdir / "beat-2"), stack.env, stack.workdir
    )
    sweeps_before = _sweeps_received(stack)
    second.start()
    time.sleep(window)
    sweeps = _sweeps_received(stack) - sweeps_before
    every = int(stack.env["OUTBOX_SWEEP_SECONDS"])
    result.check(
        sweeps <= window / every + 2,
        f"sweeps sent in {window} s with two beats: {sweeps} (one beat: ~{window // every})",
    )
    holder, standby = (stack.beat, second) if _holds(stack.beat) else (second, stack.beat)
    holder.kill9()
    took = harness.wait_until(lambda: _holds(standby), 60)
    result.check(
        took is not None,
        f"standby beat took over {took and round(took, 1)} s after the holder was killed",
    )
    send_monthly_digest.delay()
    send_monthly_digest.delay()  # as a second beat on the 1st of the month would
    # Counted over the whole run: on the 1st at 07:00 the beats' own schedule sends the
    # digest too (a run crossing that minute saw it before the two above), and the month
    # is still claimed once: exactly one digest e-mail in the run either way.
    harness.wait_until(lambda: _digests(stack, world) >= 1, 60)
    time.sleep(3)
    digests = _digests(stack, world)
    result.check(digests == 1, f"digest e-mails to the director in this run: {digests} (want 1)")
    stack.beat = standby
    second_dead = holder
    second_dead.stop()
    return result


def _digests(stack: Stack, world: World) -> int:
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext

    count = 0
    for language, _name in settings.LANGUAGES:  # the director may have switched (staff-writes)
        with translation.override(language):
            subject = gettext("Monitoring digest %(month)s: %(school)s").split("%(")[0]
        count += stack.smtp.count(world.director.email, subject)
    return count


def _sweeps_received(stack: Stack) -> int:
    text = stack.worker.log.read_text(errors="replace")
    return text.count("Task outbox.sweep[") // 2  # "received" and "succeeded" lines


def _holds(beat: harness.Proc) -> bool:
    text = beat.log.read_text(errors="replace")
    return text.rfind("beat lock: acquired") > text.rfind("beat lock: held elsewhere")


def database_connections_dropped(stack: Stack, world: World, reduced: bool) -> Result:
    from django.db import connection

    result = Result("db-connections-dropped", "pg_terminate_backend on every portal connection")
    parent = Browser(stack.base, world.parents[1].email)
    parent.login()
    for _ in range(6):
        parent.child_page(world.pupils[1].pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        killed = cursor.fetchone()[0]
    statuses = [parent.child_page(world.pupils[1].pk).status_code for _ in range(20)]
    errors = sum(1 for s in statuses if s >= 500)
    result.check(
        killed > 0 and errors == 0,
        f"connections terminated {killed}; then 20 page views: {errors} errors (want 0)",
    )
    return result


# --- PostgreSQL itself away: stopped (a restart, a failover) or out of connection slots ------

# The "try again" page in the person's language (the director switched to English in
# redis-down-staff-writes; the language cookie set at the login keeps it).
TRY_AGAIN = {"nl": "Probeer het over een minuut opnieuw", "en": "Please try again in a minute"}
OWN_PG_SECRET = "faults-own-postgres-secret-key-" + "x1y2z3" * 6  # noqa: S105 - a throw-away run


class PlainHttpBrowser(Browser):
    """A browser for a stack with DEBUG off, as production runs, over plain HTTP: its cookies
    are Secure, which a client keeps for HTTPS; this one sends them on, as the TLS proxy in
    front of production does."""

    def __init__(self, base: str, email: str):
        super().__init__(base, email)
        self.client.event_hooks["response"].append(self._keep_cookies)

    def _keep_cookies(self, response) -> None:
        for cookie in self.client.cookies.jar:
            cookie.secure = False


@contextlib.contextmanager
def on_own_postgres(stack: Stack, *, max_connections: int = 20):
    """The stack moved, for one scenario, to a PostgreSQL cluster of the run's own (a copy of
    the scratch database), with DEBUG off as in production; this process's connection too.
    The shared server is never stopped. Yields (the moved stack, the cluster)."""
    import subprocess

    from django.db import connection

    saved = dict(connection.settings_dict)
    cluster = harness.Postgres(max_connections=max_connections).init()
    moved = None
    try:
        source = {"PGPASSWORD": saved.get("PASSWORD") or ""}
        dump = subprocess.run(
            ["pg_dump", "--no-owner", "--no-privileges", "-h", saved["HOST"] or "127.0.0.1",
             "-p", str(saved["PORT"] or 5432), "-U", saved["USER"] or "postgres", saved["NAME"]],
            capture_output=True, check=True, timeout=120, env={**os.environ, **source},
        )  # fmt: skip
        into = ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(cluster.port),
                "-U", "postgres"]  # fmt: skip
        subprocess.run([*into, "-c", "CREATE DATABASE opo"], check=True, capture_output=True)
        subprocess.run([*into, "-d", "opo"], input=dump.stdout, check=True, capture_output=True)
        env = {
            **stack.env,
            "DATABASE_URL": cluster.url("opo"),
            "DEBUG": "false",
            "SECRET_KEY": OWN_PG_SECRET,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "DEFAULT_FROM_EMAIL": "OPO Portal <noreply@faults.example>",
            "STATIC_ROOT": str(stack.workdir / "static"),
        }
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
        subprocess.run(collect, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
        stack.stop()  # the beat gives its lock back, so the moved beat sends at once
        connection.close()
        connection.settings_dict.update(
            {"HOST": "127.0.0.1", "PORT": cluster.port, "NAME": "opo", "USER": "postgres"}
        )
        moved = Stack(stack.workdir, env, stack.redis, stack.smtp)
        moved.start()
        time.sleep(3)
        yield moved, cluster
    finally:
        if moved is not None:
            moved.stop()
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        cluster.destroy()
        stack.start()


def _log_sizes(stack: Stack) -> dict:
    return {proc.name: proc.log.stat().st_size for proc in (stack.web, stack.worker, stack.beat)}


def _logged_since(stack: Stack, sizes: dict) -> dict:
    """What each process logged since `sizes`: its text."""
    texts = {}
    for proc in (stack.web, stack.worker, stack.beat):
        with open(proc.log, errors="replace") as log:
            log.seek(sizes[proc.name])
            texts[proc.name] = log.read()
    return texts


_FEW_LINES = "a line per request and per failed tick: gunicorn under 20, worker and beat 10 a s"


def _few_lines(lines: dict, seconds: int) -> bool:
    return lines["gunicorn"] < 20 and lines["worker"] + lines["beat-1"] < 10 * seconds


def _languages(world: World) -> dict:
    """Each person's language, read before the database goes away."""
    from accounts.models import User

    users = {"parent nee": world.parents[2], "teacher check": world.teacher}
    users["director coverage"] = world.director
    return {name: User.objects.get(pk=u.pk).language or "nl" for name, u in users.items()}


def _try_again_pages(answers: dict, languages: dict) -> dict:
    """Each person's answer, short: "503 try-again" when it is the "try again" page (503,
    Retry-After, in their language, no stack trace), else the status and what is off."""
    return {name: _page_summary(r, languages[name]) for name, r in answers.items()}


def _page_summary(response, language: str) -> str:
    off = [
        name
        for name, wrong in (
            ("no Retry-After: 60", response.headers.get("retry-after") != "60"),
            (f"not the text in {language!r}", TRY_AGAIN[language] not in response.text),
            ("a stack trace", "Traceback" in response.text),
        )
        if wrong
    ]
    return f"{response.status_code} " + (", ".join(off) if off else "try-again")


def _users_while_down(parent, teacher, director, world: World, form: dict) -> dict:
    """A parent saves "nee", a teacher checks before posting, a director opens coverage."""
    school = world.pupils[0].school
    check = {"purpose": world.purpose.code, "media_type": "video", "pupils": world.pupils[2].pk}
    return {
        "parent nee": parent.client.post(f"/toestemming/kind/{world.pupils[2].pk}/", data=form),
        "teacher check": teacher.client.post(
            "/toestemming/controle/", data={"csrfmiddlewaretoken": teacher.csrf(), **check}
        ),
        "director coverage": director.client.get(f"/toestemming/dekking/{school.code}/"),
    }


# Saved and sent on (the parent back to the child page, the teacher to the stored check),
# not to a login page: each is still signed in.
DONE_AGAIN = {
    "parent nee": (302, "/toestemming/kind/"),
    "teacher check": (302, "/toestemming/controle/"),
    "director coverage": (200, None),
}


def _done_again(parent, teacher, director, world: World) -> dict:
    """_users_while_down once the database is back: each answer's status and where it leads."""
    answers = _users_while_down(parent, teacher, director, world, _parent_form(parent, world, 2))
    done = {}
    for name, response in answers.items():
        location = response.headers.get("location")
        done[name] = (response.status_code, location and location.rstrip("/0123456789") + "/")
    return done


def _staff_logged_in(stack: Stack, world: World):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=world.director).exists():
        TOTP.activate(world.director, generate_totp_secret())
    teacher = PlainHttpBrowser(stack.base, world.teacher.email)
    director = PlainHttpBrowser(stack.base, world.director.email)
    for browser, user in ((teacher, world.teacher), (director, world.director)):
        browser.login()
        browser.authenticate(user)
    return teacher, director


def _parent_form(parent: Browser, world: World, n: int) -> dict:
    """The child page's form as the parent loaded it, with "nee" for social media photos."""
    page = parent.child_page(world.pupils[n].pk)
    parser = _Hidden()
    parser.feed(page.text)
    return {**parser.fields, f"c-{world.purpose.pk}-photo": "no"}


def _rows_written(world: World) -> tuple[int, int]:
    from consent.models import ConsentEvent, PublicationCheck

    return (
        ConsentEvent.objects.filter(pupil=world.pupils[2]).count(),
        PublicationCheck.objects.count(),
    )


def _check_users_told_to_wait(result: Result, moved, people, lead: str) -> None:
    """While PostgreSQL is out of reach: /health/ready names the database, and a parent's
    'nee', a teacher's check and a director's coverage get the 'try again' page.
    `people` is (parent, teacher, director, world, form, languages)."""
    parent, teacher, director, world, form, languages = people
    status, down = ready(moved)
    result.check(
        (status, down) == (503, {"database", "migrations"}),
        f"{lead}/health/ready: {status}, names {sorted(down)} "
        "(want 503: the database, and migrations unknown)",
    )
    answers = _users_while_down(parent, teacher, director, world, form)
    pages = _try_again_pages(answers, languages)
    result.check(
        set(pages.values()) == {"503 try-again"},
        f"the 'try again' page (503, Retry-After: 60, in their language, no stack trace): {pages}",
    )


def _check_back_to_work(result: Result, moved, people, rows_before, since: str) -> None:
    """Once PostgreSQL answers again: every web worker serves pages (no dead connection
    kept), nothing was half-written, the same work succeeds, and /health/ready is 200."""
    parent, teacher, director, world, _form, _languages = people
    views = [parent.child_page(world.pupils[2].pk).status_code for _ in range(10)]
    result.check(
        views.count(200) == 10,
        f"the first 10 page views {since}: {views} (want all 200, no 500 from a dead "
        "connection in any web worker)",
    )
    result.check(
        _rows_written(world) == rows_before,
        f"nothing half-written: consent events and checks {_rows_written(world)} "
        f"(before {rows_before})",
    )
    again = _done_again(parent, teacher, director, world)
    result.check(again == DONE_AGAIN, f"the same again {since}: {again} (want {DONE_AGAIN})")


def postgres_down(stack: Stack, world: World, reduced: bool) -> Result:
    """PostgreSQL stopped (`pg_ctl stop -m fast`, as a restart or failover) for 10–40 s while
    people work and duties and a feed fetch fall due; then started again."""
    from django.db import connection
    from django.utils import timezone

    from monitoring.models import FetchRun, Source
    from monitoring.tests.conftest import running_feed_server
    from outbox.models import Duty

    down_for = 10 if reduced else 40
    result = Result(
        "postgres-down",
        f"PostgreSQL (the run's own cluster) stopped for {down_for} s while a parent saves "
        "'nee', a teacher checks, a director opens coverage, an e-mail and a feed fetch fall "
        "due; then started again",
    )
    with on_own_postgres(stack) as (moved, cluster), running_feed_server() as feeds:
        feeds.route("/school.rss", fixture="feed.rss")
        parent = PlainHttpBrowser(moved.base, world.parents[2].email)
        parent.login()
        form = _parent_form(parent, world, 2)
        teacher, director = _staff_logged_in(moved, world)
        source = Source.objects.create(
            kind=Source.Kind.RSS,
            name="faults feed (postgres down)",
            url=feeds.url("/school.rss"),
            next_run_at=timezone.now() + datetime.timedelta(seconds=4),
        )
        recipient = world.parents[3]
        mails_before = moved.smtp.count(recipient.email)
        duty = Duty.objects.create(  # as a retry waiting for its time: only the sweeper sends it
            key="faults-postgres-down",
            handler="consent.duties.reminder_email_send",
            payload={"user_id": recipient.pk},
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=4),
        )
        rows_before, languages = _rows_written(world), _languages(world)
        sizes = _log_sizes(moved)
        connection.close()
        cluster.stop()
        started = time.monotonic()
        people = (parent, teacher, director, world, form, languages)
        _check_users_told_to_wait(result, moved, people, "with PostgreSQL stopped: ")
        time.sleep(max(0.0, down_for - (time.monotonic() - started)))
        alive = {p.name: p.running for p in (moved.web, moved.worker, moved.beat)}
        logged = _logged_since(moved, sizes)
        lines = {name: text.count("\n") for name, text in logged.items()}
        cluster.start()
        result.check(
            all(alive.values()) and _few_lines(lines, down_for),
            f"while stopped ({down_for} s): processes up {alive}; lines logged {lines} "
            f"(want all up; {_FEW_LINES}; 762 from the worker in 10 s before)",
        )
        _check_back_to_work(result, moved, people, rows_before, "after the start")
        ready_again(moved, result, "PostgreSQL started")
        fetched = harness.wait_until(lambda: FetchRun.objects.filter(source=source).exists(), 60)
        mailed = harness.wait_until(lambda: moved.smtp.count(recipient.email) > mails_before, 60)
        time.sleep(5)  # long enough for a second copy (sweep every 2 s) or a second fetch
        duty.refresh_from_db()
        runs, hits = FetchRun.objects.filter(source=source).count(), len(feeds.hits("/school.rss"))
        sent = moved.smtp.count(recipient.email) - mails_before
        result.check(
            fetched is not None
            and mailed is not None
            and (runs, hits, sent) == (1, 1, 1)
            and duty.status == Duty.Status.DONE,
            f"what fell due while stopped, after the start: the fetch "
            f"{fetched and round(fetched, 1)} s, the e-mail {mailed and round(mailed, 1)} s; "
            f"fetch runs {runs}, feed requests "
            f"{hits}, e-mails {sent}, duty {duty.status} (want 1, 1, 1, done)",
        )
        everything = "".join(_logged_since(moved, sizes).values())
        named = [p.last_name for p in world.pupils if p.last_name in everything]
        result.check(not named, f"pupil names in the logs: {named or 'none'}")
    return result


def _take_every_slot(cluster: harness.Postgres) -> list:
    """Connections of our own in every slot PostgreSQL has, the portal's ended: as another
    application that leaks connections leaves the server. Returns them, to close."""
    import psycopg2

    held: list = []

    def fill() -> None:
        while True:
            try:
                held.append(psycopg2.connect(cluster.url("postgres")))
            except psycopg2.OperationalError:
                return

    fill()
    for _ in range(20):  # the portal's processes may take a freed slot first: again
        with held[0].cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = 'opo'"
            )
            ended = cursor.fetchone()[0]
        time.sleep(0.2)
        fill()
        if not ended:
            break
    return held


def postgres_full(stack: Stack, world: World, reduced: bool) -> Result:
    """max_connections reached: every slot taken, the portal's own connections ended, for
    5–20 s while people work; then the slots freed."""
    from django.db import connection

    held_for = 5 if reduced else 20
    result = Result(
        "postgres-full",
        f"every PostgreSQL connection slot taken (max_connections 20) and the portal's "
        f"connections ended, for {held_for} s while a parent saves 'nee', a teacher checks and "
        "a director opens coverage; then the slots freed",
    )
    with on_own_postgres(stack) as (moved, cluster):
        parent = PlainHttpBrowser(moved.base, world.parents[2].email)
        parent.login()
        form = _parent_form(parent, world, 2)
        teacher, director = _staff_logged_in(moved, world)
        rows_before, languages = _rows_written(world), _languages(world)
        sizes = _log_sizes(moved)
        connection.close()
        held = _take_every_slot(cluster)
        try:
            started = time.monotonic()
            people = (parent, teacher, director, world, form, languages)
            _check_users_told_to_wait(result, moved, people, f"{len(held)} slots taken; ")
            time.sleep(max(0.0, held_for - (time.monotonic() - started)))
            alive = {p.name: p.running for p in (moved.web, moved.worker, moved.beat)}
            lines = {name: text.count("\n") for name, text in _logged_since(moved, sizes).items()}
        finally:
            for held_connection in held:
                held_connection.close()
        result.check(
            all(alive.values()) and _few_lines(lines, held_for),
            f"while full ({held_for} s): processes up {alive}; lines logged {lines} "
            f"(want all up; {_FEW_LINES})",
        )
        _check_back_to_work(result, moved, people, rows_before, "once the slots were free")
        ready_again(moved, result, "the slots were freed")
    return result


SCENARIOS = [
    ("redis-down-parent-no", redis_down_parent_says_no),
    ("redis-down-staff-confirms", redis_down_staff_confirm),
    ("redis-down-staff-writes", redis_down_staff_writes),
    ("redis-hangs", redis_hangs),
    ("smtp-down-then-up", smtp_down_then_up),
    ("redis-kill-no-aof", lambda s, w, r: redis_kill(s, w, r, aof=False)),
    ("redis-kill-aof", lambda s, w, r: redis_kill(s, w, r, aof=True)),
    ("smtp-slow-parent-no", slow_smtp_parent_says_no),
    ("worker-killed-mid-send", worker_killed_mid_send),
    ("worker-killed-at-quit", worker_killed_at_quit),
    ("fetch-lost", fetch_lost_with_redis),
    ("two-beats", two_beats),
    ("db-connections-dropped", database_connections_dropped),
    ("postgres-down", postgres_down),
    ("postgres-full", postgres_full),
]
# Left out of the reduced form (`make faults-ci`), which runs every other scenario: each
# takes ~40 s with its own cluster, and postgres-down already runs the same recovery.
FULL_ONLY = {"postgres-full"}


def preflight() -> str:
    """The base PostgreSQL URL, or exits with a clear message."""
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit("faults: set DATABASE_URL to a PostgreSQL server (a scratch database is made)")
    if not shutil.which("redis-server"):
        sys.exit("faults: redis-server is not on PATH")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return base_url


@contextlib.contextmanager
def stack_up(*, parents: int, web_args: tuple = ()):
    """A scratch database with a seeded world and the whole stack running; torn down after.

    Yields (stack, world, outcome); set outcome["failed"] to keep the process logs.
    """
    base_url = preflight()
    workdir = Path(tempfile.mkdtemp(prefix="opo-faults-"))
    db_name = f"opo_faults_{os.getpid()}"
    redis = harness.Redis(workdir, aof=False).start()
    smtp = harness.SmtpSink(workdir).start()
    stack, outcome = None, {"failed": True}
    try:
        env = {
            **os.environ,
            "DATABASE_URL": create_database(base_url, db_name),
            "REDIS_URL": redis.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}?tls=0",
            "DEBUG": "true",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "OUTBOX_GRACE_SECONDS": "3",
            "OUTBOX_SWEEP_SECONDS": "2",
            "OUTBOX_RETRY_SECONDS": "2",
            "OUTBOX_LEASE_SECONDS": "10",
            "BEAT_LOCK_TTL": "6",
            "MONITORING_DISPATCH_SECONDS": "3",
            "HEALTH_HEARTBEAT_SECONDS": "2",
            "HEALTH_BEAT_STALE_SECONDS": "8",
            "HEALTH_WORKER_STALE_SECONDS": "8",
            "MONITORING_REQUEUE_AFTER_SECONDS": "10",
            "MONITORING_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
            "EMAIL_TIMEOUT": "5",
            "LOG_LEVEL": "INFO",
            "DJANGO_SETTINGS_MODULE": "opo_portal.settings",
        }
        os.environ.update(env)
        import django
        from django.core.management import call_command

        django.setup()
        print(f"faults: migrating a scratch database {db_name} ...", flush=True)
        call_command("migrate", verbosity=0)
        world = seed(parents=parents)
        stack = Stack(workdir, env, redis, smtp, web_args=web_args)
        stack.start()
        time.sleep(3)
        yield stack, world, outcome
    finally:
        if stack is not None:
            stack.stop()
            stack.redis.proc.stop()
            stack.smtp.proc.stop()
        for proc in (redis.proc, smtp.proc):
            proc.stop()
        if "django" in sys.modules and os.environ.get("DJANGO_SETTINGS_MODULE"):
            from django.db import connections

            connections.close_all()
        drop_database(base_url, db_name)
        if outcome["failed"]:
            print(f"\nfaults: process logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reduced", action="store_true", help="the short form CI runs")
    parser.add_argument(
        "--only",
        help="run only scenarios whose name contains this (or one of these, comma-separated)",
    )
    args = parser.parse_args()
    started, results = time.monotonic(), []
    with stack_up(parents=8) as (stack, world, outcome):
        for name, scenario in SCENARIOS:
            if args.only and not any(part in name for part in args.only.split(",")):
                continue
            if args.reduced and name in FULL_ONLY and not args.only:
                continue
            began = time.monotonic()
            result = scenario(stack, world, args.reduced)
            results.append(result)
            print(
                f"\n[{'PASS' if result.ok else 'FAIL'}] {result.name} "
                f"({time.monotonic() - began:.0f} s): injected {result.injected}"
            )
            for line in result.checked:
                print(f"    {line}")
            sys.stdout.flush()
        failed = [r.name for r in results if not r.ok]
        outcome["failed"] = bool(failed)
    print(
        f"faults: {len(results) - len(failed)}/{len(results)} scenarios passed in "
        f"{time.monotonic() - started:.0f} s" + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
