"""Health probes are answered whatever Host they were sent to (issue 16).

Load balancers and container health checks reach a node by its address (compose.yaml's
`http://127.0.0.1:8000/health/`), not by the portal's name; Django's host check, in
CommonMiddleware, answered each of those probes with 400 and a logged traceback. The
probes read nothing of the host, so for them (GET and HEAD only) that check is skipped;
every other middleware still runs. Every other path and method keeps the host check.
"""

from django.middleware import common

PROBES = ("/health/", "/health/ready")


class CommonMiddleware(common.CommonMiddleware):
    def process_request(self, request):
        if request.path_info in PROBES and request.method in ("GET", "HEAD"):
            return None  # nothing else of it applies: no slash to add, no www to prepend
        return super().process_request(request)
