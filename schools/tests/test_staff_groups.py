"""A director links the school's teachers to this year's groups ("Leerkrachten en groepen"):
after the first pupil list of a new school year, "ask your director" holds end to end."""

import datetime
import logging
import re

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts import user_cache
from conftest import SCHOOL_YEAR, add_teaching, make_pupil, make_staff
from schools.models import Group, StaffMembership

Role = StaffMembership.Role
LAST_YEAR = "2025-2026"
# 10:00 in Amsterdam, in school year 2026-2027 (the cast's SCHOOL_YEAR)
IN_THE_SCHOOL_YEAR = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _in_the_school_year():
    with time_machine.travel(IN_THE_SCHOOL_YEAR, tick=True):
        yield


@pytest.fixture
def last_years_group(school_a):
    return Group.objects.create(school=school_a, name="groep 4", school_year=LAST_YEAR)


@pytest.fixture
def group_a3(school_a):
    return Group.objects.create(school=school_a, name="groep 8", school_year=SCHOOL_YEAR)


@pytest.fixture
def staffed(teacher_a, other_teacher, last_years_group, group_a3):
    """teacher_a teaches groep 5 and taught groep 4 last year; other_teacher groep 7;
    nobody groep 8 yet."""
    membership(teacher_a).groups.add(last_years_group)
    return {"teacher_a": membership(teacher_a), "other_teacher": membership(other_teacher)}


def membership(user, role=Role.TEACHER) -> StaffMembership:
    return StaffMembership.objects.get(user=user, role=role)


def links(user) -> set[int]:
    return set(membership(user).groups.values_list("pk", flat=True))


def all_links() -> list[tuple[int, int]]:
    through = StaffMembership.groups.through.objects.order_by("pk")
    return list(through.values_list("staffmembership_id", "group_id"))


def page_url(school) -> str:
    return reverse("schools:staff_groups", args=[school.code])


def link(member: StaffMembership, group: Group) -> str:
    return f"{member.pk}-{group.pk}"


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# --- The page -----------------------------------------------------------------------------


def test_it_shows_each_teacher_with_this_years_groups_ticked(
    login, director_a, school_a, staffed, group_a1, group_a2, group_a3
):
    response = login(director_a).get(page_url(school_a))
    assert response.status_code == 200
    page, text = response.content.decode(), _text(response)
    assert "Leerkrachten en groepen" in text
    assert "Juf.A" in text and "juf.a@example.org" in text
    assert "Meester.A2" in text and "meester.a2@example.org" in text
    assert "directeur.a@example.org" not in text  # a director is no teacher here
    ticked = set(re.findall(r'value="(\d+-\d+)"[^>]*checked', page))
    offered = set(re.findall(r'name="links" value="(\d+-\d+)"', page))
    a, other = staffed["teacher_a"], staffed["other_teacher"]
    assert ticked == {link(a, group_a1), link(other, group_a2)}
    assert offered == {link(m, g) for m in (a, other) for g in (group_a1, group_a2, group_a3)}
    # last year's group is shown, not offered
    assert "2025-2026: groep 4" in text


def test_it_shows_this_years_groups_without_a_teacher(login, director_a, school_a, staffed):
    text = _text(login(director_a).get(page_url(school_a)))
    assert "Groepen van 2026-2027 zonder leerkracht: groep 8" in text


def test_it_says_when_every_group_has_a_teacher(
    login, director_a, school_a, teacher_a, other_teacher
):
    text = _text(login(director_a).get(page_url(school_a)))
    assert "Alle groepen van 2026-2027 hebben een leerkracht." in text


def test_it_says_what_to_do_without_groups_of_this_year(login, director_a, school_a, db):
    make_staff("juf.c@example.org", Role.TEACHER, school_a)
    text = _text(login(director_a).get(page_url(school_a)))
    assert "Er zijn nog geen groepen van schooljaar 2026-2027" in text


@pytest.mark.parametrize("teachers", [2, 12])
def test_it_shows_the_page_in_a_fixed_number_of_queries(
    login, director_a, school_a, staffed, teachers, django_assert_num_queries
):
    for number in range(teachers - 2):
        make_staff(f"leerkracht{number}@example.org", Role.TEACHER, school_a)
    client = login(director_a)
    url = page_url(school_a)
    client.get(url)
    # (session from the cache) 1 user (with "any guardianship?" for the menu),
    # 2 memberships, 3 the school (reach: a school the director acts for), 4 the school's
    # teachers with their accounts, 5 this year's groups, 6 the teachers' links to this
    # year's and last year's groups, with the group, 7 protocol banner and the menu's open
    # takedowns in one (accounts.page_scalars). The count does not grow with the teachers
    # or the groups.
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200


# --- Saving -------------------------------------------------------------------------------


def _form(*members, ticked=()) -> dict:
    return {"teachers": [m.pk for m in members], "links": list(ticked)}


def test_it_links_and_unlinks_and_says_saved(
    login, director_a, school_a, staffed, group_a1, group_a2, group_a3, last_years_group
):
    a, other = staffed["teacher_a"], staffed["other_teacher"]
    data = _form(a, other, ticked=[link(a, group_a3), link(other, group_a1)])
    response = login(director_a).post(page_url(school_a), data, follow=True)
    assert response.redirect_chain == [(page_url(school_a), 302)]
    assert "Opgeslagen" in _text(response)
    # groep 5 unlinked, groep 8 linked; last year's groep 4 kept as history
    assert set(a.groups.all()) == {group_a3, last_years_group}
    assert set(other.groups.all()) == {group_a1}


def test_it_leaves_teachers_not_on_the_form_alone(
    login, director_a, school_a, staffed, group_a1, group_a2
):
    a, other = staffed["teacher_a"], staffed["other_teacher"]
    login(director_a).post(page_url(school_a), _form(a, ticked=[]))
    assert set(a.groups.values_list("pk", flat=True)) == {staffed_last_year(a)}
    assert set(other.groups.all()) == {group_a2}


def staffed_last_year(member) -> int:
    return member.groups.get(school_year=LAST_YEAR).pk


def test_it_records_each_changed_teacher_in_the_admins_history(
    login, director_a, school_a, staffed, group_a1, group_a3, caplog
):
    a, other = staffed["teacher_a"], staffed["other_teacher"]
    data = _form(a, other, ticked=[link(a, group_a1), link(a, group_a3)])
    with caplog.at_level(logging.INFO, logger="schools.services"):
        login(director_a).post(page_url(school_a), data)
    entries = LogEntry.objects.order_by("object_id")
    assert [(e.object_id, e.user_id, e.action_flag) for e in entries] == sorted(
        [(str(a.pk), director_a.pk, CHANGE), (str(other.pk), director_a.pk, CHANGE)]
    )
    lines = [r.getMessage() for r in caplog.records if r.name == "schools.services"]
    assert len(lines) == 1
    assert f"school {school_a.pk}" in lines[0] and f"by user {director_a.pk}" in lines[0]
    assert "(1 link added, 1 removed)" in lines[0]  # it said "1 links added"
    assert "Juf" not in lines[0] and "@" not in lines[0] and "groep" not in lines[0]


def test_it_records_nothing_when_nothing_changed(
    login, director_a, school_a, staffed, group_a1, group_a2
):
    a, other = staffed["teacher_a"], staffed["other_teacher"]
    data = _form(a, other, ticked=[link(a, group_a1), link(other, group_a2)])
    login(director_a).post(page_url(school_a), data)
    assert LogEntry.objects.count() == 0


def test_board_staff_link_teachers_too(login, board, school_a, staffed, group_a3):
    a = staffed["teacher_a"]
    response = login(board).post(page_url(school_a), _form(a, ticked=[link(a, group_a3)]))
    assert response.status_code == 302
    assert group_a3 in a.groups.all()


# --- Refusals: out of reach is a 404 and nothing changes -----------------------------------


@pytest.fixture
def elsewhere(school_b, group_b1):
    """School B's teacher (of B1)."""
    return membership(make_staff("juf.b@example.org", Role.TEACHER, school_b, [group_b1]))


# A group out of reach is a 404; a teacher the school does not have is a form error (400)
# that names the problem: people change under an open form (a colleague leaves).
REFUSED = {
    "another school's group": (404, lambda w: _form(w["a"], ticked=[link(w["a"], w["b1"])])),
    "an earlier year's group": (
        404,
        lambda w: _form(w["a"], ticked=[link(w["a"], w["last_year"])]),
    ),
    "another school's teacher": (
        400,
        lambda w: _form(w["a"], w["elsewhere"], ticked=[link(w["elsewhere"], w["a3"])]),
    ),
    "another school's teacher and group": (
        404,
        lambda w: _form(w["a"], w["elsewhere"], ticked=[link(w["elsewhere"], w["b1"])]),
    ),
    "a director's membership": (
        400,
        lambda w: _form(w["a"], w["director"], ticked=[link(w["director"], w["a3"])]),
    ),
    "a link for a teacher not on the form": (
        404,
        lambda w: _form(w["a"], ticked=[link(w["other"], w["a3"])]),
    ),
    "an id of nothing": (404, lambda w: _form(w["a"], ticked=["999999-999999"])),
    "junk": (404, lambda w: {"teachers": ["x"], "links": ["1-x"]}),
    "no teachers at all": (400, lambda w: {"links": []}),
}


@pytest.mark.parametrize("refused", sorted(REFUSED))
def test_it_refuses_what_is_not_this_schools_this_year(
    login,
    director_a,
    school_a,
    staffed,
    elsewhere,
    group_b1,
    group_a3,
    last_years_group,
    refused,
):
    world = {
        "a": staffed["teacher_a"],
        "other": staffed["other_teacher"],
        "elsewhere": elsewhere,
        "director": membership(director_a, Role.DIRECTOR),
        "b1": group_b1,
        "a3": group_a3,
        "last_year": last_years_group,
    }
    status, form = REFUSED[refused]
    before = all_links()
    response = login(director_a).post(page_url(school_a), form(world))
    assert response.status_code == status
    assert all_links() == before
    assert LogEntry.objects.count() == 0


def test_it_keeps_the_ticks_when_a_teacher_left_meanwhile(
    login, director_a, school_a, staffed, group_a3
):
    a, other = staffed["teacher_a"], staffed["other_teacher"]
    client = login(director_a)
    client.get(page_url(school_a))
    other.delete()  # while the director had the page open
    before = all_links()
    response = client.post(page_url(school_a), _form(a, other, ticked=[link(a, group_a3)]))
    assert response.status_code == 400
    text = _text(response)
    assert "niet (meer) een leerkracht van deze school" in text
    assert "Er is niets opgeslagen" in text
    assert "meester.a2@example.org" not in text  # the current list
    ticked = re.findall(r'value="(\d+-\d+)"[^>]*checked', response.content.decode())
    assert ticked == [link(a, group_a3)]  # the director's ticks, not the stored links
    assert all_links() == before


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
def test_it_is_a_404_out_of_reach_and_changes_nothing(
    request, login, school_a, staffed, group_a3, cast_member
):
    user = request.getfixturevalue(cast_member)
    client = login(user)
    a = staffed["teacher_a"]
    before = all_links()
    assert client.get(page_url(school_a)).status_code == 404
    response = client.post(page_url(school_a), _form(a, ticked=[link(a, group_a3)]))
    assert response.status_code == 404
    assert all_links() == before


def test_a_director_here_who_teaches_elsewhere_manages_here_only(
    login, director_b_teacher_a, school_a, school_b, staffed
):
    client = login(director_b_teacher_a)
    assert client.get(page_url(school_b)).status_code == 200
    assert client.get(page_url(school_a)).status_code == 404


def test_it_is_unknown_for_a_school_that_does_not_exist(login, director_a):
    assert login(director_a).get(page_url_code("bestaat-niet")).status_code == 404


def page_url_code(code: str) -> str:
    return reverse("schools:staff_groups", args=[code])


# --- The teacher's own pages after the director's save -------------------------------------


@pytest.fixture
def september_teacher(school_a, last_years_group):
    """A teacher linked only to last year's group, which the new list emptied."""
    return make_staff("juf.nieuw@example.org", Role.TEACHER, school_a, [last_years_group])


@pytest.fixture
def class_of_this_year(school_a, group_a3):
    return make_pupil(school_a, group_a3, "3001", "Fenna", "Dijkstra")


def _teachers_client(user) -> Client:
    """The teacher's own browser, with their user and memberships in the cache (the login's
    tombstone dropped, as after a minute; the first page fills the cache again)."""
    client = Client()
    client.force_login(user)
    cache.delete(user_cache._key(user.pk))
    client.get(reverse("accounts:home_teacher"))
    assert isinstance(cache.get(user_cache._key(user.pk)), tuple)
    return client


def test_the_teacher_reaches_the_group_at_their_next_request(
    login, director_a, school_a, september_teacher, class_of_this_year, group_a3
):
    teacher = _teachers_client(september_teacher)
    overview = reverse("consent:overview")
    check = reverse("consent:check_new")
    # before: the teacher's pages (and the cached user behind them) know no such group
    assert "groep 8" not in _text(teacher.get(overview))
    assert teacher.get(reverse("consent:group", args=[group_a3.pk])).status_code == 404
    assert "Fenna" not in _text(teacher.get(check))
    cached = cache.get(user_cache._key(september_teacher.pk))

    member = membership(september_teacher)
    login(director_a).post(page_url(school_a), _form(member, ticked=[link(member, group_a3)]))
    # the save left the teacher's cached user as it was: their groups are read per request
    assert cache.get(user_cache._key(september_teacher.pk)) == cached

    assert "groep 8" in _text(teacher.get(overview))
    assert "Fenna Dijkstra" in _text(teacher.get(reverse("consent:group", args=[group_a3.pk])))
    assert "Fenna Dijkstra" in _text(teacher.get(check))
    assert teacher.get(f"{check}?group={group_a3.pk}").status_code == 200

    login(director_a).post(page_url(school_a), _form(member, ticked=[]))

    assert teacher.get(reverse("consent:group", args=[group_a3.pk])).status_code == 404
    assert "Fenna" not in _text(teacher.get(check))
    assert teacher.get(f"{check}?group={group_a3.pk}").status_code == 404


# --- June and July: next school year's groups ----------------------------------------------

NEXT_YEAR = "2027-2028"
# 10:00 in Amsterdam on 5 July 2027: still school year 2026-2027, next year's list is in
EARLY_JULY = datetime.datetime(2027, 7, 5, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def next_years_class(school_a):
    """Next year's groep 6 with its pupil, as the July import ("Dit is de lijst voor het
    volgende schooljaar") leaves it: the pupils are in next year's groups at once."""
    group = Group.objects.create(school=school_a, name="groep 6", school_year=NEXT_YEAR)
    make_pupil(school_a, group, "3002", "Sanne", "Visser")
    return group


def test_in_july_the_director_links_teachers_to_next_years_groups(
    login, director_a, school_a, teacher_a, group_a1, next_years_class
):
    with time_machine.travel(EARLY_JULY, tick=True):
        director = login(director_a)
        page = director.get(page_url(school_a)).content.decode()
        assert f'href="?jaar={NEXT_YEAR}"' in page  # the way to next year
        assert "Schooljaar 2026-2027" in _text_of(page)

        url = f"{page_url(school_a)}?jaar={NEXT_YEAR}"
        page = director.get(url).content.decode()
        member = membership(teacher_a)
        offered = set(re.findall(r'name="links" value="(\d+-\d+)"', page))
        assert offered == {link(member, next_years_class)}  # next year's groups only
        assert "groep 5" in _text_of(page)  # this year's link, shown as the earlier one

        saved = director.post(url, _form(member, ticked=[link(member, next_years_class)]))
        assert saved.status_code == 302 and saved["Location"] == url
        # this year's link stays: the teacher keeps groep 5 until the summer
        assert links(teacher_a) == {group_a1.pk, next_years_class.pk}

        teacher = login(teacher_a)
        group_page = reverse("consent:group", args=[next_years_class.pk])
        assert "Sanne Visser" in _text(teacher.get(group_page))


@pytest.mark.parametrize("year", [NEXT_YEAR, "2028-2029", "2025-2026", "volgend"])
def test_outside_june_and_july_only_this_year_is_offered(
    login, director_a, school_a, teacher_a, next_years_class, year
):
    director = login(director_a)
    assert "?jaar=" not in director.get(page_url(school_a)).content.decode()
    before = all_links()
    url = f"{page_url(school_a)}?jaar={year}"
    assert director.get(url).status_code == 404
    member = membership(teacher_a)
    posted = director.post(url, _form(member, ticked=[link(member, next_years_class)]))
    assert posted.status_code == 404
    assert all_links() == before


def test_in_july_the_directors_home_names_next_years_groups_without_a_teacher(
    login, director_a, school_a, teacher_a, group_a1, next_years_class
):
    with time_machine.travel(EARLY_JULY, tick=True):
        html = login(director_a).get(reverse("accounts:home_director")).content.decode()
    assert "1 groep van 2027-2028 heeft nog geen leerkracht" in _text_of(html)
    line = re.search(r'<a href="([^"]+)">1 groep van 2027-2028', html)
    assert line is not None
    assert line.group(1) == f"{page_url(school_a)}?jaar={NEXT_YEAR}"
    assert "van 2026-2027 heeft nog geen" not in _text_of(html)  # groep 5 has teacher_a


def test_outside_june_and_july_the_home_leaves_next_years_groups_alone(
    login, director_a, school_a, teacher_a, other_teacher, next_years_class
):
    text = _text_of(login(director_a).get(reverse("accounts:home_director")).content.decode())
    assert "nog geen leerkracht" not in text


def _text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- The way there: the director's home ----------------------------------------------------


def test_the_directors_home_names_the_groups_without_a_teacher(
    login, director_a, school_a, staffed, pupil_a
):
    Group.objects.create(school=school_a, name="groep 1", school_year=SCHOOL_YEAR)
    response = login(director_a).get(reverse("accounts:home_director"))
    text = _text(response)
    assert "2 groepen van 2026-2027 hebben nog geen leerkracht" in text
    line = re.search(r'<a href="([^"]+)">2 groepen van 2026-2027', response.content.decode())
    assert line is not None and line.group(1) == page_url(school_a)


def test_the_directors_home_is_quiet_when_every_group_has_a_teacher(
    login, director_a, school_a, teacher_a, other_teacher, last_years_group
):
    # last year's group has no teacher: that is history, not work
    text = _text(login(director_a).get(reverse("accounts:home_director")))
    assert "nog geen leerkracht" not in text
    assert "Leerkrachten en groepen" in text  # the way there stays


def test_a_group_linked_to_another_schools_teacher_still_has_none(
    login, director_a, school_a, school_b, group_a3, teacher_a, other_teacher
):
    """Reach counts a group only through a membership of its own school (schools.access):
    a row stored past the admin's check makes no teacher of the group."""
    make_staff("juf.b@example.org", Role.TEACHER, school_b, [group_a3])
    text = _text(login(director_a).get(reverse("accounts:home_director")))
    assert "1 groep van 2026-2027 heeft nog geen leerkracht" in text


def test_coverage_links_to_the_page_for_those_who_change_it(
    login, director_a, privacy_officer, school_a
):
    url = reverse("consent:coverage", args=[school_a.code])
    assert page_url(school_a) in login(director_a).get(url).content.decode()
    # the privacy officer reads coverage and changes nothing: no way to a 404
    assert page_url(school_a) not in login(privacy_officer).get(url).content.decode()


# --- Two directors, or two tabs: a form read before a colleague saved --------------------


def _as_shown(response) -> dict:
    """The page's form as a browser sends it untouched: its hidden fields and the ticked
    boxes."""
    page = response.content.decode()
    form = page[page.index('<form method="post" class="staff-groups">') :]
    form = form[: form.index("</form>")]
    data: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form):
        data.setdefault(name, []).append(value)
    data["links"] = re.findall(r'name="links" value="(\d+-\d+)" checked', form)
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_an_older_form_keeps_a_link_a_colleague_saved_meanwhile(
    login, director_a, school_a, staffed, group_a1, group_a2, group_a3
):
    a, other = staffed["teacher_a"], staffed["other_teacher"]
    colleague = make_staff("adjunct.a@example.org", Role.DIRECTOR, school_a)
    older = _as_shown(login(director_a).get(page_url(school_a)))
    # meanwhile a colleague links teacher_a to groep 8 as well
    colleague_form = _as_shown(login(colleague).get(page_url(school_a)))
    colleague_form["links"].append(link(a, group_a3))
    login(colleague).post(page_url(school_a), colleague_form)

    # the director's older page: groep 8 also for other_teacher (they teach it together)
    older["links"].append(link(other, group_a3))
    response = login(director_a).post(page_url(school_a), older)

    assert response.status_code == 302
    assert links(a.user) >= {group_a1.pk, group_a3.pk}
    assert links(other.user) == {group_a2.pk, group_a3.pk}


def test_an_older_form_that_unticks_a_link_removes_only_that_one(
    login, director_a, school_a, staffed, group_a1, group_a2, group_a3
):
    a, other = staffed["teacher_a"], staffed["other_teacher"]
    older = _as_shown(login(director_a).get(page_url(school_a)))
    membership(other.user).groups.add(group_a3)  # a colleague, meanwhile

    older["links"].remove(link(a, group_a1))
    login(director_a).post(page_url(school_a), older)

    assert group_a1.pk not in links(a.user)
    assert links(other.user) == {group_a2.pk, group_a3.pk}


def test_the_same_form_sent_twice_changes_it_once(
    login, director_a, school_a, staffed, group_a1, group_a3
):
    a = staffed["teacher_a"]
    client = login(director_a)
    data = _as_shown(client.get(page_url(school_a)))
    data["links"].append(link(a, group_a3))
    client.post(page_url(school_a), data)
    client.post(page_url(school_a), data)  # Back, and send again
    assert links(a.user) >= {group_a1.pk, group_a3.pk}
    assert LogEntry.objects.count() == 1
