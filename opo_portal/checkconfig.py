"""A configuration error ends a process with one line on stderr, not a traceback (issue 16).

`python -m opo_portal.checkconfig [CONFIG_FILE ...]` reads the settings (and gunicorn's
config file) and exits 2 naming the first problem; deploy/run-prod runs it before gunicorn
or Celery starts. manage.py uses `configuration_errors_as_one_line` around its own start, and
so do opo_portal/wsgi.py and opo_portal/celery.py for gunicorn and Celery started by hand.
"""

import os
import runpy
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from django.core.exceptions import ImproperlyConfigured

EXIT_CODE = 2
# gunicorn's arbiter stops when a worker exits with APP_LOAD_ERROR ("App failed to load");
# any code it does not know (2 among them) and it boots a new worker, for ever.
GUNICORN_APP_LOAD_ERROR = 4


def exit_with_one_line(error: ImproperlyConfigured, exit_code: int = EXIT_CODE) -> NoReturn:
    message = " ".join(str(error).splitlines())  # one line, whatever the message holds
    print(f"configuration error: {message}", file=sys.stderr)
    raise SystemExit(exit_code)


@contextmanager
def configuration_errors_as_one_line(exit_code: int = EXIT_CODE) -> Iterator[None]:
    """ImproperlyConfigured raised before the settings were read is the environment's fault.

    Once the settings are read, an ImproperlyConfigured comes from code (an app or a
    command misused) and keeps its traceback, as does every other exception.
    """
    from django.conf import settings

    try:
        yield
    except ImproperlyConfigured as error:
        if settings.configured:
            raise
        exit_with_one_line(error, exit_code)


def main(config_files: list[str]) -> None:
    """Read the settings, then each config file given (deploy/gunicorn.conf.py): gunicorn
    prints a traceback for a bad number in its config file, this one line."""
    from django.conf import settings

    with configuration_errors_as_one_line():
        settings.INSTALLED_APPS  # noqa: B018 - reading one setting reads them all
    for path in config_files:
        try:
            runpy.run_path(path)
        except ImproperlyConfigured as error:  # from the env readers it uses
            exit_with_one_line(error)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opo_portal.settings")
    main(sys.argv[1:])
