"""One child's consent events, newest first, for the parent's page (its history and the
rules' decisions), read in SQL."""

from django.db import connection

from accounts.models import User
from consent.models import ConsentEvent, Purpose, PurposeVersion
from consent.rules import PURPOSE_FIELDS, VERSION_FIELDS
from opo_portal.sql import prepared
from schools.access import fetch_rows

EVENT_FIELDS = ["id", "pupil_id", "guardian_id", "purpose_id", "purpose_version_id"]
EVENT_FIELDS += ["text_hash", "media_type", "granted", "method", "recorded_by_id", "created_at"]
USER_FIELDS = ["id", "password", "last_login", "is_superuser", "email", "full_name"]
USER_FIELDS += ["is_staff", "is_active", "date_joined"]

# ConsentEvent.objects.filter(pupil=pupil).select_related("purpose", "purpose_version",
# "recorded_by").order_by("-created_at", "-id"), written out: the parent's page runs it
# on every request, and building it and its four model instances per event through the
# ORM cost more CPU than running it (tests compare the two, and these fields with the
# models'). Each purpose, version and recorder is one instance, shared by its events.
CHILD_EVENTS_SQL = prepared(
    f"SELECT {', '.join('e.' + f for f in EVENT_FIELDS)},"  # noqa: S608
    f" {', '.join('p.' + f for f in PURPOSE_FIELDS)},"
    f" {', '.join('v.' + f for f in VERSION_FIELDS)},"
    f" {', '.join('u.' + f for f in USER_FIELDS)}"
    " FROM consent_consentevent e JOIN consent_purpose p ON p.id = e.purpose_id"
    " JOIN consent_purposeversion v ON v.id = e.purpose_version_id"
    " LEFT JOIN accounts_user u ON u.id = e.recorded_by_id"
    " WHERE e.pupil_id = %s ORDER BY e.created_at DESC, e.id DESC"
)


def child_events(pupil_id: int) -> list[ConsentEvent]:
    """The child's events, newest first, with purpose, purpose version and recorder."""
    at_purpose = len(EVENT_FIELDS)
    at_version = at_purpose + len(PURPOSE_FIELDS)
    at_user = at_version + len(VERSION_FIELDS)
    alias = connection.alias
    purposes: dict[int, Purpose] = {}
    versions: dict[int, PurposeVersion] = {}
    users: dict[int, User] = {}
    events = []
    for row in fetch_rows(CHILD_EVENTS_SQL, [pupil_id]):
        event = ConsentEvent.from_db(alias, EVENT_FIELDS, row[:at_purpose])
        purpose = purposes.get(event.purpose_id)
        if purpose is None:
            purpose = purposes[event.purpose_id] = Purpose.from_db(
                alias, PURPOSE_FIELDS, row[at_purpose:at_version]
            )
        version = versions.get(event.purpose_version_id)
        if version is None:
            version = versions[event.purpose_version_id] = PurposeVersion.from_db(
                alias, VERSION_FIELDS, row[at_version:at_user]
            )
        recorder = None
        if event.recorded_by_id is not None:
            recorder = users.get(event.recorded_by_id)
            if recorder is None:
                recorder = users[event.recorded_by_id] = User.from_db(
                    alias, USER_FIELDS, row[at_user:]
                )
        event.purpose, event.purpose_version, event.recorded_by = purpose, version, recorder
        events.append(event)
    return events
