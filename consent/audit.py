"""A pupil's consent file as the privacy officer reads it (an AVG request, an incident):
who decided what and when, which checks before posting included the pupil with what
verdict, and which takedowns followed, when they were done and by whom. Read only."""

from django.db.models import Q, QuerySet

from accounts.names import namesakes
from consent.access import waits_for_a_leader
from consent.models import CheckedPupil, ConsentEvent, TakedownTask
from consent.reports import meaning_baselines
from consent.rules import holds_gezag, still_counts
from schools.accesslog import gezag_changes, recorded_since
from schools.models import Guardianship, Pupil
from schools.search import QUERY_LENGTH

# Pupils a search on the dossier page shows at most: a name, not a list of the school.
PUPILS_FOUND_LIMIT = 30


def pupil_dossier(pupil: Pupil) -> dict:
    """Everything stored about `pupil`'s consent, newest first; five queries, whatever the
    number of rows (guardians, events, checks, takedowns, and the channels' versions).
    Each decision says whether it still counts, as the rules read it: `counts` (the
    channel's meaning did not change after it, `consent.rules.still_counts`) and
    `gezag_held` (its parent still holds gezag, `consent.rules.holds_gezag`, over the
    gezag-holders among the guardians read here). The links and gezag over time
    have their own page (`pupil_gezag_history`). `namesakes`:
    the ids of the people named on the page (parents, and staff who recorded, checked,
    were given or did a takedown) who share their name with another of them
    (accounts.names.namesakes); a parent who decided but is no longer linked to the pupil
    counts too: their old decisions stay on the page."""
    guardianships = list(
        Guardianship.objects.filter(pupil=pupil)
        .select_related("user")
        .order_by("-has_parental_authority", "user__full_name", "user_id")
    )
    events = list(
        ConsentEvent.objects.filter(pupil=pupil)
        .select_related("purpose", "purpose_version", "guardian", "recorded_by")
        .order_by("-created_at", "-id")
    )
    checks = list(
        CheckedPupil.objects.filter(pupil=pupil)
        .select_related(
            "publication_check__purpose",
            "publication_check__checked_by",
            "publication_check__replaced_by",
        )
        .order_by("-publication_check__created_at", "-publication_check_id")
    )
    takedowns = list(
        TakedownTask.objects.filter(pupil=pupil)
        .select_related(
            "publication_check__purpose",
            "assigned_to",
            "done_by",
            "caused_by__guardian",
        )
        .annotate(waits=waits_for_a_leader())
        .order_by("-created_at", "-id")
    )
    baselines = meaning_baselines()
    holders = {g.user_id for g in guardianships if g.has_parental_authority}
    return {
        "pupil": pupil,
        "guardianships": guardianships,
        "decisions": [
            {
                "event": e,
                "counts": still_counts(e.purpose_version.number, baselines[e.purpose_id]),
                "gezag_held": holds_gezag(e.guardian_id, holders),
            }
            for e in events
        ],
        "namesakes": namesakes(_named(guardianships, events, checks, takedowns)),
        "checks": checks,
        "takedowns": takedowns,
    }


def _named(guardianships, events, checks, takedowns) -> list:
    """Every user the dossier names (the copied names of the links' history and of a
    hand-over have no address to tell them apart by and stay as they are)."""
    people = [g.user for g in guardianships]
    for event in events:
        people += [event.guardian, event.recorded_by]
    people += [row.publication_check.checked_by for row in checks]
    for task in takedowns:
        people += [task.assigned_to, task.done_by]
        if task.caused_by:
            people.append(task.caused_by.guardian)
    return [user for user in people if user is not None]


def pupil_gezag_history(pupil: Pupil) -> dict:
    """The pupil's parents linked and unlinked and gezag given and ended, newest first
    (schools.accesslog), and the day recording began. One query (that day is read once
    per process)."""
    return {"pupil": pupil, "gezag_changes": gezag_changes(pupil), "gezag_since": recorded_since()}


def pupils_found(school, query: str) -> QuerySet[Pupil]:
    """The school's pupils (those who left too) whose name or pupil number holds `query`."""
    words = query[:QUERY_LENGTH].split()
    if not words:
        return Pupil.objects.none()
    pupils = Pupil.objects.filter(school=school).select_related("group")
    for word in words:
        pupils = pupils.filter(_name_or_number(word))
    return pupils.order_by("last_name", "first_name", "id")[:PUPILS_FOUND_LIMIT]


def _name_or_number(word: str) -> Q:
    return (
        Q(first_name__icontains=word)
        | Q(name_prefix__icontains=word)
        | Q(last_name__icontains=word)
        | Q(leerlingnummer__iexact=word)
    )
