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


ADMIN_ADD = reverse("admin:monitoring_watchterm_add")
TOO_SHORT = "Een zoekterm heeft ten minste 3 tekens (zonder # of @)"


@pytest.mark.parametrize("term", ["ab", "#ob", "@ x ", "ab\u202e"])
def test_the_admin_refuses_a_term_too_short_as_the_board_s_form_does(admin_client, school_a, term):
    """The admin took any term: "ab" named the school in every post until the watch terms
    page said it was not used. The model's field refuses it now, so every form does."""
    data = {"school": school_a.pk, "term": term}
    response = admin_client.post(ADMIN_ADD, data, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200  # the form again, not a redirect
    assert list(response.context["adminform"].form.errors) == ["term"]
    assert TOO_SHORT in response.content.decode()
    assert not WatchTerm.objects.exists()


@pytest.mark.parametrize("term", ["abc", "#abc", "@a b"])
def test_the_admin_takes_a_term_of_three_characters(admin_client, school_a, term):
    data = {"school": school_a.pk, "term": term}
    assert admin_client.post(ADMIN_ADD, data).status_code == 302
    assert list(WatchTerm.objects.values_list("term", flat=True)) == [term]


def test_the_admin_refuses_a_short_term_on_one_stored_before(admin_client, school_a):
    term = WatchTerm.objects.create(school=school_a, term="ab")
    change = reverse("admin:monitoring_watchterm_change", args=[term.pk])
    data = {"school": school_a.pk, "term": "ob"}
    response = admin_client.post(change, data, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200 and TOO_SHORT in response.content.decode()
    assert WatchTerm.objects.get().term == "ab"
    assert admin_client.post(change, {**data, "term": "obs"}).status_code == 302
    assert WatchTerm.objects.get().term == "obs"
