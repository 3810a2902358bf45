"""Who reaches which page: anyone reads; only board staff draft and publish; directors see
only their own school's confirmation list; everything out of reach is a 404."""

import pytest
from django.urls import reverse

from policy import services
from policy.models import Article, ProtocolVersion
from policy.tests.conftest import edit_one_article

ROLES = [
    "anonymous",
    "parent_a",
    "teacher_a",
    "director_a",
    "director_b",
    "board",
    "privacy_officer",
    "outsider",
]
LOGIN = "login"  # anonymous visitors are sent to the login page


@pytest.fixture
def world(v1, board, school_a, school_b, parent_a, teacher_a, director_a, director_b):
    """Version 1 published, a draft of version 2, and the cast."""
    draft = services.version_draft_start(by=board)
    return {
        "draft": draft,
        "section": draft.sections.get(slug="leren"),
        "article": draft.articles.get(anchor="leren-4"),
    }


def client_for(request, client, login, role):
    if role == "anonymous":
        return client
    return login(request.getfixturevalue(role))


def check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


READ_PAGES = [
    ("policy:current", {}),
    ("policy:history", {}),
    ("policy:diff", {"old": 1, "new": 1}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_it_lets_anyone_read_the_protocol(request, client, login, world, role, name, kwargs):
    response = client_for(request, client, login, role).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_anyone_read_an_earlier_version(request, client, login, world, board, role):
    edit_one_article(world["draft"])
    services.version_update_summary(version=world["draft"], summary="Nieuw.")
    services.version_publish(version=world["draft"], by=board)
    response = client_for(request, client, login, role).get(reverse("policy:version", args=[1]))
    assert response.status_code == 200
    assert 'id="communiceren-2"' in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_it_hides_drafts_from_the_public_version_pages(request, client, login, world, role):
    c = client_for(request, client, login, role)
    assert c.get(reverse("policy:version", args=[2])).status_code == 404
    assert c.get(reverse("policy:diff", args=[1, 2])).status_code == 404


CONFIRM_EXPECTED = {
    "anonymous": LOGIN,
    "parent_a": 302,
    "teacher_a": 302,
    "director_a": 302,
    "director_b": 302,
    "board": 302,
    "privacy_officer": 302,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_staff_and_parents_confirm(request, client, login, world, role):
    response = client_for(request, client, login, role).post(
        reverse("policy:confirm"), {"version": 1}
    )
    check(response, CONFIRM_EXPECTED[role])
    if CONFIRM_EXPECTED[role] == 302:
        assert response.url == reverse("policy:current") + "#bevestigen"


OVERVIEW_EXPECTED = {
    "anonymous": LOGIN,
    "parent_a": 404,
    "teacher_a": 404,
    "director_a": 200,
    "director_b": 200,
    "board": 200,
    "privacy_officer": 200,
    "outsider": 404,
}
SCHOOL_A_LIST_EXPECTED = {**OVERVIEW_EXPECTED, "director_b": 404}


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_the_confirmation_overview_to_directors_and_board(
    request, client, login, world, role
):
    response = client_for(request, client, login, role).get(reverse("policy:confirmations"))
    check(response, OVERVIEW_EXPECTED[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["policy:confirmation_list", "policy:confirmation_csv"])
def test_it_shows_a_school_list_only_to_its_director_and_board(
    request, client, login, world, role, name
):
    response = client_for(request, client, login, role).get(reverse(name, args=["vlindertuin"]))
    check(response, SCHOOL_A_LIST_EXPECTED[role])


def test_it_lists_only_the_directors_own_schools_in_the_overview(login, world, director_b):
    page = login(director_b).get(reverse("policy:confirmations")).content.decode()
    assert reverse("policy:confirmation_list", args=["zwanenhof"]) in page
    assert reverse("policy:confirmation_list", args=["vlindertuin"]) not in page


def test_it_answers_404_for_a_school_that_does_not_exist(login, world, board):
    response = login(board).get(reverse("policy:confirmation_list", args=["bestaat-niet"]))
    assert response.status_code == 404


def board_pages(world):
    number, section, article = world["draft"].number, world["section"].pk, world["article"].pk
    return [
        ("get", reverse("policy:drafts")),
        ("post", reverse("policy:draft_start")),
        ("get", reverse("policy:draft_edit", args=[number])),
        ("post", reverse("policy:draft_edit", args=[number])),
        ("get", reverse("policy:draft_preview", args=[number])),
        ("get", reverse("policy:section_add", args=[number])),
        ("get", reverse("policy:section_edit", args=[number, section])),
        ("post", reverse("policy:section_edit", args=[number, section])),
        ("post", reverse("policy:section_remove", args=[number, section])),
        ("get", reverse("policy:article_add", args=[number, section])),
        ("post", reverse("policy:article_add", args=[number, section])),
        ("get", reverse("policy:article_edit", args=[number, article])),
        ("post", reverse("policy:article_edit", args=[number, article])),
        ("post", reverse("policy:article_remove", args=[number, article])),
        ("post", reverse("policy:draft_publish", args=[number])),
        ("post", reverse("policy:draft_discard", args=[number])),
    ]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "board"])
def test_it_hides_every_drafting_page_from_everyone_but_board(request, client, login, world, role):
    c = client_for(request, client, login, role)
    before = list(Article.objects.values_list("pk", "text"))
    for method, url in board_pages(world):
        response = getattr(c, method)(url, {"text": "Anders.", "heading": "Anders", "summary": "x"})
        check(response, LOGIN if role == "anonymous" else 404)
    assert list(Article.objects.values_list("pk", "text")) == before
    assert ProtocolVersion.objects.drafts().count() == 1


def test_it_lets_board_reach_every_drafting_page(login, world, board):
    c = login(board)
    for method, url in board_pages(world):
        response = getattr(c, method)(url)
        assert response.status_code in (200, 302), (method, url)


@pytest.mark.parametrize("role", ["anonymous", "director_a", "board"])
def test_it_says_so_when_no_version_is_published_yet(request, client, login, school_a, role):
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses to delete the published version 1 (migration 0002)")
    ProtocolVersion.objects.all().delete()
    c = client_for(request, client, login, role)
    assert c.get(reverse("policy:current")).status_code == 200
    if role != "anonymous":
        assert c.get(reverse("policy:confirmations")).status_code == 200
        assert c.get(reverse("policy:confirmation_list", args=["vlindertuin"])).status_code == 404


def test_it_shows_a_privacy_officer_who_directs_a_school_too_every_school_s_list(
    login, world, privacy_officer, school_b
):
    """The lists change nothing: the privacy officer reads every school's, also when
    directing school B (who confirmed the protocol is part of their audit)."""
    from schools.models import StaffMembership

    StaffMembership.objects.create(
        user=privacy_officer, role=StaffMembership.Role.DIRECTOR, school=school_b
    )
    client = login(privacy_officer)
    for name in ("policy:confirmation_list", "policy:confirmation_csv"):
        assert client.get(reverse(name, args=["vlindertuin"])).status_code == 200
        assert client.get(reverse(name, args=["zwanenhof"])).status_code == 200
    page = client.get(reverse("policy:confirmations")).content.decode()
    assert reverse("policy:confirmation_list", args=["zwanenhof"]) in page
    assert reverse("policy:confirmation_list", args=["vlindertuin"]) in page
    assert 'id="foundation-staff-title"' in page  # board staff and privacy officers too
