"""A case at a school without a director reaches a person: a board member (schools.leaders,
as urgent cases and takedowns do), e-mailed once and under their "Mijn zaken". It used to
be nobody's, a count on the board's home, and no e-mail at all unless it was urgent."""

import datetime
import json
import re
import socket
import uuid

import pytest
from django.core import mail
from django.urls import reverse

from conftest import make_staff, wait_for, worker
from monitoring import notifications, services
from monitoring.models import FollowUp
from monitoring.tests.helpers import make_case, make_source, my_cases_section
from outbox.tests.helpers import run_due_duties
from schools.models import StaffMembership

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role
# Het Zwanenhof is school_b; it has no director unless a test gives it director_b.
COMPLAINT = "Op Het Zwanenhof is het een puinhoop, ik ben echt boos en teleurgesteld over de juf"


def report(school, user, text=COMPLAINT, url="https://buurt.example/1"):
    return services.post_report(
        school=school, url=url, text=text, has_media=False, user=user, category=""
    ).post


def test_a_new_case_at_a_school_without_director_goes_to_a_board_member(
    login, school_b, board, teacher_a
):
    later = make_staff("bestuur.twee@example.org", Role.BOARD)
    report(school_b, board)
    run_due_duties()
    case = FollowUp.objects.get()
    assert case.priority == FollowUp.Priority.NORMAL
    assert case.assigned_to == board  # the first by id, as takedowns and hand-overs
    assert [m.to for m in mail.outbox] == [[board.email]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert reverse("monitoring:case", args=[case.pk]) in body
    assert "puinhoop" not in body and "juf" not in body
    page = login(board).get(reverse("home"), follow=True).content.decode()
    assert reverse("monitoring:case", args=[case.pk]) in my_cases_section(page)
    assert later.email not in [a for m in mail.outbox for a in m.to]


def test_a_new_case_at_a_school_with_a_director_is_the_directors_to_give_and_they_are_told(
    school_b, board, director_b
):
    report(school_b, board)
    run_due_duties()
    assert FollowUp.objects.get().assigned_to is None
    assert [m.to for m in mail.outbox] == [[director_b.email]]  # test_new_case_seen.py


def test_a_story_joining_an_open_case_is_not_announced_again(school_b, board):
    report(school_b, board)
    report(school_b, board, text="Doorgestuurd: " + COMPLAINT, url="https://buurt.example/2")
    run_due_duties()
    assert FollowUp.objects.count() == 1
    assert len(mail.outbox) == 1


def test_open_cases_nobody_has_go_to_a_board_member_when_the_director_leaves(
    school_b, board, director_b
):
    case = make_case(school_b)
    StaffMembership.objects.filter(user=director_b).delete()
    run_due_duties()
    case.refresh_from_db()
    assert case.assigned_to == board
    assert [m.to for m in mail.outbox] == [[board.email]]


def test_open_cases_nobody_has_go_to_a_board_member_when_the_director_is_deactivated(
    school_b, board, director_b
):
    case = make_case(school_b)
    director_b.is_active = False
    director_b.save()
    run_due_duties()
    case.refresh_from_db()
    assert case.assigned_to == board


def test_open_cases_nobody_has_go_to_the_first_board_member_appointed(school_b):
    case = make_case(school_b)
    member = make_staff("nieuw.bestuur@example.org", Role.BOARD)
    run_due_duties()
    case.refresh_from_db()
    assert case.assigned_to == member
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_a_case_taken_from_its_assignee_goes_to_a_board_member_at_once(login, school_b, board):
    """Assigned to nobody on the case page, a case of a school without a director was
    nobody's until any staff membership anywhere was saved: then it reached the board's
    first member, with an assignment e-mail that came out of the blue."""
    teacher = make_staff("juf.b@example.org", Role.TEACHER, school_b)
    member = make_staff("bestuur.twee@example.org", Role.BOARD)
    case = make_case(school_b, assigned_to=teacher)
    data = {"status": "new", "assigned_to": "", "notes": "", "seen": case.version_token()}
    response = login(member).post(reverse("monitoring:case_update", args=[case.pk]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == board  # the first by id, as for a new case
    run_due_duties()
    sent = {m.to[0]: m.body for m in mail.outbox}
    assert sorted(sent) == sorted([board.email, teacher.email])
    assert "niet meer aan u toegewezen" in sent[teacher.email]
    assert board.full_name in sent[teacher.email]  # who has it now, not "nobody"


def test_a_board_member_who_takes_a_case_from_its_assignee_is_not_told_it_is_theirs(
    login, school_b, board
):
    teacher = make_staff("juf.b@example.org", Role.TEACHER, school_b)
    case = make_case(school_b, assigned_to=teacher)
    data = {"status": "new", "assigned_to": "", "notes": "", "seen": case.version_token()}
    login(board).post(reverse("monitoring:case_update", args=[case.pk]), data)
    case.refresh_from_db()
    assert case.assigned_to == board
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[teacher.email]]


def test_a_case_taken_from_its_assignee_at_a_school_with_a_director_waits_for_them(
    login, school_b, board, director_b
):
    teacher = make_staff("juf.b@example.org", Role.TEACHER, school_b)
    case = make_case(school_b, assigned_to=teacher)
    data = {"status": "new", "assigned_to": "", "notes": "", "seen": case.version_token()}
    login(director_b).post(reverse("monitoring:case_update", args=[case.pk]), data)
    case.refresh_from_db()
    assert case.assigned_to is None  # the director's to give


def test_a_closed_case_nobody_has_stays_so(school_b, board):
    case = make_case(
        school_b, status="closed", closed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    StaffMembership.objects.filter(user=board).get().save()
    make_staff("nieuw.bestuur@example.org", Role.BOARD)
    case.refresh_from_db()
    assert case.assigned_to is None


def test_the_digest_of_a_school_without_director_reaches_the_board(school_b, board):
    make_case(school_b, assigned_to=board)
    notifications.monthly_digest_send()
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[board.email]]
    # the month's count of open cases (at its end, or now for the month under way)
    assert re.search(r"^Open zaken (op \d+ \w+ \d{4}|nu): \d+$", mail.outbox[0].body, re.M)


@pytest.fixture
def smtp_sink(tmp_path):
    """An SMTP server on loopback that writes one JSON line per message it accepts."""
    from aiosmtpd.controller import Controller

    path = tmp_path / "mail.jsonl"

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            line = {"to": envelope.rcpt_tos, "body": envelope.content.decode(errors="replace")}
            with path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")
            return "250 Message accepted for delivery"

    with socket.socket() as probe:  # a free port: the controller checks it can connect
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, path
    finally:
        controller.stop()


def received(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_fetched_complaint_at_a_school_without_director_reaches_a_board_member_by_e_mail(
    services_up, feed_server, smtp_sink, school_b, board
):
    """The whole way through the broker: a worker fetches the feed and opens the case, the
    outbox duty it writes goes through Redis to a worker that sends the e-mail over SMTP."""
    from monitoring.tasks import fetch_source

    port, path = smtp_sink
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<link>https://buurt.example/</link><item><title>1</title>"
        "<link>https://buurt.example/1</link><guid>https://buurt.example/1</guid>"
        f"<description>{COMPLAINT}</description></item></channel></rss>"
    ).encode()
    feed_server.route("/feed.rss", body=feed)
    source = make_source(url=feed_server.url("/feed.rss"))
    queue = f"test-reach-{uuid.uuid4().hex[:8]}"
    mail_settings = {"EMAIL_URL": f"smtp://127.0.0.1:{port}?tls=0", "OUTBOX_GRACE_SECONDS": "1"}
    # the outbox's run_duty goes to Celery's default queue
    with worker(f"{queue},celery", **mail_settings):
        fetch_source.apply_async((source.pk,), queue=queue)
        assert wait_for(lambda: any(m["to"] == [board.email] for m in received(path)), 120)
    case = FollowUp.objects.get()
    assert case.assigned_to_id == board.pk
    messages = received(path)
    assert [m["to"] for m in messages] == [[board.email]]
    assert f"/monitoring/zaken/{case.pk}/" in messages[0]["body"]
    assert "puinhoop" not in messages[0]["body"]


def test_the_digest_link_opens_the_report_for_the_board_and_is_a_404_for_others(
    login, settings, school_b, board, director_a, teacher_a
):
    settings.SITE_URL = "https://portaal.opo.example"
    notifications.monthly_digest_send()
    run_due_duties()
    path = re.search(re.escape(settings.SITE_URL) + r"(\S+)", mail.outbox[0].body).group(1)
    assert path.startswith(reverse("monitoring:report") + f"?school={school_b.code}")
    assert login(board).get(path).status_code == 200
    for someone in (director_a, teacher_a):
        assert login(someone).get(path).status_code == 404


# --- Neither a director nor a board member: nobody can be told, so health says it --------


def test_a_case_nobody_answers_for_is_logged_and_shown_by_health(
    client, school_b, caplog, settings
):
    # schools.leaders had nobody: the case stayed unassigned, no e-mail, no warning anywhere
    from monitoring.sources.base import FetchedPost, FetchResult

    settings.REDIS_URL = ""  # readiness without worker and beat, as in development
    source = make_source(school=school_b)
    item = FetchedPost(external_id="x1", url="https://buurt.example/x1", text=COMPLAINT)
    with caplog.at_level("WARNING", logger="monitoring.services"):
        services.source_ingest(source=source, result=FetchResult(posts=[item]))
    case = FollowUp.objects.get()
    assert case.assigned_to is None
    warned = [r.getMessage() for r in caplog.records if r.name == "monitoring.services"]
    assert any(f"case {case.pk}" in m and "nobody" in m for m in warned), warned
    assert not any("puinhoop" in m for m in warned)
    response = client.get(reverse("health_ready"), HTTP_ACCEPT_LANGUAGE="en")
    body = json.loads(response.content)
    assert response.status_code == 200  # not a reason to take a web node out
    assert body["unanswered_cases"] == {"cases": 1, "schools": ["zwanenhof"]}


def test_health_shows_no_unanswered_case_once_the_board_has_a_member(client, school_b, settings):
    settings.REDIS_URL = ""
    make_case(school_b)
    make_staff("bestuur@example.org", Role.BOARD)  # the waiting case goes to them
    body = json.loads(client.get(reverse("health_ready")).content)
    assert body["unanswered_cases"] == {"cases": 0, "schools": []}
    assert FollowUp.objects.get().assigned_to is not None


def test_the_health_command_names_the_schools_whose_cases_nobody_answers(
    school_b, settings, capsys
):
    from django.core.management import call_command

    settings.REDIS_URL = ""
    make_case(school_b)
    call_command("health")
    out = capsys.readouterr().out
    assert "ALERT cases: 1 open zaak/zaken waar niemand over gaat" in out and "zwanenhof" in out


def test_unanswered_cases_are_read_in_two_queries(school_b, school_a, django_assert_num_queries):
    from monitoring.selectors import unanswered_cases

    for school in (school_a, school_b, school_b):
        make_case(school)
    with django_assert_num_queries(2):
        assert unanswered_cases() == {"cases": 3, "schools": ["vlindertuin", "zwanenhof"]}


URGENT = "Mijn zoon wordt elke dag gepest op Het Zwanenhof en de juf doet niets, ik ben boos"


def _urgent_case_nobody_was_told_of(school):
    from monitoring.sources.base import FetchedPost, FetchResult

    item = FetchedPost(external_id="u1", url="https://buurt.example/u1", text=URGENT)
    services.source_ingest(source=make_source(school=school), result=FetchResult(posts=[item]))
    run_due_duties()
    assert mail.outbox == []
    case = FollowUp.objects.get()
    assert case.priority == FollowUp.Priority.URGENT
    return case


def test_an_urgent_case_nobody_was_told_of_reaches_the_director_the_school_gets(school_b):
    """With nobody to tell, the urgent notice was claimed all the same: a director named
    afterwards found the case unassigned ("the director's to give") and was never e-mailed
    about the bullying in it; health stopped alerting as the school had a director."""
    case = _urgent_case_nobody_was_told_of(school_b)
    director = make_staff("directeur.b@example.org", Role.DIRECTOR, school_b)
    run_due_duties()
    assert [m.to for m in mail.outbox] == [[director.email]]
    message = mail.outbox[0]
    assert "Dringend" in message.subject
    assert reverse("monitoring:case", args=[case.pk]) in message.body
    assert "gepest" not in message.body and "zoon" not in message.body
    StaffMembership.objects.get(user=director).save()  # told once
    make_staff("juf.b@example.org", Role.TEACHER, school_b)
    run_due_duties()
    assert len(mail.outbox) == 1


def test_an_urgent_case_nobody_was_told_of_reaches_the_first_board_member_named(school_b):
    case = _urgent_case_nobody_was_told_of(school_b)
    member = make_staff("bestuur@example.org", Role.BOARD)
    run_due_duties()
    case.refresh_from_db()
    assert case.assigned_to == member
    subjects = sorted(m.subject for m in mail.outbox)
    assert [m.to for m in mail.outbox] == [[member.email], [member.email]]
    assert any("Dringend" in s for s in subjects) and any("toegewezen" in s for s in subjects)
