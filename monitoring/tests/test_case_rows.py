"""The dashboard's case rows and flags: each day's date and each status worded once per
page, as the date filter words them."""

import datetime

import pytest
from django.utils import timezone, translation

from monitoring.templatetags.monitoring_tags import _day_formatter, _moment, _when


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_formats_each_day_as_the_date_filter_does(language, settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    start = datetime.datetime(2026, 3, 28, 20, 0, tzinfo=datetime.UTC)  # over a DST change
    moments = [start + datetime.timedelta(hours=h) for h in range(0, 24 * 40, 5)]
    with translation.override(language), timezone.override("Europe/Amsterdam"):
        day = _day_formatter()
        assert [day(m) for m in moments] == [_when(m, "j F Y") for m in moments]
        assert day(None) == ""


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_formats_each_moment_as_the_date_filter_does(language):
    start = datetime.datetime(2026, 10, 24, 21, 7, tzinfo=datetime.UTC)  # over a DST change
    moments = [start + datetime.timedelta(minutes=m) for m in range(0, 60 * 24 * 3, 37)]
    with translation.override(language), timezone.override("Europe/Amsterdam"):
        day = _day_formatter()
        assert [_moment(day, m) for m in moments] == [_when(m) for m in moments]
        assert _moment(day, None) == ""
