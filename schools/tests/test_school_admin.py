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


def test_it_stores_a_typed_name_and_aliases_without_direction_controls(admin_client):
    # U+202E RIGHT-TO-LEFT OVERRIDE would make the name read as another (opo_portal.text)
    form = {"code": "esdoorn", "name": "OBS \u202eDe Esdoorn", "aliases": "\u2067Esdoorn\n\u202e"}
    assert admin_client.post(reverse("admin:schools_school_add"), form).status_code == 302
    school = School.objects.get(code="esdoorn")
    assert (school.name, school.aliases) == ("OBS De Esdoorn", ["Esdoorn"])


def test_it_refuses_a_school_name_of_direction_controls_only(admin_client):
    form = {"code": "esdoorn", "name": "\u202e\u2069", "aliases": ""}
    response = admin_client.post(reverse("admin:schools_school_add"), form)
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert not School.objects.exists()
