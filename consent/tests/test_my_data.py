"""The parent's right of access: a page and a JSON download of everything held."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format

from conftest import make_user
from consent.models import PurposeVersion
from consent.services import (
    publication_check_create,
    purpose_version_publish,
    review_confirm_unchanged,
    review_round_open,
)
from consent.tests.helpers import decide, html_of, purpose
from schools.models import Guardianship

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def history(teacher_a, director_a, parent_a, pupil_a, pupil_a2):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False, method="paper", recorded_by=director_a)
    publication_check_create(
        user=director_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a, pupil_a2]
    )


def download(client):
    response = client.get(reverse("consent:my_data_json"))
    assert response["Content-Disposition"].startswith("attachment")
    return json.loads(response.content)


def test_it_downloads_account_children_and_history(login, history, parent_a, pupil_a):
    data = download(login(parent_a))
    assert data["account"]["email"] == parent_a.email
    assert [c["leerlingnummer"] for c in data["children"]] == ["1001"]
    assert data["guardianships"] == [{"child": pupil_a.pk, "has_parental_authority": True}]
    assert [(e["purpose"], e["granted"], e["method"]) for e in data["consent_history"]] == [
        ("website", True, "portal"),
        ("pers", False, "paper"),
    ]


def test_it_shows_checks_with_only_the_own_child(login, history, parent_a, pupil_a, pupil_a2):
    data = download(login(parent_a))
    [check] = data["publication_checks"]
    assert [r["pupil"] for r in check["results"]] == [pupil_a.pk]
    assert "Roos" not in json.dumps(data)


def test_it_holds_nothing_of_other_families(login, history, parent_b):
    data = download(login(parent_b))
    assert data["consent_history"] == []
    assert data["publication_checks"] == []
    assert "Sem" not in json.dumps(data)


def test_it_shows_the_page(login, history, parent_a):
    response = login(parent_a).get(reverse("consent:my_data"))
    assert response.status_code == 200
    assert "1001" in response.content.decode()


@pytest.fixture
def second_address(parent_a):
    """A parent who added their work address on "Mijn account" and logs in with it too,
    and one more they never confirmed."""
    EmailAddress.objects.create(user=parent_a, email=parent_a.email, verified=True, primary=True)
    EmailAddress.objects.create(user=parent_a, email="a.werk@example.org", verified=True)
    EmailAddress.objects.create(user=parent_a, email="a.oud@example.org", verified=False)


def test_it_downloads_every_address_of_the_account(login, history, parent_a, second_address):
    """The download held only the main address: a parent who logs in with a second one
    did not find it in "everything the portal holds about you"."""
    data = download(login(parent_a))
    assert data["account"]["email"] == parent_a.email
    assert data["account"]["other_email_addresses"] == [
        {"email": "a.oud@example.org", "confirmed": False},
        {"email": "a.werk@example.org", "confirmed": True},
    ]


def test_it_shows_every_address_of_the_account(login, history, parent_a, second_address):
    page = login(parent_a).get(reverse("consent:my_data")).content.decode()
    assert "Andere e-mailadressen" in page
    assert "a.werk@example.org" in page
    assert "a.oud@example.org (niet bevestigd)" in page


def test_it_lists_no_other_address_of_an_account_with_one(login, history, parent_a):
    data = download(login(parent_a))
    assert data["account"]["other_email_addresses"] == []
    assert (
        "Andere e-mailadressen"
        not in login(parent_a).get(reverse("consent:my_data")).content.decode()
    )


def test_it_sends_anonymous_visitors_to_login(client, db):
    assert client.get(reverse("consent:my_data_json")).status_code == 302


# 00:30 in Amsterdam on 2 March is still 1 March in UTC (23:30); 00:30 on 1 August is
# 31 July 22:30 in UTC (summer time)
JUST_AFTER_MIDNIGHT = [
    (datetime.datetime(2026, 3, 2, 0, 30, tzinfo=AMSTERDAM), "2026-03-02T00:30:00+01:00"),
    (datetime.datetime(2026, 8, 1, 0, 30, tzinfo=AMSTERDAM), "2026-08-01T00:30:00+02:00"),
]


@pytest.mark.parametrize(("moment", "written"), JUST_AFTER_MIDNIGHT)
def test_it_writes_times_on_the_school_clock_as_the_page_does(
    login, teacher_a, parent_a, pupil_a, moment, written
):
    """A "ja" given at 00:30 is of that day in the download too, not of the day before."""
    with time_machine.travel(moment, tick=False):
        decide(pupil_a, parent_a, "website", "photo", True)
        publication_check_create(
            user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a]
        )
        client = login(parent_a)
        data = download(client)
        page = client.get(reverse("consent:my_data")).content.decode()
    [event] = data["consent_history"]
    [check] = data["publication_checks"]
    assert event["at"].startswith(written) and check["at"].startswith(written)
    assert data["account"]["last_login"].startswith(written)
    assert date_format(moment, "j F Y H:i") in page


def test_it_says_whom_to_ask_to_correct_or_remove_data(
    login, history, parent_a, pupil_b, school_a, school_b
):
    """The page says it holds everything, and the AVG also gives a right to have data
    corrected or removed: it said nowhere whom to ask. Each child's school once, with its
    contact address for parents, or the name alone when it has none."""
    Guardianship.objects.create(user=parent_a, pupil=pupil_b, has_parental_authority=True)
    school_a.contact_email = "info@vlindertuin.example"
    school_a.save()
    page = html_of(login(parent_a).get(reverse("consent:my_data")))
    assert "Klopt er iets niet, of wilt u iets laten verwijderen?" in page
    assert page.count('<a href="mailto:info@vlindertuin.example">') == 1
    assert "OBS Het Zwanenhof (vraag het op school: " in page


def test_a_parent_of_one_school_is_not_shown_another_schools_address(
    login, history, parent_a, school_b
):
    school_b.contact_email = "info@zwanenhof.example"
    school_b.save()
    page = login(parent_a).get(reverse("consent:my_data")).content.decode()
    assert "info@zwanenhof.example" not in page and "Zwanenhof" not in page


@pytest.fixture
def unlinked(history, director_a, parent_a, pupil_a):
    """Sem's other parent decided too, parent_a confirmed the choices unchanged in the
    yearly review, then parent_a's guardianship was removed in the admin."""
    other = make_user("ouder.tweede@example.org", full_name="Tweede Ouder")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, other, "nieuwsbrief", "audio", True)
    review_round = review_round_open(school=pupil_a.school, user=director_a)
    review_confirm_unchanged(review_round=review_round, user=parent_a, pupil=pupil_a)
    Guardianship.objects.get(user=parent_a, pupil=pupil_a).delete()  # as the admin does


def test_after_the_link_is_removed_the_page_lists_own_decisions_naming_no_child(
    login, unlinked, parent_a
):
    html = html_of(login(parent_a).get(reverse("consent:my_data")))
    decisions = html.split('id="decisions"')[1].split("<h2>")[0]
    assert decisions.count("door u") == 2 and "Website" in decisions
    assert "door de andere ouder" not in decisions and "Nieuwsbrief" not in decisions
    assert decisions.count("een kind aan wie u niet meer gekoppeld bent") == 2
    assert "Een kind aan wie u niet meer gekoppeld bent: keuzes ongewijzigd bevestigd" in html
    assert "Sem" not in html and "Bakker" not in html and "1001" not in html


def test_after_the_link_is_removed_the_download_lists_own_decisions_naming_no_child(
    login, unlinked, parent_a, pupil_a
):
    data = download(login(parent_a))
    assert data["children"] == [] and data["guardianships"] == []
    assert [(e["child"], e["guardian"], e["purpose"]) for e in data["consent_history"]] == [
        (pupil_a.pk, "you", "website"),
        (pupil_a.pk, "you", "pers"),
    ]
    assert [c["child"] for c in data["review_confirmations"]] == [pupil_a.pk]
    assert data["children_no_longer_linked"] == [pupil_a.pk]
    assert data["publication_checks"] == []
    assert "Sem" not in json.dumps(data) and "Bakker" not in json.dumps(data)


def test_a_linked_parent_has_no_child_no_longer_linked(login, history, parent_a):
    assert download(login(parent_a))["children_no_longer_linked"] == []


def test_it_does_not_tell_a_parent_without_gezag_they_change_choices_themselves(login, pupil_a):
    stepparent = make_user("stief@example.org", full_name="Stiefouder")
    Guardianship.objects.create(user=stepparent, pupil=pupil_a, has_parental_authority=False)
    text = _text(login(stepparent).get(reverse("consent:my_data")))
    assert "wijzigt u zelf" not in text
    assert "maken de ouders met gezag" in text


def test_it_tells_a_parent_with_gezag_they_change_choices_themselves(login, parent_a, pupil_a):
    text = _text(login(parent_a).get(reverse("consent:my_data")))
    assert "Uw keuzes over foto's, film en geluid wijzigt u zelf" in text


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


SUPERSEDED = "tekstversie 1; telt niet meer: de betekenis van de tekst is daarna veranderd"


def _decisions(client) -> str:
    text = _text(client.get(reverse("consent:my_data")))
    return text.split("Beslissingen over foto's, film en geluid")[1].split("Publicatiecontroles")[0]


def _publish(board, code, kind):
    purpose_version_publish(user=board, purpose=purpose(code), text=f"New {kind}.", kind=kind)


def test_it_says_which_text_version_each_answer_was_given_to(login, parent_a, pupil_a, board):
    """A parent reading "Website, foto: ja" could not tell which text they said yes to;
    the child's history says it ("tekstversie 1"), so does this page."""
    decide(pupil_a, parent_a, "website", "photo", True)
    _publish(board, "website", PurposeVersion.Kind.CORRECTION)
    decide(pupil_a, parent_a, "website", "photo", False)
    decisions = _decisions(login(parent_a))
    assert "Website van de school (tekstversie 1), foto: ja" in decisions
    assert "Website van de school (tekstversie 2), foto: nee" in decisions
    assert "telt niet meer" not in decisions  # a correction keeps earlier answers valid


def test_it_says_an_answer_to_an_earlier_meaning_no_longer_counts(login, parent_a, pupil_a, board):
    """After a change of meaning the old "ja" no longer counts (the child's page asks
    again); "Mijn gegevens" listed it as if it stood, in the words of the history."""
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False)
    _publish(board, "website", PurposeVersion.Kind.CHANGE_OF_MEANING)
    client = login(parent_a)
    decisions = _decisions(client)
    assert f"Website van de school ({SUPERSEDED}), foto: ja" in decisions
    assert decisions.count("telt niet meer") == 1  # the answer on "pers" still counts
    decide(pupil_a, parent_a, "website", "photo", True)
    decisions = _decisions(client)
    assert (
        decisions.count(SUPERSEDED) == 1
        and "Website van de school (tekstversie 2), foto: ja" in decisions
    )


def test_the_download_says_which_answers_no_longer_count(login, parent_a, pupil_a, board):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False)
    _publish(board, "website", PurposeVersion.Kind.CHANGE_OF_MEANING)
    _publish(board, "pers", PurposeVersion.Kind.CORRECTION)
    decide(pupil_a, parent_a, "website", "photo", False)
    history = download(login(parent_a))["consent_history"]
    changed = sorted(
        (e["purpose"], e["purpose_version"], e["meaning_changed_since"]) for e in history
    )
    assert changed == [("pers", 1, False), ("website", 1, True), ("website", 2, False)]


@pytest.fixture
def many_answers(parent_a, pupil_a, pupil_b, board):
    """Two children, answers on every channel and media type, two changes of meaning."""
    Guardianship.objects.create(user=parent_a, pupil=pupil_b, has_parental_authority=True)
    for code in ("website", "pers", "nieuwsbrief"):
        for media in ("photo", "video", "audio"):
            for child in (pupil_a, pupil_b):
                decide(child, parent_a, code, media, True)
    _publish(board, "website", PurposeVersion.Kind.CHANGE_OF_MEANING)
    _publish(board, "pers", PurposeVersion.Kind.CHANGE_OF_MEANING)
    decide(pupil_b, parent_a, "website", "photo", False)
    # the other parent's answers, whose gezag ended since
    other = make_user("ouder.ex@example.org")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    for code in ("website", "pers"):
        decide(pupil_a, other, code, "photo", True)
    _without_gezag(other, pupil_a)


def _queries(client, name) -> list[str]:
    client.get(reverse(name))  # the session's user, cached (accounts.user_cache)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name)).status_code == 200
    return [q["sql"][:80] for q in queries.captured_queries]


@pytest.mark.parametrize("many", [False, True])
def test_the_page_reads_which_answers_count_in_one_query(request, login, parent_a, pupil_a, many):
    decide(pupil_a, parent_a, "website", "photo", True)
    if many:
        request.getfixturevalue("many_answers")
    queries = _queries(login(parent_a), "consent:my_data")
    # as test_my_data_reminders counts them (12: the last three below, and whether there is
    # a staff part, accounts.staff_data), of which: the channels with their
    # versions (consent.rules.purpose_infos, as every consent page reads them), for which
    # answers no longer count as the text changed in meaning, and the children's current
    # gezag-holders (consent.rules.gezag_holders, as the rules read them), for which
    # answers no longer count as the parent's gezag ended. One each for every child,
    # channel and answer: none per row.
    assert len(queries) == 12, queries


@pytest.mark.parametrize("many", [False, True])
def test_the_download_reads_which_answers_count_in_one_query(
    request, login, parent_a, pupil_a, many
):
    decide(pupil_a, parent_a, "website", "photo", True)
    if many:
        request.getfixturevalue("many_answers")
    queries = _queries(login(parent_a), "consent:my_data_json")
    # the user and their memberships (the session), the guardianships with pupils, the
    # review confirmations, the other e-mail addresses, the decisions, the checks, the
    # reminders sent, the reminder stop, the channels with their versions (which answers
    # no longer count, their text changed in meaning) and the children's gezag-holders
    # (which no longer count, the parent's gezag ended), and the children's takedowns
    # (whether the school took each publication offline after a "nee"; one for every
    # check, test_my_data_takedowns.py), and whether they have anything kept about them
    # as staff (accounts.staff_data: none, so their file says "as_staff": null)
    assert len(queries) == 13, queries


OTHER_LOST_GEZAG = "tekstversie 1; telt niet meer: de andere ouder heeft geen gezag meer"
YOU_LOST_GEZAG = "tekstversie 1; telt niet meer: u hebt geen gezag meer"


def _without_gezag(user, pupil):
    Guardianship.objects.filter(user=user, pupil=pupil).update(has_parental_authority=False)


def test_it_says_the_other_parents_answer_no_longer_counts_once_their_gezag_ended(
    login, parent_a, code_parent, pupil_a
):
    """The other parent's "ja" stopped counting when their gezag ended (the child's page
    says not answered); "Mijn gegevens" listed it as if it stood."""
    decide(pupil_a, code_parent, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False)
    _without_gezag(code_parent, pupil_a)
    decisions = _decisions(login(parent_a))
    assert f"Website van de school ({OTHER_LOST_GEZAG}), foto: ja" in decisions
    assert decisions.count("telt niet meer") == 1  # parent_a's own answer still counts


def test_it_tells_a_parent_whose_gezag_ended_their_answers_no_longer_count(
    login, parent_a, code_parent, pupil_a, board
):
    """Still linked without gezag: their own answers no longer count, the other parent's
    still do; an answer to a text whose meaning changed since says both reasons."""
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False)
    decide(pupil_a, code_parent, "nieuwsbrief", "audio", True)
    _publish(board, "pers", PurposeVersion.Kind.CHANGE_OF_MEANING)
    _without_gezag(parent_a, pupil_a)
    decisions = _decisions(login(parent_a))
    assert f"Website van de school ({YOU_LOST_GEZAG}), foto: ja" in decisions
    assert (
        f"({YOU_LOST_GEZAG}, en de betekenis van de tekst is daarna veranderd), film: nee"
        in decisions
    )
    assert decisions.count("telt niet meer") == 2  # not the other parent's


def test_after_the_link_is_removed_the_page_says_own_decisions_no_longer_count(
    login, unlinked, parent_a
):
    decisions = _decisions(login(parent_a))
    assert decisions.count(YOU_LOST_GEZAG) == 2


def test_the_download_says_which_answers_no_longer_count_as_gezag_ended(
    login, parent_a, code_parent, pupil_a
):
    decide(pupil_a, code_parent, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "video", False)
    _without_gezag(code_parent, pupil_a)
    history = download(login(parent_a))["consent_history"]
    ended = sorted((e["guardian"], e["gezag_ended_since"]) for e in history)
    assert ended == [("other_parent", True), ("you", False)]
    _without_gezag(parent_a, pupil_a)
    history = download(login(parent_a))["consent_history"]
    assert [e["gezag_ended_since"] for e in history] == [True, True]
