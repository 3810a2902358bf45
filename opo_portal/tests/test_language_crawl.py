"""Every page a role can reach speaks one language: Dutch with "u" by default, English
after the switch.

Each role walks every named GET route of the portal (our apps and allauth's pages; the
admin is Django's own and left out) with a cast whose lists are not empty, plus the pages
only a form leads to. What a person sees (text, the page title, button texts and the
`title`, `aria-label`, `placeholder`, `alt`, `data-label` and button `value` attributes)
is checked against small stop-lists of words that belong unmistakably to the other
language, and in Dutch also against informal "je".

Data is not checked: names, addresses and texts people or the foundation wrote (the
protocol, the purposes' texts, posts) are removed from the text before it is checked,
string by string, so a leftover in the surrounding template still shows.
"""

import re
from html.parser import HTMLParser

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import make_user
from consent.models import Purpose, PurposeVersion, TakedownTask
from consent.reminder_stop import reminder_stop_url
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from monitoring.models import FetchRun, PublicReply, WatchTerm
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
from policy import services as policy_services
from policy.models import Article, ProtocolVersion, Section
from policy.tests.conftest import edit_one_article
from schools import importfile
from schools.models import Group, Pupil, School, StaffMembership

ROLES = ["anonymous", "parent", "teacher", "director", "board", "privacy_officer"]

# Routes that are not pages: downloads, endpoints and redirects without text of their own.
NOT_PAGES = {
    "health",
    "health_ready",
    "favicon",
    "set_language",
    "consent:my_data_json",
    "consent:coverage_export",
    "consent:coverage_export_xlsx",
    "policy:confirmation_csv",
    "policy:confirmation_xlsx",
    "policy:foundation_staff_csv",
    "policy:foundation_staff_xlsx",
    "monitoring:report_csv",
    "mfa_download_recovery_codes",
}

# Routes with arguments: how the cast fills them. POST-only routes get a 405 and are
# dropped by the crawl (only 200 HTML pages are checked).
ROUTE_KWARGS = {
    "policy:version": lambda c: {"number": 1},
    "policy:diff": lambda c: {"old": 1, "new": 2},
    "policy:confirmation_list": lambda c: {"code": c["school"].code},
    "policy:draft_edit": lambda c: {"number": c["draft"].number},
    "policy:draft_preview": lambda c: {"number": c["draft"].number},
    "policy:draft_publish": lambda c: {"number": c["draft"].number},
    "policy:draft_discard": lambda c: {"number": c["draft"].number},
    "policy:section_add": lambda c: {"number": c["draft"].number},
    "policy:section_edit": lambda c: {"number": c["draft"].number, "pk": c["section"].pk},
    "policy:section_remove": lambda c: {"number": c["draft"].number, "pk": c["section"].pk},
    "policy:article_add": lambda c: {"number": c["draft"].number, "pk": c["section"].pk},
    "policy:article_edit": lambda c: {"number": c["draft"].number, "pk": c["article"].pk},
    "policy:article_remove": lambda c: {"number": c["draft"].number, "pk": c["article"].pk},
    "consent:child": lambda c: {"pk": c["pupil"].pk},
    "consent:withdraw": lambda c: {"pk": c["pupil"].pk},
    "consent:review_unchanged": lambda c: {"pk": c["pupil"].pk},
    "consent:group": lambda c: {"pk": c["pupil"].group_id},
    "consent:group_appear": lambda c: {"pk": c["pupil"].group_id},
    "consent:check": lambda c: {"pk": c["check"].pk},
    "consent:check_adjust": lambda c: {"pk": c["check"].pk},
    "consent:takedown_done": lambda c: {"pk": c["takedown"].pk},
    "consent:coverage": lambda c: {"code": c["school"].code},
    "consent:coverage_export": lambda c: {"code": c["school"].code},
    "consent:coverage_export_xlsx": lambda c: {"code": c["school"].code},
    "policy:confirmation_csv": lambda c: {"code": c["school"].code},
    "policy:confirmation_xlsx": lambda c: {"code": c["school"].code},
    "consent:remind": lambda c: {"code": c["school"].code},
    "policy:confirmation_remind": lambda c: {"code": c["school"].code},
    "consent:school_takedowns": lambda c: {"code": c["school"].code},
    "consent:review_round": lambda c: {"code": c["school"].code},
    "consent:record": lambda c: {"pk": c["pupil"].pk},
    "consent:pupil_search": lambda c: {"code": c["school"].code},
    "consent:dossier": lambda c: {"pk": c["pupil"].pk},
    "consent:dossier_gezag": lambda c: {"pk": c["pupil"].pk},
    "schools:staff_groups": lambda c: {"code": c["school"].code},
    "schools:staff_teacher_add": lambda c: {"code": c["school"].code},
    "schools:school_contact": lambda c: {"code": c["school"].code},
    "schools:staff_teacher_remove": lambda c: {
        "code": c["school"].code,
        "pk": c["newcomer"].memberships.get().pk,
    },
    "consent:purpose_text": lambda c: {"pk": purpose("website").pk},
    "monitoring:flag_dismiss": lambda c: {"pk": c["flag"].pk},
    "monitoring:case": lambda c: {"pk": c["case"].pk},
    "monitoring:case_update": lambda c: {"pk": c["case"].pk},
    "monitoring:reply_draft": lambda c: {"pk": c["case"].pk},
    "monitoring:reply_approve": lambda c: {"pk": c["reply"].pk},
    "monitoring:reply_posted": lambda c: {"pk": c["reply"].pk},
    "monitoring:mentions": lambda c: {"code": c["school"].code},
    "monitoring:mention_mark": lambda c: {"code": c["school"].code, "post_pk": c["post"].pk},
    "monitoring:source_toggle": lambda c: {"pk": c["source"].pk},
    "monitoring:watch_term_delete": lambda c: {"pk": c["watch_term"].pk},
    "consent:reminders_stop": lambda c: {
        "token": reminder_stop_url(c["parent"].pk).rstrip("/").rsplit("/", 1)[1]
    },
    "account_confirm_email": lambda c: {"key": c["email_key"]},
    "account_reset_password_from_key": lambda c: {
        "uidb36": user_pk_to_url_str(c["parent"]),
        "key": default_token_generator.make_token(c["parent"]),
    },
}


def _named_routes(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # Django's own admin, translated by Django
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", bool(entry.pattern.regex.groupindex)


def page_routes() -> list[str]:
    return sorted(
        name for name, _ in _named_routes(get_resolver().url_patterns) if name not in NOT_PAGES
    )


def test_it_knows_how_to_fill_every_route_with_arguments():
    missing = [
        name
        for name, has_args in _named_routes(get_resolver().url_patterns)
        if has_args and name not in ROUTE_KWARGS and name not in NOT_PAGES
    ]
    assert missing == [], "add these routes to ROUTE_KWARGS (or NOT_PAGES if not a page)"


# --- Visible text -----------------------------------------------------------------------
# data-label heads a table cell on a phone (CSS `attr()`); the two data-*-text attributes
# are what static/js/consent-form.js shows about unsaved choices.
SHOWN_ATTRIBUTES = {
    "title",
    "aria-label",
    "placeholder",
    "alt",
    "data-label",
    "data-unsaved-text",
    "data-leave-text",
}
# Not prose: file formats, anchors, keys and codes are shown literally (`<code>`).
LITERAL = ("script", "style", "template", "code")


class VisibleText(HTMLParser):
    """The strings a person sees or hears: text nodes (not in script, style, template or
    code), labelling attributes, and the value of submit and button inputs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in LITERAL:
            self._hidden += 1
        attributes = dict(attrs)
        for name in SHOWN_ATTRIBUTES:
            if attributes.get(name):
                self.chunks.append(attributes[name])
        if self._hidden:
            return
        button = tag == "input" and attributes.get("type") in ("submit", "button", "reset")
        if button and attributes.get("value"):
            self.chunks.append(attributes["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in LITERAL:
            self._hidden -= 1

    def handle_endtag(self, tag):
        if tag in LITERAL and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.chunks.append(data)


def visible_chunks(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return [" ".join(chunk.split()) for chunk in parser.chunks]


def _words(*words: str) -> re.Pattern:
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![\w@/.-])(?:{alternatives})(?!\.?[\w@/-])", re.IGNORECASE)


# Unmistakably English: none of these is a Dutch word ("of" and "menu" are).
ENGLISH = _words(
    "the", "and", "failed", "error", "not", "your", "you", "please", "with", "which",
    "this", "that", "school year", "are", "has", "have", "been", "will", "cannot", "should",
    "would", "could", "there", "their", "click", "yes", "none", "unknown", "running",
    "succeeded", "save", "cancel", "back", "submit", "delete", "remove", "edit", "search",
    "show", "hide", "page", "from", "for", "to", "by", "or", "new", "never", "today",
    "yesterday", "ago", "minutes", "hours", "days", "month", "year", "january", "february",
    "march", "may", "june", "july", "august", "october", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "sign in", "sign out", "password",
    "forgot", "confirm", "settings", "contents", "skip",
)  # fmt: skip
# Informal Dutch: the portal says "u".
INFORMAL = _words("je", "jij", "jou", "jouw", "jullie", "jezelf")
# Unmistakably Dutch: none of these is an English word.
DUTCH = _words(
    "de", "het", "een", "niet", "u", "uw", "van", "voor", "en", "op", "met", "naar",
    "bij", "wordt", "zijn", "worden", "kunt", "geen", "nog", "ook", "maar", "deze", "die",
    "dat", "wij", "ja", "nee", "leerling", "leerlingen", "ouder", "ouders", "toestemming",
    "opslaan", "annuleren", "terug", "verwijderen", "bevestigen", "gegevens", "inloggen",
    "uitloggen", "wachtwoord", "januari", "februari", "maart", "mei", "juni", "juli",
    "augustus", "oktober", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag",
    "zaterdag", "zondag", "geleden", "nieuw", "onbekend", "mislukt", "fout", "jaar",
    "schooljaar", "groep", "zaak", "zaken", "bron", "bronnen", "signaal", "signalen", "rij",
)  # fmt: skip
# The pupil import names a bad row "rij N" in every language, on purpose: it is the form
# schools know from their spreadsheets (schools.importfile.bad_row).
IMPORT_ROW = re.compile(r"^rij \d+: ")

# The language switch names the other language in that language, by design.
SWITCH_LABELS = {"English", "Nederlands"}


def leftovers(html: str, pattern: re.Pattern, data: list[str]) -> list[str]:
    """Chunks of visible text with a word of `pattern` once the cast's data is removed."""
    found = []
    for chunk in visible_chunks(html):
        if chunk in SWITCH_LABELS:
            continue
        rest = IMPORT_ROW.sub(" ", chunk)
        for value in data:
            if value.lower() in rest.lower():
                rest = re.sub(re.escape(value), " ", rest, flags=re.IGNORECASE)
        match = pattern.search(rest)
        if match:
            found.append(f"{match.group(0)!r} in {chunk[:160]!r}")
    return found


# --- The cast -----------------------------------------------------------------------------
@pytest.fixture
def cast(
    school_a,
    school_b,
    group_a1,
    group_a2,
    pupil_a,
    pupil_a2,
    parent_a,
    teacher_a,
    director_a,
    board,
    privacy_officer,
):
    """Everyone's lists have rows: decisions, a check and a takedown, monitoring with
    flags, a case with a reply draft, failing and healthy sources, a protocol draft."""
    cache.clear()  # allauth's rate limits: earlier tests' logins (a shared cache) do not count
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    decide(pupil_a, parent_a, "schoolgids", "video", False)
    check = publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)  # -> a takedown for teacher_a
    takedown = TakedownTask.objects.get(assigned_to=teacher_a)

    second = policy_services.version_draft_start(by=board)
    edit_one_article(second)
    policy_services.version_update_summary(version=second, summary="Kleine correctie")
    policy_services.version_publish(version=second, by=board)
    draft = policy_services.version_draft_start(by=board)
    section = draft.sections.filter(articles__isnull=False).first()

    now = timezone.now()
    source = make_source(url="https://nieuws.example/feed.rss", school=school_a)
    failing = make_source(
        url="https://kapot.example/feed.rss", consecutive_failures=6, needs_attention=True
    )
    FetchRun.objects.create(
        source=source, started_at=now, finished_at=now, status="succeeded", new_count=2
    )
    for error in ("HTTP 503", "HTTP 404", "timed out"):
        FetchRun.objects.create(source=failing, started_at=now, finished_at=now, status="failed",
                                error=error)  # fmt: skip
    case = make_case(school_a, assigned_to=director_a, notes="Gesprek met ouders")
    post = make_post(source, text="Boos over De Vlindertuin", url="https://nieuws.example/1")
    flag = make_flag(post, school_a, case=case)
    make_flag(make_post(source, external_id="2", text="Vlindertuin boos"), school_a)
    make_post(source, external_id="3", text="Mooi feest bij De Vlindertuin")
    reply = PublicReply.objects.create(
        followup=case, text="Correctie: het feest was op vrijdag.", drafted_by=director_a,
        drafted_at=now,
    )  # fmt: skip
    watch_term = WatchTerm.objects.create(school=school_a, term="vlindertuin")

    RecoveryCodes.activate(board)
    newcomer = make_user("nieuw@example.org", full_name="Nieuwe Collega")
    StaffMembership.objects.create(
        user=newcomer, role=StaffMembership.Role.TEACHER, school=school_a
    )
    for user in (director_a, newcomer):  # verified, so a password login reaches the TOTP step
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    email = EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=False)
    return {
        "school": school_a,
        "pupil": pupil_a,
        "check": check,
        "takedown": takedown,
        "draft": draft,
        "section": section,
        "article": section.articles.first(),
        "source": source,
        "case": case,
        "flag": flag,
        "post": post,
        "reply": reply,
        "watch_term": watch_term,
        "email_key": EmailConfirmationHMAC(email).key,
        "anonymous": None,
        "parent": parent_a,
        "teacher": teacher_a,
        "director": director_a,
        "board": board,
        "privacy_officer": privacy_officer,
        "newcomer": newcomer,
    }


def data_strings() -> list[str]:
    """What the database says rather than the templates, longest first so a sentence goes
    before a name inside it. Read after the cast is built (and after any page ran)."""
    from accounts.models import User
    from monitoring.models import FollowUp, Post, Source

    values: list[str] = []
    for school in School.objects.all():
        values += [school.name, school.code, *school.aliases]
    values += Group.objects.values_list("name", flat=True)
    for pupil in Pupil.objects.all():
        values += [pupil.full_name, pupil.first_name, pupil.last_name]
    for user in User.objects.all():
        values += [user.full_name, user.email]
    # The purposes' names and texts are the board's own words, kept in the database.
    values += Purpose.objects.values_list("name", flat=True)
    for text in PurposeVersion.objects.values_list("text", flat=True):
        values += [line.strip() for line in text.splitlines() if line.strip()]
    # The foundation's protocol text (Dutch only, with "je": its own wording, kept as is).
    values += Section.objects.values_list("heading", flat=True)
    for article in Article.objects.all():
        values += article.paragraphs
    values += [s for s in ProtocolVersion.objects.values_list("summary", flat=True) if s]
    # Monitoring: what others posted, source names and addresses, the technical error text
    # (English by design, shown under "Technische details"), notes and reply drafts.
    values += Post.objects.values_list("text", flat=True)
    values += [p.url for p in Post.objects.all() if p.url]
    for source in Source.objects.all():
        values += [source.name, source.url]
    values += FetchRun.objects.exclude(error="").values_list("error", flat=True)
    values += FollowUp.objects.exclude(notes="").values_list("notes", flat=True)
    values += PublicReply.objects.values_list("text", flat=True)
    values += WatchTerm.objects.values_list("term", flat=True)
    # The pupil import file's format is Dutch in every language: its column names and the
    # quoted values its gezag column accepts are named literally in the import's messages.
    values += [*importfile.COLUMNS, "“ja”", "“nee”"]
    values = [" ".join(v.split()) for v in values if v and v.strip()]
    return sorted(set(values), key=len, reverse=True)


def crawl(client, cast, role):
    """(url, html) of every page this role sees: each route, redirects followed (a reset
    link leads to its form, a guarded page to reauthentication), and the error pages a
    role meets (404, 403) too. Each final address once."""
    seen = set()
    for name in page_routes():
        kwargs = ROUTE_KWARGS[name](cast) if name in ROUTE_KWARGS else None
        url = reverse(name, kwargs=kwargs)
        if cast[role] is not None:
            client.force_login(cast[role])  # a page such as logout must not end the walk
        response = client.get(url, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        if final in seen or response.status_code not in (200, 403, 404):
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        seen.add(final)
        yield f"{url} -> {final}" if final != url else url, response.content.decode()
    yield from flows(client, cast, role)


def _logout(client):
    """Log out but keep the language: the test client's logout forgets every cookie."""
    language = client.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    client.logout()
    if language is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language.value


def flows(client, cast, role):
    """Pages only reached by sending a form: a wrong password, the code and TOTP steps of
    a login, the first staff login's TOTP set-up, the pupil import's report, a teacher
    added (and refused)."""
    _logout(client)
    password = "correct horse 42"  # conftest.make_user
    if role == "anonymous":
        response = client.post(
            reverse("account_login"), {"login": cast["parent"].email, "password": "fout"}
        )
        yield "login with a wrong password", response.content.decode()
        response = client.post(
            reverse("account_request_login_code"), {"email": cast["parent"].email}, follow=True
        )
        yield "login code asked", response.content.decode()
        response = client.post(reverse("account_confirm_login_code"), {"code": "XXXXXX"})
        yield "login code wrong", response.content.decode()
        _logout(client)
        for who, page in (("director", "staff login, TOTP step"),
                          ("newcomer", "first staff login, TOTP set-up")):  # fmt: skip
            login = {"login": cast[who].email, "password": password}
            response = client.post(reverse("account_login"), login, follow=True)
            yield page, response.content.decode()
            _logout(client)
    elif role in ("director", "board"):
        client.force_login(cast[role])
        rows = (
            "leerlingnummer;voornaam;achternaam;geboortedatum;groep;ouder1_email;ouder1_gezag\r\n"
        )
        rows += "3001;Daan;Mulder;04-05-2018;groep 5;eva.mulder@example.org;ja\r\n"
        rows += "3002;Lot;Smit;31-02-2018;groep 9;;misschien\r\n"
        for dry_run in ("on", ""):
            upload = SimpleUploadedFile("leerlingen.csv", rows.encode(), content_type="text/csv")
            data = {"school": cast["school"].code, "file": upload, "dry_run": dry_run}
            response = client.post(reverse("schools:import_pupils"), data)
            yield "pupil import with a bad row", response.content.decode()
        rows = rows.rsplit("3002", 1)[0]
        upload = SimpleUploadedFile("leerlingen.csv", rows.encode(), content_type="text/csv")
        data = {"school": cast["school"].code, "file": upload, "dry_run": "on"}
        response = client.post(reverse("schools:import_pupils"), data)
        yield "pupil import report", response.content.decode()
        add = reverse("schools:staff_teacher_add", args=[cast["school"].code])
        teacher = {"full_name": "Nieuwe Invaller", "email": f"invaller.{role}@example.org"}
        response = client.post(add, teacher, follow=True)
        yield "a teacher added", response.content.decode()
        response = client.post(add, {"full_name": "", "email": cast["teacher"].email})
        yield "adding a teacher, with form errors", response.content.decode()
        response = client.post(add, {"full_name": "Juf", "email": cast["teacher"].email})
        yield "adding a teacher who teaches here already", response.content.decode()
        remind = reverse("policy:confirmation_remind", args=[cast["school"].code])
        response = client.post(remind, follow=True)
        yield "protocol reminder sent (or already sent today)", response.content.decode()


def _check(client, cast, role, checks):
    pages = list(crawl(client, cast, role))
    data = data_strings()
    problems = []
    for url, html in pages:
        for label, pattern in checks:
            problems += [f"{url} [{label}] {found}" for found in leftovers(html, pattern, data)]
    return pages, problems


@pytest.mark.parametrize("role", ROLES)
def test_it_speaks_formal_dutch_on_every_page(client, cast, role):
    pages, problems = _check(client, cast, role, [("English", ENGLISH), ("je", INFORMAL)])
    assert len(pages) > 3, pages
    assert not problems, f"{len(problems)} leftovers as {role}:\n" + "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_it_speaks_english_after_the_switch(client, cast, role):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    pages, problems = _check(client, cast, role, [("Dutch", DUTCH)])
    assert len(pages) > 3, pages
    assert not problems, f"{len(problems)} leftovers as {role}:\n" + "\n".join(problems)


def error_pages(language: str, user, monkeypatch) -> list[tuple[str, str]]:
    """The error pages no route leads to, as production serves them: a bad host (400), a
    form too large or with too many fields (400), an expired form (403), a 404, a failure
    (500) and an outage (503). The language switch's cookie says which language."""
    from django.test import Client
    from redis.exceptions import ConnectionError as RedisDown

    def client(**extra):
        browser = Client(**extra)
        browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return browser

    signed_in = client(enforce_csrf_checks=True, raise_request_exception=False)
    signed_in.force_login(user)
    form, page = reverse("account_login"), reverse("consent:my_children")
    pages = {
        "400 bad host": client(HTTP_HOST="elders.example").get("/"),
        "400 too large": client().post(
            form, {"x": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
        ),
        "400 too many fields": client().post(
            form, {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
        ),
        "403 expired form": signed_in.post(page),
        "404": client().get("/bestaat-niet/"),
    }
    for label, error in (("500", RuntimeError("kapot")), ("503", RedisDown("weg"))):

        def fail(*args, error=error, **kwargs):
            raise error

        monkeypatch.setattr("consent.views.parent.render", fail)
        pages[label] = signed_in.get(page)
    for label, response in pages.items():
        assert response.status_code == int(label[:3]), label
        assert f'<html lang="{language}">' in response.content.decode(), label
    return [(label, response.content.decode()) for label, response in pages.items()]


@pytest.mark.parametrize(
    "language, checks",
    [("nl", [("English", ENGLISH), ("je", INFORMAL)]), ("en", [("Dutch", DUTCH)])],
)
def test_the_error_pages_speak_the_language_of_the_switch(
    settings, monkeypatch, parent_a, language, checks
):
    settings.DEBUG = False
    data = data_strings()
    problems = [
        f"{page} [{label}] {found}"
        for page, html in error_pages(language, parent_a, monkeypatch)
        for label, pattern in checks
        for found in leftovers(html, pattern, data)
    ]
    assert not problems, "\n".join(problems)


# Downloads (not pages, so not crawled) are named in the language of the page they are
# downloaded from: the name shows in the browser's downloads and in the person's folder.
DOWNLOAD_NAMES = [
    # role, route, query, Dutch name, English name (dates as DATE)
    ("parent", "consent:my_data_json", "",
     "opo-portal-mijn-gegevens.json", "opo-portal-my-data.json"),
    ("director", "consent:coverage_export", "",
     "toestemming-vlindertuin-DATE.csv", "consent-vlindertuin-DATE.csv"),
    ("director", "consent:coverage_export_xlsx", "",
     "toestemming-vlindertuin-DATE.xlsx", "consent-vlindertuin-DATE.xlsx"),
    ("director", "policy:confirmation_csv", "",
     "protocol-v2-bevestigingen-vlindertuin.csv", "protocol-v2-confirmations-vlindertuin.csv"),
    ("director", "policy:confirmation_xlsx", "",
     "protocol-v2-bevestigingen-vlindertuin.xlsx", "protocol-v2-confirmations-vlindertuin.xlsx"),
    ("board", "policy:foundation_staff_csv", "",
     "protocol-v2-bevestigingen-bestuur.csv", "protocol-v2-confirmations-board.csv"),
    ("board", "policy:foundation_staff_xlsx", "",
     "protocol-v2-bevestigingen-bestuur.xlsx", "protocol-v2-confirmations-board.xlsx"),
    ("director", "monitoring:report_csv", "?school=vlindertuin",
     "monitoring-aantallen-vlindertuin-DATE.csv", "monitoring-counts-vlindertuin-DATE.csv"),
    ("director", "monitoring:report_csv", "?school=vlindertuin&tabel=kengetallen",
     "monitoring-kengetallen-vlindertuin-DATE.csv",
     "monitoring-key-figures-vlindertuin-DATE.csv"),
]  # fmt: skip


def download_name(response) -> str:
    name = re.fullmatch(r'attachment; filename="([^"]+)"', response["Content-Disposition"])
    assert name, response["Content-Disposition"]
    return re.sub(r"\d{4}-\d{2}(-\d{2})?", "DATE", name.group(1))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_names_every_download_in_the_language_of_the_page(client, cast, language):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    names = []
    for role, route, query, dutch, english in DOWNLOAD_NAMES:
        kwargs = ROUTE_KWARGS[route](cast) if route in ROUTE_KWARGS else None
        client.force_login(cast[role])
        response = client.get(reverse(route, kwargs=kwargs) + query)
        assert response.status_code == 200, route
        names.append((download_name(response), {"nl": dutch, "en": english}[language]))
    assert [found for found, _ in names] == [expected for _, expected in names]


def test_the_stop_lists_see_what_they_should():
    html = (
        '<p title="Save your changes">Bewaren</p><script>var the = 1;</script>'
        '<input type="submit" value="Verstuur je antwoord"><p>De ouder van Sem</p>'
    )
    assert leftovers(html, ENGLISH, []) == ["'Save' in 'Save your changes'"]
    assert leftovers(html, INFORMAL, []) == ["'je' in 'Verstuur je antwoord'"]
    assert leftovers(html, DUTCH, ["Sem"]) == ["'De' in 'De ouder van Sem'"]
    assert leftovers("<p>OBS De Vlindertuin</p>", DUTCH, ["OBS De Vlindertuin"]) == []
    assert leftovers("<p>mail ouder.a@example.org</p>", DUTCH, []) == []
