"""A channel switched off in the admin (`Purpose.active = False`, "retired") takes no new
checks and no new "yes", but a withdrawal on it still reaches what was published.

The story: Sem's parent said yes to photos on social media, teacher A published one
(a stored check), then the board switched social media off. The parent withdraws on the
child page: the teacher gets a takedown task, as on any channel.
"""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import give_totp, make_user
from consent.models import ConsentEvent, PublicationCheck, Purpose, TakedownTask
from consent.reports import school_coverage
from consent.rules import State, purpose_infos
from consent.services import (
    Answer,
    consent_decide,
    publication_check_adjust,
    publication_check_create,
    reminder_plan,
    takedowns_for_gezag_change,
)
from consent.tests.helpers import decide, purpose, shown_version
from schools.models import Guardianship

SOCIAL = "sociale-media"
RETIRED_NOTE = "Niet meer in gebruik voor nieuwe berichten — u kunt uw toestemming nog intrekken."


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    """Sem's parent said yes to photos on social media; teacher A published one."""
    decide(pupil_a, parent_a, SOCIAL, "photo", True)
    return publication_check_create(
        user=teacher_a, purpose=purpose(SOCIAL), media_type="photo", pupils=[pupil_a]
    )


def retire(code: str) -> Purpose:
    Purpose.objects.filter(code=code).update(active=False)
    return purpose(code)


def child_page_post(channel: Purpose, **answers) -> dict:
    """The child page's form with answers on one channel: {"photo": "no"}."""
    data = {f"v-{channel.pk}": channel.versions.get().pk}
    data.update({f"c-{channel.pk}-{media}": value for media, value in answers.items()})
    return data


def radios(html: str, channel: Purpose, media: str = "photo") -> set[str]:
    name = f"c-{channel.pk}-{media}"
    return {value for value in ("yes", "no") if f'name="{name}" value="{value}"' in html}


# --- the parent's child page --------------------------------------------------------------


def test_it_hides_a_retired_channel_without_a_yes_or_anything_published(login, parent_a, pupil_a):
    decide(pupil_a, parent_a, "pers", "photo", False)
    pers = retire("pers")
    page = login(parent_a).get(reverse("consent:child", args=[pupil_a.pk])).content.decode()
    assert radios(page, pers) == set()
    assert "<legend>Lokale pers</legend>" not in page
    assert RETIRED_NOTE not in page


def test_it_shows_a_retired_channel_where_the_child_appears_without_a_yes(
    login, teacher_a, parent_a, pupil_a
):
    """Nobody answered, yet the child appears in a check that said "may not": a "no"
    takes it down (as on an active channel), so the parent is offered it."""
    publication_check_create(
        user=teacher_a, purpose=purpose("pers"), media_type="video", pupils=[pupil_a]
    )
    pers = retire("pers")
    client = login(parent_a)
    url = reverse("consent:child", args=[pupil_a.pk])
    page = client.get(url).content.decode()
    assert RETIRED_NOTE in page and radios(page, pers, "video") == {"no"}
    client.post(url, child_page_post(pers, video="no"))
    assert TakedownTask.objects.get().pupil == pupil_a


def test_it_shows_a_retired_channel_where_the_other_parent_said_yes(
    login, teacher_a, parent_a, pupil_a
):
    """The other parent's "yes" keeps the photo up; this parent's "no" makes a conflict
    and takes it down."""
    other = make_user("ouder2.sem@example.org")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, other, SOCIAL, "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose(SOCIAL), media_type="photo", pupils=[pupil_a]
    )
    social = retire(SOCIAL)
    client = login(parent_a)
    url = reverse("consent:child", args=[pupil_a.pk])
    assert radios(client.get(url).content.decode(), social) == {"no"}
    client.post(url, child_page_post(social, photo="no"))
    assert TakedownTask.objects.get().assigned_to == teacher_a


def test_it_refuses_a_new_yes_on_a_retired_channel_and_saves_nothing(
    login, parent_a, pupil_a, published
):
    """A page shown before the channel was switched off still has its "yes" radios."""
    social = retire(SOCIAL)
    before = ConsentEvent.objects.count()
    data = child_page_post(social, video="yes", photo="no")
    response = login(parent_a).post(reverse("consent:child", args=[pupil_a.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "“Sociale media van de school” is niet meer in gebruik voor nieuwe berichten: u kunt"
        " daar uw toestemming alleen nog intrekken, niet geven." in page
    )
    assert ConsentEvent.objects.count() == before
    assert TakedownTask.objects.count() == 0


def test_the_service_refuses_a_yes_on_a_retired_channel(parent_a, pupil_a, published):
    social = retire(SOCIAL)
    infos = purpose_infos(codes=list(Purpose.objects.values_list("code", flat=True)))
    with pytest.raises(ValidationError, match="niet meer in gebruik"):
        consent_decide(
            pupil=pupil_a,
            guardian=parent_a,
            answers=[Answer(social.pk, "video", True)],
            infos=infos,
        )
    assert ConsentEvent.objects.filter(purpose=social, media_type="video").count() == 0


def test_withdrawing_everything_covers_retired_channels(login, published, parent_a, pupil_a):
    social = retire(SOCIAL)
    client = login(parent_a)
    url = reverse("consent:withdraw", args=[pupil_a.pk])
    page = client.get(url).content.decode()
    assert "U geeft nu toestemming voor 1 kanaal en mediasoort." in page
    assert "kunt u geen toestemming meer geven" in page
    client.post(url, {"target": "all"})
    latest = ConsentEvent.objects.filter(purpose=social, media_type="photo").latest("id")
    assert latest.granted is False
    assert TakedownTask.objects.get().caused_by == latest


def child_page_in_six_queries(client, pupil, django_assert_num_queries) -> str:
    """The child page, as shown a second time: 6 queries (test_query_counts.py lists them)."""
    url = reverse("consent:child", args=[pupil.pk])
    client.get(url)
    with django_assert_num_queries(6):
        return client.get(url).content.decode()


def test_the_child_page_with_a_retired_channel_runs_the_same_queries(
    login, published, parent_a, pupil_a, django_assert_num_queries
):
    """The retired channels and whether the child still appears on them come with the
    purposes' one query (consent.rules.CHILD_PURPOSE_INFOS_SQL): still 6, as
    test_query_counts.py lists them."""
    retire(SOCIAL)
    page = child_page_in_six_queries(login(parent_a), pupil_a, django_assert_num_queries)
    assert RETIRED_NOTE in page


def channel_fieldset(page: str, name: str) -> str:
    """The child page's fieldset of one channel."""
    return page.split(f"<legend>{name}")[1].split("</fieldset>\n</fieldset>")[0]


ALLOWED = 'aria-hidden="true">✓</span> toegestaan'
RETIRED_BY_YOU = (
    "U gaf toestemming; het kanaal wordt niet meer gebruikt voor nieuwe berichten."
    " Wat er al staat, blijft staan tot u intrekt."
)


def test_the_child_page_says_what_a_yes_on_a_retired_channel_still_does(
    login, published, parent_a, pupil_a, django_assert_num_queries
):
    """Not "Voor de school: ✓ toegestaan", as if new posts were: the parent's "yes" keeps
    up what was published, nothing new. An active channel's "yes" still reads
    "toegestaan". The same 6 queries (test_query_counts.py lists them)."""
    decide(pupil_a, parent_a, "website", "photo", True)
    retire(SOCIAL)
    page = child_page_in_six_queries(login(parent_a), pupil_a, django_assert_num_queries)
    social = channel_fieldset(page, "Sociale media van de school")
    assert RETIRED_BY_YOU in social
    assert ALLOWED not in social and "Voor de school:" in social  # video, audio: unanswered
    assert ALLOWED in channel_fieldset(page, "Website van de school")
    summary = page.split('class="summary__table">')[1].split("</table>")[0]
    [line] = [tr for tr in summary.split("<tr>") if "Sociale media" in tr]
    assert "(niet meer in gebruik)" in line
    assert 'aria-hidden="true">✓</span> alleen wat er al staat' in line
    assert ALLOWED not in line


def test_the_child_page_says_whose_yes_stands_on_a_retired_channel(
    login, teacher_a, parent_a, pupil_a
):
    """The other parent said yes: this parent's "nee" would take it down."""
    other = make_user("ouder2.sem@example.org")
    Guardianship.objects.create(user=other, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, other, SOCIAL, "photo", True)
    retire(SOCIAL)
    page = login(parent_a).get(reverse("consent:child", args=[pupil_a.pk])).content.decode()
    social = channel_fieldset(page, "Sociale media van de school")
    assert (
        "De andere ouder gaf toestemming; het kanaal wordt niet meer gebruikt voor nieuwe"
        " berichten. Wat er al staat, blijft staan tot een ouder met gezag nee kiest." in social
    )
    assert ALLOWED not in social and RETIRED_BY_YOU not in social


# --- the director's paper and phone form -------------------------------------------------


def paper_form(channel: Purpose, guardian, **answers) -> dict:
    """The paper form of one parent, by phone, with answers on one channel."""
    data = {"guardian": guardian.pk, "method": "phone", **shown_version(channel.code)}
    data.update({f"c-{channel.pk}-{media}": value for media, value in answers.items()})
    return data


def test_the_paper_form_offers_the_retired_channels_the_child_page_offers(
    login, published, director_a, parent_a, pupil_a
):
    """Social media (a "ja" and a published photo) with only "nee"; local press (a "nee",
    nothing published) not at all: the child page's rule."""
    decide(pupil_a, parent_a, "pers", "photo", False)
    social, pers = retire(SOCIAL), retire("pers")
    record = login(director_a).get(reverse("consent:record", args=[pupil_a.pk])).content.decode()
    child = login(parent_a).get(reverse("consent:child", args=[pupil_a.pk])).content.decode()
    for page in (record, child):
        assert [radios(page, social, media) for media in ("photo", "video", "audio")] == [
            {"no"}
        ] * 3
        assert radios(page, pers) == set()
    assert "alleen een intrekking (nee) kan nog worden vastgelegd" in record
    assert "<legend>Lokale pers</legend>" not in record


def test_a_withdrawal_by_phone_on_a_retired_channel_reaches_the_teacher(
    login,
    eager_tasks,
    django_capture_on_commit_callbacks,
    published,
    director_a,
    teacher_a,
    parent_a,
    pupil_a,
):
    """The parent phones the school: the director records "nee" for social media, which
    was switched off after the photo went up. The teacher gets the task and its e-mail, as
    after a withdrawal on the child page."""
    social = retire(SOCIAL)
    client = login(director_a)
    url = reverse("consent:record", args=[pupil_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, paper_form(social, parent_a, photo="no"))
    assert response.status_code == 302
    event = ConsentEvent.objects.get(purpose=social, granted=False)
    assert (event.guardian, event.method, event.recorded_by) == (parent_a, "phone", director_a)
    task = TakedownTask.objects.get()
    assert (task.publication_check, task.pupil, task.assigned_to) == (published, pupil_a, teacher_a)
    assert (task.reason, task.caused_by) == (TakedownTask.Reason.ANSWER, event)
    [email] = mail.outbox
    assert email.to == [teacher_a.email]
    assert "Sem" not in email.body and "Sem" not in email.subject
    assert "1 antwoord is vastgelegd" in client.get(response.url).content.decode()


def test_the_paper_form_refuses_a_yes_on_a_retired_channel_and_records_nothing(
    login, published, director_a, parent_a, pupil_a
):
    """A "ja" on a retired channel (typed into an old form, say) refuses the whole form,
    the "nee" and the active channel's answer with it."""
    social = retire(SOCIAL)
    before = ConsentEvent.objects.count()
    data = paper_form(social, parent_a, photo="no", video="yes")
    data[f"c-{purpose('website').pk}-photo"] = "yes"
    response = login(director_a).post(reverse("consent:record", args=[pupil_a.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].has_error(f"c-{social.pk}-video", "invalid_choice")
    assert (
        "“Sociale media van de school” is niet meer in gebruik voor nieuwe berichten: daar"
        " kunt u alleen een nee (intrekking) vastleggen, geen ja. Er is niets vastgelegd."
        in response.content.decode()
    )
    assert ConsentEvent.objects.count() == before
    assert TakedownTask.objects.count() == 0


def test_the_paper_form_runs_the_same_queries_with_a_retired_channel(
    login, published, director_a, parent_a, pupil_a, django_assert_num_queries
):
    """9 queries, with or without a retired channel shown: the user and the director's
    memberships (session), the pupil within reach, the channels with where the child
    still appears on a retired one (CHILD_PURPOSE_INFOS_SQL), the gezag-holders and the
    events (consent_table, for the standing "yes"), the protocol banner with the menu's
    number of takedowns, the parents to choose from and the history."""
    client = login(director_a)
    url = reverse("consent:record", args=[pupil_a.pk])
    client.get(url)
    with django_assert_num_queries(9):
        client.get(url)
    social = retire(SOCIAL)
    with django_assert_num_queries(9):
        page = client.get(url).content.decode()
    assert radios(page, social) == {"no"}


# --- gezag changes ----------------------------------------------------------------------


def test_a_parent_losing_gezag_takes_down_on_a_retired_channel(published, parent_a, pupil_a):
    """Only current gezag-holders decide: the "yes" of a parent who lost gezag no longer
    keeps the photo up, on a retired channel as on any other."""
    retire(SOCIAL)
    Guardianship.objects.filter(user=parent_a, pupil=pupil_a).update(has_parental_authority=False)
    tasks = takedowns_for_gezag_change(lost={pupil_a.pk: [parent_a.pk]})
    assert [(t.pupil_id, t.reason) for t in tasks] == [(pupil_a.pk, "authority")]


# --- the admin, and the whole story through the real pages ------------------------------


@pytest.fixture
def admin_user(db):
    return give_totp(make_user("beheer@example.org", is_staff=True, is_superuser=True))


def switch_off_in_the_admin(client, channel: Purpose, active: bool = False):
    """The admin's change form of the channel, saved with `active` as given."""
    version = channel.versions.get()
    form = {
        "code": channel.code,
        "name": channel.name,
        "ordering": channel.ordering,
        "versions-TOTAL_FORMS": "1",
        "versions-INITIAL_FORMS": "1",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
        "versions-0-id": version.pk,
        "versions-0-purpose": channel.pk,
    }
    if active:
        form["active"] = "on"
    url = reverse("admin:consent_purpose_change", args=[channel.pk])
    return client.post(url, form, follow=True)


def switched_off_messages(response) -> list[str]:
    """The admin's message about switching a channel off (besides Django's "changed")."""
    return [str(m) for m in response.context["messages"] if "staat uit" in str(m)]


def test_a_withdrawal_on_a_channel_switched_off_in_the_admin_reaches_the_teacher(
    client,
    eager_tasks,
    django_capture_on_commit_callbacks,
    admin_user,
    published,
    teacher_a,
    parent_a,
    pupil_a,
):
    social = purpose(SOCIAL)
    client.force_login(admin_user)
    response = switch_off_in_the_admin(client, social)
    assert response.status_code == 200
    assert Purpose.objects.get(pk=social.pk).active is False
    [message] = switched_off_messages(response)
    assert "Er staat nog 1 leerling zichtbaar in wat erop gepubliceerd is" in message
    assert "nu niets verwijderd" in message
    assert TakedownTask.objects.count() == 0  # switching off takes nothing down

    client.force_login(parent_a)
    url = reverse("consent:child", args=[pupil_a.pk])
    page = client.get(url).content.decode()
    assert RETIRED_NOTE in page
    assert (
        '<th scope="row">Sociale media van de school <small>(niet meer in gebruik)</small>' in page
    )
    assert radios(page, social) == {"no"}  # withdraw only, no new "yes"
    fieldset = page.split("<legend>Sociale media van de school")[1].split(
        "</fieldset>\n</fieldset>"
    )[0]
    assert 'data-set-all="no"' in fieldset and 'data-set-all="yes"' not in fieldset

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, child_page_post(social, photo="no"))
    assert response.status_code == 302

    task = TakedownTask.objects.get()
    assert (task.publication_check, task.pupil, task.assigned_to) == (published, pupil_a, teacher_a)
    assert task.reason == TakedownTask.Reason.ANSWER
    assert task.caused_by == ConsentEvent.objects.get(purpose=social, granted=False)
    [email] = mail.outbox
    assert email.to == [teacher_a.email]
    assert "Sem" not in email.body and "Sem" not in email.subject
    client.force_login(teacher_a)
    takedowns = client.get(reverse("consent:takedowns")).content.decode()
    assert reverse("consent:takedown_done", args=[task.pk]) in takedowns


def test_the_admin_counts_only_what_is_still_published(
    client, admin_user, published, teacher_a, parent_a, pupil_a
):
    """The photo counts; a video check replaced by one that leaves Sem out and a sound
    recording already taken down do not. Switching the channel on again says nothing."""
    adjusted = publication_check_create(
        user=teacher_a, purpose=purpose(SOCIAL), media_type="video", pupils=[pupil_a]
    )
    publication_check_adjust(user=teacher_a, check=adjusted, appearances={pupil_a.pk: "left_out"})
    decide(pupil_a, parent_a, SOCIAL, "audio", True)
    audio = publication_check_create(
        user=teacher_a, purpose=purpose(SOCIAL), media_type="audio", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, SOCIAL, "audio", False)  # taken down
    assert TakedownTask.objects.get().publication_check == audio
    client.force_login(admin_user)
    response = switch_off_in_the_admin(client, purpose(SOCIAL))
    [message] = switched_off_messages(response)
    assert "nog 1 leerling zichtbaar" in message
    response = switch_off_in_the_admin(client, purpose(SOCIAL), active=True)
    assert switched_off_messages(response) == []
    assert Purpose.objects.get(code=SOCIAL).active is True


# --- teachers: no new checks on a retired channel ---------------------------------------


def test_a_check_cannot_choose_a_retired_channel(login, teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, SOCIAL, "photo", True)
    social = retire(SOCIAL)
    with pytest.raises(ValidationError):
        publication_check_create(
            user=teacher_a, purpose=social, media_type="photo", pupils=[pupil_a]
        )
    client = login(teacher_a)
    page = client.get(reverse("consent:check_new")).content.decode()
    assert f'value="{SOCIAL}"' not in page
    data = {"purpose": SOCIAL, "media_type": "photo", "pupils": [pupil_a.pk]}
    response = client.post(reverse("consent:check_new"), data)
    assert response.status_code == 200
    assert response.context["form"].has_error("purpose")
    assert PublicationCheck.objects.count() == 0


def test_the_photo_check_cannot_choose_or_download_on_a_retired_channel(
    login, teacher_a, parent_a, pupil_a
):
    from consent.tests.test_appearance import _photo

    decide(pupil_a, parent_a, SOCIAL, "photo", True)
    social = purpose(SOCIAL)
    client = login(teacher_a)
    step1 = {"action": "preview", "channel": social.pk, "pupils": [pupil_a.pk]}
    client.post("/foto/", {"photo": _photo(), **step1})
    first = PublicationCheck.objects.get()
    retire(SOCIAL)
    assert f'value="{social.pk}"' not in client.get("/foto/").content.decode()
    preview = client.post("/foto/", {"photo": _photo(), **step1})
    assert preview.status_code == 400
    download = {**step1, "action": "download", "check": first.pk, "face_1": pupil_a.pk}
    response = client.post("/foto/", {"photo": _photo(), **download})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert list(PublicationCheck.objects.all()) == [first]


RETIRED_CHANNEL = "Dit kanaal is niet meer in gebruik. Kies een ander kanaal uit de lijst."


def test_a_check_form_read_before_the_channel_was_retired_says_so(
    login, teacher_a, parent_a, pupil_a
):
    # Django's own "Selecteer een geldige keuze. Deze keuze is niet beschikbaar." left a
    # teacher in a hurry guessing what was wrong with the channel they had just chosen
    decide(pupil_a, parent_a, SOCIAL, "photo", True)
    client = login(teacher_a)
    client.get(reverse("consent:check_new"))
    retire(SOCIAL)
    data = {"purpose": SOCIAL, "media_type": "photo", "pupils": [pupil_a.pk], "note": "reis"}
    response = client.post(reverse("consent:check_new"), data)
    assert response.context["form"].errors["purpose"] == [RETIRED_CHANNEL]
    page = response.content.decode()
    assert RETIRED_CHANNEL in page
    assert 'value="reis"' in page  # what was typed stays
    assert PublicationCheck.objects.count() == 0


def test_the_photo_check_read_before_the_channel_was_retired_says_so(
    login, teacher_a, parent_a, pupil_a
):
    from consent.tests.test_appearance import _photo

    social = purpose(SOCIAL)
    client = login(teacher_a)
    retire(SOCIAL)
    step1 = {"action": "preview", "channel": social.pk, "pupils": [pupil_a.pk]}
    response = client.post("/foto/", {"photo": _photo(), **step1})
    assert response.status_code == 400
    assert response.context["form"].errors["channel"] == [RETIRED_CHANNEL]


# --- directors: no open questions on a retired channel ----------------------------------


def _answer_every_active_channel(pupil, parent):
    for code in Purpose.objects.filter(active=True).values_list("code", flat=True):
        for media in ("photo", "video", "audio"):
            decide(pupil, parent, code, media, True)


def test_coverage_and_reminders_ask_nothing_on_a_retired_channel(
    school_a, parent_a, pupil_a, pupil_a2
):
    pupil_a2.delete()  # one pupil: Sem
    retire("pers")
    _answer_every_active_channel(pupil_a, parent_a)
    coverage = school_coverage(school_a)
    assert coverage.total.counts[State.UNANSWERED] == 0
    assert "Lokale pers" not in {name for name, _labels in coverage.total.rows[0].unanswered}
    plan = reminder_plan(school=school_a)
    assert (plan.to_send, plan.all_answered) == ((), 1)
