"""Cite an article of the social media protocol from any page.

    {% load protocol %}
    {% cite_protocol "communiceren-2" %}

renders a link to that article's anchor on the protocol page.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


def article_label(anchor: str) -> str:
    """'communiceren-2' -> 'COMMUNICEREN 2'; 'goed-om-te-weten' -> 'Goed om te weten'."""
    head, _, number = anchor.rpartition("-")
    if number.isdigit():
        return f"{head.replace('-', ' ').upper()} {number}"
    return anchor.replace("-", " ").capitalize()


@register.simple_tag
def cite_protocol(anchor: str, label: str = "") -> str:
    url = reverse("policy:current") + "#" + anchor
    return format_html(
        '<a class="protocol-cite" href="{}">{} {}</a>',
        url,
        "Protocol",
        label or article_label(anchor),
    )
