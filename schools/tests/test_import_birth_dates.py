"""A birth date no primary-school pupil can have (1900, year 1: what an empty date cell
becomes in some exports) is a row problem, not a pupil born in 1900."""

import datetime

import pytest

from schools.importer import pupils_import
from schools.models import Pupil
from schools.tests.importfiles import csv_text, pupil_row

TODAY = datetime.date(2027, 9, 1)


@pytest.mark.parametrize("born", ["01-01-1900", "0001-01-01", "31-08-2007"])
def test_it_refuses_a_birth_date_more_than_twenty_years_back(school_a, born):
    report = pupils_import(school=school_a, text=csv_text([pupil_row("1", born=born)]), today=TODAY)
    assert report.errors == [
        f"rij 2: geboortedatum “{born}” ligt meer dan 20 jaar terug; geen leerling van "
        "een basisschool is zo oud"
    ]
    assert not Pupil.objects.exists()


def test_it_takes_a_pupil_of_special_education_up_to_twenty(school_a):
    report = pupils_import(
        school=school_a, text=csv_text([pupil_row("1", born="01-09-2007")]), today=TODAY
    )
    assert report.ok, report.errors
