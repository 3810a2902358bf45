"""The turn of the school year (1 August) in the pupil import: who left, and when."""

import datetime

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
    assert Pupil.objects.get(pk=pupil_a.pk).group.school_year == "2027-2028"


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
    pupil_a2.refresh_from_db()
    assert pupil_a2.left_on is None
