import codecs
import datetime

import pytest
from allauth.account.models import EmailAddress
from django.utils import translation

from accounts.models import User
from schools import importfile, spreadsheet
from schools.importer import NotTextError, pupils_import, read_text, school_year_for
from schools.models import Group, Guardianship, Pupil
from schools.services import pupil_erase
from schools.tests.importfiles import HEADER, csv_text, many_rows, pupil_row

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _english():
    # Exact messages are asserted in English; the Dutch text lives in the .po file.
    with translation.override("en"):
        yield


def run(school, text, **kwargs):
    return pupils_import(school=school, text=text, today=TODAY, **kwargs)


def test_it_imports_a_pupil_with_group_and_parent(school_a):
    report = run(school_a, csv_text([pupil_row()]))
    pupil = Pupil.objects.get(school=school_a, leerlingnummer="3001")
    assert (pupil.first_name, pupil.last_name, pupil.birth_date) == (
        "Daan",
        "Mulder",
        datetime.date(2018, 5, 4),
    )
    assert (pupil.group.name, pupil.group.school_year) == ("groep 5", "2026-2027")
    assert report.applied and report.created == 1 and report.groups_created == 1


def test_it_uses_an_existing_group_whatever_its_case(school_a, group_a1):
    run(school_a, csv_text([pupil_row(group="Groep 5")]))
    assert Pupil.objects.get(leerlingnummer="3001").group == group_a1
    assert Group.objects.filter(school=school_a).count() == 1


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2026, 7, 31), "2025-2026"),
        (datetime.date(2026, 8, 1), "2026-2027"),
        (datetime.date(2027, 1, 15), "2026-2027"),
    ],
)
def test_it_starts_a_school_year_on_the_first_of_august(day, year):
    assert school_year_for(day) == year


# --- Encodings and delimiters ------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_it_reads_utf8_with_and_without_bom_and_windows_1252(school_a, encoding):
    data = csv_text([pupil_row(first="Zoë", last="Hé")]).encode(encoding)
    run(school_a, read_text(data))
    pupil = Pupil.objects.get(leerlingnummer="3001")
    assert (pupil.first_name, pupil.last_name) == ("Zoë", "Hé")


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_it_reads_a_file_with_rows_in_utf8_and_rows_in_windows_1252(school_a, bom):
    """Two exports put together, or a row added in another program: read as Windows-1252
    as a whole, every "Zoë" of the UTF-8 rows became "ZoÃ«" and those pupils were updated."""
    header, utf8_row, _end = csv_text([pupil_row(first="Zoë", last="Hé")]).split("\r\n")
    cp1252_row = csv_text([pupil_row(number="3002", first="Daniël", last="Çelik")]).split("\r\n")[1]
    data = bom + f"{header}\r\n{utf8_row}\r\n".encode() + f"{cp1252_row}\r\n".encode("cp1252")
    assert run(school_a, read_text(data)).errors == []
    names = set(Pupil.objects.values_list("first_name", "last_name"))
    assert names == {("Zoë", "Hé"), ("Daniël", "Çelik")}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_it_reads_excels_unicode_text_utf16_with_tabs(school_a, encoding):
    # Excel's "Opslaan als: Unicode-tekst": UTF-16 with a byte order mark, tab-separated.
    text = csv_text([pupil_row(first="Zoë", last="Hé")], delimiter="\t")
    data = (
        (codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
        if encoding == "utf-16-be"
        else text.encode("utf-16")
    )
    assert run(school_a, read_text(data)).errors == []
    pupil = Pupil.objects.get(leerlingnummer="3001")
    assert (pupil.first_name, pupil.last_name) == ("Zoë", "Hé")


def test_it_refuses_utf16_without_a_byte_order_mark():
    with pytest.raises(NotTextError):
        read_text(csv_text([pupil_row()]).encode("utf-16-le"))


def test_it_drops_the_bom_before_the_first_column_name(school_a):
    data = csv_text([pupil_row()]).encode("utf-8-sig")
    assert run(school_a, read_text(data)).errors == []


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"PK\x03\x04\x14\x00"])
def test_it_refuses_binary_files(data):
    with pytest.raises(NotTextError):
        read_text(data)


@pytest.mark.parametrize("delimiter", [";", ","])
def test_it_detects_the_delimiter(school_a, delimiter):
    report = run(school_a, csv_text([pupil_row()], delimiter=delimiter))
    assert report.errors == []
    assert Pupil.objects.get(leerlingnummer="3001").last_name == "Mulder"


@pytest.mark.parametrize("line", ["sep=;", "SEP=;", '"sep=;"'])
def test_it_reads_excels_separator_line_before_the_header(school_a, line):
    """Programs that write a CSV file for Excel put "sep=;" on its first line; Excel reads
    the separator from it and does not show it. The file was refused with "rij 1: column
    leerlingnummer is missing" and four more, its header in plain sight on the line below."""
    text = f"{line}\r\n" + csv_text([pupil_row(number="3000"), pupil_row(born="31-13-2018")])
    report = run(school_a, text)
    # numbered as Excel shows the file: the header is row 1
    assert report.errors == [
        "rij 3: geboortedatum “31-13-2018” is not a date; use dd-mm-jjjj (also d-m-jjjj or "
        "dd/mm/jjjj) or jjjj-mm-dd"
    ]
    assert run(school_a, f"{line}\r\n" + csv_text([pupil_row(first="Jan, Piet")])).errors == []
    assert Pupil.objects.get(leerlingnummer="3001").first_name == "Jan, Piet"


def test_it_reads_a_separator_line_naming_the_comma(school_a):
    text = "sep=,\r\n" + csv_text([pupil_row(first="Jan; Piet")], delimiter=",")
    assert run(school_a, text).errors == []
    assert Pupil.objects.get(leerlingnummer="3001").first_name == "Jan; Piet"


def test_it_reads_quoted_cells_with_the_delimiter_inside(school_a):
    text = (
        "leerlingnummer,voornaam,achternaam,geboortedatum,groep\n"
        '3001,Daan,"Mulder, van",4-5-2018,3\n'
    )
    run(school_a, text)
    assert Pupil.objects.get(leerlingnummer="3001").last_name == "Mulder, van"


def test_it_accepts_header_names_in_any_order_case_and_spacing(school_a):
    header = [
        " GROEP ",
        "Achternaam",
        "Geboorte Datum",
        "voornaam",
        "Leerling_Nummer",
        "Ouder1 Email",
        "ouder1_gezag",
        "notities",
    ]
    text = csv_text(
        [["3", "Mulder", "2018-05-04", "Daan", "3001", "eva@example.org", "Ja", "x"]], header=header
    )
    report = run(school_a, text)
    assert report.errors == []
    assert report.ignored_columns == ["notities"]
    pupil = Pupil.objects.get(leerlingnummer="3001")
    assert (pupil.group.name, pupil.first_name) == ("3", "Daan")
    assert pupil.guardianships.get().user.email == "eva@example.org"


@pytest.mark.parametrize("born", ["04-05-2018", "4-5-2018", "2018-05-04", "2018-5-4"])
def test_it_reads_both_date_formats(school_a, born):
    run(school_a, csv_text([pupil_row(born=born)]))
    assert Pupil.objects.get(leerlingnummer="3001").birth_date == datetime.date(2018, 5, 4)


# --- Bad rows -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (pupil_row(first=""), "rij 3: voornaam is empty"),
        (pupil_row(number=""), "rij 3: leerlingnummer is empty"),
        (pupil_row(group=""), "rij 3: groep is empty"),
        (
            pupil_row(born="31-02-2018"),
            "rij 3: geboortedatum “31-02-2018” is not a date; use dd-mm-jjjj (also d-m-jjjj or "
            "dd/mm/jjjj) or jjjj-mm-dd",
        ),
        (
            pupil_row(born="04/05/18"),
            "rij 3: geboortedatum “04/05/18” is not a date; use dd-mm-jjjj (also d-m-jjjj or "
            "dd/mm/jjjj) or jjjj-mm-dd",
        ),
        (pupil_row(born="01-01-2030"), "rij 3: geboortedatum “01-01-2030” lies in the future"),
        (
            pupil_row(parent1=("Eva", "eva@example.org", "misschien")),
            "rij 3: ouder1_gezag “misschien” must be “ja” or “nee”",
        ),
        (
            pupil_row(parent1=("Eva", "eva@example.org", "")),
            "rij 3: ouder1_gezag is empty; fill in “ja” or “nee” for a parent with an e-mail"
            " address",
        ),
        (
            pupil_row(parent2=("Piet", "piet@@example", "nee")),
            "rij 3: ouder2_email “piet@@example” is not a valid e-mail address",
        ),
        (
            pupil_row(parent2=("Eva", "EVA.mulder@example.org", "ja")),
            "rij 3: ouder2_email is the same as ouder1_email",
        ),
        (pupil_row(last="x" * 101), "rij 3: achternaam is longer than 100 characters"),
        (pupil_row() + ["extra"], "rij 3: the row has more values than the header has columns"),
    ],
)
def test_it_reports_a_bad_row_by_spreadsheet_row_and_field(school_a, row, message):
    report = run(school_a, csv_text([pupil_row(number="3000"), row]))
    assert report.errors == [message]
    assert not report.applied


def test_it_reports_a_duplicate_leerlingnummer_with_both_rows(school_a):
    rows = [pupil_row(number="3001"), pupil_row(number="3002"), pupil_row(number="3001")]
    report = run(school_a, csv_text(rows))
    assert report.errors == ["rij 4: leerlingnummer 3001 is already used in rij 2"]


def test_it_reports_every_bad_row(school_a):
    rows = [pupil_row(first=""), pupil_row(number="3002"), pupil_row(number="3003", born="x")]
    report = run(school_a, csv_text(rows))
    assert report.errors == [
        "rij 2: voornaam is empty",
        "rij 4: geboortedatum “x” is not a date; use dd-mm-jjjj "
        "(also d-m-jjjj or dd/mm/jjjj) or jjjj-mm-dd",
    ]


def test_it_counts_blank_lines_as_rows_like_a_spreadsheet(school_a):
    text = (
        csv_text([pupil_row(number="3001")])
        + "\r\n"
        + ";".join(pupil_row(number="3002", first=""))
        + "\r\n"
    )
    assert run(school_a, text).errors == ["rij 4: voornaam is empty"]


def test_it_names_missing_required_columns_in_the_header_row(school_a):
    header = [c for c in HEADER if c not in ("geboortedatum", "groep")]
    report = run(school_a, csv_text([["3001", "Daan", "", "Mulder"]], header=header))
    assert report.errors == [
        "rij 1: column geboortedatum is missing",
        "rij 1: column groep is missing",
    ]


def test_it_refuses_a_header_with_a_column_twice(school_a):
    header = [*HEADER, "Voornaam"]
    report = run(school_a, csv_text([pupil_row() + ["Daan"]], header=header))
    assert report.errors == ["rij 1: column voornaam appears twice"]


# A `"` at the start of a cell opens a quoted cell that runs until the next `"`: in a
# column the import ignores, an unclosed one would silently swallow the rows after it.
def remark_file(remarks: list[str]) -> str:
    rows = [pupil_row(number=str(3001 + i)) + [remark] for i, remark in enumerate(remarks)]
    return csv_text([*rows, pupil_row(number="1001") + [""]], header=[*HEADER, "opmerking"])


LINE_BREAK = (
    'rij 3: the cell in column opmerking runs over more than one line. Is there a " '
    'at the start of a cell without a closing "? The rows after it are then read as '
    "part of that cell."
)


@pytest.mark.parametrize(
    "remarks",
    [["", '"zie dossier', "", ""], ["", '"zie dossier', "", '"ok"']],
    ids=["never-closed", "closed-rows-later"],
)
def test_it_refuses_a_quote_that_swallows_the_rows_after_it(school_a, pupil_a, remarks):
    report = run(school_a, remark_file(remarks))
    assert report.errors == [LINE_BREAK]
    assert not Pupil.objects.exclude(pk=pupil_a.pk).exists()
    pupil_a.refresh_from_db()
    assert pupil_a.left_on is None


def test_it_reads_quotes_inside_a_cell_as_text(school_a, pupil_a):
    report = run(school_a, remark_file(["", 'zie "dossier', "", '"ok"']))
    assert report.errors == []
    assert report.created == 4


def test_it_reads_a_remark_written_over_two_lines(school_a, pupil_a):
    # Alt+Enter in Excel: a quoted remark over two lines, no row swallowed.
    report = run(school_a, remark_file(["", '"allergisch voor noten,\r\nzie dossier"', "", ""]))
    assert report.errors == []
    assert report.created == 4


def test_it_refuses_a_line_break_in_a_column_it_reads(school_a):
    rows = [pupil_row(), pupil_row(number="3002", first='"Daan\r\nPiet"')]
    report = run(school_a, csv_text(rows))
    assert report.errors == [LINE_BREAK.replace("opmerking", "voornaam")]
    assert not Pupil.objects.exists()


def test_it_refuses_an_empty_file(school_a):
    assert run(school_a, "\r\n").errors == ["rij 1: the file is empty"]


def test_it_refuses_a_file_without_pupils_instead_of_marking_everyone_left(school_a, pupil_a):
    report = run(school_a, csv_text([]))
    assert report.errors == ["rij 2: the file has no pupils"]
    pupil_a.refresh_from_db()
    assert pupil_a.left_on is None


def test_it_warns_about_a_parent_without_e_mail_and_imports_the_rest(school_a):
    report = run(school_a, csv_text([pupil_row(parent1=("Eva Mulder", "", "ja"))]))
    assert report.warnings == ["rij 2: ouder1_email is empty, so this parent gets no account"]
    assert report.applied
    assert not Guardianship.objects.exists()


# --- All or nothing, dry run, re-import ---------------------------------------------


def test_it_writes_nothing_when_one_row_is_bad(school_a, pupil_a):
    rows = [*many_rows(20), pupil_row(number="9999", born="never")]
    counts = (Pupil.objects.count(), User.objects.count(), Group.objects.count())
    report = run(school_a, csv_text(rows))
    assert len(report.errors) == 1
    assert (Pupil.objects.count(), User.objects.count(), Group.objects.count()) == counts
    pupil_a.refresh_from_db()
    assert pupil_a.left_on is None


def test_it_writes_nothing_in_a_dry_run_but_reports_what_would_change(school_a, pupil_a):
    report = run(school_a, csv_text(many_rows(3)), dry_run=True)
    assert (report.created, report.left, report.groups_created, report.guardians_created) == (
        3,
        1,
        3,
        3,
    )
    assert not report.applied
    assert list(Pupil.objects.all()) == [pupil_a]
    assert not Guardianship.objects.exists()
    pupil_a.refresh_from_db()
    assert pupil_a.left_on is None


def test_it_reports_the_same_counts_in_a_dry_run_as_in_the_real_import(school_a, pupil_a):
    text = csv_text([*many_rows(4), pupil_row(number="1001", first="Sem", last="Bakker")])
    dry = run(school_a, text, dry_run=True)
    real = run(school_a, text)
    assert dry.counts() == real.counts()


def snapshot():
    return (
        sorted(Pupil.objects.values_list("leerlingnummer", "first_name", "group_id", "left_on")),
        sorted(Guardianship.objects.values_list("user_id", "pupil_id", "has_parental_authority")),
        sorted(User.objects.values_list("id", "email", "full_name", "password")),
        sorted(Group.objects.values_list("id", "name", "school_year")),
    )


def test_it_changes_nothing_when_the_same_file_is_imported_twice(school_a):
    text = csv_text(many_rows(5))
    run(school_a, text)
    before = snapshot()
    report = run(school_a, text)
    assert snapshot() == before
    assert (report.created, report.updated, report.unchanged, report.left) == (0, 0, 5, 0)
    assert (report.guardians_created, report.guardianships_created) == (0, 0)


def test_it_updates_a_changed_name_by_leerlingnummer(school_a, pupil_a):
    report = run(school_a, csv_text([pupil_row(number="1001", first="Semmie", last="Bakker")]))
    pupil_a.refresh_from_db()
    assert pupil_a.first_name == "Semmie"
    assert (report.created, report.updated) == (0, 1)
    assert Pupil.objects.count() == 1


def test_it_marks_a_missing_pupil_as_left_without_deleting_it(school_a, pupil_a, pupil_a2):
    report = run(school_a, csv_text([pupil_row(number="1001", first="Sem", last="Bakker")]))
    pupil_a2.refresh_from_db()
    assert pupil_a2.left_on == TODAY
    assert report.left == 1


def test_it_leaves_pupils_of_other_schools_alone(school_a, pupil_b):
    run(school_a, csv_text([pupil_row()]))
    pupil_b.refresh_from_db()
    assert pupil_b.left_on is None


def test_it_keeps_the_first_leaving_date_of_a_pupil_who_left_earlier(school_a, pupil_a2):
    Pupil.objects.filter(pk=pupil_a2.pk).update(left_on=datetime.date(2025, 7, 1))
    run(school_a, csv_text([pupil_row()]))
    pupil_a2.refresh_from_db()
    assert pupil_a2.left_on == datetime.date(2025, 7, 1)


def test_it_clears_the_leaving_date_of_a_pupil_who_returns(school_a, pupil_a):
    Pupil.objects.filter(pk=pupil_a.pk).update(left_on=datetime.date(2025, 7, 1))
    report = run(school_a, csv_text([pupil_row(number="1001", first="Sem", last="Bakker")]))
    pupil_a.refresh_from_db()
    assert pupil_a.left_on is None
    assert (report.updated, report.returned) == (1, 1)


def test_it_refuses_the_number_of_an_erased_pupil_and_leaves_the_record_erased(school_a, pupil_a):
    # An erased pupil's row stays as the anchor of the consent events; a row with its
    # number gave the row a child's name again, current, with the old answers and checks.
    Pupil.objects.filter(pk=pupil_a.pk).update(left_on=datetime.date(2020, 7, 1))
    pupil_erase(pupil=pupil_a)
    number = f"erased-{pupil_a.pk}"
    report = run(school_a, csv_text([pupil_row(number=number)]))
    assert report.errors == [
        f"rij 2: leerlingnummer {number} starts with “erased-”, which the portal keeps for"
        " erased pupils"
    ]
    pupil_a.refresh_from_db()
    assert (pupil_a.first_name, pupil_a.left_on) == ("", datetime.date(2020, 7, 1))


@pytest.mark.parametrize("number", ["erased-99999", "Erased-7"])
def test_it_refuses_a_new_pupil_number_that_retention_would_never_erase(school_a, number):
    # The retention task skips numbers that start with "erased-" (already erased): such a
    # pupil's name would be kept for ever after leaving.
    report = run(school_a, csv_text([pupil_row(number=number)]))
    assert not report.ok and not Pupil.objects.exists()


def test_it_moves_a_pupil_to_the_group_of_this_school_year(school_a, pupil_a):
    old = Group.objects.create(school=school_a, name="groep 4", school_year="2025-2026")
    Pupil.objects.filter(pk=pupil_a.pk).update(group=old)
    run(school_a, csv_text([pupil_row(number="1001", first="Sem", last="Bakker", group="groep 5")]))
    pupil_a.refresh_from_db()
    assert (pupil_a.group.name, pupil_a.group.school_year) == ("groep 5", "2026-2027")


# --- Guardians -----------------------------------------------------------------------------


def test_it_creates_parents_without_a_usable_password(school_a):
    row = pupil_row(
        parent1=("Eva Mulder", "Eva.Mulder@Example.org", "ja"),
        parent2=("Piet Mulder", "piet@example.org", "nee"),
    )
    run(school_a, csv_text([row]))
    links = Guardianship.objects.select_related("user").order_by("user__email")
    assert [(g.user.email, g.user.full_name, g.has_parental_authority) for g in links] == [
        ("eva.mulder@example.org", "Eva Mulder", True),
        ("piet@example.org", "Piet Mulder", False),
    ]
    assert not any(g.user.has_usable_password() for g in links)


def test_it_registers_parent_addresses_for_login_by_code(school_a):
    run(school_a, csv_text([pupil_row()]))
    address = EmailAddress.objects.get(email="eva.mulder@example.org")
    assert (address.primary, address.verified) == (True, False)


def test_it_links_one_parent_account_to_two_children(school_a):
    rows = [pupil_row(number="3001"), pupil_row(number="3002", first="Lotte")]
    report = run(school_a, csv_text(rows))
    user = User.objects.get(email="eva.mulder@example.org")
    assert user.guardianships.count() == 2
    assert report.guardians_created == 1


def test_it_links_an_existing_account_instead_of_creating_one(school_a, parent_a):
    run(school_a, csv_text([pupil_row(parent1=("X", "Ouder.A@example.org", "ja"))]))
    assert User.objects.filter(email__iexact="ouder.a@example.org").count() == 1
    assert parent_a.guardianships.count() == 2
    parent_a.refresh_from_db()
    assert parent_a.has_usable_password()


def test_it_links_a_parent_who_made_another_address_their_main_one(school_a):
    """On "Mijn account" a parent adds an address, confirms it and makes it the main one;
    the school's next export still has the old one. That old address, confirmed, stays on
    their account: the import used to make a second account for it, linked with gezag."""
    run(school_a, csv_text([pupil_row()]))
    eva = User.objects.get(email="eva.mulder@example.org")
    EmailAddress.objects.filter(user=eva).update(verified=True)  # her first login by code
    new = EmailAddress.objects.create(user=eva, email="eva@nieuw.example", verified=True)
    new.set_as_primary()
    report = run(school_a, csv_text([pupil_row(), pupil_row(number="3002", first="Sem")]))
    assert (report.guardians_created, report.guardianships_created) == (0, 1)
    assert not User.objects.filter(email="eva.mulder@example.org").exists()
    assert set(Guardianship.objects.values_list("user", "pupil__leerlingnummer")) == {
        (eva.pk, "3001"),
        (eva.pk, "3002"),
    }


@pytest.mark.parametrize("dry_run", [True, False])
def test_it_refuses_a_row_naming_one_parent_twice_by_two_of_their_addresses(school_a, dry_run):
    """A parent made a new address their main one; the school put it in ouder2 and kept
    the old one in ouder1. Both are one account: it failed on the unique guardianship
    (a 500 on the import page) instead of saying which row to correct."""
    run(school_a, csv_text([pupil_row()]))
    eva = User.objects.get(email="eva.mulder@example.org")
    EmailAddress.objects.filter(user=eva).update(verified=True)
    EmailAddress.objects.create(user=eva, email="eva@nieuw.example", verified=True)
    twice = pupil_row(number="3002", first="Sem", parent2=("Eva", "eva@nieuw.example", "ja"))
    report = run(school_a, csv_text([pupil_row(), twice]), dry_run=dry_run)
    assert report.errors == [
        "rij 3: ouder1_email and ouder2_email are two addresses of the same parent's "
        "account. Put one address of that parent in the file, and the other parent's "
        "address (or nothing) in the second column."
    ]
    assert not report.applied
    assert not Pupil.objects.filter(leerlingnummer="3002").exists()
    assert list(Guardianship.objects.values_list("user", "pupil__leerlingnummer")) == [
        (eva.pk, "3001")
    ]


def test_it_does_not_link_to_an_address_another_account_added_without_confirming(school_a):
    other = User.objects.create_user("iemand@example.org")
    EmailAddress.objects.create(user=other, email="Eva.Mulder@example.org", verified=False)
    run(school_a, csv_text([pupil_row()]))
    assert not other.guardianships.exists()
    assert Guardianship.objects.get().user.email == "eva.mulder@example.org"


def test_it_updates_gezag_when_it_changes(school_a):
    run(school_a, csv_text([pupil_row()]))
    report = run(
        school_a, csv_text([pupil_row(parent1=("Eva Mulder", "eva.mulder@example.org", "nee"))])
    )
    assert Guardianship.objects.get().has_parental_authority is False
    assert (report.guardianships_updated, report.unchanged) == (1, 1)


def test_it_stores_formula_text_verbatim(school_a):
    formula = '=HYPERLINK("http://evil.example";"klik")'
    text = csv_text([pupil_row(first=f'"{formula.replace(chr(34), chr(34) * 2)}"')])
    run(school_a, text)
    assert Pupil.objects.get(leerlingnummer="3001").first_name == formula


# --- Progress and queries -------------------------------------------------------------------


def test_it_reports_progress_every_500_rows(school_a):
    calls = []
    run(school_a, csv_text(many_rows(1001)), dry_run=True, progress=lambda *a: calls.append(a))
    assert calls == [(500, 1001), (1000, 1001), (1001, 1001)]


@pytest.mark.parametrize("count", [10, 100])
def test_it_imports_new_pupils_in_a_fixed_number_of_queries(
    school_a, django_assert_num_queries, count
):
    text = csv_text(many_rows(count))
    # savepoint, lock school, groups, pupils, users, confirmed addresses of the parents not
    # found, guardianships; insert groups, pupils, users; select new users; insert e-mail
    # addresses, guardianships, the links made (schools.accesslog); release savepoint
    with django_assert_num_queries(15):
        report = run(school_a, text)
    assert report.created == count


@pytest.mark.parametrize("count", [10, 100])
def test_it_updates_pupils_in_a_fixed_number_of_queries(school_a, django_assert_num_queries, count):
    run(school_a, csv_text(many_rows(count)))
    rows = many_rows(count)
    for row in rows:
        row[1] = row[1] + "je"
        row[8] = "nee"
    text = csv_text(rows[1:])
    # savepoint, lock school, groups, pupils, users, guardianships; update pupils,
    # mark the missing pupil left, update guardianships, insert the gezag changes
    # (schools.accesslog); then, as every parent lost gezag,
    # what only their answers allowed (consent.services.takedowns_for_gezag_change:
    # savepoint, pupils, lock them, purposes, gezag-holders, answers, release; none of them
    # answered, so no check is read); release savepoint
    with django_assert_num_queries(18):
        report = run(school_a, text)
    assert (report.updated, report.left, report.guardianships_updated) == (
        count - 1,
        1,
        count - 1,
    )


def test_it_logs_counts_but_no_pupil_or_parent_names(school_a, caplog):
    caplog.set_level("DEBUG")
    run(
        school_a,
        csv_text([pupil_row(first="Wietske", parent1=("Geertje X", "g@example.org", "ja"))]),
    )
    run(school_a, csv_text([pupil_row(first="Wietske", born="nooit")]))
    assert "created=1" in caplog.text
    assert "Wietske" not in caplog.text
    assert "Geertje" not in caplog.text


def test_it_reports_a_row_it_cannot_read_as_csv(school_a):
    text = csv_text([pupil_row(number="3001"), pupil_row(number="3002", first="x" * 200_000)])
    assert run(school_a, text).errors == ["rij 3: the row cannot be read as CSV"]


# --- A CSV file larger than a pupil list (the workbook's limits, schools.spreadsheet) -----


def test_it_refuses_a_header_of_more_columns_than_a_pupil_list_has(school_a):
    """A 4 MB file whose header has 2 million columns took 5 s of a web worker
    (each header cell is matched against the import's column names); a workbook is
    refused past 200 columns, a CSV file now too, before its cells are read. (A data row
    wider than the header is refused already: "more values than the header has columns".)"""
    text = csv_text(
        [pupil_row()], header=[*HEADER, *["x"] * (spreadsheet.MAX_COLUMNS - len(HEADER))]
    )
    assert run(school_a, text, dry_run=True).errors == []
    wide = csv_text([pupil_row()], header=[*HEADER, *["x"] * 1_000_000])
    report = run(school_a, wide)
    assert report.errors == [
        "rij 1: this row has more than 200 columns, more than a pupil list has. Keep only "
        "the pupil list in the file."
    ]
    assert report.ignored_columns == []
    assert not Pupil.objects.exists()


def test_it_reads_a_row_with_millions_of_empty_cells_as_its_values_only(school_a, monkeypatch):
    """A data row ending in 5 million separators (within the 5 MB limit) took 2.6 s: every
    empty cell was stripped, split into lines and checked. Blank cells past a pupil list's
    columns are dropped before any cell is checked; the row's pupil is imported."""
    widths: list[int] = []
    line_break = importfile._line_break

    def recording(number, cells, *args):
        widths.append(len(cells))
        return line_break(number, cells, *args)

    monkeypatch.setattr(importfile, "_line_break", recording)
    text = csv_text([pupil_row(number="3001"), pupil_row(number="3002")])
    first, second, rest = text.split("\r\n", 2)
    text = "\r\n".join([first, second + ";" * 5_000_000 + " ; ", rest])

    report = run(school_a, text)

    assert report.errors == [] and report.created == 2
    assert max(widths) <= spreadsheet.MAX_COLUMNS


def test_it_reads_a_line_of_millions_of_separators_as_a_blank_line(school_a):
    text = csv_text([pupil_row(number="3001")]) + ";" * 5_000_000 + "\r\n"
    text += csv_text([pupil_row(number="3002")]).split("\r\n", 1)[1]
    report = run(school_a, text)
    assert report.errors == [] and report.created == 2


def test_it_refuses_a_data_row_with_a_value_past_a_pupil_lists_columns(school_a):
    """Named by its row before any cell is read, as a header that wide is."""
    wide = [*pupil_row(number="3002"), *[""] * 1_000_000, "x"]
    report = run(school_a, csv_text([pupil_row(), wide]))
    assert report.errors == [
        "rij 3: this row has more than 200 columns, more than a pupil list has. Keep only "
        "the pupil list in the file."
    ]
    assert not Pupil.objects.exists()


def test_it_refuses_more_rows_than_a_pupil_list_has(school_a, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 3)
    rows = [pupil_row(number=str(3001 + i)) for i in range(3)]
    assert run(school_a, csv_text(rows[:2]), dry_run=True).errors == []
    report = run(school_a, csv_text(rows))
    assert report.errors == [
        "rij 4: the file has more than 3 rows, more than a pupil list has. Keep only the "
        "pupil list in the file."
    ]
    assert not Pupil.objects.exists()


def test_it_says_in_dutch_that_the_file_is_larger_than_a_pupil_list(school_a):
    wide = csv_text([pupil_row()], header=[*HEADER, *["x"] * 300])
    with translation.override("nl"):
        report = run(school_a, wide)
    assert report.errors == [
        "rij 1: deze rij heeft meer dan 200 kolommen, meer dan een leerlingenlijst heeft. "
        "Bewaar alleen de leerlingenlijst in het bestand."
    ]


# --- Direction controls ------------------------------------------------------
# U+202E RIGHT-TO-LEFT OVERRIDE and its kin flip how the rest of a line reads; a name that
# holds one shows as another name on every page and in every export (opo_portal.text).
RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"


def test_it_stores_names_without_direction_controls(school_a):
    row = pupil_row(
        first=f"Daan{RLO}",
        last=f"{LRI}Mul{RLO}der{PDI}",
        group=f"groep{RLO} 5",
        parent1=(f"Eva{RLO} Mulder", "eva.mulder@example.org", "ja"),
    )
    assert run(school_a, csv_text([row])).errors == []
    pupil = Pupil.objects.select_related("group").get(leerlingnummer="3001")
    assert (pupil.first_name, pupil.last_name, pupil.group.name) == ("Daan", "Mulder", "groep 5")
    assert User.objects.get(email="eva.mulder@example.org").full_name == "Eva Mulder"


def test_it_reports_a_name_of_direction_controls_only_as_empty(school_a):
    report = run(school_a, csv_text([pupil_row(number="3000"), pupil_row(first=RLO + PDI)]))
    assert report.errors == ["rij 3: voornaam is empty"]
    assert not Pupil.objects.exists()


# --- Invisible characters and control characters -------------------------------------
# Text pasted from a web page, a chat or a PDF brings characters along that show as
# nothing: a zero-width space (U+200B), a word joiner (U+2060), a soft hyphen (U+00AD), a
# byte order mark (U+FEFF). "3001" with one was another pupil number than "3001".
ZWSP, WORD_JOINER, SOFT_HYPHEN, ZWNBSP = "\u200b", "\u2060", "\u00ad", "\ufeff"


def test_it_reads_a_pupil_number_with_an_invisible_character_as_the_number(school_a, pupil_a):
    """The school's pupil 1001 was marked as left, and a new pupil 1001 made, without the
    parents' answers, whose number looks the same on every page."""
    report = run(
        school_a,
        csv_text([pupil_row(number=f"1001{ZWSP}", first="Sem", last="Bakker")]),
    )
    assert (report.errors, report.created, report.left, report.unchanged) == ([], 0, 0, 1)
    assert list(Pupil.objects.values_list("leerlingnummer", "left_on")) == [("1001", None)]


def test_it_reads_dates_addresses_and_gezag_without_invisible_characters(school_a):
    row = pupil_row(
        born=f"04-05-2018{ZWNBSP}",
        parent1=("Eva Mulder", f"eva.mulder@example{ZWSP}.org", f"ja{WORD_JOINER}"),
    )
    assert run(school_a, csv_text([row])).errors == []
    link = Guardianship.objects.select_related("user", "pupil").get()
    assert link.user.email == "eva.mulder@example.org"
    assert link.has_parental_authority and link.pupil.birth_date == datetime.date(2018, 5, 4)


def test_it_puts_a_pupil_in_the_existing_group_whatever_invisible_character_follows(
    school_a, group_a1
):
    """A "groep 5" with a zero-width space was a second group that looks the same, without
    the teacher: the pupil dropped out of the teacher's class."""
    assert run(school_a, csv_text([pupil_row(group=f"groep 5{ZWSP}")])).errors == []
    assert Pupil.objects.get().group == group_a1


def test_it_stores_names_without_invisible_characters(school_a):
    row = pupil_row(first=f"Da{SOFT_HYPHEN}an{ZWSP}", last=f"{ZWNBSP}Mulder")
    assert run(school_a, csv_text([row])).errors == []
    assert list(Pupil.objects.values_list("first_name", "last_name")) == [("Daan", "Mulder")]


@pytest.mark.parametrize("invisible", [ZWSP, WORD_JOINER + ZWNBSP, "\u200c\u200d"])
def test_it_reports_a_name_of_invisible_characters_only_as_empty(school_a, invisible):
    """A pupil listed without a visible name, whom no teacher can find in the class list."""
    report = run(school_a, csv_text([pupil_row(number="3000"), pupil_row(last=invisible)]))
    assert report.errors == ["rij 3: achternaam is empty"]
    assert not Pupil.objects.exists()


def test_it_keeps_the_joiners_a_name_in_another_script_needs(school_a):
    name = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # Persian, with a ZWNJ
    assert run(school_a, csv_text([pupil_row(first=name)])).errors == []
    assert Pupil.objects.get().first_name == name


# Control characters: FileMaker and some older programs write a line break within a cell
# as U+000B, an old DOS export ends with U+001A, a name pasted from a terminal may hold an
# escape. The whole file was refused as "neither a CSV file nor an Excel workbook", without
# a row; a C1 control (U+0080-U+009F) was stored in the name.


@pytest.mark.parametrize(
    ("first", "code"), [("Daan\x0bDJ", "U+000B"), ("Da\x1b[2Jan", "U+001B"), ("Da\x9ban", "U+009B")]
)
def test_it_names_the_row_and_column_of_a_control_character(school_a, first, code):
    data = csv_text([pupil_row(number="3000"), pupil_row(first=first)]).encode()
    report = run(school_a, read_text(data))
    assert report.errors == [
        f"rij 3: voornaam holds a control character ({code}), which no name, number, date "
        "or address has; remove it from the cell"
    ]
    assert not Pupil.objects.exists()


def test_it_names_a_control_character_in_the_header_without_printing_it(school_a):
    header = [*HEADER, "Opmerking\x1b[31m"]
    report = run(school_a, read_text(csv_text([pupil_row() + [""]], header=header).encode()))
    assert report.errors == [
        "rij 1: column 13 holds a control character (U+001B), which no name, number, date or "
        "address has; remove it from the cell"
    ]
    assert report.ignored_columns == []


def test_it_ignores_a_control_character_in_a_column_it_does_not_read(school_a):
    header = [*HEADER, "Opmerking"]
    data = csv_text([pupil_row() + ["eerste regel\x0btweede regel"]], header=header).encode()
    assert run(school_a, read_text(data)).errors == []
    assert Pupil.objects.filter(first_name="Daan").exists()


def test_it_reads_a_file_ending_with_the_dos_end_of_file_mark(school_a):
    data = csv_text([pupil_row()]).encode("cp1252") + b"\x1a"
    assert run(school_a, read_text(data)).errors == []
    assert Pupil.objects.filter(first_name="Daan").exists()


def test_it_still_refuses_a_file_with_a_nul_byte_as_no_text():
    with pytest.raises(NotTextError):
        read_text(csv_text([pupil_row(first="Da\x00an")]).encode())
