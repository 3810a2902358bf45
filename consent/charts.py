"""Coverage over time: how the answered share of each group grew, week by week, next to the
reminders sent. Geometry for a server-rendered SVG; the page shows the same numbers in a table.

Replays the events up to the end of each week against today's gezag-holders and today's
purpose versions: a view of how answers came in, not an audit of past states.
"""

import bisect
import datetime
from dataclasses import dataclass, field

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
    reminders: list[int] = field(default_factory=list)  # to the group's parents, per week
    chart: dict = field(default_factory=dict)


@dataclass
class CoverageHistory:
    weeks: list[datetime.date]
    reminders: list[int]  # to the school's parents, per week (a parent of two counted once)
    groups: list[GroupSeries]

    def table_rows(self):
        """Per week: its end, the school's reminders, and per group (share, whether
        reminders went to the group's parents): the table says what the charts show."""
        return [
            (week, self.reminders[i], [(g.shares[i], g.reminders[i] > 0) for g in self.groups])
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


def _reminder_days(inputs: CoverageInputs, start: datetime.date, school_id: int) -> dict[int, set]:
    """Per parent who is a current gezag-holder of a pupil in the picture, the local days
    since `start` on which a reminder naming this school went to them. One reminder per
    parent per week names every school where a child had an open question when it went:
    it is this school's when it named it, and a group's when it went to a parent of that
    group's pupils. One query (none without parents)."""
    parents = sorted(_parents_of({p.pk for p in inputs.pupils if not p.not_in_picture}, inputs))
    if not parents:
        return {}
    zone = timezone.get_current_timezone_name()  # TruncDate's: the local day
    days: dict[int, set] = {}
    params = [zone, parents, zone, start, school_id]
    for user_id, day in sql.rows(REMINDER_DAYS_SQL, params, _reminder_days_orm):
        days.setdefault(user_id, set()).add(day)
    return days


def _parents_of(pupil_ids, inputs: CoverageInputs) -> set[int]:
    """The current gezag-holders of these pupils (the rules' holders, read once)."""
    return {user_id for pupil_id in pupil_ids for user_id in inputs.holders.get(pupil_id, ())}


def _reminders_per_week(days: dict[int, set], parents, weeks: list[datetime.date]) -> list[int]:
    """Per week (ending on the day in `weeks`), the reminders that went to these parents
    (at most one per parent a week)."""
    counts = [0] * len(weeks)
    for user_id in parents:
        for day in days.get(user_id, ()):
            for i, end in enumerate(weeks):
                if end - datetime.timedelta(days=6) <= day <= end:
                    counts[i] += 1
    return counts


def coverage_history(
    school: School,
    *,
    today: datetime.date | None = None,
    inputs: CoverageInputs | None = None,
) -> CoverageHistory:
    """Answered share per group at the end of each of the last WEEKS weeks. 1 query with
    the page's inputs (the reminders to its parents; read with `times`), 5 without."""
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
    days = _reminder_days(inputs, weeks[0] - datetime.timedelta(days=6), school.pk)
    groups = []
    for name, members in by_group.items():
        series = GroupSeries(name, _shares(inputs, members, firsts, ends))
        parents = _parents_of((p.pk for p in members if not p.not_in_picture), inputs)
        series.reminders = _reminders_per_week(days, parents, weeks)
        series.chart = bar_chart(series.shares, weeks, series.reminders)
        groups.append(series)
    return CoverageHistory(weeks, _reminders_per_week(days, days.keys(), weeks), groups)


# The reminders delivered since a local day to the given parents, with the local day each
# was accepted by the SMTP server (one still queued went to nobody yet), written out
# (opo_portal.sql): the ORM query cost more CPU to build than to run. Its ORM form below
# reads the same rows (tests compare them). The parents are the school's current
# gezag-holders the page read already; of their reminders, those whose e-mail named the
# school (a parent with children at two schools may have had nothing open at this one).
REMINDER_DAYS_SQL = sql.prepared(
    "SELECT r.user_id, (r.delivered_at AT TIME ZONE %s)::date AS day"
    " FROM consent_remindersent r"
    " WHERE r.user_id = ANY(%s) AND (r.delivered_at AT TIME ZONE %s)::date >= %s"
    " AND EXISTS (SELECT 1 FROM consent_remindersent_schools s"
    " WHERE s.remindersent_id = r.id AND s.school_id = %s)"
)


def _reminder_days_orm(_zone, user_ids, _zone_again, start: datetime.date, school_id: int):
    return (
        ReminderSent.objects.filter(
            user_id__in=user_ids, delivered_at__date__gte=start, schools=school_id
        )
        .annotate(day=TruncDate("delivered_at"))
        .values_list("user_id", "day")
    )


def bar_chart(shares: list[int], weeks: list[datetime.date], reminders: list[int]) -> dict:
    """Bars of 0–100 % per week, each labelled with its number; a ▲ under a week in which
    reminders went to the group's parents (shape and text, never colour alone)."""
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
