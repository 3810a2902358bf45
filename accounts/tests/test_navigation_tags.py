"""base.html's menu links and language buttons, written by tags, are the HTML its
template loops wrote (whitespace between tags aside)."""

import re

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy as _

OLD_NAV = (
    "{% load i18n %}{% for item in nav_items %}\n"
    '<li><a href="{{ item.url }}"{% if request.path == item.url %} aria-current="page"'
    '{% endif %}>{{ item.label }}{% if item.badge %} <span class="badge">{{ item.badge }}'
    '<span class="visually-hidden"> {% translate "open" %}</span></span>{% endif %}</a></li>'
    "\n{% endfor %}"
)
NEW_NAV = "{% load navigation %}{% nav_links nav_items request.path %}"

OLD_LANGUAGES = (
    "{% load i18n %}{% get_available_languages as LANGUAGES %}\n"
    "{% for code, name in LANGUAGES %}{% if code != LANGUAGE_CODE %}\n"
    '<button type="submit" name="language" value="{{ code }}" lang="{{ code }}">'
    '{% if code == "en" %}English{% else %}Nederlands{% endif %}</button>\n'
    "{% endif %}{% endfor %}"
)
NEW_LANGUAGES = "{% load navigation %}{% language_buttons LANGUAGE_CODE %}"


def render(source, **context):
    request = RequestFactory().get("/toestemming/controle/?q=a&b=<c>")
    html = engines["django"].from_string(source).render(context, request)
    return re.sub(r">\s+<", "><", html).strip()


ITEMS = [
    {"label": _("Home"), "url": "/", "name": "home"},
    {"label": "Tom & <Jerry>", "url": "/a?b=1&c=2", "name": "x"},
    {"label": _("Check before posting"), "url": "/toestemming/controle/", "name": "check"},
    {"label": _("Photo check"), "url": "/foto/", "name": "photo", "badge": 0},
    {"label": _("Class overview"), "url": "/klassen/", "name": "overview", "badge": 1234},
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("items", [ITEMS, ITEMS[:1], []])
def test_it_writes_the_menu_as_the_template_loop_did(language, items):
    with translation.override(language):
        old = render(OLD_NAV, nav_items=items)
        assert render(NEW_NAV, nav_items=items) == old
    if len(items) > 2:
        assert 'aria-current="page"' in old and "1234" in old and "&amp;" in old


@pytest.mark.parametrize("current", ["nl", "en", "de"])
def test_it_writes_the_language_buttons_as_the_template_loop_did(current):
    old = render(OLD_LANGUAGES, LANGUAGE_CODE=current)
    assert render(NEW_LANGUAGES, LANGUAGE_CODE=current) == old
    assert old.count("<button") == (2 if current == "de" else 1)
