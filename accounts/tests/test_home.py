import pytest
from django.urls import reverse

from conftest import make_user


@pytest.mark.parametrize(
    ("cast_member", "home"),
    [
        ("parent_a", "accounts:home_parent"),
        ("teacher_a", "accounts:home_teacher"),
        ("director_a", "accounts:home_director"),
        ("board", "accounts:home_board"),
        ("privacy_officer", "accounts:home_privacy"),
        ("outsider", "accounts:home_none"),
    ],
)
def test_it_sends_each_role_to_its_own_home(request, login, cast_member, home):
    user = request.getfixturevalue(cast_member)
    response = login(user).get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(home)
    assert login(user).get(response.url).status_code == 200


def test_it_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("home"))
    assert response.url == reverse("account_login")


def test_it_sends_staff_without_totp_to_totp_setup(db, login, school_a):
    from schools.models import StaffMembership

    teacher = make_user("nieuw@example.org")
    StaffMembership.objects.create(user=teacher, school=school_a, role="teacher")
    response = login(teacher).get(reverse("accounts:home_teacher"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_it_lets_parents_in_without_totp(login, parent_a):
    response = login(parent_a).get(reverse("accounts:home_parent"))
    assert response.status_code == 200
    assert "Sem" in response.content.decode()


def test_it_hides_other_role_homes_as_404(login, parent_a):
    assert login(parent_a).get(reverse("accounts:home_director")).status_code == 404


def test_health_answers_ok(client, db):
    response = client.get(reverse("health"))
    assert response.json() == {"status": "ok"}


def test_it_answers_the_favicon_without_a_page_or_a_csrf_cookie(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg") or b"<svg" in response.content[:200]
    assert "csrftoken" not in response.cookies


def test_it_points_an_admin_without_a_role_to_the_admin(admin_client):
    """The IT partner's first account (`createsuperuser`) has no school role: its home page
    said "contact the school", with no way to the admin where schools and staff are made."""
    response = admin_client.get(reverse("accounts:home_none"))
    assert f'href="{reverse("admin:index")}"' in response.content.decode()
    assert "contact op met de school" not in response.content.decode()


def test_it_shows_no_admin_link_to_an_account_without_a_role(login, outsider):
    response = login(outsider).get(reverse("accounts:home_none"))
    assert reverse("admin:index") not in response.content.decode()
    assert "contact op met de school" in response.content.decode()


@pytest.mark.parametrize("cast_member", ["parent_a", "teacher_a"])
def test_it_does_not_say_not_yet_to_an_account_whose_last_role_ended(request, login, cast_member):
    """The welcome page said "nog niet gekoppeld" (not linked yet) also to a parent whose
    last link to a child was removed, or a teacher whose membership ended."""
    user = request.getfixturevalue(cast_member)
    user.guardianships.all().delete()
    user.memberships.all().delete()
    response = login(user).get(reverse("home"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("accounts:home_none")
    assert "nog niet" not in html
    assert "niet gekoppeld aan een kind of een school" in html
    assert "contact op met de school" in html


def test_it_links_a_former_parent_to_the_data_the_portal_keeps_about_them(login, parent_a):
    """README ("Pages", consent:my_data): a parent whose link was removed still finds their
    earlier decisions under "Mijn gegevens"; with the last link gone the menu no longer
    offers it (parents only), so the welcome page does."""
    parent_a.guardianships.all().delete()
    html = login(parent_a).get(reverse("accounts:home_none")).content.decode()
    assert f'href="{reverse("consent:my_data")}"' in html
