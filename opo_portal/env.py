"""Typed readers for environment variables that fail loudly on bad values."""

import os
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    return default if raw is None else bool_of(name, raw)


def bool_of(name: str, raw: str) -> bool:
    """`raw` read as true/false (1/0, yes/no, on/off), or one line naming `name`."""
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str] | None = None, *, blank: bool = True) -> list[str]:
    """Comma-separated values; spaces and empty entries are dropped.

    A value of commas only ("," or " , ") names nothing where something was meant, and is
    refused; so is a blank one with blank=False.
    """
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    values = [item.strip() for item in raw.split(",") if item.strip()]
    if not values and (raw.strip() or not blank):
        raise ImproperlyConfigured(
            f"{name} must name at least one value (comma-separated), got {raw!r}"
        )
    return values


def env_url(name: str, *, schemes: tuple[str, ...]) -> str:
    """A URL with one of the allowed schemes, or "" when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    parsed = urlparse(raw)
    if parsed.scheme not in schemes:
        allowed = ", ".join(schemes)
        # The scheme only: the rest of the URL may hold a password.
        raise ImproperlyConfigured(
            f"{name} must start with one of: {allowed}; got {parsed.scheme!r}"
        )
    try:
        parsed.port  # noqa: B018 - reading it checks it (a ValueError from deep in startup)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} has a port that is not a number from 0 to 65535"
        ) from None
    return raw


def env_hosts(name: str, default: list[str]) -> list[str]:
    """Host names for ALLOWED_HOSTS. A URL copied from SITE_URL, or a host with a port,
    never matches a request's host: every page answered 400 while /health/ said ok."""
    hosts = env_list(name, default, blank=False)
    for host in hosts:
        if "/" in host or (":" in host and not host.startswith("[")):  # [::1] is a host
            raise ImproperlyConfigured(
                f"{name} takes host names only, without scheme, port or path; got {host!r}"
            )
    return hosts


def database_from_url(name: str, url: str) -> dict:
    """Django's DATABASES entry for `url`. Without a database name PostgreSQL refused only
    the first query, with a traceback from every process."""
    import dj_database_url

    database = dict(dj_database_url.parse(url, conn_max_age=60))
    if not str(database.get("NAME") or "").strip():
        raise ImproperlyConfigured(
            f"{name} must name the database after the host, as in "
            "postgres://user:password@host:5432/opo_portal"
        )
    return database
