"""Monitoring pages, walked by every role."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Flag, FollowUp, Post, PublicReply, Source, WatchTerm
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source

pytestmark = pytest.mark.django_db
ROLES = [
    "anonymous",
    "parent",
    "teacher",
    "director",
    "other_director",
    "board",
    "privacy_officer",
    "outsider",
]


@pytest.fixture
def cast(parent_a, teacher_a, director_a, director_b, board, privacy_officer, outsider):
    return {
        "parent": parent_a,
        "teacher": teacher_a,
        "director": director_a,
        "other_director": director_b,
        "board": board,
        "privacy_officer": privacy_officer,
        "outsider": outsider,
    }


def as_role(client, cast, role):
    client.logout()
    if role != "anonymous":
        client.force_login(cast[role])
    return client


def statuses(client, cast, method, url, data=None, setup=None):
    result = {}
    for role in ROLES:
        if setup:
            url = setup()
        response = getattr(as_role(client, cast, role), method)(url, data or {})
        result[role] = response.status_code
    return result


@pytest.fixture
def case_a(school_a):
    source = make_source()
    case = make_case(school_a)
    make_flag(
        make_post(source, text="Klopt het dat De Vlindertuin sluit?"), school_a, "verify_fact", case
    )
    return case


def test_it_shows_the_dashboard_to_directors_board_and_privacy_officer(client, cast):
    got = statuses(client, cast, "get", reverse("monitoring:dashboard"))
    assert got == {
        "anonymous": 302,
        "parent": 404,
        "teacher": 404,
        "director": 200,
        "other_director": 200,
        "board": 200,
        "privacy_officer": 200,
        "outsider": 404,
    }


def test_it_shows_a_director_only_the_flags_of_their_school(login, director_a, school_a, school_b):
    source = make_source()
    make_flag(make_post(source, "1", "Vlindertuin-bericht"), school_a)
    make_flag(make_post(source, "2", "Zwanenhof-bericht"), school_b)
    body = login(director_a).get(reverse("monitoring:dashboard")).content.decode()
    assert "Vlindertuin-bericht" in body and "Zwanenhof-bericht" not in body


def test_it_escapes_post_text(login, board, school_a):
    make_flag(make_post(make_source(), text="<script>alert('x')</script>"), school_a)
    body = login(board).get(reverse("monitoring:dashboard")).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


def test_it_lists_urgent_flags_and_cases_first(login, board, school_a):
    source = make_source()
    make_flag(make_post(source, "1", "gewoon"), school_a)
    urgent_case = make_case(school_a, priority=FollowUp.Priority.URGENT)
    make_case(school_a)
    make_flag(make_post(source, "2", "dringend"), school_a, urgent=True, case=urgent_case)
    response = login(board).get(reverse("monitoring:dashboard"))
    assert [c.pk for c in response.context["cases"]][0] == urgent_case.pk
    assert response.context["flags"][0].urgent is True


@pytest.mark.parametrize("count", [3, 30])
def test_it_runs_the_same_queries_for_3_or_30_flags(
    login, board, school_a, count, django_assert_num_queries
):
    source = make_source()
    for i in range(count):
        case = make_case(school_a)
        make_flag(make_post(source, str(i), f"bericht {i}"), school_a, case=case)
    client = login(board)
    # (session from the cache, TOTP remembered in it) user (with the menu's guardianship
    # check), memberships (access), the protocol banner's acknowledgement check,
    # open cases (with school, assignee, flag count), flags (with school, post, source),
    # the schools for the "Vermeldingen" links
    with django_assert_num_queries(6):
        response = client.get(reverse("monitoring:dashboard"))
    assert len(response.context["flags"]) == count


@pytest.mark.parametrize("count", [3, 30])
def test_it_runs_the_same_queries_for_a_director(
    login, director_a, school_a, count, django_assert_num_queries
):
    source = make_source()
    for i in range(count):
        case = make_case(school_a)
        make_flag(make_post(source, str(i), f"bericht {i}"), school_a, case=case)
    client = login(director_a)
    client.get(reverse("monitoring:dashboard"))
    # (session from the cache, TOTP remembered) user (with "any guardianship?" for the
    # menu), memberships, open cases, flags, the schools for the "Vermeldingen" links,
    # protocol banner with the menu's open takedowns (one query). The director's schools
    # for the filters come from the memberships already read (no query of their own,
    # twice, as before issue 17).
    with django_assert_num_queries(6):
        response = client.get(reverse("monitoring:dashboard"))
    assert len(response.context["flags"]) == count


def test_it_dismisses_a_flag_in_one_click_for_directors_and_board(client, cast, school_a):
    source = make_source()

    def setup():
        flag = make_flag(make_post(source, str(Post.objects.count()), "x"), school_a)
        return reverse("monitoring:flag_dismiss", args=[flag.pk])

    got = statuses(client, cast, "post", None, setup=setup)
    assert got == {
        "anonymous": 302,
        "parent": 404,
        "teacher": 404,
        "director": 302,
        "other_director": 404,
        "board": 302,
        "privacy_officer": 403,
        "outsider": 404,
    }
    assert Flag.objects.filter(dismissed_as_false_positive=True).count() == 2


def test_it_shows_a_case_only_within_reach(client, cast, case_a):
    got = statuses(client, cast, "get", reverse("monitoring:case", args=[case_a.pk]))
    assert got == {
        "anonymous": 302,
        "parent": 404,
        "teacher": 404,
        "director": 200,
        "other_director": 404,
        "board": 200,
        "privacy_officer": 200,
        "outsider": 404,
    }


def test_it_updates_a_case_for_directors_and_board_only(client, cast, case_a, teacher_a):
    data = {
        "status": "conversation_planned",
        "assigned_to": teacher_a.pk,
        "planned_for": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        "notes": "bellen",
    }
    got = statuses(client, cast, "post", reverse("monitoring:case_update", args=[case_a.pk]), data)
    assert got == {
        "anonymous": 302,
        "parent": 404,
        "teacher": 404,
        "director": 302,
        "other_director": 404,
        "board": 302,
        "privacy_officer": 403,
        "outsider": 404,
    }
    case_a.refresh_from_db()
    assert (case_a.status, case_a.assigned_to) == ("conversation_planned", teacher_a)


def test_it_shows_a_form_error_for_a_forbidden_status_change(login, director_a, case_a):
    url = reverse("monitoring:case_update", args=[case_a.pk])
    response = login(director_a).post(url, {"status": "closed", "held_on": "2026-11-20"})
    assert response.status_code == 400
    case_a.refresh_from_db()
    assert case_a.status == "new"


def test_it_walks_a_correction_from_draft_to_approval_to_posted(login, director_a, case_a):
    client = login(director_a)
    client.post(
        reverse("monitoring:reply_draft", args=[case_a.pk]), {"text": "De school blijft open."}
    )
    reply = PublicReply.objects.get()
    client.post(reverse("monitoring:reply_approve", args=[reply.pk]))
    client.post(
        reverse("monitoring:reply_posted", args=[reply.pk]), {"posted_url": "https://x.example/r"}
    )
    reply.refresh_from_db()
    assert reply.approved_by == director_a and reply.is_posted


@pytest.mark.parametrize(
    ("posted_url", "message"),
    [
        ("javascript:alert(1)", "Voer een geldige URL in."),
        ("https://x.example/" + "a" * 1000, "De link is te lang (max. 1000 tekens)"),
        ("https://x.example/\x00", "Null-tekens zijn niet toegestaan."),
    ],
    ids=["script", "too-long", "nul"],
)
def test_it_refuses_a_bad_address_of_the_posted_reply_and_records_nothing(
    login, director_a, case_a, posted_url, message
):
    """A typo or a script address once recorded the posting without its address, and one
    longer than the column failed with a 500; now a clear message at the field, and
    nothing changes. The page comes back with the address as typed: a redirect to the
    case lost it, and the director had to find and paste the link again."""
    reply = _reply(case_a, director_a, approved=True)
    client = login(director_a)
    response = client.post(
        reverse("monitoring:reply_posted", args=[reply.pk]), {"posted_url": posted_url}
    )
    assert response.status_code == 400
    reply.refresh_from_db()
    assert not reply.is_posted and reply.posted_url == ""
    page = response.content.decode()
    field = re.search(rf'<input id="posted-url-{reply.pk}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    assert f'aria-describedby="posted-url-{reply.pk}-error"' in field
    typed = re.search(r'value="([^"]*)"', field)
    assert typed and html.unescape(typed.group(1)) == posted_url.replace("\x00", "")
    error = re.search(rf'id="posted-url-{reply.pk}-error"[^>]*>(.*?)</', page, re.S)
    assert error and message in html.unescape(error.group(1)), page


def test_it_keeps_the_address_typed_for_one_reply_only(login, director_a, case_a):
    """Two approved corrections on a case: the address typed for one is not put into the
    other's field."""
    first = _reply(case_a, director_a, approved=True)
    second = _reply(case_a, director_a, approved=True)
    client = login(director_a)
    response = client.post(
        reverse("monitoring:reply_posted", args=[second.pk]), {"posted_url": "ftp://x.example/1"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    field = re.search(rf'<input id="posted-url-{first.pk}"[^>]*>', page).group(0)
    assert "value=" not in field and "aria-invalid" not in field


def test_it_does_not_let_board_staff_approve_a_reply(login, board, case_a, director_a):
    from monitoring import services

    reply = services.public_reply_draft(case=case_a, text="Klopt niet.", user=director_a)
    response = login(board).post(reverse("monitoring:reply_approve", args=[reply.pk]))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert not reply.is_approved


def test_it_offers_no_reply_form_without_a_factual_claim(login, director_a, school_a):
    case = make_case(school_a)
    make_flag(make_post(make_source()), school_a, "negative_experience", case)
    response = login(director_a).get(reverse("monitoring:case", args=[case.pk]))
    assert reverse("monitoring:reply_draft", args=[case.pk]) not in response.content.decode()
    response = login(director_a).post(
        reverse("monitoring:reply_draft", args=[case.pk]), {"text": "Nee"}
    )
    assert response.status_code == 400
    assert PublicReply.objects.count() == 0


def test_it_lets_staff_report_a_post_for_their_school(client, cast, school_a):
    got = statuses(client, cast, "get", reverse("monitoring:report_post"))
    assert got == {
        "anonymous": 302,
        "parent": 404,
        "teacher": 200,
        "director": 200,
        "other_director": 200,
        "board": 200,
        "privacy_officer": 404,
        "outsider": 404,
    }


def test_it_stores_and_classifies_a_manual_report(login, teacher_a, school_a):
    data = {
        "school": school_a.pk,
        "url": "https://social.example/p/1",
        "text": "De Vlindertuin sluit volgend jaar",
    }
    response = login(teacher_a).post(reverse("monitoring:report_post"), data)
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.source.kind == Source.Kind.MANUAL and post.source.school == school_a
    assert post.reported_by == teacher_a and post.classified_at is not None


def test_it_refuses_a_manual_report_for_a_school_out_of_reach(login, teacher_a, school_b):
    data = {"school": school_b.pk, "url": "https://social.example/p/1", "text": "tekst"}
    response = login(teacher_a).post(reverse("monitoring:report_post"), data)
    assert response.status_code == 404  # out of reach, as another school's code in a path
    assert Post.objects.count() == 0


def test_it_refuses_a_teaching_privacy_officer_a_report_for_another_school(
    login, privacy_officer, school_a, school_b, group_b1
):
    """A privacy officer who teaches at school B reports for school B only: the privacy
    officer alone reports nothing (each role its own reach, never the union)."""
    from schools.models import StaffMembership

    teaching = StaffMembership.objects.create(
        user=privacy_officer, role=StaffMembership.Role.TEACHER, school=school_b
    )
    teaching.groups.set([group_b1])
    data = {"school": school_a.pk, "url": "https://social.example/p/1", "text": "tekst"}
    response = login(privacy_officer).post(reverse("monitoring:report_post"), data)
    assert response.status_code == 404  # out of reach, as another school's code in a path
    assert Post.objects.count() == 0


def test_it_lets_only_board_staff_manage_sources(client, cast):
    got = statuses(client, cast, "get", reverse("monitoring:sources"))
    assert got == {
        "anonymous": 302,
        "parent": 404,
        "teacher": 404,
        "director": 404,
        "other_director": 404,
        "board": 200,
        "privacy_officer": 404,
        "outsider": 404,
    }


def test_it_adds_a_source_and_rejects_a_bad_mastodon_address(login, board):
    client = login(board)
    bad = {
        "kind": "mastodon",
        "name": "m",
        "url": "https://m.example/@someone",
        "interval_minutes": 30,
    }
    assert client.post(reverse("monitoring:sources"), bad).status_code == 400
    good = {**bad, "url": "https://m.example/tags/vlindertuin"}
    assert client.post(reverse("monitoring:sources"), good).status_code == 302
    assert Source.objects.get().url == "https://m.example/tags/vlindertuin"


def test_it_gives_the_help_text_the_id_the_field_points_at(login, board, school_a):
    """The school select said aria-describedby="id_school_helptext" and no element had
    that id: its help text was shown, but never read with the field."""
    html = login(board).get(reverse("monitoring:sources")).content.decode()
    assert 'aria-describedby="id_school_helptext"' in html
    assert '<small id="id_school_helptext">' in html


@pytest.mark.parametrize("url", ["ftp://f.example/feed.rss", "ftps://f.example/feed.rss"])
def test_it_refuses_a_source_the_fetcher_cannot_read(login, board, url):
    """Only http(s): an ftp source was saved and then failed every run as "adres niet
    toegestaan"."""
    source = {"kind": "rss", "name": "f", "url": url, "interval_minutes": 30}
    response = login(board).post(reverse("monitoring:sources"), source)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("interval", "message"),
    [(0, "minstens 5"), (1, "minstens 5"), (10081, "hoogstens 10080"), (2147483647, "hoogstens")],
)
def test_it_refuses_an_interval_no_source_should_have(login, board, interval, message):
    """0 minutes fetched the source at every dispatch (each minute, 1,440 requests a day to
    someone else's site); 2147483647 minutes never again."""
    source = {"kind": "rss", "name": "f", "url": "https://f.example/feed.rss"}
    response = login(board).post(
        reverse("monitoring:sources"), {**source, "interval_minutes": interval}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Source.objects.exists()


def test_it_pauses_a_source(login, board):
    source = make_source()
    login(board).post(reverse("monitoring:source_toggle", args=[source.pk]))
    source.refresh_from_db()
    assert source.active is False


@pytest.mark.parametrize("active", ["2", "no-such-choice", "", "1\x00"])
def test_it_refuses_an_unknown_pause_or_resume_and_changes_nothing(login, board, active):
    """Only a missing `active` (a page from before the button said which) flips the source;
    a value the button never sends is refused instead of read as a flip (input sweep)."""
    from django.contrib.messages import get_messages

    source = make_source()
    url = reverse("monitoring:source_toggle", args=[source.pk])

    response = login(board).post(url, {"active": active})

    source.refresh_from_db()
    assert source.active is True
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Onbekende keuze."]


def test_it_lets_only_board_staff_manage_watch_terms(client, cast, school_a):
    got = statuses(
        client,
        cast,
        "post",
        reverse("monitoring:watch_terms"),
        {"school": school_a.pk, "term": "#vlinder"},
    )
    assert got == {
        "anonymous": 302,
        "parent": 404,
        "teacher": 404,
        "director": 404,
        "other_director": 404,
        "board": 302,
        "privacy_officer": 404,
        "outsider": 404,
    }
    assert list(WatchTerm.objects.values_list("term", flat=True)) == ["#vlinder"]


@pytest.mark.parametrize("term", ["a", "#ob", "@ x "])
def test_it_refuses_a_watch_term_too_short_to_name_a_school(login, board, school_a, term):
    response = login(board).post(
        reverse("monitoring:watch_terms"),
        {"school": school_a.pk, "term": term},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400 and WatchTerm.objects.count() == 0
    assert "Een zoekterm heeft ten minste 3 tekens (zonder # of @)" in response.content.decode()


def test_it_removes_a_watch_term(login, board, school_a):
    term = WatchTerm.objects.create(school=school_a, term="vlinder")
    login(board).post(reverse("monitoring:watch_term_delete", args=[term.pk]))
    assert WatchTerm.objects.count() == 0


def test_it_shows_the_privacy_page_to_everyone(client, cast):
    got = statuses(client, cast, "get", reverse("monitoring:privacy"))
    assert set(got.values()) == {200}
    body = client.get(reverse("monitoring:privacy")).content.decode()
    assert "#profileren-2" in body and "#profileren-3" in body


def test_the_dashboard_names_who_marked_a_flag_without_joining_the_users(
    login, board, director_a, school_a, django_assert_num_queries
):
    """Joining the users who marked or dismissed a flag into the flags query cost the
    planner more than the query (4-10 ms at the bench's sizes). The name of who marked a
    flag is a scalar subquery of the flags query (selectors.FLAG_ROWS_SQL), which the
    planner does not reorder with the joins: no query of its own, no join of the users."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    director_a.full_name = "Dirk Directeur"
    director_a.save()
    source = make_source()
    make_flag(make_post(source, "1", "gewoon"), school_a)
    make_flag(
        make_post(source, "2", "gemarkeerd"),
        school_a,
        marked_by=director_a,
        marked_at=timezone.now(),
    )
    client = login(board)
    client.get(reverse("monitoring:dashboard"))
    # the 6 of the count test above: the name comes with the flags
    with django_assert_num_queries(6), CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("monitoring:dashboard"))
    assert "Dirk Directeur" in response.content.decode()
    if connection.vendor != "postgresql":
        return  # other databases read the ORM form of the SQL (opo_portal.sql)
    flag_queries = [q["sql"] for q in queries if "FROM monitoring_flag f JOIN" in q["sql"]]
    assert len(flag_queries) == 1
    assert "JOIN accounts_user" not in flag_queries[0]


def test_it_fills_date_inputs_in_iso_format_in_dutch(login, director_a, case_a):
    case_a.status, case_a.planned_for = "conversation_planned", datetime.date(2026, 11, 20)
    case_a.save()
    response = login(director_a).get(
        reverse("monitoring:case", args=[case_a.pk]), HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert 'value="2026-11-20"' in response.content.decode()


def test_it_shows_the_last_run_of_each_source_in_a_constant_number_of_queries(
    login, board, django_assert_num_queries
):
    from django.utils import timezone

    from monitoring.models import FetchRun

    for i in range(5):
        source = make_source(url=f"https://f.example/{i}")
        FetchRun.objects.create(
            source=source, started_at=timezone.now(), status="failed", error="HTTP 503"
        )
    client = login(board)
    # (session from the cache, TOTP remembered in it) user (with the menu's guardianship
    # check), memberships, the protocol banner's check, schools for the form's select, the
    # number of sources, a page of their ids, that page's sources with school and last run
    with django_assert_num_queries(7):
        response = client.get(reverse("monitoring:sources"))
    assert response.content.decode().count("HTTP 503") == 5


def _reply(case, user, approved=False):
    from django.utils import timezone

    return PublicReply.objects.create(
        followup=case,
        text="De school blijft open.",
        drafted_by=user,
        drafted_at=timezone.now(),
        approved_by=user if approved else None,
        approved_at=timezone.now() if approved else None,
    )


def test_it_lets_directors_and_board_draft_a_correction(client, cast, case_a):
    url = reverse("monitoring:reply_draft", args=[case_a.pk])
    got = statuses(client, cast, "post", url, {"text": "De school blijft open."})
    assert got == {
        "anonymous": 302,
        "parent": 404,
        "teacher": 404,
        "director": 302,
        "other_director": 404,
        "board": 302,
        "privacy_officer": 403,
        "outsider": 404,
    }
    # the same text while it waits for approval is one draft (the board is told it is there)
    assert PublicReply.objects.count() == 1


def test_it_lets_only_the_school_director_approve_through_the_page(
    client, cast, case_a, director_a
):
    replies = []

    def setup():
        replies.append(_reply(case_a, director_a))
        return reverse("monitoring:reply_approve", args=[replies[-1].pk])

    got = statuses(client, cast, "post", None, setup=setup)
    assert got == {
        "anonymous": 302,
        "parent": 404,
        "teacher": 404,
        "director": 302,
        "other_director": 404,
        "board": 302,
        "privacy_officer": 403,
        "outsider": 404,
    }
    approved = [r.pk for r in PublicReply.objects.filter(approved_at__isnull=False)]
    assert approved == [replies[ROLES.index("director")].pk]


def test_it_records_posting_for_directors_and_board(client, cast, case_a, director_a):
    def setup():
        return reverse(
            "monitoring:reply_posted", args=[_reply(case_a, director_a, approved=True).pk]
        )

    got = statuses(client, cast, "post", None, {"posted_url": "https://x.example/1"}, setup=setup)
    assert got == {
        "anonymous": 302,
        "parent": 404,
        "teacher": 404,
        "director": 302,
        "other_director": 404,
        "board": 302,
        "privacy_officer": 403,
        "outsider": 404,
    }
    assert PublicReply.objects.filter(posted_at__isnull=False).count() == 2


def test_it_shows_reports_and_csv_to_directors_board_and_privacy_officer(client, cast, school_a):
    for name in ("monitoring:report", "monitoring:report_csv"):
        got = statuses(client, cast, "get", reverse(name) + "?school=vlindertuin&month=2026-11")
        assert got == {
            "anonymous": 302,
            "parent": 404,
            "teacher": 404,
            "director": 200,
            "other_director": 404,  # another school's report: out of reach, as in a path
            "board": 200,
            "privacy_officer": 200,
            "outsider": 404,
        }, name


def test_it_lets_only_board_staff_pause_sources_and_remove_terms(client, cast, school_a):
    def source_url():
        return reverse(
            "monitoring:source_toggle",
            args=[make_source(url=f"https://f.example/{Source.objects.count()}").pk],
        )

    def term_url():
        term = WatchTerm.objects.create(school=school_a, term=f"t{WatchTerm.objects.count()}")
        return reverse("monitoring:watch_term_delete", args=[term.pk])

    expected = {
        "anonymous": 302,
        "parent": 404,
        "teacher": 404,
        "director": 404,
        "other_director": 404,
        "board": 302,
        "privacy_officer": 404,
        "outsider": 404,
    }
    assert statuses(client, cast, "post", None, setup=source_url) == expected
    assert statuses(client, cast, "post", None, setup=term_url) == expected
    assert Source.objects.filter(active=False).count() == 1
    assert WatchTerm.objects.count() == len(ROLES) - 1


def test_it_links_a_bounded_number_of_schools_and_finds_the_others(
    login, board, school_a, school_b, monkeypatch
):
    from monitoring import views
    from schools.models import School

    monkeypatch.setattr(views, "SCHOOL_LINKS_LIMIT", 2)
    School.objects.create(code="zuider", name="OBS Zuiderschool")
    client = login(board)
    url = reverse("monitoring:dashboard")
    response = client.get(url)
    assert response.context["schools"] == [
        ("vlindertuin", "OBS De Vlindertuin"),
        ("zwanenhof", "OBS Het Zwanenhof"),
    ]
    body = response.content.decode()
    assert 'name="school"' in body and "Alleen de eerste 2 scholen" in body
    assert reverse("monitoring:mentions", args=["zuider"]) not in body
    found = client.get(url, {"school": "zuider"})
    assert found.context["schools"] == [("zuider", "OBS Zuiderschool")]
    assert reverse("monitoring:mentions", args=["zuider"]) in found.content.decode()
    nothing = client.get(url, {"school": "<b>x</b>"}).content.decode()
    assert "Geen school past bij deze zoekopdracht." in nothing
    assert "<b>x</b>" not in nothing and "&lt;b&gt;x&lt;/b&gt;" in nothing


def test_it_searches_schools_past_a_nul_character(login, board, school_a, school_b):
    client = login(board)
    client.raise_request_exception = False
    response = client.get(reverse("monitoring:dashboard"), {"school": "zwanen\x00"})
    assert response.status_code == 200
    assert response.context["schools"] == [("zwanenhof", "OBS Het Zwanenhof")]


def test_it_finds_only_schools_in_a_directors_reach(login, director_a, school_a, school_b):
    response = login(director_a).get(reverse("monitoring:dashboard"), {"school": "zwanen"})
    assert response.context["schools"] == []
    assert reverse("monitoring:mentions", args=["zwanenhof"]) not in response.content.decode()


INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jullie)\b", re.IGNORECASE)


def test_it_addresses_readers_as_u_on_the_privacy_and_report_pages(
    client, login, teacher_a, school_a
):
    privacy = client.get(reverse("monitoring:privacy")).content.decode()
    assert "de directeur van uw school" in privacy
    teacher = login(teacher_a)
    form = teacher.get(reverse("monitoring:report_post")).content.decode()
    assert "Zag u een openbaar bericht" in form
    data = {"school": school_a.pk, "url": "https://social.example/p/1", "text": "Open dag"}
    done = teacher.post(reverse("monitoring:report_post"), data, follow=True).content.decode()
    assert "Dank u wel. Het bericht is aan de monitoring toegevoegd." in done
    for page in (privacy, form, done):
        assert not INFORMAL.search(page), INFORMAL.search(page)
