"""Migration 0009 lists the posts flagged before mentions existed (migration 0002)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from monitoring.models import Mention
from monitoring.tests.helpers import make_flag, make_post, make_source

pytestmark = pytest.mark.django_db
migration = importlib.import_module("monitoring.migrations.0009_mentions_of_earlier_flags")
EARLY = timezone.now() - datetime.timedelta(days=90)


def test_a_post_flagged_before_mentions_existed_is_among_its_schools_mentions(school_a, school_b):
    post = make_post(make_source(), text="Boos op De Vlindertuin en Het Zwanenhof")
    make_flag(post, school_a, created_at=EARLY + datetime.timedelta(days=1))
    make_flag(post, school_a, category="privacy", created_at=EARLY)
    make_flag(post, school_b, created_at=EARLY)
    assert not Mention.objects.exists()
    migration.add_missing_mentions(apps, None)
    listed = {(m.post_id, m.school_id, m.created_at) for m in Mention.objects.all()}
    assert listed == {(post.pk, school_a.pk, EARLY), (post.pk, school_b.pk, EARLY)}


def test_it_keeps_the_mentions_there_are_and_adds_nothing_the_second_time(school_a):
    source = make_source()
    listed_post, flagged_post = make_post(source, "1"), make_post(source, "2")
    make_flag(listed_post, school_a)
    make_flag(flagged_post, school_a, created_at=EARLY)
    kept = Mention.objects.create(post=listed_post, school=school_a, created_at=EARLY)
    make_flag(None, school_a)  # retention deleted its post: nothing to list
    migration.add_missing_mentions(apps, None)
    migration.add_missing_mentions(apps, None)
    assert Mention.objects.count() == 2
    assert Mention.objects.get(post=listed_post) == kept
    assert Mention.objects.filter(post=flagged_post, school=school_a).exists()
