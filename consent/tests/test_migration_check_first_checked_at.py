"""Migration 0026: every adjusted check of before (one that `replaces` another) gets
`first_checked_at`, the time of the first check of its chain, however long the chain;
a first check keeps none."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from conftest import make_pupil
from consent.models import Appearance, PublicationCheck
from consent.services import publication_check_adjust, publication_check_create
from consent.tests.helpers import purpose

pytestmark = pytest.mark.django_db
migration = importlib.import_module("consent.migrations.0026_check_first_checked_at")


def migrate() -> None:
    migration.fill_first_checked_at(apps, SimpleNamespace(connection=connection))


def test_it_fills_the_first_checks_time_along_each_chain(teacher_a, school_a, group_a1, pupil_a):
    lotte = make_pupil(school_a, group_a1, "1009", "Lotte", "Visser")
    chain = [
        publication_check_create(
            user=teacher_a, purpose=purpose("website"), media_type=media, pupils=[pupil_a, lotte]
        )
        for media in ("photo", "video")
    ]
    first_times = [check.created_at for check in chain]
    checks = list(chain)
    for check in chain:  # each adjusted twice: blurred, then left out
        newer = publication_check_adjust(
            user=teacher_a, check=check, appearances={lotte.pk: Appearance.UNRECOGNISABLE}
        )
        checks += [newer]
        checks += [
            publication_check_adjust(
                user=teacher_a, check=newer, appearances={lotte.pk: Appearance.LEFT_OUT}
            )
        ]
    # the rows as the code of before left them; one made with a clock behind the others
    PublicationCheck.objects.update(first_checked_at=None)
    PublicationCheck.objects.filter(pk=checks[-1].pk).update(
        created_at=first_times[0] - datetime.timedelta(days=1)
    )

    migrate()

    found = dict(PublicationCheck.objects.values_list("pk", "first_checked_at"))
    assert [found[check.pk] for check in checks] == [
        None,
        None,
        first_times[0],
        first_times[0],
        first_times[1],
        first_times[1],
    ]
