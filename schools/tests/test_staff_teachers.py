"""A director adds a teacher to the school and ends a teacher's membership, from
"Leerkrachten en groepen": a substitute who starts mid-year can log in the same day, and a
teacher who left loses the class's pupils at their next request."""

import datetime
import logging
import re
import threading

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.core import mail
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from accounts import user_cache
from accounts.models import User
from conftest import add_teaching, give_totp, make_pupil, make_staff, require_service, wait_for
from consent.models import PublicationCheck, TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case
from opo_portal.text import has_direction_controls
from outbox.models import Duty
from outbox.tests.helpers import run_due_duties
from schools.models import Group, MembershipChange, StaffMembership
from schools.services import TeacherAddRefused, teacher_add

Role = StaffMembership.Role
# 10:00 in Amsterdam, in school year 2026-2027 (the cast's SCHOOL_YEAR)
IN_THE_SCHOOL_YEAR = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _in_the_school_year():
    with time_machine.travel(IN_THE_SCHOOL_YEAR, tick=True):
        yield


def add_url(school) -> str:
    return reverse("schools:staff_teacher_add", args=[school.code])


def remove_url(school, membership) -> str:
    return reverse("schools:staff_teacher_remove", args=[school.code, membership.pk])


def page_url(school) -> str:
    return reverse("schools:staff_groups", args=[school.code])


def teacher_membership(user, school) -> StaffMembership:
    return StaffMembership.objects.get(user=user, school=school, role=Role.TEACHER)


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def state() -> tuple:
    """What an add or a removal may change: accounts, addresses, memberships, links, the
    admin's history, duties."""
    through = StaffMembership.groups.through.objects
    return (
        sorted(User.objects.values_list("pk", "email", "full_name")),
        sorted(EmailAddress.objects.values_list("user_id", "email", "verified")),
        sorted(StaffMembership.objects.values_list("pk", "user_id", "school_id", "role")),
        sorted(through.values_list("staffmembership_id", "group_id")),
        LogEntry.objects.count(),
        Duty.objects.count(),
    )


def _new_teacher_form(**extra) -> dict:
    return {"full_name": "Fleur  de Boer", "email": "Fleur.deBoer@Example.org", **extra}


# --- Adding a teacher ------------------------------------------------------------------------


def test_the_page_leads_to_adding_a_teacher(login, director_a, school_a, teacher_a):
    html = login(director_a).get(page_url(school_a)).content.decode()
    assert f'href="{add_url(school_a)}"' in html
    assert f'href="{remove_url(school_a, teacher_membership(teacher_a, school_a))}"' in html


def test_it_makes_an_account_and_a_teacher_of_a_new_address(
    login, director_a, school_a, group_a1, group_a2, caplog
):
    with caplog.at_level(logging.INFO, logger="schools.services"):
        response = login(director_a).post(
            add_url(school_a), _new_teacher_form(groups=[group_a2.pk]), follow=True
        )
    assert response.redirect_chain == [(page_url(school_a), 302)]
    assert (
        "Fleur de Boer is nu leerkracht van OBS De Vlindertuin en krijgt een e-mail op "
        "fleur.deboer@example.org met hoe hij of zij inlogt. Klopt het adres niet?"
    ) in _text(response)  # the address as stored, so a typo shows
    user = User.objects.get(email="fleur.deboer@example.org")  # in small letters
    assert user.full_name == "Fleur de Boer"
    assert not user.has_usable_password()  # no password set, none sent
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.primary, address.verified) == (user.email, True, False)
    membership = teacher_membership(user, school_a)
    assert list(membership.groups.all()) == [group_a2]
    # the admin's history: the account and the membership, added by the director
    entries = LogEntry.objects.order_by("pk")
    assert [(e.content_type.model, e.object_id, e.action_flag, e.user_id) for e in entries] == [
        ("user", str(user.pk), ADDITION, director_a.pk),
        ("staffmembership", str(membership.pk), ADDITION, director_a.pk),
    ]
    [line] = [r.getMessage() for r in caplog.records if r.name == "schools.services"]
    assert f"membership {membership.pk}" in line and f"by user {director_a.pk}" in line
    assert "(new account: True), 1 group, by user" in line  # it said "1 groups"
    assert "Fleur" not in line and "@" not in line


def test_the_new_teacher_gets_one_e_mail_in_formal_dutch_on_how_to_log_in(
    login, director_a, school_a, group_a1
):
    login(director_a).post(add_url(school_a), _new_teacher_form())
    run_due_duties()
    run_due_duties()
    [message] = mail.outbox
    assert message.to == ["fleur.deboer@example.org"]
    assert message.subject == "[OPO Portal] U bent toegevoegd als leerkracht van OBS De Vlindertuin"
    body = " ".join(message.body.split())
    assert body.startswith("Goedendag,")
    assert "Directeur.A heeft u toegevoegd als leerkracht van OBS De Vlindertuin" in body
    assert "Zo logt u de eerste keer in" in body
    assert f"{settings.SITE_URL}/accounts/login/code/" in body
    assert "inlogcode-app" in body
    assert " je " not in f" {body} " and " jouw " not in body
    assert "wachtwoord:" not in body.lower()  # no password in the e-mail


def test_the_new_teacher_logs_in_by_code_and_sets_up_totp_first(
    client, login, director_a, school_a, group_a2, pupil_a2
):
    login(director_a).post(add_url(school_a), _new_teacher_form(groups=[group_a2.pk]))
    run_due_duties()
    client.logout()
    mail.outbox.clear()
    client.post(reverse("account_request_login_code"), {"email": "fleur.deboer@example.org"})
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M)[1]
    assert client.post(reverse("account_confirm_login_code"), {"code": code}).status_code == 302
    # staff set up TOTP before any other page (accounts.middleware)
    response = client.get(reverse("consent:group", args=[group_a2.pk]))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    assert EmailAddress.objects.get(email="fleur.deboer@example.org").verified  # by the code


def test_an_address_with_an_account_makes_that_account_a_teacher_here_too(
    login, director_a, school_a, school_b, group_b1, group_a1
):
    """A teacher of school B starts at school A as well, typed with other capitals and
    spaces in the name, and with other capitals in the address."""
    colleague = make_staff("juf.b@example.org", Role.TEACHER, school_b, [group_b1])
    users = User.objects.count()
    form = {"full_name": " juf.b ", "email": "JUF.B@example.ORG", "groups": [group_a1.pk]}
    response = login(director_a).post(add_url(school_a), form)
    assert response.status_code == 302
    assert User.objects.count() == users
    colleague.refresh_from_db()
    assert colleague.full_name == "Juf.B"  # an account's own name is left alone
    assert list(teacher_membership(colleague, school_a).groups.all()) == [group_a1]
    assert list(teacher_membership(colleague, school_b).groups.all()) == [group_b1]
    run_due_duties()
    [message] = mail.outbox
    body = " ".join(message.body.split())
    assert "Log in zoals u gewend bent" in body and "eerste keer" not in body
    assert "inlogcode-app" not in body  # they use it already


def test_an_address_an_account_confirmed_as_an_extra_one_makes_that_account_a_teacher(
    login, director_a, school_a, parent_b
):
    EmailAddress.objects.create(user=parent_b, email="oud@example.org", verified=True)
    form = _new_teacher_form(email="Oud@example.org", full_name=parent_b.full_name)
    response = login(director_a).post(add_url(school_a), form)
    assert response.status_code == 302
    assert teacher_membership(parent_b, school_a)
    assert not User.objects.filter(email="oud@example.org").exists()


def test_a_parent_who_becomes_a_teacher_keeps_each_roles_reach_on_its_pages(
    login, director_a, school_a, group_a2, pupil_a2, parent_b, pupil_b
):
    parent_b.language = "en"
    parent_b.save()
    form = _new_teacher_form(
        email=parent_b.email, groups=[group_a2.pk], address_confirmed=parent_b.email
    )
    assert login(director_a).post(add_url(school_a), form).status_code == 302
    run_due_duties()
    [message] = mail.outbox
    assert message.subject == "[OPO Portal] You have been added as a teacher of OBS De Vlindertuin"
    assert "set up the login code app" in " ".join(message.body.split())

    give_totp(parent_b)
    teacher = Client()
    teacher.force_login(parent_b)
    assert teacher.get(reverse("consent:child", args=[pupil_b.pk])).status_code == 200
    assert "Bram" not in _text(teacher.get(reverse("consent:overview")))  # their own child
    assert teacher.get(reverse("consent:group", args=[group_a2.pk])).status_code == 200
    assert teacher.get(reverse("consent:group", args=[pupil_b.group_id])).status_code == 404


def test_an_address_with_an_account_in_another_name_is_confirmed_first(
    login, director_a, school_a, group_a2, parent_b
):
    """A mistyped address that is someone else's (here a parent's at another school) would
    give them the group's pupils: the page asks, names no one, and changes nothing."""
    client = login(director_a)
    form = _new_teacher_form(email=parent_b.email.upper(), groups=[group_a2.pk])
    before = state()
    response = client.post(add_url(school_a), form)
    assert response.status_code == 400
    text = _text(response)
    assert "Bij dit e-mailadres hoort al een account, en dat staat niet op de naam" in text
    assert parent_b.full_name not in text  # the account's own name is not shown
    box = f'name="address_confirmed" value="{parent_b.email}"'
    assert box in response.content.decode()
    assert f"Het adres {parent_b.email} klopt" in text
    html = response.content.decode()
    assert 'value="Fleur  de Boer"' in html  # what was typed stays, the group ticked too
    assert f'value="{group_a2.pk}" checked' in html
    assert state() == before

    response = client.post(add_url(school_a), {**form, "address_confirmed": parent_b.email})
    assert response.status_code == 302
    assert list(teacher_membership(parent_b, school_a).groups.all()) == [group_a2]
    parent_b.refresh_from_db()
    assert parent_b.full_name != "Fleur de Boer"  # the account keeps its own name


def test_a_confirmation_of_another_address_does_not_count(
    login, director_a, school_a, parent_a, parent_b
):
    """The director confirmed one address, then corrected it to another account's."""
    form = _new_teacher_form(email=parent_b.email, address_confirmed=parent_a.email)
    before = state()
    response = login(director_a).post(add_url(school_a), form)
    assert response.status_code == 400
    assert "staat niet op de naam die u typte" in _text(response)
    assert state() == before


def test_an_address_that_is_a_teacher_here_already_is_a_form_error(
    login, director_a, school_a, teacher_a
):
    before = state()
    response = login(director_a).post(
        add_url(school_a), _new_teacher_form(email="Juf.A@example.org")
    )
    assert response.status_code == 400
    assert "Het account van juf.a@example.org is al leerkracht van deze school." in _text(response)
    assert "Er is niets opgeslagen" in _text(response)
    assert state() == before


def test_a_double_submit_makes_one_account_one_membership_and_one_e_mail(
    login, director_a, school_a, group_a1
):
    client = login(director_a)
    assert client.post(add_url(school_a), _new_teacher_form()).status_code == 302
    second = client.post(add_url(school_a), _new_teacher_form())
    assert second.status_code == 400
    assert "al leerkracht van deze school" in _text(second)
    user = User.objects.get(email="fleur.deboer@example.org")
    assert StaffMembership.objects.filter(user=user).count() == 1
    run_due_duties()
    assert len(mail.outbox) == 1


def test_a_deactivated_account_is_a_form_error(login, director_a, school_a, parent_b):
    parent_b.is_active = False
    parent_b.save()
    before = state()
    response = login(director_a).post(add_url(school_a), _new_teacher_form(email=parent_b.email))
    assert response.status_code == 400
    assert "uitgeschakeld" in _text(response)
    assert state() == before


def test_a_director_of_the_school_who_teaches_can_be_added_without_an_e_mail(
    login, director_a, school_a, group_a1
):
    """A small school's director teaching groep 8: the group then has a teacher; the
    director's reach is the whole school anyway."""
    form = _new_teacher_form(email=director_a.email, groups=[group_a1.pk])
    response = login(director_a).post(add_url(school_a), form, follow=True)
    assert "U bent nu ook leerkracht van OBS De Vlindertuin." in _text(response)
    assert list(teacher_membership(director_a, school_a).groups.all()) == [group_a1]
    run_due_duties()
    assert mail.outbox == []


def test_it_stores_a_typed_name_without_direction_controls(login, director_a, school_a):
    # U+202E RIGHT-TO-LEFT OVERRIDE shows "Fleur\u202e de Boer" as "Fleur reoB ed" on every
    # page naming her (opo_portal.text)
    form = _new_teacher_form(full_name="\u2066Fleur\u202e de Boer\u2069")
    assert login(director_a).post(add_url(school_a), form).status_code == 302
    assert User.objects.get(email="fleur.deboer@example.org").full_name == "Fleur de Boer"


@pytest.mark.parametrize(
    "form",
    [
        {"full_name": "", "email": "nieuw@example.org"},
        {"full_name": "   ", "email": "nieuw@example.org"},
        {"full_name": "Nieuw", "email": "geen-adres"},
        {"full_name": "Nieuw", "email": ""},
        {"full_name": "Nieuw", "email": "nieuw@example.org\x00"},
        {"full_name": "N" * 201, "email": "nieuw@example.org"},
        {"full_name": "\u202e\u2069 ", "email": "nieuw@example.org"},
    ],
)
def test_bad_input_is_a_form_error_and_changes_nothing(login, director_a, school_a, form):
    before = state()
    response = login(director_a).post(add_url(school_a), form)
    assert response.status_code == 400
    assert state() == before


@pytest.mark.parametrize("group", ["another school's", "last year's", "of nothing", "junk"])
def test_a_group_out_of_reach_is_a_404_and_changes_nothing(
    login, director_a, school_a, group_b1, group, db
):
    last_year = Group.objects.create(school=school_a, name="groep 4", school_year="2025-2026")
    value = {
        "another school's": group_b1.pk,
        "last year's": last_year.pk,
        "of nothing": 999999,
        "junk": "x",
    }[group]
    before = state()
    response = login(director_a).post(add_url(school_a), _new_teacher_form(groups=[value]))
    assert response.status_code == 404
    assert state() == before


def test_board_staff_add_teachers_too(login, board, school_a):
    assert login(board).post(add_url(school_a), _new_teacher_form()).status_code == 302
    assert StaffMembership.objects.filter(school=school_a, user__email="fleur.deboer@example.org")


def test_the_add_page_names_this_years_groups(login, director_a, school_a, group_a1, group_a2):
    response = login(director_a).get(add_url(school_a))
    text = _text(response)
    assert "Groepen van schooljaar 2026-2027 (niet verplicht)" in text
    assert "groep 5" in text and 'type="email"' in response.content.decode()


def test_the_add_page_runs_a_fixed_number_of_queries(
    login, director_a, school_a, group_a1, group_a2, django_assert_num_queries
):
    client = login(director_a)
    client.get(add_url(school_a))
    # 1 user, 2 memberships, 3 the school, 4 "any groups this year?", 5 the groups as
    # choices, 6 protocol banner and the menu's open takedowns (accounts.page_scalars)
    with django_assert_num_queries(6):
        assert client.get(add_url(school_a)).status_code == 200


# --- Ending a teacher's membership -------------------------------------------------------------


@pytest.fixture
def published(teacher_a, parent_a, pupil_a):
    """teacher_a checked a photo with pupil_a before posting it; the parent then said no:
    an open takedown task of teacher_a's."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    check = publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert TakedownTask.objects.get().assigned_to == teacher_a
    return check


def _teachers_client(user) -> Client:
    """The teacher's own browser, with their user and memberships in the cache."""
    client = Client()
    client.force_login(user)
    cache.delete(user_cache._key(user.pk))
    client.get(reverse("accounts:home_teacher"))
    assert isinstance(cache.get(user_cache._key(user.pk)), tuple)
    return client


def test_it_asks_before_it_removes(login, director_a, school_a, teacher_a):
    membership = teacher_membership(teacher_a, school_a)
    response = login(director_a).get(remove_url(school_a, membership))
    assert response.status_code == 200
    text = _text(response)
    assert "Juf.A verwijderen als leerkracht van OBS De Vlindertuin?" in text
    assert "Ja, Juf.A verwijderen" in text
    assert StaffMembership.objects.filter(pk=membership.pk).exists()


def test_the_teacher_loses_the_class_at_their_next_request(
    login, director_a, school_a, teacher_a, group_a1, pupil_a, caplog
):
    teacher = _teachers_client(teacher_a)
    group_page = reverse("consent:group", args=[group_a1.pk])
    assert "Sem Bakker" in _text(teacher.get(group_page))
    membership = teacher_membership(teacher_a, school_a)

    with caplog.at_level(logging.INFO, logger="schools.services"):
        response = login(director_a).post(remove_url(school_a, membership), follow=True)
    assert response.redirect_chain == [(page_url(school_a), 302)]
    assert "Juf.A is geen leerkracht meer van OBS De Vlindertuin." in _text(response)

    assert teacher.get(group_page).status_code == 404
    assert "Sem" not in _text(teacher.get(reverse("consent:check_new")))
    assert "groep 5" not in _text(teacher.get(reverse("consent:overview")))
    # the account stays; the admin's history and the log say who ended what
    assert User.objects.filter(pk=teacher_a.pk, is_active=True).exists()
    [entry] = LogEntry.objects.all()
    assert (entry.object_id, entry.action_flag, entry.user_id) == (
        str(membership.pk),
        DELETION,
        director_a.pk,
    )
    [line] = [r.getMessage() for r in caplog.records if r.name == "schools.services"]
    assert line == (
        f"teacher removed: school {school_a.pk}, membership {membership.pk}, "
        f"user {teacher_a.pk}, by user {director_a.pk}"
    )


def test_open_takedowns_and_cases_go_to_the_director_and_checks_stay(
    login,
    director_a,
    school_a,
    teacher_a,
    published,
    django_capture_on_commit_callbacks,
):
    case = make_case(school_a, assigned_to=teacher_a)
    run_due_duties()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        login(director_a).post(remove_url(school_a, teacher_membership(teacher_a, school_a)))
    run_due_duties()
    assert TakedownTask.objects.get().assigned_to == director_a
    assert FollowUp.objects.get(pk=case.pk).assigned_to == director_a
    to_director = [m for m in mail.outbox if m.to == [director_a.email]]
    assert len(to_director) == 2  # the takedown and the case
    assert [m.to for m in mail.outbox if m not in to_director] == [[teacher_a.email]]  # removed
    assert all("Sem" not in m.body for m in mail.outbox)
    # the check the teacher made keeps its maker
    assert PublicationCheck.objects.get(pk=published.pk).checked_by == teacher_a


def test_a_teacher_at_two_schools_keeps_the_other(
    login, director_a, school_a, school_b, teacher_a, group_b1, pupil_b
):
    add_teaching(teacher_a, school_b, [group_b1])
    login(director_a).post(remove_url(school_a, teacher_membership(teacher_a, school_a)))
    teacher = _teachers_client(teacher_a)
    assert teacher.get(reverse("consent:group", args=[group_b1.pk])).status_code == 200


def test_the_e_mail_of_a_teacher_removed_before_it_went_is_not_sent(login, director_a, school_a):
    client = login(director_a)
    client.post(add_url(school_a), _new_teacher_form())
    membership = StaffMembership.objects.get(user__email="fleur.deboer@example.org")
    client.post(remove_url(school_a, membership))
    run_due_duties()
    assert mail.outbox == []


@pytest.mark.parametrize("method", ["post", "get"])
def test_a_second_removal_says_the_teacher_was_removed_already_and_changes_nothing(
    login, director_a, school_a, teacher_a, method
):
    """The second click on "verwijderen" (Back and send again, a second tab) after the
    first committed was a 404; it leads back to the staff page and says what happened."""
    client = login(director_a)
    url = remove_url(school_a, teacher_membership(teacher_a, school_a))
    client.post(url)
    before = state()
    response = getattr(client, method)(url, follow=True)
    assert response.redirect_chain == [(page_url(school_a), 302)]
    assert "Juf.A was al verwijderd als leerkracht van OBS De Vlindertuin." in _text(response)
    assert state() == before


def test_a_second_removal_names_the_teacher_after_the_school_was_renamed(
    login, director_a, school_a, teacher_a
):
    """The name comes from the record of the removal (schools.accesslog), which keeps the
    school by id; the admin's history keeps it only in the text, by its old name."""
    client = login(director_a)
    url = remove_url(school_a, teacher_membership(teacher_a, school_a))
    client.post(url)
    school_a.name = "OBS De Vlinder"
    school_a.save()
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(page_url(school_a), 302)]
    assert "Juf.A was al verwijderd als leerkracht van OBS De Vlinder." in _text(response)


def test_a_removal_from_before_the_recording_is_named_from_the_history(
    login, director_a, school_a, teacher_a
):
    client = login(director_a)
    url = remove_url(school_a, teacher_membership(teacher_a, school_a))
    client.post(url)
    MembershipChange.objects.all().delete()  # as before the migration: the history only
    response = client.post(url, follow=True)
    assert "Juf.A was al verwijderd als leerkracht van OBS De Vlindertuin." in _text(response)


def test_a_name_from_the_history_is_shown_without_direction_controls(
    login, director_a, school_a, teacher_a
):
    """The admin's history keeps the name as it was when the membership went, controls and
    all (a name typed before they were dropped on input, a school renamed since): U+202E
    in it would turn the message around. Read without them, the school's old name too."""
    client = login(director_a)
    url = remove_url(school_a, teacher_membership(teacher_a, school_a))
    client.post(url)
    MembershipChange.objects.all().delete()  # as before the migration: the history only
    LogEntry.objects.update(
        object_repr="Juf.\u202eA\u202c · leerkracht · OBS De \u2067Vlindertuin\u2069"
    )
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(page_url(school_a), 302)]
    text = _text(response)
    assert "Juf.A was al verwijderd als leerkracht van OBS De Vlindertuin." in text
    assert not has_direction_controls(text)


def test_a_recorded_name_of_spaces_only_names_the_teacher_by_address(
    login, director_a, school_a, teacher_a
):
    """Migration 0015 kept the spaces of a name of controls and spaces: " "."""
    client = login(director_a)
    url = remove_url(school_a, teacher_membership(teacher_a, school_a))
    client.post(url)
    MembershipChange.objects.update(person_name="  ")
    response = client.post(url, follow=True)
    expected = f"{teacher_a.email} was al verwijderd als leerkracht van OBS De Vlindertuin."
    assert expected in _text(response)


def test_a_name_of_direction_controls_only_in_the_history_is_no_name(
    login, director_a, school_a, teacher_a
):
    client = login(director_a)
    url = remove_url(school_a, teacher_membership(teacher_a, school_a))
    client.post(url)
    MembershipChange.objects.all().delete()
    LogEntry.objects.update(object_repr="\u202e\u2066 · leerkracht · OBS De Vlindertuin")
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(page_url(school_a), 302)]
    text = _text(response)
    assert "Deze leerkracht was al verwijderd bij OBS De Vlindertuin." in text
    assert not has_direction_controls(text)


def test_a_removed_director_is_not_said_to_be_a_removed_teacher(
    login, admin_client, board, director_a, school_a
):
    membership = StaffMembership.objects.get(user=director_a)
    delete = reverse("admin:schools_staffmembership_delete", args=[membership.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert login(board).post(remove_url(school_a, membership)).status_code == 404


def test_a_removed_membership_of_another_school_stays_a_404(
    login, director_a, director_b, school_a, school_b, elsewhere
):
    """Only a membership of the school in the address, which the user acts for, is said
    to be removed already: another school's id through one's own school is a 404, before
    and after it was removed there."""
    url = reverse("schools:staff_teacher_remove", args=[school_a.code, elsewhere.pk])
    login(director_b).post(remove_url(school_b, elsewhere))
    assert not StaffMembership.objects.filter(pk=elsewhere.pk).exists()
    client = login(director_a)
    before = state()
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert state() == before


@pytest.fixture
def elsewhere(school_b, group_b1):
    return teacher_membership(make_staff("juf.b@example.org", Role.TEACHER, school_b), school_b)


@pytest.mark.parametrize("which", ["another school's teacher", "a director", "nothing"])
def test_a_membership_out_of_reach_is_a_404_and_changes_nothing(
    login, director_a, school_a, elsewhere, which
):
    pk = {
        "another school's teacher": elsewhere.pk,
        "a director": StaffMembership.objects.get(user=director_a).pk,
        "nothing": 999999,
    }[which]
    url = reverse("schools:staff_teacher_remove", args=[school_a.code, pk])
    client = login(director_a)
    before = state()
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert state() == before


def test_the_other_schools_director_cannot_remove_through_their_own_school(
    login, director_b, school_b, school_a, teacher_a
):
    url = remove_url(school_b, teacher_membership(teacher_a, school_a))
    before = state()
    assert login(director_b).post(url).status_code == 404
    assert state() == before


@pytest.fixture
def director_b_teacher_a(school_a, school_b, group_a1):
    """Directs school B and teaches groep 5 at school A."""
    user = make_staff("directeur.b.juf.a@example.org", Role.DIRECTOR, school_b)
    return add_teaching(user, school_a, [group_a1])


@pytest.mark.parametrize(
    "cast_member",
    [
        "teacher_a",
        "parent_a",
        "director_b",
        "privacy_officer",
        "outsider",
        "director_b_teacher_a",
        "director_parent",
    ],
)
def test_out_of_reach_adding_and_removing_are_a_404_and_change_nothing(
    request, login, school_a, teacher_a, other_teacher, cast_member
):
    client = login(request.getfixturevalue(cast_member))
    url = remove_url(school_a, teacher_membership(other_teacher, school_a))
    before = state()
    assert client.get(add_url(school_a)).status_code == 404
    assert client.post(add_url(school_a), _new_teacher_form()).status_code == 404
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert state() == before


def test_the_confirmation_runs_a_fixed_number_of_queries(
    login, director_a, school_a, teacher_a, django_assert_num_queries
):
    client = login(director_a)
    url = remove_url(school_a, teacher_membership(teacher_a, school_a))
    client.get(url)
    # 1 user, 2 memberships, 3 the school, 4 the membership with its account, 5 protocol
    # banner and the menu's open takedowns (accounts.page_scalars)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


def test_without_groups_this_year_teachers_are_listed_to_remove(login, director_a, school_a, db):
    juf = make_staff("juf.c@example.org", Role.TEACHER, school_a)
    html = login(director_a).get(page_url(school_a)).content.decode()
    assert f'href="{remove_url(school_a, teacher_membership(juf, school_a))}"' in html


def test_a_new_teacher_added_with_a_group_sees_its_pupils(login, director_a, school_a, group_a2):
    make_pupil(school_a, group_a2, "3001", "Fenna", "Dijkstra")
    login(director_a).post(add_url(school_a), _new_teacher_form(groups=[group_a2.pk]))
    user = give_totp(User.objects.get(email="fleur.deboer@example.org"))
    teacher = Client()
    teacher.force_login(user)
    assert "Fenna Dijkstra" in _text(teacher.get(reverse("consent:group", args=[group_a2.pk])))


# --- Two adds at once (a double click that reached two workers) ------------------------------


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_adds_at_once_make_one_account_one_membership_and_one_e_mail(
    eager_tasks, school_a, director_a
):
    require_service("DATABASE_URL")
    assert connection.vendor == "postgresql"
    first_added, release = threading.Event(), threading.Event()
    outcomes = {}

    def add(name: str) -> None:
        try:
            teacher_add(
                school=school_a,
                email="Fleur.deBoer@example.org",
                full_name="Fleur de Boer",
                groups=[],
                by=director_a,
            )
            outcomes[name] = "added"
        except TeacherAddRefused:
            outcomes[name] = "refused"

    def first() -> None:
        try:
            with transaction.atomic():
                add("first")
                first_added.set()
                release.wait(60)  # holds its new rows uncommitted
        finally:
            connection.close()

    def second() -> None:
        first_added.wait(60)
        try:
            add("second")  # waits for the first's account row, then finds it
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert wait_for(_waiting_for_a_lock, timeout=60)  # the second waits on the first
    release.set()
    for thread in threads:
        thread.join(60)
    assert outcomes == {"first": "added", "second": "refused"}
    assert User.objects.filter(email="fleur.deboer@example.org").count() == 1
    assert StaffMembership.objects.filter(user__email="fleur.deboer@example.org").count() == 1
    assert EmailAddress.objects.filter(email="fleur.deboer@example.org").count() == 1
    assert [m.to for m in mail.outbox] == [["fleur.deboer@example.org"]]
