import datetime
import io
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from conftest import give_totp
from opo_portal.tests.test_language_crawl import DUTCH, ENGLISH
from schools.demo import DEMO_PASSWORD, LOGINS, TEACHER_GROUP, demo_load
from schools.models import (
    Group,
    Guardianship,
    MembershipChange,
    Pupil,
    School,
    StaffMembership,
)

loader_calls = []


def record_loader(*, today):
    """A PORTAL_DEMO_LOADERS entry for the tests below."""
    loader_calls.append((Pupil.objects.count(), today))


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    models = [School, Group, Pupil, Guardianship, User, StaffMembership, EmailAddress]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def demo(db):
    load_demo()


def test_it_creates_three_schools_with_groups_and_pupils(demo):
    assert sorted(School.objects.values_list("code", flat=True)) == [
        "esdoorn",
        "vlindertuin",
        "zwanenhof",
    ]
    assert School.objects.get(code="esdoorn").aliases == [
        "De Esdoorn",
        "Esdoorn Nieuw-Buinen",
        "esdoornschool",
    ]
    assert Group.objects.count() == 12
    assert Pupil.objects.current().count() == 96


def test_it_creates_nothing_new_when_run_twice(demo):
    before = counts()
    load_demo()
    assert counts() == before


def test_it_records_the_staff_roles_it_gives_in_the_access_history(demo):
    """The demo's roles were written past schools.accesslog: its privacy officer's "Rollen
    van medewerkers" showed no role at all. Now each is recorded "by the demo data", once
    (a second load gives no role again)."""
    load_demo()
    rows = MembershipChange.objects.order_by("id").values_list(
        "change", "person_email", "role", "school_name", "group_name", "via", "by"
    )
    vlindertuin, group = "OBS De Vlindertuin", TEACHER_GROUP[1]
    assert list(rows) == [
        ("added", "leerkracht@demo.opo.example", "teacher", vlindertuin, "", "demo", None),
        ("group_added", "leerkracht@demo.opo.example", "teacher", vlindertuin, group, "demo", None),
        ("added", "directeur@demo.opo.example", "director", vlindertuin, "", "demo", None),
        ("added", "bestuur@demo.opo.example", "board", "", "", "demo", None),
        ("added", "privacy@demo.opo.example", "privacy_officer", "", "", "demo", None),
    ]


def test_it_gives_an_existing_demo_school_its_contact_address(demo):
    """A database loaded before the demo school had an address: load_demo again adds it."""
    School.objects.filter(code="vlindertuin").update(contact_email="")
    load_demo()
    assert School.objects.get(code="vlindertuin").contact_email == "info@vlindertuin.example"


def test_it_keeps_a_contact_address_the_school_chose(demo):
    School.objects.filter(code="vlindertuin").update(contact_email="directie@vlindertuin.example")
    load_demo()
    assert School.objects.get(code="vlindertuin").contact_email == "directie@vlindertuin.example"
    assert School.objects.get(code="zwanenhof").contact_email == ""


def test_it_gives_the_demo_parent_two_children_one_with_a_second_gezag_parent(demo):
    parent = User.objects.get(email="ouder@demo.opo.example")
    children = Pupil.objects.filter(guardianships__user=parent)
    assert children.count() == 2
    other_gezag = Guardianship.objects.filter(
        pupil__in=children, has_parental_authority=True
    ).exclude(user=parent)
    assert other_gezag.count() == 1


def test_it_has_parents_with_and_without_gezag(demo):
    assert Guardianship.objects.filter(has_parental_authority=False).exists()
    two_gezag = [
        pupil
        for pupil in Pupil.objects.prefetch_related("guardianships")
        if sum(g.has_parental_authority for g in pupil.guardianships.all()) == 2
    ]
    assert len(two_gezag) > 10


def test_it_lets_the_teacher_teach_a_vlindertuin_group_with_a_demo_child(demo):
    teacher = User.objects.get(email="leerkracht@demo.opo.example")
    group = teacher.memberships.get(role="teacher").groups.get()
    assert group.school.code == "vlindertuin"
    assert group.pupils.filter(guardianships__user__email="ouder@demo.opo.example").exists()


def test_it_does_not_set_up_totp_for_anyone(demo):
    assert not Authenticator.objects.exists()


def test_it_prints_every_login_and_the_totp_note(db):
    out = load_demo()
    for login in LOGINS:
        assert login.email in out
    assert DEMO_PASSWORD in out
    assert "TOTP" in out


def test_it_runs_the_demo_loaders_of_other_apps_after_the_foundation(db, settings):
    settings.PORTAL_DEMO_LOADERS = ["schools.tests.test_load_demo.record_loader"]
    loader_calls.clear()
    load_demo()
    assert loader_calls == [(96, timezone.localdate())]


def test_it_gives_the_other_apps_loaders_the_day_it_loads_for(db, settings):
    settings.PORTAL_DEMO_LOADERS = ["schools.tests.test_load_demo.record_loader"]
    loader_calls.clear()
    day = datetime.date(2027, 3, 15)
    demo_load(today=day)
    assert loader_calls == [(96, day)]


@pytest.mark.parametrize(
    ("email", "home", "needs_totp"),
    [
        ("ouder@demo.opo.example", "accounts:home_parent", False),
        ("leerkracht@demo.opo.example", "accounts:home_teacher", True),
        ("directeur@demo.opo.example", "accounts:home_director", True),
        ("bestuur@demo.opo.example", "accounts:home_board", True),
        ("privacy@demo.opo.example", "accounts:home_privacy", True),
        ("admin@demo.opo.example", "accounts:home_none", True),
    ],
)
def test_it_lets_each_demo_login_in_to_its_home(demo, client, email, home, needs_totp):
    cache.clear()  # allauth's login rate limit counts in the cache
    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    if needs_totp:
        # Staff are sent to TOTP set-up first; once it is done, / leads home.
        assert client.get(reverse("home")).url == reverse("mfa_activate_totp")
        give_totp(User.objects.get(email=email))
    response = client.get(reverse("home"))
    assert response.url == reverse(home)
    assert client.get(response.url).status_code == 200


def test_it_prints_the_logins_in_dutch_with_the_portals_words(db):
    """The portal calls the TOTP app the "inlogcode-app"; no English beside the Dutch."""
    out = load_demo()
    assert "inlogcode-app" in out
    assert not re.search(r"authenticat", out, re.IGNORECASE), out
    data = [DEMO_PASSWORD, *(login.email for login in LOGINS)]
    english = [line for line in out.splitlines() if ENGLISH.search(_without(line, data))]
    assert not english, out
    assert "rol" in out and "wachtwoord" in out and "leerkracht " in out


def test_it_prints_the_logins_in_english_with_the_portals_words(db):
    with translation.override("en"):
        out = load_demo()
    assert "login code app" in out
    assert not re.search(r"authenticat", out, re.IGNORECASE), out
    data = [DEMO_PASSWORD, *(login.email for login in LOGINS)]
    dutch = [line for line in out.splitlines() if DUTCH.search(_without(line, data))]
    assert not dutch, out


def _without(line: str, data: list[str]) -> str:
    for value in data:
        line = line.replace(value, " ")
    return line
