"""Thin Celery tasks: ids in, rows loaded, work claimed with a conditional UPDATE.

E-mails name no pupil: the portal shows who and what after login.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consent.models import ConflictNotice, PurposeVersion, ReviewRound, TakedownTask
from schools.leaders import leader_emails
from schools.models import Guardianship, School

logger = logging.getLogger(__name__)


def _mail(template: str, subject: str, to: list[str], context: dict) -> None:
    body = render_to_string(template, {"site_url": settings.SITE_URL, **context})
    send_mail(subject, body, None, to)


@shared_task(name="consent.send_takedown_email", max_retries=3)
def send_takedown_email(task_id: int) -> bool:
    claimed = TakedownTask.objects.filter(pk=task_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    task = TakedownTask.objects.select_related("assigned_to", "publication_check__purpose").get(
        pk=task_id
    )
    with translation.override(settings.LANGUAGE_CODE):
        _mail(
            "consent/email/takedown.txt",
            _("Take down a publication"),
            [task.assigned_to.email],
            {"task": task, "url": reverse("consent:takedowns")},
        )
    logger.info("takedown e-mail sent for task %s", task_id)
    return True


def _reminder_mail(email: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _mail(
            "consent/email/reminder.txt",
            _("Please record your choices about photos, video and sound"),
            [email],
            {"url": reverse("consent:my_children")},
        )


@shared_task(name="consent.send_consent_reminder", max_retries=3)
def send_consent_reminder(user_id: int) -> bool:
    """One reminder e-mail; the ReminderSent row was claimed by consent.services."""
    email = get_user_model().objects.filter(pk=user_id).values_list("email", flat=True).first()
    if not email:
        return False
    _reminder_mail(email)
    return True


@shared_task(name="consent.send_consent_reminders", max_retries=3)
def send_consent_reminders(school_id: int) -> int:
    from consent.services import parents_without_answers, reminder_claim

    school = School.objects.get(pk=school_id)
    sent = 0
    for user_id in sorted(parents_without_answers(school=school)):
        if not reminder_claim(user_id=user_id):
            continue
        _reminder_mail(get_user_model().objects.get(pk=user_id).email)
        sent += 1
    logger.info("consent reminders sent for school %s: %s", school_id, sent)
    return sent


@shared_task(name="consent.send_review_round_emails", max_retries=3)
def send_review_round_emails(round_id: int) -> int:
    claimed = ReviewRound.objects.filter(pk=round_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return 0
    review_round = ReviewRound.objects.get(pk=round_id)
    emails = sorted(
        set(
            Guardianship.objects.filter(
                pupil__school_id=review_round.school_id,
                pupil__left_on__isnull=True,
                has_parental_authority=True,
            ).values_list("user__email", flat=True)
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        for email in emails:
            _mail(
                "consent/email/review.txt",
                _("Please review your choices for this school year"),
                [email],
                {"url": reverse("consent:my_children"), "review_round": review_round},
            )
    logger.info("review round %s e-mailed to %s parents", round_id, len(emails))
    return len(emails)


@shared_task(name="consent.send_conflict_notice", max_retries=3)
def send_conflict_notice(notice_id: int) -> int:
    claimed = ConflictNotice.objects.filter(pk=notice_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return 0
    notice = ConflictNotice.objects.select_related("pupil__school", "purpose").get(pk=notice_id)
    school = notice.pupil.school
    emails = leader_emails(school.pk)  # the board when the school has no director
    if emails:
        with translation.override(settings.LANGUAGE_CODE):
            _mail(
                "consent/email/conflict.txt",
                _("Parents disagree about consent"),
                emails,
                {"notice": notice, "url": reverse("consent:coverage", args=[school.code])},
            )
    logger.info("conflict notice %s e-mailed to %s directors", notice_id, len(emails))
    return len(emails)


@shared_task(name="consent.send_purpose_changed_emails", max_retries=3)
def send_purpose_changed_emails(version_id: int) -> int:
    """A purpose's meaning changed: ask every gezag-holder of a current pupil again."""
    claimed = PurposeVersion.objects.filter(pk=version_id, parents_emailed_at__isnull=True).update(
        parents_emailed_at=timezone.now()
    )
    if not claimed:
        return 0
    version = PurposeVersion.objects.select_related("purpose").get(pk=version_id)
    emails = sorted(
        set(
            Guardianship.objects.filter(
                pupil__left_on__isnull=True, has_parental_authority=True
            ).values_list("user__email", flat=True)
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        for email in emails:
            _mail(
                "consent/email/purpose_changed.txt",
                _("Please answer again: a consent question has changed"),
                [email],
                {"url": reverse("consent:my_children"), "purpose": version.purpose},
            )
    logger.info("purpose version %s e-mailed to %s parents", version_id, len(emails))
    return len(emails)
