"""Every transactional test starts with the rows the data migrations seed, whichever tests
ran before it (root conftest's `_seeded_after_flush`). The first test's flush, at its end,
removes them; before, the second one ran without channels or protocol."""

import pytest

from consent.models import Purpose
from policy.models import ProtocolVersion

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_first_transactional_test_finds_the_channels_and_flushes_them_at_its_end():
    assert Purpose.objects.filter(active=True).count() == 6


def test_the_next_transactional_test_still_finds_every_channel_and_the_protocol():
    assert Purpose.objects.filter(active=True).count() == 6
    assert ProtocolVersion.objects.filter(number=1, status="published").exists()
