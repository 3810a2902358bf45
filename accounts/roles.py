"""The role a user lands as after login, and whether they must use TOTP."""

from schools.access import is_staff_member, roles_of
from schools.models import StaffMembership

Role = StaffMembership.Role

# The first role a user holds in this order decides their home page.
HOME_BY_ROLE = [
    (Role.BOARD, "accounts:home_board"),
    (Role.PRIVACY_OFFICER, "accounts:home_privacy"),
    (Role.DIRECTOR, "accounts:home_director"),
    (Role.TEACHER, "accounts:home_teacher"),
    ("parent", "accounts:home_parent"),
]


def home_url_name(user) -> str:
    roles = roles_of(user)
    for role, url_name in HOME_BY_ROLE:
        if role in roles:
            return url_name
    return "accounts:home_none"


def requires_mfa(user) -> bool:
    """Staff roles and admin users must set up TOTP before they reach pupil data."""
    return user.is_authenticated and (user.is_staff or user.is_superuser or is_staff_member(user))


def offers_login_code_app(user) -> bool:
    """Whether "Mijn account" links to the login code app (TOTP) and recovery codes:
    for those who must use it, and for anyone who set one up (to see or switch it off).
    Parents log in with a password or an e-mailed code; the app is not pushed on them."""
    from allauth.mfa.models import Authenticator

    return requires_mfa(user) or Authenticator.objects.filter(user=user).exists()


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
