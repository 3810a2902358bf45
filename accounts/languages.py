"""The language a person reads the portal in: the one they chose with the language switch
while signed in (or had set on the login page when they signed in). Whoever never chose
reads Dutch (settings.LANGUAGE_CODE). E-mail duties read it when they render, never from
their payload: a choice made while a duty waits still counts. Pages follow it on a browser
that has no language cookie yet (SavedLanguageMiddleware); a browser's cookie wins."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from accounts.user_cache import forget_user


def is_offered(code: str | None) -> bool:
    return code in dict(settings.LANGUAGES)


def language_remember(user_id: int, code: str | None) -> None:
    """Store `code` as the user's choice; a language the portal does not speak is ignored."""
    if not is_offered(code):
        return
    users = get_user_model().objects.filter(pk=user_id).exclude(language=code)
    if users.update(language=code):
        forget_user(user_id)  # the cached request.user carries the old choice


def saved_language(user) -> str | None:
    """The language `user` chose, None when they never chose (or are not signed in)."""
    chosen = getattr(user, "language", None) if user.is_authenticated else None
    return chosen if is_offered(chosen) else None


def e_mail_language(user_id: int) -> str:
    """The user's chosen language, or the portal's default when they never chose (or the
    account is gone)."""
    users = get_user_model().objects.filter(pk=user_id)
    chosen = users.values_list("language", flat=True).first()
    return chosen if is_offered(chosen) else settings.LANGUAGE_CODE


def in_language_of(user_id: int) -> translation.override:
    """Render an e-mail to `user_id` in the language they chose."""
    return translation.override(e_mail_language(user_id))


class SavedLanguageMiddleware:
    """A signed-in person on a browser without the language cookie (a new browser, or the
    login that just happened on it) reads the pages in their saved language, and the
    cookie is set so the browser keeps it. A cookie the browser has, or the switch's own
    answer, always wins. Logging out takes the cookie of a saved language away: the next
    person on a shared browser would read it, and have it saved as theirs at login
    (accounts.signals). After AuthenticationMiddleware: request.user is cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        has_cookie = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        before = saved_language(request.user)
        if before is not None and not has_cookie:
            translation.activate(before)
            request.LANGUAGE_CODE = before
        response = self.get_response(request)
        if settings.LANGUAGE_COOKIE_NAME in response.cookies:
            return response  # the switch answered
        after = saved_language(request.user)  # a login or a logout during this request
        if after is not None and not has_cookie:
            _set_cookie(response, after)
        elif before is not None and has_cookie and not request.user.is_authenticated:
            _delete_cookie(response)
        return response


def _set_cookie(response, code: str) -> None:
    """As django.views.i18n.set_language sets it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _delete_cookie(response) -> None:
    response.delete_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
