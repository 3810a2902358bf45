"""Every kind of e-mail the portal sends, as a mail server receives it.

Each kind is triggered through the real service or allauth's real views; outbox duties run
through `outbox.run_duty` (eager) and every e-mail goes over the SMTP backend that
`EMAIL_URL=smtp://127.0.0.1:<port>` configures, to an SMTP server on loopback (aiosmtpd,
in requirements-dev.txt). The raw bytes it accepted are parsed with
`BytesParser(policy=default)` and checked: sender, Date, a Message-ID at the portal's own
domain, `Auto-Submitted` (RFC 3834) and Exchange's `X-Auto-Response-Suppress`, the
Reply-To of its kind (the school's or the foundation's contact address when one is set,
else none, and then the text says replies are not read), RFC 2047 subjects, one
plain-text UTF-8 part with lines of at most 998 octets, links on SITE_URL only, the
recipient's language, no pupil name. The school's and a director's names carry ë and ’ so
the encoding is tried.
"""

import datetime
import email.utils
import re
import socket
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from conftest import make_user, reauthenticate, wait_for, worker
from consent.models import PurposeVersion
from consent.services import (
    publication_check_create,
    purpose_version_publish,
    reminders_send,
    review_round_open,
)
from consent.tests.helpers import decide, purpose
from monitoring import notifications
from monitoring.models import FetchRun, FollowUp
from monitoring.services import followup_update
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
from opo_portal.settings import _email_settings
from opo_portal.tests.test_language_crawl import DUTCH, ENGLISH, INFORMAL, data_strings
from policy import services as policy_services
from schools.models import Guardianship, Pupil, School, StaffMembership
from schools.services import teacher_add, teacher_remove

SITE = "https://portaal.opo-borger-odoorn.example"
SENDER = "OPO Portal <noreply@opo-borger-odoorn.example>"
SCHOOL_NAME = "OBS De Vlindertuin ’t Hoëveld"
DIRECTOR_NAME = "Joëlle van ’t Veld"
SCHOOL_CONTACT = "info@vlindertuin.example"
FOUNDATION_CONTACT = "info@opo-borger-odoorn.example"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MACHINE_NAMES = {socket.getfqdn(), socket.gethostname(), "localhost", "testserver", "127.0.0.1"}


class Received(list):
    """The raw messages the server accepted: (envelope recipients, bytes as sent)."""

    port = 0


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    received = Received()

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            received.append((envelope.rcpt_tos, envelope.original_content))
            return "250 Message accepted for delivery"

    with socket.socket() as probe:  # a free port: the controller checks it can connect
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    received.port = port
    # The same settings EMAIL_URL gives a production process (opo_portal.settings).
    for name, value in _email_settings(f"smtp://127.0.0.1:{port}?tls=false").items():
        setattr(settings, name, value)
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = settings.SERVER_EMAIL = SENDER
    try:
        yield received
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # allauth's rate limits count e-mails of earlier tests


# --- The kinds: each sends its e-mail(s) in its own way ----------------------------------


def _takedown(cast):
    decide(cast.pupil_a, cast.parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=cast.teacher_a,
        purpose=purpose("sociale-media"),
        media_type="photo",
        pupils=[cast.pupil_a],
    )
    decide(cast.pupil_a, cast.parent_a, "sociale-media", "photo", False)


def _conflict(cast):
    second = make_user("ouder.a2@example.org", full_name="Tweede Ouder")
    Guardianship.objects.create(user=second, pupil=cast.pupil_a, has_parental_authority=True)
    decide(cast.pupil_a, cast.parent_a, "website", "photo", True)
    decide(cast.pupil_a, second, "website", "photo", False)


def _reminder(cast):
    reminders_send(school=cast.school_a)


def _review(cast):
    review_round_open(school=cast.school_a, user=cast.director_a)


def _purpose_changed(cast):
    purpose_version_publish(
        user=cast.board,
        purpose=purpose("website"),
        text="Wij plaatsen foto’s op de website van de school.",
        kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
    )


def _protocol_published(cast):
    from policy.tests.conftest import edit_one_article

    draft = policy_services.version_draft_start(by=cast.board)
    edit_one_article(draft)
    policy_services.version_update_summary(version=draft, summary="Kleine correctie")
    policy_services.version_publish(version=draft, by=cast.board)


def _case(cast, **extra) -> FollowUp:
    source = make_source(url="https://nieuws.example/feed.rss", school=cast.school_a)
    source.name = "Dorpskrant Borger-Odoorn"
    source.save()
    case = make_case(cast.school_a, **extra)
    make_flag(make_post(source, text="Boos over De Vlindertuin"), cast.school_a, case=case)
    return case


def _urgent_case(cast):
    notifications.urgent_case_queue(case=_case(cast))


def _new_case(cast):
    notifications.new_case_queue(case=_case(cast))


def _case_assigned(cast):
    case = _case(cast)
    followup_update(case=case, status=case.status, assigned_to=cast.teacher_a, user=cast.board)


def _case_closed(cast):
    case = _case(cast, assigned_to=cast.teacher_a)
    followup_update(case=case, status="no_action", assigned_to=cast.teacher_a, user=cast.director_a)


def _case_reopened(cast):
    case = _case(cast, assigned_to=cast.teacher_a, status="no_action", closed_at=timezone.now())
    followup_update(case=case, status="new", assigned_to=cast.teacher_a, user=cast.director_a)


def _case_reassigned(cast):
    case = _case(cast, assigned_to=cast.teacher_a)
    followup_update(case=case, status=case.status, assigned_to=cast.director_a, user=cast.board)


def _source_failing(cast):
    source = make_source(url="https://nieuws.example/storing.rss", school=cast.school_a)
    source.name = "Dorpskrant Borger-Odoorn"
    now = timezone.now()
    FetchRun.objects.create(source=source, started_at=now, status="failed", error="HTTP 503")
    source.failure_notified_at = now
    source.save()
    notifications.source_failing_queue(source_id=source.pk, since=now)


def _digest(cast):
    _case(cast, assigned_to=cast.director_a)
    notifications.monthly_digest_send()


def _teacher_added(cast):
    teacher_add(
        school=cast.school_a,
        email="meester.nieuw@example.org",
        full_name="Meester Nieuw",
        groups=[],
        by=cast.director_a,
    )


def _teacher_removed(cast):
    membership = StaffMembership.objects.get(
        user=cast.teacher_a, school=cast.school_a, role=StaffMembership.Role.TEACHER
    )
    teacher_remove(membership=membership, by=cast.director_a)


def _school_deleted(cast):
    """A school without pupils deleted in the admin: its teacher is told (schools.admin)."""
    school = School.objects.create(code="hoeveld-oud", name=f"{SCHOOL_NAME} (oud)")
    StaffMembership.objects.create(
        user=cast.teacher_a, school=school, role=StaffMembership.Role.TEACHER
    )
    request = RequestFactory().post("/")
    request.user = cast.director_a  # any admin user
    admin.site._registry[School].delete_model(request, school)


def _confirmed(user):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _login_code(cast):
    _confirmed(cast.parent_a)
    cast.client.post(reverse("account_request_login_code"), {"email": cast.parent_a.email})


def _password_reset(cast):
    _confirmed(cast.parent_a)
    cast.client.post(reverse("account_reset_password"), {"email": cast.parent_a.email})


def _unknown_account(cast):
    cast.client.post(reverse("account_reset_password"), {"email": "onbekend@example.org"})


def _address_check_and_notice(cast):
    _confirmed(cast.parent_a)
    client = cast.login(cast.parent_a)
    cast.language_chosen(client)
    reauthenticate(client)
    client.post(reverse("account_email"), {"action_add": "", "email": "tweede@example.org"})


def _reauthentication_code(cast):
    client = cast.login(cast.code_parent)
    cast.language_chosen(client)
    client.post(reverse("account_email"), {"action_add": "", "email": "tweede@example.org"})
    client.post("/accounts/reauthenticate/code/?next=%2Faccounts%2Femail%2F", {"action_send": ""})


def _password_changed(cast):
    _confirmed(cast.parent_a)
    client = cast.login(cast.parent_a)
    cast.language_chosen(client)
    reauthenticate(client)
    new = "nieuw-wacht-2026"
    client.post(
        reverse("account_change_password"),
        {"oldpassword": "correct horse 42", "password1": new, "password2": new},
    )


# kind -> (what sends it, how many e-mails the cast gets: the parents of pupil_a, the
# staff, the new address and the old one, the case's old and new assignee)
KINDS = {
    "takedown": (_takedown, 1),
    "conflict": (_conflict, 1),
    "reminder": (_reminder, 2),
    "review": (_review, 2),
    "purpose_changed": (_purpose_changed, 2),
    "protocol_published": (_protocol_published, 3),
    "urgent_case": (_urgent_case, 1),
    "new_case": (_new_case, 1),
    "case_assigned": (_case_assigned, 1),
    "case_closed": (_case_closed, 1),
    "case_reopened": (_case_reopened, 1),
    "case_reassigned": (_case_reassigned, 2),
    "source_failing": (_source_failing, 1),
    "digest": (_digest, 1),
    "teacher_added": (_teacher_added, 1),
    "teacher_removed": (_teacher_removed, 1),
    "school_deleted": (_school_deleted, 1),
    "login_code": (_login_code, 1),
    "password_reset": (_password_reset, 1),
    "unknown_account": (_unknown_account, 1),
    "address_check_and_notice": (_address_check_and_notice, 2),
    "reauthentication_code": (_reauthentication_code, 1),
    "password_changed": (_password_changed, 1),
}


# Whose contact address a reply to each kind goes to, when it has one: e-mails to parents
# (and a teacher added or removed) about one school, the school's; the foundation's own, the
# foundation's. Staff notices and account e-mails (a login code is not for a helpdesk to
# read): none.
REPLY_TO = {
    "reminder": "school",
    "review": "school",
    "purpose_changed": "school",
    "teacher_added": "school",
    "teacher_removed": "school",
    "protocol_published": "foundation",
    "school_deleted": "foundation",
}
NOT_READ = {
    "nl": "Antwoorden op deze e-mail worden niet gelezen",
    "en": "Replies to this e-mail are not read",
}

# --- The checks ----------------------------------------------------------------------------

LINK = re.compile(r"\w+://\S+")
MOJIBAKE = re.compile("Ã|â€|\ufffd")


def problems_of(
    raw: bytes, language: str, pupil_names: set[str], reply_to: str | None = None
) -> list[str]:
    message: EmailMessage = BytesParser(policy=default).parsebytes(raw)
    # Python keeps the whitespace of a header folded at its start (Django 5.2 folds a long
    # encoded subject so); mail clients drop it, as RFC 5322 allows.
    subject = str(message["Subject"]).strip()
    found: list[str] = []

    def problem(text: str) -> None:
        found.append(f"{subject!r}: {text}")

    # Headers
    sender = email.utils.parseaddr(SENDER)
    if email.utils.parseaddr(str(message["From"])) != sender:
        problem(f"From is {message['From']!r}, not DEFAULT_FROM_EMAIL")
    if message["Date"] is None or message["Date"].datetime is None:
        problem("no Date")
    elif not on_the_school_clock(message["Date"].datetime):
        problem(f"Date {str(message['Date'])!r} is not on the school's clock (Amsterdam)")
    message_id = str(message["Message-ID"] or "").strip()  # a folded header starts with CFWS
    domain = sender[1].rpartition("@")[2]
    if not re.fullmatch(rf"<[^@<>\s]+@{re.escape(domain)}>", message_id):
        problem(f"Message-ID {message_id!r} is not at the portal's domain {domain}")
    if str(message["Auto-Submitted"] or "") != "auto-generated":
        problem(f"Auto-Submitted is {message['Auto-Submitted']!r}, not 'auto-generated'")
    if str(message["X-Auto-Response-Suppress"] or "") != "OOF, AutoReply":
        problem("no X-Auto-Response-Suppress: Exchange's out-of-office replies would come back")
    if reply_to is None and message["Reply-To"] is not None:
        problem(f"Reply-To {message['Reply-To']!r}")
    if reply_to is not None and str(message["Reply-To"] or "") != reply_to:
        problem(f"Reply-To is {message['Reply-To']!r}, not {reply_to!r}")
    if not subject.startswith("[OPO Portal] ") or subject.count("[OPO Portal]") != 1:
        problem("the subject does not start with the portal's name, once")
    # Encoding: headers ASCII (RFC 2047 words for ë, ’), body UTF-8, no line over 998 octets
    head, _, _ = raw.partition(b"\r\n\r\n")
    if not head.isascii():
        problem("a header holds raw non-ASCII bytes (RFC 2047 expected)")
    for number, octets in enumerate(raw.split(b"\r\n"), 1):
        if len(octets) > 998:
            problem(f"line {number} has {len(octets)} octets")
    if message.is_multipart() or message.get_content_type() != "text/plain":
        problem(f"not one plain-text part: {message.get_content_type()}")
        return found
    if message.get_content_charset() != "utf-8":
        problem(f"charset {message.get_content_charset()!r}")
    if message["Content-Transfer-Encoding"] not in ("7bit", "8bit", "quoted-printable"):
        problem(f"Content-Transfer-Encoding {message['Content-Transfer-Encoding']!r}")
    body = message.get_content()
    text = f"{subject}\n{body}"
    # A reply goes where the text says: to the address named, or nowhere, said plainly
    said_unread = NOT_READ[language] in " ".join(body.split())
    if reply_to is None and not said_unread:
        problem("no Reply-To, and the text does not say that replies are not read")
    if reply_to is not None and (said_unread or reply_to not in body):
        problem(f"the text does not say that a reply goes to {reply_to}")
    if MOJIBAKE.search(text):
        problem("mis-decoded characters")
    # Links: absolute https on SITE_URL; no machine name in a header
    for link in LINK.findall(body):
        if not link.startswith(SITE + "/"):
            problem(f"link {link!r} is not on SITE_URL")
    headers = head.decode()  # (a security notice's body quotes the IP address of the change)
    for name in MACHINE_NAMES:
        if name and re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", headers):
            problem(f"a header names the machine or test host {name!r}")
    # Language and privacy
    data = data_strings()
    checks = [("English", ENGLISH), ("je", INFORMAL)] if language == "nl" else [("Dutch", DUTCH)]
    for line in text.splitlines():
        rest = LINK.sub(" ", line)
        for value in data:
            rest = rest.replace(value, " ")
        for label, pattern in checks:
            match = pattern.search(rest)
            if match:
                problem(f"[{label}] {match.group(0)!r} in {line!r}")
    for name in pupil_names:
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            problem(f"names a pupil ({name!r})")
    return found


def on_the_school_clock(sent: datetime.datetime) -> bool:
    """The Date header's offset is Amsterdam's at that moment (+0100, or +0200 in summer
    time). Django's default writes UTC as "-0000" (read as a naive time): RFC 5322's "the
    sender's own zone is unknown"."""
    return sent.tzinfo is not None and sent.utcoffset() == sent.astimezone(AMSTERDAM).utcoffset()


class Cast:
    """The conftest cast the kinds use, and the language every recipient chose."""

    def __init__(self, request, language: str):
        cast = request.getfixturevalue
        self.school_a, self.pupil_a = cast("school_a"), cast("pupil_a")
        self.parent_a, self.code_parent = cast("parent_a"), cast("code_parent")
        self.teacher_a, self.director_a = cast("teacher_a"), cast("director_a")
        self.board, self.client, self.login = cast("board"), cast("client"), cast("login")
        self.language = language

    def language_chosen(self, client) -> None:
        client.post(reverse("set_language"), {"language": self.language, "next": "/"})


@pytest.mark.parametrize("contacts", ["contacts", "no_contacts"])
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_it_reaches_the_mail_server_as_a_proper_e_mail(
    request,
    db,
    settings,
    smtp_server,
    eager_tasks,
    django_capture_on_commit_callbacks,
    kind,
    language,
    contacts,
):
    cast = Cast(request, language)
    cast.school_a.name = SCHOOL_NAME
    given = contacts == "contacts"
    cast.school_a.contact_email = SCHOOL_CONTACT if given else ""
    cast.school_a.save()
    settings.FOUNDATION_CONTACT_EMAIL = FOUNDATION_CONTACT if given else ""
    addresses = {"school": SCHOOL_CONTACT, "foundation": FOUNDATION_CONTACT}
    reply_to = addresses[REPLY_TO[kind]] if given and kind in REPLY_TO else None
    cast.director_a.full_name = DIRECTOR_NAME
    cast.director_a.save()
    if language == "en":  # every recipient chose English; allauth follows the asker's page
        User.objects.update(language="en")
        cast.language_chosen(cast.client)
    with django_capture_on_commit_callbacks(execute=True):
        send, expected = KINDS[kind]
        send(cast)
        if language == "en":  # accounts made on the way too; duties render after this
            User.objects.update(language="en")
    assert len(smtp_server) == expected, [to for to, _raw in smtp_server]
    names = set()
    for first, last in Pupil.objects.values_list("first_name", "last_name"):
        names |= {first, last}
    found = [p for _to, raw in smtp_server for p in problems_of(raw, language, names, reply_to)]
    assert found == [], "\n".join(found)


# Just after midnight in Amsterdam, still the day before in UTC: the last Sunday of March
# before and after the clocks go forward, the last of October after they go back, and the
# first minutes of a school year and of a calendar year.
LOCAL_MOMENTS = [
    ("2026-03-29 00:30", "Sun, 29 Mar 2026 00:30:00 +0100"),
    ("2026-03-29 03:30", "Sun, 29 Mar 2026 03:30:00 +0200"),
    ("2026-10-25 02:30 +0100", "Sun, 25 Oct 2026 02:30:00 +0100"),
    ("2026-08-01 00:30", "Sat, 01 Aug 2026 00:30:00 +0200"),
    ("2027-01-01 00:30", "Fri, 01 Jan 2027 00:30:00 +0100"),
]


@pytest.mark.parametrize(("moment", "header"), LOCAL_MOMENTS)
def test_its_date_is_the_time_in_amsterdam_with_its_offset(
    db,
    smtp_server,
    eager_tasks,
    django_capture_on_commit_callbacks,
    school_a,
    parent_a,
    moment,
    header,
):
    """What a mail client shows as is (a reply's "Op … schreef", a plain-text reader, a
    helpdesk tool) is the school's date and time, as on the portal's pages."""
    when = datetime.datetime.strptime(moment[:16], "%Y-%m-%d %H:%M")
    if moment.endswith("+0100"):  # the second 02:30 of the night the clocks go back
        when = when.replace(fold=1)
    at = when.replace(tzinfo=AMSTERDAM)
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        reminders_send(school=school_a)
    assert smtp_server, "no reminder was sent"
    for _to, raw in smtp_server:
        date_line = next(line for line in raw.split(b"\r\n") if line.startswith(b"Date: "))
        assert date_line.decode() == f"Date: {header}"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_takedown_e_mail_from_a_real_worker_is_the_same_proper_e_mail(
    services_up, smtp_server, school_a, pupil_a, parent_a, teacher_a
):
    """The production path: the parent's "nee" writes the duty, Redis carries it, a real
    worker process configured only by EMAIL_URL, SITE_URL and DEFAULT_FROM_EMAIL sends it
    (its Message-ID must not fall back to the machine's name)."""
    cast = SimpleNamespace(pupil_a=pupil_a, parent_a=parent_a, teacher_a=teacher_a)
    production = {
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}?tls=false",
        "SITE_URL": SITE,
        "DEFAULT_FROM_EMAIL": SENDER,
        "OUTBOX_GRACE_SECONDS": "1",
    }
    with worker("celery", **production):  # the outbox's run_duty goes to the default queue
        _takedown(cast)
        assert wait_for(lambda: smtp_server, 120)
    [(to, raw)] = smtp_server
    assert to == [teacher_a.email]
    assert problems_of(raw, "nl", {pupil_a.first_name, pupil_a.last_name}) == []
