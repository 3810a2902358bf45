"""What a rule found is shown in the reader's language: the classifier's own evidence
tokens ("media:children", "register:pupil:<school>") are words on the dashboard, the case
page and Vermeldingen, not codes in English."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Mention
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source

pytestmark = pytest.mark.django_db

TOKENS = ("media:children", "media:pupil", "link:media", "register:pupil:", "sarcasm")


@pytest.fixture
def case(school_a):
    case = make_case(school_a)
    source = make_source()
    evidence = [
        ["media:children", "foto"],
        ["register:pupil:vlindertuin", "media:pupil"],
        ["link:media"],
        ["sarcasm", "lekker dan"],
    ]
    for number, matched in enumerate(evidence):
        post = make_post(source, str(number), text=f"Bericht {number} over De Vlindertuin")
        flag = make_flag(post, school_a, "privacy", case=case)
        flag.matched = matched
        flag.save(update_fields=["matched"])
        Mention.objects.create(post=post, school=school_a, created_at=timezone.now())
    return case


def _pages(login, director_a, case, school_a) -> list[str]:
    client = login(director_a)
    urls = [
        reverse("monitoring:dashboard"),
        reverse("monitoring:case", args=[case.pk]),
        reverse("monitoring:mentions", args=[school_a.code]),
    ]
    return [unescape(client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()) for url in urls]


def test_it_shows_no_evidence_code_on_a_page(login, director_a, case, school_a):
    for page in _pages(login, director_a, case, school_a):
        for token in TOKENS:
            assert not re.search(rf"{token}\b", page), token


def test_it_says_the_evidence_in_dutch(login, director_a, case, school_a):
    for page in _pages(login, director_a, case, school_a):
        assert "foto's of video van kinderen, foto" in page
        assert "de naam van een leerling van de school, foto's of video met een leerling" in page
        assert "een link naar foto's of video van kinderen" in page
        assert "sarcasme, lekker dan" in page
