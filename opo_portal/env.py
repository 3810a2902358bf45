"""Typed readers for environment variables that fail loudly on bad values."""

import os
from email.utils import getaddresses, parseaddr
from pathlib import Path
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_static_root(name: str, default: Path, project: Path) -> Path:
    """The directory collectstatic fills and WhiteNoise serves as /static/, every file in
    it. Blank is the default (it was Path(""), the working directory: the clone under
    run-prod, so /static/.env served the secrets); a relative path is taken in the clone;
    the clone itself or a directory above it is refused."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    path = Path(os.path.normpath(project / raw))  # an absolute `raw` replaces `project`
    if path == project or path in project.parents:
        raise ImproperlyConfigured(
            f"{name} must be a directory of its own for the collected static files, as in "
            f"{default}; {str(path)!r} holds the portal's code and .env, which it would serve"
        )
    return path


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


def usable_cpus() -> int:
    """The CPUs this process may use, as `nproc` says (its affinity mask, not the machine's
    count); the machine's count where the platform has no affinity (macOS)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def env_bind(name: str, default: str) -> str:
    """gunicorn's address: HOST:PORT, [IPv6]:PORT, unix:PATH or fd://N. gunicorn bound
    port 8000 for a bare host, all interfaces for ":PORT", and answered a port beyond
    65535 with a traceback and one that is no number with its usage text."""
    raw = os.environ.get(name, "").strip() or default
    if raw.startswith("unix:"):
        valid = bool(raw.removeprefix("unix:").removeprefix("//"))
    elif raw.startswith("fd://"):
        valid = raw.removeprefix("fd://").isdigit()
    else:
        host, colon, port = raw.removeprefix("tcp://").rpartition(":")
        if host.startswith("["):
            valid = host.endswith("]") and len(host) > 2
        else:
            valid = bool(host) and ":" not in host
        valid = valid and bool(colon) and port.isdigit() and int(port) <= 65535
    if not valid:
        raise ImproperlyConfigured(
            f"{name} must be a host and port (127.0.0.1:8000, [::1]:8000), "
            f"unix:/path/to/socket or fd://N; got {raw!r}"
        )
    return raw


def env_int_above(name: str, default: int, floor_name: str, floor: int) -> int:
    """A whole number greater than another setting's (`floor_name`, whose value is `floor`)."""
    value = env_int(name, default, minimum=1)
    if value <= floor:
        raise ImproperlyConfigured(
            f"{name} must be greater than {floor_name} ({floor}); got {value}"
        )
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
        # A '/', '#' or '?' in the password ends the host part: the password's start is
        # read as the port. The password itself stays out of the message.
        hint = (
            ", or a password with '/', '#' or '?' not written as %2F, %23 or %3F"
            if "@" in raw
            else ""
        )
        raise ImproperlyConfigured(
            f"{name} has a port that is not a number from 0 to 65535{hint}"
        ) from None
    return raw


def env_redis_url(name: str) -> str:
    """A redis:// or rediss:// URL whose path, if any, is a database number: Celery
    stopped on another ("Database is int between 0 and limit - 1") and the cache failed
    quietly on every call."""
    url = env_url(name, schemes=("redis", "rediss"))
    database = urlparse(url).path.strip("/")
    if database and not database.isdigit():
        raise ImproperlyConfigured(
            f"{name} must end with a database number, as in redis://127.0.0.1:6379/0; "
            f"got {'/' + database!r}"
        )
    return url


def env_site_url(name: str, default: str) -> str:
    """The portal's own address, the start of every link in an e-mail. The portal answers at
    the root of its host: a path (https://example.nl/portal) gave every e-mailed link a 404;
    a URL without a host gave links to nowhere."""
    url = env_url(name, schemes=("http", "https"))
    if not url:
        return default
    parsed = urlparse(url)
    if not parsed.hostname or parsed.path not in ("", "/") or parsed.query or parsed.fragment:
        raise ImproperlyConfigured(
            f"{name} is the portal's address only, scheme and host, as in "
            f"https://portal.opo-borger-odoorn.nl: the portal answers at the root of its host; "
            f"got {parsed.scheme}://{parsed.hostname or ''}{parsed.path}"
        )
    return url.rstrip("/")


def env_mail_server(name: str) -> str:
    """EMAIL_URL: an SMTP URL must name its server (smtp:// alone fell back to localhost,
    where no mail server listens on a portal's machine: every e-mail failed)."""
    url = env_url(name, schemes=("smtp", "smtps", "console", "locmem"))
    parsed = urlparse(url)
    if parsed.scheme in ("smtp", "smtps") and not parsed.hostname:
        raise ImproperlyConfigured(
            f"{name} must name the mail server, as in smtp://user:password@mail.example.nl:587"
        )
    # The scheme and the port's TLS disagree: every e-mail waited EMAIL_TIMEOUT for a
    # greeting that never came, or failed on an SSL error, while the outbox retried it.
    if parsed.scheme == "smtp" and parsed.port == 465:
        raise ImproperlyConfigured(
            f"{name}: port 465 speaks TLS from the first byte: write smtps://…:465 "
            "(smtp:// starts in plain text and turns on STARTTLS, for port 587 or 25)"
        )
    if parsed.scheme == "smtps" and parsed.port in (25, 587):
        raise ImproperlyConfigured(
            f"{name}: port {parsed.port} starts in plain text and turns on STARTTLS: write "
            f"smtp://…:{parsed.port} (smtps:// speaks TLS from the first byte, for port 465)"
        )
    return url


def env_sender(name: str, default: str, *, required: bool) -> str:
    """The From address of e-mails. `required` (production sending by SMTP): the
    development default, on a .example domain, is refused by mail relays or marked spam."""
    raw = os.environ.get(name, "").strip()
    if not raw and required:
        raise ImproperlyConfigured(
            f"{name} must be set when DEBUG is false and e-mail goes out by SMTP: the sender "
            "of every e-mail, an address of your own domain, as in "
            "OPO Portal <noreply@opo-borger-odoorn.nl>"
        )
    if len(getaddresses([raw])) > 1:
        raise ImproperlyConfigured(
            f"{name} must be one e-mail address, as in OPO Portal <noreply@opo-borger-odoorn.nl>;"
            f" got {raw!r}"
        )
    if raw and "@" not in parseaddr(raw)[1]:
        raise ImproperlyConfigured(
            f"{name} must be an e-mail address, as in OPO Portal <noreply@opo-borger-odoorn.nl>;"
            f" got {raw!r}"
        )
    return raw or default


def env_email(name: str) -> str:
    """A bare e-mail address (a Reply-To), or "" when unset. One the form would refuse (a
    name, a second address, a line break) stops the start instead of every e-mail."""
    raw = os.environ.get(name, "").strip()
    if raw:
        try:
            validate_email(raw)
        except ValidationError:
            raise ImproperlyConfigured(
                f"{name} must be one e-mail address, as in info@opo-borger-odoorn.nl; got {raw!r}"
            ) from None
    return raw


def env_hosts(name: str, default: list[str], *, any_host: bool = True) -> list[str]:
    """Host names for ALLOWED_HOSTS. A URL copied from SITE_URL, or a host with a port,
    never matches a request's host: every page answered 400 while /health/ said ok.
    "*" (any host) only where `any_host` allows it (development)."""
    hosts = env_list(name, default, blank=False)
    for host in hosts:
        if "/" in host or (":" in host and not host.startswith("[")):  # [::1] is a host
            raise ImproperlyConfigured(
                f"{name} takes host names only, without scheme, port or path; got {host!r}"
            )
        if "*" in host and host != "*":  # Django knows no glob: it matched nothing
            raise ImproperlyConfigured(
                f"{name} matches subdomains with a leading dot (.example.nl), "
                f"never with '*'; got {host!r}"
            )
    if "*" in hosts and not any_host:
        raise ImproperlyConfigured(
            f"{name} must name the portal's host names when DEBUG is false, not '*' "
            "(as in portal.example.nl, or .example.nl for a domain and its subdomains)"
        )
    return hosts


def env_origins(name: str) -> list[str]:
    """Origins for CSRF_TRUSTED_ORIGINS: Django's check 4_0.E001 refuses one without a
    scheme, but only where system checks run (`release`); web, worker and beat ran on."""
    origins = env_list(name)
    for origin in origins:
        if "://" not in origin:  # the test of Django's check
            raise ImproperlyConfigured(
                f"{name} values must start with a scheme (usually https://), "
                f"as in https://portal.example.nl; got {origin!r}"
            )
    return origins


def secret_key_for_production(name: str, key: str, development_key: str) -> None:
    """With DEBUG off, refuse a key that signs sessions, password-reset links and e-mail
    tokens guessably: at start, by the rules Django's `check --deploy` applies (W009),
    which nobody runs on a deploy."""
    if key == development_key:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is false")
    if len(key) < 50:  # .env.example's "change-me" would sign every session
        raise ImproperlyConfigured(f"{name} must be at least 50 characters when DEBUG is false")
    if len(set(key)) < 5:
        raise ImproperlyConfigured(
            f"{name} must hold at least 5 different characters when DEBUG is false"
        )
    if key.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            f"{name} must not be a key startproject made ('django-insecure-...') when DEBUG "
            "is false"
        )


def site_url_for_production(
    name: str, url: str, allowed_hosts: list[str], *, https_only: bool
) -> None:
    """With DEBUG off, SITE_URL (the start of every link in an e-mail) must be reachable
    as the portal serves itself: over HTTPS when it redirects HTTP there, on a host that
    ALLOWED_HOSTS accepts (else every such link answers 400)."""
    from django.http.request import split_domain_port, validate_host

    parsed = urlparse(url)
    if https_only and parsed.scheme != "https":
        raise ImproperlyConfigured(
            f"{name} must start with https:// when DEBUG is false (links in e-mails would "
            f"go out over plain HTTP); got {url!r}"
        )
    host, _port = split_domain_port(parsed.netloc.rpartition("@")[2])
    if not validate_host(host, allowed_hosts):
        raise ImproperlyConfigured(
            f"{name}'s host {host!r} is not in ALLOWED_HOSTS: every link in an e-mail "
            "would answer 400"
        )


def database_from_url(name: str, url: str) -> dict:
    """Django's DATABASES entry for `url`. Without a database name PostgreSQL refused only
    the first query, with a traceback from every process."""
    import dj_database_url

    database: dict = dict(dj_database_url.parse(url, conn_max_age=60))
    if not str(database.get("NAME") or "").strip():
        raise ImproperlyConfigured(
            f"{name} must name the database after the host, as in "
            "postgres://user:password@host:5432/opo_portal"
        )
    if database["ENGINE"] == "django.db.backends.postgresql":
        _check_libpq_options(name, database.get("OPTIONS", {}))
        # libpq waits for ever on a server that accepts and never answers (hung, or an
        # address a failover left): every request then hung until gunicorn killed its
        # worker, /health/ready included. `?connect_timeout=` in the URL still wins.
        database.setdefault("OPTIONS", {}).setdefault("connect_timeout", CONNECT_TIMEOUT)
    return database


CONNECT_TIMEOUT = 5  # seconds; libpq's own minimum is 2


# libpq's sslmode values (https://www.postgresql.org/docs/current/libpq-ssl.html).
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
# OPTIONS that Django's PostgreSQL backend takes for itself instead of passing to libpq.
DJANGO_POSTGRES_OPTIONS = {
    "isolation_level",
    "assume_role",
    "server_side_binding",
    "pool",
    "cursor_factory",
}


def _check_libpq_options(name: str, options: dict) -> None:
    """A query option psycopg refuses (a misspelt name or sslmode) started every process,
    then failed every request and task: refused before anything starts. psycopg parses
    the names as libpq does, without connecting; the values it leaves to the connection."""
    from psycopg2 import ProgrammingError
    from psycopg2.extensions import make_dsn, parse_dsn

    if "sslmode" in options and options["sslmode"] not in SSL_MODES:
        raise ImproperlyConfigured(
            f"{name}'s sslmode must be one of: {', '.join(SSL_MODES)}; got {options['sslmode']!r}"
        )
    for option in sorted(set(options) - DJANGO_POSTGRES_OPTIONS):
        try:
            parse_dsn(make_dsn(**{option: "1"}))
        except ProgrammingError:
            raise ImproperlyConfigured(
                f"{name} has an option PostgreSQL does not know: {option!r}"
            ) from None
