from django.conf import settings
from django.utils.module_loading import import_string

from accounts import page_scalars
from accounts.navigation import navigation_for


def navigation(request) -> dict:
    """Menu items for the user's roles, and banners the apps want on every page.

    Each entry of settings.PORTAL_BANNER_PROVIDERS is a function(request) returning a
    list of {"text", "url", "link_text"} dicts, so apps add banners without this app
    importing them. The numbers both show come from one query (accounts.page_scalars).
    """
    if not hasattr(request, "user"):
        # An error page for a request stopped before authentication (a bad Host: 400).
        return {"nav_items": [], "site_banners": []}
    banners = []
    for dotted_path in settings.PORTAL_BANNER_PROVIDERS:
        banners.extend(import_string(dotted_path)(request))
    scalars = page_scalars.for_request(request)
    return {"nav_items": navigation_for(request.user, scalars), "site_banners": banners}
