"""E-mails from monitoring. None of them contains post text or pupil names."""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from monitoring import reports
from monitoring.models import FollowUp, Source
from schools.leaders import leader_emails
from schools.models import School, StaffMembership

log = logging.getLogger(__name__)
Role = StaffMembership.Role


def _directors(school_id: int) -> list[str]:
    """The school's directors, or the board when the school has none (schools.leaders)."""
    return leader_emails(school_id)


def _board() -> list[str]:
    return list(
        StaffMembership.objects.filter(role=Role.BOARD)
        .values_list("user__email", flat=True)
        .distinct()
    )


def urgent_case_notify(*, case_id: int) -> bool:
    """Tell the school's director (the board if it has none) about an urgent case, once."""
    with transaction.atomic():
        claimed = FollowUp.objects.filter(pk=case_id, urgent_notified_at__isnull=True).update(
            urgent_notified_at=timezone.now()
        )
        if not claimed:
            return False
        case = FollowUp.objects.select_related("school").get(pk=case_id)
        recipients = _directors(case.school_id)
        if not recipients:
            log.warning(
                "monitoring case %s is urgent but school %s has no director nor board",
                case_id,
                case.school_id,
            )
            return True
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "case": case,
                "url": settings.SITE_URL + reverse("monitoring:case", args=[case.pk]),
            }
            send_mail(
                _("Urgent: a post about %(school)s needs attention") % {"school": case.school.name},
                render_to_string("monitoring/email/urgent_case.txt", context),
                None,
                recipients,
            )
    return True


def source_failing_notify(*, source_id: int) -> None:
    source = Source.objects.get(pk=source_id)
    recipients = _board()
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "source": source,
            "url": settings.SITE_URL + reverse("monitoring:sources"),
        }
        send_mail(
            _("Monitoring source “%(name)s” keeps failing") % {"name": source.name},
            render_to_string("monitoring/email/source_failing.txt", context),
            None,
            recipients,
        )


def monthly_digest_send(*, today: datetime.date | None = None) -> int:
    """Each director gets last month's numbers for their school. Numbers only, no post text."""
    today = today or timezone.localdate()
    month = reports.add_months(reports.month_start(today), -1)
    sent = 0
    for school in School.objects.all():
        recipients = _directors(school.pk)
        if not recipients:
            continue
        report = reports.school_report(school=school, month=month)
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "report": report,
                "url": settings.SITE_URL
                + reverse("monitoring:report")
                + f"?school={school.code}&month={month:%Y-%m}",
            }
            send_mail(
                _("Monitoring digest %(month)s: %(school)s")
                % {"month": f"{month:%m-%Y}", "school": school.name},
                render_to_string("monitoring/email/digest.txt", context),
                None,
                recipients,
            )
        sent += 1
    return sent
