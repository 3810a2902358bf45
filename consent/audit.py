"""A pupil's consent file as the privacy officer reads it (an AVG request, an incident):
who decided what and when, which checks before posting included the pupil with what
verdict, and which takedowns followed, when they were done and by whom. Read only."""

from django.db.models import Q, QuerySet

from consent.models import CheckedPupil, ConsentEvent, TakedownTask
from schools.accesslog import gezag_changes, recorded_since
from schools.models import Guardianship, Pupil
from schools.search import QUERY_LENGTH

# Pupils a search on the dossier page shows at most: a name, not a list of the school.
PUPILS_FOUND_LIMIT = 30


def pupil_dossier(pupil: Pupil) -> dict:
    """Everything stored about `pupil`'s consent, newest first; five queries, whatever the
    number of rows (guardians, their links and gezag given and ended, events, checks,
    takedowns), and once per process the day that recording of links began. `namesakes`:
    the ids of the parents who share their name with another parent on the page (see
    `_namesakes`)."""
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
    return {
        "pupil": pupil,
        "guardianships": guardianships,
        "gezag_changes": gezag_changes(pupil),
        "gezag_since": recorded_since(),
        "events": events,
        "namesakes": _namesakes([g.user for g in guardianships] + [e.guardian for e in events]),
        "checks": CheckedPupil.objects.filter(pupil=pupil)
        .select_related(
            "publication_check__purpose",
            "publication_check__checked_by",
            "publication_check__replaced_by",
        )
        .order_by("-publication_check__created_at", "-publication_check_id"),
        "takedowns": TakedownTask.objects.filter(pupil=pupil)
        .select_related(
            "publication_check__purpose",
            "assigned_to",
            "done_by",
            "caused_by__guardian",
        )
        .order_by("-created_at", "-id"),
    }


def _namesakes(parents) -> set[int]:
    """The ids of the named parents whose name another of `parents` bears too.

    Where the page names a decision's parent (the decisions, the "no" behind a takedown),
    only these get their e-mail address beside the name. Most pupils' parents have
    different names, and an address on every row would widen the table and repeat
    personal data without telling the reader anything; for two "J. de Vries" the address
    is the one thing that tells them apart. A parent who decided but is no longer linked
    to the pupil counts too: their old decisions stay on the page."""
    names: dict[str, set[int]] = {}
    for user in parents:
        name = " ".join(user.full_name.split()).casefold()
        if name:
            names.setdefault(name, set()).add(user.pk)
    return {pk for ids in names.values() if len(ids) > 1 for pk in ids}


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
