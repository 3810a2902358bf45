"""The admin shows the protocol but cannot change a published version."""

import pytest
from django.urls import reverse

from conftest import give_totp
from policy.models import Article, ProtocolVersion, Section


@pytest.fixture
def admin_client(client, db):
    from accounts.models import User

    superuser = give_totp(User.objects.create_superuser("admin@example.org", "correct horse 42"))
    client.force_login(superuser)
    return client


def test_it_shows_a_published_version_read_only(admin_client, v1):
    url = reverse("admin:policy_protocolversion_change", args=[v1.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


def test_it_refuses_to_change_a_published_version_in_the_admin(admin_client, v1):
    url = reverse("admin:policy_protocolversion_change", args=[v1.pk])
    response = admin_client.post(url, {"summary": "Anders", "status": "draft"})
    assert response.status_code == 403
    v1.refresh_from_db()
    assert (v1.summary, v1.status) != ("Anders", "draft")


def test_it_refuses_to_change_a_published_section_and_its_articles_in_the_admin(admin_client, v1):
    section = v1.sections.get(slug="leren")
    before = list(Article.objects.filter(section=section).values_list("text", flat=True))
    url = reverse("admin:policy_section_change", args=[section.pk])
    response = admin_client.post(
        url,
        {
            "heading": "Anders",
            "articles-TOTAL_FORMS": "1",
            "articles-INITIAL_FORMS": "1",
            "articles-0-id": str(section.articles.first().pk),
            "articles-0-text": "Anders.",
        },
    )
    assert response.status_code == 403
    assert Section.objects.get(pk=section.pk).heading == "LEREN"
    assert list(Article.objects.filter(section=section).values_list("text", flat=True)) == before


def test_it_refuses_to_delete_a_published_version_in_the_admin(admin_client, v1):
    url = reverse("admin:policy_protocolversion_delete", args=[v1.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert ProtocolVersion.objects.filter(pk=v1.pk).exists()
