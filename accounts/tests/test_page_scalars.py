"""The numbers every page shows about the user (menu badges, banners): one query a page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import page_scalars
from policy.models import ProtocolVersion
from schools.access import is_staff_member


def test_it_reads_every_number_for_staff_in_one_query(teacher_a, django_assert_num_queries):
    is_staff_member(teacher_a)  # memberships: loaded once per request, shared with the menu
    # 1. SELECT (current protocol version unless confirmed), (open takedown tasks)
    with django_assert_num_queries(1):
        found = page_scalars.values(teacher_a)
    current = ProtocolVersion.objects.filter(status="published").order_by("-number").first()
    assert found == {"unread_protocol": current.number, "open_takedowns": 0}


def test_it_reads_nothing_for_a_parent(parent_a, django_assert_num_queries):
    is_staff_member(parent_a)
    with django_assert_num_queries(0):
        assert page_scalars.values(parent_a) == {}


def test_it_reads_once_per_request(rf, teacher_a, django_assert_num_queries):
    request = rf.get("/")
    request.user = teacher_a
    is_staff_member(teacher_a)
    with django_assert_num_queries(1):
        first = page_scalars.for_request(request)
        assert page_scalars.for_request(request) is first


def test_it_gives_the_page_the_banner_and_the_menu_from_one_query(login, teacher_a, settings):
    settings.DATABASE_PREPARED_READS = False  # the query's text, not EXECUTE of a statement
    client = login(teacher_a)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("consent:overview")).content.decode()
    [query] = [q["sql"] for q in captured.captured_queries if "consent_takedowntask" in q["sql"]]
    assert "policy_acknowledgement" in query  # the banner's number, in the same query
    assert 'class="banner"' in page
    assert reverse("consent:takedowns") in page
