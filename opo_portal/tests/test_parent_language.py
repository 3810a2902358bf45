"""A parent's pages in the states the route crawl (test_language_crawl.py) does not reach,
and the messages that follow a form: Dutch with "u" by default, English after the switch.
A safeguarded child, a child who left, parents who disagree, a changed question, an open
review round, a publication the school is taking offline and one allowed again before it
came down (the child's page and "Mijn gegevens" say so), saving, withdrawing one and all,
confirming unchanged, the login code app pages a parent can still open."""

import datetime

import pytest
from django.urls import reverse

from conftest import make_user
from consent.models import PurposeVersion
from consent.services import (
    publication_check_create,
    purpose_version_publish,
    review_round_open,
)
from consent.tests.helpers import decide, purpose
from opo_portal.tests.test_language_crawl import DUTCH, ENGLISH, INFORMAL, data_strings, leftovers
from schools.models import Guardianship


@pytest.fixture
def family(school_a, pupil_a, pupil_a2, parent_a, director_a, board, teacher_a):
    """pupil_a: parents disagree, a changed question, an open review round, a photo the
    school is taking offline and a video allowed again before it came down; pupil_a2
    (also parent_a's): left the school and is never in the picture."""
    other = make_user("ouder2.a@example.org", full_name="Tweede Ouder")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    Guardianship.objects.create(user=parent_a, pupil=pupil_a2, has_parental_authority=True)
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "nieuwsbrief", "photo", True)
    decide(pupil_a, other, "nieuwsbrief", "photo", False)
    decide(pupil_a, parent_a, "pers", "photo", True)
    purpose_version_publish(
        user=board, purpose=purpose("pers"), text="Wij geven foto's aan de krant.",
        kind=PurposeVersion.Kind.CHANGE_OF_MEANING,
    )  # fmt: skip
    review_round_open(school=school_a, user=director_a)
    for media in ("photo", "video"):
        decide(pupil_a, parent_a, "sociale-media", media, True)
        publication_check_create(
            user=teacher_a, purpose=purpose("sociale-media"), media_type=media, pupils=[pupil_a]
        )
        decide(pupil_a, parent_a, "sociale-media", media, False)
    decide(pupil_a, parent_a, "sociale-media", "video", True)  # its takedown still open
    pupil_a2.left_on = datetime.date(2026, 7, 10)
    pupil_a2.not_in_picture = True
    pupil_a2.save()
    return {"pupil": pupil_a, "left": pupil_a2}


def pages(client, family):
    """(what, html) of every page and the page each form leads to, with its message."""
    pupil, left = family["pupil"], family["left"]
    child = reverse("consent:child", args=[pupil.pk])
    for what, url in [
        ("home", reverse("accounts:home_parent")),
        ("children", reverse("consent:my_children")),
        ("child", child),
        ("child who left", reverse("consent:child", args=[left.pk])),
        ("withdraw", reverse("consent:withdraw", args=[pupil.pk])),
        ("withdraw nothing", reverse("consent:withdraw", args=[left.pk])),
        ("my data", reverse("consent:my_data")),
        ("account", reverse("account_email")),
        ("login code app", reverse("mfa_index")),
    ]:
        yield what, client.get(url, follow=True).content.decode()
    posts = [
        ("saved", child, {f"c-{purpose('website').pk}-video": "yes"}),
        ("unchanged", reverse("consent:review_unchanged", args=[pupil.pk]), {}),
        ("one withdrawn", reverse("consent:withdraw", args=[pupil.pk]),
         {"target": f"{purpose('website').pk}:photo"}),
        ("all withdrawn", reverse("consent:withdraw", args=[pupil.pk]), {"target": "all"}),
        ("bad target", reverse("consent:withdraw", args=[pupil.pk]), {"target": "x"}),
        ("reminders stopped", reverse("consent:my_data_reminders"), {"action": "stop"}),
        ("reminders again", reverse("consent:my_data_reminders"), {"action": "resume"}),
    ]  # fmt: skip
    for what, url, data in posts:
        if what == "saved":
            html = client.get(url).content.decode()
            data = {**data, **_hidden_fields(html)}
        yield what, client.post(url, data, follow=True).content.decode()


def _hidden_fields(html: str) -> dict[str, str]:
    import re

    fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields.pop("csrfmiddlewaretoken", None)
    return fields


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_parents_pages_and_messages_speak_one_language(login, family, parent_a, language):
    client = login(parent_a)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    checks = [("English", ENGLISH), ("je", INFORMAL)] if language == "nl" else [("Dutch", DUTCH)]
    problems, seen = [], {}
    for what, html in pages(client, family):
        seen[what] = html
        data = data_strings()
        for label, pattern in checks:
            problems += [f"{what} [{label}]: {found}" for found in leftovers(html, pattern, data)]
    assert not problems, "\n".join(problems)
    # the forms did what they say (the pages above are the ones after them)
    words = {"nl": ("Opgeslagen", "Ingetrokken", "verlaten"), "en": ("Saved", "Withdrawn", "left")}
    saved, withdrawn, left = words[language]
    assert saved in seen["saved"] and withdrawn in seen["all withdrawn"]
    assert left in seen["child who left"]
    # one publication coming down, one allowed again (consent.rules.taking_down)
    coming_down, again = {
        "nl": ("De school haalt 1 publicatie met uw kind offline", "Weer toegestaan: offline"),
        "en": ("The school is taking 1 publication with your child offline", "Allowed again:"),
    }[language]
    assert coming_down in " ".join(seen["child"].split())
    assert again in seen["my data"]
