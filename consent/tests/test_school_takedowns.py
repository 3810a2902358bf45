"""A school's publications still to take down, read-only (consent:school_takedowns): the
board's count of open takedowns links here for every school, so board staff can see
which publication waits for whom; the school's directors and the privacy officer read it
too; nobody else reaches it, and it names no pupil."""

import pytest
from django.urls import reverse

from conftest import make_staff
from consent.models import TakedownTask
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from schools.models import StaffMembership


def url(code: str = "vlindertuin") -> str:
    return reverse("consent:school_takedowns", args=[code])


def withdrawn_after_check(teacher, pupils, guardian, code="sociale-media"):
    """A check with the pupils in it, then the guardian's "no" for the first: a takedown."""
    for pupil in pupils:
        decide(pupil, guardian, code, "photo", True)
    check = publication_check_create(
        user=teacher, purpose=purpose(code), media_type="photo", pupils=pupils
    )
    decide(pupils[0], guardian, code, "photo", False)
    return check


@pytest.fixture
def open_takedown(teacher_a, parent_a, pupil_a):
    return withdrawn_after_check(teacher_a, [pupil_a], parent_a)


def test_the_board_sees_which_publication_waits_for_whom_without_a_pupil_name(
    login, board, director_a, open_takedown, pupil_a
):
    response = login(board).get(url(), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("consent:check", args=[open_takedown.pk]) in page
    assert "Sociale media" in page and "gecontroleerd door" in page
    assert "1 leerling mag er niet meer op" in page
    assert f"toegewezen aan {open_takedown.checked_by.full_name}" in page
    assert page.count(f"{open_takedown.checked_by.full_name}") == 2  # checked by, given to
    assert pupil_a.first_name not in page and pupil_a.last_name not in page
    assert "no-store" in response["Cache-Control"]
    # the check it links to opens for the board member
    assert login(board).get(reverse("consent:check", args=[open_takedown.pk])).status_code == 200


def test_a_closed_takedown_is_not_listed(login, board, director_a, open_takedown):
    TakedownTask.objects.update(done_at="2026-12-01T10:00:00Z")
    page = login(board).get(url(), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert reverse("consent:check", args=[open_takedown.pk]) not in page
    assert "Niets offline te halen" in page


def test_directors_read_their_own_school_only(login, director_a, director_b, open_takedown):
    assert login(director_a).get(url()).status_code == 200
    assert login(director_b).get(url()).status_code == 404
    assert login(director_b).get(url("zwanenhof")).status_code == 200


def test_the_privacy_officer_reads_it(login, privacy_officer, open_takedown):
    assert login(privacy_officer).get(url()).status_code == 200


def test_out_of_reach_is_a_404(login, teacher_a, parent_a, director_parent, open_takedown):
    assert login(teacher_a).get(url()).status_code == 404
    assert login(parent_a).get(url()).status_code == 404
    # directs school B and is a parent at school A: the parent reach gives no school page
    assert login(director_parent).get(url()).status_code == 404


def test_an_unknown_school_is_a_404_and_a_post_is_refused(login, board):
    assert login(board).get(url("bestaat-niet")).status_code == 404
    assert login(board).post(url()).status_code == 405


def test_anonymous_is_sent_to_log_in(client, school_a):
    response = client.get(url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_one_line_per_publication_and_the_same_queries_for_one_and_three(
    login,
    board,
    teacher_a,
    parent_a,
    pupil_a,
    pupil_a2,
    group_a1,
    group_a2,
    school_a,
    django_assert_num_queries,
):
    from schools.models import Guardianship

    Guardianship.objects.create(user=parent_a, pupil=pupil_a2, has_parental_authority=True)
    add_teacher = make_staff(
        "meester.b@example.org", StaffMembership.Role.TEACHER, school_a, [group_a1, group_a2]
    )
    withdrawn_after_check(teacher_a, [pupil_a], parent_a)
    client = login(board)
    client.get(url())  # the session and language once
    # the session, the user, their roles, the school, the open tasks with their checks
    with django_assert_num_queries(5) as one:
        client.get(url())
    withdrawn_after_check(teacher_a, [pupil_a], parent_a, code="website")
    # one publication that lost both its pupils: one line, "2 leerlingen"
    check = withdrawn_after_check(add_teacher, [pupil_a2, pupil_a], parent_a, code="nieuwsbrief")
    decide(pupil_a, parent_a, "nieuwsbrief", "photo", False)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url(), HTTP_ACCEPT_LANGUAGE="nl")
    assert [len(picture) for picture in response.context["pictures"]] == [1, 1, 2]
    assert response.context["pictures"][2][0].publication_check == check
    assert "2 leerlingen mogen er niet meer op" in response.content.decode()


@pytest.mark.parametrize("reader", ["privacy_officer", "director_a"])
def test_the_coverage_page_links_it_for_its_readers(request, login, reader, open_takedown):
    """The privacy officer (and a director) reached this page only by typing its address:
    only the board home's count linked it."""
    client = login(request.getfixturevalue(reader))
    page = client.get(
        reverse("consent:coverage", args=["vlindertuin"]), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert f'href="{url()}"' in page
    assert "Nog offline te halen" in page
    linked = client.get(url(), HTTP_ACCEPT_LANGUAGE="nl")
    assert linked.status_code == 200
    assert reverse("consent:check", args=[open_takedown.pk]) in linked.content.decode()
