"""Settings for the OPO Portal: one file, driven by environment variables.

Defaults serve development with nothing installed (SQLite under var/, eager Celery,
locmem cache, console e-mail). Production sets DATABASE_URL, REDIS_URL, SECRET_KEY,
ALLOWED_HOSTS, DEBUG=false and EMAIL_URL; see .env.example.
"""

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from opo_portal.env import (
    bool_of,
    database_from_url,
    env_bool,
    env_email,
    env_hosts,
    env_int,
    env_int_above,
    env_list,
    env_mail_server,
    env_origins,
    env_redis_url,
    env_sender,
    env_site_url,
    env_static_root,
    env_str,
    env_url,
    secret_key_for_production,
    site_url_for_production,
    usable_cpus,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEVELOPMENT_SECRET = "dev-only-insecure-secret-key-change-me-0123456789"  # noqa: S105 - refused with DEBUG=false
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET)
# Old keys while SECRET_KEY is rotated: sessions and e-mailed links (address checks,
# password resets, stopping reminders) signed with one still work; README "Rotating
# SECRET_KEY". Without them a new key logged everyone out and broke every mailed link.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
DEBUG = env_bool("DEBUG", default=True)
# Set, it names a host: an empty list answers every request with 400 when DEBUG is false.
ALLOWED_HOSTS = env_hosts("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"], any_host=DEBUG)
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS")
# The start of every link in an e-mail: http(s), without the slash that links add.
SITE_URL = env_site_url("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "schools",
    "policy",
    "consent",
    "monitoring",
    "outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.languages.SavedLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMfaRequiredMiddleware",
    "accounts.middleware.MailNotSentMiddleware",
]

ROOT_URLCONF = "opo_portal.urls"
WSGI_APPLICATION = "opo_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "accounts.context_processors.session_warning",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    DATABASES = {"default": database_from_url("DATABASE_URL", DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The hot reads as server-side prepared statements on PostgreSQL (opo_portal.sql); false
# behind a pooler in transaction mode (PgBouncer), which shares sessions between clients.
DATABASE_PREPARED_READS = env_bool("DATABASE_PREPARED_READS", default=True)

# --- Redis: cache and Celery broker --------------------------------------
REDIS_URL = env_redis_url("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Worker processes; default the CPUs this process may use (as `nproc`). Read here, not by
# deploy/run-prod's --concurrency: Celery answered "two" with its usage text, -1 with a
# traceback, and took 0 for the CPU count.
CELERY_WORKER_CONCURRENCY = env_int("CELERY_CONCURRENCY", usable_cpus(), minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
# Redis redelivers an unacknowledged task after this many seconds; no countdown may exceed it.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, float] = {"visibility_timeout": 3600}
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_BEAT_SCHEDULE: dict = {}

# --- Accounts and authentication -----------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "add_email": "accounts.forms.AddEmailForm",
    "request_login_code": "accounts.forms.LoginCodeRequestForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "request_login_code": "20/m/ip,3/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[OPO Portal] "
# Adding, removing or choosing the main e-mail address asks again who you are (password,
# TOTP, or for an account with neither an e-mailed code: accounts.reauthentication) unless
# that happened in the last five minutes. A stolen session alone cannot move the account.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# A notice to the account's confirmed addresses after a change of addresses, password or
# TOTP; sent through the outbox (accounts.adapters.AccountAdapter.send_notification_mail).
ACCOUNT_EMAIL_NOTIFICATIONS = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "OPO Portal"

# --- E-mail ---------------------------------------------------------------
EMAIL_URL = env_mail_server("EMAIL_URL")
DEFAULT_FROM_EMAIL = env_sender(
    "DEFAULT_FROM_EMAIL",
    "OPO Portal <noreply@opo-borger-odoorn.example>",
    required=not DEBUG and urlparse(EMAIL_URL).scheme in ("smtp", "smtps"),
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where replies to the foundation's own e-mails go (a new protocol version to read): an
# address someone reads. Unset: no Reply-To, and those e-mails say replies are not read.
# A school's e-mails use the school's own address (School.contact_email), never this one.
FOUNDATION_CONTACT_EMAIL = env_email("FOUNDATION_CONTACT_EMAIL")


def _email_settings(url: str) -> dict:
    if not url or url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith("locmem:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    parsed = urlparse(url)
    options = parse_qs(parsed.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": parsed.scheme == "smtp" and _starttls(options),
    }


def _starttls(options: dict[str, list[str]]) -> bool:
    """STARTTLS unless `?tls=` says otherwise (false/0/no/off; before, only 0 did)."""
    return bool_of("EMAIL_URL's tls option", options["tls"][0]) if "tls" in options else True


globals().update(_email_settings(EMAIL_URL))
# The Date header in the schools' time with its offset ("Sun, 29 Mar 2026 00:30:00 +0100"),
# as the pages show it; Django's default writes UTC as "-0000", RFC 5322's "zone unknown",
# which a reply's "Op … schreef" or a plain-text reader shows as the day before. The zone is
# the process's: Django sets TZ to TIME_ZONE in every process that loads these settings.
EMAIL_USE_LOCALTIME = True

# --- Internationalisation --------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format in both languages ("30 november 2026 14:24", README "Dates"), also where a
# template prints a date without a format, as allauth's security notices do.
FORMAT_MODULE_PATH = ["opo_portal.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"

# --- Security ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A form from before a login in another tab (new token): says what to do, links its page.
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"
# The language switch's cookie like the others (no script reads it).
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# --- Logging: no pupil names, ever; log ids only -----------------------------
# Any case, as Celery's --loglevel takes it (deploy/run-prod passes LOG_LEVEL there too).
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").strip().upper() or "INFO"
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
LOGGING_CONFIG = "ops.logs.configure_logging"
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    # Exceptions keep their type and stack but not their message (ops/logs.py says why).
    "formatters": {"text": {"()": "ops.logs.TextFormatter"}},
    "filters": {
        "task_lines": {"()": "ops.logs.TaskLinesWithoutMessages"},
        "suspicious_requests": {"()": "ops.logs.SuspiciousRequestsAsWarnings"},
        "database_outages": {"()": "ops.logs.DatabaseOutagesAsWarnings"},
        "no_pillow_debug": {"()": "ops.logs.NoPillowDebugLines"},
        "outgoing_requests": {"()": "ops.logs.OutgoingRequestsWithoutQuery"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "text",
            "filters": [
                "task_lines",
                "suspicious_requests",
                "database_outages",
                "no_pillow_debug",
                "outgoing_requests",
            ],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Pillow logs every metadata tag of an uploaded photo at DEBUG (captions, names, GPS,
    # serial numbers): LOG_LEVEL=DEBUG must not write them to the logs. The console handler
    # drops them as well (no_pillow_debug), should this level ever be lowered.
    "loggers": {
        "PIL": {"level": "INFO"},
        # Django's own console handler (DEBUG only) wrote its lines a second time, in
        # neither of our formats: the root handler alone writes them.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

# --- Portal-specific --------------------------------------------------------
PUPIL_IMPORT_MAX_BYTES = env_int("PUPIL_IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)

if not DEBUG:
    secret_key_for_production("SECRET_KEY", SECRET_KEY, DEVELOPMENT_SECRET)
    for old_key in SECRET_KEY_FALLBACKS:
        secret_key_for_production("SECRET_KEY_FALLBACKS", old_key, DEVELOPMENT_SECRET)
        if old_key == SECRET_KEY:
            raise ImproperlyConfigured(
                "SECRET_KEY_FALLBACKS holds SECRET_KEY itself: list the old keys only"
            )
# Unset, the development hosts above: every request through the proxy a 400 (set but
# blank is refused by env_hosts already). After the key, before SITE_URL's host is checked.
if not DEBUG and not env_str("ALLOWED_HOSTS"):
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set when DEBUG is false: the portal's host names, "
        "as in portal.example.nl"
    )
if not DEBUG and env_str("SITE_URL").strip():  # run-prod requires it; bare manage.py may not
    site_url_for_production("SITE_URL", SITE_URL, ALLOWED_HOSTS, https_only=SECURE_SSL_REDIRECT)

# Functions(request) -> list of banners shown on every page; see accounts.context_processors.
PORTAL_BANNER_PROVIDERS: list[str] = []
# Numbers about the user that banners and menu badges show: name -> function(user) ->
# (sql, params) | None, all read in one query per page (accounts.page_scalars).
PORTAL_PAGE_SCALARS: dict[str, str] = {}

# Functions(*, today) that add each app's demo data; `load_demo` calls them in order after
# the foundation's schools, groups, pupils and accounts exist, with the day it loads for.
PORTAL_DEMO_LOADERS: list[str] = []

# --- policy: the social media protocol ----------------------------------------------
# Staff who have not confirmed the current protocol version see a banner on every page.
PORTAL_BANNER_PROVIDERS += ["policy.banners.unread_protocol_banner"]
PORTAL_PAGE_SCALARS["unread_protocol"] = "policy.banners.unread_protocol_query"

# No upload is ever written to disk. The photo check and the pupil import hold their one
# file in memory (schools.uploads.MemoryUploadHandler, set per request); a file sent to any
# other page is kept in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) and beyond that
# dropped, where Django's default would spill it to a temporary file.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]

# --- Photo check (consent.photo) ---------------------------------------------
# Uploads larger than PHOTO_MAX_BYTES are refused (and never held in memory beyond it);
# headers declaring more than PHOTO_MAX_PIXELS are refused before decoding. Pillow itself
# refuses more than Image.MAX_IMAGE_PIXELS (~89 Mpx) whatever this says.
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 50_000_000, minimum=10_000)
PHOTO_MAX_SIDE = env_int("PHOTO_MAX_SIDE", 2048, minimum=16)

# --- consent ----------------------------------------------------------------
PORTAL_DEMO_LOADERS.append("consent.demo.load")
# The menu's number of open takedown tasks (accounts.navigation.NAV_BADGES)
PORTAL_PAGE_SCALARS["open_takedowns"] = "consent.services.open_takedowns_query"

# --- Monitoring (monitoring app) ---------------------------------------------
from celery.schedules import crontab  # noqa: E402

# Redis redelivers an unacknowledged task after this many seconds. Aligned with the fetch
# claim lease (task time limit + 60 s): a fetch orphaned by a killed worker is redelivered
# within minutes and retakes its own claim. Tests of a killed worker use a short value.
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env_int(
    "CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 60, minimum=1
)
# How often beat looks for due sources, and how long a queued fetch may wait before it is
# taken as lost with the broker (a Redis restarted without AOF) and queued again.
MONITORING_DISPATCH_SECONDS = env_int("MONITORING_DISPATCH_SECONDS", 60, minimum=1)
MONITORING_REQUEUE_AFTER_SECONDS = env_int("MONITORING_REQUEUE_AFTER_SECONDS", 600, minimum=1)
MONITORING_USER_AGENT = env_str(
    "MONITORING_USER_AGENT", "OPO-Portal-monitoring/1.0 (+https://opo-borger-odoorn.example)"
)
MONITORING_HTTP_TIMEOUT = env_int("MONITORING_HTTP_TIMEOUT", 10, minimum=1)
MONITORING_HTTP_TOTAL_SECONDS = env_int("MONITORING_HTTP_TOTAL_SECONDS", 60, minimum=1)
# Host names or addresses the fetcher may reach although they are loopback/private/link-local
# (tests, intranet feeds). Empty in production; `check --deploy` warns when set with DEBUG off.
MONITORING_ALLOW_PRIVATE_HOSTS = env_list("MONITORING_ALLOW_PRIVATE_HOSTS")
MONITORING_MAX_RESPONSE_BYTES = env_int(
    "MONITORING_MAX_RESPONSE_BYTES", 5 * 1024 * 1024, minimum=1024
)
# After this many failed runs in a row the board is e-mailed, once.
MONITORING_FAILURE_NOTIFY_AFTER = env_int("MONITORING_FAILURE_NOTIFY_AFTER", 5, minimum=1)
MONITORING_UNFLAGGED_RETENTION_DAYS = 30
MONITORING_FLAGGED_RETENTION_DAYS = env_int("MONITORING_FLAGGED_RETENTION_DAYS", 180, minimum=1)
MONITORING_NEAR_DUPLICATE_DAYS = env_int("MONITORING_NEAR_DUPLICATE_DAYS", 14, minimum=1)
# No director of a school in the portal for this many days: its urgent and new cases are
# e-mailed to the board as well (monitoring.notifications._away_board).
MONITORING_DIRECTOR_AWAY_DAYS = env_int("MONITORING_DIRECTOR_AWAY_DAYS", 14, minimum=1)
# An urgent case still "new" (nobody assigned, or no conversation planned or held) this
# many school days (Monday to Friday) after its urgent notice is e-mailed to the board,
# once (the daily beat "monitoring-urgent-stale": notifications.urgent_stale_escalate).
MONITORING_URGENT_STALE_DAYS = env_int("MONITORING_URGENT_STALE_DAYS", 2, minimum=1)
MONITORING_BLUESKY_APPVIEW = env_str(
    "MONITORING_BLUESKY_APPVIEW", "https://public.api.bsky.app/xrpc/"
)
MONITORING_BLUESKY_PDS = env_str("MONITORING_BLUESKY_PDS", "https://bsky.social/xrpc/")
MONITORING_BLUESKY_HANDLE = env_str("MONITORING_BLUESKY_HANDLE")
MONITORING_BLUESKY_APP_PASSWORD = env_str("MONITORING_BLUESKY_APP_PASSWORD")
CELERY_BEAT_SCHEDULE.update(
    {
        "monitoring-dispatch": {
            "task": "monitoring.dispatch_due_sources",
            "schedule": float(MONITORING_DISPATCH_SECONDS),
            # A tick no worker took in time is dropped: the next one does the same work.
            "options": {"expires": MONITORING_DISPATCH_SECONDS},
        },
        "monitoring-retention": {
            "task": "monitoring.apply_retention",
            "schedule": crontab(hour=3, minute=17),
        },
        "monitoring-digest": {
            "task": "monitoring.send_monthly_digest",
            "schedule": crontab(day_of_month=1, hour=7, minute=0),
        },
        # every morning at the schools' hours, before the school day's work
        "monitoring-urgent-stale": {
            "task": "monitoring.escalate_urgent_stale_cases",
            "schedule": crontab(hour=8, minute=13),
        },
    }
)
# Monitoring (issue 13): retrain the classifier's learned layer on staff marks, nightly.
CELERY_BEAT_SCHEDULE["monitoring-retrain-learned-layer"] = {
    "task": "monitoring.retrain_learned_layer",
    "schedule": crontab(hour=2, minute=47),
}
PORTAL_DEMO_LOADERS.append("monitoring.demo.load")

# --- Security (issue 10); README "Security settings", SECURITY.md --------------------------
from csp.constants import NONE, SELF  # noqa: E402

INSTALLED_APPS.append("csp")
# CSP right after SecurityMiddleware; the two rules below after authentication.
MIDDLEWARE.insert(1, "opo_portal.middleware.CSPMiddleware")  # django-csp's, built once
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "accounts.security_middleware.SessionLimitsMiddleware",
)
# Around the session limits (it rewrites their login redirect's `next`), inside the
# messages (it adds one).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "accounts.middleware.LoginAfterFormMiddleware",
)
MIDDLEWARE.insert(1, "accounts.security_middleware.NoStoreMiddleware")
# After the CSP (its header goes on the 405 too), before sessions are read.
MIDDLEWARE.insert(
    MIDDLEWARE.index("opo_portal.middleware.CSPMiddleware") + 1,
    "opo_portal.middleware.FormMethodsMiddleware",
)
# A form that is not UTF-8 is a 400 (nothing saved), in the person's own language.
MIDDLEWARE.insert(
    MIDDLEWARE.index("accounts.languages.SavedLanguageMiddleware") + 1,
    "opo_portal.middleware.ReadableFormMiddleware",
)
# No inline script or style anywhere: scripts are files under static/js/.
# img-src allows data: for the TOTP QR code allauth renders as a data: URI.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Sessions: SESSION_COOKIE_AGE is the longest any session lives ("remember me", parents).
SESSION_COOKIE_AGE = env_int("PARENT_REMEMBERED_MAX_SECONDS", 30 * 24 * 3600, minimum=3600)
PARENT_REMEMBERED_MAX_SECONDS = SESSION_COOKIE_AGE
PARENT_SESSION_MAX_SECONDS = env_int("PARENT_SESSION_MAX_SECONDS", 12 * 3600, minimum=300)
STAFF_SESSION_MAX_SECONDS = env_int("STAFF_SESSION_MAX_SECONDS", 12 * 3600, minimum=300)
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
# Staff pages warn this long before the idle or absolute limit ends the session (WCAG 2.2.1
# asks for a warning with at least 20 s to act on it): static/js/session-warning.js.
STAFF_SESSION_WARNING_SECONDS = env_int("STAFF_SESSION_WARNING_SECONDS", 120, minimum=20)

# Behind a reverse proxy: how many proxies add themselves to X-Forwarded-For. allauth's
# rate limits key on the client address it finds there; 0 (default) uses REMOTE_ADDR.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ALLAUTH_TRUSTED_PROXY_COUNT", 0, minimum=0)
# --- Production (issue 16): static files, health, logs, errors, pupil retention -------------
INSTALLED_APPS.append("ops")
# WhiteNoise serves collectstatic's hashed, compressed files with far-future cache headers,
# from our own host (no CDN). It sits near the top, as its docs ask, below the CSP.
# Below the CSP: WhiteNoise answers /static/ itself, and those answers (an SVG opened on its
# own is a document) carry the policy too.
MIDDLEWARE.insert(
    MIDDLEWARE.index("opo_portal.middleware.CSPMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_ROOT = env_static_root("STATIC_ROOT", VAR_DIR / "static", BASE_DIR)
if not DEBUG:  # load balancers probe plain HTTP
    SECURE_REDIRECT_EXEMPT += [r"^health/ready$"]
# ... and by a node's address, not the portal's name: probes skip the host check.
MIDDLEWARE[MIDDLEWARE.index("django.middleware.common.CommonMiddleware")] = (
    "ops.middleware.CommonMiddleware"
)

# Beat publishes a heartbeat task; a worker runs it. /health/ready and `manage.py health`
# call a part stale when its last sign of life is older than these.
HEALTH_HEARTBEAT_SECONDS = env_int("HEALTH_HEARTBEAT_SECONDS", 30, minimum=1)
# Not stale between two heartbeats: each must be longer than the interval.
HEALTH_BEAT_STALE_SECONDS = env_int_above(
    "HEALTH_BEAT_STALE_SECONDS", 180, "HEALTH_HEARTBEAT_SECONDS", HEALTH_HEARTBEAT_SECONDS
)
HEALTH_WORKER_STALE_SECONDS = env_int_above(
    "HEALTH_WORKER_STALE_SECONDS", 180, "HEALTH_HEARTBEAT_SECONDS", HEALTH_HEARTBEAT_SECONDS
)
# /health/ready says `"outbox": {..., "stuck": true}` once the oldest pending duty is older.
HEALTH_OUTBOX_STUCK_SECONDS = env_int("HEALTH_OUTBOX_STUCK_SECONDS", 900, minimum=1)
CELERY_BEAT_SCHEDULE["ops-heartbeat"] = {
    "task": "ops.heartbeat",
    "schedule": float(HEALTH_HEARTBEAT_SECONDS),
    "options": {"expires": HEALTH_HEARTBEAT_SECONDS},
}

# Pupils who left are erased this many full school years after the school year of leaving.
PUPIL_RETENTION_SCHOOL_YEARS = env_int("PUPIL_RETENTION_SCHOOL_YEARS", 2, minimum=1)
CELERY_BEAT_SCHEDULE["schools-erase-left-pupils"] = {
    "task": "schools.erase_left_pupils",
    "schedule": crontab(hour=2, minute=41),
}
# The access history (schools.MembershipChange: staff roles and groups taught, given and
# ended) is kept the rest of the school year of a change plus this many full school years,
# as pupils who left are; a role's start goes with its end, a role still held keeps it.
ACCESS_HISTORY_RETENTION_SCHOOL_YEARS = env_int(
    "ACCESS_HISTORY_RETENTION_SCHOOL_YEARS", 2, minimum=1
)
CELERY_BEAT_SCHEDULE["schools-access-history-retention"] = {
    "task": "schools.apply_access_history_retention",
    "schedule": crontab(hour=2, minute=44),
}
# An account with no child linked and no staff role is deleted (or, while consent events or
# checks of an erased pupil name it, kept without name and address) after the rest of the
# school year of its last link plus this many full school years; a staff role's end counts
# with ACCESS_HISTORY_RETENTION_SCHOOL_YEARS. The same run deletes the admin's history
# (LogEntry) past the longest of the terms. Superusers and admin accounts are never touched.
ACCOUNT_RETENTION_SCHOOL_YEARS = env_int("ACCOUNT_RETENTION_SCHOOL_YEARS", 1, minimum=1)
CELERY_BEAT_SCHEDULE["accounts-retention"] = {
    "task": "accounts.apply_retention",
    "schedule": crontab(hour=2, minute=47),
}

# LOG_FORMAT=json writes one JSON object per line (ops.logs.JsonFormatter).
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in ("text", "json"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'")
if LOG_FORMAT == "json":
    LOGGING["formatters"]["json"] = {"()": "ops.logs.JsonFormatter"}
    LOGGING["handlers"]["console"]["formatter"] = "json"
    # Celery workers and beat log through the same root handler instead of their own format.
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Optional error reports (sentry-sdk) with personal data removed; see ops/errors.py.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from ops.errors import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=env_str("SENTRY_RELEASE"),
    )

# --- Reliability (outbox app, issue 11) -------------------------------------------------
# Duties after a commit go through outbox/services.py: dispatched on commit, swept by beat.
OUTBOX_GRACE_SECONDS = env_int("OUTBOX_GRACE_SECONDS", 60, minimum=1)
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300, minimum=5)
OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 30, minimum=1)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 12, minimum=1)
# Times a duty's worker may die during its handler (killed, out of memory) before it fails.
OUTBOX_MAX_LOST_ATTEMPTS = env_int("OUTBOX_MAX_LOST_ATTEMPTS", 5, minimum=1)
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 30, minimum=1)
# What duties carry (an account notice's text with an IP address, recipients' ids) is kept
# only this long: done duties are deleted this many days after they were done, and a failed
# duty's payload is emptied as long after it was written; the failed duty itself (key,
# handler, last error) stays for the admin until the second term. The daily retention run
# (schools.erase_left_pupils) applies both; pending duties are never touched. At least 7:
# a deleted duty's key may be queued again, and a reminder's key claims its week.
OUTBOX_DONE_RETENTION_DAYS = env_int("OUTBOX_DONE_RETENTION_DAYS", 30, minimum=7)
OUTBOX_FAILED_RETENTION_DAYS = env_int("OUTBOX_FAILED_RETENTION_DAYS", 180, minimum=7)
CELERY_BEAT_SCHEDULE["outbox-sweep"] = {
    "task": "outbox.sweep",
    "schedule": float(OUTBOX_SWEEP_SECONDS),
    "options": {"expires": OUTBOX_SWEEP_SECONDS},  # as the dispatch: ticks never pile up
}
# Fire-and-forget: no task waits on the result backend (a Redis outage cost 19 s per
# .delay() while the backend retried). Tasks whose result is read set ignore_result=False.
CELERY_TASK_IGNORE_RESULT = True
# A broker outage must cost a request milliseconds: no publish retries, short socket timeouts.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS.update(
    {
        "socket_connect_timeout": 1,
        "socket_timeout": 5,
        # Publishing (kombu's default_channel) retries a refused connection at most once, at
        # once, instead of sleeping 2 s per try; the outbox sweeper re-sends what failed.
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
)
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
# SMTP must answer within this many seconds (the outbox lease is longer).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
# One beat at a time (opo_portal/beat.py): other beats stay idle while one holds the lock.
CELERY_BEAT_SCHEDULER = "opo_portal.beat:LockedScheduler"
BEAT_LOCK_TTL = env_int("BEAT_LOCK_TTL", 30, minimum=3)
# A beat still running this long after SIGTERM exits without waiting further (one log line):
# within compose's default 10 s before SIGKILL.
BEAT_STOP_SECONDS = env_int("BEAT_STOP_SECONDS", 8, minimum=1)
# Redis down must not fail requests: the cache degrades to misses and no-ops (logged), with
# short socket timeouts; a broker outage on a page shows a Dutch "try again" page (503).
if REDIS_URL:
    CACHES["default"]["BACKEND"] = "opo_portal.cache.ResilientRedisCache"
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 0.5, "socket_timeout": 1}
MIDDLEWARE.append("opo_portal.middleware.ServiceUnavailableMiddleware")
# A connection dropped by the database (restart, failover) is replaced, not served as a 500.
if DATABASE_URL:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# --- Performance (issue 17): sessions from the cache, written through to the database ---
# accounts.sessions guards every cache call, so sessions keep working with Redis down.
SESSION_ENGINE = "accounts.sessions"
SESSION_CACHE_SECONDS = env_int("SESSION_CACHE_SECONDS", 600, minimum=0)
# The session's user and their staff memberships come from the cache (accounts.user_cache),
# dropped whenever either changes; an entry lives at most this long (0: always the database).
USER_CACHE_SECONDS = env_int("USER_CACHE_SECONDS", 300, minimum=0)
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
# The board's home page (accounts.board): up to this many current pupils in the foundation
# it counts every school live; above, it reads each school's last count, counted again
# after every change and at least once per cycle by the task below (README "Board home").
BOARD_LIVE_PUPILS = env_int("BOARD_LIVE_PUPILS", 1000, minimum=0)
BOARD_COUNTS_CYCLE_SECONDS = env_int("BOARD_COUNTS_CYCLE_SECONDS", 900, minimum=60)
BOARD_COUNTS_TASK_SECONDS = env_int("BOARD_COUNTS_TASK_SECONDS", 60, minimum=10)
CELERY_BEAT_SCHEDULE["accounts-recount-schools"] = {
    "task": "accounts.recount_schools",
    "schedule": float(BOARD_COUNTS_TASK_SECONDS),
    "options": {"expires": BOARD_COUNTS_TASK_SECONDS},
}
# Expired sessions are deleted nightly (Django's clearsessions): their rows name who was
# logged in, and nothing reads them once they have expired.
CELERY_BEAT_SCHEDULE["accounts-clear-expired-sessions"] = {
    "task": "accounts.clear_expired_sessions",
    "schedule": crontab(hour=2, minute=38),
}
