"""Takedowns taken offline whose pupil a parent's "yes" allowed again since get
`consent_back_at`, the moment of that "yes".

Until 2026-12-07 a takedown taken offline stopped standing after any "yes" for its pupil,
channel and medium since (`TakedownTask.objects.standing`); from then on only when consent
actually allowed the pupil again, which `consent_decide` now marks on the task. A "yes"
that left the parents disagreeing (the other parent's "no" still stood) could not have
put the picture back. This fills the mark for the tasks of before, so that a later "no"
takes a picture that may be back up down anew, and makes no second task for one still
down.

Only the tasks the old rule counted as left up are read (taken offline, not marked, a
"yes" since), in batches by id. Each "yes" since is replayed with the consent rules as
they are today (each gezag-holder's latest answer since the channel's last change of
meaning, as it was at that "yes"; one "no" among them and it is not allowed): the first
that allowed the pupil marks the task. The replay knows the gezag-holders of now only,
and the safeguarding flag not at all. Where gezag may have been different then, that is
when the pupil's gezag changes were not yet recorded when the task was taken offline
(`schools.GezagChange`, from migration schools 0010) or one was recorded since, the task
is marked at its first "yes" since, as before: when unsure, the safe side (a later "no"
makes a new task and e-mail). The flag is left out of the replay: a flagged pupil was not
allowed, so leaving it out can only mark more. Nothing to undo: the old rule read no mark
on these tasks.
"""

from collections import defaultdict

from django.db import migrations
from django.db.models import Exists, OuterRef

BATCH = 500
GEZAG_RECORDING = ("schools", "0010_membershipchange_gezagchange")


def gezag_recorded_since(connection):
    """When the recording of gezag changes began (its migration applied), or None."""
    from django.db.migrations.recorder import MigrationRecorder

    app, name = GEZAG_RECORDING
    recorded = MigrationRecorder(connection).migration_qs.filter(app=app, name=name)
    return recorded.values_list("applied", flat=True).first()


def _baseline(versions, at) -> int:
    """consent.rules.meaning_baseline of the versions published by `at`."""
    return max(
        (
            n
            for n, kind, published in versions
            if published <= at and (n == 1 or kind == "change_of_meaning")
        ),
        default=1,
    )


def _allowed(decisions, holders, baseline) -> bool:
    """consent.rules.effective_state is GRANTED (the safeguarding flag left out)."""
    latest = {}
    for guardian_id, number, granted in decisions:  # in the order they were made
        if guardian_id in holders and number >= baseline:
            latest[guardian_id] = granted
    answers = set(latest.values())
    return True in answers and False not in answers


def _marks(apps, tasks, since):
    """Task id -> when consent allowed its pupil again, for a batch of (id, pupil,
    purpose, media, done_at). Four queries."""
    ConsentEvent = apps.get_model("consent", "ConsentEvent")
    PurposeVersion = apps.get_model("consent", "PurposeVersion")
    Guardianship = apps.get_model("schools", "Guardianship")
    GezagChange = apps.get_model("schools", "GezagChange")
    pupil_ids = {pupil_id for _pk, pupil_id, _purpose, _media, _done in tasks}
    purpose_ids = {purpose_id for _pk, _pupil, purpose_id, _media, _done in tasks}
    events = defaultdict(list)  # (pupil, purpose, media) -> (guardian, number, yes, at)
    rows = ConsentEvent.objects.filter(pupil_id__in=pupil_ids, purpose_id__in=purpose_ids)
    rows = rows.order_by("created_at", "id").values_list(
        "pupil_id",
        "purpose_id",
        "media_type",
        "guardian_id",
        "purpose_version__number",
        "granted",
        "created_at",
    )
    for pupil_id, purpose_id, media, guardian_id, number, granted, at in rows:
        events[(pupil_id, purpose_id, media)].append((guardian_id, number, granted, at))
    holders = defaultdict(set)
    gezag = Guardianship.objects.filter(pupil_id__in=pupil_ids, has_parental_authority=True)
    for pupil_id, user_id in gezag.values_list("pupil_id", "user_id"):
        holders[pupil_id].add(user_id)
    versions = defaultdict(list)
    published = PurposeVersion.objects.filter(purpose_id__in=purpose_ids)
    for purpose_id, number, kind, at in published.values_list(
        "purpose_id", "number", "kind", "published_at"
    ):
        versions[purpose_id].append((number, kind, at))
    gezag_changed = defaultdict(lambda: None)  # pupil -> the last recorded change
    changes = GezagChange.objects.filter(pupil_id__in=pupil_ids).order_by("at")
    for pupil_id, at in changes.values_list("pupil_id", "at"):
        gezag_changed[pupil_id] = at
    marks = {}
    for pk, pupil_id, purpose_id, media, done_at in tasks:
        cell = events[(pupil_id, purpose_id, media)]
        changed = gezag_changed[pupil_id]
        unsure = since is None or done_at < since or (changed is not None and changed >= done_at)
        for n, (_guardian, _number, granted, at) in enumerate(cell):
            if not granted or at <= done_at:
                continue
            decisions = [(g, number, yes) for g, number, yes, _at in cell[: n + 1]]
            baseline = _baseline(versions[purpose_id], at)
            if unsure or _allowed(decisions, holders[pupil_id], baseline):
                marks[pk] = at
                break
    return marks


def mark_consent_back(apps, schema_editor):
    TakedownTask = apps.get_model("consent", "TakedownTask")
    ConsentEvent = apps.get_model("consent", "ConsentEvent")
    since = gezag_recorded_since(schema_editor.connection)
    yes_since = ConsentEvent.objects.filter(
        pupil_id=OuterRef("pupil_id"),
        purpose_id=OuterRef("publication_check__purpose_id"),
        media_type=OuterRef("publication_check__media_type"),
        granted=True,
        created_at__gt=OuterRef("done_at"),
    )
    left_up_before = (
        TakedownTask.objects.filter(
            done_at__isnull=False, closed_reason="taken_down", consent_back_at__isnull=True
        )
        .filter(Exists(yes_since))
        .order_by("pk")
    )
    last = 0
    while True:
        tasks = list(
            left_up_before.filter(pk__gt=last).values_list(
                "pk",
                "pupil_id",
                "publication_check__purpose_id",
                "publication_check__media_type",
                "done_at",
            )[:BATCH]
        )
        if not tasks:
            return
        marks = _marks(apps, tasks, since)
        if marks:
            TakedownTask.objects.bulk_update(
                [TakedownTask(pk=pk, consent_back_at=at) for pk, at in marks.items()],
                ["consent_back_at"],
            )
        if len(tasks) < BATCH:
            return
        last = tasks[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0024_takedown_handed_over_addresses_without_direction_controls"),
        ("schools", "0010_membershipchange_gezagchange"),
    ]

    operations = [migrations.RunPython(mark_consent_back, migrations.RunPython.noop)]
