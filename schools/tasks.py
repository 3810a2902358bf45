from celery import shared_task
from django.utils import timezone

from schools.services import pupils_erase_left


@shared_task(name="schools.erase_left_pupils")
def erase_left_pupils() -> int:
    return pupils_erase_left(today=timezone.localdate())
