"""The signed-in user, their staff memberships and whether they are a parent, from the cache.

Every logged-in request needs the user (is the account active, does the session's password
hash still match) and the staff memberships (roles, reach, the TOTP duty, the session
limits); every page's menu needs the roles, "parent" included (schools.access.roles_of).
All three come from one cache entry per user; a miss reads the database (two queries: the
user row says whether any guardianship exists) and fills it.

Invalidation: saving or deleting a User, a StaffMembership or a Guardianship, and the pupil
import's bulk links (schools.signals.guardians_linked), replace the entry with a
tombstone, at once and again when the transaction commits (accounts.signals). A reader that
finds a tombstone reads the database and leaves the cache alone, and a fill uses add(), which
never overwrites a tombstone. So a request that read the database just before a change
cannot put its stale copy back: the tombstone outlives any request (TOMBSTONE_SECONDS is
longer than gunicorn's timeout). Other changes that bypass model signals (QuerySet.update(),
bulk_create(), raw SQL) must call forget_user() or send a signal accounts.signals receives.

The password hash never goes to the cache: the entry holds the session auth hash (an HMAC
of it, as every session already holds), and the cached user's password field is deferred,
so code that needs it (a password check) reads it from the database. The HMAC depends on
SECRET_KEY: an entry made with another key is not used.

Redis down: reads miss and writes are dropped (opo_portal.cache). A tombstone that could
not be written goes to the outbox (accounts.cache_forget): a Redis that hung and comes back
with its data loses the stale entry once a worker runs the duty, instead of serving it for
up to USER_CACHE_SECONDS.
"""

import functools
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Exists, OuterRef
from django.utils.crypto import salted_hmac

from accounts.cache_forget import cache_keys_drop
from schools.models import Guardianship, StaffMembership

logger = logging.getLogger(__name__)
KEY_PREFIX = "opo.user."
TOMBSTONE = "changed"
TOMBSTONE_SECONDS = 60


def _cache_seconds() -> int:
    return getattr(settings, "USER_CACHE_SECONDS", 300)


def _key(user_id) -> str:
    """Per database: a Redis shared by two databases (test runs, bench sizes) mixes nothing."""
    db = connections[DEFAULT_DB_ALIAS].settings_dict
    return f"{KEY_PREFIX}{db['HOST']}:{db['PORT']}/{db['NAME']}.{user_id}"


def _shape() -> tuple:
    """What an entry was made with: the SECRET_KEY behind its hash, the columns it holds.

    An entry of another shape (a rotated key, a deploy that added a column) is not used.
    """
    return (_secret_id(settings.SECRET_KEY), _user_fields(), _membership_fields(), "parent")


@functools.lru_cache(maxsize=4)
def _secret_id(secret_key: str) -> str:
    return salted_hmac("accounts.user_cache", "secret-id", secret=secret_key).hexdigest()[:16]


@functools.cache
def _user_fields() -> tuple[str, ...]:
    fields = get_user_model()._meta.concrete_fields
    return tuple(f.attname for f in fields if f.attname != "password")


@functools.cache
def _membership_fields() -> tuple[str, ...]:
    return tuple(f.attname for f in StaffMembership._meta.concrete_fields)


def load_user(user_id):
    """The active or inactive user with this id (None if there is none), memberships loaded."""
    seconds = _cache_seconds()
    if seconds <= 0:
        return _from_database(user_id)
    key = _key(user_id)
    entry = _guarded(cache.get, key)
    if isinstance(entry, tuple) and entry[0] == _shape():
        return _from_entry(entry)
    user = _from_database(user_id)
    if user is not None and entry is None:  # not after a tombstone, see the module docstring
        _guarded(cache.add, key, _entry(user), seconds)
    return user


def forget_user(user_id) -> None:
    """Drop the cached user now and when the current transaction commits."""
    if user_id is not None:
        forget_users([user_id])


def forget_users(user_ids) -> None:
    keys = [_key(user_id) for user_id in user_ids]
    if not keys:
        return
    _tombstone(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _tombstone(keys))


def _tombstone(keys: list[str]) -> None:
    cache_keys_drop(cache.set_many, dict.fromkeys(keys, TOMBSTONE), TOMBSTONE_SECONDS, keys=keys)


def _guarded(call, *args):
    """Any cache backend, down or not: a failed call is a miss (as in accounts.sessions)."""
    try:
        return call(*args)
    except Exception:
        logger.warning("user cache unavailable (%s), using the database", call.__name__)
        return None


def _from_database(user_id):
    User = get_user_model()
    parent = Exists(Guardianship.objects.filter(user_id=OuterRef("pk")))
    try:
        user = User._default_manager.annotate(_opo_is_parent=parent).get(pk=user_id)
    except User.DoesNotExist:
        return None
    user._opo_memberships = list(StaffMembership.objects.filter(user_id=user.pk))  # type: ignore[attr-defined]
    return user


def _entry(user) -> tuple:
    return (
        _shape(),
        tuple(getattr(user, name) for name in _user_fields()),
        user.get_session_auth_hash(),
        tuple(
            tuple(getattr(m, name) for name in _membership_fields()) for m in user._opo_memberships
        ),
        user._opo_is_parent,
    )


def _from_entry(entry: tuple):
    _shape, values, auth_hash, memberships, is_parent = entry
    user = get_user_model().from_db(DEFAULT_DB_ALIAS, _user_fields(), values)
    user._opo_session_auth_hash = auth_hash
    user._opo_memberships = [
        StaffMembership.from_db(DEFAULT_DB_ALIAS, _membership_fields(), row) for row in memberships
    ]
    user._opo_is_parent = is_parent
    return user
