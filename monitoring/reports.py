"""Report numbers per school and month: counts, trend, open cases, time to conversation."""

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from monitoring.models import CASE_CATEGORIES, CATEGORY_LABELS, Flag, FollowUp
from schools.models import School

CATEGORIES = tuple(CATEGORY_LABELS)
TREND_MONTHS = 6


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass
class MonthCounts:
    month: datetime.date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def needs_attention(self) -> int:
        return sum(n for c, n in self.counts.items() if c != "positive")


@dataclass
class SchoolReport:
    school: School
    month: datetime.date
    counts: dict[str, int]
    trend: list[MonthCounts]
    open_cases: int  # at the end of the month (now, for the month under way)
    conversations_held: int
    median_days_to_conversation: float | None
    flags_total: int
    false_positives: int

    @property
    def open_cases_on(self) -> datetime.date | None:
        """The day open_cases was counted at the end of: the month's last day, or None
        while the month is under way (counted now)."""
        last = add_months(self.month, 1) - datetime.timedelta(days=1)
        return last if last < timezone.localdate() else None

    @property
    def false_positive_share(self) -> float | None:
        return self.false_positives / self.flags_total if self.flags_total else None

    @property
    def category_rows(self) -> list[tuple[str, str, int]]:
        return [(c, str(CATEGORY_LABELS[c]), self.counts.get(c, 0)) for c in CATEGORIES]


def school_report(*, school: School, month: datetime.date) -> SchoolReport:
    """The school's numbers for `month`, with the trend over the months before it."""
    month = month_start(month)
    first = add_months(month, -(TREND_MONTHS - 1))
    end = add_months(month, 1)
    # One query for every flag in the trend window (ids, category, time, dismissed).
    rows = Flag.objects.filter(
        school=school, created_at__gte=_aware(first), created_at__lt=_aware(end)
    ).values_list("category", "created_at", "dismissed_as_false_positive")
    trend = {add_months(first, i): MonthCounts(add_months(first, i)) for i in range(TREND_MONTHS)}
    flags_total = false_positives = 0
    for category, created_at, dismissed in rows:
        bucket = month_start(timezone.localdate(created_at))
        counts = trend[bucket].counts
        if dismissed:
            if bucket == month:
                false_positives += 1
                flags_total += 1
            continue
        counts[category] = counts.get(category, 0) + 1
        if bucket == month:
            flags_total += 1
    # A case counts once, in the month of its first conversation, and waited from its flag
    # to that one: a second conversation is no new wait. FollowUp.first_held, in the same
    # query: read from the case's conversations while they are all there (the earliest
    # held), the day kept on the case (first_held_on) once retention emptied the earlier
    # ones, so a past month reads the same after it; until 2026-12-07 read from
    # earlier_conversations, else held_on, and after retention a case counted by its last
    # conversation. No day for a first conversation held on a day not recorded: the case
    # is left out. A conversation, or a correction of its day, recorded by a process of
    # the release before first_held_on (a rolling deploy) counts as recorded (until
    # 2026-12-07 such a first conversation was left out, and such a correction not read).
    held = (
        FollowUp.objects.filter(school=school)  # type: ignore[misc,no-redef]  # django-stubs: first_held is a classmethod too
        .annotate(first_held=FollowUp.first_held())
        .filter(first_held__gte=month, first_held__lt=end)
        .values_list("opened_at", "first_held")
    )
    waits = [(held_on - timezone.localdate(opened_at)).days for opened_at, held_on in held]
    return SchoolReport(
        school=school,
        month=month,
        counts=trend[month].counts,
        trend=list(trend.values()),
        open_cases=open_cases_at(school=school, moment=_aware(end)),
        conversations_held=len(waits),
        median_days_to_conversation=statistics.median(waits) if waits else None,
        flags_total=flags_total,
        false_positives=false_positives,
    )


def open_cases_at(*, school: School, moment: datetime.datetime) -> int:
    """The school's cases open at `moment`: opened before it, and open now or finished
    after it (a month's report, and its digest sent later, counted the cases open when it
    was read). A case finished and reopened again since counts as open then: its earlier
    closing is not kept."""
    finished_after = Q(status__in=FollowUp.FINISHED_STATUSES, closed_at__gte=moment)
    return (
        FollowUp.objects.filter(school=school, opened_at__lt=moment)
        .filter(Q(status__in=FollowUp.OPEN_STATUSES) | finished_after)
        .count()
    )


# --- Chart ---------------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 600, 240, 30


def trend_chart(trend: list[MonthCounts]) -> dict:
    """Geometry for the SVG bar chart: per month a bar for flags needing attention and one
    for positive mentions, each labelled with its number (the chart never relies on colour)."""
    peak = max(
        [m.needs_attention for m in trend] + [m.counts.get("positive", 0) for m in trend] + [1]
    )
    slot = (CHART_WIDTH - 2 * CHART_PAD) / len(trend)
    usable = CHART_HEIGHT - 2 * CHART_PAD
    bars = []
    for i, m in enumerate(trend):
        x = CHART_PAD + i * slot
        for offset, value, kind in (
            (0.15, m.needs_attention, "attention"),
            (0.5, m.counts.get("positive", 0), "positive"),
        ):
            height = usable * value / peak
            bars.append(
                {
                    "kind": kind,
                    "x": round(x + offset * slot, 1),
                    "y": round(CHART_HEIGHT - CHART_PAD - height, 1),
                    "width": round(0.33 * slot, 1),
                    "height": round(height, 1),
                    "value": value,
                    "label_x": round(x + (offset + 0.165) * slot, 1),
                    "label_y": round(CHART_HEIGHT - CHART_PAD - height - 4, 1),
                }
            )
    months = [
        {"x": round(CHART_PAD + (i + 0.5) * slot, 1), "label": f"{m.month:%m/%Y}"}
        for i, m in enumerate(trend)
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": CHART_HEIGHT - CHART_PAD,
        "axis_label_y": CHART_HEIGHT - CHART_PAD + 18,
        "bars": bars,
        "months": months,
    }


# --- Cases per month and category ------------------------------------------------------------

CASES_WIDTH, CASES_ROW, CASES_LABEL = 600, 44, 190


def cases_per_category(*, school: School, month: datetime.date) -> list[tuple[str, list[int]]]:
    """Follow-up cases opened per month (the trend window) per category of their flags;
    a case with flags of two categories counts in both. One query."""
    month = month_start(month)
    first = add_months(month, -(TREND_MONTHS - 1))
    months = [add_months(first, i) for i in range(TREND_MONTHS)]
    rows = (
        FollowUp.objects.filter(
            school=school,
            opened_at__gte=_aware(first),
            opened_at__lt=_aware(add_months(month, 1)),
            flags__dismissed_as_false_positive=False,
        )
        .values_list("pk", "opened_at", "flags__category")
        .distinct()
    )
    counts = {c: [0] * TREND_MONTHS for c in CASE_CATEGORIES}
    for _pk, opened_at, category in rows:
        if category in counts:
            index = months.index(month_start(timezone.localdate(opened_at)))
            counts[category][index] += 1
    return [(str(CATEGORY_LABELS[c]), counts[c]) for c in CASE_CATEGORIES]


def cases_chart(rows: list[tuple[str, list[int]]], months: list[datetime.date]) -> dict:
    """One row of bars per category (the category written at its left), one bar per month
    with its number above it: shape and text carry everything, colour nothing."""
    peak = max([n for _label, counts in rows for n in counts] + [1])
    slot = (CASES_WIDTH - CASES_LABEL) / len(months)
    usable = CASES_ROW - 18
    lines = []
    for r, (label, counts) in enumerate(rows):
        base = 20 + (r + 1) * CASES_ROW
        bars = []
        for i, n in enumerate(counts):
            height = usable * n / peak
            bars.append(
                {
                    "x": round(CASES_LABEL + i * slot + 0.25 * slot, 1),
                    "y": round(base - height, 1),
                    "width": round(0.5 * slot, 1),
                    "height": round(height, 1),
                    "value": n,
                    "label_x": round(CASES_LABEL + (i + 0.5) * slot, 1),
                    "label_y": round(base - height - 3, 1),
                }
            )
        lines.append({"label": label, "label_y": base - 4, "baseline": base, "bars": bars})
    heads = [
        {"x": round(CASES_LABEL + (i + 0.5) * slot, 1), "label": f"{m:%m/%Y}"}
        for i, m in enumerate(months)
    ]
    height = 20 + len(rows) * CASES_ROW + 10
    return {
        "width": CASES_WIDTH,
        "height": height,
        "axis_x": CASES_LABEL,
        "rows": lines,
        "months": heads,
    }


# --- Export tables (written by schools.tabular: CSV for Dutch Excel, .xlsx) ---------------


def counts_table(report: SchoolReport) -> tuple[list[str], list[list]]:
    """Flags per month and category over the trend window, in Dutch words."""
    headers = [_("School"), _("Month"), _("Category"), _("Number of flags")]
    rows = [
        [report.school.name, f"{m.month:%m-%Y}", str(CATEGORY_LABELS[c]), m.counts.get(c, 0)]
        for m in report.trend
        for c in CATEGORIES
    ]
    return headers, rows


def _excel_number(value: float | None) -> int | str:
    """A median (a whole or half number of days) as Dutch Excel reads a number: with a
    decimal comma ("5,5"); "5.5" is no number there. None is an empty cell."""
    if value is None:
        return ""
    if value == int(value):
        return int(value)
    return str(value).replace(".", ",")


def _open_cases_label(report: SchoolReport) -> str:
    """What the open-cases figure counts: at the month's end, or now while it runs."""
    if report.open_cases_on is None:
        return _("open cases now")
    return _("open cases on %(day)s") % {"day": date_format(report.open_cases_on, "j F Y")}


def measures_table(report: SchoolReport) -> tuple[list[str], list[list]]:
    """The month's key figures, one per row."""
    median = report.median_days_to_conversation
    headers = [_("School"), _("Month"), _("Measure"), _("Value")]
    measures = [
        (_open_cases_label(report), report.open_cases),
        (_("cases with their first conversation"), report.conversations_held),
        (_("median days from flag to first conversation"), _excel_number(median)),
        (_("flags"), report.flags_total),
        (_("false positives"), report.false_positives),
    ]
    month = f"{report.month:%m-%Y}"
    return headers, [[report.school.name, month, str(name), value] for name, value in measures]
