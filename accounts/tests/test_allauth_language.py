"""allauth's pages and e-mails a parent or staff member meets, in Dutch with "u" and no
English, and in English with no Dutch: logging in (password, code, TOTP), a password
reset from request to done, the address check, address management, the MFA pages,
reauthentication and logging out, with the messages these actions show. The e-mails
name the portal, never the host the request came in on.

The crawl (opo_portal/tests/test_language_crawl.py) walks every route with one GET; this
walks allauth's own steps, forms sent included."""

import re
import time
from pathlib import Path

import allauth
import polib
import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from conftest import PASSWORD, reauthenticate
from opo_portal.tests.test_language_crawl import (
    DUTCH,
    ENGLISH,
    INFORMAL,
    _logout,
    data_strings,
    leftovers,
    visible_chunks,
)
from opo_portal.tests.test_language_emails import leftovers as mail_leftovers

User = get_user_model()

# The portal calls the TOTP app "inlogcode-app" ("login code app"), on every page.
OTHER_NAME = re.compile(r"authenticat", re.IGNORECASE)
# allauth's English says "us" (nobody a parent can reach: the school is) and "token".
JARGON = re.compile(r"\bcontact us\b|\btoken\b", re.IGNORECASE)
CHECKS = {
    "nl": [("English", ENGLISH), ("je", INFORMAL), ("inlogcode-app", OTHER_NAME)],
    "en": [("Dutch", DUTCH), ("login code app", OTHER_NAME), ("jargon", JARGON)],
}
HOST = "testserver"  # the test client's host: what allauth's own e-mails call the site


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def page(client, url, data=None):
    response = (
        client.post(url, data, follow=True) if data is not None else client.get(url, follow=True)
    )
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def anonymous_pages(client, parent, director):
    """Signing in, the password reset and the address check, as someone not signed in."""
    extra = EmailAddress.objects.create(user=parent, email="tweede@example.org")
    # allauth's token covers the account's addresses: made after the last one was added
    uid, token = user_pk_to_url_str(parent), default_token_generator.make_token(parent)
    reset = reverse("account_reset_password_from_key", kwargs={"uidb36": uid, "key": token})
    bad_reset = reverse("account_reset_password_from_key", kwargs={"uidb36": uid, "key": "x-y"})
    check = reverse("account_confirm_email", kwargs={"key": EmailConfirmationHMAC(extra).key})
    login = reverse("account_login")
    yield "login", page(client, login)
    yield "login, wrong password", page(client, login, {"login": parent.email, "password": "x"})
    yield "reset asked", page(client, reverse("account_reset_password"))
    yield "reset sent", page(client, reverse("account_reset_password"), {"email": parent.email})
    response = client.get(reset, follow=True)
    yield "reset form", response.content.decode()
    form = response.redirect_chain[-1][0]
    yield "reset link, bad", page(client, bad_reset)
    new = {"password1": "een nieuw wachtwoord 7", "password2": "een nieuw wachtwoord 7"}
    yield "reset done", page(client, form, new)
    yield "address check", page(client, check)
    yield "address check, bad", page(client, reverse("account_confirm_email", kwargs={"key": "x"}))
    yield "code asked", page(client, reverse("account_request_login_code"))
    yield "code sent", page(client, reverse("account_request_login_code"), {"email": parent.email})
    yield "code wrong", page(client, reverse("account_confirm_login_code"), {"code": "XXXXXX"})
    _logout(client)  # keeps the language cookie
    yield "TOTP step", page(client, login, {"login": director.email, "password": PASSWORD})


def staff_pages(client, director):
    """Address management, the MFA pages, reauthentication and logging out, signed in."""
    RecoveryCodes.activate(director)
    EmailAddress.objects.create(user=director, email="nieuw.adres@example.org")
    client.force_login(director)
    yield "reauthenticate", page(client, reverse("account_reauthenticate"))
    yield (
        "reauthenticate, wrong",
        page(client, reverse("account_reauthenticate"), {"password": "x"}),
    )
    yield "reauthenticate with TOTP", page(client, reverse("mfa_reauthenticate"))
    reauthenticate(client)
    for name in ("account_email", "account_change_password", "mfa_index",
                 "mfa_deactivate_totp", "mfa_view_recovery_codes",
                 "mfa_generate_recovery_codes", "account_logout"):  # fmt: skip
        yield name, page(client, reverse(name))
    again = {"action_send": "", "email": "nieuw.adres@example.org"}
    yield "address check sent again", page(client, reverse("account_email"), again)
    added = {"action_add": "", "email": "derde@example.org"}
    yield "address added", page(client, reverse("account_email"), added)
    new = {
        "oldpassword": PASSWORD,
        "password1": "nieuw-wacht-2026",
        "password2": "nieuw-wacht-2026",
    }
    yield "password changed", page(client, reverse("account_change_password"), new)
    yield "new recovery codes", page(client, reverse("mfa_generate_recovery_codes"), {})
    yield "logged out", page(client, reverse("account_logout"), {})


def pages_in(client, language, parent, director):
    """As people who chose `language`: allauth's e-mails follow the page, its notices the
    language the owner chose (accounts.notices)."""
    User.objects.filter(pk__in=[parent.pk, director.pk]).update(language=language)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    yield from anonymous_pages(client, verified(parent), verified(director))
    yield from staff_pages(client, director)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_speaks_one_language_on_every_allauth_page(client, parent_a, director_a, language):
    cache.clear()  # allauth's rate limits: earlier tests' requests do not count
    pages = list(pages_in(client, language, parent_a, director_a))
    data = data_strings()
    problems = [
        f"{name} [{label}] {found}"
        for name, html in pages
        for label, pattern in CHECKS[language]
        for found in leftovers(html, pattern, data)
    ]
    assert len(pages) == 28, [name for name, _ in pages]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_speaks_one_language_in_every_allauth_e_mail_and_names_the_portal(
    eager_tasks, django_capture_on_commit_callbacks, client, parent_a, director_a, language
):
    """The notices are duties run after the commit, in the language their owner chose."""
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        list(pages_in(client, language, parent_a, director_a))
    messages = mail.outbox
    # a reset link, a sign-in code, an address check; notices: the password reset, the
    # password changed, new recovery codes
    assert len(messages) == 6, sorted(m.subject for m in messages)
    problems = [p for m in messages for p in mail_leftovers(m, CHECKS[language])]
    assert not problems, "\n".join(problems)
    for message in messages:
        prose = re.sub(r"https?://\S+", " ", message.body)
        assert HOST not in prose, message.body
    [check] = {m.body for m in messages if "confirm-email" in m.body}
    assert "OPO Portal" in check, check


def test_the_sign_in_code_is_an_aanmeldcode_not_the_inlogcode_of_the_app(client, parent_a):
    """The Dutch pages ask for an "aanmeldcode"; "inlogcode" is the TOTP app's."""
    cache.clear()
    client.post(reverse("account_request_login_code"), {"email": verified(parent_a).email})
    [message] = mail.outbox
    assert "Aanmeldcode" in message.subject
    assert "aanmeldcode" in message.body and "inlogcode" not in message.body, message.body


# One word for the act of signing in and out. Dutch: "inloggen"/"uitloggen" (the portal's
# own strings say it about 20 times, "aanmelden" 4, two of those for making an account),
# never "aanmelden"/"afmelden"; the e-mailed code keeps its own name, "aanmeldcode", apart
# from the TOTP "inlogcode-app". Making an account (also "aanmelden" in Dutch) is "een
# account maken". English: "log in", "log out", "e-mail" and sentence case, as on the
# portal's own forms; the e-mailed code stays the "sign-in code", and "sign up" (making an
# account) is another act.
NOT_OUR_WORDS = {
    "nl": re.compile(
        r"\b(?:aanmeld(?!code)\w*|afmeld\w*|aangemeld\w*|afgemeld\w*"
        r"|meld(?:t|en)?\s+(?:u\s+|zich\s+)?(?:aan|af))\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\b(?:sign(?:ed|ing|s)?\s+(?:in|out)|emails?|remember\s+me)\b",
        re.IGNORECASE,
    ),
}
TITLE_CASE = re.compile(r"\bRemember Me\b|\bE-?mail [A-Z]|\bSign(?: |-)(?:In|Out)\b")


def our_words(language):
    checks = [("one word", NOT_OUR_WORDS[language])]
    return checks + [("title case", TITLE_CASE)] if language == "en" else checks


def test_the_words_for_signing_in_see_what_they_should():
    nl, en = NOT_OUR_WORDS["nl"], NOT_OUR_WORDS["en"]
    assert [bool(nl.search(t)) for t in (
        "Aanmelden", "U bent afgemeld.", "Meld u aan", "Afmelden", "aanmeldcode",
        "Uw aanmeldcode", "Inloggen", "Ingelogd blijven", "Zet meldingen aan",
    )] == [True, True, True, True, False, False, False, False, False]  # fmt: skip
    assert [bool(en.search(t)) for t in (
        "Sign In", "Email address", "emails", "Remember me", "signed out", "E-mail address",
        "your e-mails", "Log in", "a sign-in code", "nobody signs up",
    )] == [True, True, True, True, True, False, False, False, False, False]  # fmt: skip
    assert TITLE_CASE.search("Remember Me") and TITLE_CASE.search("E-mail Address")
    assert TITLE_CASE.search("Enter Sign-In Code")
    assert not TITLE_CASE.search("E-mail address") and not TITLE_CASE.search("sign-in code")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_signing_in_and_out_has_one_word_on_every_allauth_page_and_e_mail(
    eager_tasks, django_capture_on_commit_callbacks, client, parent_a, director_a, language
):
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pages = list(pages_in(client, language, parent_a, director_a))
    data = data_strings()
    checks = our_words(language)
    problems = [
        f"{name} [{label}] {found}"
        for name, html in pages
        for label, pattern in checks
        for found in leftovers(html, pattern, data)
    ]
    problems += [p for m in mail.outbox for p in mail_leftovers(m, checks)]
    assert len(pages) == 28 and len(mail.outbox) == 6
    assert not problems, "\n".join(problems)


# --- Every message allauth can show, reached by a test or not ---------------------------
# The walks above see the pages the portal links; allauth can render more under our URL
# conf (passkeys, sessions, third-party accounts in its shared templates, e-mails no flow
# here sends). Its Dutch catalogue says "je"; ours wins where it has the message.
ALLAUTH_DUTCH = Path(allauth.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "django.mo"
INFORMAL_WORD = re.compile(r"\b(?:je|jij|jou|jouw|jullie|jezelf)\b", re.IGNORECASE)


def shown(entry) -> list[str]:
    """The active translation of a catalogue entry, whichever catalogue wins (both plural
    forms of a plural message)."""
    if entry.msgid_plural:
        if entry.msgctxt:
            return [
                translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                for n in (1, 2)
            ]
        return [translation.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
    if entry.msgctxt:
        return [translation.pgettext(entry.msgctxt, entry.msgid)]
    return [translation.gettext(entry.msgid)]


def test_no_dutch_message_allauth_can_show_says_je():
    entries = [entry for entry in polib.mofile(str(ALLAUTH_DUTCH)) if entry.msgid]
    assert len(entries) > 300  # the whole catalogue was read
    with translation.override("nl"):
        informal = [
            f"{entry.msgid[:70]!r} -> {text[:90]!r}"
            for entry in entries
            for text in shown(entry)
            if INFORMAL_WORD.search(text)
        ]
    assert not informal, f"{len(informal)} informal:\n" + "\n".join(informal)


def test_the_informal_words_are_seen_as_words():
    assert [bool(INFORMAL_WORD.search(t)) for t in (
        "Heb je al een account?", "Jouw code", "Weet jij het?", "jullie", "Meld jezelf aan",
        "Uw code", "jeugd", "Bijenkorf", "U bent uitgelogd.",
    )] == [True, True, True, True, True, False, False, False, False]  # fmt: skip


# --- E-mail subjects: every one allauth (or our override) has, in both languages ---------
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
OUR_TEMPLATES = Path(settings.BASE_DIR) / "templates"
# A capital after a sentence's first word is a name: the portal's and the foundation's.
PROPER_NAMES = {"OPO", "Portal", "Stichting", "Borger-Odoorn"}


def subject_templates() -> list[str]:
    return sorted(
        {
            path.relative_to(root).as_posix()
            for root in (ALLAUTH_TEMPLATES, OUR_TEMPLATES)
            for path in root.rglob("*/email/*_subject.txt")
        }
    )


def subject(template: str, language: str) -> str:
    with translation.override(language):
        return " ".join(render_to_string(template, {}).split())


def title_case_words(text: str) -> list[str]:
    """Words after a sentence's (or a title's part's, or a quoted button name's) first that
    start with a capital and are no name."""
    return [
        word
        for sentence in re.split(r"[.?!:·(\"“”]\s*", text)
        for word in re.findall(r"[\w-]+", sentence)[1:]
        if word[0].isupper() and word not in PROPER_NAMES
    ]


def test_it_knows_every_subject_allauth_sends():
    names = subject_templates()
    assert "account/email/password_changed_subject.txt" in names
    assert "mfa/email/webauthn_added_subject.txt" in names
    assert "account/email/reauthentication_code_subject.txt" in names  # ours
    assert title_case_words("Password Changed") == ["Changed"]
    assert title_case_words("Sign-in code") == []
    assert title_case_words("Log in · OPO Portal") == []
    assert title_case_words("Are you sure? Then log in.") == []
    assert title_case_words("New Password (again):") == ["Password"]
    assert title_case_words('Choose "Send me a code" below') == []


def test_every_english_e_mail_subject_is_in_sentence_case_and_the_portals_words():
    checks = [*our_words("en"), ("login code app", OTHER_NAME), ("Dutch", DUTCH)]
    problems = []
    for template in subject_templates():
        text = subject(template, "en")
        problems += [f"{template}: {text!r} [title case] {w}" for w in title_case_words(text)]
        problems += [
            f"{template}: {text!r} [{label}]" for label, pattern in checks if pattern.search(text)
        ]
    assert not problems, "\n".join(problems)


def test_every_dutch_e_mail_subject_is_formal_dutch_in_the_portals_words():
    checks = [*our_words("nl"), *CHECKS["nl"]]
    problems = []
    for template in subject_templates():
        text = subject(template, "nl")
        problems += [
            f"{template}: {text!r} [{label}]" for label, pattern in checks if pattern.search(text)
        ]
    assert not problems, "\n".join(problems)


def test_allauth_pages_in_english_are_in_sentence_case(client, parent_a, director_a):
    """allauth writes headings, labels and buttons in Title Case ("Change Password",
    "Confirm Access"); the portal's English uses sentence case."""
    cache.clear()
    pages = list(pages_in(client, "en", parent_a, director_a))
    # not linked, but allauth shows them at their address (signed out by now)
    pages += [
        (name, page(client, reverse(name))) for name in ("account_inactive", "account_signup")
    ]
    data = data_strings()
    problems = []
    for name, html in pages:
        for chunk in visible_chunks(html):
            words = title_case_words(_without(chunk, data))
            problems += [f"{name}: {chunk!r} {words}"] if words else []
    assert not problems, "\n".join(sorted(set(problems)))


def _without(text: str, data: list[str]) -> str:
    for value in data:
        text = text.replace(value, " ")
    return text


# --- Switching the login code app on and off ----------------------------------------------
# The walk above starts with TOTP set up already; these are the messages of the set-up
# itself and of switching it off (a parent who set one up may).
MFA_MESSAGES = Path(allauth.__file__).parent / "templates" / "mfa" / "messages"


def totp_switched_on_and_off(client, user):
    client.force_login(user)
    reauthenticate(client)
    html = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)</code>', html)[1]
    if 30 - time.time() % 30 < 3:  # never type a code that expires on the way
        time.sleep(30 - time.time() % 30 + 0.1)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    yield "TOTP switched on", page(client, reverse("mfa_activate_totp"), {"code": code})
    yield "TOTP switched off", page(client, reverse("mfa_deactivate_totp"), {})


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_names_the_login_code_app_when_it_is_switched_on_and_off(client, parent_a, language):
    cache.clear()
    User.objects.filter(pk=parent_a.pk).update(language=language)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    pages = list(totp_switched_on_and_off(client, verified(parent_a)))
    data = data_strings()
    problems = [
        f"{name} [{label}] {found}"
        for name, html in pages
        for label, pattern in CHECKS[language]
        for found in leftovers(html, pattern, data)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_message_of_the_login_code_app_is_in_the_portals_words(language):
    """The set-up's "activated" message is added after the commit, which a test's
    transaction holds back until the page was answered: rendered here as allauth does."""
    names = sorted(p.name for p in MFA_MESSAGES.glob("*.txt") if "webauthn" not in p.name)
    with translation.override(language):
        shown = {name: render_to_string(f"mfa/messages/{name}").strip() for name in names}
    problems = [
        f"{name} [{label}] {text!r}"
        for name, text in shown.items()
        for label, pattern in CHECKS[language]
        if pattern.search(text)
    ]
    assert len(shown) == 3, names
    assert not problems, "\n".join(problems)
