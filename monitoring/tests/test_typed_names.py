"""A source's name and a watch term, typed on the board's pages or in the admin, lose
Unicode's direction controls: a name holding U+202E RIGHT-TO-LEFT OVERRIDE reads as
another on every page showing it (opo_portal.text)."""

from django.urls import reverse

from monitoring.models import Source, WatchTerm

SOURCE = {"kind": "rss", "url": "https://dorpskrant.example/feed.xml", "interval_minutes": "60"}


def errors(response, form: str = "form") -> dict:
    return response.context[form].errors


def test_the_sources_page_stores_a_name_without_direction_controls(login, board, school_a):
    data = {**SOURCE, "name": "Dorps\u202ekrant", "school": str(school_a.pk)}
    assert login(board).post(reverse("monitoring:sources"), data).status_code == 302
    assert Source.objects.get(url=SOURCE["url"]).name == "Dorpskrant"


def test_the_sources_page_refuses_a_name_of_direction_controls_only(login, board, school_a):
    data = {**SOURCE, "name": "\u202e", "school": str(school_a.pk)}
    response = login(board).post(reverse("monitoring:sources"), data)
    assert response.status_code == 400
    assert "name" in errors(response)
    assert not Source.objects.filter(url=SOURCE["url"]).exists()


def test_the_admin_stores_a_source_name_without_direction_controls(admin_client):
    data = {**SOURCE, "name": "\u2067Dorpskrant\u2069", "consecutive_failures": 0}
    assert admin_client.post(reverse("admin:monitoring_source_add"), data).status_code == 302
    assert Source.objects.get(url=SOURCE["url"]).name == "Dorpskrant"


def test_the_watch_terms_page_stores_a_term_without_direction_controls(login, board, school_a):
    data = {"term": "Meester \u202eJan", "school": str(school_a.pk)}
    assert login(board).post(reverse("monitoring:watch_terms"), data).status_code == 302
    assert list(WatchTerm.objects.values_list("term", flat=True)) == ["Meester Jan"]


def test_the_watch_terms_page_refuses_a_term_of_direction_controls_only(login, board, school_a):
    data = {"term": "\u202e\u202c\u2066", "school": str(school_a.pk)}
    response = login(board).post(reverse("monitoring:watch_terms"), data)
    assert response.status_code == 400
    assert "term" in errors(response)
    assert not WatchTerm.objects.exists()


def test_the_admin_stores_a_watch_term_without_direction_controls(admin_client, school_a):
    data = {"term": "Meester\u202a Jan", "school": school_a.pk}
    assert admin_client.post(reverse("admin:monitoring_watchterm_add"), data).status_code == 302
    assert list(WatchTerm.objects.values_list("term", flat=True)) == ["Meester Jan"]
