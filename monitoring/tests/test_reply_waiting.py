"""A correction drafted on a case reaches whoever must approve it: the school's director,
or every board member when the school has none (as the board's home promises: "reacties
om goed te keuren gaan naar het hele bestuur"). Before, a draft waited unseen until
someone happened to open the case."""

from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from conftest import make_staff
from monitoring.models import PublicReply
from monitoring.tests.helpers import PUPIL_TEXT, make_case, make_flag, make_post, make_source
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

TEXT = "Dat klopt niet: de school blijft open."


def fact_case(school, **extra):
    case = make_case(school, **extra)
    make_flag(make_post(make_source(), text=PUPIL_TEXT), school, category="verify_fact", case=case)
    return case


def draft(client, case):
    return client.post(reverse("monitoring:reply_draft", args=[case.pk]), {"text": TEXT})


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_it_emails_the_director_a_correction_the_board_drafted(login, board, director_a, school_a):
    case = fact_case(school_a)
    draft(login(board), case)
    run_due_duties()

    [sent] = mail.outbox
    assert sent.to == [director_a.email]
    assert sent.subject.endswith("Een correctie over OBS De Vlindertuin wacht op uw goedkeuring")
    assert "wilt u haar in het portaal lezen en goedkeuren" in sent.body
    link = reverse("monitoring:case", args=[case.pk])
    assert link in sent.body
    assert "Daan" not in sent.body and TEXT not in sent.body  # no post text, no names
    assert login(director_a).get(link).status_code == 200


def test_it_emails_every_board_member_but_the_drafter_at_a_school_without_a_director(
    login, board, school_b
):
    colleague = make_staff("bestuur2@example.org", StaffMembership.Role.BOARD)
    case = fact_case(school_b)

    response = draft(login(board), case)
    run_due_duties()

    assert [sent.to for sent in mail.outbox] == [[colleague.email]]
    assert said(response) == [
        "Correctie opgesteld; het bestuur moet haar goedkeuren, omdat de school geen "
        "directeur heeft."
    ]


def test_a_double_click_emails_once(login, board, director_a, school_a):
    case = fact_case(school_a)
    client = login(board)
    draft(client, case)
    draft(client, case)
    run_due_duties()
    assert PublicReply.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_correction_approved_before_the_email_went_is_not_announced(
    login, board, director_a, school_a
):
    case = fact_case(school_a)
    draft(login(board), case)
    reply = PublicReply.objects.get()
    login(director_a).post(reverse("monitoring:reply_approve", args=[reply.pk]))
    run_due_duties()
    assert mail.outbox == []


def test_the_director_drafting_is_not_emailed(login, director_a, school_a):
    draft(login(director_a), fact_case(school_a))
    run_due_duties()
    assert mail.outbox == []


def test_the_case_page_says_the_board_approves_at_a_school_without_a_director(
    login, board, school_b
):
    case = fact_case(school_b)
    client = login(board)
    draft(client, case)

    page = client.get(reverse("monitoring:case", args=[case.pk])).content.decode()

    assert "Wacht op goedkeuring van het bestuur (de school heeft geen directeur)." in page
    assert "met goedkeuring van de directeur" not in page
    assert "rechtgezet, met goedkeuring van het bestuur (de school heeft geen directeur)." in page


def test_the_case_page_says_the_director_approves_at_a_school_with_one(
    login, board, director_a, school_a
):
    case = fact_case(school_a)
    client = login(board)
    draft(client, case)

    page = client.get(reverse("monitoring:case", args=[case.pk])).content.decode()

    assert "Wacht op goedkeuring van de directeur." in page
    assert "mag worden rechtgezet, met goedkeuring van de directeur." in page


def test_the_case_page_shows_a_reply_isolated_so_a_direction_control_stays_inside(
    login, board, director_a, school_a
):
    """The reply is a text as it was written, U+202E too: in an element of its own
    direction it cannot flip who drafted it, the approval or the buttons after it."""
    case = fact_case(school_a)
    client = login(board)
    client.post(reverse("monitoring:reply_draft", args=[case.pk]), {"text": "Klopt \u202eniet"})

    page = client.get(reverse("monitoring:case", args=[case.pk])).content.decode()

    assert '<blockquote class="mon-post" dir="auto">Klopt \u202eniet</blockquote>' in page
