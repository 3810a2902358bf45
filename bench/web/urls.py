import os

from django.http import HttpResponse
from django.urls import include, path

if os.environ.get("BENCH_FLOOR"):  # a floor run (bench/web/floor.py), never in production
    from bench.web import floor

    floor.install(os.environ["BENCH_FLOOR"])


def bare(request):
    """The ceiling: a Django request through every middleware, no query of its own."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("opo_portal.urls")),
]
