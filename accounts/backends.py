"""Django's and allauth's authentication backends, with the per-request user from the cache.

Only get_user (the user of a session, once per request) changes: authenticate() is theirs.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from accounts.user_cache import load_user


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class AuthenticationBackend(ModelBackend, AllauthBackend):
    """allauth's authenticate() (login by e-mail), the cached get_user above."""
