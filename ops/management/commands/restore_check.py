import hashlib
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from consent.models import ConsentEvent, PurposeVersion, text_hash

FIELDS = ["pk", "pupil_id", "guardian_id", "purpose_version_id", "text_hash", "media_type",
          "granted", "method", "recorded_by_id", "created_at"]  # fmt: skip


def fingerprint() -> dict:
    """Count and digest of every consent event, in id order (equal before and after)."""
    digest = hashlib.sha256()
    count = 0
    for row in ConsentEvent.objects.order_by("pk").values_list(*FIELDS).iterator():
        digest.update(repr(row).encode())
        count += 1
    return {"events": count, "digest": digest.hexdigest()}


def hashes_match() -> bool:
    """Every event's stored hash is the hash of its purpose version's text.

    Only the columns it compares: a dump of an older version (the one taken before an
    upgrade) lacks columns later migrations added, and `release` migrates it afterwards."""
    rows = list(PurposeVersion.objects.values_list("pk", "text", "text_hash"))
    versions = {pk: text_hash(text) for pk, text, _ in rows}
    stored = {pk: stored_hash for pk, _, stored_hash in rows}
    events = ConsentEvent.objects.values_list("purpose_version_id", "text_hash").iterator()
    return versions == stored and all(versions[pv] == h for pv, h in events)


TRIGGER = "consent_event_append_only"


def append_only() -> bool:
    """The database itself refuses an UPDATE of a consent event (rolled back either way).

    Without any event (a new portal's first backup) an UPDATE touches no row and fires no
    row trigger: then the trigger must be in the catalogue and enabled."""
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE consent_consentevent SET granted = NOT granted")
            updated = cursor.rowcount
            transaction.set_rollback(True)
    except DatabaseError as error:
        return "append-only" in str(error)
    return updated == 0 and _trigger_enabled()


def _trigger_enabled() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger"
            " WHERE tgname = %s AND tgrelid = 'consent_consentevent'::regclass",
            [TRIGGER],
        )
        row = cursor.fetchone()
    # O: fires in the usual session mode, A: always; D (disabled) and R (replica only) do not.
    return row is not None and row[0] in ("O", "A")


class Command(BaseCommand):
    help = "After a restore: consent events counted and digested, hashes and trigger checked."

    def handle(self, *args, **options):
        result = {**fingerprint(), "hashes_ok": hashes_match(), "append_only": append_only()}
        self.stdout.write(json.dumps(result))
        failed = [name for name in ("hashes_ok", "append_only") if not result[name]]
        if failed:
            raise CommandError(_("restore check failed: %(parts)s") % {"parts": ", ".join(failed)})
