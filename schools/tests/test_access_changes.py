"""Who could reach pupil data, from when to when: the privacy officer's AVG questions.

Nothing readable recorded this before: the admin's history names a membership only as its
text and the pupil import wrote nothing about links and gezag. Now every path that begins
or ends a staff membership (the director's pages, the admin, an account deleted) or links,
unlinks or changes a parent's gezag (the import, the pupil's and the guardianship's admin
pages, the retention task) writes a row with who did it and how, in its transaction;
the privacy officer (and board staff) read memberships per school on "Rollen van
medewerkers" and a pupil's links and gezag in the pupil's consent file."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from schools import accesslog
from schools.importer import pupils_import
from schools.models import GezagChange, Guardianship, MembershipChange, Pupil, StaffMembership, Via
from schools.services import pupil_erase
from schools.tests.importfiles import csv_text, pupil_row

Role = StaffMembership.Role
Change = MembershipChange.Change
Gezag = GezagChange.Change
# 10:00 in Amsterdam, in school year 2026-2027 (the cast's SCHOOL_YEAR)
IN_THE_SCHOOL_YEAR = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
PAGE = reverse("schools:access_changes")
ADMIN = "beheer@example.org"  # admin_client's user, named by address (no name)


@pytest.fixture(autouse=True)
def _in_the_school_year():
    with time_machine.travel(IN_THE_SCHOOL_YEAR, tick=True):
        yield


def memberships() -> list[tuple]:
    return list(
        MembershipChange.objects.order_by("id").values_list(
            "change", "person_email", "role", "school_name", "by_name", "via"
        )
    )


def groups() -> list[tuple]:
    """The groups teachers were given and lost, with the group's name and year copied."""
    return list(
        MembershipChange.objects.filter(change__in=MembershipChange.GROUP_CHANGES)
        .order_by("id")
        .values_list("change", "person_email", "group_name", "school_year")
    )


def gezag(pupil) -> list[tuple]:
    return list(
        GezagChange.objects.filter(pupil=pupil)
        .order_by("id")
        .values_list("change", "guardian_email", "by_name", "via")
    )


# --- Every path writes the record -----------------------------------------------------------


def test_the_director_adding_and_removing_a_teacher_is_recorded(login, director_a, school_a):
    client = login(director_a)
    url = reverse("schools:staff_teacher_add", args=[school_a.code])
    form = {"full_name": "Fleur de Boer", "email": "fleur@example.org"}
    assert client.post(url, form).status_code == 302
    membership = StaffMembership.objects.get(user__email="fleur@example.org")
    remove = reverse("schools:staff_teacher_remove", args=[school_a.code, membership.pk])
    assert client.post(remove).status_code == 302
    row = ("fleur@example.org", Role.TEACHER, school_a.name, director_a.full_name, Via.PAGE)
    assert memberships() == [(Change.ADDED, *row), (Change.ENDED, *row)]


def test_the_admin_deleting_memberships_records_each_once(admin_client, teacher_a, director_a):
    data = {
        "action": "delete_selected",
        "_selected_action": [m.pk for m in StaffMembership.objects.all()],
        "post": "yes",
    }
    admin_client.post(reverse("admin:schools_staffmembership_changelist"), data)
    assert not StaffMembership.objects.exists()
    assert sorted(memberships()) == [
        (Change.ENDED, director_a.email, Role.DIRECTOR, "OBS De Vlindertuin", ADMIN, Via.ADMIN),
        (Change.ENDED, teacher_a.email, Role.TEACHER, "OBS De Vlindertuin", ADMIN, Via.ADMIN),
        # the teacher's group ends with the role
        (Change.GROUP_ENDED, teacher_a.email, Role.TEACHER, "OBS De Vlindertuin", ADMIN, Via.ADMIN),
    ]
    assert groups() == [(Change.GROUP_ENDED, teacher_a.email, "groep 5", "2026-2027")]


def test_the_admin_deleting_one_membership_is_recorded(admin_client, director_a):
    membership = StaffMembership.objects.get(user=director_a)
    url = reverse("admin:schools_staffmembership_delete", args=[membership.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    [(change, email, *_rest, via)] = memberships()
    assert (change, email, via) == (Change.ENDED, director_a.email, Via.ADMIN)


def test_the_admin_moving_a_membership_ends_one_and_begins_another(
    admin_client, director_a, school_a, school_b
):
    membership = StaffMembership.objects.get(user=director_a)
    url = reverse("admin:schools_staffmembership_change", args=[membership.pk])
    form = {"user": director_a.pk, "role": Role.DIRECTOR, "school": school_b.pk, "groups": []}
    assert admin_client.post(url, form).status_code == 302
    assert [(c, school) for c, _e, _r, school, _b, _v in memberships()] == [
        (Change.ENDED, school_a.name),
        (Change.ADDED, school_b.name),
    ]
    admin_client.post(url, form)  # saved unchanged: nobody gained or lost anything
    assert len(memberships()) == 2


def test_the_admin_adding_a_membership_is_recorded(admin_client, outsider):
    form = {"user": outsider.pk, "role": Role.PRIVACY_OFFICER, "school": "", "groups": []}
    admin_client.post(reverse("admin:schools_staffmembership_add"), form)
    assert memberships() == [
        (Change.ADDED, outsider.email, Role.PRIVACY_OFFICER, "", ADMIN, Via.ADMIN)
    ]


def test_an_account_deleted_in_the_admin_ends_its_roles_and_links(
    admin_client, teacher_parent, pupil_a
):
    url = reverse("admin:accounts_user_delete", args=[teacher_parent.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    [group, (change, email, *_rest, via)] = memberships()
    assert (change, email, via) == (Change.ENDED, teacher_parent.email, Via.ACCOUNT_DELETED)
    assert (group[0], group[-1]) == (Change.GROUP_ENDED, Via.ACCOUNT_DELETED)
    assert groups() == [(Change.GROUP_ENDED, teacher_parent.email, "groep 5", "2026-2027")]
    assert gezag(pupil_a) == [
        (Gezag.UNLINKED_GEZAG, teacher_parent.email, ADMIN, Via.ACCOUNT_DELETED)
    ]


# --- The groups a teacher teaches (which pupils they reach) -----------------------------------


def test_the_director_adding_a_teacher_with_groups_records_them(
    login, director_a, school_a, group_a1, group_a2
):
    url = reverse("schools:staff_teacher_add", args=[school_a.code])
    form = {"full_name": "Fleur", "email": "fleur@example.org", "groups": [group_a2.pk]}
    assert login(director_a).post(url, form).status_code == 302
    assert groups() == [(Change.GROUP_ADDED, "fleur@example.org", "groep 7", "2026-2027")]
    [(*_row, by, via)] = memberships()[1:]
    assert (by, via) == (director_a.full_name, Via.PAGE)


def test_the_director_s_staff_page_records_groups_given_and_ended(
    login, director_a, school_a, teacher_a, group_a1, group_a2
):
    membership = StaffMembership.objects.get(user=teacher_a)
    url = reverse("schools:staff_groups", args=[school_a.code])
    # groep 5 unticked, groep 7 ticked
    form = {
        "teachers": [membership.pk],
        "links": [f"{membership.pk}-{group_a2.pk}"],
        "shown": f"{membership.pk}-{group_a1.pk}",
    }
    assert login(director_a).post(url, form).status_code == 302
    assert groups() == [
        (Change.GROUP_ENDED, teacher_a.email, "groep 5", "2026-2027"),
        (Change.GROUP_ADDED, teacher_a.email, "groep 7", "2026-2027"),
    ]
    [(role, school, by, via)] = {row[2:] for row in memberships()}
    assert (role, school, by, via) == (Role.TEACHER, school_a.name, director_a.full_name, Via.PAGE)
    login(director_a).post(url, form)  # saved unchanged: nothing recorded
    assert len(groups()) == 2


def test_the_director_removing_a_teacher_ends_their_groups(login, director_a, school_a, teacher_a):
    membership = StaffMembership.objects.get(user=teacher_a)
    remove = reverse("schools:staff_teacher_remove", args=[school_a.code, membership.pk])
    assert login(director_a).post(remove).status_code == 302
    assert [change for change, *_rest in memberships()] == [Change.GROUP_ENDED, Change.ENDED]
    assert groups() == [(Change.GROUP_ENDED, teacher_a.email, "groep 5", "2026-2027")]


def test_the_admin_changing_a_teacher_s_groups_records_them(
    admin_client, teacher_a, school_a, group_a1, group_a2
):
    membership = StaffMembership.objects.get(user=teacher_a)
    url = reverse("admin:schools_staffmembership_change", args=[membership.pk])
    form = {"user": teacher_a.pk, "role": Role.TEACHER, "school": school_a.pk}
    assert admin_client.post(url, {**form, "groups": [group_a2.pk]}).status_code == 302
    assert groups() == [
        (Change.GROUP_ENDED, teacher_a.email, "groep 5", "2026-2027"),
        (Change.GROUP_ADDED, teacher_a.email, "groep 7", "2026-2027"),
    ]
    assert {(by, via) for *_r, by, via in memberships()} == {(ADMIN, Via.ADMIN)}
    assert admin_client.post(url, {**form, "groups": [group_a2.pk]}).status_code == 302
    assert len(memberships()) == 2  # saved unchanged: nothing recorded


def test_the_admin_moving_a_teacher_ends_the_groups_there_and_records_the_new_ones(
    admin_client, teacher_a, school_a, school_b, group_b1
):
    membership = StaffMembership.objects.get(user=teacher_a)
    url = reverse("admin:schools_staffmembership_change", args=[membership.pk])
    form = {"user": teacher_a.pk, "role": Role.TEACHER, "school": school_b.pk}
    assert admin_client.post(url, {**form, "groups": [group_b1.pk]}).status_code == 302
    assert [(c, school) for c, _e, _r, school, _b, _v in memberships()] == [
        (Change.GROUP_ENDED, school_a.name),
        (Change.ENDED, school_a.name),
        (Change.ADDED, school_b.name),
        (Change.GROUP_ADDED, school_b.name),
    ]


def test_the_admin_adding_a_teacher_with_a_group_records_it(
    admin_client, outsider, school_a, group_a2
):
    form = {"user": outsider.pk, "role": Role.TEACHER, "school": school_a.pk}
    admin_client.post(
        reverse("admin:schools_staffmembership_add"), {**form, "groups": [group_a2.pk]}
    )
    assert [change for change, *_rest in memberships()] == [Change.ADDED, Change.GROUP_ADDED]
    assert groups() == [(Change.GROUP_ADDED, outsider.email, "groep 7", "2026-2027")]


def test_a_group_deleted_in_the_admin_ends_it_for_its_teachers(
    admin_client, teacher_a, other_teacher, group_a1, group_a2
):
    url = reverse("admin:schools_group_delete", args=[group_a1.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    data = {"action": "delete_selected", "_selected_action": [group_a2.pk], "post": "yes"}
    admin_client.post(reverse("admin:schools_group_changelist"), data)
    assert groups() == [
        (Change.GROUP_ENDED, teacher_a.email, "groep 5", "2026-2027"),
        (Change.GROUP_ENDED, other_teacher.email, "groep 7", "2026-2027"),
    ]
    assert not StaffMembership.groups.through.objects.exists()


def test_the_import_records_links_made_and_gezag_changed_and_who_ran_it(school_a, director_a):
    text = csv_text([pupil_row(parent2=("Piet Mulder", "piet@example.org", "nee"))])
    pupils_import(school=school_a, text=text, by=director_a)
    pupil = Pupil.objects.get(leerlingnummer="3001")
    name = director_a.full_name
    assert sorted(gezag(pupil)) == [
        (Gezag.LINKED, "piet@example.org", name, Via.IMPORT),
        (Gezag.LINKED_GEZAG, "eva.mulder@example.org", name, Via.IMPORT),
    ]
    text = csv_text([pupil_row(parent2=("Piet Mulder", "piet@example.org", "ja"))])
    pupils_import(school=school_a, text=text)  # the command line: nobody signed in
    pupils_import(school=school_a, text=text)  # nothing changed: nothing recorded
    assert gezag(pupil)[2:] == [(Gezag.GEZAG_GIVEN, "piet@example.org", "", Via.IMPORT)]


def test_the_import_page_records_who_imported(login, director_a, school_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("leerlingen.csv", csv_text([pupil_row()]).encode())
    data = {"school": school_a.code, "file": upload}
    assert login(director_a).post(reverse("schools:import_pupils"), data).status_code == 200
    [(_change, _email, by, via)] = gezag(Pupil.objects.get(leerlingnummer="3001"))
    assert (by, via) == (director_a.full_name, Via.IMPORT)


def _pupil_form(pupil, link) -> dict:
    return {
        "school": pupil.school_id,
        "leerlingnummer": pupil.leerlingnummer,
        "first_name": pupil.first_name,
        "name_prefix": pupil.name_prefix,
        "last_name": pupil.last_name,
        "birth_date": pupil.birth_date.isoformat(),
        "group": pupil.group_id,
        "left_on": "",
        "guardianships-TOTAL_FORMS": "1",
        "guardianships-INITIAL_FORMS": "1",
        "guardianships-MIN_NUM_FORMS": "0",
        "guardianships-MAX_NUM_FORMS": "1000",
        "guardianships-0-id": link.pk,
        "guardianships-0-pupil": pupil.pk,
        "guardianships-0-user": link.user_id,
        # gezag unticked: not sent
    }


def test_gezag_ended_on_the_pupil_s_admin_page_is_recorded(admin_client, parent_a, pupil_a):
    link = Guardianship.objects.get(user=parent_a, pupil=pupil_a)
    url = reverse("admin:schools_pupil_change", args=[pupil_a.pk])
    assert admin_client.post(url, _pupil_form(pupil_a, link)).status_code == 302
    assert gezag(pupil_a) == [(Gezag.GEZAG_ENDED, parent_a.email, ADMIN, Via.ADMIN)]


def test_a_link_deleted_and_added_in_the_guardianship_admin_is_recorded(
    admin_client, parent_a, pupil_a, outsider
):
    link = Guardianship.objects.get(user=parent_a, pupil=pupil_a)
    url = reverse("admin:schools_guardianship_delete", args=[link.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    form = {"user": outsider.pk, "pupil": pupil_a.pk, "has_parental_authority": "on"}
    assert admin_client.post(reverse("admin:schools_guardianship_add"), form).status_code == 302
    assert gezag(pupil_a) == [
        (Gezag.UNLINKED_GEZAG, parent_a.email, ADMIN, Via.ADMIN),
        (Gezag.LINKED_GEZAG, outsider.email, ADMIN, Via.ADMIN),
    ]


def test_erasing_a_pupil_records_the_links_ended(parent_a, pupil_a):
    pupil_erase(pupil=pupil_a)
    assert gezag(pupil_a) == [(Gezag.UNLINKED_GEZAG, parent_a.email, "", Via.RETENTION)]


# --- The page -------------------------------------------------------------------------------


def test_the_page_lists_a_school_s_changes_with_every_school_roles(
    login, privacy_officer, director_a, director_b, school_a, school_b, board
):
    for user in (director_a, director_b, board):
        accesslog.membership_added(StaffMembership.objects.get(user=user), by=board, via=Via.ADMIN)
    html = login(privacy_officer).get(PAGE, {"school": school_a.code}).content.decode()
    assert director_a.email in html and board.email in html  # the board reaches school A too
    assert director_b.email not in html
    assert "alle scholen" in html and "toegevoegd" in html
    assert f"{board.full_name}, in de beheeromgeving (admin)" in html
    since = accesslog.recorded_since()  # the day the migration was applied
    assert since is not None
    with translation.override("nl"):
        assert f"Vastgelegd vanaf {date_format(since, 'j F Y')}:" in html
    assert director_b.email in login(privacy_officer).get(PAGE).content.decode()


def test_the_page_is_not_cached_and_changes_nothing(login, privacy_officer):
    client = login(privacy_officer)
    response = client.get(PAGE)
    assert "no-store" in response["Cache-Control"]
    assert client.post(PAGE).status_code == 405


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("privacy_officer", 200),
        ("board", 200),
        ("director_a", 404),
        ("teacher_a", 404),
        ("parent_a", 404),
        ("outsider", 404),
    ],
)
def test_only_the_privacy_officer_and_the_board_read_it(request, login, school_a, who, status):
    client = login(request.getfixturevalue(who))
    assert client.get(PAGE).status_code == status
    assert client.get(PAGE, {"school": school_a.code}).status_code == status


def test_a_school_that_is_not_there_is_a_404(login, privacy_officer):
    assert login(privacy_officer).get(PAGE, {"school": "geen-school"}).status_code == 404


def test_it_reads_the_same_queries_for_one_row_and_for_many(
    login, privacy_officer, director_a, teacher_a, school_a, group_a1, django_assert_num_queries
):
    client = login(privacy_officer)
    membership = StaffMembership.objects.get(user=director_a)
    teaching = StaffMembership.objects.select_related("user", "school").get(user=teacher_a)
    client.get(PAGE, {"school": school_a.code})  # the session, and the days recording began
    accesslog.membership_added(membership, by=director_a, via=Via.PAGE)
    # user, memberships, the school, the count, the page's numbers (menu and banner) and
    # one page of rows with their schools, groups' rows among them (the days recording
    # began: read once per process)
    with django_assert_num_queries(6):
        client.get(PAGE, {"school": school_a.code})
    for _ in range(30):
        accesslog.membership_ended(membership, by=director_a, via=Via.PAGE)
        accesslog.teaching_changes_record(added=[(teaching, group_a1)], by=director_a, via=Via.PAGE)
    with django_assert_num_queries(6):
        response = client.get(PAGE, {"school": school_a.code, "page": "2"})
    assert "pagina 2 van 2" in response.content.decode()


def test_the_page_names_the_group_given_and_ended_with_its_year(
    login, privacy_officer, director_a, teacher_a, school_a, group_a1
):
    teaching = StaffMembership.objects.select_related("user", "school").get(user=teacher_a)
    accesslog.teaching_changes_record(added=[(teaching, group_a1)], by=director_a, via=Via.PAGE)
    accesslog.membership_ended(teaching, by=director_a, via=Via.PAGE)
    group_a1.delete()  # the name and year were copied
    html = login(privacy_officer).get(PAGE, {"school": school_a.code}).content.decode()
    assert "groep toegevoegd: groep 5 (2026-2027)" in html
    assert "groep beëindigd: groep 5 (2026-2027)" in html
    assert "elke groep die een leerkracht kreeg of verloor" in html


@pytest.fixture
def groups_recorded_later():
    """The groups' migration applied a day after the first recording's."""
    from django.db.migrations.recorder import MigrationRecorder

    app, name = accesslog.RECORDING_GROUPS_MIGRATION
    applied = MigrationRecorder.Migration.objects.filter(app=app, name=name)
    applied.update(applied=applied.get().applied + datetime.timedelta(days=1))
    accesslog.recorded_since.cache_clear()
    yield
    accesslog.recorded_since.cache_clear()


def test_the_page_says_from_when_groups_are_recorded_if_later(
    login, privacy_officer, groups_recorded_later
):
    html = login(privacy_officer).get(PAGE).content.decode()
    since = accesslog.recorded_since(accesslog.RECORDING_GROUPS_MIGRATION)
    assert since is not None and since != accesslog.recorded_since()
    with translation.override("nl"):
        day = date_format(since, "j F Y")
    assert f"Welke groepen leerkrachten lesgeven, is vastgelegd vanaf {day}." in html


def test_the_page_says_it_once_when_recorded_from_the_same_day(login, privacy_officer):
    html = login(privacy_officer).get(PAGE).content.decode()
    assert "Welke groepen leerkrachten lesgeven" not in html


# --- The pupil's consent file -----------------------------------------------------------------


def test_the_consent_file_shows_the_pupil_s_links_and_gezag_over_time(
    login, privacy_officer, director_a, school_a
):
    pupils_import(
        school=school_a,
        text=csv_text([pupil_row(parent2=("Piet Mulder", "piet@example.org", "nee"))]),
        by=director_a,
    )
    pupil = Pupil.objects.get(leerlingnummer="3001")
    url = reverse("consent:dossier_gezag", args=[pupil.pk])
    html = login(privacy_officer).get(url).content.decode()
    assert "Koppelingen en gezag door de tijd" in html
    assert "Gekoppeld met gezag" in html and "Gekoppeld zonder gezag" in html
    assert f"{director_a.full_name}, met de leerlingenimport" in html
    assert "Vastgelegd vanaf" in html


def test_another_school_s_pupil_file_stays_out_of_reach(login, director_b, pupil_a):
    for route in ("consent:dossier", "consent:dossier_gezag"):
        url = reverse(route, args=[pupil_a.pk])
        assert login(director_b).get(url).status_code == 404
