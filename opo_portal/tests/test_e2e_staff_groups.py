"""Browser journey: in September a director, on a phone, follows the home's line about a
group without a teacher, ticks it for the teacher who asked, and the teacher's class list
has the pupils."""

import pytest
from django.utils import timezone

from conftest import make_pupil, make_staff
from opo_portal.tests.e2e_support import PHONE, login_cookie
from schools.importer import school_year_for
from schools.models import Group, StaffMembership

pytestmark = pytest.mark.e2e


def test_a_director_links_a_teacher_to_this_years_group(open_browser, director_a, school_a):
    year = school_year_for(timezone.localdate())
    start = int(year[:4])
    last_year = Group.objects.create(
        school=school_a, name="groep 4", school_year=f"{start - 1}-{start}"
    )
    this_year = Group.objects.create(school=school_a, name="groep 5", school_year=year)
    make_pupil(school_a, this_year, "5001", "Fenna", "Dijkstra")
    teacher = make_staff(
        "juf.fenna@example.org", StaffMembership.Role.TEACHER, school_a, [last_year]
    )
    member = teacher.memberships.get()

    director = open_browser(PHONE, "director")
    director.driver.get(director.base_url + "/")
    director.driver.add_cookie(login_cookie(director_a))
    director.open("/start/directie/")
    assert f"1 groep van {year} heeft nog geen leerkracht" in director.find("main").text
    page = "/scholen/leerkrachten/vlindertuin/"
    director.follow(page)
    director.check_page("teachers-and-groups")
    assert f"Groepen van {year} zonder leerkracht: groep 5." in director.find("main").text
    director.click(f"input[value='{member.pk}-{this_year.pk}']")
    director.submit("main form button[type=submit]")
    director.wait_for_path(page)
    director.check_page("teachers-and-groups-saved")
    text = director.find("main").text
    assert "Opgeslagen." in director.find(".messages").text
    assert f"Alle groepen van {year} hebben een leerkracht." in text
    assert f"Vorig schooljaar, {start - 1}-{start}: groep 4" in text
    assert set(member.groups.all()) == {last_year, this_year}

    class_list = open_browser(PHONE, "teacher")
    class_list.driver.get(class_list.base_url + "/")
    class_list.driver.add_cookie(login_cookie(teacher))
    class_list.open(f"/toestemming/klassen/{this_year.pk}/wie-mag/")
    assert "Fenna Dijkstra" in class_list.find("main").text
