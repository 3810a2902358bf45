"""A queue or cache outage that reaches a view becomes a Dutch "try again" page, never a 500."""

import logging

from django.http import HttpResponse
from django.template.loader import render_to_string
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
OUTAGES = (RedisError, OperationalError)


class ServiceUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OUTAGES):
            return None
        log.warning("service unavailable on %s: %s", request.path, type(exception).__name__)
        body = render_to_string("service_unavailable.html", request=None)
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "60"
        response["Cache-Control"] = "no-store"
        return response
