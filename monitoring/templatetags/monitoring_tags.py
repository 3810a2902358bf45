from django import template

from monitoring import services

register = template.Library()


@register.inclusion_tag("monitoring/includes/my_cases.html")
def my_cases(user):
    """The open monitoring cases assigned to this staff member, for their home page."""
    return {"my_cases": list(services.followups_assigned_to(user))}
