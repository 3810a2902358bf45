"""Deploy checks for what a wrong setting turns into a security hole (issue 10)."""

from django.conf import settings
from django.core import checks

PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


@checks.register(checks.Tags.security, deploy=True)
def check_shared_cache(app_configs=None, **kwargs):
    """allauth counts failed logins in the cache: per-process caches multiply the limit."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        checks.Error(
            "The default cache is local to each process, so login rate limits are counted "
            "per gunicorn worker.",
            hint="Set REDIS_URL (a shared cache) when DEBUG is false.",
            id="opo.E001",
        )
    ]
