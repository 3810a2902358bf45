"""The teacher's class overview: symbol + text per cell, filters, constant queries."""

import pytest
from django.urls import reverse

from conftest import make_pupil, make_user
from consent.tests.helpers import decide
from schools.models import Guardianship


def url(group):
    return reverse("consent:group", args=[group.pk])


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


def test_it_shows_each_state_as_a_symbol_and_a_word(login, teacher_a, group_a1, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "website", "video", False)
    html = login(teacher_a).get(url(group_a1), {"purpose": "website"}).content.decode()
    assert 'aria-hidden="true">✓</span>' in html
    assert 'aria-hidden="true">✗</span>' in html
    assert 'aria-hidden="true">?</span>' in html
    assert html.count("state--granted") == 1
    assert html.count("state--refused") == 1
    assert html.count("state--unanswered") == 1


def test_it_hides_the_safeguarding_reason_from_teachers(
    login, teacher_a, group_a1, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "website", "photo", True)
    pupil_a.not_in_picture = True
    pupil_a.save()
    html = login(teacher_a).get(url(group_a1), {"purpose": "website", "media": "photo"})
    html = html.content.decode()
    assert "state--not_allowed" in html
    assert "safeguarding" not in html
    assert "in beeld" not in html
    assert "state--granted" not in html


def test_it_filters_one_channel_and_media_type(login, teacher_a, group_a1, pupil_a):
    html = login(teacher_a).get(url(group_a1), {"purpose": "pers", "media": "audio"})
    assert html.content.decode().count('class="state ') == 1


def test_it_lists_only_current_pupils_of_the_group(login, teacher_a, group_a1, pupil_a, pupil_a2):
    html = login(teacher_a).get(url(group_a1)).content.decode()
    assert "Sem Bakker" in html
    assert "Roos Vries" not in html


def fill_group(school, group, size):
    for n in range(size):
        pupil = make_pupil(school, group, f"9{n:03d}", f"Kind{n}", "Test")
        parent = make_user(f"ouder{n}@example.org")
        Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)
        decide(pupil, parent, "website", "photo", n % 2 == 0)


@pytest.mark.parametrize("size", [3, 30])
def test_it_runs_the_same_queries_for_3_or_30_pupils(
    login, django_assert_num_queries, teacher_a, school_a, group_a1, size
):
    fill_group(school_a, group_a1, size)
    client = login(teacher_a)
    # (session from the cache, TOTP remembered in it) 1 user (with "any guardianship?"
    # for the menu), 2 memberships, 3 group by reach with its school, 4 purpose versions
    # (also the filter's channels), 5 pupils, 6 gezag-holders, 7 events, 8 protocol banner
    # (policy) with the open takedowns count for the menu badge (accounts.page_scalars).
    # The count does not grow.
    with django_assert_num_queries(8):
        response = client.get(url(group_a1), {"purpose": "website"})
    assert response.content.decode().count("state--granted") == (size + 1) // 2


@pytest.mark.parametrize(
    "query", [{"purpose": "bestaat-niet"}, {"media": "x"}, {"purpose": "pers", "media": "x"}]
)
def test_it_answers_a_bad_filter_with_400_and_a_message(login, teacher_a, group_a1, pupil_a, query):
    """As "Wie mag er op …?" does; it answered 200 with Django's "Selecteer een geldige
    keuze…" beside the list."""
    response = login(teacher_a).get(url(group_a1), query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kies een kanaal en een mediasoort uit de lijst." in html
    assert "Selecteer een geldige keuze" not in html
    assert 'role="alert"' in html


def test_it_points_an_invalid_filter_at_the_pages_message(login, teacher_a, group_a1):
    """Django pointed the select at "id_purpose_error", an element this page never shows
    (it shows one message of its own): a screen reader read nothing."""
    response = login(teacher_a).get(url(group_a1), {"purpose": "bestaat-niet", "media": "x"})
    html = response.content.decode()
    assert '<p class="errorlist" role="alert" id="filters-error">' in html
    assert html.count('aria-describedby="filters-error"') == 2
    assert "_error" not in html


def test_a_bad_filter_keeps_its_valid_half(login, teacher_a, group_a1, pupil_a):
    client = login(teacher_a)
    response = client.get(url(group_a1), {"purpose": "bestaat-niet", "media": "audio"})
    assert response.status_code == 400
    cells = response.content.decode().count('class="state ')
    assert cells == client.get(url(group_a1), {"media": "audio"}).content.decode().count(
        'class="state '
    )
    response = client.get(url(group_a1), {"purpose": "pers", "media": "x"})
    assert response.content.decode().count('class="state ') == 3  # photo, video, audio
