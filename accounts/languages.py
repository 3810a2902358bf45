"""The language a person reads the portal in: the one they chose with the language switch
while signed in (or had set on the login page when they signed in). Whoever never chose
reads Dutch (settings.LANGUAGE_CODE). E-mail duties read it when they render, never from
their payload: a choice made while a duty waits still counts. Pages follow it on every
browser where no other language was chosen with the switch (SavedLanguageMiddleware)."""

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
    return chosen if chosen is not None and is_offered(chosen) else settings.LANGUAGE_CODE


def in_language_of(user_id: int) -> translation.override:
    """Render an e-mail to `user_id` in the language they chose."""
    return translation.override(e_mail_language(user_id))


# Says that the browser's language cookie was set from an account, not chosen on it.
FROM_ACCOUNT_COOKIE = "opo_language_from_account"


def cookie_is_a_choice(request) -> bool:
    """Whether the request's language cookie was chosen with the switch on this browser
    (and is the person's choice when they sign in: accounts.signals)."""
    return _language_cookie(request) is not None and not request.COOKIES.get(FROM_ACCOUNT_COOKIE)


def _language_cookie(request) -> str | None:
    """The cookie's language; None for none, a deleted one (empty) or one not offered."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return code if is_offered(code) else None


class SavedLanguageMiddleware:
    """The saved choice follows the person. A browser whose language cookie was not chosen
    there (none yet, or one set from an account) shows a signed-in person their saved
    language and keeps it in the cookie, marked as set from the account. A cookie chosen
    with the switch on the browser always wins; using the switch takes the mark away.

    At a login on a browser whose cookie came from an account (a shared computer), the
    cookie becomes the new person's: their saved language, or no cookie at all when they
    never chose, so they read Dutch and nobody else's choice is saved as theirs. Logging
    out leaves the cookie: the login page stays in the language of whoever was there.
    After AuthenticationMiddleware: request.user is cached, so this asks no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if cookie_is_a_choice(request):
            return self.get_response(request)
        was_signed_in = request.user.is_authenticated
        saved = saved_language(request.user)
        if saved is not None:
            translation.activate(saved)
            request.LANGUAGE_CODE = saved
        response = self.get_response(request)
        if settings.LANGUAGE_COOKIE_NAME in response.cookies:  # the switch answered
            _forget_the_account_mark(request, response)
        else:
            _follow_the_account(request, response, was_signed_in=was_signed_in)
        return response


def _follow_the_account(request, response, *, was_signed_in: bool) -> None:
    """Keep the cookie the signed-in person's, also after a login or a logout."""
    cookie = _language_cookie(request)
    saved = saved_language(request.user)
    just_signed_in = request.user.is_authenticated and not was_signed_in
    if saved is not None and saved != cookie:
        _set_cookie(response, settings.LANGUAGE_COOKIE_NAME, saved)
        _set_cookie(response, FROM_ACCOUNT_COOKIE, "1")
    elif saved is None and cookie is not None and just_signed_in:
        # someone who never chose, signed in after someone who did
        _delete_cookie(response, settings.LANGUAGE_COOKIE_NAME)
        _delete_cookie(response, FROM_ACCOUNT_COOKIE)


def _forget_the_account_mark(request, response) -> None:
    if request.COOKIES.get(FROM_ACCOUNT_COOKIE):
        _delete_cookie(response, FROM_ACCOUNT_COOKIE)


def _set_cookie(response, name: str, value: str) -> None:
    """As django.views.i18n.set_language sets the language cookie."""
    response.set_cookie(
        name,
        value,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _delete_cookie(response, name: str) -> None:
    response.delete_cookie(
        name,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
