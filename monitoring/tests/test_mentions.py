"""The "Vermeldingen" list per school and staff marks (who and when)."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import Flag, FollowUp, Mention, Source, WatchTerm
from monitoring.tests.helpers import make_flag, make_post, make_source

pytestmark = pytest.mark.django_db


def mention(post, school):
    Mention.objects.create(post=post, school=school, created_at=timezone.now())
    return post


@pytest.fixture
def posts(school_a, school_b):
    source = make_source()
    plain = mention(make_post(source, "1", "Kachel kapot bij De Vlindertuin"), school_a)
    double = mention(make_post(source, "2", "Juf is een trut en niemand belt terug"), school_a)
    make_flag(double, school_a, "negative_experience")
    make_flag(double, school_a, "insult")
    other = mention(make_post(source, "3", "Zwanenhof-bericht"), school_b)
    return {"plain": plain, "double": double, "other": other}


def url(school, **query):
    base = reverse("monitoring:mentions", args=[school.code])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def rows(response):
    return [m.post.external_id for m in response.context["page"]]


def test_it_records_a_mention_for_every_post_that_names_a_school(school_a):
    post = make_post(make_source(), "1", "Vandaag de nieuwsbrief van De Vlindertuin gelezen.")
    services.posts_classify(posts=[post], now=timezone.now())
    assert list(Mention.objects.values_list("post", "school")) == [(post.pk, school_a.pk)]


@pytest.mark.parametrize(
    "content",
    [
        # a fediverse handle written out with its server
        "<p>@vlindertuin@mastodon.example waarom belt niemand terug?</p>",
        # the board's watch term, a handle with an underscore
        "<p>Waarom belt niemand terug, @vlindertuin_exloo?</p>",
        "<p>De Vlindertuin&#39;s juf belt nooit terug</p>",
    ],
)
def test_it_shows_a_post_naming_the_school_by_its_handle_or_a_possessive(
    feed_server, login, director_a, school_a, content
):
    WatchTerm.objects.create(school=school_a, term="@vlindertuin_exloo")
    status = {"id": "7", "content": content, "account": {"acct": "ouder@m.example"}}
    feed_server.route("/api/v1/timelines/tag/ouders", body=json.dumps([status]).encode())
    source = make_source(url=feed_server.url("/tags/ouders"), kind=Source.Kind.MASTODON)
    services.source_poll(source_id=source.pk)
    assert rows(login(director_a).get(url(school_a))) == ["7"]


def test_it_lists_every_post_once_flagged_first(login, director_a, school_a, posts):
    response = login(director_a).get(url(school_a))
    assert rows(response) == ["2", "1"]
    assert response.content.decode().count('id="post-') == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": "insult"}, ["2"]),
        ({"status": "unflagged"}, ["1"]),
        ({"status": "flagged"}, ["2"]),
        ({"category": "positive"}, []),
    ],
)
def test_it_filters_by_category_and_status(login, director_a, school_a, posts, query, expected):
    assert rows(login(director_a).get(url(school_a, **query))) == expected


def test_it_filters_by_source(login, director_a, school_a, posts):
    elsewhere = make_source(url="https://elders.example/feed")
    mention(make_post(elsewhere, "9", "Elders over De Vlindertuin"), school_a)
    assert rows(login(director_a).get(url(school_a, source=elsewhere.pk))) == ["9"]


def test_it_refuses_an_unknown_filter_with_a_message(login, director_a, school_a, posts):
    response = login(director_a).get(url(school_a, category="nonsense"))
    assert response.status_code == 400
    assert rows(response) == []


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5", "٣", "1e3"])
def test_it_refuses_a_source_that_is_no_number_with_a_message(
    login, director_a, school_a, posts, value
):
    response = login(director_a).get(url(school_a, source=value))
    assert response.status_code == 400
    assert rows(response) == []
    assert response.context["form"].has_error("source", "malformed")
    assert "Kies een bron uit de lijst" in response.content.decode()


@pytest.mark.parametrize("which", ["another school's", "missing", "beyond any row"])
def test_it_answers_a_source_out_of_reach_as_one_of_nothing(
    login, director_a, school_a, school_b, posts, which
):
    # the same 404 for both: the answer never tells that another school's source exists
    theirs = make_source(url="https://zwanenhof.example/feed", school=school_b)
    source = {
        "another school's": theirs.pk,
        "missing": theirs.pk + 1000,
        "beyond any row": 2**70,
    }[which]
    assert login(director_a).get(url(school_a, source=source)).status_code == 404


def test_it_walks_the_roles(client, login, school_a, posts, request):
    expected = {
        "director_a": 200,
        "board": 200,
        "privacy_officer": 200,
        "director_b": 404,
        "teacher_a": 404,
        "parent_a": 404,
    }
    got = {}
    for role in expected:
        got[role] = login(request.getfixturevalue(role)).get(url(school_a)).status_code
    assert got == expected


def test_it_is_never_cached(login, director_a, school_a, posts):
    assert "no-store" in login(director_a).get(url(school_a))["Cache-Control"]


@pytest.mark.parametrize("count", [3, 30])
def test_it_runs_the_same_queries_for_3_or_30_posts(
    login, board, school_a, count, django_assert_num_queries
):
    source = make_source()
    for i in range(count):
        post = mention(make_post(source, str(i), f"bericht {i}"), school_a)
        make_flag(post, school_a, marked_by=board, marked_at=timezone.now())
    client = login(board)
    # (session from the cache, TOTP remembered in it) user (with the menu's guardianship
    # check), memberships, protocol banner, the school, the sources for the filter, the count, the
    # page of mentions (post, source), their flags for this school (marker, dismisser,
    # school), schools for the nav. Above 8: the filters, the page and its flags are
    # separate reads; the count does not grow with the posts.
    with django_assert_num_queries(9):
        response = client.get(url(school_a))
    assert len(rows(response)) == count


def test_it_marks_a_missed_complaint_with_who_and_when_and_opens_a_case(
    login, director_a, school_a, posts
):
    plain = posts["plain"]
    response = login(director_a).post(
        reverse("monitoring:mention_mark", args=[school_a.code, plain.pk]),
        {"category": "negative_experience"},
    )
    assert response.status_code == 302
    flag = Flag.objects.get(post=plain, school=school_a)
    assert (flag.category, flag.marked_by, flag.rule_version) == (
        "negative_experience",
        director_a,
        "staff",
    )
    assert flag.marked_at is not None
    assert flag.followup.status == FollowUp.Status.NEW


def test_it_takes_back_a_dismissal_when_the_flag_is_marked_again(director_a, school_a, posts):
    flag = Flag.objects.get(post=posts["double"], category="insult")
    services.flag_dismiss(flag=flag, user=director_a)
    services.post_mark(post=posts["double"], school=school_a, category="insult", user=director_a)
    flag.refresh_from_db()
    assert (flag.dismissed_as_false_positive, flag.marked_by) == (False, director_a)
    assert Flag.objects.filter(post=posts["double"], category="insult").count() == 1


@pytest.mark.parametrize(
    ("role", "status"), [("privacy_officer", 403), ("director_b", 404), ("teacher_a", 404)]
)
def test_it_lets_only_acting_staff_of_the_school_mark(
    login, school_a, posts, request, role, status
):
    response = login(request.getfixturevalue(role)).post(
        reverse("monitoring:mention_mark", args=[school_a.code, posts["plain"].pk]),
        {"category": "insult"},
    )
    assert response.status_code == status
    assert not Flag.objects.filter(post=posts["plain"]).exists()


def test_it_is_404_to_mark_a_post_that_does_not_mention_the_school(
    login, director_a, school_a, posts
):
    response = login(director_a).post(
        reverse("monitoring:mention_mark", args=[school_a.code, posts["other"].pk]),
        {"category": "insult"},
    )
    assert response.status_code == 404


def test_it_refuses_an_unknown_category_and_changes_nothing(login, director_a, school_a, posts):
    response = login(director_a).post(
        reverse("monitoring:mention_mark", args=[school_a.code, posts["plain"].pk]),
        {"category": "nonsense"},
        follow=True,
    )
    assert response.status_code == 200
    assert not Flag.objects.filter(post=posts["plain"]).exists()


def test_it_offers_the_sources_that_concern_the_school_only(
    login, director_a, school_a, school_b, posts
):
    own = make_source(url="https://vlindertuin.example/feed", school=school_a)
    foundation = make_source(url="https://stichting.example/feed")
    other = make_source(url="https://zwanenhof.example/feed", school=school_b)
    brought = make_source(url="https://krant.example/feed", school=school_b)
    mention(make_post(brought, "k", "De krant over De Vlindertuin"), school_a)
    form = login(director_a).get(url(school_a)).context["form"]
    offered = set(form.fields["source"].queryset)
    assert {own, foundation, brought} <= offered
    assert other not in offered  # another school's feed that never named this school


@pytest.mark.parametrize("count", [3, 30])
def test_it_runs_the_same_queries_for_a_director(
    login, director_a, school_a, count, django_assert_num_queries
):
    source = make_source()
    for i in range(count):
        mention(make_post(source, str(i), f"bericht {i}"), school_a)
    client = login(director_a)
    client.get(url(school_a))
    # (session from the cache, TOTP remembered) 1 user (with "any guardianship?" for the
    # menu), 2 memberships, 3 the school, 4 the sources for the filter, 5 the count, 6 the
    # page of mentions (post, source), 7 their flags for this school, 8 protocol banner
    # with the menu's open takedowns (accounts.page_scalars). No query for the schools to
    # switch between: a director of one school has none (from the memberships). The
    # count does not grow with the posts.
    with django_assert_num_queries(8):
        response = client.get(url(school_a))
    assert len(rows(response)) == count


def test_it_gives_a_privacy_officer_who_directs_elsewhere_no_powers_here(
    login, privacy_officer, school_a, school_b, posts
):
    """Directing school B gives no director powers over school A; the privacy officer's
    reach of school A is for reading (403 on changes), never the union of the two."""
    from schools.models import StaffMembership

    StaffMembership.objects.create(
        user=privacy_officer, role=StaffMembership.Role.DIRECTOR, school=school_b
    )
    client = login(privacy_officer)
    flag = Flag.objects.get(post=posts["double"], category="insult")
    response = client.post(reverse("monitoring:flag_dismiss", args=[flag.pk]))
    assert response.status_code == 403
    response = client.post(
        reverse("monitoring:mention_mark", args=[school_a.code, posts["plain"].pk]),
        {"category": "insult"},
    )
    assert response.status_code == 403
    assert not Flag.objects.filter(post=posts["plain"]).exists()
    assert not Flag.objects.filter(dismissed_as_false_positive=True).exists()
    response = client.post(
        reverse("monitoring:mention_mark", args=[school_b.code, posts["other"].pk]),
        {"category": "insult"},
    )
    assert response.status_code == 302


def test_it_offers_a_privacy_officer_who_directs_elsewhere_no_buttons_here(
    login, privacy_officer, school_a, school_b, posts
):
    """Where marking and dismissing are a 403 (school A, read only), the pages do not offer
    them; at the school they direct (B) they do, on Vermeldingen and on the dashboard."""
    from schools.models import StaffMembership

    StaffMembership.objects.create(
        user=privacy_officer, role=StaffMembership.Role.DIRECTOR, school=school_b
    )
    flag_a = Flag.objects.get(post=posts["double"], category="insult")
    flag_b = make_flag(posts["other"], school_b, "insult")
    client = login(privacy_officer)
    page_a = client.get(url(school_a)).content.decode()
    assert reverse("monitoring:mention_mark", args=[school_a.code, posts["plain"].pk]) not in page_a
    assert reverse("monitoring:flag_dismiss", args=[flag_a.pk]) not in page_a
    page_b = client.get(url(school_b)).content.decode()
    assert reverse("monitoring:mention_mark", args=[school_b.code, posts["other"].pk]) in page_b
    assert reverse("monitoring:flag_dismiss", args=[flag_b.pk]) in page_b
    dashboard = client.get(reverse("monitoring:dashboard")).content.decode()
    assert reverse("monitoring:flag_dismiss", args=[flag_a.pk]) not in dashboard
    assert reverse("monitoring:flag_dismiss", args=[flag_b.pk]) in dashboard


def test_it_returns_to_the_post_on_vermeldingen_after_a_flag_is_marked_wrong_there(
    login, director_a, school_a, posts
):
    # "Onterecht signaal" on Vermeldingen went to the dashboard, away from the list
    flag = Flag.objects.get(post=posts["double"], category="insult")
    client = login(director_a)
    page = client.get(url(school_a)).content.decode()
    form = page[page.index(reverse("monitoring:flag_dismiss", args=[flag.pk])) :]
    assert 'name="from_mentions"' in form[: form.index("</form>")]
    response = client.post(
        reverse("monitoring:flag_dismiss", args=[flag.pk]), {"from_mentions": "1"}
    )
    assert response.url == url(school_a) + f"#post-{posts['double'].pk}"
    flag.refresh_from_db()
    assert (flag.dismissed_as_false_positive, flag.dismissed_by) == (True, director_a)


@pytest.mark.parametrize(("role", "told"), [("privacy_officer", False), ("director_a", True)])
def test_it_asks_only_those_who_may_mark_to_mark(request, login, role, told, school_a, posts):
    """The privacy officer reads; the page told them to mark posts and wrong flags, with
    no button to do it (DESIGN.md: the privacy officer audits)."""
    client = login(request.getfixturevalue(role))
    page = client.get(url(school_a), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Elk verzameld bericht dat deze school noemt, gesignaleerde berichten" in page
    assert ("markeer dan het bericht" in page) is told
    assert ("Onterecht signaal</button>" in page) is told


def test_it_shows_a_post_text_isolated_so_a_direction_control_stays_inside(
    login, director_a, school_a
):
    # A post is evidence and is kept as it came, U+202E RIGHT-TO-LEFT OVERRIDE too: shown
    # in an element of its own direction, it cannot flip the author line or the page.
    # (a handle stored before the ingest dropped direction controls is isolated too)
    text, handle = "De Vlindertuin \u202eblah", "a\u202eb"
    mention(make_post(make_source(), "1", text, author_handle=handle), school_a)
    body = login(director_a).get(url(school_a)).content.decode()
    assert f'<blockquote class="mon-post" dir="auto">{text}</blockquote>' in body
    assert f" · <bdi>{handle}</bdi>" in body
