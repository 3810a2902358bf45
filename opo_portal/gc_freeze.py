"""Keep the cyclic garbage collector off the objects every request shares.

A web worker holds some 150,000 tracked objects that live as long as it does: modules,
models, URL patterns, compiled templates, translation catalogues. Python's full
collection walks all of them, and a page that builds many objects (a school's coverage:
thousands of rows) triggers one every few requests: 13 ms per coverage request on
average, a fifth of its CPU (bench/web, `gc.callbacks` timing). After the first request
has loaded what is loaded lazily, `gc.freeze()` moves what is alive then out of the
collector's reach; reference counting still frees those objects when they are dropped,
and everything made later is collected as before. This is what the Python documentation
advises for servers that fork workers (`gc.freeze`).

Installed by opo_portal/wsgi.py, so gunicorn's workers (production and `make bench`)
freeze once each, after their first request.
"""

import gc

from django.core.signals import request_finished


def freeze_after_first_request(**_kwargs) -> None:
    """Collect once, then freeze what is still alive; runs once per process."""
    request_finished.disconnect(freeze_after_first_request)
    gc.collect()
    gc.freeze()


def install() -> None:
    request_finished.connect(freeze_after_first_request)
