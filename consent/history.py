"""One child's consent events, newest first, for the parent's page (its history and the
rules' decisions), read in SQL."""

from datetime import datetime
from typing import NamedTuple

from opo_portal.sql import prepared
from schools.access import fetch_rows


class HistoryEvent(NamedTuple):
    """One consent event as the parent's page shows it and the rules read it."""

    id: int
    pupil_id: int
    guardian_id: int
    purpose_id: int
    media_type: str
    granted: bool
    method: str
    created_at: datetime
    purpose_name: str
    version_number: int
    recorder: str | None  # who recorded a paper form or call: their name, else e-mail
    # the parent who answered, their name, else e-mail: only in staff's history
    # (consent.reports.child_history); the parent's page names no other parent
    guardian_name: str | None = None


# ConsentEvent.objects.filter(pupil=pupil).select_related("purpose", "purpose_version",
# "recorded_by").order_by("-created_at", "-id"), written out with only the columns the
# page shows: the parent's page runs it on every request, and its four model instances
# per event cost more CPU than running it (tests compare the two).
CHILD_EVENTS_SQL = prepared(
    "SELECT e.id, e.pupil_id, e.guardian_id, e.purpose_id, e.media_type, e.granted,"
    " e.method, e.created_at, p.name, v.number, COALESCE(NULLIF(u.full_name, ''), u.email)"
    " FROM consent_consentevent e JOIN consent_purpose p ON p.id = e.purpose_id"
    " JOIN consent_purposeversion v ON v.id = e.purpose_version_id"
    " LEFT JOIN accounts_user u ON u.id = e.recorded_by_id"
    " WHERE e.pupil_id = %s ORDER BY e.created_at DESC, e.id DESC"
)


def child_events(pupil_id: int) -> list[HistoryEvent]:
    """The child's events, newest first, with purpose name, version number and recorder."""
    # bool(): SQLite gives a boolean column as 0 or 1
    return [
        HistoryEvent(id_, pupil, guardian, purpose, media, bool(granted), *rest)
        for id_, pupil, guardian, purpose, media, granted, *rest in fetch_rows(
            CHILD_EVENTS_SQL, [pupil_id]
        )
    ]
