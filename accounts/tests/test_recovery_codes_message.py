"""The message shown when recovery codes are made says "gemaakt"/"made", as the e-mail
about them and the page's own button ("Nieuwe codes maken") do; allauth's "gegenereerd"
showed on every first TOTP set-up (found walking the demo as its teacher, 2026-12-07)."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Er zijn nieuwe herstelcodes voor uw account gemaakt."),
        ("en", "New recovery codes have been made for your account."),
    ],
)
def test_it_says_the_codes_were_made(language, expected):
    with translation.override(language):
        text = render_to_string("mfa/messages/recovery_codes_generated.txt").strip()

    assert text == expected
