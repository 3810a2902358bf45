"""The demo loader gives every state something to show, whatever pupils exist."""

import io
from collections import Counter

from django.core.management import call_command

from accounts.models import User
from conftest import make_pupil, make_user
from consent.demo import load
from consent.duties import CONFLICT_EMAIL
from consent.models import ConflictNotice, ConsentEvent, PublicationCheck, TakedownTask
from consent.rules import State, consent_table, purpose_infos
from outbox.models import Duty
from schools.demo import LOGINS
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


def test_it_makes_parents_disagree_for_one_pupil_of_a_school(school_a, group_a1, director_a):
    """Pupils 3 and 9 both have two parents; only the first is made a conflict."""
    for n in range(12):
        pupil = make_pupil(school_a, group_a1, f"5{n:03d}", f"Demo{n}", "Kind")
        for k in range(2 if n % 6 == 3 else 1):
            parent = make_user(f"demo{n}-{k}@example.org")
            Guardianship.objects.create(user=parent, pupil=pupil, has_parental_authority=True)
    load()
    assert list(ConflictNotice.objects.values_list("pupil__leerlingnummer", flat=True)) == ["5003"]
    assert Duty.objects.filter(handler=CONFLICT_EMAIL).count() == 1  # to director_a


def test_it_sends_each_leader_one_conflict_e_mail_per_school(db):
    """load_demo sent the demo board six conflict e-mails about De Esdoorn (and one about
    Het Zwanenhof): every two-parent pupil at position 3 of 6 disagreed, not only the one
    per school. Now each school has one conflict, one e-mail to whoever leads it."""
    call_command("load_demo", stdout=io.StringIO())
    duties = Duty.objects.filter(handler=CONFLICT_EMAIL)
    recipients = Counter(User.objects.get(pk=duty.payload["user_id"]).email for duty in duties)
    email = {login.role: login.email for login in LOGINS}
    # De Esdoorn and Het Zwanenhof have no director; De Vlindertuin has
    assert recipients == {email["board"]: 2, email["director"]: 1}
    assert ConflictNotice.objects.count() == 3
