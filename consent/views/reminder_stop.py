"""A parent stops (or resumes) reminder e-mails from the link in a reminder, without
logging in (consent.reminder_stop). The page shows no child, no name, no address: a
forwarded e-mail's link tells its reader nothing."""

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from consent.reminder_stop import (
    reminder_stop_user_id,
    reminders_resume,
    reminders_stop,
    reminders_stopped,
)

TEMPLATE = "consent/reminders_stop.html"


@never_cache
@csrf_exempt  # RFC 8058: the mail provider POSTs without a session; the signed token is the proof
@require_http_methods(["GET", "HEAD", "POST"])
def reminders_stop_page(request, token):
    """GET asks (a link scanner that opens it changes nothing); POST stops the reminders,
    as the mail provider's one-click button does (body "List-Unsubscribe=One-Click"), or
    resumes them with action=resume. A token we did not sign is a 400 with a clear page."""
    user_id = reminder_stop_user_id(token)
    if user_id is None:
        return render(request, TEMPLATE, {"invalid": True}, status=400)
    if request.method == "POST":
        if request.POST.get("action") == "resume":
            reminders_resume(user_id=user_id)
        else:
            reminders_stop(user_id=user_id)
        return redirect("consent:reminders_stop", token=token)
    return render(request, TEMPLATE, {"stopped": reminders_stopped(user_id)})
