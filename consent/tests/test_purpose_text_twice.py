"""A purpose's new text sent twice (a double click on "Publiceren en ouders e-mailen", Back
and send again) or from a page read before a colleague published: one version, and never
a colleague's newer text published over without a word."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from conftest import make_staff
from consent.models import PurposeVersion
from consent.tests.helpers import purpose
from outbox.models import Duty
from schools.models import StaffMembership


def _as_shown(client, url) -> dict:
    page = client.get(url).content.decode()
    [based_on] = re.findall(r'name="based_on" value="(\d+)"', page)
    return {"based_on": based_on, "kind": "correction"}


def test_a_page_read_before_a_colleague_published_publishes_nothing(login, board):
    website = purpose("website")
    url = reverse("consent:purpose_text", args=[website.pk])
    colleague = make_staff("bestuur2@example.org", StaffMembership.Role.BOARD)
    older = _as_shown(login(board), url)
    login(colleague).post(url, {**_as_shown(login(colleague), url), "text": "Tekst van B."})

    response = login(board).post(url, {**older, "text": "Tekst van A."})

    assert response.status_code == 400
    assert list(website.versions.order_by("number").values_list("text", flat=True))[1:] == [
        "Tekst van B."
    ]
    page = response.content.decode()
    assert "Versie 2 van deze tekst is intussen gepubliceerd door" in page
    assert "Tekst van A." in page  # what was typed stays
    assert 'name="based_on" value="2"' in page  # and saving it again is a choice made now


def test_a_double_click_on_publish_publishes_once_and_says_so(login, board, parent_a):
    website = purpose("website")
    url = reverse("consent:purpose_text", args=[website.pk])
    client = login(board)
    data = {
        **_as_shown(client, url),
        "kind": "change_of_meaning",
        "text": "Nieuw.",
        "confirmed": "1",
    }
    client.post(url, data, follow=True)

    response = client.post(url, data)

    assert response.url == reverse("consent:purposes")
    assert website.versions.count() == 2
    assert Duty.objects.filter(key__startswith="purpose-changed:").count() == 1
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Deze tekst is al gepubliceerd als versie 2 door ")


def test_the_confirmation_page_keeps_the_version_it_was_read_against(login, board):
    website = purpose("website")
    url = reverse("consent:purpose_text", args=[website.pk])
    client = login(board)
    data = {**_as_shown(client, url), "kind": "change_of_meaning", "text": "Nieuw."}
    page = client.post(url, data).content.decode()
    assert 'name="confirmed" value="1"' in page
    assert 'name="based_on" value="1"' in page
    assert PurposeVersion.objects.filter(purpose=website).count() == 1


@pytest.mark.parametrize(
    "sent",
    [str(2**63), "2", "0", "-1", "abc", "1.5", pytest.param("9" * 5000, id="5000 digits")],
)
def test_a_version_that_does_not_exist_is_named_as_such(login, board, sent):
    """A based_on beyond the newest version (a tool's, or 2**63, beyond any bigint) was
    answered "Version 1 of this text was published meanwhile by ...": it was not. One that
    is no version number at all (0, -1, "abc") got Django's "(Hidden field based_on)
    Ensure this value is greater than or equal to 1.": the same message now."""
    website = purpose("website")
    url = reverse("consent:purpose_text", args=[website.pk])

    response = login(board).post(url, {"based_on": sent, "kind": "correction", "text": "Nieuw."})

    assert response.status_code == 400
    assert website.versions.count() == 1
    page = response.content.decode()
    assert "intussen gepubliceerd" not in page
    assert "Deze pagina is verstuurd voor een versie van deze tekst die niet bestaat" in page
    assert "Nieuw." in page  # what was typed stays
    assert 'name="based_on" value="1"' in page  # read again against the current version


@pytest.mark.parametrize("sent", ["0", "abc"])
def test_a_confirmed_change_of_meaning_for_no_version_publishes_nothing(login, board, sent):
    """The confirmation step carries what was sent; its second POST is refused likewise."""
    website = purpose("website")
    url = reverse("consent:purpose_text", args=[website.pk])
    client = login(board)
    data = {"based_on": sent, "kind": "change_of_meaning", "text": "Nieuw."}
    page = client.post(url, data).content.decode()
    assert 'name="confirmed" value="1"' in page

    response = client.post(url, {**data, "confirmed": "1"})

    assert response.status_code == 400
    assert website.versions.count() == 1
    assert not Duty.objects.filter(key__startswith="purpose-changed:").exists()
    assert "een versie van deze tekst die niet bestaat" in response.content.decode()
