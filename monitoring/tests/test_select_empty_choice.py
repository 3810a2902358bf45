"""The empty choice of a list on the monitoring pages is said in words ("Niemand", "Kies
een school"), not Django's "---------", which a Dutch page showed as dashes and a screen
reader read out as such (found walking the demo as its director, 2026-12-07)."""

import re

import pytest
from django.urls import reverse

from monitoring.tests.helpers import make_pupil_case

pytestmark = pytest.mark.django_db


def first_option(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no list named {name}"
    option = re.search(r"<option[^>]*>(.*?)</option>", select.group(1), re.S)
    assert option
    return option.group(1).strip()


def test_it_offers_nobody_by_name_as_the_assignee_of_a_case(login, director_a, school_a):
    case = make_pupil_case(school_a)

    html = login(director_a).get(reverse("monitoring:case", args=[case.pk])).content.decode()

    assert first_option(html, "assigned_to") == "Niemand"


def test_it_asks_to_choose_a_school_when_reporting_a_post(login, director_a):
    html = login(director_a).get(reverse("monitoring:report_post")).content.decode()

    assert first_option(html, "school") == "Kies een school"


def test_it_asks_to_choose_a_school_for_the_monthly_report(login, director_a):
    html = login(director_a).get(reverse("monitoring:report")).content.decode()

    assert first_option(html, "school") == "Kies een school"
