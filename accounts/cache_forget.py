"""Cache entries that must go, dropped later when Redis could not be reached now.

A logout deletes the session's cached copy (accounts.sessions), and a change to a user or
their memberships replaces the user's cached entry with a tombstone (accounts.user_cache).
With Redis down or hanging that call fails or is skipped (opo_portal.cache), but Redis may
come back with its data (a hang, a network split): a logged-out session's cookie worked
again, and a removed teacher kept their reach, until the cached copy expired
(SESSION_CACHE_SECONDS, USER_CACHE_SECONDS: 10 and 5 minutes). Such keys become an outbox
duty, in PostgreSQL with the change, and a worker drops them once Redis answers again.
"""

import logging
import uuid

from opo_portal.cache import redis_unavailable

logger = logging.getLogger(__name__)
HANDLER = "accounts.duties.cache_keys_forget"


def cache_keys_drop(call, *args, keys: list[str]) -> None:
    """Run the cache call that drops `keys`; when it could not reach Redis, queue a duty
    that drops them once Redis is back."""
    try:
        call(*args)
        reached = not redis_unavailable()
    except Exception:  # noqa: BLE001 - any cache backend, down or not
        reached = False
    if not reached:
        logger.warning("cache unavailable: %s cached entries to drop later", len(keys))
        cache_keys_forget_later(keys)


def queued_keys() -> list[str]:
    """Every key a pending duty is to drop (opo_portal.cache drops them itself when it
    finds Redis answering again, before the sweep). One query over the pending duties."""
    from outbox.models import Duty

    payloads = Duty.objects.filter(status=Duty.Status.PENDING, handler=HANDLER)
    return [
        key for payload in payloads.values_list("payload", flat=True) for key in payload["keys"]
    ]


def cache_keys_forget_later(keys: list[str]) -> None:
    from outbox.services import duties_enqueue_many

    # A key per occurrence: an earlier outage's duty, done, must not absorb this one.
    key = f"cache-forget:{uuid.uuid4().hex}"
    duties_enqueue_many(duties=[(key, HANDLER, {"keys": list(keys)})])
