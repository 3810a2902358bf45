"""The mentions list's reads written in SQL give what their ORM forms give: the count
(mentions.mention_count against mentions_for_school(...).count()) for every filter, the
sources offered by the filter (forms.mention_sources against the OR it replaced, and the
choices as the queryset gives them) and the school in reach (access.get_monitored_school
against get_object_or_404 over schools_for_staff) for every role."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from monitoring.access import get_monitored_school
from monitoring.forms import MentionFilterForm, mention_sources
from monitoring.mentions import STATUS_FILTERS, MentionList, mention_count, mentions_for_school
from monitoring.models import Mention, Source
from monitoring.tests.helpers import make_flag, make_post, make_source
from schools.access import schools_for_staff
from schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentions(school_a, school_b, board):
    feed = make_source()
    paper = make_source(url="https://krant.example/feed", school=school_b)
    make_source(url="https://vlindertuin.example/feed", school=school_a)
    make_source(url="https://zwanenhof.example/feed", school=school_b)
    make_source(url="https://stichting.example/feed")
    now = timezone.now()
    for number in range(14):
        post = make_post(paper if number % 3 == 0 else feed, str(number), f"bericht {number}")
        for school in (school_a, school_b) if number % 4 == 0 else (school_a,):
            Mention.objects.create(post=post, school=school, created_at=now)
        if number % 5 == 1:
            make_flag(post, school_a, "insult", urgent=number == 6)
        if number % 5 == 2:
            make_flag(post, school_a, "negative_experience", dismissed_as_false_positive=True)
        if number % 5 == 3:
            make_flag(post, school_a, "privacy", marked_by=board, marked_at=now)
            make_flag(post, school_a, "insult", dismissed_as_false_positive=True)
        if number % 4 == 0:
            make_flag(post, school_b, "insult")  # another school's flag on the same post
    return {"feed": feed, "paper": paper}


def test_it_counts_what_the_list_holds_for_every_filter(mentions, school_a, school_b):
    categories = ["", "insult", "privacy", "negative_experience", "positive"]
    sources = [None, mentions["feed"].pk, mentions["paper"].pk]
    statuses = ["", *STATUS_FILTERS]
    counted = set()
    for school, category, source_id, status in itertools.product(
        (school_a, school_b), categories, sources, statuses
    ):
        filters = {"school": school, "category": category, "source_id": source_id}
        expected = mentions_for_school(**filters, status=status).count()
        assert mention_count(**filters, status=status) == expected, (category, source_id, status)
        counted.add(expected)
    assert len(counted) > 5  # the filters made a difference


def test_it_pages_the_list_as_the_queryset(mentions, school_a):
    pages = Paginator(MentionList(school=school_a), 5)
    expected = list(mentions_for_school(school=school_a))
    assert pages.count == len(expected) == 14
    listed = [m for number in pages.page_range for m in pages.page(number)]
    assert [m.pk for m in listed] == [m.pk for m in expected]
    assert list(Paginator(MentionList(school=school_a, status="marked"), 5).page(1)) == list(
        mentions_for_school(school=school_a, status="marked")
    )


def test_it_reads_no_list_when_nothing_matches(mentions, school_a, django_assert_num_queries):
    with django_assert_num_queries(1):  # the count
        page = Paginator(MentionList(school=school_a, category="positive"), 5).get_page(1)
        assert list(page) == []


def test_it_offers_the_sources_the_or_offered(mentions, school_a, school_b):
    for school in (school_a, school_b):
        brought = Mention.objects.filter(school=school).values("post__source_id")
        expected = Source.objects.filter(
            Q(pk__in=brought) | Q(school=school) | Q(school__isnull=True)
        ).order_by("name")
        assert list(mention_sources(school)) == list(expected)


def test_it_lists_the_sources_as_the_queryset_would(mentions, school_a, school_b):
    for school in (school_a, school_b):
        field = MentionFilterForm(school=school).fields["source"]
        expected = [("", field.empty_label)] + [(s.pk, str(s)) for s in mention_sources(school)]
        assert list(field.choices) == expected
        assert len(expected) > 3


@pytest.mark.parametrize(
    "who", ["board", "privacy_officer", "director_a", "director_b", "teacher_a", "outsider"]
)
def test_it_finds_the_school_as_the_orm_would(request, school_a, school_b, who):
    user = request.getfixturevalue(who)
    school_a.aliases = ["De Vlinder", "#vlindertuin"]
    school_a.save()
    for code in (school_a.code, school_b.code, "onbekend"):
        try:
            expected = get_object_or_404(schools_for_staff(user, "director"), code=code)
        except Http404:
            expected = None
        except PermissionDenied:
            with pytest.raises(PermissionDenied):
                get_monitored_school(user, code)
            continue
        if expected is None:
            with pytest.raises(Http404):
                get_monitored_school(user, code)
        else:
            got = get_monitored_school(user, code)
            fields = [f.attname for f in School._meta.concrete_fields]
            assert [getattr(got, f) for f in fields] == [getattr(expected, f) for f in fields]


def test_its_school_sql_and_orm_form_read_the_same_row(school_a, school_b):
    """Other databases than PostgreSQL read the school through the ORM form
    (opo_portal.sql.rows): the same row as the SQL, aliases included."""
    import json

    from django.db import connection

    from monitoring import access
    from opo_portal import sql

    if connection.vendor != "postgresql":
        pytest.skip("the SQL is PostgreSQL's")
    school_a.aliases = ["De Vlinder", "#vlindertuin"]
    school_a.save()

    def decoded(rows):
        return [
            (*row[:3], json.loads(row[3]) if isinstance(row[3], str) else row[3]) for row in rows
        ]

    for code in (school_a.code, school_b.code, "onbekend"):
        assert decoded(sql.fetch(access.SCHOOL_SQL, [code])) == list(access._school_rows_orm(code))
        ids = [school_a.pk]
        assert decoded(sql.fetch(access.SCHOOL_IN_REACH_SQL, [code, ids])) == list(
            access._school_rows_orm(code, ids)
        )
