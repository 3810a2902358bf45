"""Redis killed (kill -9 of our own redis-server, broker and cache) while people make the
writes that send e-mail and that no fault scenario walks: a board member publishes a
protocol version (every staff member asked to read it), a teacher reports an urgent post
(the school's directors told), a parent says "no" and then "yes" again. Each answers as
usual and is saved, its duties wait; once Redis is back a real worker, fed by the sweeper,
delivers each e-mail exactly once. The other writes (a parent's "no", reminders, a case
assigned, a check, an import): fault scenarios redis-down-*."""

import time
import uuid

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from conftest import make_staff, wait_for, worker
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose
from faults.harness import SmtpSink
from monitoring.models import FollowUp
from opo_portal.cache import ResilientRedisCache
from outbox import services as outbox
from outbox.models import Duty
from policy import services as policy
from policy.models import ProtocolVersion
from policy.tests.conftest import edit_one_article, publish_form
from schools.models import StaffMembership

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

URGENT = "Mijn zoon wordt elke dag gepest op De Vlindertuin en de juf doet niets, ik ben boos"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get("/")  # the session is cached in Redis before it dies
    return client


def _answer(client, pupil, value: str):
    url = reverse("consent:child", args=[pupil.pk])
    fields = client.get(url).context["form"].fields
    data = {name: f.initial for name, f in fields.items() if name.startswith("v-")}
    data[f"c-{purpose('sociale-media').pk}-photo"] = value
    return client.post(url, data)


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_writes_with_redis_dead_are_saved_and_sent_once_when_it_returns(
    broker_is_own_redis, tmp_path, parent_a, pupil_a, teacher_a, director_a, board, school_a
):
    redis = broker_is_own_redis
    colleague = make_staff("adjunct.a@example.org", StaffMembership.Role.DIRECTOR, school_a)
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    publication_check_create(
        user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
    )
    draft = policy.version_draft_start(by=board)
    policy.version_update_summary(version=draft, summary="COMMUNICEREN 2 verduidelijkt.")
    edit_one_article(draft)  # an unchanged draft is not published
    parent, teacher, member = _client(parent_a), _client(teacher_a), _client(board)

    redis.proc.kill9()
    no, yes = _answer(parent, pupil_a, "no"), _answer(parent, pupil_a, "yes")
    report = {"school": school_a.pk, "url": "https://social.example/p/1", "text": URGENT}
    reported = teacher.post(reverse("monitoring:report_post"), report)
    publish = reverse("policy:draft_publish", args=[draft.number])
    published = member.post(publish, publish_form(draft.number))

    assert (no.status_code, yes.status_code, reported.status_code) == (302, 302, 302)
    assert published.status_code == 302
    assert "Het hoort bij een zaak" in " ".join(_said(reported))
    assert "is gepubliceerd" in " ".join(_said(published))
    assert ProtocolVersion.objects.current().number == draft.number
    assert FollowUp.objects.get(school=school_a).priority == FollowUp.Priority.URGENT
    mailing = Duty.objects.exclude(key__startswith="cache-forget:")
    assert set(mailing.values_list("status", "attempts")) == {("pending", 0)}
    owed = mailing.count()

    redis.proc.start()
    ResilientRedisCache._down_until = outbox._broker_down_until = 0.0  # as in beat's process
    sink = SmtpSink(tmp_path).start()
    queue = f"test-redis-dead-{uuid.uuid4().hex[:8]}"
    try:
        with worker(queue, REDIS_URL=redis.url, EMAIL_URL=f"smtp://127.0.0.1:{sink.port}?tls=0"):
            Duty.objects.update(next_attempt_at=Duty.objects.first().created_at)
            with _to_queue(queue):
                assert outbox.duties_sweep() == Duty.objects.count()
                assert wait_for(lambda: not Duty.objects.filter(status="pending").exists(), 60)
                time.sleep(1)
                assert outbox.duties_sweep() == 0
        messages = sink.messages()
    finally:
        sink.proc.stop()
    assert set(mailing.values_list("status", "attempts")) == {("done", 1)}
    told = sorted(address for m in messages for address in m["to"])
    staff = sorted(u.email for u in (teacher_a, director_a, colleague, board))
    # the protocol to every staff member; the urgent case to the school's directors; no
    # takedown: the "yes" came before its e-mail went (its duty is done, sending nothing)
    assert told == sorted([*staff, director_a.email, colleague.email])
    assert len(messages) == owed - mailing.filter(key__startswith="takedown-email:").count()


def _to_queue(queue: str):
    from unittest import mock

    from outbox.tasks import run_duty

    original = run_duty.apply_async

    def to_queue(args=(), **kwargs):
        return original(args, queue=queue, **kwargs)

    return mock.patch.object(run_duty, "apply_async", to_queue)
