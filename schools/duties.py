"""Outbox duty handlers for schools (see outbox/services.py): ids in, one e-mail out."""

import logging

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.languages import in_language_of
from outbox.services import duty_mail, recipient_email
from schools.models import MembershipChange, School, StaffMembership

logger = logging.getLogger(__name__)


def teacher_added_email_send(*, membership_id: int, user_id: int, by_id: int) -> None:
    """Tell a teacher the director (or board staff) added them to a school, and how to log
    in: a new account by e-mailed code (no password is sent or set), then the login code
    app (TOTP), which staff must set up. In the language they chose, Dutch when they never
    chose. Nothing when the membership was ended before it went, or the account was
    deactivated; raises unless the SMTP server accepted it (the duty retries)."""
    membership = (
        StaffMembership.objects.select_related("school", "user")
        .filter(pk=membership_id, user_id=user_id, role=StaffMembership.Role.TEACHER)
        .first()
    )
    if membership is None:
        logger.info(
            "teacher added: membership %s ended before its e-mail; none sent", membership_id
        )
        return
    email = recipient_email(user_id)
    if email is None:
        return
    user = membership.user
    by = get_user_model().objects.filter(pk=by_id).first()
    # a teacher's membership always names its school; a reply to this goes there
    reply_to = membership.school.reply_to() if membership.school is not None else ""
    context = {
        "school": str(membership.school),  # School.__str__: its name
        "reply_to": reply_to,
        "by": (by.full_name or by.email) if by is not None else "",
        "email": email,
        "first_login": not user.has_usable_password() and user.last_login is None,
        "needs_totp": not Authenticator.objects.filter(
            user_id=user_id, type=Authenticator.Type.TOTP
        ).exists(),
        "code_url": settings.SITE_URL + reverse("account_request_login_code"),
        "login_url": settings.SITE_URL + reverse("account_login"),
    }
    with in_language_of(user_id):
        body = render_to_string("schools/email/teacher_added.txt", context)
        subject = _("You have been added as a teacher of %(school)s") % {
            "school": context["school"]
        }
    duty_mail(subject, body, email, reply_to=reply_to)


def teacher_removed_email_send(*, membership_id: int, user_id: int, school_id: int) -> None:
    """Tell a teacher their membership of a school was ended (schools.services.teacher_remove):
    that they no longer see its pupils, that the school ended it, and whom to ask when it is
    a mistake (the school's contact address, as a reply, when it chose one). No pupil and no
    person is named. In the language they chose, Dutch when they never chose. Nothing when
    the account was deactivated, or when they are a teacher of the school again (added back
    before this went): the e-mail would no longer be true. A school deleted in the admin
    (schools.admin.SchoolAdmin) is named as the record of the membership's end names it,
    in an e-mail that says the school was taken out of the portal."""
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        _school_deleted_email_send(membership_id=membership_id, user_id=user_id)
        return
    again = StaffMembership.objects.filter(
        user_id=user_id, school_id=school_id, role=StaffMembership.Role.TEACHER
    )
    if again.exists():
        logger.info("teacher removed: membership %s, no e-mail: not true any more", membership_id)
        return
    email = recipient_email(user_id)
    if email is None:
        return
    reply_to = school.reply_to()
    context = {"school": str(school), "reply_to": reply_to}
    with in_language_of(user_id):
        body = render_to_string("schools/email/teacher_removed.txt", context)
        subject = _("Your access to the pupils of %(school)s has ended") % {
            "school": context["school"]
        }
    duty_mail(subject, body, email, reply_to=reply_to)


def _school_deleted_email_send(*, membership_id: int, user_id: int) -> None:
    # the school's name as it was recorded when the membership ended with the school: the
    # school's row (and its name) is gone; its SET_NULL cleared the record's school
    school_name = (
        MembershipChange.objects.filter(
            membership_id=membership_id,
            user_id=user_id,
            change=MembershipChange.Change.ENDED,
            role=StaffMembership.Role.TEACHER,
            school__isnull=True,
        )
        .exclude(school_name="")
        .order_by("-at", "-id")
        .values_list("school_name", flat=True)
        .first()
    )
    if school_name is None:
        logger.info("teacher removed: membership %s, no e-mail: school unknown", membership_id)
        return
    email = recipient_email(user_id)
    if email is None:
        return
    reply_to = settings.FOUNDATION_CONTACT_EMAIL  # the foundation removed it: ask the foundation
    context = {"school": school_name, "reply_to": reply_to}
    with in_language_of(user_id):
        body = render_to_string("schools/email/teacher_removed_school_deleted.txt", context)
        subject = _("Your access to the pupils of %(school)s has ended") % {"school": school_name}
    duty_mail(subject, body, email, reply_to=reply_to)
