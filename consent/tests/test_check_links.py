"""The class pages link "Controle vóór plaatsen" only for those who may check before posting:
the privacy officer reads every class but makes no check, and the link was a 404 for them."""

import pytest
from django.urls import reverse

from conftest import add_teaching

CHECK_NEW = reverse("consent:check_new")


def class_pages(group) -> list[str]:
    return [
        reverse("consent:overview"),
        reverse("consent:group_appear", args=[group.pk]),
        reverse("consent:group", args=[group.pk]),
    ]


@pytest.mark.parametrize("who", ["teacher_a", "director_a", "board"])
def test_it_links_the_check_before_posting_for_those_who_check(request, login, group_a1, who):
    client = login(request.getfixturevalue(who))
    assert client.get(CHECK_NEW).status_code == 200
    for url in class_pages(group_a1):
        html = client.get(url).content.decode()
        assert f'href="{CHECK_NEW}' in html, url


def test_it_offers_the_privacy_officer_no_link_to_a_404(login, privacy_officer, group_a1):
    client = login(privacy_officer)
    assert client.get(CHECK_NEW).status_code == 404
    for url in class_pages(group_a1):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'href="{CHECK_NEW}' not in response.content.decode(), url


def test_it_links_the_check_for_a_privacy_officer_who_teaches(
    login, privacy_officer, school_a, group_a1
):
    client = login(add_teaching(privacy_officer, school_a, [group_a1]))
    assert client.get(CHECK_NEW).status_code == 200
    for url in class_pages(group_a1):
        assert f'href="{CHECK_NEW}' in client.get(url).content.decode(), url
