import os

from django.core.wsgi import get_wsgi_application

from opo_portal.checkconfig import GUNICORN_APP_LOAD_ERROR, configuration_errors_as_one_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")
# A bad setting is one line on stderr, and a gunicorn started by hand stops (exit 4)
# instead of booting a worker that fails again, for ever.
with configuration_errors_as_one_line(exit_code=GUNICORN_APP_LOAD_ERROR):
    application = get_wsgi_application()

from opo_portal import gc_freeze  # noqa: E402 - after Django is set up

gc_freeze.install()
