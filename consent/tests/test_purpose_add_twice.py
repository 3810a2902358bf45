"""A new purpose sent twice (a double click on "Toevoegen", Back and send again): one
purpose, and the second click lands on the purposes with "… is al toegevoegd", not on the
form with the error "Er bestaat al een doel met de naam …", which read as if nothing had
been added. Another purpose's name or code stays refused."""

from django.contrib.messages import get_messages
from django.urls import reverse

from consent.models import Purpose

ADD = {"code": "Kalender", "name": "Schoolkalender", "text": "Foto's in de schoolkalender.\r\n"}


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_second_click_on_add_says_the_purpose_is_added(login, board):
    client = login(board)
    client.post(reverse("consent:purposes"), ADD, follow=True)

    response = client.post(reverse("consent:purposes"), ADD)

    assert response.status_code == 302
    assert response.url == reverse("consent:purposes")
    assert said(response) == ["Het doel “Schoolkalender” is al toegevoegd; er is niets gewijzigd."]
    assert Purpose.objects.filter(code="kalender").count() == 1


def test_another_text_under_a_name_that_is_taken_is_still_refused(login, board):
    client = login(board)
    client.post(reverse("consent:purposes"), ADD)

    response = client.post(reverse("consent:purposes"), {**ADD, "text": "Iets anders."})

    assert response.status_code == 400
    assert "Er bestaat al een doel met de naam" in response.content.decode()
    assert Purpose.objects.filter(name="Schoolkalender").count() == 1


def test_an_existing_purposes_name_with_another_code_is_still_refused(login, board):
    website = Purpose.objects.get(code="website")
    text = website.versions.get(number=1).text
    response = login(board).post(
        reverse("consent:purposes"), {"code": "site", "name": website.name, "text": text}
    )
    assert response.status_code == 400
    assert not Purpose.objects.filter(code="site").exists()
