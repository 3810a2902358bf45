"""A source or watch term added again (a double click on "Bron toevoegen", Back and send
again, or one that exists already): nothing is added, and the board member reads one
clear sentence. Before, a source's second click said the database's "Beperking
‘unique_source_url’ is geschonden.", and a term's said "Deze school heeft deze zoekterm
al." twice."""

from django.urls import reverse

from monitoring.models import Source, WatchTerm

SOURCE = {
    "kind": "rss",
    "name": "Dorpskrant",
    "url": "https://dorpskrant.example/feed.xml",
    "interval_minutes": "60",
}


def errors(response) -> list[str]:
    return [str(e) for errors in response.context["form"].errors.values() for e in errors]


def test_a_source_sent_twice_is_added_once_with_a_clear_message(login, board, school_a):
    client = login(board)
    data = {**SOURCE, "school": str(school_a.pk)}
    client.post(reverse("monitoring:sources"), data)

    response = client.post(reverse("monitoring:sources"), data)

    assert response.status_code == 400
    assert errors(response) == ["Er is al een bron met dit adres."]
    assert "geschonden" not in response.content.decode()
    assert Source.objects.filter(url=SOURCE["url"]).count() == 1


def test_a_watch_term_sent_twice_says_so_once(login, board, school_a):
    client = login(board)
    data = {"term": "Meester Jan", "school": str(school_a.pk)}
    client.post(reverse("monitoring:watch_terms"), data)

    response = client.post(reverse("monitoring:watch_terms"), {**data, "term": "meester jan"})

    assert response.status_code == 400
    assert errors(response) == ["Deze school heeft deze zoekterm al."]
    assert WatchTerm.objects.count() == 1
