"""Every write a person makes, through the real views, while our own Redis (the cache and
the broker) is killed (kill -9) or hangs (kill -STOP): a parent's decision, the director's
paper form, the teacher's check and photo check, a takedown marked done, a case opened,
assigned, its conversation planned and held, closed; the protocol confirmed and published,
the pupil import, signing in (with the staff's code) and out, a password reset asked and
set. Each answers as usual and is saved; each waits on Redis at most once, for the cache's
socket timeout (1 s), never for the broker's (5 s). Once Redis is back a real worker, fed by
the sweeper from the default queue (so with what a hanging Redis kept), does every duty
once: each e-mail goes out once."""

import logging
import time

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, wait_for, worker
from consent.models import ConsentEvent, PublicationCheck, TakedownTask
from consent.photo.testkit import camera_jpeg
from consent.services import publication_check_create
from consent.tests.helpers import decide, purpose, shown_version
from faults.harness import SmtpSink
from monitoring.learning import current_layer
from monitoring.models import FollowUp
from opo_portal.cache import ResilientRedisCache
from opo_portal.tests.e2e_support import current_totp_code
from outbox import services as outbox
from outbox.models import Duty
from policy import services as policy
from policy.models import Acknowledgement, ProtocolVersion
from policy.tests.conftest import edit_one_article, publish_form
from schools.models import Pupil

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

URGENT = "Mijn zoon wordt elke dag gepest op De Vlindertuin en de juf doet niets, ik ben boos"
NEW_PASSWORD = "een nieuw wachtwoord 7"


@pytest.fixture(params=["killed", "hanging"])
def outage(request, broker_is_own_redis):
    """(redis, take it away, bring it back): kill -9 and a restart, or kill -STOP/-CONT."""
    redis = broker_is_own_redis
    if request.param == "killed":
        return redis, redis.proc.kill9, redis.start
    return redis, redis.proc.pause, redis.proc.resume


class Walk:
    """The answers to the writes, by name, and what each waited on Redis for, as (cache,
    broker): cache calls that failed (each up to the cache's 1 s socket timeout) and
    publishes tried and failed (each up to the broker's 5 s); a publish skipped during the
    pause after an error costs nothing."""

    def __init__(self, caplog):
        self.caplog, self.answers, self.waits = caplog, {}, {}

    def __call__(self, name: str, client: Client, url: str, data: dict | None = None):
        seen = len(self.caplog.records)
        response = client.post(url, data or {})
        self.answers[name] = response
        waited = [_waited(record) for record in self.caplog.records[seen:]]
        self.waits[name] = (waited.count("cache"), waited.count("broker"))
        return response

    def statuses(self) -> dict:
        return {name: response.status_code for name, response in self.answers.items()}


def _waited(record: logging.LogRecord) -> str:
    """ "cache" or "broker" when the record says a call on Redis failed, else ""."""
    message = record.getMessage()
    if record.name == "opo_portal.cache" and "Redis unavailable" in message:
        return "cache"
    if record.name == "outbox.services" and "not dispatched" in message:
        return "" if "skipped" in message else "broker"
    return ""


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get("/")  # the session is cached in Redis before it goes
    return client


def _before(parent_a, pupil_a, teacher_a, board):
    """A picture the teacher checked for the newsletter and must take down (the parent
    withdrew), a picture for social media still allowed, a protocol draft to publish."""
    for user in (parent_a, teacher_a):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for channel in ("sociale-media", "nieuwsbrief"):
        decide(pupil_a, parent_a, channel, "photo", True)
        publication_check_create(
            user=teacher_a, purpose=purpose(channel), media_type="photo", pupils=[pupil_a]
        )
    decide(pupil_a, parent_a, "nieuwsbrief", "photo", False)
    draft = policy.version_draft_start(by=board)
    policy.version_update_summary(version=draft, summary="COMMUNICEREN 2 verduidelijkt.")
    edit_one_article(draft)  # an unchanged draft is not published
    current_layer()  # trained in memory on first use (CPU, not Redis): before the clock runs
    return TakedownTask.objects.get(), draft


def _case_form(case: FollowUp, **data) -> dict:
    """The case page's form as it reads now (so with the token of the case as it is)."""
    case.refresh_from_db()
    return {
        "status": case.status,
        "assigned_to": case.assigned_to_id or "",
        "notes": case.notes,
        "seen": case.version_token(),
        **data,
    }


def _consent_writes(post: Walk, parent, director, teacher, pupil_a, parent_a, task) -> None:
    child = reverse("consent:child", args=[pupil_a.pk])
    fields = parent.get(child).context["form"].fields
    answers = {name: f.initial for name, f in fields.items() if name.startswith("v-")}
    answers[f"c-{purpose('sociale-media').pk}-photo"] = "no"
    post("parent's no", parent, child, answers)
    paper = {"guardian": parent_a.pk, "method": "paper", f"c-{purpose('website').pk}-video": "yes"}
    post(
        "paper form",
        director,
        reverse("consent:record", args=[pupil_a.pk]),
        {**paper, **shown_version("website")},
    )
    check = {"purpose": "website", "media_type": "video", "pupils": [pupil_a.pk]}
    post("check", teacher, reverse("consent:check_new"), check)
    photo = SimpleUploadedFile("IMG_0042.JPG", camera_jpeg(), "image/jpeg")
    shown = {"channel": purpose("website").pk, "pupils": pupil_a.pk, "action": "preview"}
    post("photo check", teacher, reverse("photo:check"), {**shown, "photo": photo})
    post("takedown done", teacher, reverse("consent:takedown_done", args=[task.pk]))


def _case_writes(post: Walk, director, teacher, school_a, teacher_a) -> None:
    report = {"school": school_a.pk, "url": "https://social.example/p/1", "text": URGENT}
    post("case opened", teacher, reverse("monitoring:report_post"), report)
    case = FollowUp.objects.get(school=school_a)
    update, today = reverse("monitoring:case_update", args=[case.pk]), timezone.localdate()
    post("case assigned", director, update, _case_form(case, assigned_to=teacher_a.pk))
    planned = _case_form(case, status="conversation_planned", planned_for=today)
    post("conversation planned", teacher, update, planned)
    held = {"status": "conversation_held", "held_on": today, "notes": "Gesprek gevoerd."}
    post("conversation held", teacher, update, _case_form(case, planned_for=today, **held))
    closed = _case_form(case, status="closed", planned_for=today, held_on=today)
    post("case closed", director, update, closed)


def _school_writes(post: Walk, director, teacher, member, draft, pupil_a, parent_a, school_a):
    post("protocol confirmed", teacher, reverse("policy:confirm"), {"version": 1})
    publish = reverse("policy:draft_publish", args=[draft.number])
    post("protocol published", member, publish, publish_form(draft.number))
    rows = "leerlingnummer;voornaam;achternaam;geboortedatum;groep;ouder1_email;ouder1_gezag\r\n"
    rows += f"{pupil_a.leerlingnummer};Roos;Vries;04-05-2018;groep 5;{parent_a.email};ja\r\n"
    rows += "3001;Daan;Mulder;04-05-2018;groep 5;eva.mulder@example.org;ja\r\n"
    upload = SimpleUploadedFile("leerlingen.csv", rows.encode(), content_type="text/csv")
    post(
        "import",
        director,
        reverse("schools:import_pupils"),
        {"school": school_a.code, "file": upload},
    )


def _account_writes(post: Walk, parent_a, teacher_a) -> tuple[Client, Client, Client]:
    parent, staff = Client(), Client()
    login = reverse("account_login")
    post("parent signs in", parent, login, {"login": parent_a.email, "password": PASSWORD})
    post("teacher signs in", staff, login, {"login": teacher_a.email, "password": PASSWORD})
    code = current_totp_code(teacher_a)
    post("teacher's code", staff, "/accounts/2fa/authenticate/", {"code": code})
    post("parent signs out", parent, reverse("account_logout"))
    post("reset asked", Client(), reverse("account_reset_password"), {"email": parent_a.email})
    parent_a.refresh_from_db()  # the token covers the last login, just now
    key = default_token_generator.make_token(parent_a)
    resetter = Client()
    link = reverse("account_reset_password_from_key", args=[user_pk_to_url_str(parent_a), key])
    form = resetter.get(link)["Location"]  # the key goes into the session
    post("reset set", resetter, form, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    return parent, staff, resetter


def test_every_write_with_redis_away_is_saved_and_each_e_mail_goes_once_when_it_returns(
    outage, caplog, tmp_path, parent_a, pupil_a, teacher_a, director_a, board, school_a
):
    redis, away, back = outage
    task, draft = _before(parent_a, pupil_a, teacher_a, board)
    parent, teacher, director, member = map(_client, (parent_a, teacher_a, director_a, board))
    mail.outbox.clear()
    post = Walk(caplog)

    away()
    try:
        _consent_writes(post, parent, director, teacher, pupil_a, parent_a, task)
        _case_writes(post, director, teacher, school_a, teacher_a)
        _school_writes(post, director, teacher, member, draft, pupil_a, parent_a, school_a)
        signed_out, staff, resetter = _account_writes(post, parent_a, teacher_a)
    finally:
        back()

    pages = {"photo check", "import"}  # they answer with their page, the others redirect
    assert post.statuses() == {name: 200 if name in pages else 302 for name in post.answers}
    # at most the cache's timeout once, never the broker's: the cache finds Redis gone first
    assert {name: w for name, w in post.waits.items() if w[0] > 1 or w[1]} == {}
    _assert_saved(post, task, draft, pupil_a, parent_a, teacher_a, director_a, school_a)
    assert staff.session["_auth_user_id"] == str(teacher_a.pk)
    assert "_auth_user_id" not in signed_out.session
    assert "/accounts/login/" not in post.answers["parent signs in"]["Location"]
    assert "/accounts/login/" not in post.answers["teacher's code"]["Location"]
    assert [m.to for m in mail.outbox] == [[parent_a.email]]  # the reset link, sent at once
    parent_a.refresh_from_db()
    assert parent_a.check_password(NEW_PASSWORD)
    mailing = Duty.objects.exclude(key__startswith="cache-forget:")
    assert set(mailing.values_list("status", flat=True)) == {"pending"}

    told = _delivered(redis, tmp_path)
    assert set(Duty.objects.values_list("status", flat=True)) == {"done"}
    # the teacher: the picture the "no" took down, the case closed by the director, the new
    # protocol; the director: the urgent case, the protocol; the board: the protocol; the
    # parent: the new password. Not the newsletter picture (marked done before its e-mail
    # went) nor the case's assignment (closed before): decided when the e-mail goes.
    teacher_, director_ = [teacher_a.email] * 3, [director_a.email] * 2
    assert told == sorted([*teacher_, *director_, board.email, parent_a.email])


def _assert_saved(post, task, draft, pupil_a, parent_a, teacher_a, director_a, school_a):
    refused = {name: _errors(response) for name, response in post.answers.items()}
    assert {name: said for name, said in refused.items() if said} == {}
    events = ConsentEvent.objects.filter(pupil=pupil_a, guardian=parent_a)
    assert events.filter(purpose__code="sociale-media", granted=False, method="portal").exists()
    assert events.filter(
        purpose__code="website", media_type="video", method="paper", recorded_by=director_a
    ).exists()
    checks = PublicationCheck.objects.filter(checked_by=teacher_a, purpose__code="website")
    assert set(checks.values_list("media_type", flat=True)) == {"video", "photo"}
    task.refresh_from_db()
    assert task.done_by == teacher_a
    case = FollowUp.objects.get(school=school_a)
    assert (case.status, case.assigned_to, case.notes) == ("closed", teacher_a, "Gesprek gevoerd.")
    assert case.priority == FollowUp.Priority.URGENT and case.held_on == timezone.localdate()
    assert Acknowledgement.objects.filter(user=teacher_a, version__number=1).exists()
    assert ProtocolVersion.objects.current().number == draft.number
    assert Pupil.objects.filter(school=school_a, leerlingnummer="3001").exists()


def _errors(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def _delivered(redis, tmp_path) -> list[str]:
    """Redis back: a worker on the default queue (what a hanging Redis kept is in it) and
    the sweeper's dispatch; every duty done, a second sweep finds nothing. The addressees of
    every e-mail that went out, sorted."""
    ResilientRedisCache._down_until = outbox._broker_down_until = 0.0  # as in beat's process
    sink = SmtpSink(tmp_path).start()
    try:
        email = f"smtp://127.0.0.1:{sink.port}?tls=0"
        with worker("celery", REDIS_URL=redis.url, EMAIL_URL=email):
            Duty.objects.update(next_attempt_at=timezone.now())
            assert outbox.duties_sweep() == Duty.objects.filter(status="pending").count()
            assert wait_for(lambda: not Duty.objects.filter(status="pending").exists(), 90)
            assert outbox.duties_sweep() == 0
        messages = sink.messages()
    finally:
        sink.proc.stop()
    assert len({m["message_id"] for m in messages}) == len(messages), "an e-mail went twice"
    return sorted(address for m in messages for address in m["to"])


def test_a_commit_just_after_the_pause_asks_redis_with_the_caches_timeout_not_the_brokers(
    broker_is_own_redis, caplog, django_capture_on_commit_callbacks
):
    """The pause after an error ended while a request ran (its session read was skipped, its
    commit came after): its publish was the first call to find Redis still hanging, and
    waited the broker's socket timeout (5 s). The cache asks first (1 s), then the publish
    is skipped and the duty waits for the sweeper."""
    from opo_portal.cache import redis_failed

    redis_failed()  # Redis failed a moment ago, and nothing reached it since
    ResilientRedisCache._down_until = time.monotonic() - 0.01  # the pause just ended
    broker_is_own_redis.proc.pause()
    with django_capture_on_commit_callbacks(execute=True):
        duty = outbox.duty_enqueue(key="k", handler="outbox.tests.handlers.record", payload={})
    broker_is_own_redis.proc.resume()

    waits = [r.getMessage() for r in caplog.records if _waited(r)]
    assert waits == ["cache: Redis unavailable (TimeoutError); degrading to no cache for 5.0s"]
    assert Duty.objects.get(pk=duty.pk).status == Duty.Status.PENDING
