from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        # registers the deploy checks; connects the signal receivers
        from monitoring import checks, receivers  # noqa: F401
