"""The paper form altered by hand, as with a browser's developer tools: each field the
page sends (the hidden text versions, the parent, the method, the answers) removed, sent
twice, emptied or given another id, and names the page never sends.

What the page could not have sent is refused as altered ("Het formulier is gewijzigd
nadat de pagina werd getoond …", a 400) and writes nothing: no consent event, no takedown,
no conflict notice, no outbox duty, no e-mail. Until 2026-12-07 a missing text version
was saved against the current text, a field sent twice was read by its last value and an
answer on a channel the page does not show was dropped while the rest was saved. What has
an honest cause is said as that cause (a parent whose gezag ended meanwhile), and what
the form does not read changes nothing."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from consent.models import ConsentEvent, Purpose, TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import answer_field, decide, purpose, version_field
from schools.models import Guardianship

ALTERED = "Het formulier is gewijzigd nadat de pagina werd getoond"
NOTHING = "Er is niets vastgelegd."
SOCIAL = "sociale-media"


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    """Sem's parent said yes to photos on social media; teacher A published one: a "no"
    recorded on paper writes an event, a takedown task, its duty and its e-mail."""
    decide(pupil_a, parent_a, SOCIAL, "photo", True)
    return publication_check_create(
        user=teacher_a, purpose=purpose(SOCIAL), media_type="photo", pupils=[pupil_a]
    )


def record(pupil) -> str:
    return reverse("consent:record", args=[pupil.pk])


def shown_form(client, pupil) -> dict:
    """Every hidden field the page shows, with its value (the CSRF token aside)."""
    page = client.get(record(pupil)).content.decode()
    hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page))
    hidden.pop("csrfmiddlewaretoken", None)
    assert hidden and all(re.fullmatch(r"v-\d+", name) for name in hidden)  # all looked at
    return hidden


def social_no(client, pupil, guardian) -> dict:
    """The form as the page sends it: a "no" to photos on social media, on paper."""
    data = {"guardian": str(guardian.pk), "method": "paper", **shown_form(client, pupil)}
    data[answer_field(SOCIAL)] = "no"
    return data


def post_refused(client, pupil, data, written, *, status=400) -> str:
    before = written()
    response = client.post(record(pupil), data)
    assert response.status_code == status
    assert written() == before  # no event, takedown, notice, duty or e-mail
    return response.content.decode()


def test_the_form_as_the_page_sends_it_writes_the_no_and_its_takedown(
    eager_tasks, django_capture_on_commit_callbacks, login, published, director_a, parent_a, pupil_a
):
    """The attacks below start from this form; sent untouched it writes everything they
    must not."""
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(record(pupil_a), data)
    assert response.status_code == 302
    assert ConsentEvent.objects.filter(recorded_by=director_a).count() == 1
    assert TakedownTask.objects.count() == 1 and len(mail.outbox) == 1


# --- the hidden text versions ----------------------------------------------------------


def test_an_answered_channel_without_its_version_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, director_a, parent_a,
    pupil_a, written,
):  # fmt: skip
    """It was saved against the channel's current text, whatever the parent read."""
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    del data[version_field(SOCIAL)]

    with django_capture_on_commit_callbacks(execute=True):
        page = post_refused(client, pupil_a, data, written)

    assert ALTERED in page and NOTHING in page
    assert "de tekstversie van “Sociale media van de school” ontbreekt" in page


@pytest.mark.parametrize("channel", [SOCIAL, "pers"], ids=["answered", "left-open"])
def test_an_empty_version_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, director_a, parent_a,
    pupil_a, written, channel,
):  # fmt: skip
    """The page never sends an empty version; it was read as no version at all."""
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    data[version_field(channel)] = ""

    with django_capture_on_commit_callbacks(execute=True):
        page = post_refused(client, pupil_a, data, written)

    assert ALTERED in page and NOTHING in page
    assert f"“{purpose(channel).name}”" in page


def test_a_channel_left_open_without_its_version_is_recorded(
    login, published, director_a, parent_a, pupil_a
):
    """A channel added since the page was shown has no version on it, and is not answered
    either: the rest of the form is recorded."""
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    del data[version_field("pers")]
    assert client.post(record(pupil_a), data).status_code == 302
    assert ConsentEvent.objects.filter(recorded_by=director_a).count() == 1


def test_a_version_of_a_channel_no_longer_on_the_page_is_not_read(
    login, published, director_a, parent_a, pupil_a
):
    """A channel switched off since the page was shown (nothing of it stands for Sem) is
    left off the page, and its version still comes with a form typed in before: not read."""
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    retired = Purpose.objects.get(code="pers")
    Purpose.objects.filter(pk=retired.pk).update(active=False)
    data["v-99999999"] = "1"
    assert data[f"v-{retired.pk}"]
    assert client.post(record(pupil_a), data).status_code == 302
    assert ConsentEvent.objects.filter(recorded_by=director_a).count() == 1


@pytest.mark.parametrize("order", ["altered-first", "altered-last", "same-twice"])
def test_a_version_sent_twice_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, director_a, parent_a,
    pupil_a, written, order,
):  # fmt: skip
    """The last one was read: an altered one before the page's went through."""
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    shown = data[version_field(SOCIAL)]
    data[version_field(SOCIAL)] = {
        "altered-first": ["99999999", shown],
        "altered-last": [shown, "99999999"],
        "same-twice": [shown, shown],
    }[order]

    with django_capture_on_commit_callbacks(execute=True):
        page = post_refused(client, pupil_a, data, written)

    assert ALTERED in page and NOTHING in page


# --- the answers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["retired channel", "c-99999999-photo", "c-abc-photo", "unknown medium", "c--photo"],
    ids=lambda name: name.replace(" ", "-"),
)
def test_an_answer_on_a_channel_the_page_does_not_show_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, director_a, parent_a,
    pupil_a, written, name,
):  # fmt: skip
    """It was dropped and the rest of the form saved, as if the parent had said nothing
    there."""
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    if name == "retired channel":
        Purpose.objects.filter(code="pers").update(active=False)  # not on Sem's page
        name = answer_field("pers")
    elif name == "unknown medium":
        name = answer_field(SOCIAL, "hologram")
    data[name] = "no"

    with django_capture_on_commit_callbacks(execute=True):
        page = post_refused(client, pupil_a, data, written)

    assert ALTERED in page and NOTHING in page
    assert "een kanaal of medium dat deze pagina niet (meer) toont" in page


def test_an_answer_sent_twice_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, director_a, parent_a,
    pupil_a, written,
):  # fmt: skip
    """A radio sends one value; of "yes" and "no" the last was recorded."""
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    data[answer_field(SOCIAL)] = ["yes", "no"]

    with django_capture_on_commit_callbacks(execute=True):
        page = post_refused(client, pupil_a, data, written)

    assert ALTERED in page and NOTHING in page


@pytest.mark.parametrize("value", ["maybe", "ja", "YES", "1", "no "])
@pytest.mark.parametrize("channel", [SOCIAL, "switched off"], ids=["active", "switched-off"])
def test_an_answer_the_page_never_offers_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, director_a, parent_a,
    pupil_a, written, value, channel,
):  # fmt: skip
    """The radios send "yes" or "no" (on a channel switched off, only "no"): any other
    value said "Selecteer een geldige keuze" at the radio, or, on a channel switched off,
    that it takes no "yes" (until 2026-12-07)."""
    client = login(director_a)
    if channel != SOCIAL:
        decide(pupil_a, parent_a, "pers", "photo", True)  # shown once switched off
        Purpose.objects.filter(code="pers").update(active=False)
        channel = "pers"
    data = social_no(client, pupil_a, parent_a)
    data[answer_field(channel, "video")] = value

    with django_capture_on_commit_callbacks(execute=True):
        page = post_refused(client, pupil_a, data, written)

    assert ALTERED in page and NOTHING in page
    assert f"het bevat bij “{purpose(channel).name}” een ander antwoord dan ja of nee" in page
    assert "geldige keuze" not in page and "niet meer in gebruik voor nieuwe" not in page


# --- the parent, the method ------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["another pupil's parent", "no gezag", "abc", "99999999999999999999999", "-1"]
)
def test_a_parent_who_has_no_gezag_of_the_pupil_is_refused_with_why(
    eager_tasks, django_capture_on_commit_callbacks, login, published, director_a, parent_a,
    pupil_a, parent_a2, written, value,
):  # fmt: skip
    """Not called altered: the parent's gezag may have ended since the page was shown.
    It said "Selecteer een geldige keuze. Deze keuze is niet beschikbaar."."""
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    if value == "another pupil's parent":
        value = str(parent_a2.pk)
    elif value == "no gezag":
        Guardianship.objects.filter(user=parent_a).update(has_parental_authority=False)
        value = str(parent_a.pk)
    data["guardian"] = value

    with django_capture_on_commit_callbacks(execute=True):
        page = post_refused(client, pupil_a, data, written)

    assert "Kies een ouder met gezag uit de lijst" in page
    assert "heeft geen gezag (meer) over Sem" in page


@pytest.mark.parametrize("name", ["guardian", "method"])
def test_the_parent_or_the_method_sent_twice_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, director_a, parent_a,
    pupil_a, parent_a2, written, name,
):  # fmt: skip
    """The last was read: a second parent or method added after the page's went through."""
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    data[name] = [data[name], data[name]]

    with django_capture_on_commit_callbacks(execute=True):
        page = post_refused(client, pupil_a, data, written)

    assert ALTERED in page and NOTHING in page


@pytest.mark.parametrize("value", ["portal", "email", "PAPER"])
def test_a_method_the_form_does_not_offer_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, director_a, parent_a,
    pupil_a, written, value,
):  # fmt: skip
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    data["method"] = value

    with django_capture_on_commit_callbacks(execute=True):
        page = post_refused(client, pupil_a, data, written)

    assert ALTERED in page and NOTHING in page
    assert "niet op papier of telefonisch" in page


@pytest.mark.parametrize("name", ["guardian", "method"])
def test_the_parent_or_the_method_left_out_or_empty_is_required(
    login, published, director_a, parent_a, pupil_a, written, name
):
    client = login(director_a)
    for left_out in (False, True):
        data = social_no(client, pupil_a, parent_a)
        if left_out:
            del data[name]
        else:
            data[name] = ""
        assert "Dit veld is verplicht." in post_refused(client, pupil_a, data, written)


# --- the pupil (the address), fields the page does not have ----------------------------


def test_the_form_sent_to_a_pupil_out_of_reach_is_a_404(
    login, published, director_a, parent_a, pupil_a, pupil_b, parent_b, written
):
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    post_refused(client, pupil_b, data, written, status=404)
    data["guardian"] = str(parent_b.pk)
    post_refused(client, pupil_b, data, written, status=404)


def test_the_form_sent_to_another_pupil_of_the_school_needs_that_pupils_parent(
    login, published, director_a, parent_a, pupil_a, pupil_a2, written
):
    """Sem's form at Roos' address: Sem's parent has no gezag of Roos."""
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    page = post_refused(client, pupil_a2, data, written)
    assert "heeft geen gezag (meer) over Roos" in page


def test_fields_the_page_does_not_have_change_nothing(
    login, published, director_a, board, parent_a, pupil_a, pupil_a2
):
    """The pupil is the address's, the recorder the one logged in, the moment the
    server's: names the page does not send are not read."""
    client = login(director_a)
    data = social_no(client, pupil_a, parent_a)
    data |= {
        "pupil": str(pupil_a2.pk),
        "recorded_by": str(board.pk),
        "created_at": "2020-01-01T00:00:00",
        "date": "2020-01-01",
        "seen": "1",
    }
    assert client.post(record(pupil_a), data).status_code == 302
    event = ConsentEvent.objects.get(recorded_by__isnull=False)
    assert (event.pupil, event.recorded_by, event.method) == (pupil_a, director_a, "paper")
    assert event.created_at.year > 2020


def test_an_altered_csrf_token_is_refused(published, director_a, parent_a, pupil_a, written):
    client = Client(enforce_csrf_checks=True)
    client.force_login(director_a)
    data = social_no(client, pupil_a, parent_a)
    data["csrfmiddlewaretoken"] = "x" * 64
    post_refused(client, pupil_a, data, written, status=403)
