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


def test_a_director_adds_a_substitute_who_logs_in_and_then_ends_their_membership(
    open_browser, director_a, school_a
):
    """Mid-year, on a 360 px phone: the director adds a substitute with this year's groep 5;
    the substitute logs in with the e-mailed code from the welcome e-mail and is sent to
    set up the login code app; when the substitute leaves, the director ends the
    membership after the confirmation (the reach that ends with it: test_staff_teachers)."""
    from django.core import mail
    from selenium.webdriver.common.keys import Keys

    from opo_portal.tests.e2e_support import latest_login_code
    from opo_portal.tests.test_e2e_phone_layout import PHONE_360, open_as, too_wide
    from outbox.tests.helpers import run_due_duties

    year = school_year_for(timezone.localdate())
    groep5 = Group.objects.create(school=school_a, name="groep 5", school_year=year)
    make_pupil(school_a, groep5, "5001", "Fenna", "Dijkstra")
    page = "/scholen/leerkrachten/vlindertuin/"
    add = page + "nieuw/"

    director = open_as(open_browser, director_a, "director-adds")
    director.open(page)
    director.follow(add)
    assert not too_wide(director, "add-a-teacher", add)
    director.find("#id_full_name").send_keys("Sanne Invaller")
    director.find("#id_email").send_keys("Sanne.Invaller@Example.org")
    director.click(f"input[name=groups][value='{groep5.pk}']")
    director.submit("main form button[type=submit]")
    director.wait_for_path(page)
    director.check_page("teacher-added")
    assert (
        "Sanne Invaller is nu leerkracht van OBS De Vlindertuin" in director.find(".messages").text
    )
    member = StaffMembership.objects.get(user__email="sanne.invaller@example.org")
    assert list(member.groups.all()) == [groep5]

    run_due_duties()
    [welcome] = [m for m in mail.outbox if m.to == ["sanne.invaller@example.org"]]
    assert "/accounts/login/code/" in welcome.body

    substitute = open_browser(PHONE_360, "substitute")
    substitute.open("/accounts/login/code/")
    substitute.find("input[name=email]").send_keys("sanne.invaller@example.org", Keys.ENTER)
    substitute.wait_for_path("/accounts/login/code/confirm/")
    substitute.find("input[name=code]").send_keys(
        latest_login_code("sanne.invaller@example.org"), Keys.ENTER
    )
    substitute.wait_for_path("/accounts/2fa/totp/activate/")  # staff: the app first
    substitute.check_page("substitute-totp-set-up")

    remove = f"{page}{member.pk}/weg/"
    director.open(page)
    director.follow(remove)
    assert not too_wide(director, "remove-a-teacher", remove)
    assert "Sanne Invaller verwijderen als leerkracht" in director.find("main h1").text
    director.submit("main form button[type=submit]")
    director.wait_for_path(page)
    director.check_page("teacher-removed")
    assert not StaffMembership.objects.filter(pk=member.pk).exists()
    assert "Sanne Invaller is geen leerkracht meer" in director.find(".messages").text
    assert "Er zijn nog geen leerkrachten aan deze school gekoppeld" in director.find("main").text
