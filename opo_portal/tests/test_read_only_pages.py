"""Pages that only show something answer a POST with 405 (Allow: GET, HEAD), before they
read anything, instead of the same page: a form pointed at the wrong address, or a request
replayed from elsewhere, is told it did nothing. Asked by someone who reaches each page,
so the 405 is the method's answer, not the reach's (test_out_of_reach.py asks the rest)."""

import pytest
from django.urls import reverse

from opo_portal.tests.test_out_of_reach import CASES, _ask
from opo_portal.tests.test_out_of_reach import world as world_fixture
from policy.models import ProtocolVersion

world = world_fixture

pytestmark = pytest.mark.django_db

# routes without an object, and one person each who may see them
WITHOUT_OBJECT = {
    "accounts:home_parent": "parent_a",
    "accounts:home_teacher": "teacher_a",
    "accounts:home_director": "director_a",
    "accounts:home_board": "board",
    "accounts:home_privacy": "privacy_officer",
    "accounts:home_none": "outsider",
    "consent:overview": "teacher_a",
    "consent:takedowns": "teacher_a",
    "consent:coverage_index": "director_a",
    "consent:my_children": "parent_a",
    "consent:my_data": "parent_a",
    "consent:my_data_json": "parent_a",
    "policy:current": "teacher_a",
    "policy:history": "teacher_a",
    "policy:diff_choose": "teacher_a",
    "policy:confirmations": "board",
    "policy:foundation_staff_csv": "board",
    "policy:foundation_staff_xlsx": "privacy_officer",
    "policy:drafts": "board",
}
# routes about an object that only show it, from the walk of test_out_of_reach.py
WITH_OBJECT = {
    row.route: row
    for row in CASES
    if row.methods == ("GET",)
    and not row.only
    and row.reach
    and row.route.startswith(("consent:", "policy:"))
    and row.route != "consent:check_new"  # the check before posting takes its form's POST
}


def _answers(client, user, path, query=None):
    client.force_login(user)
    return client.get(path, query or {}), _ask(client, "POST", path, query or {}, {})


@pytest.mark.parametrize("route", sorted(WITHOUT_OBJECT))
def test_a_page_without_an_object_refuses_a_post(client, world, route):
    shown, posted = _answers(client, world.users[WITHOUT_OBJECT[route]], reverse(route))
    assert shown.status_code == 200
    assert posted.status_code == 405, [t.name for t in posted.templates][:3]
    assert posted["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("route", sorted(WITH_OBJECT))
def test_a_page_about_an_object_refuses_a_post(client, world, route):
    row = WITH_OBJECT[route]
    kwargs, query, _form = row.url(world)
    who = world.users[sorted(row.reach)[0]]
    shown, posted = _answers(client, who, reverse(route, kwargs=kwargs or None), query)
    assert shown.status_code == 200
    assert posted.status_code == 405


def test_a_published_version_and_its_differences_refuse_a_post(client, world):
    first = ProtocolVersion.objects.order_by("number").first()
    paths = [
        reverse("policy:version", kwargs={"number": first.number}),
        reverse("policy:diff", kwargs={"old": first.number, "new": first.number}),
    ]
    for path in paths:
        shown, posted = _answers(client, world.users["teacher_a"], path)
        assert shown.status_code in (200, 302)
        assert posted.status_code == 405
