"""Health probes are answered whatever Host they were sent to (issue 16).

Load balancers and container health checks reach a node by its address (compose.yaml's
`http://127.0.0.1:8000/health/`), not by the portal's name; Django's host check answered
each of those probes with 400 and a logged traceback. The probes read nothing of the
request but its language, so they are answered here, first, before any host is checked.
Every other path, and any other method, still goes through the host check.
"""

from django.utils import translation

from accounts.views import health
from ops.views import ready

PROBES = {"/health/": health, "/health/ready": ready}


class HealthProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with translation.override(translation.get_language_from_request(request)):
            return probe(request)
