"""The parent's page's reads written out in SQL answer what their ORM forms answer:
the child with school and group (`consent.access.CHILD_SQL`), its events
(`consent.history.CHILD_EVENTS_SQL`) and the open review round
(`consent.views.parent.REVIEW_ROUND_SQL`)."""

import datetime

from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.models import User
from conftest import make_pupil, make_user
from consent.access import get_child_and_holders
from consent.history import HistoryEvent, child_events
from consent.models import ConsentEvent, ReviewConfirmation, ReviewRound
from consent.services import current_school_year, purpose_version_publish
from consent.tests.helpers import decide, purpose
from consent.views.parent import REVIEW_ROUND_FIELDS, _open_review_round
from schools.models import Guardianship, School


def test_it_reads_every_field_of_the_models():
    assert [f.attname for f in ReviewRound._meta.concrete_fields] == REVIEW_ROUND_FIELDS


def test_it_reads_the_child_school_and_group_as_the_orm_query_would(parent_a, pupil_a):
    School.objects.filter(pk=pupil_a.school_id).update(aliases=["#vlinder"])
    orm = Guardianship.objects.select_related("pupil__school", "pupil__group").get(
        pupil=pupil_a, user=parent_a
    )
    child, _holders = get_child_and_holders(parent_a, pupil_a.pk)
    assert model_to_dict(child) == model_to_dict(orm.pupil)
    assert model_to_dict(child.school) == model_to_dict(orm.pupil.school)
    assert model_to_dict(child.group) == model_to_dict(orm.pupil.group)


def test_it_reads_a_child_without_a_group(parent_a, pupil_a, django_assert_num_queries):
    lonely = make_pupil(pupil_a.school, pupil_a.group, "A-99", "Lot", "Alleen")
    lonely.group = None
    lonely.save()
    Guardianship.objects.create(user=parent_a, pupil=lonely, has_parental_authority=True)
    with django_assert_num_queries(1):
        child, holders = get_child_and_holders(parent_a, lonely.pk)
        assert child.group is None and child.school.name == pupil_a.school.name
    assert holders == {parent_a.pk}


def orm_child_events(pupil):
    """consent.history.child_events as it was read with the ORM."""
    return list(
        ConsentEvent.objects.filter(pupil=pupil)
        .select_related("purpose", "purpose_version", "recorded_by")
        .order_by("-created_at", "-id")
    )


def as_history(events) -> list[HistoryEvent]:
    """The ORM's events as consent.history reads them."""
    return [
        HistoryEvent(
            e.id,
            e.pupil_id,
            e.guardian_id,
            e.purpose_id,
            e.media_type,
            e.granted,
            e.method,
            e.created_at,
            e.purpose.name,
            e.purpose_version.number,
            e.recorded_by and (e.recorded_by.full_name or e.recorded_by.email),
        )
        for e in events
    ]


def test_it_reads_the_childs_events_as_the_orm_query_would(
    board, parent_a, pupil_a, pupil_a2, director_a, django_assert_num_queries
):
    second = make_user("ouder.a2@example.org")
    Guardianship.objects.create(user=second, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, second, "website", "photo", False)
    decide(pupil_a, parent_a, "pers", "video", False, method="paper", recorded_by=director_a)
    decide(pupil_a, second, "pers", "audio", True, method="phone", recorded_by=director_a)
    purpose_version_publish(
        user=board, purpose=purpose("website"), text="Nieuwe tekst.", kind="correction"
    )
    decide(pupil_a, parent_a, "website", "photo", False)
    Guardianship.objects.create(user=parent_a, pupil=pupil_a2, has_parental_authority=True)
    decide(pupil_a2, parent_a, "website", "photo", True)  # another child
    # two events at the same moment: the later id first, as the ORM orders them
    same = timezone.now() + datetime.timedelta(minutes=1)
    latest = orm_child_events(pupil_a)[0]
    for granted in (True, False):
        ConsentEvent.objects.create(
            pupil=pupil_a,
            guardian=second,
            purpose=latest.purpose,
            purpose_version=latest.purpose_version,
            text_hash=latest.text_hash,
            media_type="video",
            granted=granted,
            method="portal",
            created_at=same,
        )
    User.objects.filter(pk=director_a.pk).update(full_name="")  # named by e-mail then
    with django_assert_num_queries(1):
        found = child_events(pupil_a.pk)
    assert [e.recorder for e in found if e.recorder] == [director_a.email, director_a.email]
    assert len(found) == 7 and found[0].granted is False
    assert found == as_history(orm_child_events(pupil_a))
    assert [type(e.granted) for e in found] == [bool] * 7
    assert child_events(pupil_a.pk + 1000) == []


def test_it_names_a_recorder_by_full_name(parent_a, pupil_a, director_a):
    User.objects.filter(pk=director_a.pk).update(full_name="Directeur <A>")
    decide(pupil_a, parent_a, "pers", "video", False, method="paper", recorded_by=director_a)
    [event] = child_events(pupil_a.pk)
    assert event.recorder == "Directeur <A>"
    assert [event] == as_history(orm_child_events(pupil_a))


def orm_review_round(pupil, user):
    year = current_school_year(timezone.localdate())
    review_round = ReviewRound.objects.filter(school_id=pupil.school_id, school_year=year).first()
    if review_round is None:
        return None, False
    confirmed = ReviewConfirmation.objects.filter(
        review_round=review_round, user=user, pupil=pupil
    ).exists()
    return model_to_dict(review_round), confirmed


def review(pupil, user):
    review_round, confirmed = _open_review_round(pupil, user)
    return (review_round and model_to_dict(review_round)), confirmed


def test_it_reads_the_review_round_as_the_orm_queries_would(
    parent_a, pupil_a, pupil_a2, pupil_b, director_a
):
    assert review(pupil_a, parent_a) == orm_review_round(pupil_a, parent_a) == (None, False)
    year = current_school_year(timezone.localdate())
    ReviewRound.objects.create(school=pupil_a.school, school_year="2001-2002", opened_by=director_a)
    review_round = ReviewRound.objects.create(
        school=pupil_a.school, school_year=year, opened_by=director_a
    )
    assert review(pupil_a, parent_a) == orm_review_round(pupil_a, parent_a)
    assert review(pupil_a, parent_a)[1] is False
    ReviewConfirmation.objects.create(review_round=review_round, user=parent_a, pupil=pupil_a2)
    assert review(pupil_a, parent_a) == orm_review_round(pupil_a, parent_a)
    assert review(pupil_a, parent_a)[1] is False  # confirmed for another child
    ReviewConfirmation.objects.create(review_round=review_round, user=parent_a, pupil=pupil_a)
    for pupil in (pupil_a, pupil_a2, pupil_b):
        assert review(pupil, parent_a) == orm_review_round(pupil, parent_a)
        assert review(pupil, director_a) == orm_review_round(pupil, director_a)
    assert review(pupil_a, parent_a)[1] is True
    assert review(pupil_b, parent_a) == (None, False)
