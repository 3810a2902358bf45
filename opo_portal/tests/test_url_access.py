"""Walk every URL of the portal as each role.

Every named route of our apps must be listed in ACCESS with the status each role gets;
a new URL without an entry fails `test_it_declares_who_may_see_every_url`.

Two users hold two roles at two schools (issue 10): `director_parent` directs school B and
is a guardian without gezag of pupil_a at school A; `teacher_parent` teaches at school B
and holds gezag over pupil_a. On a URL about school A's objects they are parents only, so
they get the parent's status there; elsewhere they get their staff role's status (or the
parent's, where that is better). An entry may state their statuses explicitly instead.
Allauth's and the admin's routes are theirs, covered by their own tests.

The same table drives the junk walk: every route, as four roles, gets NUL bytes, %ff,
huge and negative numbers and 10 kB values in every parameter its view reads; allauth's
pages (anonymous and a parent) and the admin's lists and add forms (a superuser) get it too.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

BASE_ROLES = ["anonymous", "parent", "teacher", "director", "board", "privacy_officer", "outsider"]
TWO_ROLES = {"director_parent": "director", "teacher_parent": "teacher"}
ROLES = BASE_ROLES + list(TWO_ROLES)
OUR_MODULES = ("accounts.", "schools.", "policy.", "consent.", "monitoring.", "opo_portal.")

OK, LOGIN, NOT_FOUND, REDIRECT, NOT_ALLOWED = 200, "login", 404, 302, 405


def everyone(status):
    return dict.fromkeys(BASE_ROLES, status)


def logged_in(**statuses):
    """Anonymous users are sent to login; each other role gets the given status."""
    return {"anonymous": LOGIN, **statuses}


def staff_only(*roles, otherwise=NOT_FOUND):
    return logged_in(**{r: (OK if r in roles else otherwise) for r in BASE_ROLES[1:]})


def _draft_section(cast):
    return {"number": cast["draft"].number, "pk": cast["draft"].sections.first().pk}


def _draft_article(cast):
    section = cast["draft"].sections.first()
    return {"number": cast["draft"].number, "pk": section.articles.first().pk}


def _school_a(cast):
    return {"code": "vlindertuin"}


def _teacher_a_at_a(cast):
    from schools.models import StaffMembership

    membership = StaffMembership.objects.get(user=cast["teacher"], role="teacher")
    return {"code": "vlindertuin", "pk": membership.pk}


def _reminder_stop_token(cast):
    from consent.reminder_stop import reminder_stop_url

    return {"token": reminder_stop_url(cast["parent"].pk).rstrip("/").rsplit("/", 1)[1]}


def _consent_pupil(cast):
    return {"pk": cast["parent"].guardianships.first().pupil_id}


def _consent_group(cast):
    return {"pk": cast["parent"].guardianships.first().pupil.group_id}


def _consent_purpose():
    from consent.models import Purpose

    return Purpose.objects.get(code="website")


def _consent_check(cast):
    from consent.services import publication_check_create

    pupil = cast["parent"].guardianships.first().pupil
    check = publication_check_create(
        user=cast["teacher"], purpose=_consent_purpose(), media_type="photo", pupils=[pupil]
    )
    return {"pk": check.pk}


# url name -> (kwargs from the cast, {role: expected})
ACCESS = {
    "home": (None, {**everyone(REDIRECT), "anonymous": LOGIN}),
    "health": (None, everyone(OK)),
    "favicon": (None, everyone(OK)),
    "set_language": (None, everyone(REDIRECT)),
    # Parents confirm an account change by e-mailed code; staff go to the password step.
    "account_reauthenticate_by_code": (
        None,
        logged_in(
            parent=OK,
            outsider=OK,
            **dict.fromkeys(
                ["teacher", "director", "board", "privacy_officer", *TWO_ROLES], REDIRECT
            ),
        ),
    ),
    # allauth's "set a password", asked again first (accounts.views.PasswordSetView); the
    # cast all have a password, so they are sent on to the change page.
    "account_set_password": (None, logged_in(**dict.fromkeys(BASE_ROLES[1:], REDIRECT))),
    # allauth's download of the recovery codes, named in the user's language
    # (accounts.views.RecoveryCodesDownloadView); the cast have no recovery codes.
    "mfa_download_recovery_codes": (None, logged_in(**dict.fromkeys(BASE_ROLES[1:], NOT_FOUND))),
    # The staff session warning's seconds left (static/js/session-warning.js).
    "account_session": (None, staff_only("teacher", "director", "board", "privacy_officer")),
    "accounts:home_parent": (None, logged_in(**dict.fromkeys(BASE_ROLES[1:], OK))),
    "accounts:home_teacher": (None, staff_only("teacher")),
    "accounts:home_director": (None, staff_only("director")),
    "accounts:home_board": (None, staff_only("board")),
    "accounts:home_privacy": (None, staff_only("privacy_officer")),
    "accounts:home_none": (None, logged_in(**dict.fromkeys(BASE_ROLES[1:], OK))),
    "schools:import_pupils": (None, staff_only("director", "board")),
    # staff roles given and ended, per school: read by the privacy officer and the board
    "schools:access_changes": (None, staff_only("board", "privacy_officer")),
    # which teacher teaches which of this year's groups: changed by directors and board
    "schools:staff_groups": (_school_a, staff_only("director", "board")),
    "schools:staff_teacher_add": (_school_a, staff_only("director", "board")),
    # where parents' replies to the school's e-mails go: set by its director or the board
    "schools:school_contact": (_school_a, staff_only("director", "board")),
    # the confirmation before a teacher's membership at the school ends
    "schools:staff_teacher_remove": (_teacher_a_at_a, staff_only("director", "board")),
    # Protocol: anyone reads; board drafts and publishes; directors see their school's list
    "policy:current": (None, everyone(OK)),
    "policy:history": (None, everyone(OK)),
    "policy:version": (lambda c: {"number": 1}, everyone(OK)),
    "policy:diff_choose": (None, everyone(OK)),
    "policy:diff": (lambda c: {"old": 1, "new": 2}, everyone(OK)),
    # a GET (the login after an expired session) goes back to the confirm button
    "policy:confirm": (None, logged_in(**dict.fromkeys(BASE_ROLES[1:], REDIRECT))),
    "policy:confirmations": (None, staff_only("director", "board", "privacy_officer")),
    # the board staff's and privacy officers' own list, for those who see it on the overview
    "policy:foundation_staff_csv": (None, staff_only("board", "privacy_officer")),
    "policy:foundation_staff_xlsx": (None, staff_only("board", "privacy_officer")),
    "policy:confirmation_list": (
        _school_a,
        staff_only("director", "board", "privacy_officer"),
    ),
    "policy:confirmation_csv": (_school_a, staff_only("director", "board", "privacy_officer")),
    "policy:confirmation_xlsx": (_school_a, staff_only("director", "board", "privacy_officer")),
    # POST only (policy/tests/test_reminders.py: the school's director and the board)
    "policy:confirmation_remind": (
        _school_a,
        logged_in(**dict.fromkeys(BASE_ROLES[1:], NOT_ALLOWED)),
    ),
    "policy:drafts": (None, staff_only("board")),
    "policy:draft_start": (None, logged_in(**dict.fromkeys(BASE_ROLES[1:], NOT_ALLOWED))),
    "policy:draft_edit": (lambda c: {"number": c["draft"].number}, staff_only("board")),
    "policy:draft_preview": (lambda c: {"number": c["draft"].number}, staff_only("board")),
    "policy:draft_publish": (
        lambda c: {"number": c["draft"].number},
        logged_in(**dict.fromkeys(BASE_ROLES[1:], NOT_ALLOWED)),
    ),
    "policy:draft_discard": (
        lambda c: {"number": c["draft"].number},
        logged_in(**dict.fromkeys(BASE_ROLES[1:], NOT_ALLOWED)),
    ),
    "policy:section_add": (lambda c: {"number": c["draft"].number}, staff_only("board")),
    "policy:section_edit": (_draft_section, staff_only("board")),
    "policy:section_remove": (
        _draft_section,
        logged_in(**dict.fromkeys(BASE_ROLES[1:], NOT_ALLOWED)),
    ),
    "policy:article_add": (_draft_section, staff_only("board")),
    "policy:article_edit": (_draft_article, staff_only("board")),
    "policy:article_remove": (
        _draft_article,
        logged_in(**dict.fromkeys(BASE_ROLES[1:], NOT_ALLOWED)),
    ),
    "photo:check": (None, staff_only("teacher", "director")),
    # Consent: parents their own children; teachers their groups; directors their school
    "consent:my_children": (None, logged_in(**dict.fromkeys(BASE_ROLES[1:], OK))),
    "consent:child": (_consent_pupil, staff_only("parent")),
    # A guardian without gezag (director_parent) cannot decide: sent back to the child page.
    "consent:withdraw": (_consent_pupil, {**staff_only("parent"), "director_parent": REDIRECT}),
    "consent:review_unchanged": (
        _consent_pupil,
        logged_in(**dict.fromkeys(BASE_ROLES[1:], NOT_ALLOWED)),
    ),
    "consent:my_data": (None, logged_in(**dict.fromkeys(BASE_ROLES[1:], OK))),
    "consent:my_data_json": (None, logged_in(**dict.fromkeys(BASE_ROLES[1:], OK))),
    # stop or resume one's own reminders on "Mijn gegevens": POST only
    "consent:my_data_reminders": (None, logged_in(**dict.fromkeys(BASE_ROLES[1:], NOT_ALLOWED))),
    # the link in a reminder: no login, the signed token names the parent
    "consent:reminders_stop": (_reminder_stop_token, everyone(OK)),
    "consent:overview": (None, staff_only("teacher", "director", "board", "privacy_officer")),
    "consent:group": (
        _consent_group,
        staff_only("teacher", "director", "board", "privacy_officer"),
    ),
    "consent:group_appear": (
        _consent_group,
        staff_only("teacher", "director", "board", "privacy_officer"),
    ),
    "consent:check_new": (None, staff_only("teacher", "director", "board")),
    "consent:check": (
        _consent_check,
        staff_only("teacher", "director", "board", "privacy_officer"),
    ),
    "consent:check_adjust": (
        _consent_check,
        logged_in(**dict.fromkeys(BASE_ROLES[1:], NOT_ALLOWED)),
    ),
    "consent:takedowns": (None, staff_only("teacher", "director", "board")),
    "consent:takedown_done": (
        lambda c: {"pk": 1},
        logged_in(**dict.fromkeys(BASE_ROLES[1:], NOT_ALLOWED)),
    ),
    "consent:coverage_index": (None, staff_only("director", "board", "privacy_officer")),
    "consent:coverage": (_school_a, staff_only("director", "board", "privacy_officer")),
    "consent:coverage_export": (
        _school_a,
        staff_only("director", "board", "privacy_officer"),
    ),
    "consent:coverage_export_xlsx": (
        _school_a,
        staff_only("director", "board", "privacy_officer"),
    ),
    "consent:school_takedowns": (
        _school_a,
        staff_only("director", "board", "privacy_officer"),
    ),
    # GET is the preview (how many parents, why not the others); POST sends.
    "consent:remind": (_school_a, staff_only("director", "board")),
    "consent:review_round": (
        _school_a,
        staff_only("director", "board"),
    ),
    "consent:record": (_consent_pupil, staff_only("director", "board")),
    # a pupil's consent file: read by the school's readers, the privacy officer included
    "consent:pupil_search": (_school_a, staff_only("director", "board", "privacy_officer")),
    "consent:dossier": (_consent_pupil, staff_only("director", "board", "privacy_officer")),
    "consent:dossier_gezag": (_consent_pupil, staff_only("director", "board", "privacy_officer")),
    "consent:purposes": (None, staff_only("board")),
    "consent:purpose_text": (lambda c: {"pk": _consent_purpose().pk}, staff_only("board")),
}


# Monitoring (monitoring app)
def _monitoring_case(cast):
    from django.utils import timezone

    from monitoring.models import FollowUp

    school = cast["director"].memberships.get().school
    return {"pk": FollowUp.objects.create(school=school, opened_at=timezone.now()).pk}


def _monitoring_flag_on_case(cast):
    """A fact to verify on a case at school A, with an approved reply: the forms behind the
    POST-only routes of a case get real rows, so junk reaches them (see the junk test)."""
    from django.utils import timezone

    from monitoring.models import Mention, PublicReply
    from monitoring.tests.helpers import make_case, make_flag, make_post, make_source

    school = cast["director"].memberships.get().school
    case, post = make_case(school), make_post(make_source())
    Mention.objects.create(post=post, school=school, created_at=timezone.now())
    flag = make_flag(post, school, "verify_fact", case)
    reply = PublicReply.objects.create(
        followup=case, text="Klopt niet.", drafted_at=timezone.now(), approved_at=timezone.now()
    )
    return {"case": case.pk, "flag": flag.pk, "reply": reply.pk, "post": post.pk}


def _on_case(part: str):
    def kwargs(cast):
        return {"pk": _monitoring_flag_on_case(cast)[part]}

    return kwargs


def _mention(cast):
    return {"code": "vlindertuin", "post_pk": _monitoring_flag_on_case(cast)["post"]}


def _source(cast):
    from monitoring.tests.helpers import make_source

    return {"pk": make_source().pk}


def _watch_term(cast):
    from monitoring.models import WatchTerm

    school = cast["director"].memberships.get().school
    return {"pk": WatchTerm.objects.create(school=school, term="schoolreis").pk}


# The privacy officer audits: reads what directors and board staff read, changes nothing.
AUDIT = staff_only("director", "board", "privacy_officer")
_case, _flag, _reply = _on_case("case"), _on_case("flag"), _on_case("reply")
_POST_ONLY = logged_in(**dict.fromkeys(BASE_ROLES[1:], NOT_ALLOWED))
ACCESS.update(
    {
        "monitoring:dashboard": (None, AUDIT),
        "monitoring:case": (_monitoring_case, AUDIT),
        "monitoring:case_update": (_case, _POST_ONLY),
        "monitoring:flag_dismiss": (_flag, _POST_ONLY),
        "monitoring:reply_draft": (_case, _POST_ONLY),
        "monitoring:reply_approve": (_reply, _POST_ONLY),
        "monitoring:reply_posted": (_reply, _POST_ONLY),
        "monitoring:report_post": (None, staff_only("teacher", "director", "board")),
        "monitoring:report": (None, AUDIT),
        "monitoring:report_csv": (None, AUDIT),
        "monitoring:sources": (None, staff_only("board")),
        "monitoring:source_toggle": (_source, _POST_ONLY),
        "monitoring:watch_terms": (None, staff_only("board")),
        "monitoring:watch_term_delete": (_watch_term, _POST_ONLY),
        "monitoring:privacy": (None, everyone(OK)),
        "monitoring:mentions": (_school_a, AUDIT),
        "monitoring:mention_mark": (_mention, _POST_ONLY),
    }
)


# URLs whose kwargs name an object at school A, where the two-role users are parents only.
AT_SCHOOL_A = {
    _school_a,
    _teacher_a_at_a,
    _consent_pupil,
    _consent_group,
    _consent_check,
    _monitoring_case,
}
AT_SCHOOL_A |= {_case, _flag, _reply, _mention, _watch_term}  # the POST-only routes' rows


def expected_statuses(url_name: str) -> dict:
    kwargs_from, declared = ACCESS[url_name]
    expected = dict(declared)
    for role, staff_role in TWO_ROLES.items():
        if role in expected:
            continue
        staff, parent = declared[staff_role], declared["parent"]
        if kwargs_from in AT_SCHOOL_A:
            expected[role] = parent
        else:
            expected[role] = staff if staff == OK or parent != OK else parent
    return expected


def _named_routes(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name and namespace != "admin:":
            # the admin's routes are theirs, also its search-as-you-type, which answers
            # through schools.admin (pupils named with their school)
            module = getattr(entry.callback, "__module__", "")
            if module.startswith(OUR_MODULES) or entry.name == "set_language":
                yield f"{namespace}{entry.name}"


def test_it_declares_who_may_see_every_url():
    routes = set(_named_routes(get_resolver().url_patterns))
    assert sorted(routes - set(ACCESS)) == [], "add these URLs to ACCESS"
    assert sorted(set(ACCESS) - routes) == [], "these URLs no longer exist"


@pytest.fixture
def cast(
    request,
    parent_a,
    teacher_a,
    director_a,
    board,
    privacy_officer,
    outsider,
    pupil_a2,
    pupil_b,
    director_parent,
    teacher_parent,
):
    from policy import services as policy_services
    from policy.tests.conftest import edit_one_article

    second = policy_services.version_draft_start(by=board)
    edit_one_article(second)
    policy_services.version_update_summary(version=second, summary="Kleine correctie")
    policy_services.version_publish(version=second, by=board)
    return {
        "draft": policy_services.version_draft_start(by=board),
        "parent": parent_a,
        "teacher": teacher_a,
        "director": director_a,
        "board": board,
        "privacy_officer": privacy_officer,
        "outsider": outsider,
        "director_parent": director_parent,
        "teacher_parent": teacher_parent,
    }


def assert_security_headers(response, *, signed_in: bool) -> None:
    """Issue 10: a CSP on every response; pages of signed-in people are never cached; no
    page makes the browser fetch anything from another origin (route audit, 2026-12-03)."""
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, csp
    assert "frame-ancestors 'none'" in csp
    if signed_in:
        assert "no-store" in response.headers.get("Cache-Control", ""), response.request
    if "html" in response.headers.get("Content-Type", ""):
        loads = OTHER_ORIGIN.findall(response.content.decode())
        assert loads == [], ("the page loads from another origin", loads, response.request)


# What makes a browser fetch from elsewhere by itself (a plain <a href> is the user's click).
OTHER_ORIGIN = re.compile(
    r"""\b(?:src|srcset|action|formaction|poster|data)\s*=\s*["']?\s*(?:[a-z]+:)?//"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?\s*(?:[a-z]+:)?//|url\(\s*["']?\s*(?:[a-z]+:)?//""",
    re.IGNORECASE,
)


@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_it_gives_each_role_the_declared_status(client, cast, url_name):
    kwargs_from, _ = ACCESS[url_name]
    expected = expected_statuses(url_name)
    url = reverse(url_name, kwargs=kwargs_from(cast) if kwargs_from else None)
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(cast[role])
        response = client.get(url)
        assert_security_headers(response, signed_in=role != "anonymous")
        want = expected[role]
        if want == LOGIN:
            assert response.status_code == 302, (role, url)
            assert response.url.startswith(reverse("account_login")), (role, url)
        else:
            assert response.status_code == want, (role, url, response.status_code)


# --- Junk in query strings and forms (route audit, 2026-12-03) -----------------------------
# What a scanner or a mistyped link sends. PostgreSQL refuses a NUL character in a string
# (a 500 wherever one reaches a query); %ff is no UTF-8; the rest are page numbers and sizes.
JUNK = {
    "nul": "%00",
    "nul inside": "1%00x",
    "bad utf-8": "%ff",
    "beyond bigint": "1" + "0" * 30,
    "10 kB": "a" * 10_000,
}
JUNK_PAGES = {"word": "abc", "negative": "-1", "zero": "0"}  # in query strings only
JUNK_ROLES = ["parent", "teacher", "director", "board", "privacy_officer"]
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def keys_read(monkeypatch):
    """Every name a view looks up in request.GET or request.POST: a route added later gets
    junk in exactly the parameters it reads, without a list to keep up to date."""
    from django.http import QueryDict

    keys: set[str] = set()
    for method in ("get", "getlist", "__getitem__", "__contains__"):
        monkeypatch.setattr(QueryDict, method, _recording(getattr(QueryDict, method), keys))
    return keys


def _recording(original, keys: set):
    def recording(self, key, *args, **kwargs):
        keys.add(key)
        return original(self, key, *args, **kwargs)

    return recording


def _junk_body(keys, value: str, *, repeated=False) -> str:
    """Every key set to the (already percent-encoded) value; repeated: after a valid 1."""
    from urllib.parse import quote

    pairs = [f"{quote(key)}={value}" for key in sorted(keys)]
    if repeated:
        pairs = [f"{quote(key)}=1" for key in sorted(keys)] + pairs
    return "&".join(pairs)


def _junk_statuses(client, url, keys) -> dict:
    """Status per (method, junk). One plain request of each method first shows which keys
    the view reads; the lone extra key makes `request.GET or None` forms bound."""
    client.get(url + "?_=1")
    client.post(url, "_=1", content_type=FORM)
    statuses = {
        ("get", name): client.get(f"{url}?{_junk_body(keys, value)}").status_code
        for name, value in {**JUNK, **JUNK_PAGES}.items()
    }
    statuses["get", "repeated"] = client.get(f"{url}?{_junk_body(keys, '%00', repeated=True)}")
    for name, value in JUNK.items():
        statuses["post", name] = client.post(url, _junk_body(keys, value), content_type=FORM)
    return {key: getattr(s, "status_code", s) for key, s in statuses.items()}


@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_it_answers_junk_in_every_parameter_without_a_server_error(
    client, cast, keys_read, url_name
):
    kwargs_from, _ = ACCESS[url_name]
    url = reverse(url_name, kwargs=kwargs_from(cast) if kwargs_from else None)
    for role in JUNK_ROLES:
        client.force_login(cast[role])
        statuses = _junk_statuses(client, url, keys_read)
        assert {key: s for key, s in statuses.items() if s >= 500} == {}, (role, url, keys_read)


@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_it_refuses_methods_no_form_sends(client, cast, url_name):
    """PUT, PATCH, DELETE and the like rendered the GET page (a 200 with the page's data);
    the portal's forms send GET and POST only, so anything else is a 405."""
    kwargs_from, _ = ACCESS[url_name]
    url = reverse(url_name, kwargs=kwargs_from(cast) if kwargs_from else None)
    for role in ("anonymous", "director"):
        if role != "anonymous":
            client.force_login(cast[role])
        for method in ("PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"):
            response = client.generic(method, url)
            assert response.status_code == 405, (role, method, url, response.status_code)
            assert response["Allow"] == "GET, HEAD, POST"
            assert "Content-Security-Policy" in response and response.content == b""


def _other_routes(patterns=None, namespace=""):
    """(name, kwargs) of the named routes outside ACCESS: allauth's, and the admin's lists
    and add forms (the pages that read parameters); "1" fills any part of the path."""
    from django.urls import NoReverseMatch

    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _other_routes(entry.url_patterns, ns)
            continue
        name = f"{namespace}{entry.name}"
        # health_ready answers 503 by design while no Celery worker runs (ops/tests cover it)
        skipped = not entry.name or name in ACCESS or name in ("account_logout", "health_ready")
        admin_page = name.startswith("admin:") and not name.endswith(("_changelist", "_add"))
        if skipped or admin_page:
            continue
        kwargs = dict.fromkeys(entry.pattern.regex.groupindex, "1")
        try:
            yield name, reverse(name, kwargs=kwargs)
        except NoReverseMatch:  # a part only some words match (the admin's app labels)
            continue


@pytest.mark.parametrize(("url_name", "url"), sorted(_other_routes()))
def test_it_answers_junk_on_allauth_and_admin_pages_without_a_server_error(
    client, parent_a, keys_read, url_name, url
):
    from conftest import give_totp, make_user

    admin = give_totp(make_user("beheer@example.org", is_staff=True, is_superuser=True))
    for user in (None, admin if url_name.startswith("admin:") else parent_a):
        client.logout()
        if user is not None:
            client.force_login(user)
        statuses = _junk_statuses(client, url, keys_read)
        assert {key: s for key, s in statuses.items() if s >= 500} == {}, (user, url, keys_read)


@pytest.mark.parametrize(("url_name", "url"), sorted(_other_routes()))
def test_it_sends_the_security_headers_on_allauth_and_admin_pages(client, parent_a, url_name, url):
    """allauth's and the admin's pages, outside ACCESS: a CSP on every answer, no-store for
    a signed-in person, nothing fetched from another origin (2026-12-04 access audit)."""
    from conftest import give_totp, make_user

    admin = give_totp(make_user("beheer@example.org", is_staff=True, is_superuser=True))
    for user in (None, admin if url_name.startswith("admin:") else parent_a):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        assert_security_headers(response, signed_in=user is not None)


# --- Never cached for a signed-in person, whatever the answer (privacy sweep, 2026-12-05) --
STORE_ROLES = ["parent", "teacher", "director", "privacy_officer"]


def _no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_it_never_lets_a_signed_in_persons_answer_be_cached(client, cast, url_name):
    """The GET walk above asserts it of GET; here every other answer a signed-in person
    gets: a POST (saved, refused or 405), the URL without its slash (a redirect made before
    anyone is signed in), HEAD, and a PUT (405)."""
    kwargs_from, _ = ACCESS[url_name]
    url = reverse(url_name, kwargs=kwargs_from(cast) if kwargs_from else None)
    variants = {"post": lambda: client.post(url), "head": lambda: client.head(url)}
    variants["put"] = lambda: client.put(url)
    if url.endswith("/") and url != "/":
        variants["no slash"] = lambda: client.get(url[:-1])
    for role in STORE_ROLES:
        client.force_login(cast[role])
        answers = {name: send() for name, send in variants.items()}
        cached = {name: r.status_code for name, r in answers.items() if not _no_store(r)}
        assert cached == {}, (role, url)


def test_it_never_lets_the_answer_that_ends_a_session_be_cached(client, cast):
    """The request that finds the session expired, and the logout: signed in when they
    arrived, signed out when answered."""
    import time

    from accounts.security_middleware import SEEN, STARTED

    client.force_login(cast["director"])
    session = client.session
    session[STARTED] = session[SEEN] = time.time() - 13 * 3600
    session.save()
    ended = client.get(reverse("consent:coverage_index"))
    assert ended.status_code == 302 and _no_store(ended)
    client.force_login(cast["parent"])
    logged_out = client.post(reverse("account_logout"))
    assert logged_out.status_code == 302 and _no_store(logged_out)


def test_it_never_lets_an_error_page_for_a_signed_in_person_be_cached(cast):
    """A path no route has (404), a form posted without its CSRF token (403), and the
    cleaned photo with nobody ticked (a download, made by a POST)."""
    from django.test import Client

    from consent.photo import testkit

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["teacher"])
    missing = client.get("/bestaat-niet/")
    refused = client.post(reverse("consent:check_new"), {"purpose": "website"})
    assert (missing.status_code, refused.status_code) == (404, 403)
    assert _no_store(missing) and _no_store(refused)
    photo = SimpleUploadedFile("foto.jpg", testkit.camera_jpeg(), "image/jpeg")
    data = {"photo": photo, "action": "download", "channel": _consent_purpose().pk}
    client = Client()
    client.force_login(cast["teacher"])
    cleaned = client.post(reverse("photo:check"), data)
    assert cleaned["Content-Type"] == "image/jpeg" and _no_store(cleaned)
