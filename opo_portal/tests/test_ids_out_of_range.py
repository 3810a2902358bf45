"""An id no row can have is a 404, never a 500: the prepared reads (opo_portal/sql.py)
once failed with "bigint out of range" for /toestemming/kind/99999999999999999999/."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

BEYOND_BIGINT = str(2**63)  # one more than PostgreSQL's largest bigint
ROLES = ["parent_a", "teacher_a", "director_a", "board", "privacy_officer"]


def _routes(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _our_routes_with_ids() -> list[str]:
    routes = [r for r in _routes(get_resolver()) if "<id:" in r]
    return [
        "/" + re.sub(r"<slug:\w+>", "vlindertuin", re.sub(r"<id:\w+>", BEYOND_BIGINT, r))
        for r in routes
    ]


def test_our_urls_take_ids_through_the_id_converter():
    ours = [r for r in _routes(get_resolver()) if not r.startswith(("admin/", "accounts/"))]
    assert not [r for r in ours if "<int:" in r]
    assert len(_our_routes_with_ids()) >= 25


@pytest.mark.parametrize("who", ROLES)
def test_an_id_beyond_bigint_is_not_found_for_every_role(request, login, who):
    client = login(request.getfixturevalue(who))
    answers = {
        (method, path): getattr(client, method)(path).status_code
        for path in _our_routes_with_ids()
        for method in ("get", "post")
    }
    assert {key: status for key, status in answers.items() if status != 404} == {}


def test_the_largest_bigint_is_still_an_id(login, parent_a):
    """The converter refuses only what is beyond bigint: its maximum is an id that does
    not exist, a 404 from the view itself."""
    assert login(parent_a).get(f"/toestemming/kind/{2**63 - 1}/").status_code == 404
