"""A whole paper form (or phone call) in one submit, reachable from coverage and the pupil."""

from django.urls import reverse

from consent.models import ConsentEvent
from consent.rules import State
from consent.tests.helpers import purpose, state_of


def field(code, media):
    return f"c-{purpose(code).pk}-{media}"


def test_it_records_every_channel_and_media_of_a_form_in_one_submit(
    login, director_a, parent_a, pupil_a
):
    data = {"guardian": parent_a.pk, "method": "paper"}
    data |= {
        field(code, m): "yes" for code in ("website", "schoolgids") for m in ("photo", "video")
    }
    data[field("pers", "audio")] = "no"
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
    assert response.status_code == 200
    assert "Vul ten minste één antwoord" in response.content.decode()
    assert not ConsentEvent.objects.exists()


def test_it_refuses_a_bad_answer_value_and_records_nothing(login, director_a, parent_a, pupil_a):
    data = {"guardian": parent_a.pk, "method": "paper", field("website", "photo"): "maybe"}
    response = login(director_a).post(reverse("consent:record", args=[pupil_a.pk]), data)
    assert response.status_code == 200
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
