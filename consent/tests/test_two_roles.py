"""A person with two roles at two schools gets each role's reach on that role's pages.

director_parent directs school B and is a guardian without gezag of pupil_a (school A);
teacher_parent teaches at school B and holds gezag over pupil_a (issue 10, finding 2).
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from consent.models import ConsentEvent, PublicationCheck
from consent.services import publication_check_create
from consent.tests.helpers import html_of, purpose


def test_it_hides_the_record_on_behalf_page_of_a_child_elsewhere(login, director_parent, pupil_a):
    url = reverse("consent:record", args=[pupil_a.pk])
    assert login(director_parent).get(url).status_code == 404


def test_it_refuses_a_decision_recorded_for_a_child_elsewhere(
    login, director_parent, parent_a, pupil_a
):
    response = login(director_parent).post(
        reverse("consent:record", args=[pupil_a.pk]),
        {
            "guardian": parent_a.pk,
            "purpose": purpose("pers").pk,
            "media_type": "photo",
            "decision": "yes",
            "method": "phone",
        },
    )
    assert response.status_code == 404
    assert ConsentEvent.objects.count() == 0


@pytest.mark.parametrize("cast_member", ["director_parent", "teacher_parent"])
def test_it_leaves_a_child_elsewhere_out_of_the_publication_check(
    request, login, pupil_a, cast_member
):
    user = request.getfixturevalue(cast_member)
    client = login(user)
    html = client.get(reverse("consent:check_new"), {"q": "sem"}).content.decode()
    assert "Sem Bakker" not in html
    response = client.post(
        reverse("consent:check_new"),
        {"purpose": "website", "media_type": "photo", "pupils": [pupil_a.pk]},
    )
    assert response.status_code == 404  # out of the staff reach: as the id in a path
    assert PublicationCheck.objects.count() == 0


@pytest.mark.parametrize("cast_member", ["director_parent", "teacher_parent"])
def test_it_refuses_the_service_a_child_reached_only_as_parent(request, pupil_a, cast_member):
    user = request.getfixturevalue(cast_member)
    with pytest.raises(PermissionDenied):
        publication_check_create(
            user=user, purpose=purpose("website"), media_type="photo", pupils=[pupil_a]
        )


def test_it_keeps_the_photo_check_list_to_staff_reach(login, teacher_parent, pupil_a, pupil_b):
    html = login(teacher_parent).get(reverse("photo:check")).content.decode()
    assert "Bram Visser" in html
    assert "Sem Bakker" not in html


def test_it_still_shows_a_parent_page_for_their_own_child(login, teacher_parent, pupil_a):
    response = login(teacher_parent).get(reverse("consent:child", args=[pupil_a.pk]))
    assert response.status_code == 200


@pytest.fixture
def director_teacher(school_a, school_b, group_b1):
    """Directs school A and teaches group B1 at school B: a teacher only at school B."""
    from conftest import add_teaching, make_staff
    from schools.models import StaffMembership

    user = make_staff("directeur.juf@example.org", StaffMembership.Role.DIRECTOR, school_a)
    return add_teaching(user, school_b, [group_b1])


def test_it_hides_the_record_page_of_a_pupil_taught_where_the_director_only_teaches(
    login, director_teacher, pupil_b, parent_b
):
    client = login(director_teacher)
    url = reverse("consent:record", args=[pupil_b.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        url,
        {
            "guardian": parent_b.pk,
            "method": "phone",
            f"c-{purpose('website').pk}-photo": "yes",
        },
    )
    assert response.status_code == 404
    assert ConsentEvent.objects.count() == 0


def test_it_offers_the_record_link_only_in_the_school_the_user_directs(
    login, director_teacher, pupil_a, pupil_b, group_a1, group_b1
):
    client = login(director_teacher)
    taught = client.get(reverse("consent:group", args=[group_b1.pk])).content.decode()
    assert taught.count("/vastleggen/") == 0
    directed = client.get(reverse("consent:group", args=[group_a1.pk])).content.decode()
    assert reverse("consent:record", args=[pupil_a.pk]) in directed


@pytest.fixture
def privacy_officer_teacher(privacy_officer, school_b, group_b1):
    """The privacy officer (every school, read-only) who also teaches group B1."""
    from conftest import add_teaching

    return add_teaching(privacy_officer, school_b, [group_b1])


def test_it_gives_a_teaching_privacy_officer_the_teacher_reach_when_publishing(
    login, privacy_officer_teacher, pupil_a, pupil_b
):
    client = login(privacy_officer_teacher)
    html = client.get(reverse("photo:check")).content.decode()
    assert "Bram Visser" in html
    assert "Sem Bakker" not in html
    response = client.post(
        reverse("consent:check_new"),
        {"purpose": "website", "media_type": "photo", "pupils": [pupil_a.pk]},
    )
    assert response.status_code == 404  # out of the staff reach: as the id in a path
    assert PublicationCheck.objects.count() == 0
    with pytest.raises(PermissionDenied):
        publication_check_create(
            user=privacy_officer_teacher,
            purpose=purpose("website"),
            media_type="photo",
            pupils=[pupil_a],
        )


def test_it_lists_only_a_teaching_privacy_officers_own_groups_on_the_check_page(
    login, privacy_officer_teacher, group_a1, group_b1, pupil_a, pupil_b
):
    client = login(privacy_officer_teacher)
    html = html_of(client.get(reverse("consent:check_new")))
    assert f'value="{group_b1.pk}"' in html or f"group={group_b1.pk}" in html
    assert f"group={group_a1.pk}" not in html and "Sem" not in html
    other = client.get(reverse("consent:check_new"), {"group": group_a1.pk})
    assert other.status_code == 404 and "Sem" not in html_of(other)
