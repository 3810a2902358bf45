import hashlib
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

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
    """Every event's stored hash is the hash of its purpose version's text."""
    versions = {v.pk: text_hash(v.text) for v in PurposeVersion.objects.all()}
    stored = {v.pk: v.text_hash for v in PurposeVersion.objects.all()}
    events = ConsentEvent.objects.values_list("purpose_version_id", "text_hash").iterator()
    return versions == stored and all(versions[pv] == h for pv, h in events)


def append_only() -> bool:
    """The database itself refuses an UPDATE of a consent event (rolled back either way)."""
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE consent_consentevent SET granted = NOT granted")
            transaction.set_rollback(True)
    except DatabaseError as error:
        return "append-only" in str(error)
    return False


class Command(BaseCommand):
    help = "After a restore: consent events counted and digested, hashes and trigger checked."

    def handle(self, *args, **options):
        result = {**fingerprint(), "hashes_ok": hashes_match(), "append_only": append_only()}
        self.stdout.write(json.dumps(result))
        if not (result["hashes_ok"] and result["append_only"]):
            raise CommandError("restore check failed")
