"""Every user-facing string we mark for translation has a Dutch translation."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

from accounts.management.commands.compile_translations import project_catalogues

ROOT = Path(settings.BASE_DIR)
OUR_APPS = ["accounts", "schools", "policy", "consent", "monitoring", "outbox", "opo_portal", "ops"]
GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "_blocktranslate",  # consent_tags: {% blocktranslate %} in Python
}


def _python_msgids(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    msgids = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        if name not in GETTEXT_NAMES:
            continue
        index = 1 if name.startswith(("pgettext", "npgettext")) else 0
        if len(node.args) > index and isinstance(node.args[index], ast.Constant):
            msgid = node.args[index].value
            if name.startswith("pgettext") or name.startswith("npgettext"):
                msgid = f"{node.args[0].value}\x04{msgid}"
            plural = name.startswith(("ngettext", "npgettext"))
            msgids.add((msgid, 0) if plural else msgid)
    return msgids


def _template_msgids(path: Path) -> set[str]:
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    msgids = set()
    # templatize quotes as repr() does: a msgid with an apostrophe in double quotes
    literal = r"""(u?'(?:[^'\\]|\\.)*'|u?"(?:[^"\\]|\\.)*")"""
    for match in re.finditer(rf"(?<![np])gettext\({literal}\)", source):
        msgids.add(ast.literal_eval(match.group(1)))
    for match in re.finditer(rf"(?<!n)pgettext\({literal}, {literal}\)", source):
        context, msgid = (ast.literal_eval(g) for g in match.groups())
        msgids.add(f"{context}\x04{msgid}")
    for match in re.finditer(rf"(?<!p)ngettext\({literal}, {literal}, ", source):
        msgids.add((ast.literal_eval(match.group(1)), 0))
    return msgids


def our_python_files():
    for app in OUR_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts and "tests" not in path.parts:
                yield path


TEMPLATE_SUFFIXES = {".html", ".txt", ".svg"}  # pages, e-mails and charts


def our_templates():
    return (path for path in (ROOT / "templates").rglob("*") if path.suffix in TEMPLATE_SUFFIXES)


@pytest.fixture(scope="module")
def dutch_catalog():
    # conftest compiles the catalogues at session start.
    return trans_real.translation("nl")._catalog


def test_it_has_a_dutch_translation_for_every_marked_string(dutch_catalog):
    missing = []
    for path in [*our_python_files(), *our_templates()]:
        ids = _python_msgids(path) if path.suffix == ".py" else _template_msgids(path)
        missing += [
            f"{path.relative_to(ROOT)}: {m!r}"
            for m in sorted(ids, key=str)
            if m not in dutch_catalog
        ]
    assert not missing, "missing Dutch translations:\n" + "\n".join(missing)


def test_no_catalogue_defines_a_message_twice():
    # GNU msgmerge (makemessages) stops at a duplicate definition; polib only compiles it.
    for path in project_catalogues(ROOT):
        polib.pofile(str(path), check_for_duplicates=True)


def test_it_reads_template_msgids_with_an_apostrophe(tmp_path):
    """templatize() writes a msgid with an apostrophe in double quotes; the check above
    skipped every such string (e-mails, the monitoring case page, ...)."""
    page = tmp_path / "page.txt"
    page.write_text(
        '{% load i18n %}{% translate "the school\'s page" %}'
        "{% blocktranslate trimmed %}the director's approval{% endblocktranslate %}",
        encoding="utf-8",
    )
    assert _template_msgids(page) == {"the school's page", "the director's approval"}


def test_it_checks_e_mail_and_chart_templates_too():
    checked = {path.relative_to(ROOT).as_posix() for path in our_templates()}
    assert "templates/policy/email/published.txt" in checked
    assert "templates/monitoring/_cases_chart.svg" in checked


OUR_MODEL_APPS = ["accounts", "schools", "policy", "consent", "monitoring", "outbox"]


def test_every_model_and_field_of_ours_has_a_dutch_name(dutch_catalog):
    """The admin shows models and fields by their verbose names (column headers, labels,
    filters): a field without one shows its English attribute name ("Pupil", "Group")."""
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_MODEL_APPS:
            continue
        names = {"model": model._meta.original_attrs.get("verbose_name")}
        for field in model._meta.get_fields():
            if field.concrete and not field.auto_created:
                names[field.name] = field.verbose_name
        for name, verbose_name in names.items():
            with translation.override(None):  # the msgid itself
                msgid = str(verbose_name)
            if not isinstance(verbose_name, Promise) or msgid not in dutch_catalog:
                missing.append(f"{model._meta.label}.{name}: {msgid!r}")
    assert not missing, "not translatable or no Dutch translation:\n" + "\n".join(missing)


INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jullie|jezelf)\b", re.IGNORECASE)


def test_no_dutch_translation_of_ours_says_je():
    """Dutch speaks to people with "u". The language crawl reads the pages a cast
    reaches; this reads every message of our catalogues, reached or not."""
    informal = []
    for path in project_catalogues(ROOT):
        if path.parts[-3] != "nl":
            continue
        for entry in polib.pofile(str(path)):
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if INFORMAL.search(text):
                    informal.append(f"{path.relative_to(ROOT)}: {text[:80]!r}")
    assert not informal, "informal Dutch:\n" + "\n".join(informal)


# The consent media type is "film" in Dutch, as in the protocol ("foto-, film- en
# geluidsopnamen") and DESIGN.md. Monitoring's "foto's of video" describes what a post
# someone else wrote contains, not a consent purpose: left out.
VIDEO = re.compile(r"\bvideo", re.IGNORECASE)


def test_dutch_calls_the_consent_media_type_film_never_video():
    mixed = []
    for path in project_catalogues(ROOT):
        if path.parts[-3] != "nl" or path.parts[-5] == "monitoring":
            continue
        for entry in polib.pofile(str(path)):
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if VIDEO.search(text):
                    mixed.append(f"{path.relative_to(ROOT)}: {text[:100]!r}")
    assert not mixed, "'video' where Dutch says 'film':\n" + "\n".join(mixed)
    with translation.override("nl"):
        from consent.models import MediaType

        assert MediaType("video").label == "film"


def _shown(text: str) -> str:
    """A message as words: placeholders and HTML tags (`%(email)s`, `href=`) left out."""
    return re.sub(r"%\(\w+\)[sd]|%[sd]|<[^>]*>", " ", text)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_message_of_ours_says_log_in_as_the_portal_does(language):
    """Every message our catalogues define (the portal's own and allauth's we rewrote),
    as it is shown: the catalogue that wins may be another app's (Django's admin said
    "Aanmelden" for the navigation's "Log in")."""
    from accounts.tests.test_allauth_language import our_words

    checks = our_words(language)
    mixed = []
    with translation.override(language):
        for path in project_catalogues(ROOT):
            if path.parts[-3] != "nl":
                continue
            for entry in polib.pofile(str(path)):
                if entry.msgid_plural or entry.obsolete:
                    continue
                shown = (
                    translation.pgettext(entry.msgctxt, entry.msgid)
                    if entry.msgctxt
                    else translation.gettext(entry.msgid)
                )
                mixed += [
                    f"{path.relative_to(ROOT)} [{label}] {shown[:100]!r}"
                    for label, pattern in checks
                    if pattern.search(_shown(shown))
                ]
    assert not mixed, "\n".join(mixed)


# Words that are the same in Dutch.
SAME_IN_DUTCH = {"Filter"}
ADMIN_TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(['"])(.*?)\1""")


def test_every_message_of_the_admins_templates_is_dutch():
    """The admin is the IT partner's first page (README "Production", step 7). Django 5.2's
    Dutch catalogue lacks a few of its messages: every admin page read the headers of the
    menu's tables to a screen reader in English ("Model name", "Add link"), and the page
    to add a user said "After you've created a user, …" in English."""
    import django.contrib.admin

    templates = Path(django.contrib.admin.__file__).parent / "templates"
    english = set()
    with translation.override("nl"):
        for path in templates.rglob("*.html"):
            for match in ADMIN_TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8")):
                msgid = match.group(2)
                if msgid not in SAME_IN_DUTCH and translation.gettext(msgid) == msgid:
                    english.add(f"{path.relative_to(templates)}: {msgid!r}")
    assert not english, "no Dutch translation:\n" + "\n".join(sorted(english))
