"""bench/web/floor.py: a floor run works out the coverage page's data once per school and
worker, and says so in its table instead of judging the goals."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from bench.web import floor, goals
from consent.tests.helpers import decide
from consent.views import director


def test_it_works_the_data_out_once_per_school():
    calls = []

    def work(school, *, times=False):
        calls.append((school.pk, times))
        return f"data of {school.pk}"

    kept = floor.once_per_school(work)
    first, second = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
    assert kept(first, times=True) == kept(first, times=True) == "data of 1"
    assert kept(second) == "data of 2"
    assert calls == [(1, True), (2, False)]
    assert kept.__name__ == "work"


def test_it_replaces_only_the_coverage_views_data(monkeypatch):
    originals = {name: getattr(director, name) for name in floor.DATA}
    for name, function in originals.items():
        monkeypatch.setattr(director, name, function)  # put back after the test
    render = director.render
    floor.install("coverage")
    for name, function in originals.items():
        assert getattr(director, name) is not function
        assert getattr(director, name).__wrapped__ is function
    assert director.render is render


def test_it_refuses_an_unknown_floor():
    with pytest.raises(ValueError, match="BENCH_FLOOR"):
        floor.install("everything")


def test_a_floor_runs_table_judges_no_goal():
    page = {"queries": 3, "cpu_ms": 2.0, "rps": 1.0, "p50_ms": 1.0, "p95_ms": 1.0}
    machine = {"cpu": "x", "cores": 2, "python": "3", "load_before": [], "load_after": []}
    report = {
        "sizes": {"small": {"bare, anonymous": page, "director coverage": page}},
        "machine": {**machine, "when": "now"},
        "command": "python bench/web_bench.py",
        "goals": [],
        "floor": "coverage",
    }
    text = goals.table(report)
    assert "A floor run (BENCH_FLOOR=coverage)" in text
    assert "[met]" not in text and "NOT met" not in text


def test_a_floor_serves_the_same_page(monkeypatch, login, director_a, school_a, pupil_a, parent_a):
    """What the floor measures is the page as served: the same HTML, its data kept."""
    decide(pupil_a, parent_a, "website", "photo", True)
    url = reverse("consent:coverage", args=[school_a.code])
    client = login(director_a)
    served = client.get(url)
    for name in floor.DATA:
        monkeypatch.setattr(director, name, getattr(director, name))  # put back after
    floor.install("coverage")
    assert without_tokens(client.get(url)) == without_tokens(served)
    assert without_tokens(client.get(url)) == without_tokens(served)  # from what was kept
    assert "Sem Bakker" in served.content.decode()  # the name lists are on the page


def without_tokens(response) -> str:
    """The page without what differs from request to request (the CSRF form tokens)."""
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
