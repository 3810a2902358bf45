"""A source has no "settings": nothing ever read them. The admin offered a JSON box
"instellingen" on every source, so board staff could type options (a Mastodon instance, a
language) that silently did nothing."""

from django.urls import reverse

from monitoring.models import Source


def test_the_admin_offers_no_settings_box_for_a_source(admin_client):
    html = admin_client.get(reverse("admin:monitoring_source_add")).content.decode()
    assert 'name="interval_minutes"' in html  # the form is there
    assert 'name="settings"' not in html


def test_a_source_stores_no_settings(db):
    assert "settings" not in {field.name for field in Source._meta.get_fields()}
