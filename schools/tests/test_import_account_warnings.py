"""Pupil import: a parent address of an account the school should hear about.

An admin account without a school role (the IT partner's) and a deactivated account are
linked as a parent, as a staff member's is, but each new such link gets a `rij N`
warning: until 2026-12-07 they were linked without a word. A link made before to an
account deactivated since gets one too, at every import of that row: until 2026-12-07 an
import said nothing of it.
"""

import datetime
import io

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from conftest import make_user
from schools.importer import pupils_import, read_text
from schools.tests.importfiles import csv_text, many_rows, pupil_row

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def it_partner(db):
    return make_user("beheer@example.org", is_staff=True)


@pytest.fixture
def switched_off(db):
    return make_user("oud.adres@example.org", full_name="Eva Mulder", is_active=False)


def run(school, rows, **kwargs):
    text = read_text(csv_text(rows).encode("utf-8"))
    return pupils_import(school=school, text=text, today=TODAY, **kwargs)


def admin_warning(row, column="ouder1_email"):
    return (
        f"rij {row}: {column} is the address of an account with access to the admin (the "
        "portal's management) that has no role at a school. It is linked as a parent of this "
        "pupil as well, so that account can give or refuse consent for the pupil. If that is a "
        "mistake, correct the address in the file before you import it."
    )


def deactivated_warning(row, column="ouder1_email"):
    return (
        f"rij {row}: {column} is the address of a deactivated account. It is linked as a "
        "parent of this pupil, but that account cannot log in and gets no e-mails, so this "
        "parent cannot give consent in the portal. Ask the board to activate the account "
        "again, or ask this parent for consent on paper."
    )


def linked_deactivated_warning(row, column="ouder1_email"):
    return (
        f"rij {row}: {column} is the address of a deactivated account that is linked as a "
        "parent of this pupil already. That account cannot log in and gets no e-mails, so "
        "this parent cannot give consent in the portal. Ask the board to activate the account "
        "again, or ask this parent for consent on paper."
    )


def test_it_says_in_a_dry_run_that_a_parent_address_has_admin_access(school_a, it_partner):
    rows = [
        pupil_row(),
        pupil_row(number="3002", parent2=("IT", "BEHEER@example.org", "ja")),
    ]
    report = run(school_a, rows, dry_run=True)
    assert (report.errors, report.warnings) == ([], [admin_warning(3, "ouder2_email")])
    assert report.guardianships_created == 3
    assert not it_partner.guardianships.exists()


def test_it_links_a_superuser_as_a_parent_and_says_so(school_a):
    superuser = make_user("super@example.org", is_superuser=True)
    report = run(school_a, [pupil_row(parent1=("S", "super@example.org", "ja"))])
    assert report.warnings == [admin_warning(2)]
    assert superuser.guardianships.get().pupil.leerlingnummer == "3001"
    again = run(school_a, [pupil_row(parent1=("S", "super@example.org", "ja"))])
    assert again.warnings == []


def test_it_links_a_deactivated_account_as_a_parent_and_says_so(school_a, switched_off):
    rows = [pupil_row(parent1=("Eva Mulder", "oud.adres@example.org", "ja"))]
    report = run(school_a, rows)
    assert (report.errors, report.warnings) == ([], [deactivated_warning(2)])
    assert switched_off.guardianships.get().has_parental_authority is True
    assert run(school_a, rows).warnings == [linked_deactivated_warning(2)]


def test_it_says_so_of_a_link_to_an_account_deactivated_since(school_a):
    parent = make_user("eva.mulder@example.org", full_name="Eva Mulder")
    other = ("Bram Mulder", "bram@example.org", "ja")
    second = pupil_row(number="3002", parent1=other, parent2=("Eva", parent.email, "ja"))
    rows = [pupil_row(), second]
    assert run(school_a, rows).warnings == []
    parent.is_active = False
    parent.save()
    changed = [pupil_row(parent1=("Eva Mulder", "eva.mulder@example.org", "nee")), second]
    for dry_run in (True, False):
        report = run(school_a, changed, dry_run=dry_run)
        assert (report.errors, report.warnings) == (
            [],
            [linked_deactivated_warning(2), linked_deactivated_warning(3, "ouder2_email")],
        )
    # the import still goes through: gezag updated, the links kept
    assert report.applied and report.guardianships_updated == 1
    assert parent.guardianships.count() == 2


def test_it_says_nothing_more_of_a_link_to_a_superuser(school_a):
    """Admin access is said of a new link only: such an account is a person who logs in,
    and the school heard of it when the link was made."""
    make_user("super@example.org", is_superuser=True)
    rows = [pupil_row(parent1=("S", "super@example.org", "ja"))]
    run(school_a, rows)
    assert run(school_a, rows).warnings == []


def test_it_says_so_for_a_confirmed_other_address_of_such_accounts(
    school_a, it_partner, switched_off
):
    EmailAddress.objects.create(user=it_partner, email="thuis@example.org", verified=True)
    EmailAddress.objects.create(user=switched_off, email="eva@example.org", verified=True)
    rows = [
        pupil_row(parent1=("I", "thuis@example.org", "ja"), parent2=("E", "eva@example.org", "nee"))
    ]
    report = run(school_a, rows, dry_run=True)
    assert report.warnings == [admin_warning(2), deactivated_warning(2, "ouder2_email")]


def test_it_gives_both_warnings_for_a_deactivated_staff_member(school_a, teacher_a):
    teacher_a.is_active = False
    teacher_a.save()
    report = run(school_a, [pupil_row(parent1=("Juf", teacher_a.email, "ja"))], dry_run=True)
    assert len(report.warnings) == 2
    assert report.warnings[0].startswith("rij 2: ouder1_email is the address of a staff member")
    assert report.warnings[1] == deactivated_warning(2)


def test_a_staff_member_with_admin_access_gets_the_staff_warning_only(school_a, teacher_a):
    teacher_a.is_staff = True
    teacher_a.save()
    report = run(school_a, [pupil_row(parent1=("Juf", teacher_a.email, "ja"))], dry_run=True)
    assert len(report.warnings) == 1
    assert "staff member's account" in report.warnings[0]


def test_it_says_nothing_of_active_parents_without_admin_access(school_a, parent_a, outsider):
    rows = [pupil_row(parent1=("P", parent_a.email, "ja"), parent2=("O", outsider.email, "ja"))]
    assert run(school_a, rows).warnings == []


def test_it_gives_the_warnings_in_dutch(school_a, it_partner, switched_off):
    rows = [
        pupil_row(parent1=("I", it_partner.email, "ja"), parent2=("E", switched_off.email, "ja"))
    ]
    with translation.override("nl"):
        report = run(school_a, rows, dry_run=True)
    assert report.warnings == [
        "rij 2: ouder1_email is het adres van een account met toegang tot de beheeromgeving "
        "(admin) dat op geen enkele school een rol heeft. Dat account wordt ook als ouder van "
        "deze leerling gekoppeld en kan dus toestemming geven of weigeren voor deze leerling. "
        "Is dat een vergissing, verbeter het adres dan in het bestand voordat u het importeert.",
        "rij 2: ouder2_email is het adres van een uitgeschakeld account. Het wordt als ouder van "
        "deze leerling gekoppeld, maar dat account kan niet inloggen en krijgt geen e-mails, "
        "dus deze ouder kan in het portaal geen toestemming geven. Vraag het bestuur om het "
        "account weer aan te zetten, of vraag deze ouder op papier om toestemming.",
    ]


def test_it_says_so_of_a_linked_deactivated_account_in_dutch(school_a, switched_off):
    rows = [pupil_row(parent1=("Eva Mulder", switched_off.email, "ja"))]
    run(school_a, rows)
    with translation.override("nl"):
        report = run(school_a, rows, dry_run=True)
    assert report.warnings == [
        "rij 2: ouder1_email is het adres van een uitgeschakeld account dat al als ouder van "
        "deze leerling is gekoppeld. Dat account kan niet inloggen en krijgt geen e-mails, dus "
        "deze ouder kan in het portaal geen toestemming geven. Vraag het bestuur om het "
        "account weer aan te zetten, of vraag deze ouder op papier om toestemming."
    ]


@pytest.mark.parametrize("count", [1, 10])
def test_it_reads_such_accounts_in_a_fixed_number_of_queries(
    school_a, django_assert_num_queries, count
):
    rows = many_rows(count)
    for row in rows:
        make_user(row[7], is_active=False)
    # savepoint, groups, pupils, users (their admin access and whether they are active come
    # with them: no query more), guardianships, release savepoint
    with django_assert_num_queries(6):
        report = run(school_a, rows, dry_run=True)
    assert len(report.warnings) == count


@pytest.mark.parametrize("count", [1, 10])
def test_it_reads_links_to_such_accounts_in_a_fixed_number_of_queries(
    school_a, django_assert_num_queries, count
):
    rows = many_rows(count)
    run(school_a, rows)
    User.objects.filter(email__in=[row[7] for row in rows]).update(is_active=False)
    # savepoint, groups, pupils, users (whether they are active comes with them: no query
    # more), guardianships, release savepoint
    with django_assert_num_queries(6):
        report = run(school_a, rows, dry_run=True)
    assert report.warnings == [linked_deactivated_warning(row) for row in range(2, count + 2)]


def test_the_command_prints_the_warnings(tmp_path, school_a, it_partner, switched_off):
    path = tmp_path / "leerlingen.csv"
    rows = [
        pupil_row(parent1=("I", it_partner.email, "ja"), parent2=("E", switched_off.email, "ja"))
    ]
    path.write_text(csv_text(rows), encoding="utf-8")
    out = io.StringIO()
    call_command("import_pupils", str(path), "--school", "vlindertuin", stdout=out)
    assert admin_warning(2) in out.getvalue()
    assert deactivated_warning(2, "ouder2_email") in out.getvalue()


def test_the_page_shows_the_warnings(login, director_a, it_partner, switched_off):
    rows = [
        pupil_row(parent1=("I", it_partner.email, "ja"), parent2=("E", switched_off.email, "ja"))
    ]
    file = SimpleUploadedFile("leerlingen.csv", csv_text(rows).encode(), content_type="text/csv")
    response = login(director_a).post(
        reverse("schools:import_pupils"), {"school": "vlindertuin", "file": file, "dry_run": "on"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    shown = '<li><span aria-hidden="true">⚠</span> '
    assert shown + admin_warning(2).replace("'", "&#x27;") in page
    assert shown + deactivated_warning(2, "ouder2_email") in page
