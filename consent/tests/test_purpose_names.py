"""A purpose's name, typed on the board's purposes page or in the admin, loses Unicode's
direction controls: parents answer per channel by its name and teachers pick it by name,
and a name holding U+202E RIGHT-TO-LEFT OVERRIDE reads as another (opo_portal.text)."""

from django.urls import reverse

from consent.models import Purpose

ADD = {"code": "kalender", "text": "Foto's in de schoolkalender.\r\n"}


def test_the_purposes_page_stores_a_name_without_direction_controls(login, board):
    data = {**ADD, "name": "School\u202ekalender"}
    assert login(board).post(reverse("consent:purposes"), data).status_code == 302
    assert Purpose.objects.get(code="kalender").name == "Schoolkalender"


def test_the_purposes_page_refuses_a_name_of_direction_controls_only(login, board):
    response = login(board).post(reverse("consent:purposes"), {**ADD, "name": "\u202e"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not Purpose.objects.filter(code="kalender").exists()


def test_the_admin_stores_a_name_without_direction_controls(admin_client):
    purpose = Purpose.objects.create(code="kalender", name="Schoolkalender", ordering=9)
    form = {
        "code": purpose.code,
        "name": "\u2068Schoolkalender\u2069",
        "ordering": purpose.ordering,
        "active": "on",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
    url = reverse("admin:consent_purpose_change", args=[purpose.pk])
    assert admin_client.post(url, form).status_code == 302
    purpose.refresh_from_db()
    assert purpose.name == "Schoolkalender"
