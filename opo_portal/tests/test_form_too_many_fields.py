"""A form with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS says so, and nothing is saved.

Django refuses such a body before any view reads it (TooManyFieldsSent), as it refuses one
too large (test_form_too_large.py); it got the general "the portal did not understand this
request" page. handler400 (`accounts.views.bad_request`) now names this cause too."""

import pytest
from django.test import Client
from django.urls import reverse

from opo_portal.tests.test_url_access import FORM
from policy import services as policy_services
from policy.models import ProtocolVersion

TOO_MANY = "Het formulier had te veel velden"
NOTHING_SAVED = "dus er is niets opgeslagen"


def _fields(n: int) -> str:
    return "&".join(f"veld{i}=x" for i in range(n))


def test_it_says_a_form_had_too_many_fields(login, board, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    draft = policy_services.version_draft_start(by=board)
    url = reverse("policy:draft_edit", args=[draft.number])

    response = login(board).post(
        url,
        "summary=Wijzigingen&" + _fields(20),
        content_type=FORM,
        headers={"referer": f"http://testserver{url}"},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert TOO_MANY in page and NOTHING_SAVED in page
    assert "(hoogstens 10)" in page
    assert f'href="{url}"' in page  # back to the form
    assert "Foutcode 400" in page
    assert "te veel tekst" not in page and "Er is niets gewijzigd" not in page
    assert ProtocolVersion.objects.get(pk=draft.pk).summary == ""


def test_it_says_so_for_a_multipart_form_in_the_persons_own_language(login, board, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    board.language = "en"
    board.save(update_fields=["language"])
    draft = policy_services.version_draft_start(by=board)

    response = login(board).post(
        reverse("policy:draft_edit", args=[draft.number]),
        {f"veld{i}": "x" for i in range(20)},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "The form had too many fields" in page and "so nothing was saved" in page


@pytest.mark.parametrize(("url", "user"), [("/scholen/import/", "parent_a"), ("/foto/", "board")])
def test_an_upload_page_out_of_reach_says_so_too(request, url, user, settings):
    """As for a body too large: the 404 page's own CSRF check is the first to read it."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.cookies["csrftoken"] = "a" * 32
    browser.force_login(request.getfixturevalue(user))

    response = browser.post(url, {f"veld{i}": "x" for i in range(20)})

    assert response.status_code == 400
    assert TOO_MANY in response.content.decode()
