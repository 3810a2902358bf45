"""One case per story under concurrency: case opening is serialised per school.

Two feeds carry the same stories (the second forwards them). Ingested one after the other
they open one case per story; the real-worker test ingests both at once in two worker
processes (PostgreSQL, Redis) and must open exactly as many.
"""

import threading
import uuid
from xml.sax.saxutils import escape

import pytest

from conftest import wait_for, worker
from monitoring import services
from monitoring.models import Flag, FollowUp
from monitoring.tasks import fetch_source
from monitoring.tests.helpers import make_source
from outbox.models import Duty

STORIES = [
    "Mijn dochter kwam huilend thuis na de gymles bij De Vlindertuin, die juf is echt slecht.",
    "Het schoolreisje van De Vlindertuin was slecht georganiseerd, de bus kwam uren te laat.",
    "Overblijven op De Vlindertuin is een chaos, kinderen krijgen geen tijd om te eten.",
    "Veel te veel huiswerk op De Vlindertuin, groep vijf zit elke avond te werken, belachelijk.",
    "De ouderbijdrage van De Vlindertuin is weer verhoogd, wat een slechte en dure school.",
    "Parkeren rond De Vlindertuin is gevaarlijk, vanochtend werd bijna een kleuter aangereden.",
    "De toiletten van De Vlindertuin zijn al maanden kapot en stinken, echt schandalig.",
    "Mijn zoon wordt al weken gepest op De Vlindertuin en niemand doet er iets aan.",
]


def feed(prefix: str, label: str) -> bytes:
    items = "".join(
        f"<item><title>{label} {n}</title><link>https://buurt.example/{label}/{n}</link>"
        f"<guid>https://buurt.example/{label}/{n}</guid>"
        f"<description>{escape(prefix + text)}</description>"
        "<pubDate>Mon, 02 Nov 2026 10:00:00 +0100</pubDate></item>"
        for n, text in enumerate(STORIES)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{label}</title><link>https://buurt.example/</link>{items}</channel></rss>"
    ).encode()


def one_case_per_story() -> bool:
    for n in range(len(STORIES)):
        cases = set(
            Flag.objects.filter(
                post__external_id__endswith=f"/{n}", followup__isnull=False
            ).values_list("followup_id", flat=True)
        )
        if len(cases) != 1:
            return False
    return True


@pytest.mark.django_db
def test_it_opens_one_case_per_story_when_ingested_in_turn(feed_server, school_a, director_a):
    feed_server.route("/a.rss", body=feed("", "a"))
    feed_server.route("/b.rss", body=feed("Doorgestuurd: ", "b"))
    for path in ["/a.rss", "/b.rss"]:
        services.source_poll(source_id=make_source(url=feed_server.url(path)).pk)
    assert FollowUp.objects.count() == len(STORIES)
    assert one_case_per_story()
    assert FollowUp.objects.filter(priority=FollowUp.Priority.URGENT).count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_opens_one_case_per_story_with_two_workers_at_once(
    services_up,
    feed_server,
    school_a,
    director_a,
):
    both_fetching = threading.Barrier(2, timeout=60)

    def at_once(body):
        def handler(request):
            both_fetching.wait()  # neither worker ingests before the other has fetched
            return 200, {}, body

        return handler

    feed_server.route("/a.rss", handler=at_once(feed("", "a")))
    feed_server.route("/b.rss", handler=at_once(feed("Doorgestuurd: ", "b")))
    sources = [make_source(url=feed_server.url(p)) for p in ["/a.rss", "/b.rss"]]
    queues = [f"test-cases-{uuid.uuid4().hex[:8]}" for _ in sources]
    with worker(queues[0]), worker(queues[1]):
        for source, queue in zip(sources, queues, strict=True):
            fetch_source.apply_async((source.pk,), queue=queue)
        assert wait_for(lambda: Flag.objects.count() == 2 * len(STORIES), timeout=120)
    print(f"two workers, {len(STORIES)} stories x 2 feeds: {FollowUp.objects.count()} cases")
    assert FollowUp.objects.count() == len(STORIES)
    assert one_case_per_story()
    assert FollowUp.objects.filter(priority=FollowUp.Priority.URGENT).count() == 1
    assert Duty.objects.filter(key__startswith="urgent-case:").count() == 1
