"""The demo loader gives every state something to show, whatever pupils exist."""

from conftest import make_pupil, make_user
from consent.demo import load
from consent.models import ConsentEvent, PublicationCheck, TakedownTask
from consent.rules import State, consent_table, purpose_infos
from schools.models import Guardianship, Pupil


def test_it_loads_a_mix_of_states_and_is_idempotent(school_a, group_a1, teacher_a):
    for n in range(12):
        pupil = make_pupil(school_a, group_a1, f"5{n:03d}", f"Demo{n}", "Kind")
        for k in range(2 if n % 6 == 3 else 1):
            parent = make_user(f"demo{n}-{k}@example.org")
            Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)
    load()
    events = ConsentEvent.objects.count()
    load()
    assert ConsentEvent.objects.count() == events
    pupils = list(Pupil.objects.all())
    infos = purpose_infos()
    table = consent_table(pupils, infos)
    states = {
        table.state(p.pk, i.purpose.pk, m)
        for p in pupils
        for i in infos
        for m in ["photo", "video", "audio"]
    }
    assert states == set(State)
    assert PublicationCheck.objects.count() == 1
    assert TakedownTask.objects.filter(assigned_to=teacher_a).count() == 1


def test_it_copes_with_no_pupils(db):
    load()
    assert ConsentEvent.objects.count() == 0
