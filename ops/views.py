from django.http import JsonResponse
from django.utils.log import log_response
from django.views.decorators.cache import never_cache

from ops.health import (
    outbox_backlog,
    passed,
    readiness,
    unanswered_cases,
    unanswered_takedowns,
)


@never_cache
def ready(request):
    """For monitoring and orchestrators: every part, and which one is down (503 then);
    beside them the outbox backlog, for alerting on `outbox.stuck`.

    Asked through the public proxy (nginx sets X-Forwarded-For on everything it passes
    on), the status alone: which part is down, how many e-mails wait and which migrations
    are missing are for the IT partner's monitoring, which asks the node itself."""
    checks = readiness()
    ok = all(c.ok for c in checks)
    status = 200 if ok else 503
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return _not_an_error(
            request, JsonResponse({"status": "ok" if ok else "fail"}, status=status), checks
        )
    body = {
        "status": "ok" if ok else "fail",
        "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        # Not a check: a backlog never makes this 503 (ops.health says why).
        "outbox": outbox_backlog() if passed(checks, "database") else None,
        # Not a check either: cases at a school with no director while the foundation has
        # no board member reach nobody (monitoring.selectors.unanswered_cases).
        "unanswered_cases": unanswered_cases() if passed(checks, "database") else None,
        # and takedowns whose assignee left with nobody to hand them to
        "unanswered_takedowns": unanswered_takedowns() if passed(checks, "database") else None,
    }
    return _not_an_error(request, JsonResponse(body, status=status), checks)


def _not_an_error(request, response, checks):
    """A probe's 503 is the answer it asks for, not a failure of this request: logged at
    WARNING with the parts that are down. Django logs every 5xx at ERROR, which an error
    tracker (Sentry) turns into an event per probe, every few seconds, for one outage."""
    down = ", ".join(c.name for c in checks if not c.ok)
    if down:
        log_response(
            "Not ready (%s): %s",
            down,
            request.path,
            response=response,
            request=request,
            level="warning",
        )
    return response
