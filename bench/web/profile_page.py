"""Profile one page of a generated bench database in-process (profile-guided work).

    DJANGO_SETTINGS_MODULE=bench.web.settings DATABASE_URL=.../opo_bench_small \\
        python -m bench.web.profile_page "teacher class overview" [requests] [lines]

Logs in the bench cast like bench/web/prepare.py, requests the page through the test
client `requests` times under cProfile and prints the top functions by own time and by
cumulative time.
"""

import cProfile
import pstats
import sys

from django.test import Client

from bench.web import prepare


def main(name: str, count: int = 50, lines: int = 25) -> None:
    page = next(p for p in prepare.pages(prepare.bench_cast()) if p["name"] == name)
    client = Client()
    for part in (page["cookie"] or "").split("; "):
        if "=" in part:
            key, value = part.split("=", 1)
            client.cookies[key] = value

    def run():
        for _ in range(count):
            if page["body"]:
                client.post(
                    page["path"], page["body"], content_type="application/x-www-form-urlencoded"
                )
            else:
                client.get(page["path"])

    profile = cProfile.Profile()
    profile.runcall(run)
    stats = pstats.Stats(profile).strip_dirs()
    stats.sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats(lines)


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:]))
