"""Numbers about the signed-in user that every page shows (the menu's badges, the
banners), read together: one query per page, however many apps add one.

settings.PORTAL_PAGE_SCALARS maps a name to the dotted path of a function(user) that
returns (sql, params) for a query of at most one row of one column, or None where the
number does not concern this user. `values` runs them all as one SELECT of scalar
subqueries (a query without a row gives None). Each app keeps its own SQL; this app
imports none of them.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from opo_portal import sql


def values(user) -> dict[str, object]:
    """Every page scalar that concerns this user, by name. One query, none if none does."""
    parts, params, names = [], [], []
    for name, dotted_path in settings.PORTAL_PAGE_SCALARS.items():
        query = import_string(dotted_path)(user)
        if query is None:
            continue
        text, query_params = query
        parts.append(f"({text})")
        params.extend(query_params)
        names.append(name)
    if not parts:
        return {}
    # prepared: one statement per combination of scalars (a role's), planned once per
    # connection (opo_portal.sql)
    [row] = sql.fetch(sql.prepared("SELECT " + ", ".join(parts)), params)
    return dict(zip(names, row, strict=True))


def for_request(request) -> dict[str, object]:
    """`values` for the request's user, read once per request (banners and menu share it)."""
    found = getattr(request, "_page_scalars", None)
    if found is None:
        user = request.user
        found = values(user) if user.is_authenticated else {}
        request._page_scalars = found
    return found
