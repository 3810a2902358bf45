"""The menu each role sees. Apps add their entries here, by URL name."""

from collections.abc import Mapping

from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from accounts import page_scalars
from schools.access import roles_of

# (label, url name, roles that see it; "any" means every logged-in user)
NAV_ITEMS = [
    (_("Home"), "home", {"any"}),
    (_("Protocol"), "policy:current", {"any", "public"}),
    (_("Import pupils"), "schools:import_pupils", {"director", "board"}),
    # policy: who confirmed the protocol (directors, board, privacy officer) and drafting new
    # versions (board)
    (_("Protocol confirmations"), "policy:confirmations", {"director", "board", "privacy_officer"}),
    (_("Protocol drafts"), "policy:drafts", {"board"}),
    (_("Photo check"), "photo:check", {"teacher", "director"}),
    # consent
    (_("Consent"), "consent:my_children", {"parent"}),
    (_("My data"), "consent:my_data", {"parent"}),
    (_("Class overview"), "consent:overview", {"teacher", "director", "board"}),
    (_("Check before posting"), "consent:check_new", {"teacher", "director"}),
    (_("Consent coverage"), "consent:coverage_index", {"director", "board", "privacy_officer"}),
    (_("Purposes"), "consent:purposes", {"board"}),
]


def navigation_for(user, scalars: Mapping[str, object] | None = None) -> list[dict]:
    """The user's menu; badges from `scalars` (accounts.page_scalars, read when not given)."""
    if not user.is_authenticated:
        return [_link(label, name) for label, name, roles in NAV_ITEMS if "public" in roles]
    roles = roles_of(user) | {"any"}
    items = [_link(label, name) for label, name, allowed in NAV_ITEMS if roles & allowed]
    for item in items:
        if item["name"] in NAV_BADGES:
            if scalars is None:
                scalars = page_scalars.values(user)
            item["badge"] = scalars.get(NAV_BADGES[item["name"]]) or 0
    return items


def _link(label, url_name) -> dict:
    return {"label": label, "url": menu_url(url_name), "name": url_name}


# (resolver, script prefix, url name) -> path. The menu's dozen reverse() calls were a
# tenth of a millisecond each on every page; a URL without arguments only changes with the
# URLconf (a new resolver after clear_url_caches) or the script prefix, both in the key.
_URLS: dict[tuple, str] = {}


def url_for(url_name: str) -> str:
    """reverse(url_name) of a URL without arguments, remembered (NoReverseMatch as ever)."""
    key = (get_resolver(get_urlconf()), get_script_prefix(), url_name)
    url = _URLS.get(key)
    if url is None:
        url = reverse(url_name)
        if len(_URLS) > 1000:  # resolvers replaced by tests' URLconfs
            _URLS.clear()
        _URLS[key] = url
    return url


def menu_url(url_name: str) -> str:
    """url_for(url_name), or "#" for a page that does not exist (an app left out)."""
    try:
        return url_for(url_name)
    except NoReverseMatch:
        return "#"


# Monitoring (monitoring app)
NAV_ITEMS += [
    (_("Monitoring"), "monitoring:dashboard", {"director", "board", "privacy_officer"}),
    (_("Report a post"), "monitoring:report_post", {"teacher"}),
    (_("Social media and privacy"), "monitoring:privacy", {"parent"}),
]


# Counts shown next to a menu item: url name -> name of a page scalar (settings.
# PORTAL_PAGE_SCALARS, accounts.page_scalars), so this app does not import the apps that
# own the counts.
NAV_BADGES: dict[str, str] = {}

# consent (issue 12): takedown tasks are in the menu, with the number still open
NAV_ITEMS += [(_("Take down"), "consent:takedowns", {"teacher", "director"})]
NAV_BADGES["consent:takedowns"] = "open_takedowns"
