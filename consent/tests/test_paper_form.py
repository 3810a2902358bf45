"""A whole paper form (or phone call) in one submit, reachable from coverage and the pupil."""

import datetime
import re

from django.urls import reverse

from consent.models import ConsentEvent
from consent.rules import State
from consent.tests.helpers import answer_field, purpose, shown_version, state_of


def test_it_records_every_channel_and_media_of_a_form_in_one_submit(
    login, director_a, parent_a, pupil_a
):
    data = {"guardian": parent_a.pk, "method": "paper"}
    data |= {
        answer_field(code, m): "yes"
        for code in ("website", "schoolgids")
        for m in ("photo", "video")
    }
    data[answer_field("pers", "audio")] = "no"
    data |= {**shown_version("website"), **shown_version("schoolgids"), **shown_version("pers")}
    response = login(director_a).post(reverse("consent:record", args=[pupil_a.pk]), data)
    assert response.status_code == 302
    assert response.url.endswith(f"?ouder={parent_a.pk}")  # the form keeps the parent
    events = ConsentEvent.objects.all()
    assert len(events) == 5
    assert {(e.method, e.recorded_by_id, e.guardian_id) for e in events} == {
        ("paper", director_a.pk, parent_a.pk)
    }
    assert state_of(pupil_a, "website", "video") == State.GRANTED
    assert state_of(pupil_a, "pers", "audio") == State.REFUSED
    assert state_of(pupil_a, "pers", "photo") == State.UNANSWERED


def test_it_preselects_the_parent_after_saving(login, director_a, parent_a, pupil_a):
    url = reverse("consent:record", args=[pupil_a.pk]) + f"?ouder={parent_a.pk}"
    html = login(director_a).get(url).content.decode()
    assert f'<option value="{parent_a.pk}" selected>' in html


def test_it_refuses_an_empty_form_and_records_nothing(login, director_a, parent_a, pupil_a):
    response = login(director_a).post(
        reverse("consent:record", args=[pupil_a.pk]), {"guardian": parent_a.pk, "method": "phone"}
    )
    assert response.status_code == 400
    assert "Vul ten minste één antwoord" in response.content.decode()
    assert not ConsentEvent.objects.exists()


def test_it_refuses_a_bad_answer_value_and_records_nothing(login, director_a, parent_a, pupil_a):
    data = {"guardian": parent_a.pk, "method": "paper", answer_field("website", "photo"): "maybe"}
    data |= shown_version("website")
    response = login(director_a).post(reverse("consent:record", args=[pupil_a.pk]), data)
    assert response.status_code == 400
    assert not ConsentEvent.objects.exists()


def test_it_links_the_form_from_coverage_and_the_class_overview(
    login, director_a, parent_a, pupil_a
):
    client = login(director_a)
    record = reverse("consent:record", args=[pupil_a.pk])
    coverage = client.get(reverse("consent:coverage", args=["vlindertuin"])).content.decode()
    overview = client.get(reverse("consent:group", args=[pupil_a.group_id])).content.decode()
    assert record in coverage and record in overview


def test_it_ignores_a_parent_number_in_the_address_that_is_not_a_number(
    login, director_a, parent_a, pupil_a
):
    client = login(director_a)
    client.raise_request_exception = False
    url = reverse("consent:record", args=[pupil_a.pk])
    for value in ("²", "99999999999999999999", "-1"):
        response = client.get(url, {"ouder": value})
        assert response.status_code == 200
        assert f'<option value="{parent_a.pk}" selected>' not in response.content.decode()


def _shown_form(client, pupil) -> dict:
    """The hidden fields of the paper form as the page showed them (each channel's text)."""
    return _shown_form_of(client.get(reverse("consent:record", args=[pupil.pk])).content.decode())


def test_a_text_changed_while_the_form_was_typed_in_records_nothing_of_it(
    login, director_a, parent_a, pupil_a
):
    """The board published a new text of "website" while the director typed in a parent's
    paper form: the parent answered the earlier text, so that answer is not recorded
    against the new one (it was, silently); the form comes back with it left open."""
    from consent.services import purpose_version_publish
    from consent.tests.helpers import purpose as purpose_of

    client = login(director_a)
    shown = _shown_form(client, pupil_a)
    assert shown  # every channel's text is carried
    website = purpose_of("website")
    purpose_version_publish(
        user=director_a, purpose=website, text="Een nieuwe tekst over de website.",
        kind="change_of_meaning",
    )  # fmt: skip
    data = {"guardian": parent_a.pk, "method": "paper", **shown}
    data |= {answer_field("website", "photo"): "yes", answer_field("pers", "audio"): "no"}

    response = client.post(reverse("consent:record", args=[pupil_a.pk]), data)

    assert response.status_code == 400
    assert not ConsentEvent.objects.exists()
    page = response.content.decode()
    assert f"De tekst van “{website.name}” is gewijzigd" in page
    again = _shown_form_of(page)
    assert again[f"v-{website.pk}"] != shown[f"v-{website.pk}"]  # now the current text
    assert not _ticked(page, answer_field("website", "photo"), "yes")  # left open
    assert _ticked(page, answer_field("pers", "audio"), "no")  # the rest as typed

    del data[answer_field("website", "photo")]  # the rest of the form, saved again
    saved = client.post(reverse("consent:record", args=[pupil_a.pk]), {**data, **again})
    assert saved.status_code == 302
    assert list(ConsentEvent.objects.values_list("purpose__code", "granted")) == [("pers", False)]


def test_a_form_that_answered_only_a_changed_text_is_not_said_to_be_empty(
    login, director_a, parent_a, pupil_a
):
    """Every answer typed in was for the channel whose text changed: the page said
    "Vul ten minste één antwoord van het formulier in." above the reason, as if the
    director had typed in nothing."""
    from consent.services import purpose_version_publish

    client = login(director_a)
    shown = _shown_form(client, pupil_a)
    purpose_version_publish(
        user=director_a, purpose=purpose("website"), text="Een nieuwe tekst over de website.",
        kind="change_of_meaning",
    )  # fmt: skip
    data = {"guardian": parent_a.pk, "method": "paper", **shown}
    data |= {answer_field("website", m): "yes" for m in ("photo", "video")}

    response = client.post(reverse("consent:record", args=[pupil_a.pk]), data)

    assert response.status_code == 400
    assert not ConsentEvent.objects.exists()
    page = response.content.decode()
    assert f"De tekst van “{purpose('website').name}” is gewijzigd" in page
    assert "Vul ten minste één antwoord" not in page


def _shown_form_of(page: str) -> dict:
    return dict(re.findall(r'type="hidden" name="(v-\d+)" value="(\d+)"', page))


def test_a_correction_published_meanwhile_keeps_the_paper_answer(
    login, director_a, parent_a, pupil_a
):
    """A correction (a typo) keeps answers valid, online and on paper alike."""
    from consent.services import purpose_version_publish
    from consent.tests.helpers import purpose as purpose_of

    client = login(director_a)
    shown = _shown_form(client, pupil_a)
    purpose_version_publish(
        user=director_a, purpose=purpose_of("website"), text="Een verbeterde tekst.",
        kind="correction",
    )  # fmt: skip
    data = {
        "guardian": parent_a.pk,
        "method": "paper",
        **shown,
        answer_field("website", "photo"): "yes",
    }

    response = client.post(reverse("consent:record", args=[pupil_a.pk]), data)

    assert response.status_code == 302
    assert state_of(pupil_a, "website", "photo") == State.GRANTED


def _ticked(page: str, name: str, value: str) -> bool:
    return re.search(rf'name="{name}" value="{value}"[^>]*checked', page) is not None


def test_it_says_on_the_form_that_a_safeguarded_pupil_is_never_shown(login, director_a, pupil_a):
    # A "ja" typed in from paper changes nothing for such a pupil: the form must say so,
    # or the director takes it for permission.
    pupil_a.not_in_picture = True
    pupil_a.save()
    html = login(director_a).get(reverse("consent:record", args=[pupil_a.pk])).content.decode()
    assert (
        "De school heeft afgesproken dat Sem Bakker nooit in beeld komt: wat de ouder ook "
        "antwoordt, er wordt niets van Sem Bakker gepubliceerd."
    ) in html


def test_it_says_on_the_form_that_the_pupil_left_the_school(login, director_a, pupil_a):
    pupil_a.left_on = datetime.date(2026, 7, 10)
    pupil_a.save()
    html = login(director_a).get(reverse("consent:record", args=[pupil_a.pk])).content.decode()
    assert "Sem Bakker heeft de school verlaten op 10 juli 2026." in html


def test_it_adds_no_such_notice_for_a_pupil_at_school(login, director_a, pupil_a):
    html = login(director_a).get(reverse("consent:record", args=[pupil_a.pk])).content.decode()
    assert "nooit in beeld" not in html and "verlaten op" not in html
