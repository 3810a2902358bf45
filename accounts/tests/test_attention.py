""" "Wat vraagt aandacht": the director's and the board's home pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from conftest import SCHOOL_YEAR, make_user
from consent.models import ConsentEvent, ReminderOptOut, ReminderSent, TakedownTask
from consent.rules import purpose_infos
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from monitoring.models import Source
from monitoring.tests.helpers import make_case
from schools.models import Group, Guardianship, Pupil, School, StaffMembership

Role = StaffMembership.Role


def fill_school(school: School, size: int, start: int = 0) -> list[Pupil]:
    """`size` pupils in two groups, each with one gezag parent; a third answer everything."""
    groups = [
        Group.objects.get_or_create(school=school, name=f"groep {n}", school_year=SCHOOL_YEAR)[0]
        for n in (3, 4)
    ]
    numbers = range(start, start + size)
    pupils = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            group=groups[i % 2],
            leerlingnummer=f"{school.code}-{i}",
            first_name=f"Kind{i}",
            last_name="Test",
            birth_date=datetime.date(2018, 1, 1),
        )
        for i in numbers
    )
    parents = User.objects.bulk_create(
        User(email=f"ouder{i}@{school.code}.example", full_name=f"Ouder {i}") for i in numbers
    )
    Guardianship.objects.bulk_create(
        Guardianship(user=parent, pupil=pupil, has_parental_authority=True)
        for parent, pupil in zip(parents, pupils, strict=True)
    )
    infos = purpose_infos()
    ConsentEvent.objects.bulk_create(
        ConsentEvent(
            pupil=pupil,
            guardian=parent,
            purpose=info.purpose,
            purpose_version=info.current_version,
            text_hash=info.current_version.text_hash,
            media_type=media,
            granted=True,
            method="portal",
        )
        for i, (parent, pupil) in enumerate(zip(parents, pupils, strict=True))
        if i % 3 == 0
        for info in infos
        for media in ("photo", "video", "audio")
    )
    return pupils


def director_home(login, user):
    return login(user).get(reverse("accounts:home_director"))


@pytest.mark.parametrize(
    ("cast_member", "status"),
    [
        ("director_a", 200),
        ("board", 404),
        ("teacher_a", 404),
        ("parent_a", 404),
        ("privacy_officer", 404),
    ],
)
def test_it_shows_the_director_home_to_directors_only(request, login, cast_member, status):
    user = request.getfixturevalue(cast_member)
    assert director_home(login, user).status_code == status


def test_it_lists_pupils_with_unanswered_questions_by_name_with_a_remind_link(
    login, director_a, parent_a, pupil_a, pupil_b, parent_b
):
    html = director_home(login, director_a).content.decode()
    assert "Wat vraagt aandacht" in html
    assert "Sem Bakker" in html
    assert "18 open vragen" in html
    assert "groep 5: 1 leerling" in html
    assert f"{reverse('consent:remind', args=['vlindertuin'])}?ouder={parent_a.pk}" in html
    assert "Bram Visser" not in html  # another school's pupil


def test_it_shows_a_family_reminded_this_week_instead_of_a_link(
    login, director_a, parent_a, pupil_a
):
    now = timezone.now()
    ReminderSent.objects.create(user=parent_a, week="2026-W01", sent_at=now, delivered_at=now)
    html = director_home(login, director_a).content.decode()
    assert f"?ouder={parent_a.pk}" not in html
    assert "Ouder A herinnerd op" in html


def test_it_shows_a_family_whose_account_is_deactivated_instead_of_a_link(
    login, director_a, parent_a, pupil_a
):
    parent_a.is_active = False
    parent_a.save()
    html = director_home(login, director_a).content.decode()
    assert f"?ouder={parent_a.pk}" not in html
    assert "Ouder A: account uitgeschakeld — neem contact op via papier" in html


def test_it_shows_a_family_who_stopped_reminders_instead_of_a_link(
    login, director_a, parent_a, pupil_a
):
    ReminderOptOut.objects.create(user=parent_a)
    html = director_home(login, director_a).content.decode()
    assert f"?ouder={parent_a.pk}" not in html
    assert "Ouder A: wil geen herinneringen (zelf gestopt)" in html


def test_it_lists_conflicts_takedowns_cases_protocol_and_sources(
    login, director_a, teacher_a, parent_a, pupil_a, school_a
):
    second = make_user("ouder.twee@example.org", full_name="Ouder Twee")
    Guardianship.objects.create(user=second, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    check = publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, second, "sociale-media", "photo", False)  # conflict + takedown
    normal = make_case(school_a)
    urgent = make_case(school_a, priority=0)
    Source.objects.create(
        kind="rss",
        name="Dorpskrant",
        url="https://krant.example/rss",
        school=school_a,
        consecutive_failures=3,
        needs_attention=True,
    )
    html = director_home(login, director_a).content.decode()
    assert "1 leerling van wie de ouders het oneens zijn" in html
    assert reverse("consent:check", args=[check.pk]) in html
    assert html.index(reverse("monitoring:case", args=[urgent.pk])) < html.index(
        reverse("monitoring:case", args=[normal.pk])
    )
    assert "Dringend" in html
    assert reverse("policy:confirmation_list", args=["vlindertuin"]) in html
    assert "Dorpskrant" in html


def test_it_tells_a_school_without_pupils_to_import_them_first(login, director_a):
    html = director_home(login, director_a).content.decode()
    assert "importeer eerst de leerlingen" in html
    assert reverse("schools:import_pupils") + "?school=vlindertuin" in html


def test_it_shows_a_director_who_is_also_board_only_their_own_school(
    login, director_a, school_b, pupil_b, parent_b
):
    StaffMembership.objects.create(user=director_a, role=Role.BOARD)
    html = director_home(login, director_a).content.decode()
    assert "OBS De Vlindertuin" in html
    assert "Bram Visser" not in html


def test_it_shows_the_board_every_school_with_a_total(
    login, board, director_a, school_a, school_b, pupil_a, parent_a, pupil_b, parent_b
):
    html = login(board).get(reverse("accounts:home_board")).content.decode()
    assert "OBS De Vlindertuin" in html and "OBS Het Zwanenhof" in html
    assert "Stichting" in html
    # school B has no director: the board sees it in full, with names
    assert "Scholen zonder directeur" in html
    assert "Bram Visser" in html
    assert "Sem Bakker" not in html  # school A has a director who handles it


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url_name", "cast_member"),
    [
        ("accounts:home_director", "director_a"),
        ("accounts:home_board", "board"),
        ("consent:coverage", "director_a"),
    ],
)
def test_it_runs_the_same_number_of_queries_for_8_and_400_pupils(
    request, login, school_a, school_b, url_name, cast_member
):
    """Session, user, memberships and MFA come first; then per page a fixed set: for the
    homes schools, directors, pupils, purposes, gezag-holders, events, names, reminders,
    takedowns, cases, protocol version, confirmation counts, (the director's) review
    rounds, failing sources."""
    user = request.getfixturevalue(cast_member)
    url = reverse(url_name, args=["vlindertuin"] if url_name == "consent:coverage" else [])
    client = login(user)
    fill_school(school_a, 8)
    fill_school(school_b, 8)  # no director: the board sees it in full
    client.get(url)  # warm per-process caches (content types, translations)
    small = _queries(client, url)
    fill_school(school_a, 392, start=8)
    fill_school(school_b, 392, start=8)
    assert Pupil.objects.filter(school=school_a).count() == 400
    assert small <= 25  # 20 and 19 for the homes, 18 for coverage at the time of writing
    assert _queries(client, url) == small


@pytest.mark.parametrize("pupils", [8, 40])
def test_it_shows_the_director_home_in_17_queries(
    login, director_a, school_a, pupils, django_assert_num_queries
):
    fill_school(school_a, pupils)
    client = login(director_a)
    url = reverse("accounts:home_director")
    client.get(url)
    # (session from the cache, TOTP remembered) 1 user (with "any guardianship?" for the
    # menu), 2 memberships, 3 the schools directed (each has a director: the user, so
    # that is not asked); consent: 4 pupils, 5 purposes with versions, 6 gezag-holders
    # with their names (for the rules and the reminder links alike), 7 events, 8 reminders
    # this week; work: 9 open takedowns, 10 open cases; protocol: 11 current version,
    # 12 confirmation counts; 13 this school year's review rounds with their
    # confirmations (the coverage page's figure, consent.reports
    # .review_rounds_with_progress); 14 failing sources; 15 protocol banner and menu's
    # open takedowns in one (accounts.page_scalars), 16–17 the director's own assigned
    # takedowns and cases. Above 8: this page
    # gathers what every app asks a director to act on, one read per kind of thing, each
    # for all the director's schools at once; the count does not grow with pupils or
    # schools.
    with django_assert_num_queries(17):
        response = client.get(url)
    assert response.status_code == 200


def test_it_says_from_whom_and_when_a_takedown_was_handed_over(
    django_capture_on_commit_callbacks, login, director_a, teacher_a, parent_a, pupil_a
):
    """As the takedowns page does: the teacher left, the picture is now the director's."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    html = " ".join(director_home(login, director_a).content.decode().split())
    assert "Juf.A · zojuist geopend" in html and "overgedragen" not in html
    with django_capture_on_commit_callbacks(execute=True):
        StaffMembership.objects.filter(user=teacher_a).delete()
    task = TakedownTask.objects.get()
    assert task.assigned_to == director_a
    day = date_format(timezone.localtime(task.handed_over_at), "j F Y")
    html = " ".join(director_home(login, director_a).content.decode().split())
    assert f"Directeur.A · overgedragen van Juf.A op {day} · zojuist geopend" in html
