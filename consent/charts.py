"""Coverage over time: how the answered share of each group grew, week by week, next to the
reminders sent. Geometry for a server-rendered SVG; the page shows the same numbers in a table.

Replays the events up to the end of each week against today's gezag-holders and today's
purpose versions: a view of how answers came in, not an audit of past states.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from consent.models import MediaType, ReminderSent
from consent.reports import school_pupils
from consent.rules import ConsentTable, State, consent_table, effective_state, purpose_infos
from schools.models import School

WEEKS = 8
WIDTH, HEIGHT, PAD = 420, 180, 24


@dataclass
class GroupSeries:
    name: str
    shares: list[int] = field(default_factory=list)  # answered share in %, per week
    chart: dict = field(default_factory=dict)


@dataclass
class CoverageHistory:
    weeks: list[datetime.date]
    reminders: list[int]
    groups: list[GroupSeries]

    def table_rows(self):
        return [
            (week, self.reminders[i], [g.shares[i] for g in self.groups])
            for i, week in enumerate(self.weeks)
        ]


def _answered(table: ConsentTable, pupil, info, media, until) -> bool | None:
    """Whether the cell was answered by `until`; None for a pupil never in the picture."""
    if pupil.not_in_picture:
        return None
    decisions = [
        d for d in table.decisions.get((pupil.pk, info.purpose.pk, media), ()) if d.at <= until
    ]
    state = effective_state(
        gezag_holders=table.holders.get(pupil.pk, set()),
        decisions=decisions,
        baseline=info.baseline,
        not_in_picture=False,
    )
    return state != State.UNANSWERED


def _share(table, pupils, infos, until) -> int:
    answered = total = 0
    for pupil in pupils:
        for info in infos:
            for media in MediaType.values:
                result = _answered(table, pupil, info, media, until)
                if result is not None:
                    total += 1
                    answered += result
    return round(100 * answered / total) if total else 0


def _reminders_per_week(school: School, weeks: list[datetime.date]) -> list[int]:
    start = weeks[0] - datetime.timedelta(days=6)
    days = (
        ReminderSent.objects.filter(
            user__guardianships__pupil__school=school,
            sent_at__date__gte=start,
        )
        .annotate(day=TruncDate("sent_at"))
        .values("day")
        .annotate(n=Count("id", distinct=True))
        .values_list("day", "n")
    )
    counts = [0] * len(weeks)
    for day, n in days:
        for i, end in enumerate(weeks):
            if end - datetime.timedelta(days=6) <= day <= end:
                counts[i] += n
    return counts


def coverage_history(school: School, *, today: datetime.date | None = None) -> CoverageHistory:
    """Answered share per group at the end of each of the last WEEKS weeks. 5 queries."""
    today = today or timezone.localdate()
    weeks = [today - datetime.timedelta(days=7 * (WEEKS - 1 - i)) for i in range(WEEKS)]
    pupils = school_pupils(school)
    infos = purpose_infos()
    table = consent_table(pupils, infos)
    by_group: dict[str, list] = {}
    for pupil in pupils:
        by_group.setdefault(pupil.group.name if pupil.group else "—", []).append(pupil)
    ends = [timezone.make_aware(datetime.datetime.combine(w, datetime.time.max)) for w in weeks]
    reminders = _reminders_per_week(school, weeks)
    groups = []
    for name, members in by_group.items():
        series = GroupSeries(name, [_share(table, members, infos, end) for end in ends])
        series.chart = bar_chart(series.shares, weeks, reminders)
        groups.append(series)
    return CoverageHistory(weeks, reminders, groups)


def bar_chart(shares: list[int], weeks: list[datetime.date], reminders: list[int]) -> dict:
    """Bars of 0–100 % per week, each labelled with its number; a ▲ under a week in which
    reminders went out (shape and text, never colour alone)."""
    slot = (WIDTH - 2 * PAD) / len(shares)
    usable = HEIGHT - 2 * PAD
    bars = []
    for i, share in enumerate(shares):
        height = usable * share / 100
        x = PAD + i * slot
        bars.append(
            {
                "x": round(x + 0.2 * slot, 1),
                "y": round(HEIGHT - PAD - height, 1),
                "width": round(0.6 * slot, 1),
                "height": round(height, 1),
                "value": share,
                "label_x": round(x + 0.5 * slot, 1),
                "label_y": round(HEIGHT - PAD - height - 4, 1),
                "week": f"{weeks[i]:%d-%m}",
                "reminded": reminders[i] > 0,
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - PAD,
        "axis_label_y": HEIGHT - PAD + 14,
        "marker_y": HEIGHT - 2,
        "bars": bars,
    }
