"""The turn of the school year (1 August) in the pupil import: who left, and when."""

import datetime
from io import StringIO

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from conftest import make_pupil
from schools.importer import pupils_import
from schools.models import Group, Pupil
from schools.services import erase_after
from schools.tests.importfiles import csv_text, pupil_row


def _import(school, day: datetime.date, *rows):
    report = pupils_import(school=school, text=csv_text(rows), today=day)
    assert report.ok, report.errors
    return report


def test_it_dates_the_leavers_of_the_first_import_of_a_year_at_the_end_of_the_last(
    school_a, pupil_a, pupil_a2
):
    # groep 7 (pupil_a2) left in July; the school's first list of 2027-2028 comes in
    # September. They did not leave on the day of the import: a left_on of 1 September
    # kept them a whole school year longer (erased 2030, not 2029) and told their parents
    # "Van school gegaan op 1 september".
    report = _import(school_a, datetime.date(2027, 9, 1), pupil_row("1001", group="groep 6"))
    pupil_a2.refresh_from_db()
    assert pupil_a2.left_on == datetime.date(2027, 7, 31)
    assert erase_after(pupil_a2.left_on) == datetime.date(2029, 8, 1)
    assert report.left == 1
    assert any("vertrokken op 31 juli 2027" in line for line in report.warnings)
    assert (
        "de 1 leerling die niet in het bestand staat, wordt gemarkeerd als vertrokken op "
        "31 juli 2027" in report.warnings[0]
    )
    assert Pupil.objects.get(pk=pupil_a.pk).group.school_year == "2027-2028"


def test_it_says_pupils_for_more_leavers_than_one(school_a, group_a1, pupil_a, pupil_a2):
    make_pupil(school_a, group_a1, "1003", "Ada", "Smit")
    with translation.override("en"):
        report = _import(school_a, datetime.date(2027, 9, 1), pupil_row("1001", group="groep 6"))
    assert report.left == 2
    assert (
        "the 2 pupils who are not in the file are marked as left on 31 July 2027"
        in report.warnings[0]
    )


def test_it_dates_the_leavers_of_a_later_import_in_the_year_on_the_day(school_a, pupil_a, pupil_a2):
    _import(
        school_a,
        datetime.date(2027, 9, 1),
        pupil_row("1001", group="groep 6"),
        pupil_row("1002", group="groep 8"),
    )
    _import(school_a, datetime.date(2027, 10, 12), pupil_row("1001", group="groep 6"))
    pupil_a2.refresh_from_db()
    assert pupil_a2.left_on == datetime.date(2027, 10, 12)


def test_it_dates_the_leavers_of_an_import_before_the_turn_on_the_day(
    school_a, group_a1, pupil_a, pupil_a2
):
    # late July, still school year 2026-2027, whose groups exist
    _import(school_a, datetime.date(2027, 7, 25), pupil_row("1001", group="groep 5"))
    pupil_a2.refresh_from_db()
    assert pupil_a2.left_on == datetime.date(2027, 7, 25)
    assert list(Group.objects.filter(name="groep 6")) == []


def test_its_dry_run_says_the_same_and_writes_nothing(school_a, pupil_a, pupil_a2):
    report = pupils_import(
        school=school_a,
        text=csv_text([pupil_row("1001", group="groep 6")]),
        today=datetime.date(2027, 9, 1),
        dry_run=True,
    )
    assert report.left == 1
    assert any("vertrokken op 31 juli 2027" in line for line in report.warnings)
    assert (
        "de 1 leerling die niet in het bestand staat, wordt gemarkeerd als vertrokken op "
        "31 juli 2027" in report.warnings[0]
    )
    pupil_a2.refresh_from_db()
    assert pupil_a2.left_on is None


# 10:00 in Amsterdam on 25 July 2027: still school year 2026-2027, the list is next year's
LATE_JULY = datetime.datetime(2027, 7, 25, 8, 0, tzinfo=datetime.UTC)
NEXT_YEAR_FIELD = "next_school_year"


def _post_list(client, **extra):
    text = csv_text([pupil_row("1001", group="groep 6")])
    upload = SimpleUploadedFile("leerlingen.csv", text.encode(), content_type="text/csv")
    data = {"school": "vlindertuin", "file": upload, **extra}
    return client.post(reverse("schools:import_pupils"), data)


def test_a_list_for_next_year_imported_in_july_makes_next_years_groups(
    login, director_a, school_a, group_a1, pupil_a, pupil_a2
):
    # without it, "groep 6" became a group of 2026-2027 (the year of the import's day), and
    # the September list moved every pupil a second time, into a second "groep 6"
    with time_machine.travel(LATE_JULY, tick=False):
        response = _post_list(login(director_a), **{NEXT_YEAR_FIELD: "on"})
    assert response.status_code == 200
    assert "2027-2028" in response.content.decode()
    moved = Pupil.objects.get(pk=pupil_a.pk)
    assert (moved.group.name, moved.group.school_year) == ("groep 6", "2027-2028")
    pupil_a2.refresh_from_db()
    assert pupil_a2.left_on == datetime.date(2027, 7, 25)  # not a day in the future
    # the September list of the same year finds its groups: one "groep 6", nobody moves
    report = _import(school_a, datetime.date(2027, 9, 1), pupil_row("1001", group="groep 6"))
    assert (report.groups_created, report.updated, report.unchanged) == (0, 0, 1)
    assert Group.objects.filter(name="groep 6").count() == 1


def test_the_page_offers_next_year_in_june_and_july_only(login, director_a, school_a):
    url = reverse("schools:import_pupils")
    for moment, offered in [(LATE_JULY, True), (LATE_JULY + datetime.timedelta(days=60), False)]:
        with time_machine.travel(moment, tick=False):
            page = login(director_a).get(url).content.decode()
        assert (f'name="{NEXT_YEAR_FIELD}"' in page) is offered


def test_the_command_imports_a_list_for_next_year(school_a, pupil_a, tmp_path):
    path = tmp_path / "leerlingen.csv"
    path.write_text(csv_text([pupil_row("1001", group="groep 6")]), encoding="utf-8")
    with time_machine.travel(LATE_JULY, tick=False):
        call_command(
            "import_pupils",
            str(path),
            school="vlindertuin",
            next_school_year=True,
            stdout=StringIO(),
        )
    assert Pupil.objects.get(pk=pupil_a.pk).group.school_year == "2027-2028"
