import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")
application = get_wsgi_application()

from opo_portal import gc_freeze  # noqa: E402 - after Django is set up

gc_freeze.install()
