"""The one filter every template uses to turn an outside URL into an href.

    {% load outside_links %}
    {% with link=post.url|outside_url %}{% if link %}<a href="{{ link }}">…</a>{% endif %}
    {% endwith %}

Anything but an absolute http(s) URL becomes "", so no stored value can become a
`javascript:` or `data:` link, whatever was stored before the check existed.
"""

from django import template

from monitoring.sources.base import http_url_or_empty

register = template.Library()


@register.filter
def outside_url(value) -> str:
    return http_url_or_empty(str(value) if value else "")
