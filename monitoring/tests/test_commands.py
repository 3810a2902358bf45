"""add_source and poll_sources."""

import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from monitoring.models import FetchRun, Post, Source
from monitoring.tests.helpers import make_source

pytestmark = pytest.mark.django_db


def test_it_adds_a_validated_source_for_a_school(school_a):
    out = StringIO()
    call_command(
        "add_source",
        "--kind",
        "mastodon",
        "--url",
        "https://m.example/tags/vlindertuin",
        "--name",
        "Mastodon",
        "--school",
        "vlindertuin",
        stdout=out,
    )
    source = Source.objects.get()
    assert (source.kind, source.school) == ("mastodon", school_a)
    assert source.next_run_at is not None
    expected = f"bron {source.pk} toegevoegd: mastodon https://m.example/tags/vlindertuin"
    assert out.getvalue().strip() == expected


def test_it_adds_a_source_for_a_school_of_a_foundation_with_many_schools(school_a):
    """The board's page asks for a school's code beyond SELECT_LIMIT schools; the command
    gives the school it looked up and is not affected."""
    from schools.models import School
    from schools.search import SELECT_LIMIT

    School.objects.bulk_create(
        School(code=f"extra-{n}", name=f"OBS Extra {n}") for n in range(SELECT_LIMIT + 1)
    )
    call_command(
        "add_source",
        "--kind",
        "rss",
        "--url",
        "https://f.example/rss",
        "--name",
        "Feed",
        "--school",
        "vlindertuin",
        stdout=StringIO(),
    )
    assert Source.objects.get().school == school_a


@pytest.mark.parametrize(
    "args",
    [
        ["--kind", "mastodon", "--url", "https://m.example/@x", "--name", "n"],
        ["--kind", "rss", "--url", "not a url", "--name", "n"],
        ["--kind", "rss", "--url", "ftp://f.example/feed.rss", "--name", "n"],
        ["--kind", "rss", "--url", "ftps://f.example/feed.rss", "--name", "n"],
        ["--kind", "rss", "--url", "https://f.example/rss", "--name", "n", "--school", "nope"],
    ],
)
def test_it_refuses_bad_input(args):
    with pytest.raises(CommandError):
        call_command("add_source", *args)
    assert Source.objects.count() == 0


def test_it_exits_non_zero_with_one_line_on_stderr():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "add_source",
            "--kind",
            "bluesky",
            "--url",
            "https://bsky.app/x",
            "--name",
            "n",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1


def test_it_polls_one_source_and_records_a_malformed_feed_without_crashing(feed_server, school_a):
    feed_server.route("/good.rss", fixture="feed.rss")
    feed_server.route("/bad.rss", fixture="bomb.xml")
    good = make_source(url=feed_server.url("/good.rss"))
    make_source(url=feed_server.url("/bad.rss"))
    out = StringIO()
    call_command("poll_sources", "--all", stdout=out)
    assert Post.objects.filter(source=good).count() == 2
    assert sorted(FetchRun.objects.values_list("status", flat=True)) == ["failed", "succeeded"]
    assert "unsafe XML" in out.getvalue()
    assert f"{good.pk} {good.name}: gelukt, 2 nieuw, 0 bewerkt, 0 dubbel" in out.getvalue()


def test_it_polls_a_single_source_by_id(feed_server):
    feed_server.route("/good.rss", fixture="feed.rss")
    source = make_source(url=feed_server.url("/good.rss"))
    call_command("poll_sources", "--source", str(source.pk), stdout=StringIO())
    call_command("poll_sources", "--source", str(source.pk), stdout=StringIO())
    assert Post.objects.count() == 2


def test_it_refuses_an_unknown_source_id():
    with pytest.raises(CommandError):
        call_command("poll_sources", "--source", "999")


def test_it_refuses_to_poll_a_paused_source():
    source = make_source(active=False)
    with pytest.raises(CommandError, match="is gepauzeerd; hervat de bron eerst"):
        call_command("poll_sources", "--source", str(source.pk))
