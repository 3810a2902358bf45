from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """The ceiling: a Django request through every middleware, no query of its own."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("opo_portal.urls")),
]
