import re

from django.core import mail
from django.urls import reverse

from schools.importer import pupils_import
from schools.tests.importfiles import csv_text, pupil_row


def test_it_lets_an_imported_parent_log_in_by_e_mailed_code(client, school_a):
    pupils_import(school=school_a, text=csv_text([pupil_row()]))
    client.post(reverse("account_request_login_code"), {"email": "eva.mulder@example.org"})
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    response = client.get(reverse("home"))
    assert response.url == reverse("accounts:home_parent")
    assert "Daan" in client.get(response.url).content.decode()
