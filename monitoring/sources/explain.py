"""What a failed fetch means, in words for the board (the stored error is technical)."""

import re

from django.utils.translation import gettext as _

UNREADABLE = (
    r"unsafe XML|malformed XML|not an RSS or Atom|not valid JSON|unexpected|without '|JSON list"
)

# (pattern on the stored error text, explanation key); the first match wins.
_EXPLANATIONS = (
    (r"HTTP (401|403)\b", "refused"),
    (r"Bluesky (search needs|login returned)", "bluesky_login"),
    (r"HTTP 429\b", "rate_limited"),
    (r"HTTP (404|410)\b", "gone"),
    (r"HTTP 5\d\d\b", "server_error"),
    (r"HTTP \d{3}\b", "http"),
    (r"^unexpected error\b", "bug"),
    (r"^timeout\b", "timeout"),
    (r"^network error\b|cannot resolve host", "unreachable"),
    (r"adres niet toegestaan", "not_allowed"),
    (r"^invalid address$", "invalid"),
    (r"more than \d+ redirects", "redirects"),
    (r"from https to http", "insecure_redirect"),
    (r"response larger than", "too_large"),
    (UNREADABLE, "unreadable"),
    (r"^interrupted$", "interrupted"),
)


def _sentences() -> dict[str, str]:
    again = _("The portal tries again by itself.")
    check = _("Check the address.")
    return {
        "refused": _("The source refuses the portal access.") + " " + check,
        "bluesky_login": _("Searching Bluesky needs an app password: ask the IT partner."),
        "rate_limited": _("The source asked the portal to come back later.") + " " + again,
        "gone": _("The address no longer exists at the source.") + " " + check,
        "server_error": _("The source has a fault on its side.") + " " + again,
        "http": _("The source answered with an error.") + " " + check,
        "bug": _("The portal could not process what the source sent: tell the IT partner."),
        "timeout": _("The source did not answer in time.") + " " + again,
        "unreachable": _("The source could not be reached.") + " " + again,
        "not_allowed": _("The address is on a network the portal may not reach.") + " " + check,
        "invalid": _("The address is not one a web address can be.") + " " + check,
        "redirects": _("The source sends the portal on and on to other addresses.") + " " + check,
        "insecure_redirect": _(
            "The source sends the portal on from a secure (https) address to an insecure "
            "(http) one."
        )
        + " "
        + check,
        "too_large": _("The source sent more than the portal reads at once."),
        "unreadable": _("What the source sent is not a feed the portal can read.") + " " + check,
        "interrupted": _("The fetch was interrupted, for example by a restart.") + " " + again,
    }


def fetch_error_explained(error: str) -> str:
    """A sentence for the board about the stored error `error`; "" when there is none."""
    if not error:
        return ""
    for pattern, key in _EXPLANATIONS:
        if re.search(pattern, error):
            return _sentences()[key]
    return _("The fetch failed; the technical detail helps the IT partner.")
