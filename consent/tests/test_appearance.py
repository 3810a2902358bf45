"""Per-pupil appearance in a publication check, and the takedowns that follow from it.

The story of the issue: Levi (refused), Gijs and Mila (allowed) on social media; Levi is
blurred or left out; a week later Gijs's parent withdraws -> a takedown task.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import make_pupil, make_user
from consent.models import Appearance, CheckedPupil, PublicationCheck, TakedownTask
from consent.services import (
    publication_check_adjust,
    publication_check_create,
    pupil_safeguarding_set,
    purpose_version_publish,
)
from consent.tests.helpers import decide, purpose
from schools.models import Guardianship


@pytest.fixture
def levi_gijs_mila(school_a, group_a1):
    """Three pupils of teacher A's group, each with one gezag parent: (pupil, parent)."""
    cast = []
    for number, first in (("3001", "Levi"), ("3002", "Gijs"), ("3003", "Mila")):
        pupil = make_pupil(school_a, group_a1, number, first, "Jansen")
        parent = make_user(f"ouder.{first.lower()}@example.org")
        Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)
        cast.append((pupil, parent))
    (levi, levi_parent), (gijs, gijs_parent), (mila, mila_parent) = cast
    decide(levi, levi_parent, "sociale-media", "photo", False)
    decide(gijs, gijs_parent, "sociale-media", "photo", True)
    decide(mila, mila_parent, "sociale-media", "photo", True)
    return cast


def _check(teacher, pupils, **kwargs):
    return publication_check_create(
        user=teacher,
        purpose=purpose("sociale-media"),
        media_type="photo",
        pupils=pupils,
        **kwargs,
    )


def test_it_stores_one_row_per_pupil_with_appearance_and_consent(teacher_a, levi_gijs_mila):
    (levi, _), (gijs, _), (mila, _) = levi_gijs_mila
    check = _check(teacher_a, [levi, gijs, mila], appearances={levi.pk: Appearance.LEFT_OUT})
    rows = {
        row.pupil_id: (row.appearance, row.state, row.allowed)
        for row in CheckedPupil.objects.filter(publication_check=check)
    }
    assert rows == {
        levi.pk: ("left_out", "refused", False),
        gijs.pk: ("appears", "granted", True),
        mila.pk: ("appears", "granted", True),
    }
    assert check.allowed is True


def test_it_judges_only_the_pupils_who_appear(teacher_a, levi_gijs_mila):
    (levi, _), (gijs, _), _mila = levi_gijs_mila
    assert _check(teacher_a, [levi, gijs]).allowed is False
    blurred = _check(teacher_a, [levi, gijs], appearances={levi.pk: "unrecognisable"})
    assert blurred.allowed is True


def test_it_refuses_an_unknown_appearance_or_pupil(teacher_a, levi_gijs_mila, pupil_a):
    (levi, _), (gijs, _), _mila = levi_gijs_mila
    with pytest.raises(ValidationError):
        _check(teacher_a, [levi, gijs], appearances={levi.pk: "half"})
    with pytest.raises(ValidationError):
        _check(teacher_a, [levi, gijs], appearances={pupil_a.pk: "left_out"})
    assert PublicationCheck.objects.count() == 0


def test_it_takes_down_a_blurred_check_when_a_visible_pupil_withdraws(teacher_a, levi_gijs_mila):
    (levi, levi_parent), (gijs, gijs_parent), (mila, _) = levi_gijs_mila
    first = _check(teacher_a, [levi, gijs, mila])
    assert first.allowed is False  # "Mag niet: Levi"
    second = publication_check_adjust(
        user=teacher_a, check=first, appearances={levi.pk: Appearance.UNRECOGNISABLE}
    )
    assert (second.allowed, second.replaces) == (True, first)
    decide(levi, levi_parent, "sociale-media", "photo", True)
    decide(levi, levi_parent, "sociale-media", "photo", False)  # blurred: nothing to do
    assert TakedownTask.objects.count() == 0
    decide(gijs, gijs_parent, "sociale-media", "photo", False)
    task = TakedownTask.objects.get()
    assert (task.publication_check, task.pupil, task.assigned_to) == (second, gijs, teacher_a)
    assert task.reason == TakedownTask.Reason.ANSWER


def test_it_takes_down_when_the_other_parent_says_no(teacher_a, levi_gijs_mila):
    _levi, (gijs, _), _mila = levi_gijs_mila
    _check(teacher_a, [gijs])
    other = make_user("ouder2.gijs@example.org")
    Guardianship.objects.create(user=other, pupil=gijs, has_parental_authority=True)
    decide(gijs, other, "sociale-media", "photo", False)  # now a conflict
    assert TakedownTask.objects.filter(pupil=gijs).count() == 1


def test_it_takes_down_on_a_change_of_meaning(teacher_a, board, levi_gijs_mila):
    (levi, _), (gijs, _), (mila, _) = levi_gijs_mila
    _check(teacher_a, [levi, gijs, mila], appearances={levi.pk: "left_out"})
    purpose_version_publish(
        user=board,
        purpose=purpose("sociale-media"),
        text="Nieuw: ook reclame.",
        kind="change_of_meaning",
    )
    tasks = TakedownTask.objects.all()
    assert {t.pupil_id for t in tasks} == {gijs.pk, mila.pk}
    assert {t.reason for t in tasks} == {TakedownTask.Reason.CHANGE_OF_MEANING}


def test_it_takes_nothing_down_on_a_correction(teacher_a, board, levi_gijs_mila):
    _levi, (gijs, _), _mila = levi_gijs_mila
    _check(teacher_a, [gijs])
    purpose_version_publish(
        user=board, purpose=purpose("sociale-media"), text="Tikfout hersteld.", kind="correction"
    )
    assert TakedownTask.objects.count() == 0


def test_it_takes_down_every_channel_when_the_safeguarding_flag_is_set(teacher_a, levi_gijs_mila):
    _levi, (gijs, gijs_parent), (mila, _) = levi_gijs_mila
    decide(gijs, gijs_parent, "website", "photo", True)
    _check(teacher_a, [gijs, mila])
    publication_check_create(
        user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[gijs]
    )
    tasks = pupil_safeguarding_set(pupil=gijs, not_in_picture=True)
    assert len(tasks) == 2
    assert {t.reason for t in TakedownTask.objects.all()} == {"safeguarding"}
    assert pupil_safeguarding_set(pupil=gijs, not_in_picture=True) == []  # already set


def test_it_lets_only_the_checking_teacher_adjust_once(teacher_a, director_a, levi_gijs_mila):
    (levi, _), (gijs, _), _mila = levi_gijs_mila
    first = _check(teacher_a, [levi, gijs])
    with pytest.raises(PermissionDenied):
        publication_check_adjust(user=director_a, check=first, appearances={levi.pk: "left_out"})
    publication_check_adjust(user=teacher_a, check=first, appearances={levi.pk: "left_out"})
    with pytest.raises(ValidationError):
        publication_check_adjust(user=teacher_a, check=first, appearances={levi.pk: "appears"})


def test_it_adjusts_a_check_through_the_page_and_keeps_both_steps(login, teacher_a, levi_gijs_mila):
    (levi, _), (gijs, gijs_parent), (mila, _) = levi_gijs_mila
    client = login(teacher_a)
    response = client.post(
        reverse("consent:check_new"),
        {"purpose": "sociale-media", "media_type": "photo", "pupils": [levi.pk, gijs.pk, mila.pk]},
    )
    first = PublicationCheck.objects.get()
    assert "Levi" in client.get(response.url).content.decode()
    assert first.allowed is False
    form = {f"a-{p.pk}": "appears" for p in (levi, gijs, mila)} | {f"a-{levi.pk}": "left_out"}
    response = client.post(reverse("consent:check_adjust", args=[first.pk]), form)
    second = PublicationCheck.objects.get(replaces=first)
    assert response.url == reverse("consent:check", args=[second.pk])
    assert second.allowed is True
    first.refresh_from_db()
    assert first.allowed is False  # the first step stays as it was
    page = client.get(reverse("consent:check", args=[first.pk])).content.decode()
    assert reverse("consent:check", args=[second.pk]) in page
    decide(gijs, gijs_parent, "sociale-media", "photo", False)
    assert list(TakedownTask.objects.values_list("publication_check", flat=True)) == [second.pk]


def test_a_second_click_on_adjust_lands_on_the_newer_check(login, teacher_a, levi_gijs_mila):
    """A double click (or Back and send again) on "Opslaan" answered the second with a 400
    page "Deze controle is al aangepast"; the same choices now land on the check they
    made, with one check more, not two. Other choices on the old page stay refused."""
    (levi, _), (gijs, _), _mila = levi_gijs_mila
    first = _check(teacher_a, [levi, gijs])
    client = login(teacher_a)
    url = reverse("consent:check_adjust", args=[first.pk])
    form = {f"a-{levi.pk}": "left_out", f"a-{gijs.pk}": "appears"}
    client.post(url, form, follow=True)

    response = client.post(url, form)

    second = PublicationCheck.objects.get(replaces=first)
    assert response.status_code == 302
    assert response.url == reverse("consent:check", args=[second.pk])
    page = client.get(response.url).content.decode()
    assert "Deze keuzes zijn al opgeslagen" in page
    assert PublicationCheck.objects.count() == 2
    other = client.post(url, form | {f"a-{levi.pk}": "unrecognisable"})
    assert other.status_code == 400
    assert "Deze controle is aangepast." in other.content.decode()  # with a link to it
    assert PublicationCheck.objects.count() == 2


def test_it_answers_bad_adjust_input_with_400_and_changes_nothing(
    login, teacher_a, other_teacher, levi_gijs_mila
):
    (levi, _), (gijs, _), _mila = levi_gijs_mila
    first = _check(teacher_a, [levi, gijs])
    url = reverse("consent:check_adjust", args=[first.pk])
    bad = {f"a-{levi.pk}": "half", f"a-{gijs.pk}": "appears"}
    assert login(teacher_a).post(url, bad).status_code == 400
    assert login(other_teacher).post(url, bad).status_code == 404
    assert PublicationCheck.objects.count() == 1


ONLY_THE_MAKER = (
    "Alleen de leerkracht die deze controle heeft gemaakt, kan haar aanpassen. Er is niets"
    " gewijzigd."
)


@pytest.mark.parametrize("reader", ["director_a", "board", "privacy_officer"])
def test_a_reader_who_did_not_make_the_check_is_told_only_its_maker_adjusts_it(
    request, login, teacher_a, levi_gijs_mila, reader
):
    """The school's director (or the board, the privacy officer) reads the check; sending
    its adjust form by hand gave a bare 400 page, the check without a word of why."""
    (levi, _), (gijs, _), _mila = levi_gijs_mila
    first = _check(teacher_a, [levi, gijs])
    client = login(request.getfixturevalue(reader))
    url = reverse("consent:check_adjust", args=[first.pk])
    response = client.post(url, {f"a-{levi.pk}": "left_out", f"a-{gijs.pk}": "appears"})
    assert response.status_code == 302
    assert response.url == reverse("consent:check", args=[first.pk])
    page = client.get(response.url).content.decode()
    assert ONLY_THE_MAKER in page and 'role="alert"' in page
    assert PublicationCheck.objects.count() == 1
    assert list(CheckedPupil.objects.values_list("appearance", flat=True)) == ["appears"] * 2


@pytest.mark.parametrize("who", ["other_teacher", "director_b", "parent_a", "outsider"])
def test_someone_out_of_reach_who_posts_to_adjust_gets_a_404(
    request, login, teacher_a, levi_gijs_mila, who
):
    (levi, _), (gijs, _), _mila = levi_gijs_mila
    first = _check(teacher_a, [levi, gijs])
    url = reverse("consent:check_adjust", args=[first.pk])
    response = login(request.getfixturevalue(who)).post(url, {f"a-{levi.pk}": "left_out"})
    assert response.status_code == 404
    assert "Levi" not in response.content.decode()
    assert PublicationCheck.objects.count() == 1


def test_it_records_the_pupils_blurred_on_the_photo_page(login, teacher_a, levi_gijs_mila):
    """Gijs is given a face and appears; Levi (refused) is not and is made unrecognisable."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consent.photo import faceset

    group_photo = faceset.jpeg_bytes(
        faceset.build_photo(0, width=1040, height=780, sizes=(96, 128), distractors=0).image
    )

    (levi, levi_parent), (gijs, gijs_parent), _mila = levi_gijs_mila
    client = login(teacher_a)
    channel = purpose("sociale-media").pk

    def photo():
        return SimpleUploadedFile("IMG.JPG", group_photo, content_type="image/jpeg")

    preview = client.post(
        "/foto/",
        {"photo": photo(), "action": "preview", "channel": channel, "pupils": [levi.pk, gijs.pk]},
    )
    first = PublicationCheck.objects.get()
    assert first.allowed is False
    assert f'name="check" value="{first.pk}"' in preview.content.decode()
    download = {
        "photo": photo(),
        "action": "download",
        "channel": channel,
        "pupils": [levi.pk, gijs.pk],
        "rectangles": "0,0,20,20",
        "check": first.pk,
        "face_1": gijs.pk,
    }
    assert client.post("/foto/", download).status_code == 200
    second = PublicationCheck.objects.get(replaces=first)
    rows = dict(second.checked_pupils.values_list("pupil_id", "appearance"))
    assert rows == {levi.pk: "unrecognisable", gijs.pk: "appears"}
    download["photo"] = photo()
    client.post("/foto/", download)  # the same download again adds no third check
    assert PublicationCheck.objects.count() == 2
    decide(levi, levi_parent, "sociale-media", "photo", True)
    decide(levi, levi_parent, "sociale-media", "photo", False)
    assert TakedownTask.objects.count() == 0
    decide(gijs, gijs_parent, "sociale-media", "photo", False)
    assert list(TakedownTask.objects.values_list("publication_check", "pupil")) == [
        (second.pk, gijs.pk)
    ]


def _photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consent.photo import faceset

    group_photo = faceset.jpeg_bytes(
        faceset.build_photo(0, width=1040, height=780, sizes=(96, 128), distractors=0).image
    )
    return SimpleUploadedFile("IMG.JPG", group_photo, content_type="image/jpeg")


def _download_refused(response) -> bool:
    """The photo is not handed out; the page asks for a new check."""
    return (
        response.status_code == 400
        and response["Content-Type"].startswith("text/html")
        and "Klik opnieuw op “Controleer en toon de foto”" in response.content.decode()
    )


def test_it_refuses_a_download_with_a_pupil_ticked_after_the_check(
    login, teacher_a, levi_gijs_mila
):
    """Step 1 checked Levi only; Gijs, ticked afterwards and given a face, would be in the
    photo without any stored check: his parent's "no" would take nothing down."""
    (levi, _), (gijs, gijs_parent), _mila = levi_gijs_mila
    client = login(teacher_a)
    channel = purpose("sociale-media").pk
    step1 = {"action": "preview", "channel": channel, "pupils": [levi.pk]}
    client.post("/foto/", {"photo": _photo(), **step1})
    first = PublicationCheck.objects.get()
    download = {
        "photo": _photo(),
        "action": "download",
        "channel": channel,
        "pupils": [levi.pk, gijs.pk],
        "check": first.pk,
        "face_1": gijs.pk,
    }
    assert _download_refused(client.post("/foto/", download))
    assert list(PublicationCheck.objects.all()) == [first]
    step1["pupils"] = [levi.pk, gijs.pk]
    preview = client.post("/foto/", {"photo": _photo(), **step1})
    second = PublicationCheck.objects.latest("id")
    assert f'name="check" value="{second.pk}"' in preview.content.decode()
    download.update(photo=_photo(), check=second.pk)
    assert client.post("/foto/", download)["Content-Type"] == "image/jpeg"
    decide(gijs, gijs_parent, "sociale-media", "photo", False)
    assert TakedownTask.objects.get().pupil == gijs


def test_it_refuses_a_download_of_ticked_pupils_without_a_check(login, teacher_a, levi_gijs_mila):
    """Step 1 without ticks stores no check; pupils ticked afterwards need one."""
    _levi, (gijs, _), _mila = levi_gijs_mila
    client = login(teacher_a)
    channel = purpose("sociale-media").pk
    client.post("/foto/", {"photo": _photo(), "action": "preview", "channel": channel})
    download = {"action": "download", "channel": channel, "pupils": [gijs.pk], "face_1": gijs.pk}
    assert _download_refused(client.post("/foto/", {"photo": _photo(), **download}))
    assert PublicationCheck.objects.count() == 0


def test_it_refuses_a_download_on_another_channel_than_the_check(login, teacher_a, levi_gijs_mila):
    _levi, (gijs, gijs_parent), _mila = levi_gijs_mila
    decide(gijs, gijs_parent, "website", "photo", True)
    client = login(teacher_a)
    step1 = {"action": "preview", "channel": purpose("website").pk, "pupils": [gijs.pk]}
    client.post("/foto/", {"photo": _photo(), **step1})
    first = PublicationCheck.objects.get()
    download = {
        "photo": _photo(),
        "action": "download",
        "channel": purpose("sociale-media").pk,
        "pupils": [gijs.pk],
        "check": first.pk,
        "face_1": gijs.pk,
    }
    assert _download_refused(client.post("/foto/", download))
    assert list(PublicationCheck.objects.all()) == [first]


def test_it_refuses_a_download_with_a_colleagues_check_as_a_form_error(
    login, teacher_a, director_a, levi_gijs_mila
):
    """A director reaches the teacher's check but cannot record a download in it."""
    _levi, (gijs, _), _mila = levi_gijs_mila
    first = _check(teacher_a, [gijs])
    download = {
        "photo": _photo(),
        "action": "download",
        "channel": purpose("sociale-media").pk,
        "pupils": [gijs.pk],
        "check": first.pk,
        "face_1": gijs.pk,
    }
    assert _download_refused(login(director_a).post("/foto/", download))
    assert list(PublicationCheck.objects.all()) == [first]


def test_it_records_a_pupil_given_a_face_as_appearing_after_a_left_out_adjustment(
    login, teacher_a, levi_gijs_mila
):
    """Gijs was marked "left out" in the step-1 check (check page), then ticked and given
    a face on download: he is in the photo, so his parent's "no" must take it down."""
    _levi, (gijs, gijs_parent), _mila = levi_gijs_mila
    client = login(teacher_a)
    channel = purpose("sociale-media").pk
    step1 = {"action": "preview", "channel": channel, "pupils": [gijs.pk]}
    client.post("/foto/", {"photo": _photo(), **step1})
    first = PublicationCheck.objects.get()
    client.post(reverse("consent:check_adjust", args=[first.pk]), {f"a-{gijs.pk}": "left_out"})
    download = {**step1, "action": "download", "check": first.pk, "face_1": gijs.pk}
    assert client.post("/foto/", {"photo": _photo(), **download})["Content-Type"] == "image/jpeg"
    newest = PublicationCheck.objects.latest("id")
    assert dict(newest.checked_pupils.values_list("pupil_id", "appearance")) == {gijs.pk: "appears"}
    decide(gijs, gijs_parent, "sociale-media", "photo", False)
    assert TakedownTask.objects.get().publication_check == newest


def test_it_takes_down_when_the_admin_sets_the_safeguarding_flag(client, teacher_a, levi_gijs_mila):
    from conftest import give_totp

    _levi, (gijs, _), _mila = levi_gijs_mila
    check = _check(teacher_a, [gijs])
    admin = give_totp(make_user("beheer@example.org", is_staff=True, is_superuser=True))
    client.force_login(admin)
    url = reverse("admin:schools_pupil_change", args=[gijs.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = {
        "school": gijs.school_id,
        "leerlingnummer": gijs.leerlingnummer,
        "first_name": gijs.first_name,
        "name_prefix": "",
        "last_name": gijs.last_name,
        "birth_date": "2018-05-04",
        "group": gijs.group_id,
        "left_on": "",
        "not_in_picture": "on",
        "guardianships-TOTAL_FORMS": "1",
        "guardianships-INITIAL_FORMS": "1",
        "guardianships-0-id": gijs.guardianships.get().pk,
        "guardianships-0-pupil": gijs.pk,
        "guardianships-0-user": gijs.guardianships.get().user_id,
        "guardianships-0-has_parental_authority": "on",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    gijs.refresh_from_db()
    assert gijs.not_in_picture is True
    task = TakedownTask.objects.get()
    assert (task.publication_check, task.reason) == (check, "safeguarding")


def test_it_mails_a_safeguarding_takedown_without_the_reason(
    eager_tasks, django_capture_on_commit_callbacks, teacher_a, levi_gijs_mila
):
    from django.core import mail

    _levi, (gijs, _), _mila = levi_gijs_mila
    _check(teacher_a, [gijs])
    with django_capture_on_commit_callbacks(execute=True):
        pupil_safeguarding_set(pupil=gijs, not_in_picture=True)
    [message] = mail.outbox
    assert "niet meer toe" in message.body
    assert "ouder" not in message.body.lower() and "Gijs" not in message.body


def _no_from_the_parent(gijs, parent, board):
    decide(gijs, parent, "sociale-media", "photo", False)


def _no_from_a_second_parent(gijs, parent, board):
    other = make_user("ouder2.gijs@example.org")
    Guardianship.objects.create(user=other, pupil=gijs, has_parental_authority=True)
    decide(gijs, other, "sociale-media", "photo", False)


def _change_of_meaning(gijs, parent, board):
    purpose_version_publish(
        user=board, purpose=purpose("sociale-media"), text="Nieuw.", kind="change_of_meaning"
    )


def _safeguarding(gijs, parent, board):
    pupil_safeguarding_set(pupil=gijs, not_in_picture=True)


def _gezag_ended(gijs, parent, board):
    link = Guardianship.objects.get(pupil=gijs, user=parent)
    link.has_parental_authority = False
    link.save()


@pytest.mark.parametrize("appearance", [Appearance.UNRECOGNISABLE, Appearance.LEFT_OUT])
@pytest.mark.parametrize(
    "cause",
    [
        _no_from_the_parent,
        _no_from_a_second_parent,
        _change_of_meaning,
        _safeguarding,
        _gezag_ended,
    ],
)
def test_a_pupil_blurred_or_left_out_is_taken_down_for_by_no_cause(
    teacher_a, board, levi_gijs_mila, appearance, cause
):
    """Whatever stops Gijs's consent, only the pupils who appear are taken down for: Mila
    (appears) gets a task when the cause reaches her channel, Gijs (blurred or left out)
    never does."""
    _levi, (gijs, gijs_parent), (mila, _) = levi_gijs_mila
    _check(teacher_a, [gijs, mila], appearances={gijs.pk: appearance})
    cause(gijs, gijs_parent, board)
    assert not TakedownTask.objects.filter(pupil=gijs).exists()
    expected = {mila.pk} if cause is _change_of_meaning else set()
    assert set(TakedownTask.objects.values_list("pupil_id", flat=True)) == expected


def test_checking_the_same_photo_again_replaces_the_first_check(login, teacher_a, levi_gijs_mila):
    """A pupil ticked after step 1 sends the teacher back to "Controleer en toon de foto":
    the second check of the same photo replaces the first, so a later "no" takes that one
    photo down once, not once per press."""
    import re

    _levi, (gijs, gijs_parent), (mila, _) = levi_gijs_mila
    client = login(teacher_a)
    channel = purpose("sociale-media").pk
    step1 = {"action": "preview", "channel": channel, "pupils": [gijs.pk]}
    page = client.post("/foto/", {"photo": _photo(), **step1}).content.decode()
    first = PublicationCheck.objects.get()
    key = re.search(r'name="photo_key" value="([0-9a-f]+)"', page)[1]
    again = {**step1, "pupils": [gijs.pk, mila.pk], "check": first.pk, "photo_key": key}
    client.post("/foto/", {"photo": _photo(), **again})
    second = PublicationCheck.objects.latest("id")
    assert second.replaces_id == first.pk
    decide(gijs, gijs_parent, "sociale-media", "photo", False)
    assert list(TakedownTask.objects.values_list("publication_check", flat=True)) == [second.pk]


def test_checking_again_without_a_pupil_who_appears_keeps_the_first_check(
    login, teacher_a, levi_gijs_mila
):
    """Mila may be in the photo as first checked: a check without her cannot stand in for
    that one, or her parent's "no" would take nothing down."""
    import re

    _levi, (gijs, _), (mila, mila_parent) = levi_gijs_mila
    client = login(teacher_a)
    channel = purpose("sociale-media").pk
    step1 = {"action": "preview", "channel": channel, "pupils": [gijs.pk, mila.pk]}
    page = client.post("/foto/", {"photo": _photo(), **step1}).content.decode()
    first = PublicationCheck.objects.get()
    key = re.search(r'name="photo_key" value="([0-9a-f]+)"', page)[1]
    again = {**step1, "pupils": [gijs.pk], "check": first.pk, "photo_key": key}
    client.post("/foto/", {"photo": _photo(), **again})
    assert PublicationCheck.objects.latest("id").replaces_id is None
    decide(mila, mila_parent, "sociale-media", "photo", False)
    assert list(TakedownTask.objects.values_list("publication_check", flat=True)) == [first.pk]
