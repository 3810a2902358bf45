"""Pick the bench's users and pages in a generated database; log them in; count queries.

    DJANGO_SETTINGS_MODULE=bench.web.settings DATABASE_URL=... python -m bench.web.prepare

Prints one JSON object: the pages (path, method, body, cookie, queries per request).
BENCH_PAGES (optional, names separated by commas) measures only those pages beside the
bare view, for a quicker look at one page while working on it.
Sessions are created through the configured session engine, so gunicorn (same settings,
same SECRET_KEY) accepts the cookies.
"""

import json
import os
import sys
from importlib import import_module
from urllib.parse import urlencode

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django.middleware.csrf import CSRF_ALLOWED_CHARS  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from consent.models import MediaType  # noqa: E402
from consent.rules import purpose_infos  # noqa: E402
from schools.models import Guardianship, StaffMembership  # noqa: E402

BARE = "bare, anonymous"
CSRF_TOKEN = get_random_string(32, allowed_chars=CSRF_ALLOWED_CHARS)


def session_cookie(user) -> str:
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def bench_cast() -> dict:
    """The first bench school's director and first teacher; a parent in that class; board."""
    teacher = (
        StaffMembership.objects.filter(role="teacher", school__code__startswith="bench")
        .select_related("user", "school")
        .order_by("id")
        .first()
    )
    group = teacher.groups.get()
    director = StaffMembership.objects.get(role="director", school=teacher.school).user
    board = (
        StaffMembership.objects.filter(role="board", user__email__startswith="staf")
        .select_related("user")
        .get()
        .user
    )
    guardianship = (
        Guardianship.objects.filter(pupil__group=group, pupil__left_on__isnull=True)
        .select_related("user", "pupil")
        .order_by("pupil_id")
        .first()
    )
    return {
        "teacher": teacher.user,
        "group": group,
        "school": teacher.school,
        "director": director,
        "board": board,
        "parent": guardianship.user,
        "child": guardianship.pupil,
    }


def consent_post_body(child) -> str:
    fields = {"csrfmiddlewaretoken": CSRF_TOKEN}
    for info in purpose_infos():
        fields[f"v-{info.purpose.pk}"] = info.current_version.pk
        for media in MediaType:
            fields[f"c-{info.purpose.pk}-{media.value}"] = "yes"
    return urlencode(fields)


def optional(name: str, *args) -> str | None:
    """Pages other issues add: measured when they exist, skipped with a note otherwise."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def pages(cast) -> list[dict]:
    cookies = {role: session_cookie(cast[role]) for role in ("teacher", "director", "board")}
    cookies["parent"] = session_cookie(cast["parent"])
    code, child, group = cast["school"].code, cast["child"], cast["group"]
    table = [
        (BARE, "/bench/bare/", None),
        ("bare, teacher's cookie", "/bench/bare/", "teacher"),
        ("teacher class overview", reverse("consent:group", args=[group.pk]), "teacher"),
        ("parent's child page", reverse("consent:child", args=[child.pk]), "parent"),
        (
            "check before posting, GET",
            reverse("consent:check_new") + f"?group={group.pk}",
            "teacher",
        ),
        ("photo check, GET", reverse("photo:check"), "teacher"),
        ("director home", reverse("accounts:home_director"), "director"),
        ("director coverage", reverse("consent:coverage", args=[code]), "director"),
        ("director coverage CSV", reverse("consent:coverage_export", args=[code]), "director"),
        ("board monitoring dashboard", reverse("monitoring:dashboard"), "board"),
        ("board protocol confirmations", reverse("policy:confirmations"), "board"),
        ("board home", reverse("accounts:home_board"), "board"),
        ("monitoring mentions", optional("monitoring:mentions", code), "director"),
    ]
    result = []
    for name, path, role in table:
        if path is None:
            result.append({"name": name, "skipped": "page does not exist in this branch"})
            continue
        result.append(page(name, path, cookies.get(role)))
    post = page(
        "parent's child page, POST",
        reverse("consent:child", args=[child.pk]),
        f"{cookies['parent']}; {settings.CSRF_COOKIE_NAME}={CSRF_TOKEN}",
        body=consent_post_body(child),
    )
    result.insert(4, post)
    return chosen(result, os.environ.get("BENCH_PAGES", ""))


def chosen(result: list[dict], names: str) -> list[dict]:
    """The pages named in BENCH_PAGES (all when empty), always with the bare view. Names
    are separated by commas, or by semicolons when there is one (some names hold a comma:
    "check before posting, GET")."""
    wanted = {name.strip() for name in names.split(";" if ";" in names else ",") if name.strip()}
    if not wanted:
        return result
    unknown = wanted - {p["name"] for p in result}
    if unknown:
        raise SystemExit(f"BENCH_PAGES: no page named {', '.join(sorted(unknown))}")
    return [p for p in result if p["name"] in wanted or p["name"] == BARE]


def page(name, path, cookie, body=None) -> dict:
    method = "POST" if body else "GET"
    return {
        "name": name,
        "path": path,
        "method": method,
        "cookie": cookie,
        "body": body,
        "queries": count_queries(path, cookie, body),
    }


def count_queries(path, cookie, body) -> int:
    """Queries of the second request (the first may fill caches), through the full stack."""
    client = Client()
    for part in (cookie or "").split("; "):
        if "=" in part:
            key, value = part.split("=", 1)
            client.cookies[key] = value
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            if body:
                response = client.post(path, body, content_type="application/x-www-form-urlencoded")
            else:
                response = client.get(path)
    if response.status_code not in (200, 302):
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    return len(queries)


def count_board_home() -> None:
    """The board's home page of a large foundation reads stored counts: count every
    school not counted yet (once per database: minutes at the national size)."""
    from accounts.board import is_large, recount_stale

    if is_large():
        recount_stale()


if __name__ == "__main__":
    count_board_home()
    json.dump({"pages": pages(bench_cast())}, sys.stdout)
