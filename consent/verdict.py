"""The verdict of a publication check in words, for the page and the command line."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from consent.models import Appearance, MediaType, Purpose
from consent.rules import TEACHER_STATES
from schools.models import Pupil

SHOWN = {shown: (symbol, label) for symbol, shown, label in TEACHER_STATES.values()}


@dataclass(frozen=True)
class PupilVerdict:
    pupil: Pupil
    state: str  # the shown state: granted, refused, unanswered, conflict, not_allowed
    allowed: bool
    appearance: str = Appearance.APPEARS.value

    @property
    def symbol(self) -> str:
        return SHOWN[self.state][0]

    @property
    def label(self) -> str:
        return str(SHOWN[self.state][1])

    @property
    def appears(self) -> bool:
        return self.appearance == Appearance.APPEARS

    @property
    def appearance_label(self) -> str:
        return str(Appearance(self.appearance).label)

    @property
    def blocks(self) -> bool:
        """This pupil stops the publication: appears without being allowed."""
        return self.appears and not self.allowed


def pupil_verdicts(pupils: Sequence[Pupil], results: Sequence[dict]) -> list[PupilVerdict]:
    by_id = {p.pk: p for p in pupils}
    return [
        PupilVerdict(
            by_id[r["pupil"]],
            r["state"],
            r["allowed"],
            r.get("appearance", Appearance.APPEARS.value),
        )
        for r in results
        if r["pupil"] in by_id
    ]


def verdict_text(purpose: Purpose, media_type: str, verdicts: Sequence[PupilVerdict]) -> str:
    """ "May be published" or "May not: Sem (no consent for video on Social media)".

    Only pupils who appear count; a conflict says the parents disagree, so nobody reads
    it as two refusals.
    """
    blocked = [v for v in verdicts if v.blocks]
    if not blocked:
        return _("May be published")
    names = ", ".join(f"{v.pupil.first_name} ({_reason(v, purpose, media_type)})" for v in blocked)
    return _("May not: %(pupils)s") % {"pupils": names}


def _reason(verdict: PupilVerdict, purpose: Purpose, media_type: str) -> str:
    values = {"media": MediaType(media_type).label, "purpose": purpose.name}
    if verdict.state == "conflict":
        return _("the parents disagree about %(media)s on %(purpose)s") % values
    return _("no consent for %(media)s on %(purpose)s") % values
