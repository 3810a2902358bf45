"""The school's confirmation list as an Excel workbook, as the consent coverage has one."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_staff
from policy import services
from schools.models import StaffMembership

Role = StaffMembership.Role


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


# --- The board staff's and privacy officers' own list -----------------------------------


def test_it_downloads_the_board_staffs_own_list_as_a_workbook(
    login, v1, board, privacy_officer, director_a
):
    """The overview showed who of the board staff confirmed, with no download."""
    services.acknowledgement_record(user=privacy_officer, version=v1)

    response = login(board).get(reverse("policy:foundation_staff_xlsx"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="protocol-v1-bevestigingen-bestuur.xlsx"'
    )
    assert "no-store" in response["Cache-Control"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.active.title == "Protocol versie 1"
    assert workbook.properties.title == (
        "Leesbevestigingen protocol sociale media, versie 1, bestuursbureau en privacyfunctionaris"
    )
    header, *rows = _rows(response)
    assert header[:5] == ["Lijst", "Naam", "E-mailadres", "Rol", "Bevestigd"]
    by_email = {row[2]: row for row in rows}
    assert set(by_email) == {board.email, privacy_officer.email}  # no school's staff
    assert by_email[privacy_officer.email][4] == "ja"
    assert by_email[board.email][4] == "nee"


def test_it_downloads_the_board_staffs_own_list_as_csv(login, v1, board, privacy_officer):
    from policy.tests.test_confirmation_list import csv_rows

    response = login(privacy_officer).get(reverse("policy:foundation_staff_csv"))

    assert response["Content-Disposition"] == (
        'attachment; filename="protocol-v1-bevestigingen-bestuur.csv"'
    )
    header, *rows = csv_rows(response)
    assert header[1] == "Naam"
    assert sorted(row[2] for row in rows) == [board.email, privacy_officer.email]


@pytest.mark.parametrize("route", ["policy:foundation_staff_csv", "policy:foundation_staff_xlsx"])
def test_the_board_staffs_list_is_404_to_a_director_and_a_teacher(
    login, v1, director_a, teacher_a, route
):
    for user in (director_a, teacher_a):
        assert login(user).get(reverse(route)).status_code == 404


def test_it_offers_the_board_staffs_list_on_the_overview(login, v1, board, director_a):
    url = reverse("policy:foundation_staff_xlsx")
    assert url in login(board).get(reverse("policy:confirmations")).content.decode()
    assert url not in login(director_a).get(reverse("policy:confirmations")).content.decode()


@pytest.mark.parametrize("extra", [1, 10])
def test_it_exports_the_board_staffs_list_with_the_same_queries_for_1_and_10(
    login, v1, board, extra, django_assert_num_queries
):
    for i in range(extra):
        make_staff(f"bestuur{i}@example.org", Role.BOARD)
    c = login(board)
    # (session from the cache, TOTP remembered in it)
    # 1. user  2. memberships  3. current version  4. board staff and privacy officers
    # with their confirmation
    with django_assert_num_queries(4):
        response = c.get(reverse("policy:foundation_staff_xlsx"))
    assert len(_rows(response)) == 1 + 1 + extra
