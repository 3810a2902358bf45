"""The menu's URLs, reversed once and remembered."""

from django.urls import reverse, set_script_prefix

from accounts.navigation import menu_url


def test_it_gives_the_same_url_as_reverse():
    assert menu_url("policy:current") == reverse("policy:current")
    assert menu_url("policy:current") == reverse("policy:current")  # remembered


def test_it_links_to_nothing_for_an_unknown_name():
    assert menu_url("no-such-page") == "#"


def test_it_follows_the_script_prefix():
    plain = menu_url("policy:current")
    set_script_prefix("/portaal/")
    try:
        assert menu_url("policy:current") == "/portaal" + plain
    finally:
        set_script_prefix("/")
