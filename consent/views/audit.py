"""Reading a pupil's consent file: the privacy officer answering an AVG request or looking
into an incident, and the school's directors and board staff. Nothing here changes
anything: the file is GET and HEAD only; the search posts the name it looks for, so that
no pupil's name ends up in an address (browser history, access logs), and reads only."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from consent.audit import PUPILS_FOUND_LIMIT, pupil_dossier, pupil_gezag_history, pupils_found
from consent.models import ConsentEvent
from schools.access import acts_for_school, get_pupil_for_director, get_school_for_director
from schools.search import search_text


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@login_required
def pupil_search(request, code):
    """Find a pupil of the school by name or pupil number (those who left too)."""
    school = get_school_for_director(request.user, code)
    query = search_text(request.POST)
    context = {
        "school": school,
        "query": query,
        "pupils": pupils_found(school, query),
        "limit": PUPILS_FOUND_LIMIT,
    }
    return render(request, "consent/pupil_search.html", context)


@require_safe
@never_cache
@login_required
def dossier(request, pk):
    pupil = get_pupil_for_director(request.user, pk)
    context = pupil_dossier(pupil)
    context["Method"] = ConsentEvent.Method
    context["can_act"] = acts_for_school(request.user, pupil.school_id)
    # the user's own child: no paper form (the form refuses it), a note instead; their
    # link is among the guardianships the file reads anyway
    context["own_link"] = next(
        (g for g in context["guardianships"] if g.user_id == request.user.pk), None
    )
    return render(request, "consent/dossier.html", context)


@require_safe
@never_cache
@login_required
def dossier_gezag(request, pk):
    """The consent file's links and gezag over time, on a page of its own: the file's
    readers, the same reach (a pupil out of reach is a 404)."""
    pupil = get_pupil_for_director(request.user, pk)
    return render(request, "consent/dossier_gezag.html", pupil_gezag_history(pupil))
