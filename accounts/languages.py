"""The language a person reads the portal's e-mails in: the one they chose with the
language switch while signed in (or had set on the login page when they signed in).
Whoever never chose reads Dutch (settings.LANGUAGE_CODE). E-mail duties read it when they
render, never from their payload: a choice made while a duty waits still counts."""

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


def e_mail_language(user_id: int) -> str:
    """The user's chosen language, or the portal's default when they never chose (or the
    account is gone)."""
    users = get_user_model().objects.filter(pk=user_id)
    chosen = users.values_list("language", flat=True).first()
    return chosen if is_offered(chosen) else settings.LANGUAGE_CODE


def in_language_of(user_id: int) -> translation.override:
    """Render an e-mail to `user_id` in the language they chose."""
    return translation.override(e_mail_language(user_id))
