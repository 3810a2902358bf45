"""How a page names people: by their name, and by their address beside it only where the
name alone does not tell them apart."""

from collections.abc import Iterable


def namesakes(people: Iterable) -> set[int]:
    """The ids of the named users whose name another of `people` bears too.

    A page passes everyone it names (parents and staff alike: the reader cannot tell a
    parent from a staff member by their name either); only these get their e-mail address
    beside the name (the `person` filter, accounts.templatetags.people). Most names on a
    page differ, and an address on every row would widen a table and repeat personal data
    without telling the reader anything; for two "J. de Vries" the address is the one
    thing that tells them apart. Names compare without case and extra spaces; a user
    listed twice is one person, a user without a name is named by their address anyway.
    """
    names: dict[str, set[int]] = {}
    for user in people:
        name = " ".join(user.full_name.split()).casefold()
        if name:
            names.setdefault(name, set()).add(user.pk)
    return {pk for ids in names.values() if len(ids) > 1 for pk in ids}
