"""The fan-outs' timestamps (ReviewRound.emailed_at, PurposeVersion.parents_emailed_at,
policy's Release.staff_emailed_at) are set when one duty per recipient is queued, not on
delivery; the admin calls them "klaargezet op". Before, "gemaild op" read as delivered."""

import pytest
from django.urls import reverse
from django.utils import translation

from consent.models import PurposeVersion, ReviewRound
from consent.services import review_round_open
from policy.models import Release

pytestmark = pytest.mark.django_db


def test_the_admin_says_a_review_round_s_e_mails_were_queued(
    admin_client, hanging_broker, director_a, school_a
):
    review_round = review_round_open(school=school_a, user=director_a)
    ReviewRound.objects.filter(pk=review_round.pk).update(emailed_at="2026-03-02T09:00Z")
    url = reverse("admin:consent_reviewround_change", args=[review_round.pk])
    page = admin_client.get(url).content.decode()
    assert "E-mails aan ouders klaargezet op" in page and "gemaild op" not in page
    assert "niet wanneer ze zijn bezorgd" in page


@pytest.mark.parametrize(
    "model, field, name",
    [
        (ReviewRound, "emailed_at", "e-mails aan ouders klaargezet op"),
        (PurposeVersion, "parents_emailed_at", "e-mails aan ouders klaargezet op"),
        (Release, "staff_emailed_at", "e-mails aan medewerkers klaargezet op"),
    ],
)
def test_every_fan_out_timestamp_says_queued(model, field, name):
    with translation.override("nl"):
        assert str(model._meta.get_field(field).verbose_name) == name
