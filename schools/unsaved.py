"""The 404 of a form sent after its object went out of reach while the form was open (a
case handed to a colleague, a pupil moved to another group). The person's own typed text
comes back so that it is not lost; the page is otherwise the plain 404, which tells
nothing about the object (nor whether it exists)."""

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise


def not_found_keeping_text(
    request: HttpRequest, texts: Iterable[str], *, message: str | Promise = ""
) -> HttpResponse:
    """404.html with `texts` (only what this request sent) shown to copy, and `message`:
    why nothing was saved, in words that fit any object out of reach."""
    kept = [text for text in texts if text.strip()]
    context = {"unsaved_texts": kept, "unsaved_message": message}
    return render(request, "404.html", context, status=404)
