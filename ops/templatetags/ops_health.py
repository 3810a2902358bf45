from django import template

from ops.health import stale_parts

register = template.Library()


@register.inclusion_tag("includes/service_status.html")
def service_status():
    """A warning on the board home when the worker or beat stopped (two Redis reads)."""
    return {"problems": stale_parts()}
