"""Confirming having read the protocol: per version; the banner returns with a new version."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from accounts.languages import language_remember
from policy import services
from policy.banners import unread_protocol_banner
from policy.models import Acknowledgement
from policy.tests.conftest import publish_new_version
from schools.access import is_staff_member


def banner_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return unread_protocol_banner(request)


def test_it_shows_the_banner_to_staff_who_have_not_confirmed(v1, teacher_a):
    [banner] = banner_for(teacher_a)
    assert banner["url"] == reverse("policy:current") + "#bevestigen"
    assert "1" in banner["text"]


def test_it_hides_the_banner_once_confirmed(v1, teacher_a):
    services.acknowledgement_record(user=teacher_a, version=v1)
    assert banner_for(teacher_a) == []


def test_it_shows_the_banner_again_after_a_new_version_is_published(v1, teacher_a, board):
    services.acknowledgement_record(user=teacher_a, version=v1)
    services.acknowledgement_record(user=board, version=v1)
    publish_new_version(board, change={"communiceren-2": "Nieuwe tekst."})
    assert len(banner_for(teacher_a)) == 1
    assert len(banner_for(board)) == 1


@pytest.mark.parametrize("cast_member", ["teacher_a", "director_a", "board", "privacy_officer"])
def test_it_shows_the_banner_to_every_staff_role(request, v1, cast_member):
    assert len(banner_for(request.getfixturevalue(cast_member))) == 1


@pytest.mark.parametrize("cast_member", ["parent_a", "outsider"])
def test_it_shows_no_banner_to_people_who_are_not_staff(request, v1, cast_member):
    assert banner_for(request.getfixturevalue(cast_member)) == []


def test_it_shows_no_banner_to_anonymous_visitors(v1):
    from django.contrib.auth.models import AnonymousUser

    assert banner_for(AnonymousUser()) == []


def test_it_decides_the_banner_in_one_query(v1, teacher_a, django_assert_num_queries):
    is_staff_member(teacher_a)  # memberships: loaded once per request, shared with the menu
    # 1. SELECT the current version number unless this user confirmed it, with the
    #    menu's open takedown count (accounts.page_scalars)
    with django_assert_num_queries(1):
        banner_for(teacher_a)


def test_it_decides_the_banner_as_the_orm_query_would(v1, teacher_a, board):
    """The banner's query is written out in SQL (policy.banners.UNREAD_SQL); it answers
    what the ORM form answers, with a draft and confirmations of older versions around."""
    from policy.models import ProtocolVersion

    def orm(user):
        return (
            ProtocolVersion.objects.published()
            .with_confirmation_of(user)
            .order_by("-number")
            .values_list("number", "confirmed")
            .first()
        )

    services.acknowledgement_record(user=teacher_a, version=v1)
    v2 = publish_new_version(board)
    services.acknowledgement_record(user=board, version=v2)
    services.version_draft_start(by=board)  # a newer draft changes nothing
    assert orm(teacher_a) == (v2.number, False)
    [banner] = banner_for(teacher_a)
    assert f"(versie {v2.number})" in banner["text"]
    assert orm(board) == (v2.number, True)
    assert banner_for(board) == []


def test_it_shows_the_banner_on_every_page(v1, login, teacher_a):
    page = login(teacher_a).get(reverse("home"), follow=True).content.decode()
    assert 'class="banner"' in page
    assert reverse("policy:current") + "#bevestigen" in page


def test_it_keeps_confirmations_per_version(v1, teacher_a, board):
    services.acknowledgement_record(user=teacher_a, version=v1)
    v2 = publish_new_version(board)
    services.acknowledgement_record(user=teacher_a, version=v2)
    assert list(
        Acknowledgement.objects.filter(user=teacher_a)
        .order_by("version__number")
        .values_list("version__number", flat=True)
    ) == [1, 2]


def test_it_refuses_to_confirm_a_version_that_is_no_longer_current(v1, teacher_a, board):
    publish_new_version(board)
    with pytest.raises(ValidationError):
        services.acknowledgement_record(user=teacher_a, version=v1)


def test_it_keeps_the_first_confirmation_when_confirming_twice(v1, teacher_a):
    first = services.acknowledgement_record(user=teacher_a, version=v1)
    again = services.acknowledgement_record(user=teacher_a, version=v1)
    assert first.pk == again.pk
    assert Acknowledgement.objects.filter(user=teacher_a).count() == 1


@pytest.mark.parametrize("cast_member", ["teacher_a", "director_a", "parent_a", "board"])
def test_it_lets_staff_and_parents_confirm_with_the_button(request, v1, login, cast_member):
    user = request.getfixturevalue(cast_member)
    page = login(user).get(reverse("policy:current")).content.decode()
    assert f'action="{reverse("policy:confirm")}"' in page
    response = login(user).post(reverse("policy:confirm"), {"version": 1})
    assert response.status_code == 302
    assert Acknowledgement.objects.filter(user=user, version=v1).exists()
    page = login(user).get(reverse("policy:current")).content.decode()
    assert f'action="{reverse("policy:confirm")}"' not in page


def test_it_sends_who_confirms_an_old_version_to_the_newer_one(v1, login, teacher_a, board):
    """The page was read before version 2 was published: the confirmation of version 1 is
    not recorded, and the reader is sent to version 2 with a message saying it is newer
    (it said only "Alleen de huidige versie … kan worden bevestigd", as an error)."""
    publish_new_version(board)
    response = login(teacher_a).post(reverse("policy:confirm"), {"version": 1}, follow=True)
    assert response.redirect_chain == [(reverse("policy:current"), 302)]
    assert not Acknowledgement.objects.filter(user=teacher_a).exists()
    page = response.content.decode()
    assert (
        "Er is een nieuwere versie van het protocol: versie 2. Lees die hieronder; daarna "
        "kunt u bevestigen dat u die hebt gelezen."
    ) in page
    assert "message--error" not in page
    assert "Ik heb versie 2 van het protocol gelezen" in page  # the button


def test_the_newer_version_is_said_in_english_too(v1, login, teacher_a, board):
    publish_new_version(board)
    language_remember(teacher_a.pk, "en")
    response = login(teacher_a).post(reverse("policy:confirm"), {"version": 1}, follow=True)
    assert "There is a newer version of the protocol: version 2." in response.content.decode()


def test_it_answers_404_to_a_confirmation_of_nonsense(v1, login, teacher_a):
    assert login(teacher_a).post(reverse("policy:confirm"), {"version": "x"}).status_code == 404
    assert login(teacher_a).post(reverse("policy:confirm"), {"version": 99}).status_code == 404


def test_it_answers_404_to_a_confirmation_of_a_draft(v1, login, teacher_a, board):
    """A draft is no version a reader knows of: the same 404 as an unknown number."""
    draft = services.version_draft_start(by=board)
    response = login(teacher_a).post(reverse("policy:confirm"), {"version": draft.number})
    assert response.status_code == 404
    assert not Acknowledgement.objects.filter(user=teacher_a).exists()


def test_it_brings_someone_whose_session_expired_back_to_the_confirm_button(
    client, login, v1, teacher_a
):
    """The protocol is long: a teacher reads it, the session ends, "confirm" asks them to
    log in, and the login sends them on to the confirm URL with a GET (was a bare 405)."""
    to_login = client.post(reverse("policy:confirm"), {"version": 1})
    assert to_login.url == reverse("account_login") + "?next=" + reverse("policy:confirm")

    response = login(teacher_a).get(reverse("policy:confirm"), follow=True)

    assert response.redirect_chain == [(reverse("policy:current") + "#bevestigen", 302)]
    assert f'action="{reverse("policy:confirm")}"' in response.content.decode()
    assert not Acknowledgement.objects.filter(user=teacher_a).exists()  # they confirm now
