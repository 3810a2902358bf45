"""The school's confirmation list as an Excel workbook, as the consent coverage has one."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from policy import services


def _rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_it_downloads_the_confirmations_as_a_workbook(login, v1, director_a, teacher_a, parent_a):
    services.acknowledgement_record(user=teacher_a, version=v1)
    url = reverse("policy:confirmation_xlsx", args=["vlindertuin"])

    response = login(director_a).get(url + "?ouders=1")

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="protocol-v1-bevestigingen-vlindertuin.xlsx"'
    )
    header, *rows = _rows(response)
    assert header[:5] == ["Lijst", "Naam", "E-mailadres", "Rol", "Bevestigd"]
    by_name = {row[1]: row for row in rows}
    assert by_name[teacher_a.full_name][4] == "ja"
    assert by_name[director_a.full_name][4] == "nee"
    assert by_name[parent_a.full_name][0] == "ouders"


def test_it_leaves_the_parents_out_unless_asked(login, v1, director_a, parent_a):
    url = reverse("policy:confirmation_xlsx", args=["vlindertuin"])
    rows = _rows(login(director_a).get(url))
    assert parent_a.full_name not in [row[1] for row in rows]


def test_it_offers_the_workbook_on_the_list(login, v1, director_a):
    page = login(director_a).get(reverse("policy:confirmation_list", args=["vlindertuin"]))
    assert reverse("policy:confirmation_xlsx", args=["vlindertuin"]) in page.content.decode()
