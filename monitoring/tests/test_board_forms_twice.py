"""Board staff's sources and watch terms sent twice (a double click, Back and send again,
two colleagues at once): one effect, and a message instead of a 404 or a 500."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from conftest import at_the_same_moment, require_service
from monitoring.models import Source, WatchTerm
from monitoring.tests.helpers import make_source


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def second_browser(user) -> Client:
    """A colleague's browser, for a race on PostgreSQL's row locks."""
    require_service("DATABASE_URL")
    client = Client()
    client.force_login(user)
    return client


def test_a_double_click_on_pause_leaves_the_source_paused(login, board):
    source = make_source()
    client = login(board)
    url = reverse("monitoring:source_toggle", args=[source.pk])
    page = client.get(reverse("monitoring:sources")).content.decode()
    assert f'action="{url}"><input type="hidden" name="csrfmiddlewaretoken"' in page
    assert '<input type="hidden" name="active" value="0">' in page

    client.post(url, {"active": "0"})
    response = client.post(url, {"active": "0"})

    source.refresh_from_db()
    assert source.active is False
    assert said(response)[-1] == (
        "Bron “source https://feeds.example/feed.rss” was al gepauzeerd; er is niets gewijzigd."
    )


def test_resume_from_an_older_page_after_a_colleague_resumed_keeps_it_active(login, board):
    source = make_source(active=False)
    client = login(board)
    url = reverse("monitoring:source_toggle", args=[source.pk])

    first = client.post(url, {"active": "1"}, follow=True)
    response = client.post(url, {"active": "1"})

    source.refresh_from_db()
    assert source.active is True
    assert "Bron “source https://feeds.example/feed.rss” hervat." in first.content.decode()
    assert said(response) == [
        "Bron “source https://feeds.example/feed.rss” was al actief; er is niets gewijzigd."
    ]


def test_a_second_click_on_remove_says_the_term_is_gone(login, board, school_a):
    term = WatchTerm.objects.create(school=school_a, term="feestweek")
    client = login(board)
    url = reverse("monitoring:watch_term_delete", args=[term.pk])
    client.post(url, follow=True)

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == reverse("monitoring:watch_terms")
    assert said(response) == ["Deze zoekterm was al verwijderd."]


def test_remove_is_still_for_board_staff_only(login, director_a, school_a):
    term = WatchTerm.objects.create(school=school_a, term="feestweek")
    response = login(director_a).post(reverse("monitoring:watch_term_delete", args=[term.pk]))
    assert response.status_code == 404
    assert WatchTerm.objects.filter(pk=term.pk).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("stored", ["feestweek", "Feestweek"])  # the database ignores capitals
def test_two_colleagues_adding_the_same_watch_term_at_once_add_it_once(board, school_a, stored):
    other = second_browser(board)
    responses = []

    at_the_same_moment(
        lambda: WatchTerm.objects.create(school=school_a, term=stored),
        lambda: responses.append(
            other.post(
                reverse("monitoring:watch_terms"), {"school": school_a.pk, "term": "feestweek"}
            )
        ),
    )

    assert responses[0].status_code == 400
    assert "Deze school heeft deze zoekterm al." in responses[0].content.decode()
    assert list(WatchTerm.objects.values_list("term", flat=True)) == [stored]


def test_another_school_may_have_the_same_term(login, board, school_a, school_b):
    WatchTerm.objects.create(school=school_a, term="Feestweek")
    data = {"school": school_b.pk, "term": "feestweek"}
    response = login(board).post(reverse("monitoring:watch_terms"), data)
    assert response.status_code == 302
    assert WatchTerm.objects.count() == 2


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_colleagues_adding_the_same_source_at_once_add_it_once(board, school_a):
    other = second_browser(board)
    url = "https://feeds.example/school.rss"
    data = {"kind": "rss", "name": "School", "url": url, "school": school_a.pk}
    responses = []

    at_the_same_moment(
        lambda: make_source(url),
        lambda: responses.append(
            other.post(reverse("monitoring:sources"), {**data, "interval_minutes": 30})
        ),
    )

    assert responses[0].status_code == 400
    assert "Er is al een bron met dit adres." in responses[0].content.decode()
    assert Source.objects.filter(url=url).count() == 1
