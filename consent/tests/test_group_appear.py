"""The teacher's everyday question: who may appear on this channel in this medium?"""

import re

import pytest
from django.urls import reverse

from conftest import make_user
from consent.tests.helpers import decide
from consent.tests.test_overview import fill_group
from schools.models import Guardianship


def url(group):
    return reverse("consent:group_appear", args=[group.pk])


def lists(html: str) -> tuple[str, str]:
    yes = html[html.index('id="may-heading"') : html.index('id="may-not-heading"')]
    no = html[html.index('id="may-not-heading"') : html.index("appear__meta")]
    return yes, no


@pytest.mark.parametrize(
    ("cast_member", "status"),
    [
        ("teacher_a", 200),
        ("other_teacher", 404),
        ("director_a", 200),
        ("director_b", 404),
        ("board", 200),
        ("parent_a", 404),
        ("outsider", 404),
    ],
)
def test_it_shows_a_group_to_those_who_reach_it(request, login, group_a1, cast_member, status):
    user = request.getfixturevalue(cast_member)
    assert login(user).get(url(group_a1)).status_code == status


def test_it_splits_the_class_into_may_and_may_not(
    login, teacher_a, group_a1, school_a, parent_a, pupil_a
):
    fill_group(school_a, group_a1, 4)  # Kind0 and Kind2 yes, Kind1 and Kind3 no (website photo)
    html = login(teacher_a).get(url(group_a1), {"purpose": "website", "media": "photo"})
    yes, no = lists(html.content.decode())
    assert re.findall(r"Kind\d", yes) == ["Kind0", "Kind2"]
    assert re.findall(r"Kind\d", no) == ["Kind1", "Kind3"]
    assert "Sem Bakker" in no and "onbeantwoord" in no


def test_it_asks_about_one_channel_and_medium_at_a_time(
    login, teacher_a, group_a1, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "website", "photo", True)
    client = login(teacher_a)
    yes, _no = lists(
        client.get(url(group_a1), {"purpose": "website", "media": "photo"}).content.decode()
    )
    assert "Sem Bakker" in yes
    yes, _no = lists(
        client.get(url(group_a1), {"purpose": "website", "media": "video"}).content.decode()
    )
    assert "Sem Bakker" not in yes


def test_it_says_the_parents_disagree_for_a_conflict(login, teacher_a, group_a1, parent_a, pupil_a):
    other = make_user("ouder2.a@example.org")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, other, "website", "photo", False)
    html = login(teacher_a).get(url(group_a1), {"purpose": "website", "media": "photo"})
    _yes, no = lists(html.content.decode())
    assert "ouders zijn het niet eens" in no
    assert "geen toestemming" not in no


def test_it_hides_the_safeguarding_reason(login, teacher_a, group_a1, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    pupil_a.not_in_picture = True
    pupil_a.save()
    html = login(teacher_a).get(url(group_a1), {"purpose": "website", "media": "photo"})
    _yes, no = lists(html.content.decode())
    assert "Sem Bakker" in no and "niet toegestaan" in no
    assert "in beeld" not in html.content.decode()


def test_it_links_the_full_grid(login, teacher_a, group_a1):
    html = login(teacher_a).get(url(group_a1)).content.decode()
    assert reverse("consent:group", args=[group_a1.pk]) in html


def test_it_answers_bad_input_with_a_message_not_a_500(login, teacher_a, group_a1):
    response = login(teacher_a).get(url(group_a1), {"purpose": "bestaat-niet", "media": "x"})
    assert response.status_code == 400
    assert "Kies een kanaal en een mediasoort" in response.content.decode()


def test_it_points_an_invalid_select_at_the_pages_message(login, teacher_a, group_a1):
    """Django pointed the select at "id_media_error", an element this page never shows (it
    shows one message of its own): a screen reader read nothing."""
    response = login(teacher_a).get(url(group_a1), {"purpose": "bestaat-niet", "media": "x"})
    html = response.content.decode()
    assert '<p class="errorlist" role="alert" id="appear-error">' in html
    assert html.count('aria-describedby="appear-error"') == 2
    assert "_error" not in html


def heading(response) -> str:
    return re.search(r"<h1>(.*?)<span", response.content.decode(), re.S).group(1).strip()


def selected(response, name: str) -> list[str]:
    html = response.content.decode()
    select = html[
        html.index(f'name="{name}"') : html.index("</select>", html.index(f'name="{name}"'))
    ]
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_a_channel_retired_since_the_link_was_saved_keeps_the_medium_asked(
    login, teacher_a, group_a1, parent_a, pupil_a
):
    # a link saved on the phone's home screen, the channel switched off since: the page
    # answered about the first channel in *photos* while its medium list said "film"
    from consent.models import Purpose

    Purpose.objects.filter(code="sociale-media").update(active=False)
    response = login(teacher_a).get(url(group_a1), {"purpose": "sociale-media", "media": "video"})
    assert response.status_code == 400
    assert "Kies een kanaal en een mediasoort" in response.content.decode()
    assert heading(response).endswith("(film)")
    assert selected(response, "media") == ["video"]


def test_a_wrong_medium_keeps_the_channel_asked(login, teacher_a, group_a1, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    response = login(teacher_a).get(url(group_a1), {"purpose": "website", "media": "x"})
    assert response.status_code == 400
    assert selected(response, "purpose") == ["website"]
    assert heading(response) == "Wie mag er op Website van de school? (foto)"
    yes, _no = lists(response.content.decode())
    assert "Sem Bakker" in yes  # the lists are of the channel the page names


def test_it_is_not_cacheable(login, teacher_a, group_a1):
    assert "no-store" in login(teacher_a).get(url(group_a1))["Cache-Control"]


@pytest.mark.parametrize("size", [3, 30])
def test_it_runs_the_same_queries_for_3_or_30_pupils(
    login, django_assert_num_queries, teacher_a, school_a, group_a1, size
):
    fill_group(school_a, group_a1, size)
    client = login(teacher_a)
    # (session from the cache, TOTP remembered in it) 1 user (with "any guardianship?"
    # for the menu), 2 memberships, 3 group by reach with its school, 4 purpose versions
    # (also the form's choices), 5 pupils, 6 gezag-holders, 7 events, 8 protocol banner
    # (policy) with the open takedowns count for the menu badge (accounts.page_scalars).
    # The count does not grow.
    with django_assert_num_queries(8):
        response = client.get(url(group_a1), {"purpose": "website", "media": "photo"})
    yes, no = lists(response.content.decode())
    assert (yes.count("<li>Kind"), no.count("<li>Kind")) == ((size + 1) // 2, size // 2)
