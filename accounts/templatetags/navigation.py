from django import template
from django.conf import settings
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from accounts.navigation import url_for
from accounts.roles import offers_login_code_app, requires_mfa

register = template.Library()


@register.simple_tag(name="url_for")
def url_for_tag(url_name: str) -> str:
    """{% url name %} for a URL without arguments, reversed once (the base page's links)."""
    return url_for(url_name)


@register.filter
def may_add_an_address(user) -> bool:
    """{% if user|may_add_an_address %}: allauth refuses a new address on an account with
    a login code app or recovery codes (allauth.mfa.signals.on_add_email), by this test."""
    from allauth.mfa.utils import is_mfa_enabled

    return not is_mfa_enabled(user)


@register.filter
def uses_login_code_app(user) -> bool:
    """{% if user|uses_login_code_app %}: see accounts.roles.offers_login_code_app."""
    return offers_login_code_app(user)


@register.filter
def must_use_login_code_app(user) -> bool:
    """{% if user|must_use_login_code_app %}: staff (accounts.roles.requires_mfa); a parent
    who sets the app up does so by choice."""
    return requires_mfa(user)


NAV_LINK = '<li><a href="{}"{}>{}{}</a></li>'
NAV_BADGE = ' <span class="badge">{}<span class="visually-hidden"> {}</span></span>'


@register.simple_tag(takes_context=True)
def nav_links(context, items, path):
    """The menu's <li>s as base.html's loop wrote them (every page has a menu: the loop's
    variable lookups were a tenth of a staff page's rendering)."""
    html = []
    for item in items:
        url = item["url"]
        current = ' aria-current="page"' if path == url else ""
        badge = ""
        if item.get("badge"):
            badge = NAV_BADGE.format(
                render_value_in_context(item["badge"], context), conditional_escape(gettext("open"))
            )
        label = render_value_in_context(item["label"], context)
        html.append(NAV_LINK.format(render_value_in_context(url, context), current, label, badge))
    # url, label and badge escaped as {{ }} would, "open" a translation
    return mark_safe("\n".join(html))  # noqa: S308


LANGUAGE_BUTTON = '<button type="submit" name="language" value="{}" lang="{}">{}</button>'


@register.simple_tag
def language_buttons(current):
    """The language switch's buttons, one per language but the current one."""
    html = []
    for code, _name in settings.LANGUAGES:
        if code != current:
            name = "English" if code == "en" else "Nederlands"
            escaped = conditional_escape(code)
            html.append(LANGUAGE_BUTTON.format(escaped, escaped, name))
    return mark_safe("\n".join(html))  # noqa: S308  (codes escaped, names fixed)
