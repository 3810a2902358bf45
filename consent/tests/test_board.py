"""Board staff manage purposes: add one, or publish a correction or a change of meaning."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from consent.models import Purpose, PurposeVersion
from consent.rules import State
from consent.tests.helpers import decide, purpose, state_of


@pytest.mark.parametrize(
    ("cast_member", "status"),
    [("board", 200), ("director_a", 404), ("teacher_a", 404), ("parent_a", 404), ("outsider", 404)],
)
def test_it_shows_purposes_to_board_staff_only(db, request, login, cast_member, status):
    user = request.getfixturevalue(cast_member)
    assert login(user).get(reverse("consent:purposes")).status_code == status
    url = reverse("consent:purpose_text", args=[purpose("website").pk])
    assert login(user).get(url).status_code == status


def test_it_seeds_the_six_channels(db):
    assert set(Purpose.objects.values_list("code", flat=True)) == {
        "schoolgids",
        "website",
        "nieuwsbrief",
        "ouderapp",
        "sociale-media",
        "pers",
    }
    assert all(v.text_hash and v.number == 1 for v in PurposeVersion.objects.all())


def test_it_adds_a_purpose_with_a_first_version(login, board):
    response = login(board).post(
        reverse("consent:purposes"),
        {"code": "kalender", "name": "Jaarkalender", "text": "Foto's in de jaarkalender."},
    )
    assert response.status_code == 302
    version = PurposeVersion.objects.get(purpose__code="kalender")
    assert (version.number, version.created_by) == (1, board)


def test_it_refuses_a_duplicate_code(login, board):
    response = login(board).post(
        reverse("consent:purposes"), {"code": "website", "name": "X", "text": "Y"}
    )
    assert response.status_code == 400
    assert Purpose.objects.filter(code="website").count() == 1


def test_a_second_click_racing_the_first_to_add_a_purpose_is_told_it_was_added(login, board):
    """Both clicks find no purpose with the code yet; the unique code refuses the second,
    which is told the purpose was added instead of getting a server error (or a form
    error that read as if nothing was added: consent/tests/test_purpose_add_twice.py)."""
    from unittest import mock

    client = login(board)
    data = {"code": "kalender", "name": "Jaarkalender", "text": "Foto's in de jaarkalender."}
    client.post(reverse("consent:purposes"), data)
    before_the_first_committed = mock.patch.object(
        Purpose.objects, "filter", return_value=Purpose.objects.none()
    )
    with before_the_first_committed:
        response = client.post(reverse("consent:purposes"), data)
    assert response.status_code == 302
    *_first, message = get_messages(response.wsgi_request)
    assert str(message) == "Het doel “Jaarkalender” is al toegevoegd; er is niets gewijzigd."
    assert Purpose.objects.filter(code="kalender").count() == 1


def test_it_keeps_answers_after_a_correction_over_http(login, board, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    url = reverse("consent:purpose_text", args=[purpose("website").pk])
    login(board).post(url, {"text": "Gecorrigeerde tekst.", "kind": "correction"})
    assert purpose("website").versions.count() == 2
    assert state_of(pupil_a, "website", "photo") == State.GRANTED


def test_it_asks_again_for_that_purpose_only_after_a_change_of_meaning(
    login, board, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "pers", "photo", True)
    url = reverse("consent:purpose_text", args=[purpose("website").pk])
    data = {"text": "Nieuwe betekenis.", "kind": "change_of_meaning"}
    login(board).post(url, {**data, "confirmed": "1"})
    assert state_of(pupil_a, "website", "photo") == State.UNANSWERED
    assert state_of(pupil_a, "pers", "photo") == State.GRANTED


def test_it_refuses_an_unchanged_text(login, board):
    website = purpose("website")
    url = reverse("consent:purpose_text", args=[website.pk])
    response = login(board).post(url, {"text": website.versions.get().text, "kind": "correction"})
    assert response.status_code == 400
    assert website.versions.count() == 1


def test_it_shows_how_many_parents_a_change_of_meaning_emails_before_publishing(
    eager_tasks, django_capture_on_commit_callbacks, login, board, parent_a, parent_b
):
    url = reverse("consent:purpose_text", args=[purpose("website").pk])
    data = {"text": "Nieuwe betekenis.", "kind": "change_of_meaning"}
    client = login(board)
    with django_capture_on_commit_callbacks(execute=True):
        preview = client.post(url, data)
    assert "2 ouders met gezag krijgen een e-mail" in preview.content.decode()
    assert purpose("website").versions.count() == 1 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "confirmed": "1"}, follow=True)
    assert purpose("website").versions.count() == 2
    assert len(mail.outbox) == 2
    assert "2 ouders krijgen een e-mail om opnieuw te antwoorden" in response.content.decode()


def test_a_change_of_meaning_counts_only_the_parents_it_emails(
    eager_tasks, django_capture_on_commit_callbacks, login, board, parent_a, parent_b
):
    """The outbox sends a deactivated account nothing: the preview and the report count
    them apart, and the send writes no e-mail duty for them."""
    from outbox.models import Duty

    parent_b.is_active = False
    parent_b.save()
    url = reverse("consent:purpose_text", args=[purpose("website").pk])
    data = {"text": "Nieuwe betekenis.", "kind": "change_of_meaning"}
    client = login(board)
    preview = client.post(url, data).content.decode()
    assert "1 ouder met gezag krijgt een e-mail" in preview
    assert "1 ouder met gezag krijgt geen e-mail: het account is uitgeschakeld." in preview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "confirmed": "1"}, follow=True)
    report = response.content.decode()
    assert "1 ouder krijgt een e-mail om opnieuw te antwoorden" in report
    assert "1 ouder krijgt geen e-mail: het account is uitgeschakeld" in report
    assert [m.to for m in mail.outbox] == [[parent_a.email]]
    assert Duty.objects.filter(handler="consent.duties.purpose_changed_email_send").count() == 1


def test_the_preview_of_a_change_of_meaning_says_what_it_takes_down(
    login, board, teacher_a, parent_a, pupil_a
):
    """Publishing a change of meaning takes down what pupils appear in on that channel:
    the board is told how many publications before it confirms."""
    from consent.services import publication_check_create

    decide(pupil_a, parent_a, "website", "photo", True)
    for media in ("photo", "photo", "video"):
        publication_check_create(
            user=teacher_a, purpose=purpose("website"), media_type=media, pupils=[pupil_a]
        )
    publication_check_create(
        user=teacher_a, purpose=purpose("pers"), media_type="photo", pupils=[pupil_a]
    )
    url = reverse("consent:purpose_text", args=[purpose("website").pk])
    data = {"text": "Nieuwe betekenis.", "kind": "change_of_meaning"}
    preview = " ".join(login(board).post(url, data).content.decode().split())
    assert "3 publicaties op dit kanaal tonen leerlingen: die worden offline gehaald." in preview
    assert "De leerkrachten die ze controleerden, krijgen een taak en een e-mail." in preview


# --- Bad input in the purpose forms (2026-12-06 audit as the board) ----------------------
TOO_LONG = "Wij plaatsen foto's van uw kind. " * 200  # 6,600 characters


def test_it_refuses_a_new_purpose_with_a_text_too_long_to_read_on_a_phone(login, board):
    """Every parent reads the text on their child's page: a pasted document of a megabyte
    was accepted and shown to all of them."""
    data = {"code": "kalender", "name": "Jaarkalender", "text": TOO_LONG}
    response = login(board).post(reverse("consent:purposes"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "niet meer dan 2000 tekens" in html
    assert "Wij plaatsen foto&#x27;s van uw kind." in html  # what was typed stays
    assert 'maxlength="2000"' not in html  # a pasted text is not cut short unseen
    assert not Purpose.objects.filter(code="kalender").exists()


def test_it_refuses_a_new_text_too_long_to_read_on_a_phone(login, board):
    website = purpose("website")
    url = reverse("consent:purpose_text", args=[website.pk])
    response = login(board).post(url, {"text": TOO_LONG, "kind": "correction", "based_on": "1"})
    assert response.status_code == 400
    assert "niet meer dan 2000 tekens" in response.content.decode()
    assert website.versions.count() == 1


def test_it_shows_html_in_a_purpose_as_text_to_the_board_and_the_parents(
    login, board, parent_a, pupil_a
):
    data = {"code": "kalender", "name": "<b>Kalender</b>", "text": "<script>alert(1)</script>"}
    login(board).post(reverse("consent:purposes"), data)
    for page in (
        login(board).get(reverse("consent:purposes")),
        login(parent_a).get(reverse("consent:child", args=[pupil_a.pk])),
    ):
        html = page.content.decode()
        assert "<script>alert(1)" not in html and "<b>Kalender" not in html
        assert "&lt;b&gt;Kalender&lt;/b&gt;" in html


def test_it_calls_a_first_text_a_first_text_not_a_change_of_meaning(login, board):
    """Version 1 is stored as a change of meaning (it starts the answers), but nobody was
    asked *again*: the board read "andere betekenis (ouders opnieuw vragen)" on every
    channel it never changed."""
    html = " ".join(login(board).get(reverse("consent:purposes")).content.decode().split())
    assert "1 · eerste tekst" in html
    assert "opnieuw vragen" not in html
    url = reverse("consent:purpose_text", args=[purpose("website").pk])
    html = " ".join(login(board).get(url).content.decode().split())
    assert "· eerste tekst" in html


def test_a_change_of_meaning_of_a_channel_switched_off_asks_no_parent_again(
    eager_tasks, django_capture_on_commit_callbacks, login, board, teacher_a, parent_a, pupil_a
):
    """Parents cannot say "ja" on a channel no longer in use, and without a "ja" standing
    it leaves their child's page: an e-mail asking them to answer it again sent every
    parent to a question that was not there. What was published on it still comes down."""
    from consent.models import TakedownTask
    from consent.services import publication_check_create
    from outbox.models import Duty

    decide(pupil_a, parent_a, "pers", "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("pers"), media_type="photo", pupils=[pupil_a]
    )
    Purpose.objects.filter(code="pers").update(active=False)
    url = reverse("consent:purpose_text", args=[purpose("pers").pk])
    data = {"text": "Nieuwe betekenis.", "kind": "change_of_meaning", "based_on": "1"}
    client = login(board)
    preview = " ".join(client.post(url, data).content.decode().split())
    assert "niet meer in gebruik voor nieuwe berichten: ouders krijgen geen e-mail" in preview
    assert "krijgt een e-mail" not in preview and "ouders e-mailen" not in preview
    assert "1 publicatie op dit kanaal toont leerlingen" in preview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "confirmed": "1"}, follow=True)
    report = " ".join(response.content.decode().split())
    assert "De nieuwe tekst is gepubliceerd. Geen ouder krijgt een e-mail" in report
    assert purpose("pers").versions.count() == 2
    assert not Duty.objects.filter(handler__startswith="consent.duties.purpose_changed").exists()
    assert [m.to for m in mail.outbox] == [[teacher_a.email]]  # the takedown only
    assert TakedownTask.objects.filter(pupil=pupil_a, reason="change_of_meaning").exists()


def test_it_refuses_a_purpose_named_like_an_existing_one(login, board):
    """Parents would answer two channels of the same name, and a teacher pick one of two
    identical lines before posting."""
    data = {"code": "website-2", "name": " website van de School ", "text": "Y"}
    response = login(board).post(reverse("consent:purposes"), data)
    assert response.status_code == 400
    assert "Er bestaat al een doel met de naam “Website van de school”." in (
        response.content.decode()
    )
    assert not Purpose.objects.filter(code="website-2").exists()


def test_it_stores_a_code_in_lower_case_so_that_it_is_one_code(login, board):
    client = login(board)
    client.post(reverse("consent:purposes"), {"code": "Kalender", "name": "Kalender", "text": "Y"})
    response = client.post(
        reverse("consent:purposes"), {"code": "KALENDER", "name": "Jaarkalender", "text": "Y"}
    )
    assert "Er bestaat al een doel met deze code." in response.content.decode()
    assert list(Purpose.objects.filter(code__iexact="kalender").values_list("code", flat=True)) == [
        "kalender"
    ]
