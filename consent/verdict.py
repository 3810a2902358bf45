"""The verdict of a publication check in words, for the page and the command line."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from consent.models import MediaType, Purpose
from consent.rules import TEACHER_STATES
from schools.models import Pupil

SHOWN = {shown: (symbol, label) for symbol, shown, label in TEACHER_STATES.values()}


@dataclass(frozen=True)
class PupilVerdict:
    pupil: Pupil
    state: str  # the shown state: granted, refused, unanswered, conflict, not_allowed
    allowed: bool

    @property
    def symbol(self) -> str:
        return SHOWN[self.state][0]

    @property
    def label(self) -> str:
        return str(SHOWN[self.state][1])


def pupil_verdicts(pupils: Sequence[Pupil], results: Sequence[dict]) -> list[PupilVerdict]:
    by_id = {p.pk: p for p in pupils}
    return [
        PupilVerdict(by_id[r["pupil"]], r["state"], r["allowed"])
        for r in results
        if r["pupil"] in by_id
    ]


def verdict_text(purpose: Purpose, media_type: str, verdicts: Sequence[PupilVerdict]) -> str:
    """ "May be published" or "May not: Sem (no consent for video on Social media)"."""
    blocked = [v for v in verdicts if not v.allowed]
    if not blocked:
        return _("May be published")
    reason = _("no consent for %(media)s on %(purpose)s") % {
        "media": MediaType(media_type).label,
        "purpose": purpose.name,
    }
    names = ", ".join(f"{v.pupil.first_name} ({reason})" for v in blocked)
    return _("May not: %(pupils)s") % {"pupils": names}
