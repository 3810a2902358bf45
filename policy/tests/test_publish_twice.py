"""Publishing or discarding twice (a double click, two board members at once) does it once,
and the second click gets a page with a message, not a 404 or a 500."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from conftest import at_the_same_moment, require_service
from policy import services
from policy.models import ProtocolVersion, Release
from policy.tests.conftest import edit_one_article, publish_form


def _draft_ready(board) -> ProtocolVersion:
    draft = services.version_draft_start(by=board)
    edit_one_article(draft, "communiceren-2")
    services.version_update_summary(version=draft, summary="COMMUNICEREN 2 verduidelijkt.")
    return draft


def _publish(client, number):
    return client.post(reverse("policy:draft_publish", args=[number]), publish_form(number))


def _second_browser(board) -> Client:
    """Another board member's browser, for a race on PostgreSQL's row locks."""
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"
    client = Client()
    client.force_login(board)
    return client


def test_it_answers_a_second_click_on_publish_with_the_protocol_page(login, v1, board):
    c = login(board)
    draft = _draft_ready(board)
    assert _publish(c, draft.number).url == reverse("policy:current")

    response = c.post(
        reverse("policy:draft_publish", args=[draft.number]), publish_form(2), follow=True
    )

    assert response.redirect_chain == [(reverse("policy:current"), 302)]
    assert "Versie 2 is al gepubliceerd." in response.content.decode()
    assert ProtocolVersion.objects.published().count() == 2
    assert Release.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_publishes_once_when_two_board_members_publish_at_the_same_moment(board, v1):
    draft = _draft_ready(board)
    other = _second_browser(board)
    responses = []

    at_the_same_moment(
        lambda: services.version_publish(version=draft, by=board),
        lambda: responses.append(_publish(other, draft.number)),
    )

    assert responses[0].status_code == 302
    assert responses[0].url == reverse("policy:current")
    assert ProtocolVersion.objects.published().count() == 2
    assert Release.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_discards_once_when_two_board_members_discard_at_the_same_moment(board, v1):
    draft = _draft_ready(board)
    other = _second_browser(board)
    responses = []

    at_the_same_moment(
        lambda: services.version_discard(version=draft),
        lambda: responses.append(other.post(reverse("policy:draft_discard", args=[draft.number]))),
    )

    assert responses[0].url == reverse("policy:drafts")
    assert not ProtocolVersion.objects.drafts().exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_refuses_an_edit_saved_while_a_colleague_publishes(board, v1):
    draft = _draft_ready(board)
    article = draft.articles.get(anchor="leren-1")
    other = _second_browser(board)
    responses = []

    at_the_same_moment(
        lambda: services.version_publish(version=draft, by=board),
        lambda: responses.append(
            other.post(
                reverse("policy:article_edit", args=[draft.number, article.pk]),
                {"text": "Te laat.", "draft": str(draft.pk)},
            )
        ),
    )

    # published first: what was typed is shown to copy (test_edit_draft_gone.py)
    assert responses[0].status_code == 200
    assert responses[0].context["typed"][0][1] == "Te laat."
    article.refresh_from_db()
    assert article.text != "Te laat."


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_keeps_an_edit_saved_while_a_colleague_discards(board, v1):
    """The save waits for the draft's lock, then finds no draft: it was a 500."""
    draft = _draft_ready(board)
    article = draft.articles.get(anchor="leren-1")
    other = _second_browser(board)
    responses = []

    at_the_same_moment(
        lambda: services.version_discard(version=draft),
        lambda: responses.append(
            other.post(
                reverse("policy:article_edit", args=[draft.number, article.pk]),
                {"text": "Te laat.", "draft": str(draft.pk)},
            )
        ),
    )

    assert responses[0].status_code == 200
    assert "Dit concept is weggegooid" in responses[0].content.decode()
    assert responses[0].context["typed"][0][1] == "Te laat."
    assert not ProtocolVersion.objects.filter(number=draft.number).exists()
