"""A public reply's steps sent twice (a double click, Back and send again, two directors at
once): one draft, one approval, one posting, and the second click is told who did it."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from conftest import at_the_same_moment, make_staff, require_service
from monitoring import services
from monitoring.models import PublicReply
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
from schools.models import StaffMembership

TEXT = "Dat klopt niet: het schoolfeest is op vrijdag."


@pytest.fixture
def fact_case(school_a):
    case = make_case(school_a)
    make_flag(make_post(make_source()), school_a, category="verify_fact", case=case)
    return case


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_double_click_on_draft_makes_one_draft(login, director_a, fact_case):
    client = login(director_a)
    url = reverse("monitoring:reply_draft", args=[fact_case.pk])
    client.post(url, {"text": TEXT}, follow=True)

    response = client.post(url, {"text": TEXT})

    assert response.url == reverse("monitoring:case", args=[fact_case.pk])
    assert PublicReply.objects.count() == 1
    [message] = said(response)
    assert message.startswith("Deze correctie is al opgesteld door ")


def test_another_text_after_a_draft_is_a_second_draft(login, director_a, fact_case):
    client = login(director_a)
    url = reverse("monitoring:reply_draft", args=[fact_case.pk])
    client.post(url, {"text": TEXT})
    client.post(url, {"text": TEXT + " Zie de nieuwsbrief."})
    assert PublicReply.objects.count() == 2


def test_a_second_click_on_approve_says_who_approved(login, director_a, fact_case, school_a):
    reply = services.public_reply_draft(case=fact_case, text=TEXT, user=director_a)
    colleague = make_staff("adjunct.a@example.org", StaffMembership.Role.DIRECTOR, school_a)
    url = reverse("monitoring:reply_approve", args=[reply.pk])
    login(director_a).post(url, follow=True)

    response = login(colleague).post(url)

    reply.refresh_from_db()
    assert reply.approved_by == director_a
    [message] = said(response)
    assert message.startswith("Deze reactie is al goedgekeurd door ")


def test_posted_twice_keeps_the_first_address_and_says_so(login, director_a, fact_case):
    reply = services.public_reply_draft(case=fact_case, text=TEXT, user=director_a)
    services.public_reply_approve(reply=reply, user=director_a)
    client = login(director_a)
    url = reverse("monitoring:reply_posted", args=[reply.pk])
    client.post(url, {"posted_url": "https://social.example/1"}, follow=True)

    response = client.post(url, {"posted_url": "https://social.example/2"})

    reply.refresh_from_db()
    assert reply.posted_url == "https://social.example/1"
    [message] = said(response)
    assert message.startswith("De plaatsing van deze reactie is al vastgelegd door ")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_directors_approving_at_once_record_the_first(director_a, school_a):
    require_service("DATABASE_URL")
    case = make_case(school_a)
    make_flag(make_post(make_source()), school_a, category="verify_fact", case=case)
    reply = services.public_reply_draft(case=case, text=TEXT, user=director_a)
    colleague = make_staff("adjunct.a@example.org", StaffMembership.Role.DIRECTOR, school_a)
    other = Client()
    other.force_login(colleague)
    responses = []

    at_the_same_moment(
        lambda: services.public_reply_approve(reply=reply, user=director_a),
        lambda: responses.append(other.post(reverse("monitoring:reply_approve", args=[reply.pk]))),
    )

    reply.refresh_from_db()
    assert reply.approved_by == director_a
    assert said(responses[0])[0].startswith("Deze reactie is al goedgekeurd door ")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_clicks_on_draft_at_once_make_one_draft(director_a, school_a):
    require_service("DATABASE_URL")
    case = make_case(school_a)
    make_flag(make_post(make_source()), school_a, category="verify_fact", case=case)
    other = Client()
    other.force_login(director_a)
    responses = []

    at_the_same_moment(
        lambda: services.public_reply_draft(case=case, text=TEXT, user=director_a),
        lambda: responses.append(
            other.post(reverse("monitoring:reply_draft", args=[case.pk]), {"text": TEXT})
        ),
    )

    assert PublicReply.objects.count() == 1
    assert responses[0].status_code == 302
