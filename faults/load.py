"""Load: simulated parents change their answers against gunicorn (`make load`).

Each parent has said yes to social-media photos and a teacher has an allowed check of the
child; the parent then flips that answer (no, yes, no, ...) with 1-4 s between saves, each
save being a page view and a POST, like the form. Afterwards the database must hold exactly
one consent event per accepted save and one takedown per parent who said no (and one
takedown e-mail each, through the outbox); any 5xx or transport error counts as an error.
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
            self.latencies.append(seconds)
            if status is None or status >= 500:
                self.errors += 1
                if len(self.samples) < 5:
                    self.samples.append(f"{what}: {status}")


def session_for(user) -> str:
    """A logged-in session for a seeded parent (password hashing x200 is not the subject)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def parent_loop(browser: Browser, n: int, pupil_pk: int, purpose_pk: int, end: float, tally):
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
        time.sleep(rng.uniform(1, 4))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parents", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
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
        print(f"load: {parents} parents for {seconds} s against gunicorn {web}", flush=True)
        threads = [
            threading.Thread(
                target=parent_loop,
                args=(b, n, world.pupils[n].pk, world.purpose.pk, end, tally),
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
        mails = stack.smtp.count(world.teacher.email) - mails_before
        lat = sorted(tally.latencies) or [0.0]
        p95 = lat[int(len(lat) * 0.95) - 1] if len(lat) > 1 else lat[0]
        checks = [
            (
                tally.errors == 0,
                f"errors: {tally.errors} of {tally.requests} requests {tally.samples}",
            ),
            (events == tally.saves, f"consent events {events} = accepted saves {tally.saves}"),
            (
                takedowns == len(tally.said_no),
                f"takedowns {takedowns} = parents who said no {len(tally.said_no)}",
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
