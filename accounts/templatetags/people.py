"""A person as a page names them (accounts.names)."""

from django import template

register = template.Library()


@register.simple_tag
def person(user, namesakes=None) -> str:
    """{% person task.done_by namesakes %} (or `... as name` for a sentence): the user's
    name, with their address beside it when they are among the page's `namesakes`
    (accounts.names.namesakes), or their address when they have no name. A tag, not a
    filter: an include shared with a page without `namesakes` (the check's page) then
    names by name only, where a filter's missing argument is an error."""
    if not user.full_name:
        return user.email
    if namesakes and user.pk in namesakes:
        return f"{user.full_name} ({user.email})"
    return user.full_name
