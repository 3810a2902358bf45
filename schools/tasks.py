from celery import shared_task
from django.utils import timezone

from schools.services import access_history_apply_retention, pupils_erase_left


@shared_task(name="schools.erase_left_pupils")
def erase_left_pupils() -> int:
    return pupils_erase_left(today=timezone.localdate())


@shared_task(name="schools.apply_access_history_retention")
def apply_access_history_retention() -> int:
    return access_history_apply_retention(today=timezone.localdate())
