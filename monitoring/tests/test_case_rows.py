"""The dashboard's case rows: each day's date and each status worded once per page."""

import datetime

import pytest
from django.utils import timezone, translation

from monitoring.templatetags.monitoring_tags import _day_formatter, _when


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_formats_each_day_as_the_date_filter_does(language, settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    start = datetime.datetime(2026, 3, 28, 20, 0, tzinfo=datetime.UTC)  # over a DST change
    moments = [start + datetime.timedelta(hours=h) for h in range(0, 24 * 40, 5)]
    with translation.override(language), timezone.override("Europe/Amsterdam"):
        day = _day_formatter()
        assert [day(m) for m in moments] == [_when(m, "j F Y") for m in moments]
        assert day(None) == ""
