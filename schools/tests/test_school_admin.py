"""A school's aliases are typed in the admin as names, one per line, not as JSON.

The field was the model's JSONField: "De Esdoorn, Esdoorn" was refused with "Voer een
geldige JSON in." and a JSON text ("Esdoorn") or number was stored as it was, where
monitoring reads a list of names (a text would be read letter by letter).
"""

from django.urls import reverse

from schools.models import School


def _added(client, aliases: str):
    form = {"code": "esdoorn", "name": "OBS De Esdoorn", "aliases": aliases}
    return client.post(reverse("admin:schools_school_add"), form)


def test_it_stores_one_alias_per_line_or_comma(admin_client):
    response = _added(admin_client, "De Esdoorn\r\n Esdoorn Nieuw-Buinen, #esdoorn\r\n\r\n")
    assert response.status_code == 302
    aliases = School.objects.get(code="esdoorn").aliases
    assert aliases == ["De Esdoorn", "Esdoorn Nieuw-Buinen", "#esdoorn"]


def test_it_stores_a_quoted_name_as_a_name(admin_client):
    assert _added(admin_client, '"Esdoorn"').status_code == 302
    assert School.objects.get(code="esdoorn").aliases == ["Esdoorn"]


def test_it_stores_no_aliases_as_an_empty_list(admin_client):
    assert _added(admin_client, "").status_code == 302
    assert School.objects.get(code="esdoorn").aliases == []


def test_it_shows_the_aliases_one_per_line(admin_client, school_a):
    school_a.aliases = ["De Vlindertuin", "#vlindertuin"]
    school_a.save()
    response = admin_client.get(reverse("admin:schools_school_change", args=[school_a.pk]))
    assert "De Vlindertuin\n#vlindertuin</textarea>" in response.content.decode()
