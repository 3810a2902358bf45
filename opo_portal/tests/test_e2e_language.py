"""Browser journey: a parent who chose English signs in on a new phone (Dutch browser,
no language cookie) and reads English from the first page on."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from opo_portal.tests.e2e_support import PHONE
from opo_portal.tests.test_e2e_parent import log_in_by_code_with_keyboard

pytestmark = pytest.mark.e2e


def test_it_follows_a_parent_to_a_new_phone_in_the_language_they_chose(
    open_browser, parent_a, verified_email
):
    get_user_model().objects.filter(pk=parent_a.pk).update(language="en")
    verified_email(parent_a)
    browser = open_browser(PHONE, "parent-new-phone")
    browser.open("/accounts/login/")
    assert browser.find("html").get_attribute("lang") == "nl"  # who it is is not known yet

    log_in_by_code_with_keyboard(browser, parent_a)

    browser.wait_for_path("/start/ouder/")
    browser.check_page("home in English")
    assert browser.find("html").get_attribute("lang") == "en"
    assert "My children" in browser.text()
    assert browser.driver.get_cookie(settings.LANGUAGE_COOKIE_NAME)["value"] == "en"
