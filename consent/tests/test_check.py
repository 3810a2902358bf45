"""Check before posting: verdicts, evidence, roles, constant queries, the CLI."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from conftest import add_teaching, make_pupil, make_user
from consent.models import PublicationCheck
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from consent.verdict import pupil_verdicts, verdict_text
from schools.models import Guardianship, StaffMembership


@pytest.fixture
def roos_parent(pupil_a2):
    user = make_user("ouder.roos@example.org")
    Guardianship.objects.create(user=user, pupil=pupil_a2, has_parental_authority=True)
    return user


def test_it_allows_when_every_pupil_granted(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    check = publication_check_create(
        user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a]
    )
    assert check.allowed
    assert check.results == [
        {"pupil": pupil_a.pk, "state": "granted", "allowed": True, "appearance": "appears"}
    ]
    assert check.purpose_version == purpose("website").versions.get()
    assert list(check.pupils.all()) == [pupil_a]


def test_it_refuses_when_one_pupil_is_not_granted(director_a, parent_a, pupil_a, pupil_a2):
    decide(pupil_a, parent_a, "website", "photo", True)
    check = publication_check_create(
        user=director_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a, pupil_a2]
    )
    assert not check.allowed
    assert [r["state"] for r in check.results] == ["granted", "unanswered"]


def test_it_names_the_pupil_and_reason_in_the_verdict(director_a, parent_a, pupil_a, pupil_a2):
    decide(pupil_a, parent_a, "sociale-media", "video", False)
    check = publication_check_create(
        user=director_a, purpose=purpose("sociale-media"), media_type="video", pupils=[pupil_a]
    )
    with translation.override("en"):
        text = verdict_text(check.purpose, "video", pupil_verdicts([pupil_a], check.results))
    assert text == "May not: Sem (no consent for video on Sociale media van de school)"


def test_it_stores_no_safeguarding_reason(teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    pupil_a.not_in_picture = True
    pupil_a.save()
    check = publication_check_create(
        user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a]
    )
    assert check.results == [
        {"pupil": pupil_a.pk, "state": "not_allowed", "allowed": False, "appearance": "appears"}
    ]


def test_it_refuses_pupils_out_of_reach(teacher_a, pupil_a2):
    with pytest.raises(PermissionDenied):
        publication_check_create(
            user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a2]
        )


def test_it_refuses_an_empty_check_or_unknown_media(teacher_a, pupil_a):
    with pytest.raises(ValidationError):
        publication_check_create(
            user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[]
        )
    with pytest.raises(ValidationError):
        publication_check_create(
            user=teacher_a, purpose=purpose("website"), media_type="gif", pupils=[pupil_a]
        )
    assert PublicationCheck.objects.count() == 0


@pytest.mark.parametrize(
    ("cast_member", "status"),
    [("teacher_a", 200), ("director_a", 200), ("board", 200), ("parent_a", 404), ("outsider", 404)],
)
def test_it_shows_the_check_page_to_staff(db, request, login, cast_member, status):
    user = request.getfixturevalue(cast_member)
    assert login(user).get(reverse("consent:check_new")).status_code == status


def test_it_lists_the_class_and_finds_pupils_by_name(
    login, teacher_a, director_a, pupil_a, pupil_a2
):
    html = login(teacher_a).get(reverse("consent:check_new")).content.decode()
    assert "Sem Bakker" in html
    html = login(director_a).get(reverse("consent:check_new"), {"q": "roo"}).content.decode()
    assert "Roos Vries" in html
    assert "Sem Bakker" not in html


def test_the_name_search_leaves_no_name_in_the_browsers_form_history(login, teacher_a):
    # A classroom computer is shared: the browser offered the pupils searched for before
    # to whoever typed in the box next.
    html = login(teacher_a).get(reverse("consent:check_new")).content.decode()
    [search] = re.findall(r'<input id="id_q"[^>]*>', html)
    assert 'autocomplete="off"' in search


def test_the_name_search_puts_no_name_in_the_address(login, director_a, pupil_a, pupil_a2):
    # The address of a search lands in the browser's history (and its address-bar
    # suggestions) on a shared classroom computer: the form sends the name in the body.
    client = login(director_a)
    html = client.get(reverse("consent:check_new")).content.decode()
    forms = re.findall(r"<form[^>]*>.*?</form>", html, re.S)
    [search_form] = [form for form in forms if 'id="id_q"' in form]
    assert 'method="post"' in search_form and "csrfmiddlewaretoken" in search_form
    response = client.post(reverse("consent:check_new"), {"intent": "search", "q": "roo"})
    found = response.content.decode()
    assert response.status_code == 200 and "Roos Vries" in found and "Sem Bakker" not in found
    assert "errorlist" not in found  # a search is no check: nothing to refuse
    assert PublicationCheck.objects.count() == 0


def test_a_refused_check_after_a_search_keeps_the_pupils_found(login, director_a, pupil_a2):
    client = login(director_a)
    found = client.post(reverse("consent:check_new"), {"intent": "search", "q": "roo"})
    # the search box is in the check's form: it sends the name with the check
    [hidden] = re.findall(
        r'<input id="id_q" type="search" name="q" value="([^"]*)"', found.content.decode()
    )
    refused = client.post(
        reverse("consent:check_new"), {"q": hidden, "media_type": "photo", "pupils": [pupil_a2.pk]}
    )
    html = refused.content.decode()
    assert refused.status_code == 200 and "errorlist" in html
    assert re.search(rf'value="{pupil_a2.pk}" checked', html) and "Roos Vries" in html


def test_it_does_not_find_pupils_of_other_groups_for_a_teacher(login, teacher_a, pupil_a2):
    html = login(teacher_a).get(reverse("consent:check_new"), {"q": "roos"}).content.decode()
    assert "Roos" not in html


def test_it_searches_past_a_nul_character_in_the_name(login, director_a, pupil_a2):
    client = login(director_a)
    client.raise_request_exception = False
    response = client.get(reverse("consent:check_new"), {"q": "ro\x00os"})
    assert response.status_code == 200
    assert "Roos Vries" in response.content.decode()


def test_a_pasted_search_text_is_cut_as_every_search_box_is(login, director_a, pupil_a2):
    """SQLite refuses a LIKE pattern of 50,000 bytes: a pasted text was a 500 there."""
    client = login(director_a)
    client.raise_request_exception = False
    response = client.post(reverse("consent:check_new"), {"intent": "search", "q": "roos" * 25_000})
    assert response.status_code == 200 and "Roos Vries" not in response.content.decode()
    response = client.post(reverse("consent:check_new"), {"intent": "search", "q": "Roos Vries"})
    assert "Roos Vries" in response.content.decode()


def test_it_rejects_a_posted_pupil_out_of_reach(login, teacher_a, pupil_a2):
    response = login(teacher_a).post(
        reverse("consent:check_new"),
        {"purpose": "website", "media_type": "photo", "pupils": [pupil_a2.pk]},
    )
    assert response.status_code == 404  # as the pupil's id in a path
    assert PublicationCheck.objects.count() == 0


@pytest.mark.parametrize(
    ("cast_member", "status"),
    [
        ("teacher_a", 200),
        ("other_teacher", 404),
        ("director_a", 200),
        ("director_b", 404),
        ("board", 200),
        ("parent_a", 404),
    ],
)
def test_it_shows_a_saved_check_to_its_author_and_school_leaders(
    request, login, teacher_a, pupil_a, cast_member, status
):
    check = publication_check_create(
        user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a]
    )
    user = request.getfixturevalue(cast_member)
    assert login(user).get(reverse("consent:check", args=[check.pk])).status_code == status


def test_the_check_page_names_its_school(login, teacher_a, school_b, group_b1, pupil_b):
    """A teacher at two schools checks for both schools' "Website van de school"; the
    takedowns page names the school and links here, where the evidence must say it too."""
    check = _check_by(add_teaching(teacher_a, school_b, [group_b1]), pupil_b)
    page = login(teacher_a).get(reverse("consent:check", args=[check.pk])).content.decode()
    assert re.search(r"<dt>School</dt>\s*<dd>OBS Het Zwanenhof</dd>", page)


def _check_by(teacher, pupil) -> PublicationCheck:
    return publication_check_create(
        user=teacher, purpose=purpose("website"), media_type="photo", pupils=[pupil]
    )


def test_its_author_no_longer_reads_it_after_leaving_the_school(
    login, teacher_a, pupil_a, school_a, school_b, group_b1
):
    check = _check_by(teacher_a, pupil_a)
    add_teaching(teacher_a, school_b, [group_b1])  # now teaches at school B only
    StaffMembership.objects.filter(user=teacher_a, school=school_a).delete()
    client = login(teacher_a)
    assert client.get(reverse("consent:check", args=[check.pk])).status_code == 404
    adjust = client.post(reverse("consent:check_adjust", args=[check.pk]), {})
    assert adjust.status_code == 404
    assert PublicationCheck.objects.count() == 1


def test_its_author_without_any_staff_role_gets_a_404(login, teacher_a, pupil_a):
    check = _check_by(teacher_a, pupil_a)
    StaffMembership.objects.filter(user=teacher_a).delete()
    page = login(teacher_a).get(reverse("consent:check", args=[check.pk]))
    assert page.status_code == 404
    assert pupil_a.first_name not in page.content.decode()


def test_its_author_still_reads_it_when_teaching_another_group_of_the_school(
    login, teacher_a, pupil_a, group_a2
):
    check = _check_by(teacher_a, pupil_a)
    StaffMembership.objects.get(user=teacher_a).groups.set([group_a2])
    assert login(teacher_a).get(reverse("consent:check", args=[check.pk])).status_code == 200


def test_its_author_moved_to_another_group_is_told_why_it_cannot_be_adjusted(
    login, teacher_a, pupil_a, group_a2
):
    """Moved to another group, the teacher still reads the check but reaches its pupils
    no more: marking one blurred said only "Niet toegestaan."."""
    check = _check_by(teacher_a, pupil_a)
    StaffMembership.objects.get(user=teacher_a).groups.set([group_a2])
    url = reverse("consent:check_adjust", args=[check.pk])
    response = login(teacher_a).post(url, {f"a-{pupil_a.pk}": "unrecognisable"})
    assert response.status_code == 400 and PublicationCheck.objects.count() == 1
    assert (
        "U kunt deze controle niet meer aanpassen: niet elke leerling erin zit nog in uw"
        " groepen. Er is niets opgeslagen." in response.content.decode()
    )


def test_its_author_moved_to_another_group_sees_why_instead_of_the_adjust_form(
    login, django_assert_num_queries, teacher_a, parent_a, pupil_a, group_a2
):
    """The page showed the moved teacher the form "Vervaagd of weggelaten?" (and the photo
    check for this publication), which could only be refused once sent. It now says why
    instead, from the page's own read of the check's pupils: no query more."""
    decide(pupil_a, parent_a, "website", "photo", True)
    check = _check_by(teacher_a, pupil_a)
    client = login(teacher_a)
    url = reverse("consent:check", args=[check.pk])
    adjust_url = reverse("consent:check_adjust", args=[check.pk])
    before = client.get(url).content.decode()
    assert f'action="{adjust_url}"' in before and "?check=" in before
    StaffMembership.objects.get(user=teacher_a).groups.set([group_a2])
    # the page's 10 as for a teacher who may adjust (test_the_check_page_says_when_...)
    with django_assert_num_queries(10):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200 and "verdict--yes" in page
    assert f'action="{adjust_url}"' not in page and 'name="a-' not in page
    assert "?check=" not in page  # the photo check would be refused the same way
    assert (
        "U kunt deze controle niet meer aanpassen: niet elke leerling erin zit nog in uw"
        " groepen." in page
    )


def test_its_author_now_only_privacy_officer_reads_it_without_the_adjust_form(
    login, teacher_a, pupil_a
):
    """Reading every school as privacy officer, they reach no pupil as staff (an empty
    reach in the page's read of the pupils): the reason, not the form, and no error."""
    check = _check_by(teacher_a, pupil_a)
    membership = StaffMembership.objects.get(user=teacher_a)
    membership.role, membership.school = StaffMembership.Role.PRIVACY_OFFICER, None
    membership.save()
    membership.groups.clear()
    response = login(teacher_a).get(reverse("consent:check", args=[check.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and 'name="a-' not in page
    assert "U kunt deze controle niet meer aanpassen" in page


def test_its_author_sees_why_a_check_on_a_retired_channel_cannot_be_adjusted(
    login, teacher_a, pupil_a
):
    """The service refuses an adjustment on a channel no longer in use ("Dit doel is niet
    in gebruik."): the page showed the form all the same."""
    check = _check_by(teacher_a, pupil_a)
    website = purpose("website")
    website.active = False
    website.save()
    page = login(teacher_a).get(reverse("consent:check", args=[check.pk])).content.decode()
    assert 'name="a-' not in page
    assert "U kunt deze controle niet meer aanpassen: dit kanaal is niet meer in gebruik." in page


def test_a_director_reading_a_teachers_check_is_told_nothing_about_adjusting(
    login, teacher_a, director_a, pupil_a
):
    check = _check_by(teacher_a, pupil_a)
    page = login(director_a).get(reverse("consent:check", args=[check.pk])).content.decode()
    assert 'name="a-' not in page and "niet meer aanpassen" not in page


def test_it_shows_the_verdict_with_symbol(login, teacher_a, parent_a, pupil_a):
    decide(pupil_a, parent_a, "website", "photo", True)
    client = login(teacher_a)
    response = client.post(
        reverse("consent:check_new"),
        {"purpose": "website", "media_type": "photo", "pupils": [pupil_a.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "verdict--yes" in html
    assert "state--granted" in html


@pytest.mark.parametrize("size", [3, 30])
def test_it_runs_the_same_queries_for_3_or_30_pupils(
    login, django_assert_num_queries, teacher_a, school_a, group_a1, size
):
    pupils = []
    for n in range(size):
        pupil = make_pupil(school_a, group_a1, f"9{n:03d}", f"Kind{n}", "Test")
        parent = make_user(f"ouder{n}@example.org")
        Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)
        decide(pupil, parent, "website", "photo", True)
        pupils.append(pupil.pk)
    client = login(teacher_a)
    # (session from the cache, TOTP remembered in it) 1 user, 2 memberships,
    # 3 purpose by code, 4 pupils in reach, 5 savepoint, 6 reach count, 7 purpose versions,
    # 8 lock pupils, 9 gezag-holders, 10 events, 11 insert check, 12 existing M2M rows,
    # 13 insert M2M rows, 14 insert checked pupils (one bulk insert), 15 release savepoint.
    # Above 8: recording the evidence is one transaction that must lock, read and write
    # these tables; its count does not grow.
    with django_assert_num_queries(15):
        response = client.post(
            reverse("consent:check_new"),
            {"purpose": "website", "media_type": "photo", "pupils": pupils},
        )
    assert response.status_code == 302
    assert PublicationCheck.objects.get().allowed


class TestCommand:
    def run(self, *pupils, media="photo", purpose_code="website", school="vlindertuin"):
        args = ["--school", school, "--purpose", purpose_code, "--media", media]
        with pytest.raises(SystemExit) as exit_info:
            call_command("check_consent", *args, "--pupils", ",".join(pupils))
        return exit_info.value.code

    def test_it_exits_0_when_allowed(self, parent_a, pupil_a):
        decide(pupil_a, parent_a, "website", "photo", True)
        assert self.run("1001") == 0

    def test_it_exits_1_when_not_allowed(self, parent_a, pupil_a, pupil_a2):
        decide(pupil_a, parent_a, "website", "photo", True)
        assert self.run("1001", "1002") == 1

    def test_it_agrees_with_the_page_for_safeguarded_pupils(self, parent_a, pupil_a):
        decide(pupil_a, parent_a, "website", "photo", True)
        pupil_a.not_in_picture = True
        pupil_a.save()
        assert self.run("1001") == 1

    @pytest.mark.parametrize(
        ("bad", "line"),
        [
            ({"school": "nope"}, "onbekende school: nope"),
            ({"purpose_code": "nope"}, "onbekend of niet actief kanaal: nope"),
            ({"media": "gif"}, "onbekend soort opname: gif (gebruik photo, video, audio)"),
        ],
    )
    def test_it_exits_2_with_one_dutch_line_on_bad_input(self, capsys, pupil_a, bad, line):
        assert self.run("1001", **bad) == 2
        assert capsys.readouterr().err.strip().splitlines() == [line]

    def test_its_messages_follow_the_language_setting(self, capsys, settings, pupil_a):
        settings.LANGUAGE_CODE = "en"
        assert self.run("1001", school="nope") == 2
        assert capsys.readouterr().err.strip() == "unknown school: nope"

    def test_it_exits_2_for_an_unknown_pupil_number(self, capsys, pupil_a, pupil_b):
        assert self.run("1001", "2001") == 2
        assert capsys.readouterr().err.strip() == "onbekend leerlingnummer bij vlindertuin: 2001"


def test_the_check_page_says_when_consent_went_since_the_check(
    login, django_assert_num_queries, teacher_a, parent_a, pupil_a, pupil_a2
):
    """The stored verdict is evidence of its moment. A teacher who opened it again before
    posting (or landed on it by sending the check form again) read "Mag gepubliceerd
    worden" after a parent had said no since; the page now says who may no longer appear."""
    from consent.models import PublicationCheck

    decide(pupil_a, parent_a, "website", "photo", True)
    client = login(teacher_a)
    client.post(
        reverse("consent:check_new"),
        {"purpose": "website", "media_type": "photo", "pupils": [pupil_a.pk]},
    )
    check = PublicationCheck.objects.get()
    url = reverse("consent:check", args=[check.pk])
    # Above 8, on purpose: the page's own 7 (user, memberships, the check, its pupils, a
    # newer check, its takedown tasks with their pupils and people, the protocol's cited
    # article) and 3 for consent as it is now (the channel's text and meaning baseline,
    # the gezag-holders, their answers), read while someone who appears was allowed, so
    # that a stored "yes" is never shown as today's answer. It does not grow with the
    # pupils.
    with django_assert_num_queries(10):
        page = client.get(url).content.decode()
    assert "De toestemming is gewijzigd" not in page
    assert _status_line(page) == "✓ Mag gepubliceerd worden"
    assert 'class="verdict-then"' not in page

    decide(pupil_a, parent_a, "website", "photo", False)
    with django_assert_num_queries(10):
        page = client.get(url).content.decode()

    # The top line no longer says "✓ Mag gepubliceerd worden" (a teacher in a hurry read
    # only that, with the warning beside it); the verdict of its moment stays as evidence.
    assert "verdict--yes" not in page
    assert _status_line(page) == "✗ Mag zo niet meer gepubliceerd worden"
    assert _then_line(page, check) == "Mag gepubliceerd worden"
    assert "De toestemming is gewijzigd sinds deze controle." in page
    assert f"{pupil_a.full_name} mag er niet meer op." in page


def _status_line(page: str) -> str:
    import re

    from django.utils.html import strip_tags

    (line,) = re.findall(r'<p class="verdict[^"]*" role="status">(.*?)</p>', page)
    return " ".join(strip_tags(line).split())


def _then_line(page: str, check) -> str:
    """The verdict as it was, after "Bij de controle (<date and time>): ✓ "."""
    import re

    from django.utils import timezone
    from django.utils.dateformat import format as date_format
    from django.utils.html import strip_tags

    (line,) = re.findall(r'<p class="verdict-then">(.*?)</p>', page)
    when = date_format(timezone.localtime(check.created_at), "j F Y H:i")
    prefix = f"Bij de controle ({when}): ✓ "
    text = " ".join(strip_tags(line).split())
    assert text.startswith(prefix), text
    return text.removeprefix(prefix)


WARNING = "Publiceer het zo niet; staat het al online, haal het dan offline."
TAKEN_OFFLINE = "Het is offline gehaald (zie „Offline halen”); publiceer het zo niet opnieuw."


def test_the_check_page_says_the_publication_was_taken_offline_once_its_takedown_is_done(
    login, django_assert_num_queries, teacher_a, parent_a, pupil_a
):
    """The warning "haal het dan offline" stayed after the teacher had marked the takedown
    for that "nee" done, beside its "Afgehandeld" line. Once it is done the page says the
    publication was taken offline; an answer since (a "ja" again, then a "nee": it may have
    been put back) warns again."""
    from consent.models import TakedownTask

    decide(pupil_a, parent_a, "website", "photo", True)
    client = login(teacher_a)
    client.post(
        reverse("consent:check_new"),
        {"purpose": "website", "media_type": "photo", "pupils": [pupil_a.pk]},
    )
    url = reverse("consent:check", args=[PublicationCheck.objects.get().pk])
    decide(pupil_a, parent_a, "website", "photo", False)
    page = client.get(url).content.decode()
    assert WARNING in page and TAKEN_OFFLINE not in page

    task = TakedownTask.objects.get()
    client.post(reverse("consent:takedown_done", args=[task.pk]))
    # the page's 10 as before: the takedown tasks it shows already say when
    with django_assert_num_queries(10):
        page = client.get(url).content.decode()
    assert WARNING not in page
    assert "De toestemming is gewijzigd sinds deze controle." in page
    assert f"{pupil_a.full_name} mag er niet meer op. {TAKEN_OFFLINE}" in page
    assert _status_line(page) == "✗ Mag zo niet meer gepubliceerd worden"
    assert _then_line(page, PublicationCheck.objects.get()) == "Mag gepubliceerd worden"

    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a, parent_a, "website", "photo", False)
    page = client.get(url).content.decode()
    assert WARNING in page and TAKEN_OFFLINE not in page


def test_a_pupil_who_loses_consent_after_the_takedown_is_still_warned_about(
    login, director_a, parent_a, pupil_a, pupil_a2, roos_parent
):
    """Sem's takedown is done; Roos's parent says "nee" afterwards: her name still comes
    with "haal het dan offline", Sem's with "offline gehaald"."""
    from consent.models import TakedownTask

    decide(pupil_a, parent_a, "website", "photo", True)
    decide(pupil_a2, roos_parent, "website", "photo", True)
    client = login(director_a)
    client.post(
        reverse("consent:check_new"),
        {"purpose": "website", "media_type": "photo", "pupils": [pupil_a.pk, pupil_a2.pk]},
    )
    url = reverse("consent:check", args=[PublicationCheck.objects.get().pk])
    decide(pupil_a, parent_a, "website", "photo", False)
    client.post(reverse("consent:takedown_done", args=[TakedownTask.objects.get().pk]))
    decide(pupil_a2, roos_parent, "website", "photo", False)

    page = client.get(url).content.decode()

    assert f"{pupil_a2.full_name} mag er niet meer op. Publiceer het zo niet" in page
    assert f"{pupil_a.full_name} mag er niet meer op. {TAKEN_OFFLINE}" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("note", "x" * 201, "niet meer dan 200 tekens bevat (het zijn er nu 201)"),
        ("note", "sportdag\x00", "Null-tekens zijn niet toegestaan."),
    ],
)
def test_a_refused_note_or_token_is_said_on_the_page(
    login, teacher_a, pupil_a, field, value, message
):
    """A check refused for its note (pasted past the 200 characters, say) came back as
    the same form with no word of why: the teacher pressed "Controleer" again and again."""
    data = {"purpose": "website", "media_type": "photo", "pupils": [pupil_a.pk], field: value}
    response = login(teacher_a).post(reverse("consent:check_new"), data)
    html = response.content.decode()
    assert response.status_code == 200 and PublicationCheck.objects.count() == 0
    assert message in html
    assert re.search(rf'value="{pupil_a.pk}" checked', html)  # nothing the teacher chose is lost


@pytest.mark.parametrize("token", ["x" * 33, "a\x00b", "<script>"])
def test_a_token_the_form_did_not_make_is_no_token(login, teacher_a, pupil_a, token):
    """The one-time token is a hidden field: an error in it refused the check with no
    message on the page. A token the form did not make is taken as none: the check is made."""
    data = {"purpose": "website", "media_type": "photo", "pupils": [pupil_a.pk], "token": token}
    response = login(teacher_a).post(reverse("consent:check_new"), data)
    check = PublicationCheck.objects.get()
    assert response.status_code == 302 and check.form_token == ""
