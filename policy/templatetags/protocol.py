"""Cite an article of the social media protocol from any page.

    {% load protocol %}
    {% cite_protocol "communiceren-2" %}

renders a link to that article's anchor on the protocol page. Labels come from the
section headings of the shipped text (read once per process), so citing costs no query.
"""

from functools import cache

from django import template
from django.utils.html import format_html

from accounts.navigation import url_for
from policy.text import load_seed

register = template.Library()


@cache
def _section_headings() -> dict[str, str]:
    return {section["slug"]: section["heading"] for section in load_seed()["sections"]}


def article_label(anchor: str) -> str:
    """'communiceren-2' -> 'COMMUNICEREN 2'; 'goed-om-te-weten' -> 'Goed om te weten'."""
    headings = _section_headings()
    head, _, number = anchor.rpartition("-")
    if anchor in headings:
        return headings[anchor]
    if number.isdigit() and head in headings:
        return f"{headings[head]} {number}"
    if number.isdigit():
        return f"{head.replace('-', ' ').upper()} {number}"
    return anchor.replace("-", " ").capitalize()


@register.simple_tag
def cite_protocol(anchor: str, label: str = "") -> str:
    url = url_for("policy:current") + "#" + anchor  # reversed once (pages cite twice)
    return format_html(
        '<a class="protocol-cite" href="{}">{} {}</a>',
        url,
        "Protocol",
        label or article_label(anchor),
    )
