"""Load: simulated parents change their answers against gunicorn (`make load`).

Each parent has said yes to social-media photos and a teacher has an allowed check of the
child; the parent then flips that answer (no, yes, no, ...) with a pause between saves
(--think, default 5-15 s), each save being a page view and a POST, like the form. Afterwards
each child's events must alternate (exactly one event per changed answer, none doubled; at
least one per accepted save), each child with a "no" must have exactly one takedown (none
without) and each takedown exactly one e-mail through the outbox. A 5xx response and a
transport error (timeout, reset) are both counted as errors.
"""

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from faults import harness  # noqa: E402
from faults.run import Browser, allowed_check, stack_up  # noqa: E402


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests, self.errors, self.saves = 0, 0, 0
        self.latencies: list[float] = []
        self.said_no: set[int] = set()
        self.samples: list[str] = []

    def record(self, status: int | None, seconds: float, what: str) -> None:
        with self.lock:
            self.requests += 1
            if status is not None:
                self.latencies.append(seconds)
            if status is None or status >= 500:
                self.errors += 1
                if len(self.samples) < 5:
                    self.samples.append(f"{what}: {status}")


def session_for(user) -> str:
    """A logged-in session for a seeded parent (password hashing x200 is not the subject)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    key = session.session_key
    assert key is not None  # create() gave it one
    return key


def parent_loop(browser, n: int, pupil_pk: int, purpose_pk: int, end: float, tally, think):
    answer = "yes"
    rng = random.Random(n)
    time.sleep(rng.uniform(0, 3))  # parents do not all arrive in the same second
    while time.monotonic() < end:
        new = "no" if answer == "yes" else "yes"
        try:
            started = time.monotonic()
            response, post_seconds = browser.answer(pupil_pk, purpose_pk, new)
            tally.record(200, time.monotonic() - started - post_seconds, "page")
            tally.record(response.status_code, post_seconds, "save")
            if response.status_code == 302:
                answer = new
                with tally.lock:
                    tally.saves += 1
                    if new == "no":
                        tally.said_no.add(n)
        except Exception as error:  # noqa: BLE001 - every failure is counted, not raised
            tally.record(None, 0.0, type(error).__name__)
        time.sleep(rng.uniform(*think))


def audit(world) -> tuple[int, int]:
    """Children whose answers do not alternate; children with a wrong number of takedowns."""
    from consent.models import ConsentEvent, TakedownTask

    doubled = wrong = 0
    for pupil in world.pupils:
        answers = list(
            ConsentEvent.objects.filter(pupil=pupil, purpose=world.purpose, media_type="photo")
            .order_by("created_at", "pk")
            .values_list("granted", flat=True)
        )
        if any(a == b for a, b in zip(answers, answers[1:], strict=False)):
            doubled += 1
        takedowns = TakedownTask.objects.filter(pupil=pupil).count()
        if takedowns != (1 if False in answers else 0):
            wrong += 1
    return doubled, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parents", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0), metavar=("MIN", "MAX"))
    args = parser.parse_args()
    parents, seconds = min(args.parents, 500), min(args.seconds, 300)  # bounded
    web = ("--worker-class", "gthread", "--threads", "8", "-w", "2", "--keep-alive", "10")
    with stack_up(parents=parents, web_args=web) as (stack, world, outcome):
        from consent.models import ConsentEvent, TakedownTask
        from outbox.models import Duty

        for n in range(parents):
            allowed_check(world, n)
        events_before = ConsentEvent.objects.count()
        browsers = []
        for parent in world.parents:
            browser = Browser(stack.base, parent.email)
            browser.client.cookies.set("sessionid", session_for(parent))
            browsers.append(browser)
        mails_before = stack.smtp.count(world.teacher.email)
        tally = Tally()
        end = time.monotonic() + seconds
        print(
            f"load: {parents} parents for {seconds} s, {args.think[0]:g}-{args.think[1]:g} s "
            f"between saves, against gunicorn {' '.join(web)}",
            flush=True,
        )
        threads = [
            threading.Thread(
                target=parent_loop,
                args=(b, n, world.pupils[n].pk, world.purpose.pk, end, tally, args.think),
            )
            for n, b in enumerate(browsers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 120)
        pending = Duty.objects.filter(status="pending")
        drained = harness.wait_until(lambda: not pending.exists(), 180, step=1)
        time.sleep(2)
        events = ConsentEvent.objects.count() - events_before
        takedowns = TakedownTask.objects.count()
        doubled, wrong_takedowns = audit(world)
        mails = stack.smtp.count(world.teacher.email) - mails_before
        lat = sorted(tally.latencies) or [0.0]
        p95 = lat[int(len(lat) * 0.95) - 1] if len(lat) > 1 else lat[0]
        checks = [
            (
                tally.errors == 0,
                f"errors: {tally.errors} of {tally.requests} requests {tally.samples}",
            ),
            (
                doubled == 0 and events >= tally.saves,
                f"consent events {events} for {tally.saves} accepted saves; children whose "
                f"events do not alternate: {doubled}",
            ),
            (
                wrong_takedowns == 0 and takedowns >= len(tally.said_no),
                f"takedowns {takedowns} (parents seen saying no: {len(tally.said_no)}); children "
                f"without exactly one takedown after a no: {wrong_takedowns}",
            ),
            (
                drained is not None and mails == takedowns,
                f"takedown e-mails {mails} = takedowns {takedowns} (outbox drained: "
                f"{drained is not None})",
            ),
        ]
        print(
            f"load: {tally.requests} requests, {tally.requests / seconds:.1f}/s, "
            f"median {statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
        )
        for ok, text in checks:
            print(f"    {'ok  ' if ok else 'FAIL'} {text}")
        outcome["failed"] = not all(ok for ok, _text in checks)
    return 1 if outcome["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
