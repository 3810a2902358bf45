"""A watch term names a school only from 3 characters on (without # or @): a shorter one,
"ab", is a word of nearly every post and would tie them all to the school. The form
refuses one, but a term may be shorter still: the admin takes any, and migration 0028 left
"ab" of a term stored as "ab" + U+202E (a control the form let count as a character). Such
a term stays as it is and monitoring leaves it out; the watch terms page says so beside it,
so board staff remove it and add the full term."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring import services
from monitoring.models import WatchTerm

pytestmark = pytest.mark.django_db
PAGE = reverse("monitoring:watch_terms")
NOT_USED = (
    "Niet gebruikt: korter dan 3 tekens (zonder # of @). Verwijder deze zoekterm en voeg de "
    "volledige toe."
)
migration_0028 = importlib.import_module(
    "monitoring.migrations.0028_source_names_and_watch_terms_without_direction_controls"
)


@pytest.mark.parametrize("term", ["ab", "#ab", " a ", "@ x ", "", "A"])
def test_a_term_shorter_than_three_characters_is_too_short(school_a, term):
    assert WatchTerm(school=school_a, term=term).too_short


@pytest.mark.parametrize("term", ["abc", "#abc", "@a b", "Vlinderschool Borger"])
def test_a_term_of_three_characters_or_more_is_not(school_a, term):
    assert not WatchTerm(school=school_a, term=term).too_short


def test_monitoring_leaves_out_a_term_the_migration_left_too_short(school_a):
    WatchTerm.objects.create(school=school_a, term="ab\u202e")
    WatchTerm.objects.create(school=school_a, term="Vlinderschool Borger")
    migration_0028.drop_direction_controls(apps, None)
    assert WatchTerm.objects.filter(term="ab").exists()  # kept, as staff stored it
    classifier = services.build_classifier()
    assert classifier.classify("De juf van Ab is een idioot").schools == ()
    assert classifier.classify("het AB is dicht").schools == ()
    # the school's other terms still name it
    assert classifier.classify("De Vlinderschool Borger is dicht").schools == ("vlindertuin",)


def test_the_watch_terms_page_says_a_short_term_is_not_used(login, board, school_a):
    WatchTerm.objects.create(school=school_a, term="ab")
    WatchTerm.objects.create(school=school_a, term="#vlinder")
    html = " ".join(login(board).get(PAGE, HTTP_ACCEPT_LANGUAGE="nl").content.decode().split())
    assert html.count(NOT_USED) == 1
    row_of_ab = html[html.index("<td>ab<") :].split("</tr>")[0]
    assert NOT_USED in row_of_ab


def test_the_watch_terms_page_reads_as_many_queries_with_a_short_term(login, board, school_a):
    client = login(board)
    WatchTerm.objects.create(school=school_a, term="#vlinder")
    client.get(PAGE)  # the session and the user's caches warmed
    with CaptureQueriesContext(connection) as full:
        client.get(PAGE)
    WatchTerm.objects.create(school=school_a, term="ab")
    with CaptureQueriesContext(connection) as with_short:
        client.get(PAGE)
    assert len(with_short) == len(full)
