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


def test_it_walks_a_new_teacher_through_totp_set_up_on_a_phone(
    open_browser, verified_email, school_a, group_a1
):
    """First login: the password once, the set-up explained in Dutch, a numeric code
    field, the recovery codes and a clear way on to the start page."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from conftest import make_user
    from opo_portal.tests.e2e_support import CAST_PASSWORD, PHONE
    from schools.models import StaffMembership

    user = verified_email(make_user("nieuwe.juf@example.org", full_name="Nieuwe Juf"))
    membership = StaffMembership.objects.create(
        user=user, role=StaffMembership.Role.TEACHER, school=school_a
    )
    membership.groups.set([group_a1])
    browser = open_browser(PHONE, "first-login")
    browser.open("/accounts/login/")
    browser.check_page("login")
    assert "registreer" not in browser.text().lower()
    browser.find("input[name=login]").send_keys(user.email)
    browser.find("input[name=password]").send_keys(CAST_PASSWORD)
    browser.submit("form[action='/accounts/login/'] button[type=submit]")
    browser.wait_for_path("/accounts/2fa/totp/activate/")  # no second password prompt
    browser.check_page("totp-set-up")
    assert "Stap 1: installeer een app op uw telefoon" in browser.text()
    assert browser.find("img.totp-qr").get_attribute("naturalWidth") != "0"
    code_field = browser.find("input[name=code]")
    assert code_field.get_attribute("inputmode") == "numeric"
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    secret = browser.find("#totp-secret").text
    if 30 - time.time() % 30 < 5:
        time.sleep(30 - time.time() % 30 + 0.1)
    code_field.send_keys(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    browser.submit("main form button[type=submit]")
    browser.wait_for_path("/accounts/2fa/recovery-codes/")
    browser.check_page("recovery-codes")
    assert len(browser.find_all(".recovery-codes li")) >= 8
    with browser.new_page():
        browser.find("main a.button[href='/']").click()  # "continue to my start page"
    browser.wait_for_path("/start/leerkracht/")
    browser.check_page("home")
