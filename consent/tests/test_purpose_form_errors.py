"""The purposes page's forms answer 400 when they refuse what was sent, as the board's
other forms do (sources, watch terms, staff): a refused "Doel toevoegen" or new text was
a 200, which read to a tool or a test as if the form had been accepted."""

from django.urls import reverse

from consent.models import Purpose
from consent.tests.helpers import purpose


def test_a_refused_new_purpose_is_a_400_with_the_form_and_its_message(login, board):
    data = {"code": "kalender", "name": "Website van de school", "text": "Foto's."}

    response = login(board).post(reverse("consent:purposes"), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Er bestaat al een doel met de naam “Website van de school”." in html
    assert 'value="kalender"' in html  # what was typed stays
    assert not Purpose.objects.filter(code="kalender").exists()


def test_a_new_purpose_without_a_text_is_a_400(login, board):
    response = login(board).post(reverse("consent:purposes"), {"code": "kalender", "name": "K"})
    assert response.status_code == 400
    assert not Purpose.objects.filter(code="kalender").exists()


def test_a_refused_new_text_is_a_400(login, board):
    website = purpose("website")
    url = reverse("consent:purpose_text", args=[website.pk])
    data = {"text": website.versions.get().text, "kind": "correction", "based_on": "1"}

    response = login(board).post(url, data)

    assert response.status_code == 400
    assert "De tekst is gelijk aan de huidige versie." in response.content.decode()
    assert website.versions.count() == 1


def test_the_purposes_page_itself_is_still_a_200(login, board):
    client = login(board)
    assert client.get(reverse("consent:purposes")).status_code == 200
    url = reverse("consent:purpose_text", args=[purpose("website").pk])
    assert client.get(url).status_code == 200
