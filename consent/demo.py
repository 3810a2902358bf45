"""Demo decisions for `load_demo`: a realistic mix so every consent page shows something.

Works on whatever pupils exist: pupils are picked by position, never by name. Running it
twice changes nothing (pupils that already have events are left alone).
"""

import datetime

from consent.models import ConsentEvent, MediaType, PublicationCheck
from consent.rules import purpose_infos
from consent.services import (
    Answer,
    consent_decide,
    consent_withdraw,
    publication_check_create,
    pupil_safeguarding_set,
)
from schools.models import Guardianship, Pupil, StaffMembership

DEMO_NOTE = "Demo: sportdag"


def _answers(infos, pattern: int) -> list[Answer]:
    answers = []
    for index, info in enumerate(infos):
        for media in MediaType.values:
            if pattern == 0:  # yes to everything
                answers.append(Answer(info.purpose.pk, media, True))
            elif pattern == 1:  # no to everything
                answers.append(Answer(info.purpose.pk, media, False))
            elif pattern == 2 and index < 3 and media == MediaType.PHOTO:  # partly answered
                answers.append(Answer(info.purpose.pk, media, True))
            elif pattern == 4:  # photos yes, video and sound no
                answers.append(Answer(info.purpose.pk, media, media == MediaType.PHOTO))
    return answers


def load(*, today: datetime.date | None = None) -> None:
    """`today` is the day every demo loader is given (schools.demo.demo_load); it goes
    unused here: the consent services take no clock, so decisions, checks and takedowns
    are dated by the clock, as in real use (the same day when the demo is loaded for
    today, as `load_demo` does)."""
    infos = purpose_infos()
    if not infos:
        return
    pupils = list(Pupil.objects.current().order_by("school__code", "pk"))
    holders: dict[int, list] = {}
    for g in Guardianship.objects.filter(has_parental_authority=True).select_related("user"):
        holders.setdefault(g.pupil_id, []).append(g.user)
    answered = set(ConsentEvent.objects.values_list("pupil_id", flat=True).distinct())
    disagreeing = _one_two_parent_pupil_per_school(pupils, holders)
    for position, pupil in enumerate(pupils):
        parents = sorted(holders.get(pupil.pk, []), key=lambda u: u.pk)
        if pupil.pk in answered or not parents:
            continue
        pattern = 3 if pupil.pk in disagreeing else position % 6
        if pattern == 3:  # a conflict for the one pupil of the school; else a single "yes"
            consent_decide(pupil=pupil, guardian=parents[0], answers=_answers(infos, 0))
            # Only there: every conflict e-mails the school's directors (the board, for a
            # school without one), so another two-parent pupil at position 3 of 6 made the
            # board of the demo read six near-identical e-mails about one school.
            if pupil.pk in disagreeing:  # the second parent refuses public channels only
                public = [i for i in infos if i.purpose.code in ("sociale-media", "pers")]
                consent_decide(pupil=pupil, guardian=parents[1], answers=_answers(public, 1))
        elif pattern != 5:  # pattern 5 stays unanswered
            consent_decide(pupil=pupil, guardian=parents[0], answers=_answers(infos, pattern))
    _demo_check_and_takedown(pupils, holders)
    _one_safeguarded_pupil_per_school(pupils)


def _one_two_parent_pupil_per_school(pupils, holders) -> set[int]:
    """Every school's director sees a conflict: one pupil per school whose parents differ."""
    chosen: dict[int, int] = {}
    for pupil in pupils:
        if len(holders.get(pupil.pk, [])) > 1:
            chosen.setdefault(pupil.school_id, pupil.pk)
    return set(chosen.values())


def _one_safeguarded_pupil_per_school(pupils) -> None:
    """Every school has one pupil who is never in the picture; setting the flag takes down
    what was published of that pupil, as in real use."""
    flagged = set(Pupil.objects.filter(not_in_picture=True).values_list("school_id", flat=True))
    by_school: dict[int, list] = {}
    for pupil in pupils:
        by_school.setdefault(pupil.school_id, []).append(pupil)
    for school_id, school_pupils in by_school.items():
        if school_id not in flagged and len(school_pupils) > 7:
            pupil_safeguarding_set(pupil=school_pupils[7], not_in_picture=True)


def _demo_check_and_takedown(pupils, holders) -> None:
    """A teacher checked a photo for the parent app; later one parent withdrew."""
    if PublicationCheck.objects.filter(note=DEMO_NOTE).exists():
        return
    membership = (
        StaffMembership.objects.filter(role=StaffMembership.Role.TEACHER, groups__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return
    group = membership.groups.order_by("pk").first()
    if group is None:
        return
    granted = [p for i, p in enumerate(pupils) if p.group_id == group.pk and i % 6 == 0]
    if not granted:
        return
    infos = {info.purpose.code: info for info in purpose_infos()}
    if "ouderapp" not in infos:
        return
    purpose = infos["ouderapp"].purpose
    publication_check_create(
        user=membership.user,
        purpose=purpose,
        media_type=MediaType.PHOTO,
        pupils=granted,
        note=DEMO_NOTE,
    )
    pupil = granted[0]
    consent_withdraw(
        pupil=pupil,
        guardian=holders[pupil.pk][0],
        purpose_id=purpose.pk,
        media_type=MediaType.PHOTO,
    )
