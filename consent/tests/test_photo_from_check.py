"""One post checked on two pages is one publication.

A teacher in a hurry checks before posting ("Mag niet: Levi"), then blurs Levi on the
photo page. That is one post: the check page opens the photo check with its check, and
the photo's first check replaces it (both stay as evidence, linked), so a later "no"
makes one task and one e-mail, not one per page used.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import SCHOOL_YEAR, make_pupil, make_staff, make_user
from consent.models import PublicationCheck, TakedownTask
from consent.photo import faceset
from consent.services import publication_check_adjust, publication_check_create
from consent.tests.helpers import decide, purpose
from outbox.models import Duty
from schools.models import Group, Guardianship, StaffMembership

URL = "/foto/"


@pytest.fixture
def levi_gijs_mila(school_a, group_a1):
    """Levi (refused), Gijs and Mila (allowed) on social media, in teacher A's group,
    each with one gezag parent: (pupil, parent), as in test_appearance."""
    cast = []
    for number, first, granted in (
        ("3001", "Levi", False),
        ("3002", "Gijs", True),
        ("3003", "Mila", True),
    ):
        pupil = make_pupil(school_a, group_a1, number, first, "Jansen")
        parent = make_user(f"ouder.{first.lower()}@example.org")
        Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)
        decide(pupil, parent, "sociale-media", "photo", granted)
        cast.append((pupil, parent))
    return cast


@pytest.fixture(scope="module")
def group_photo() -> bytes:
    return faceset.jpeg_bytes(
        faceset.build_photo(0, width=1040, height=780, sizes=(96, 128), distractors=0).image
    )


def photo(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("IMG.JPG", data, content_type="image/jpeg")


def check_before_posting(client, pupils, code="sociale-media", media="photo") -> PublicationCheck:
    response = client.post(
        reverse("consent:check_new"),
        {
            "purpose": code,
            "media_type": media,
            "pupils": [p.pk for p in pupils],
            "note": "Kerstviering op Instagram",
        },
    )
    assert response.status_code == 302
    return PublicationCheck.objects.latest("id")


def photo_link(client, check) -> str | None:
    page = client.get(reverse("consent:check", args=[check.pk])).content.decode()
    found = re.search(r'href="(/foto/\?check=\d+)"', page)
    return found[1] if found else None


def test_the_check_page_opens_the_photo_check_and_it_stays_one_publication(
    login,
    teacher_a,
    levi_gijs_mila,
    group_photo,
):
    (levi, _), (gijs, gijs_parent), _mila = levi_gijs_mila
    client = login(teacher_a)
    first = check_before_posting(client, [levi, gijs])
    assert first.allowed is False
    link = photo_link(client, first)
    assert link == f"/foto/?check={first.pk}"

    form = client.get(link).content.decode()  # the photo check as the check left it
    assert f'name="from_check" value="{first.pk}"' in form
    assert f'value="{purpose("sociale-media").pk}" selected' in form
    for pupil in (levi, gijs):
        assert re.search(rf'value="{pupil.pk}"[^>]* checked', form)
    assert reverse("consent:check", args=[first.pk]) in form

    step1 = {
        "action": "preview",
        "channel": purpose("sociale-media").pk,
        "pupils": [levi.pk, gijs.pk],
        "from_check": first.pk,
    }
    page = client.post(URL, {"photo": photo(group_photo), **step1}).content.decode()
    second = PublicationCheck.objects.get(replaces=first)
    assert second.note == "Kerstviering op Instagram"  # the teacher finds the post again
    assert reverse("consent:check", args=[first.pk]) in page  # linked both ways
    key = re.search(r'name="photo_key" value="([0-9a-f]+)"', page)[1]
    download = {**step1, "action": "download", "check": second.pk, "photo_key": key}
    download["face_1"] = gijs.pk
    response = client.post(URL, {"photo": photo(group_photo), **download})
    assert response["Content-Type"] == "image/jpeg"
    third = PublicationCheck.objects.get(replaces=second)
    assert dict(third.checked_pupils.values_list("pupil_id", "appearance")) == {
        levi.pk: "unrecognisable",
        gijs.pk: "appears",
    }

    decide(gijs, gijs_parent, "sociale-media", "photo", False)
    assert list(TakedownTask.objects.values_list("publication_check", "pupil")) == [
        (third.pk, gijs.pk)
    ]
    assert Duty.objects.filter(key__startswith="takedown-email:").count() == 1


def test_a_pupil_of_the_check_left_unticked_on_the_photo_page_keeps_the_first_check(
    login,
    teacher_a,
    levi_gijs_mila,
    group_photo,
):
    """Mila may be in the post as first checked: a photo check without her cannot stand
    in for it, or her parent's "no" would take nothing down."""
    _levi, (gijs, _), (mila, mila_parent) = levi_gijs_mila
    client = login(teacher_a)
    first = check_before_posting(client, [gijs, mila])
    step1 = {
        "action": "preview",
        "channel": purpose("sociale-media").pk,
        "pupils": [gijs.pk],
        "from_check": first.pk,
    }
    client.post(URL, {"photo": photo(group_photo), **step1})
    assert PublicationCheck.objects.latest("id").replaces_id is None
    decide(mila, mila_parent, "sociale-media", "photo", False)
    assert list(TakedownTask.objects.values_list("publication_check", flat=True)) == [first.pk]


def test_a_check_on_another_channel_is_not_replaced(
    login,
    teacher_a,
    levi_gijs_mila,
    group_photo,
):
    _levi, (gijs, _), _mila = levi_gijs_mila
    client = login(teacher_a)
    first = check_before_posting(client, [gijs])
    step1 = {"action": "preview", "channel": purpose("website").pk, "pupils": [gijs.pk]}
    client.post(URL, {"photo": photo(group_photo), **step1, "from_check": first.pk})
    assert not PublicationCheck.objects.filter(replaces=first).exists()


def test_only_the_teachers_own_photo_check_not_replaced_yet_is_continued(
    login,
    teacher_a,
    director_a,
    levi_gijs_mila,
    group_photo,
):
    """A colleague's check (the director reads it), a video, or a check replaced already:
    no link, and a `from_check` posted anyway replaces nothing (the photo stands alone)."""
    (levi, _), (gijs, _), _mila = levi_gijs_mila
    teacher = login(teacher_a)
    colleagues = check_before_posting(teacher, [gijs])
    video = check_before_posting(teacher, [gijs], media="video")
    adjusted = check_before_posting(teacher, [levi, gijs])
    publication_check_adjust(user=teacher_a, check=adjusted, appearances={levi.pk: "left_out"})
    assert photo_link(teacher, video) is None
    assert photo_link(teacher, adjusted) is None
    assert photo_link(teacher, adjusted.replaced_by) is not None

    step1 = {"action": "preview", "channel": purpose("sociale-media").pk, "pupils": [gijs.pk]}
    replaced = set(PublicationCheck.objects.values_list("replaces", flat=True))
    for check in (video, adjusted):
        teacher.post(URL, {"photo": photo(group_photo), **step1, "from_check": check.pk})
    # the same photo checked twice by the teacher: the second replaces the first
    second = PublicationCheck.objects.filter(checked_by=teacher_a).latest("pk")
    assert second.replaces.replaces_id is None  # the first photo check, not `adjusted`
    assert second.replaces_id not in (video.pk, adjusted.pk, adjusted.replaced_by.pk)
    replaced.add(second.replaces_id)
    director = login(director_a)
    assert photo_link(director, colleagues) is None
    assert 'name="from_check"' not in director.get(f"{URL}?check={colleagues.pk}").content.decode()
    director.post(URL, {"photo": photo(group_photo), **step1, "from_check": colleagues.pk})
    assert PublicationCheck.objects.count() == 7  # 3 before posting, 1 adjusted, 3 photos
    assert set(PublicationCheck.objects.values_list("replaces", flat=True)) == replaced


def test_a_check_out_of_reach_or_not_a_number_is_ignored(
    login,
    teacher_a,
    school_b,
    levi_gijs_mila,  # noqa: F811
):
    group = Group.objects.create(school=school_b, name="groep 3", school_year=SCHOOL_YEAR)
    other = make_staff("juf.b@example.org", StaffMembership.Role.TEACHER, school_b, [group])
    theirs = publication_check_create(
        user=other,
        purpose=purpose("sociale-media"),
        media_type="photo",
        pupils=[make_pupil(school_b, group, "9001", "Anna", "Smit")],
    )
    client = login(teacher_a)
    for value in (theirs.pk, "abc", "", "99999999"):
        response = client.get(URL, {"check": value})
        assert response.status_code == 200
        assert 'name="from_check"' not in response.content.decode()


@pytest.fixture
def second_teacher_a1(school_a, group_a1):
    """A second teacher of teacher A's own group: the same pupils, not the same checks."""
    return make_staff("juf.tweede@example.org", StaffMembership.Role.TEACHER, school_a, [group_a1])


@pytest.mark.parametrize("colleague", ["second_teacher_a1", "director_a"])
def test_a_colleague_of_the_same_group_or_school_does_not_continue_the_teachers_check(
    request, login, teacher_a, levi_gijs_mila, group_photo, colleague
):
    """The photo check continues the user's own check only (views._from_check). A second
    teacher of the group reaches no check of another (consent.access.get_check_for_user);
    the director of the school reads every check there, so only the own-check condition
    keeps them from continuing one. Both see the photo page as from the menu: the check
    is ignored, as one out of reach (the page lists their own pupils, these included, with
    nothing ticked), never linked, replaced or its note (which may name a pupil) copied."""
    (levi, _), (gijs, _), _mila = levi_gijs_mila
    theirs = publication_check_create(
        user=teacher_a,
        purpose=purpose("sociale-media"),
        media_type="photo",
        pupils=[levi, gijs],
        note="Levi bij de kerstviering",
    )
    checks = set(PublicationCheck.objects.values_list("pk", "replaces"))
    client = login(request.getfixturevalue(colleague))
    link = reverse("consent:check", args=[theirs.pk])

    page = client.get(URL, {"check": theirs.pk})

    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="from_check"' not in body and link not in body
    assert "kerstviering" not in body
    for pupil in (levi, gijs):  # listed as the colleague's own pupils, not ticked
        assert re.search(rf'value="{pupil.pk}"', body)
        assert not re.search(rf'value="{pupil.pk}"[^>]* checked', body)
    assert f'value="{purpose("sociale-media").pk}" selected' not in body

    step1 = {
        "action": "preview",
        "channel": purpose("sociale-media").pk,
        "pupils": [gijs.pk],
        "from_check": theirs.pk,
    }
    response = client.post(URL, {"photo": photo(group_photo), **step1})

    assert response.status_code == 200
    body = response.content.decode()
    assert link not in body and "kerstviering" not in body
    photos_check = PublicationCheck.objects.exclude(pk__in=[pk for pk, _ in checks]).get()
    assert photos_check.checked_by == request.getfixturevalue(colleague)
    assert photos_check.replaces_id is None and photos_check.note == ""  # stands alone
    assert not PublicationCheck.objects.filter(replaces=theirs).exists()


REPLACED_NL = "Uw controle van"


def test_a_replaced_check_opened_again_says_why_the_page_starts_empty(
    login, teacher_a, director_a, levi_gijs_mila, group_photo
):
    """The photo page of `?check=` opened again after its photo was checked (the back
    button): the check is replaced, so it is not continued (a second photo would join
    that post), and the empty page said nothing; it now says so and links the newest check
    of the post, through every replacement. Nobody else is told: another's check stays
    ignored without a word."""
    (levi, _), (gijs, _), _mila = levi_gijs_mila
    client = login(teacher_a)
    first = check_before_posting(client, [levi, gijs])
    step1 = {
        "action": "preview",
        "channel": purpose("sociale-media").pk,
        "pupils": [levi.pk, gijs.pk],
        "from_check": first.pk,
    }
    client.post(URL, {"photo": photo(group_photo), **step1})
    client.post(URL, {"photo": photo(group_photo), **step1})  # ticks kept: a new key, a new check
    newest = PublicationCheck.objects.latest("pk")
    assert newest.replaces_id is not None and newest.pk != first.pk

    page = client.get(URL, {"check": first.pk}).content.decode()
    assert 'name="from_check"' not in page
    assert REPLACED_NL in page
    assert f'href="{reverse("consent:check", args=[newest.pk])}"' in page
    assert not re.search(rf'value="{levi.pk}"[^>]* checked', page)

    assert REPLACED_NL not in client.get(URL, {"check": newest.pk}).content.decode()
    assert REPLACED_NL not in client.get(URL).content.decode()
    director = login(director_a)
    assert REPLACED_NL not in director.get(URL, {"check": first.pk}).content.decode()


def test_the_preview_says_its_check_is_stored_already(
    login, teacher_a, levi_gijs_mila, group_photo
):
    """It said the check would be stored at the download, but step 1 stores it (the
    download records how each pupil appears, in a check that replaces it)."""
    (levi, _), (gijs, _), _mila = levi_gijs_mila
    client = login(teacher_a)
    step1 = {
        "action": "preview",
        "channel": purpose("sociale-media").pk,
        "pupils": [levi.pk, gijs.pk],
    }
    page = client.post(URL, {"photo": photo(group_photo), **step1}).content.decode()
    assert PublicationCheck.objects.filter(checked_by=teacher_a).count() == 1
    assert "Uw controle van deze foto is al bewaard." in page
    assert "wordt bewaard als u downloadt" not in page
