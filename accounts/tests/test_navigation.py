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


def test_it_reverses_the_base_pages_links_as_the_url_tag_does():
    import pytest
    from django.template import Context, Template
    from django.urls import NoReverseMatch

    from accounts.navigation import url_for

    for name in ("home", "account_email", "account_logout", "account_login", "set_language"):
        tag = Template("{% load navigation %}{% url_for name %}").render(Context({"name": name}))
        assert tag == url_for(name) == reverse(name)
    with pytest.raises(NoReverseMatch):
        url_for("no-such-page")
