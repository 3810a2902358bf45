"""Hostile bodies POSTed to every form of the portal, as each role that may use it.

test_url_access.py's junk walk sends NUL bytes, %ff, long numbers and 10 kB values; this
sweep sends what an attacker or a careless user adds: 100,000 characters, lone surrogates
and raw invalid UTF-8 in the body, a list where one value is expected, numbers out of range,
unknown choices, HTML and script, also as multipart. Every answer is below 500, and a
refused request (anything but a redirect without an error message) leaves every table of
our apps as it was: the same rows, and on PostgreSQL the same contents.
"""

from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib.messages import constants, get_messages
from django.db import connection
from django.urls import reverse

from monitoring.models import Post
from opo_portal.tests import test_url_access as url_access
from opo_portal.tests.test_url_access import ACCESS, FORM, _recording

cast = url_access.cast  # the same cast of users and rows, as a fixture of this module

ROLES = ["parent", "teacher", "director", "board", "privacy_officer"]
OUR_APPS = ("accounts", "schools", "policy", "consent", "monitoring")
POST_ROUTES = sorted(ACCESS)
OUT_OF_REACH = {403, 404, 405}

# Values for a form-urlencoded body, already percent-encoded (or raw bytes, on purpose).
HOSTILE = {
    "100,000 characters": "x" * 100_000,
    "NUL inside": "ab%00cd",
    "lone surrogate": "%ED%A0%80",
    "raw invalid UTF-8": "\udcff\udcfe",  # written as the bytes ff fe, not percent-encoded
    "minus one": "-1",
    "beyond bigint": str(2**63),
    "beyond double": "1e309",
    "not a number": "NaN",
    "unknown choice": "no-such-choice",
    "HTML and script": quote('"><script>alert(1)</script><img src=x onerror=alert(1)>'),
}

# Not UTF-8: refused whole (opo_portal.middleware.ReadableFormMiddleware), never read as "�".
UNREADABLE = {"lone surrogate", "raw invalid UTF-8"}


@pytest.fixture
def keys_read(monkeypatch):
    """The names a view looks up in request.POST (see test_url_access.keys_read)."""
    from django.http import QueryDict

    keys: set[str] = set()
    for method in ("get", "getlist", "__getitem__", "__contains__"):
        monkeypatch.setattr(QueryDict, method, _recording(getattr(QueryDict, method), keys))
    return keys


def _our_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy
    )


def database_state() -> tuple:
    """Row counts of every table of our apps in one query; on PostgreSQL also a hash of
    each table's rows, so an UPDATE of a refused request shows too."""
    tables = _our_tables()
    rows = ROWS_AND_HASH if connection.vendor == "postgresql" else ROWS
    parts = [rows.format(table=connection.ops.quote_name(table)) for table in tables]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(zip(tables, cursor.fetchone(), strict=True))


ROWS = "(SELECT count(*) FROM {table})"
ROWS_AND_HASH = (
    "(SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '')"
    " FROM {table} t)"
)


def _body(keys, value: str, *, repeated: bool = False) -> bytes:
    pairs = [f"{quote(key)}={value}" for key in sorted(keys)]
    if repeated:  # the same key twice: a list where one value is expected
        pairs = [pair for key in sorted(keys) for pair in (f"{quote(key)}=1", f"{quote(key)}=2")]
    return "&".join(pairs).encode("utf-8", "surrogateescape")


def _multipart(keys, value: str) -> dict:
    return dict.fromkeys(keys, value)


def _refused(response) -> bool:
    if response.status_code not in (301, 302, 303):
        return True
    # only this request's messages: earlier ones wait unread, as no redirect is followed
    levels = {m.level for m in get_messages(response.wsgi_request)._queued_messages}
    return bool(levels & {constants.ERROR, constants.WARNING})


def _bodies(keys):
    for name, value in HOSTILE.items():
        yield name, lambda c, url, v=value: c.post(url, _body(keys, v), content_type=FORM)
    yield "a list", lambda c, url: c.post(url, _body(keys, "", repeated=True), content_type=FORM)
    for name in ("100,000 characters", "HTML and script"):
        value = {"100,000 characters": "x" * 100_000, "HTML and script": "<script>x</script>"}
        yield f"multipart {name}", lambda c, url, v=value[name]: c.post(url, _multipart(keys, v))
    yield "multipart NUL", lambda c, url: c.post(url, _multipart(keys, "ab\x00cd"))


def _sweep(client, url, keys) -> dict:
    """{(body, status): what went wrong} for one signed-in client on one URL."""
    problems = {}
    for name, send in _bodies(keys):
        before = database_state()
        response = send(client, url)
        if response.status_code >= 500:
            problems[name] = response.status_code
        elif name in UNREADABLE and keys and response.status_code != 400:
            problems[name] = (response.status_code, "read a body that is not UTF-8")
        elif _refused(response) and database_state() != before:
            changed = [b[0] for a, b in zip(before, database_state(), strict=True) if a != b]
            problems[name] = (response.status_code, "refused, yet changed", changed)
    return problems


@pytest.mark.parametrize("url_name", POST_ROUTES)
def test_it_answers_hostile_bodies_without_an_error_or_a_half_written_change(
    client, cast, keys_read, url_name
):
    kwargs_from, _ = ACCESS[url_name]
    url = reverse(url_name, kwargs=kwargs_from(cast) if kwargs_from else None)
    problems = {}
    for role in ROLES:
        client.force_login(cast[role])
        keys_read.clear()
        if client.post(url, "_=1", content_type=FORM).status_code in OUT_OF_REACH:
            continue  # no form of this role's posts here (test_url_access walks those)
        problems |= {(role, k): v for k, v in _sweep(client, url, set(keys_read)).items()}
    assert problems == {}, url


def test_the_database_state_sees_a_changed_row(pupil_a):
    """The comparison above can fail: an UPDATE that keeps the count is seen on PostgreSQL."""
    before = database_state()
    type(pupil_a).objects.filter(pk=pupil_a.pk).update(first_name="Anders")
    if connection.vendor == "postgresql":
        assert database_state() != before
    pupil_a.delete()
    assert database_state() != before


# --- One hostile field at a time in an otherwise valid form --------------------------------
# With every field hostile a view stops at the first it checks; here each form as a page
# renders it (its inputs' values, the checked boxes, the first offered option) is sent with
# one field replaced, so the value reaches the service behind the form.
ONE_FIELD = {
    "100,000 characters": "x" * 100_000,
    "NUL inside": "ab\x00cd",
    "lone surrogate": "\ud800",
    "beyond bigint": str(2**63),
    "beyond double": "1e309",
    "minus one": "-1",
    "unknown choice": "no-such-choice",
    "HTML and script": "<script>alert(1)</script>",
    "a date out of range": "99999-12-31",
}


class _Forms(HTMLParser):
    """The POST forms of a page: [(action, [(name, value), ...])]; with `methods`, also
    forms of other methods (their methods in `self.methods`, in the same order)."""

    def __init__(self, methods=("post",)):
        super().__init__()
        self.forms: list[tuple[str, list]] = []
        self.methods: list[str] = []
        self._methods = methods
        self._fields: list | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._first_radios: dict[str, str | None] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() in self._methods:
            self._fields, self._first_radios = [], {}
            self.forms.append((a.get("action") or "", self._fields))
            self.methods.append((a.get("method") or "get").lower())
        elif self._fields is None or not a.get("name"):
            return
        elif tag == "input":
            self._input(a)
        elif tag == "select":
            self._select, self._select_value = a["name"], None
        elif tag == "textarea":
            self._textarea = a["name"]
            self._fields.append((a["name"], ""))
        elif tag == "button" and a.get("value") is not None:
            self._fields.append((a["name"], a["value"]))

    def _input(self, a):
        kind = (a.get("type") or "text").lower()
        if kind == "radio" and "checked" not in a:  # a person picks one: the first
            self._first_radios.setdefault(a["name"], a.get("value", "on"))
            return
        if kind == "checkbox" and "checked" not in a:
            return
        if kind == "radio":
            self._first_radios[a["name"]] = None
        if kind not in ("file", "submit", "image", "reset") or a.get("value"):
            self._fields.append((a["name"], a.get("value") or ("1" if kind == "number" else "x")))

    def handle_starttag_option(self, a):
        if self._select and (self._select_value is None or "selected" in a):
            self._select_value = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form" and self._fields is not None:
            picked = [(n, v) for n, v in self._first_radios.items() if v is not None]
            self._fields.extend(n_v for n_v in picked if n_v[0] not in dict(self._fields))
            self._fields = None
        elif tag == "select" and self._select and self._fields is not None:
            self._fields.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._fields:
            name, value = self._fields[-1]
            self._fields[-1] = (name, value + data)


def _forms_on(client, url: str) -> list[tuple[str, list]]:
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    return [(action, fields) for _, action, fields in _forms_in(response.content.decode(), url)]


def _forms_in(html: str, url: str, methods=("post",)) -> list[tuple[str, str, list]]:
    """[(method, action, fields)] of the page's forms of those methods."""
    parser = _Forms(methods)
    parser.handle_starttag = _with_options(parser)
    parser.feed(html)
    return [
        (method, action or url, fields)
        for method, (action, fields) in zip(parser.methods, parser.forms, strict=True)
    ]


def _with_options(parser):
    plain = type(parser).handle_starttag.__get__(parser)

    def handle(tag, attrs):
        if tag == "option":
            parser.handle_starttag_option(dict(attrs))
        else:
            plain(tag, attrs)

    return handle


def _one_field_problems(client, action: str, fields: list) -> dict:
    problems = {}
    csrf = [(n, v) for n, v in fields if n == "csrfmiddlewaretoken"]
    names = sorted({n for n, _ in fields} - {"csrfmiddlewaretoken"})
    for name in names:
        for label, value in ONE_FIELD.items():
            data = [(n, v) for n, v in fields if n != name] + [(name, value)] + csrf
            if label == "unknown choice":  # also: the field twice, a list for one value
                data = [*fields, (name, "2")]
            before = database_state()
            body = "&".join(f"{quote(n)}={quote(v, errors='surrogatepass')}" for n, v in data)
            response = client.post(action, body, content_type=FORM)
            if response.status_code >= 500:
                problems[action, name, label] = response.status_code
            elif label in UNREADABLE and response.status_code != 400:
                problems[action, name, label] = (response.status_code, "read as text")
            elif _refused(response) and database_state() != before:
                problems[action, name, label] = (response.status_code, "refused, yet changed")
    return problems


def _every_url(cast) -> list[str]:
    """Every route of ACCESS once; the case's rows (and a feed) made once, not per route."""
    rows = url_access._monitoring_flag_on_case(cast)
    made = {
        url_access._case: {"pk": rows["case"]},
        url_access._flag: {"pk": rows["flag"]},
        url_access._reply: {"pk": rows["reply"]},
        url_access._mention: {"code": "vlindertuin", "post_pk": rows["post"]},
        url_access._source: {"pk": Post.objects.get(pk=rows["post"]).source_id},
    }
    urls = []
    for url_name, (kwargs_from, _) in sorted(ACCESS.items()):
        if kwargs_from is not None and kwargs_from not in made:
            made[kwargs_from] = kwargs_from(cast)
        urls.append(reverse(url_name, kwargs=made.get(kwargs_from)))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_it_refuses_one_hostile_field_in_a_valid_form_cleanly(client, cast, role):
    client.force_login(cast[role])
    seen, problems = set(), {}
    for url in _every_url(cast):
        for action, fields in _forms_on(client, url):
            key = (action, tuple(sorted({n for n, _ in fields})))
            if key in seen or action.startswith(("/accounts/", "/i18n/")):
                continue
            seen.add(key)
            problems |= _one_field_problems(client, action, fields)
    assert problems == {}


# --- Every aria-describedby names an element of the page, also on a form with errors -----
# Django sets aria-describedby="id_<field>_error" on an invalid field's widget; a page that
# shows a message of its own instead of {{ field.errors }} has no element of that id, and a
# screen reader then reads nothing (the grid's filter and "Wie mag er op …?", 2026-12-07).
# Each form of every page (GET filters too) is sent with one field empty, an unknown choice
# or too long, and every answer that is a page is checked.
BAD_VALUES = {"empty": "", "unknown choice": "no-such-choice", "too long": "x" * 100_000}


class _Ids(HTMLParser):
    """The ids of a page's elements and the ids its aria-describedby attributes name."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.described_by: list[tuple[str, str]] = []  # (tag and name, id named)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        for named in (a.get("aria-describedby") or "").split():
            self.described_by.append((f"{tag} {a.get('name') or a.get('id') or ''}", named))


def _missing_descriptions(html: str) -> set[tuple[str, str]]:
    parser = _Ids()
    parser.feed(html)
    return {(what, named) for what, named in parser.described_by if named not in parser.ids}


def _describedby_problems(client, method: str, action: str, fields: list) -> dict:
    problems = {}
    names = sorted({n for n, _ in fields} - {"csrfmiddlewaretoken"})
    for name in names:
        for label, value in BAD_VALUES.items():
            data = [(n, v) for n, v in fields if n != name] + [(name, value)]
            body = "&".join(f"{quote(n)}={quote(v)}" for n, v in data)
            if method == "get":
                response = client.get(f"{action.split('?')[0]}?{body}")
            else:
                response = client.post(action, body, content_type=FORM)
            if "html" not in response.get("Content-Type", "") or response.status_code in (
                301,
                302,
                303,
            ):
                continue
            if missing := _missing_descriptions(response.content.decode()):
                problems[method, action, name, label] = missing
    return problems


def test_a_page_whose_aria_describedby_names_no_element_is_found():
    """The check below can fail: Django's own error id without the element that holds it."""
    field = '<select name="media" aria-invalid="true" aria-describedby="id_media_error">'
    assert _missing_descriptions(f"<p role=alert>Kies.</p>{field}</select>") == {
        ("select media", "id_media_error")
    }
    assert _missing_descriptions(f'<p id="id_media_error">Kies.</p>{field}</select>') == set()


@pytest.mark.parametrize("role", ROLES)
def test_every_aria_describedby_names_an_element_of_the_page_also_after_bad_input(
    client, cast, role
):
    client.force_login(cast[role])
    seen, problems = set(), {}
    for url in _every_url(cast):
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if missing := _missing_descriptions(html):
            problems["get", url] = missing
        for method, action, fields in _forms_in(html, url, methods=("get", "post")):
            key = (method, action.split("?")[0], tuple(sorted({n for n, _ in fields})))
            if key in seen or action.startswith(("/accounts/", "/i18n/")):
                continue
            seen.add(key)
            problems |= _describedby_problems(client, method, action, fields)
    assert problems == {}
