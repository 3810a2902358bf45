"""The learned layer in the pipeline: a complaint without a complaint word gets a case,
explained to staff as "lijkt op eerdere klachten"."""

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring import learning, services
from monitoring.models import Flag
from monitoring.tests.helpers import make_post, make_source

pytestmark = pytest.mark.django_db
HEATER = "Kachel kapot op het Zwanenhof en de kinderen zitten met hun jas aan in de klas"


def test_it_flags_a_complaint_the_rules_miss_and_explains_it(login, director_b, school_b):
    learning._cache.clear()  # the layer trained in memory on the shipped sets
    post = make_post(make_source(), "1", HEATER)
    services.posts_classify(posts=[post], now=timezone.now())
    flag = Flag.objects.get(post=post)
    assert flag.category == "negative_experience"
    assert flag.is_learned and flag.followup is not None
    assert flag.rule_version.endswith("+learned-0")
    assert set(flag.learned_words) & {"kapot", "jas", "klas"}
    page = login(director_b).get(reverse("monitoring:case", args=[flag.followup_id]))
    assert "lijkt op eerdere klachten" in page.content.decode()
