"""A real page failing with a pupil's name everywhere an error could carry it: the teacher's
pupil search, whose next query breaks a constraint (on PostgreSQL the error quotes the
pupil's row, "Failing row contains (…)") and whose exception names the pupil."""

from django.db import IntegrityError, transaction
from django.test import Client

from consent.views import teacher
from schools.models import Pupil

SEARCH = "/toestemming/controle/?q=Sem"


def break_the_pupil_search(monkeypatch, pupil) -> None:
    original = teacher._candidates

    def failing(request, groups, school=None):
        found = original(request, groups, school)
        try:
            with transaction.atomic():
                Pupil.objects.filter(pk=pupil.pk).update(first_name=None)
        except IntegrityError as error:
            raise ValueError(f"could not save {pupil.full_name}") from error
        return found

    monkeypatch.setattr(teacher, "_candidates", failing)


def teacher_client(teacher_user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(teacher_user)
    return client
