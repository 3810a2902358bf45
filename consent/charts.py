"""Coverage over time: how the answered share of each group grew, week by week, next to the
reminders sent. Geometry for a server-rendered SVG; the page shows the same numbers in a table.

Replays the events up to the end of each week against today's gezag-holders and today's
purpose versions: a view of how answers came in, not an audit of past states.
"""

import bisect
import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from consent.models import MediaType, ReminderSent
from consent.reports import CoverageInputs, coverage_inputs
from opo_portal import sql
from schools.models import School

WEEKS = 8
MEDIA = MediaType.values
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


def _first_answers(inputs: CoverageInputs) -> dict[int, list[int]]:
    """Per pupil, when each of its cells was first answered, in whole seconds since 1970
    (unanswered cells left out).

    A cell is answered at a moment when some current gezag-holder had a decision since the
    purpose's last change of meaning by then (`effective_state` is then not unanswered):
    so from the earliest such decision on. One pass over the events, in the order they
    were made (coverage_inputs with `times`), not one per week."""
    holders_of = inputs.holders
    baselines = {info.purpose.pk: info.baseline for info in inputs.infos}
    first: dict[tuple, int] = {}
    nobody: tuple = ()
    for pupil_id, purpose_id, media, guardian_id, number, _granted, at in inputs.events:
        if number >= baselines[purpose_id] and guardian_id in holders_of.get(pupil_id, nobody):
            first.setdefault((pupil_id, purpose_id, media), at)
    per_pupil: dict[int, list[int]] = {}
    for (pupil_id, _purpose, _media), at in first.items():
        per_pupil.setdefault(pupil_id, []).append(at)
    return per_pupil


def _shares(inputs: CoverageInputs, pupils, firsts, ends) -> list[int]:
    """Answered share at each end, of these pupils' cells (pupils never in the picture
    left out)."""
    counted = [p for p in pupils if not p.not_in_picture]
    total = len(counted) * len(inputs.infos) * len(MEDIA)
    if not total:
        return [0] * len(ends)
    moments = sorted(at for p in counted for at in firsts.get(p.pk, ()))
    return [round(100 * bisect.bisect_right(moments, end) / total) for end in ends]


def _reminders_per_week(school: School, weeks: list[datetime.date]) -> list[int]:
    start = weeks[0] - datetime.timedelta(days=6)
    zone = timezone.get_current_timezone_name()  # TruncDate's: the local day
    params = [zone, school.pk, zone, start]
    days = sql.rows(REMINDER_DAYS_SQL, params, _reminder_days_orm)
    counts = [0] * len(weeks)
    for day, n in days:
        for i, end in enumerate(weeks):
            if end - datetime.timedelta(days=6) <= day <= end:
                counts[i] += n
    return counts


def coverage_history(
    school: School,
    *,
    today: datetime.date | None = None,
    inputs: CoverageInputs | None = None,
) -> CoverageHistory:
    """Answered share per group at the end of each of the last WEEKS weeks. 1 query with
    the page's inputs (the reminders per day; read with `times`), 5 without."""
    today = today or timezone.localdate()
    weeks = [today - datetime.timedelta(days=7 * (WEEKS - 1 - i)) for i in range(WEEKS)]
    inputs = inputs or coverage_inputs(school, times=True)
    firsts = _first_answers(inputs)
    by_group: dict[str, list] = {}
    for pupil in inputs.pupils:
        by_group.setdefault(pupil.group_name or "—", []).append(pupil)
    ends = [
        timezone.make_aware(datetime.datetime.combine(w, datetime.time.max)).timestamp()
        for w in weeks
    ]
    reminders = _reminders_per_week(school, weeks)
    groups = []
    for name, members in by_group.items():
        series = GroupSeries(name, _shares(inputs, members, firsts, ends))
        series.chart = bar_chart(series.shares, weeks, reminders)
        groups.append(series)
    return CoverageHistory(weeks, reminders, groups)


# The reminders sent per local day to the school's parents (a parent of two pupils
# counted once), written out (opo_portal.sql): the ORM query cost more CPU to build than
# to run. Its ORM form below reads the same rows (tests compare them).
REMINDER_DAYS_SQL = sql.prepared(
    "SELECT (r.sent_at AT TIME ZONE %s)::date AS day, COUNT(DISTINCT r.id)"
    " FROM consent_remindersent r"
    " JOIN schools_guardianship g ON g.user_id = r.user_id"
    " JOIN schools_pupil p ON p.id = g.pupil_id"
    " WHERE p.school_id = %s AND (r.sent_at AT TIME ZONE %s)::date >= %s GROUP BY 1"
)


def _reminder_days_orm(_zone, school_id: int, _zone_again, start: datetime.date):
    return (
        ReminderSent.objects.filter(
            user__guardianships__pupil__school_id=school_id, sent_at__date__gte=start
        )
        .annotate(day=TruncDate("sent_at"))
        .values("day")
        .annotate(n=Count("id", distinct=True))
        .values_list("day", "n")
    )


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
