"""Sessions read from the cache, written through to the database; the cache may be down.

Django's cached_db engine already logs a failed cache write on save, but a failed cache
write after a database read (a cache miss) or a failed delete on logout still raises. Here
every cache call is guarded, so with Redis down a logged-in request costs one extra query
instead of an error. A cached copy lives at most SESSION_CACHE_SECONDS, and a logout whose
cache delete failed (Redis down or hanging then) queues the delete as an outbox duty
(accounts.cache_forget): a Redis that comes back with its data does not revive the session.
A save whose copy did not reach Redis queues the same, so the copy before it is not read.
"""

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db

from accounts.cache_forget import cache_keys_drop

if TYPE_CHECKING:
    from django.contrib.sessions.models import Session
    from django.core.cache.backends.base import BaseCache

logger = logging.getLogger(__name__)


def _cache_seconds() -> int:
    return getattr(settings, "SESSION_CACHE_SECONDS", 600)


class SessionStore(cached_db.SessionStore):
    cache_key_prefix = "opo.session."

    if TYPE_CHECKING:  # Django's private attributes used here, which django-stubs leaves out
        _cache: BaseCache
        _session: dict[str, Any]

        def _get_or_create_session_key(self) -> str: ...

        def _get_session_from_db(self) -> Session | None: ...

    @property
    def cache_key(self):
        return self._cache_key_of(self._get_or_create_session_key())

    @classmethod
    def _cache_key_of(cls, session_key: str) -> str:
        """A digest of the session key, not the key: a cached copy queued for a later drop
        (accounts.cache_forget) names its cache key in the outbox, which the admin shows,
        and that must not be a cookie that logs in while the copy lives."""
        digest = hashlib.sha256(session_key.encode()).hexdigest()
        return cls.cache_key_prefix + digest

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("session cache unavailable, reading the database")
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        self._cache_set(data, self.get_expiry_age(expiry=row.expire_date))
        return data

    def save(self, must_create=False):
        super(cached_db.SessionStore, self).save(must_create)  # the database row
        if must_create:  # a new key (a login, cycle_key): no older copy anywhere
            self._cache_set(self._session, self.get_expiry_age())
            return
        # A copy Redis did not take leaves the one before it there: with Redis back (a hang,
        # an AOF restart) that older session was read, and written back by the next save,
        # losing what was saved meanwhile (a re-authentication, a code asked for). Dropped
        # later instead, as a logout's copy (accounts.cache_forget).
        timeout = min(self.get_expiry_age(), _cache_seconds())
        cache_key = self.cache_key
        cache_keys_drop(self._cache.set, cache_key, self._session, timeout, keys=[cache_key])

    def delete(self, session_key=None):
        super(cached_db.SessionStore, self).delete(session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        cache_key = self._cache_key_of(session_key)
        cache_keys_drop(self._cache.delete, cache_key, keys=[cache_key])

    def exists(self, session_key):
        # Only used when creating a key: the database is the authority.
        return super(cached_db.SessionStore, self).exists(session_key)

    def _cache_set(self, data, expiry_age: int) -> None:
        try:
            self._cache.set(self.cache_key, data, min(expiry_age, _cache_seconds()))
        except Exception:
            logger.warning("session cache unavailable, session kept in the database only")
