"""Menu entries and citations of the protocol from other pages."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts.navigation import navigation_for


def test_it_shows_the_protocol_to_anonymous_visitors(client, v1):
    from django.contrib.auth.models import AnonymousUser

    names = [item["name"] for item in navigation_for(AnonymousUser())]
    assert names == ["policy:current"]


@pytest.mark.parametrize(
    ("cast_member", "confirmations", "drafts"),
    [
        ("parent_a", False, False),
        ("teacher_a", False, False),
        ("director_a", True, False),
        ("board", True, True),
        ("privacy_officer", True, False),
    ],
)
def test_it_shows_policy_menu_entries_by_role(request, cast_member, confirmations, drafts):
    names = {item["name"] for item in navigation_for(request.getfixturevalue(cast_member))}
    assert "policy:current" in names
    assert ("policy:confirmations" in names) is confirmations
    assert ("policy:drafts" in names) is drafts


def test_it_links_a_citation_to_an_anchor_on_the_protocol_page(client, v1):
    html = Template('{% load protocol %}{% cite_protocol "communiceren-2" %}').render(Context())
    assert f'href="{reverse("policy:current")}#communiceren-2"' in html
    assert 'id="communiceren-2"' in client.get(reverse("policy:current")).content.decode()


@pytest.mark.parametrize(
    ("anchor", "label"),
    [
        ("communiceren-2", "COMMUNICEREN 2"),
        ("profileren-4", "PROFILEREN 4"),
        ("goed-om-te-weten", "Goed om te weten"),
        ("goed-om-te-weten-3", "Goed om te weten 3"),
        ("nieuw-onderdeel-1", "NIEUW ONDERDEEL 1"),
    ],
)
def test_it_labels_citations_by_section_heading(anchor, label):
    from policy.templatetags.protocol import article_label

    assert article_label(anchor) == label


def test_it_cites_without_a_database_query(db, django_assert_num_queries):
    template = Template('{% load protocol %}{% cite_protocol "profileren-3" %}')
    with django_assert_num_queries(0):
        template.render(Context())


def test_the_follow_up_case_page_cites_profileren_2_and_3(login, director_a, school_a, v1):
    """Issue 3: monitoring follow-up cites PROFILEREN 2-3 (listen, then talk in person
    rather than answer online), where the director handles the case, not only on the
    privacy page."""
    from monitoring.tests.helpers import make_case

    case = make_case(school_a)
    html = login(director_a).get(reverse("monitoring:case", args=[case.pk])).content.decode()
    protocol = reverse("policy:current")
    assert f'href="{protocol}#profileren-2"' in html
    assert f'href="{protocol}#profileren-3"' in html
