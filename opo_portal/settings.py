"""Settings for the OPO Portal: one file, driven by environment variables.

Defaults serve development with nothing installed (SQLite under var/, eager Celery,
locmem cache, console e-mail). Production sets DATABASE_URL, REDIS_URL, SECRET_KEY,
ALLOWED_HOSTS, DEBUG=false and EMAIL_URL; see .env.example.
"""

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.utils.translation import gettext_lazy as _

from opo_portal.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEVELOPMENT_SECRET = "dev-only-insecure-secret-key-change-me-0123456789"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET)
DEBUG = env_bool("DEBUG", default=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMfaRequiredMiddleware",
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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker --------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))
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
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
# Redis redelivers an unacknowledged task after this many seconds; no countdown may exceed it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
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
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "OPO Portal"

# --- E-mail ---------------------------------------------------------------
EMAIL_URL = env_url("EMAIL_URL", schemes=("smtp", "smtps", "console", "locmem"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OPO Portal <noreply@opo-borger-odoorn.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


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
        "EMAIL_USE_TLS": parsed.scheme == "smtp" and options.get("tls", ["1"])[0] != "0",
    }


globals().update(_email_settings(EMAIL_URL))

# --- Internationalisation --------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
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
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# --- Logging: no pupil names, ever; log ids only -----------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Portal-specific --------------------------------------------------------
PUPIL_IMPORT_MAX_BYTES = env_int("PUPIL_IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)

if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")

# Functions(request) -> list of banners shown on every page; see accounts.context_processors.
PORTAL_BANNER_PROVIDERS: list[str] = []

# Functions() that add each app's demo data; `load_demo` calls them in order after the
# foundation's schools, groups, pupils and accounts exist.
PORTAL_DEMO_LOADERS: list[str] = []

# --- policy: the social media protocol ----------------------------------------------
# Staff who have not confirmed the current protocol version see a banner on every page.
PORTAL_BANNER_PROVIDERS += ["policy.banners.unread_protocol_banner"]

# --- Photo check (consent.photo) ---------------------------------------------
# Uploads larger than PHOTO_MAX_BYTES are refused (and never held in memory beyond it);
# headers declaring more than PHOTO_MAX_PIXELS are refused before decoding. Pillow itself
# refuses more than Image.MAX_IMAGE_PIXELS (~89 Mpx) whatever this says.
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 50_000_000, minimum=10_000)
PHOTO_MAX_SIDE = env_int("PHOTO_MAX_SIDE", 2048, minimum=16)

# --- consent ----------------------------------------------------------------
PORTAL_DEMO_LOADERS.append("consent.demo.load")

# --- Monitoring (monitoring app) ---------------------------------------------
from celery.schedules import crontab  # noqa: E402

# Redis redelivers an unacknowledged task after this many seconds. Tests of a killed worker
# start it with a short value; production keeps the hour.
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env_int(
    "CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1
)
MONITORING_USER_AGENT = env_str(
    "MONITORING_USER_AGENT", "OPO-Portal-monitoring/1.0 (+https://opo-borger-odoorn.example)"
)
MONITORING_HTTP_TIMEOUT = env_int("MONITORING_HTTP_TIMEOUT", 10, minimum=1)
MONITORING_MAX_RESPONSE_BYTES = env_int("MONITORING_MAX_RESPONSE_BYTES", 5 * 1024 * 1024)
# After this many failed runs in a row the board is e-mailed, once.
MONITORING_FAILURE_NOTIFY_AFTER = env_int("MONITORING_FAILURE_NOTIFY_AFTER", 5, minimum=1)
MONITORING_UNFLAGGED_RETENTION_DAYS = 30
MONITORING_FLAGGED_RETENTION_DAYS = env_int("MONITORING_FLAGGED_RETENTION_DAYS", 180, minimum=1)
MONITORING_NEAR_DUPLICATE_DAYS = env_int("MONITORING_NEAR_DUPLICATE_DAYS", 14, minimum=1)
MONITORING_BLUESKY_APPVIEW = env_str(
    "MONITORING_BLUESKY_APPVIEW", "https://public.api.bsky.app/xrpc/"
)
MONITORING_BLUESKY_PDS = env_str("MONITORING_BLUESKY_PDS", "https://bsky.social/xrpc/")
MONITORING_BLUESKY_HANDLE = env_str("MONITORING_BLUESKY_HANDLE")
MONITORING_BLUESKY_APP_PASSWORD = env_str("MONITORING_BLUESKY_APP_PASSWORD")
CELERY_BEAT_SCHEDULE.update(
    {
        "monitoring-dispatch": {"task": "monitoring.dispatch_due_sources", "schedule": 60.0},
        "monitoring-retention": {
            "task": "monitoring.apply_retention",
            "schedule": crontab(hour=3, minute=17),
        },
        "monitoring-digest": {
            "task": "monitoring.send_monthly_digest",
            "schedule": crontab(day_of_month=1, hour=7, minute=0),
        },
    }
)
PORTAL_DEMO_LOADERS.append("monitoring.demo.load")

# --- Performance (issue 17): sessions from the cache, written through to the database ---
# accounts.sessions guards every cache call, so sessions keep working with Redis down.
SESSION_ENGINE = "accounts.sessions"
SESSION_CACHE_SECONDS = env_int("SESSION_CACHE_SECONDS", 600, minimum=0)
