"""A school's contact address for parents' replies (School.contact_email): set by its
director or board staff on its own page, refused with a form error when it is not one
bare address, and never taken from anyone's own account."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse

from schools.models import School


def contact_url(school) -> str:
    return reverse("schools:school_contact", args=[school.code])


def test_it_lets_the_director_set_the_address_and_goes_back_to_coverage(
    login, director_a, school_a
):
    client = login(director_a)
    response = client.post(contact_url(school_a), {"contact_email": " Info@Vlindertuin.nl "})
    assert response.status_code == 302
    assert response.url == reverse("consent:coverage", args=[school_a.code])
    school_a.refresh_from_db()
    assert school_a.contact_email == "Info@Vlindertuin.nl"  # as typed, spaces dropped
    assert school_a.reply_to() == "Info@Vlindertuin.nl"
    entry = LogEntry.objects.get()
    assert (entry.user_id, entry.action_flag, entry.object_id) == (
        director_a.pk,
        CHANGE,
        str(school_a.pk),
    )


def test_it_shows_the_address_and_lets_it_be_emptied(login, board, school_a):
    School.objects.filter(pk=school_a.pk).update(contact_email="info@vlindertuin.nl")
    client = login(board)
    page = client.get(contact_url(school_a))
    assert page.status_code == 200 and 'value="info@vlindertuin.nl"' in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    client.post(contact_url(school_a), {"contact_email": ""})
    school_a.refresh_from_db()
    assert school_a.contact_email == "" and school_a.reply_to() == ""


@pytest.mark.parametrize(
    "typed",
    [
        "info@vlindertuin.nl\r\nBcc: iedereen@example.org",  # a header of its own
        "info@vlindertuin.nl\nBcc: iedereen@example.org",
        "info@vlindertuin.nl, directeur@gmail.example",  # a second address
        "De Vlindertuin <info@vlindertuin.nl>",  # a name: one bare address only
        "info@",
        "x" * 250 + "@vlindertuin.nl",
    ],
)
def test_it_refuses_what_is_not_one_address_as_a_form_error(login, director_a, school_a, typed):
    client = login(director_a)
    response = client.post(contact_url(school_a), {"contact_email": typed})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    school_a.refresh_from_db()
    assert school_a.contact_email == ""
    assert not LogEntry.objects.exists()


def test_another_schools_director_gets_a_404(login, director_b, school_a):
    client = login(director_b)
    assert client.get(contact_url(school_a)).status_code == 404
    assert client.post(contact_url(school_a), {"contact_email": "x@y.nl"}).status_code == 404
    school_a.refresh_from_db()
    assert school_a.contact_email == ""


def test_a_stored_address_the_form_would_refuse_is_no_reply_to(school_a):
    """Written past the form (the shell, SQL): the e-mails go without a Reply-To and say
    replies are not read, instead of failing with BadHeaderError on every attempt."""
    for stored in ["info@vlindertuin.nl\nBcc: x@example.org", "a@x.nl, b@y.nl", "geen adres"]:
        School.objects.filter(pk=school_a.pk).update(contact_email=stored)
        school_a.refresh_from_db()
        assert school_a.reply_to() == ""


def test_the_admin_refuses_a_bad_address(admin_client, school_a):
    url = reverse("admin:schools_school_change", args=[school_a.pk])
    form = {"code": school_a.code, "name": school_a.name, "aliases": "De Vlindertuin"}
    response = admin_client.post(url, {**form, "contact_email": "info@x.nl\nBcc: y@z.nl"})
    assert response.status_code == 200 and "errornote" in response.content.decode()
    admin_client.post(url, {**form, "contact_email": "info@vlindertuin.nl"})
    school_a.refresh_from_db()
    assert school_a.contact_email == "info@vlindertuin.nl"
