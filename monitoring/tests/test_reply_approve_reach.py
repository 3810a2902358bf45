"""Approving a public reply is a change: a privacy officer who directs another school only
reads this school's cases (403), as drafting a reply and recording it posted are."""

from django.urls import reverse
from django.utils import timezone

from monitoring.models import PublicReply
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
from schools.models import StaffMembership


def _drafted_reply(school, drafted_by) -> PublicReply:
    case = make_case(school)
    make_flag(make_post(make_source()), school, category="verify_fact", case=case)
    return PublicReply.objects.create(
        followup=case,
        text="De school blijft open.",
        drafted_by=drafted_by,
        drafted_at=timezone.now(),
    )


def test_it_refuses_a_privacy_officer_who_directs_elsewhere_the_approval_here(
    login, privacy_officer, director_a, school_a, school_b
):
    StaffMembership.objects.create(
        user=privacy_officer, role=StaffMembership.Role.DIRECTOR, school=school_b
    )
    reply = _drafted_reply(school_a, director_a)
    response = login(privacy_officer).post(reverse("monitoring:reply_approve", args=[reply.pk]))
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.approved_by is None


def test_it_lets_the_privacy_officer_approve_at_the_school_they_direct(
    login, privacy_officer, director_a, school_b
):
    StaffMembership.objects.create(
        user=privacy_officer, role=StaffMembership.Role.DIRECTOR, school=school_b
    )
    reply = _drafted_reply(school_b, director_a)
    response = login(privacy_officer).post(reverse("monitoring:reply_approve", args=[reply.pk]))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.approved_by == privacy_officer
