from django import template

from accounts.navigation import url_for

register = template.Library()


@register.simple_tag(name="url_for")
def url_for_tag(url_name: str) -> str:
    """{% url name %} for a URL without arguments, reversed once (the base page's links)."""
    return url_for(url_name)
