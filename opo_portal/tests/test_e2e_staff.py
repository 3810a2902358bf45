"""Browser journeys: staff log in with password and TOTP on a laptop."""

import pytest

from opo_portal.tests.e2e_support import DESKTOP, log_in_with_password_and_totp

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("cast", "home", "expected"),
    [
        ("teacher_a", "/start/leerkracht/", "groep 5"),
        ("director_a", "/start/directie/", "OBS De Vlindertuin"),
        ("board", "/start/bestuur/", "Stichting"),
        ("privacy_officer", "/start/privacy/", "Privacy"),
    ],
)
def test_it_logs_staff_in_with_password_and_totp(
    open_browser, request, verified_email, school_a, group_a1, cast, home, expected
):
    user = verified_email(request.getfixturevalue(cast))
    browser = open_browser(DESKTOP, f"staff-{cast.replace('_', '-')}")

    log_in_with_password_and_totp(browser, user)

    browser.wait_for_path(home)
    browser.check_page("home")
    assert expected in browser.text()
