"""Deploy check: the fetcher's loopback/private-address switch is for tests and intranets."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_private_hosts(app_configs=None, **kwargs):
    hosts = getattr(settings, "MONITORING_ALLOW_PRIVATE_HOSTS", [])
    if settings.DEBUG or not hosts:
        return []
    return [
        checks.Warning(
            "MONITORING_ALLOW_PRIVATE_HOSTS lets monitoring sources reach internal addresses: "
            + ", ".join(hosts),
            hint="Leave it empty in production unless an intranet feed needs it.",
            id="opo.W001",
        )
    ]
