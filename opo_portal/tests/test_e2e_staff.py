"""Browser journeys: staff log in with password and TOTP on a laptop."""

import pytest

from opo_portal.tests.e2e_support import DESKTOP, Browser, current_totp_code

pytestmark = pytest.mark.e2e


def log_in_with_password_and_totp(browser: Browser, user) -> None:
    browser.open("/accounts/login/")
    browser.find("input[name=login]").send_keys(user.email)
    browser.find("input[name=password]").send_keys("correct horse 42")
    browser.find("form[action='/accounts/login/'] button[type=submit]").click()
    browser.wait_for_path("/accounts/2fa/authenticate/")
    browser.check_page("totp")
    browser.find("input[name=code]").send_keys(current_totp_code(user))
    browser.find("form[action='/accounts/2fa/authenticate/'] button[type=submit]").click()


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
