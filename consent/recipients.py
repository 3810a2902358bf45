"""Who a mass e-mail to parents reaches (the review round's, a change of meaning's), and
what a report says about those it does not.

The preview (how many will get it) and the send (one duty per parent) read the same
pupils and the same people here, and whom an e-mail reaches is decided by
`outbox.services.emailed_users` alone, which the send's `recipient_email` uses too: a
parent whose account is deactivated is counted apart, never as e-mailed.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils.translation import ngettext

from outbox.services import emailed_users
from schools.models import Guardianship, Pupil, School


@dataclass(frozen=True)
class Recipients:
    """A preview's numbers: parents who get the e-mail, and those who do not because
    their account is deactivated."""

    emailed: int
    deactivated: int


def _gezag_holder_ids(pupils):
    return Guardianship.objects.filter(pupil__in=pupils, has_parental_authority=True).values(
        "user_id"
    )


def gezag_holders_emailed(pupils) -> list[int]:
    """Ids of the gezag-holders of these pupils whom an e-mail reaches, each once."""
    users = emailed_users().filter(pk__in=_gezag_holder_ids(pupils))
    return sorted(users.values_list("pk", flat=True))


def gezag_holders_counted(pupils) -> Recipients:
    """`gezag_holders_emailed` counted, and the gezag-holders it leaves out. One query."""
    counts = (
        get_user_model()
        .objects.filter(pk__in=_gezag_holder_ids(pupils))
        .aggregate(everyone=Count("pk"), emailed=Count("pk", filter=Q(pk__in=emailed_users())))
    )
    return Recipients(counts["emailed"], counts["everyone"] - counts["emailed"])


def review_round_pupils(school_id: int):
    """The pupils whose gezag-holders the yearly review round e-mails."""
    return Pupil.objects.current().filter(school_id=school_id)


def review_round_parents(*, school_id: int) -> list[int]:
    return gezag_holders_emailed(review_round_pupils(school_id))


def review_round_families(*, school_id: int) -> Recipients:
    return gezag_holders_counted(review_round_pupils(school_id))


def holds_gezag_over(user_id: int, pupils) -> bool:
    """Whether the user is a gezag-holder of one of these pupils now: a send asks again
    what its fan-out asked (a link removed, gezag ended or the child left since)."""
    return _gezag_holder_ids(pupils).filter(user_id=user_id).exists()


def gets_reminders(guardianships) -> bool:
    """Whether reminder e-mails are for the parent of these guardianships (all of theirs,
    with their pupils): gezag over a current pupil, whom `consent.services.reminder_plan`
    alone reminds. No query. `holds_gezag_over(user_id, Pupil.objects.current())` asks the
    same of the database."""
    return any(g.has_parental_authority and g.pupil.left_on is None for g in guardianships)


def gezag_schools(user_id: int, pupils) -> list[School]:
    """The schools, by name, of those of these pupils the user is a gezag-holder of now:
    none when `holds_gezag_over` says no. One query."""
    held = pupils.filter(guardianships__user_id=user_id, guardianships__has_parental_authority=True)
    return list(School.objects.filter(pupils__in=held).distinct())


def purpose_change_pupils():
    """A purpose's meaning changed: every gezag-holder of a current pupil is asked again."""
    return Pupil.objects.current()


def purpose_change_parents() -> list[int]:
    return gezag_holders_emailed(purpose_change_pupils())


def purpose_change_families() -> Recipients:
    return gezag_holders_counted(purpose_change_pupils())


def deactivated_sentences(n: int) -> list[str]:
    """What a report after a send says about the parents no e-mail reached: nothing when
    there are none."""
    if not n:
        return []
    text = ngettext(
        "%(n)s parent was not e-mailed: their account is deactivated; reach them on paper.",
        "%(n)s parents were not e-mailed: their accounts are deactivated; reach them on paper.",
        n,
    )
    return [text % {"n": n}]
