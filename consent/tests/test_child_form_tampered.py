"""The parent's form on the child page altered by hand, as with a browser's developer
tools on a phone: each field the page sends (the hidden text versions, the hidden `seen`,
the answers) removed, sent twice, emptied or given another channel's id, names the page
never sends, and the form sent to the address of another child.

What the page could not have sent is refused as the director's paper form refuses it
(`consent.forms.SentAsShownForm`, `test_paper_form_tampered.py`): a 400 saying "Het
formulier is gewijzigd nadat de pagina werd getoond: …", "Er is niets opgeslagen. Open de
pagina opnieuw en kies nog eens.", with the page as it is now below it, and nothing
written: no consent event, no takedown, no conflict notice, no outbox duty, no e-mail.
Until 2026-12-07 an answer on a channel or medium not on the form was dropped while the
rest was saved, a field sent twice was read by its last value, an empty version at a
channel left open was saved, and a missing, empty or foreign version at an answered one
was told its text had changed meanwhile. What the form does not read, or what only
decides the parent's own answers for a child they decide for, changes nothing."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from conftest import make_user
from consent.models import ConsentEvent, TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import answer_field, decide, purpose, version_field
from schools.models import Guardianship

ALTERED = "Het formulier is gewijzigd nadat de pagina werd getoond"
WHAT_TO_DO = "Er is niets opgeslagen. Open de pagina opnieuw en kies nog eens."
SOCIAL = "sociale-media"


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    """Sem's parent said yes to photos on social media; teacher A published one: a "no"
    on the child page writes an event, a takedown task, its duty and its e-mail."""
    decide(pupil_a, parent_a, SOCIAL, "photo", True)
    return publication_check_create(
        user=teacher_a, purpose=purpose(SOCIAL), media_type="photo", pupils=[pupil_a]
    )


def page(pupil) -> str:
    return reverse("consent:child", args=[pupil.pk])


def shown_form(client, pupil) -> dict:
    """What the browser sends for the page as shown: its hidden fields and checked radios
    (the CSRF token aside)."""
    html = client.get(page(pupil)).content.decode()
    form = html[html.index('id="consent-form"') :]
    data = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form))
    data.pop("csrfmiddlewaretoken", None)
    assert "seen" in data and all(re.fullmatch(r"v-\d+|seen", name) for name in data)
    for radio in re.findall(r'<input[^>]*type="radio"[^>]*>', form):
        if " checked" in radio:
            data[re.search(r'name="([^"]+)"', radio)[1]] = re.search(r'value="([^"]+)"', radio)[1]
    return data


def social_no(client, pupil) -> dict:
    """The form as the page sends it with a "no" to photos on social media chosen."""
    data = shown_form(client, pupil)
    assert data[answer_field(SOCIAL)] == "yes"  # the saved answer, selected
    data[answer_field(SOCIAL)] = "no"
    return data


def post_refused(client, pupil, data, written, *, status=400) -> str:
    before = written()
    response = client.post(page(pupil), data)
    assert response.status_code == status
    assert written() == before  # no event, takedown, notice, duty or e-mail
    return response.content.decode()


def test_the_form_as_the_page_sends_it_writes_the_no_and_its_takedown(
    eager_tasks, django_capture_on_commit_callbacks, login, published, parent_a, pupil_a
):
    """The attacks below start from this form; sent untouched it writes everything they
    must not."""
    client = login(parent_a)
    data = social_no(client, pupil_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page(pupil_a), data)
    assert response.status_code == 302
    assert ConsentEvent.objects.filter(granted=False).count() == 1
    assert TakedownTask.objects.count() == 1 and len(mail.outbox) == 1


# --- the hidden text versions ----------------------------------------------------------


def test_an_answered_channel_without_its_version_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, parent_a, pupil_a,
    written,
):  # fmt: skip
    """It was told the channel's text had changed since the page was shown."""
    client = login(parent_a)
    data = social_no(client, pupil_a)
    del data[version_field(SOCIAL)]

    with django_capture_on_commit_callbacks(execute=True):
        html = post_refused(client, pupil_a, data, written)

    assert ALTERED in html and WHAT_TO_DO in html
    assert "de tekstversie van “Sociale media van de school” ontbreekt" in html
    assert "is veranderd" not in html
    # below the message, the page as it is now: the saved "yes", not the refused "no"
    assert re.search(rf'name="{answer_field(SOCIAL)}" value="yes"[^>]* checked', html)


@pytest.mark.parametrize(
    "value",
    ["", "another channel's", "99999999", "abc", "0", "-1", str(2**63)],
    ids=["empty", "another-channels", "no-such-version", "abc", "zero", "minus-one", "bigint"],
)
@pytest.mark.parametrize("channel", [SOCIAL, "pers"], ids=["answered", "left-open"])
def test_a_version_the_page_never_sends_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, parent_a, pupil_a,
    written, channel, value,
):  # fmt: skip
    """The page sends each channel's text as it showed it. At a channel left open such a
    version was saved as if nothing were wrong; at an answered one it was told the text
    had changed, or (abc) "Uw keuzes konden niet worden opgeslagen", with a 200."""
    client = login(parent_a)
    data = social_no(client, pupil_a)
    if value == "another channel's":
        value = data[version_field("website")]
    data[version_field(channel)] = value

    with django_capture_on_commit_callbacks(execute=True):
        html = post_refused(client, pupil_a, data, written)

    assert ALTERED in html and WHAT_TO_DO in html
    assert f"“{purpose(channel).name}”" in html


def test_a_channel_left_open_without_its_version_is_saved(login, published, parent_a, pupil_a):
    """A channel added since the page was shown has no version on it, and is not answered
    either: the rest of the form is saved."""
    client = login(parent_a)
    data = social_no(client, pupil_a)
    del data[version_field("pers")]
    assert client.post(page(pupil_a), data).status_code == 302
    assert ConsentEvent.objects.filter(granted=False).count() == 1


@pytest.mark.parametrize("order", ["altered-first", "altered-last", "same-twice"])
def test_a_version_sent_twice_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, parent_a, pupil_a,
    written, order,
):  # fmt: skip
    """The last one was read: an altered one before the page's went through."""
    client = login(parent_a)
    data = social_no(client, pupil_a)
    shown = data[version_field(SOCIAL)]
    data[version_field(SOCIAL)] = {
        "altered-first": ["99999999", shown],
        "altered-last": [shown, "99999999"],
        "same-twice": [shown, shown],
    }[order]

    with django_capture_on_commit_callbacks(execute=True):
        html = post_refused(client, pupil_a, data, written)

    assert ALTERED in html and WHAT_TO_DO in html
    assert "het stuurt een veld meer dan eens mee" in html


# --- the answers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["c-99999999-photo", "c-abc-photo", "unknown medium", "c--photo", "c-"],
    ids=lambda name: name.replace(" ", "-"),
)
def test_an_answer_on_a_channel_the_page_does_not_show_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, parent_a, pupil_a,
    written, name,
):  # fmt: skip
    """It was dropped and the rest of the form saved, as if the parent had said nothing
    there."""
    client = login(parent_a)
    data = social_no(client, pupil_a)
    if name == "unknown medium":
        name = answer_field(SOCIAL, "hologram")
    data[name] = "no"

    with django_capture_on_commit_callbacks(execute=True):
        html = post_refused(client, pupil_a, data, written)

    assert ALTERED in html and WHAT_TO_DO in html
    assert "een kanaal of medium dat deze pagina niet (meer) toont" in html


@pytest.mark.parametrize("value", ["maybe", "ja", "YES", "1", "no "])
@pytest.mark.parametrize("channel", [SOCIAL, "switched off"], ids=["active", "switched-off"])
def test_an_answer_the_page_never_offers_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, parent_a, pupil_a,
    written, value, channel,
):  # fmt: skip
    """The radios send "yes" or "no" (on a channel switched off, shown where a "yes"
    stands, only "no"). Until 2026-12-07 any other value answered 200 with "Selecteer een
    geldige keuze" at the radio, or, on a channel switched off, that it takes no new
    "yes"."""
    client = login(parent_a)
    data = social_no(client, pupil_a)
    if channel != SOCIAL:
        decide(pupil_a, parent_a, "pers", "photo", True)
        data = social_no(client, pupil_a)  # "Pers" shown with its "yes"
        type(purpose("pers")).objects.filter(code="pers").update(active=False)
        channel = "pers"
    data[answer_field(channel, "video")] = value

    with django_capture_on_commit_callbacks(execute=True):
        html = post_refused(client, pupil_a, data, written)

    assert ALTERED in html and WHAT_TO_DO in html
    assert f"het bevat bij “{purpose(channel).name}” een ander antwoord dan ja of nee" in html
    assert "geldige keuze" not in html and "niet meer in gebruik voor nieuwe" not in html


def test_a_no_on_a_channel_switched_off_since_the_page_was_shown_is_saved_with_the_rest(
    login, published, parent_a, pupil_a
):
    """Not altered: the page showed "Pers" with the parent's "no" selected, then the board
    switched it off (nothing of it standing for Sem, so it is left off the page now). The
    form still reads every channel, so the "no" sent again is no answer on a channel not on
    the form: the rest is saved."""
    decide(pupil_a, parent_a, "pers", "photo", False)
    client = login(parent_a)
    data = social_no(client, pupil_a)
    assert data[answer_field("pers")] == "no"
    type(purpose("pers")).objects.filter(code="pers").update(active=False)
    assert client.post(page(pupil_a), data).status_code == 302
    assert ConsentEvent.objects.filter(purpose=purpose(SOCIAL), granted=False).count() == 1


@pytest.mark.parametrize("values", [["yes", "no"], ["no", "no"]], ids=["yes-no", "no-no"])
def test_an_answer_sent_twice_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, parent_a, pupil_a,
    written, values,
):  # fmt: skip
    """A radio sends one value; of "yes" and "no" the last was saved."""
    client = login(parent_a)
    data = social_no(client, pupil_a)
    data[answer_field(SOCIAL)] = values

    with django_capture_on_commit_callbacks(execute=True):
        html = post_refused(client, pupil_a, data, written)

    assert ALTERED in html and WHAT_TO_DO in html


# --- the hidden "seen" -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [["0", "0"], "abc", "-1", "1.5"], ids=["twice", "abc", "-1", "1.5"]
)
def test_a_seen_the_page_never_sends_is_refused_as_altered(
    eager_tasks, django_capture_on_commit_callbacks, login, published, parent_a, pupil_a,
    written, value,
):  # fmt: skip
    """Sent twice, the last was read; not a number, the page said "Uw keuzes konden niet
    worden opgeslagen. Kies ja of nee …", with a 200, about a field the parent cannot see."""
    client = login(parent_a)
    data = social_no(client, pupil_a)
    data["seen"] = value

    with django_capture_on_commit_callbacks(execute=True):
        html = post_refused(client, pupil_a, data, written)

    assert ALTERED in html and WHAT_TO_DO in html


@pytest.mark.parametrize("value", [None, ""], ids=["removed", "empty"])
def test_a_seen_removed_only_reads_the_radios_as_the_parents_decisions(
    login, published, parent_a, pupil_a, value
):
    """`seen` keeps an older page (a second tab) from undoing a newer answer of this
    parent; without it each radio sent is read as this parent's own decision, which is
    theirs to make: the "no" chosen is saved, the rest re-sent unchanged writes nothing."""
    client = login(parent_a)
    data = social_no(client, pupil_a)
    if value is None:
        del data["seen"]
    else:
        data["seen"] = value
    assert client.post(page(pupil_a), data).status_code == 302
    assert list(ConsentEvent.objects.filter(granted=False).values_list("guardian", "pupil")) == [
        (parent_a.pk, pupil_a.pk)
    ]


# --- the child (the address), fields the page does not have ----------------------------


def test_the_form_sent_to_a_child_not_theirs_is_a_404(
    login, published, parent_a, pupil_a, pupil_a2, pupil_b, parent_b, written
):
    """Another family's child, at the same school or another, whatever the form holds."""
    client = login(parent_a)
    data = social_no(client, pupil_a)
    post_refused(client, pupil_b, data, written, status=404)
    post_refused(client, pupil_a2, data, written, status=404)


def test_the_form_of_one_child_sent_to_the_other_childs_address_decides_for_that_child(
    login, published, parent_a, pupil_a, pupil_a2
):
    """The page's form posts to its own address. Sem's form sent to Roos' page (her
    parent decides for her too, and the channels and texts are the same for both) is
    the parent's choice for Roos, as on her page: nothing of it reaches Sem."""
    Guardianship.objects.create(user=parent_a, pupil=pupil_a2, has_parental_authority=True)
    client = login(parent_a)
    data = social_no(client, pupil_a)
    events = ConsentEvent.objects.count()
    assert client.post(page(pupil_a2), data).status_code == 302
    new = ConsentEvent.objects.order_by("pk")[events:]
    assert {(e.pupil_id, e.guardian_id) for e in new} == {(pupil_a2.pk, parent_a.pk)}
    assert not TakedownTask.objects.exists()  # Roos is in no published check


def test_fields_the_page_does_not_have_change_nothing(
    login, published, parent_a, pupil_a, pupil_a2, director_a
):
    """The child is the address's, the parent the one logged in, the method the portal's,
    the moment the server's: names the page does not send are not read."""
    other = make_user("ander@example.org")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    client = login(parent_a)
    data = social_no(client, pupil_a)
    data |= {
        "pupil": str(pupil_a2.pk),
        "guardian": str(other.pk),
        "method": "paper",
        "recorded_by": str(director_a.pk),
        "created_at": "2020-01-01T00:00:00",
    }
    assert client.post(page(pupil_a), data).status_code == 302
    event = ConsentEvent.objects.get(granted=False)
    assert (event.pupil, event.guardian, event.method, event.recorded_by) == (
        pupil_a,
        parent_a,
        "portal",
        None,
    )
    assert event.created_at.year > 2020
