"""A staff member's right of access: "Mijn gegevens" and its download show what the portal
keeps about them as staff (roles, checks before posting, takedown tasks, monitoring cases,
protocol confirmations, review rounds opened, decisions recorded), only their own, without
a pupil's or parent's name. Before, both showed a staff member only a parent's parts."""

import datetime
import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff, make_user
from consent.models import PublicationCheck, ReminderSent, TakedownTask
from consent.services import (
    publication_check_create,
    purpose_version_publish,
    reminders_send,
    review_round_open,
    takedown_complete,
    takedowns_hand_over,
)
from consent.tests.helpers import decide, html_of, purpose
from monitoring.models import PublicReply, Source
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
from opo_portal.tests.test_language_crawl import DUTCH, ENGLISH, INFORMAL, data_strings, leftovers
from policy.models import ProtocolVersion
from policy.services import (
    acknowledgement_record,
    article_update,
    version_draft_start,
    version_publish,
    version_update_summary,
)
from schools.accesslog import membership_added, membership_ended
from schools.models import GezagChange, Guardianship, Pupil, StaffMembership, Via

Role = StaffMembership.Role


def _no_query_for_no_children() -> int:
    """The children's gezag-holders of someone without a child: PostgreSQL runs the
    prepared read with an empty array (opo_portal.sql), SQLite's ORM form is an `IN ()`,
    which Django answers without asking the database: one query fewer there."""
    return int(connection.vendor != "postgresql")


def _download(client) -> dict:
    response = client.get(reverse("consent:my_data_json"))
    assert response.status_code == 200
    return json.loads(response.content)


def _page(client) -> str:
    return html_of(client.get(reverse("consent:my_data")))


def _staff_part(page: str) -> str:
    start = page.index('id="as-staff"')
    return " ".join(page[start : page.index('id="correct-or-remove"', start)].split())


@pytest.fixture
def checked(teacher_a, parent_a, pupil_a, pupil_a2, group_a2):
    """Teacher A (of both their groups) checked a photo of Sem and Roos for the website;
    Sem's parent then said no, so the publication is a takedown task for the teacher."""
    StaffMembership.objects.get(user=teacher_a).groups.add(group_a2)
    decide(pupil_a, parent_a, "website", "photo", True)
    check = publication_check_create(
        user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a, pupil_a2]
    )
    decide(pupil_a, parent_a, "website", "photo", False)
    assert TakedownTask.objects.get().assigned_to == teacher_a
    return check


def test_it_shows_a_teachers_checks_and_takedowns_without_pupil_names(login, checked, teacher_a):
    page = _page(login(teacher_a))
    part = _staff_part(page)
    assert "Als medewerker" in part
    assert "OBS De Vlindertuin: leerkracht" in part
    assert "2 leerlingen gecontroleerd, 2 in beeld" in part
    assert "Website van de school, foto" in part
    assert "Offline te halen publicaties voor u" in part
    assert ": open" in part
    for name in ("Sem", "Roos", "Bakker", "Vries", "Ouder A"):
        assert name not in page


def test_it_downloads_the_staff_part(login, checked, teacher_a, school_a):
    data = _download(login(teacher_a))
    staff = data["as_staff"]
    assert [(r["role"], r["school"], r["until"]) for r in staff["roles"]] == [
        ("teacher", school_a.name, None)
    ]
    [check] = staff["publication_checks"]
    assert (check["school"], check["channel_code"], check["media_type"]) == (
        school_a.name,
        "website",
        "photo",
    )
    assert (check["pupils"], check["appearing"]) == (2, 2)
    [task] = staff["takedown_tasks"]
    assert (task["school"], task["status"], task["closed_at"]) == (school_a.name, "open", None)
    assert task["at"].endswith(("+01:00", "+02:00"))  # on the schools' clock, as the page
    text = json.dumps(staff)
    for name in ("Sem", "Roos", "Bakker", "Vries", "Ouder A", "ouder.a@"):
        assert name not in text
    # the parent's parts are as they were: this teacher is nobody's parent
    assert data["children"] == [] and data["publication_checks"] == []


def test_it_gives_the_roles_with_since_and_until(login, board, school_a, school_b):
    user = make_staff("wisselend@example.org", Role.TEACHER, school_a)
    teaching = StaffMembership.objects.get(user=user)
    membership_added(teaching, by=board, via=Via.ADMIN)
    directing = StaffMembership.objects.create(user=user, role=Role.DIRECTOR, school=school_b)
    membership_added(directing, by=board, via=Via.ADMIN)
    membership_ended(directing, by=board, via=Via.ADMIN)
    directing.delete()
    client = login(user)
    roles = _download(client)["as_staff"]["roles"]
    assert [(r["role"], r["school"], bool(r["since"]), bool(r["until"])) for r in roles] == [
        ("teacher", school_a.name, True, False),
        ("director", school_b.name, True, True),
    ]
    part = _staff_part(_page(client))
    today = timezone.localdate().strftime("%-d")
    assert "OBS De Vlindertuin: leerkracht, sinds " + today in part
    assert "OBS Het Zwanenhof: directeur, van " + today in part
    assert "Bestuur" not in part and board.full_name not in part


def test_it_lists_the_cases_assigned_to_or_closed_by_them_only(
    login, director_a, teacher_a, school_a
):
    mine = make_case(school_a, assigned_to=director_a, notes="Gesprek met de moeder van Sem")
    closed = make_case(
        school_a,
        assigned_to=teacher_a,
        status="closed",
        closed_at=timezone.now(),
        closed_by=director_a,
    )
    make_case(school_a, assigned_to=teacher_a)  # a colleague's
    client = login(director_a)
    cases = _download(client)["as_staff"]["monitoring_cases"]
    assert sorted((c["case"], c["assigned_to_you"], c["closed_by_you"]) for c in cases) == [
        (mine.pk, True, False),
        (closed.pk, False, True),
    ]
    part = _staff_part(_page(client))
    assert f"Zaak {mine.pk}, OBS De Vlindertuin" in part
    assert "(aan u toegewezen)" in part and "(door u afgesloten)" in part
    assert "moeder" not in part and "Sem" not in part


def test_it_lists_protocol_confirmations_and_review_rounds(login, director_a, school_a):
    version = ProtocolVersion.objects.filter(status="published").latest("number")
    acknowledgement_record(user=director_a, version=version)
    review_round_open(school=school_a, user=director_a)
    client = login(director_a)
    staff = _download(client)["as_staff"]
    assert [c["protocol_version"] for c in staff["protocol_confirmations"]] == [version.number]
    [opened] = staff["review_rounds_opened"]
    assert opened["school"] == school_a.name
    part = _staff_part(_page(client))
    assert f"Versie {version.number}, bevestigd op" in part
    assert "U opende de jaarlijkse controleronde van OBS De Vlindertuin" in part


def test_it_counts_decisions_recorded_for_parents_without_naming_them(
    login, director_a, parent_a, pupil_a
):
    decide(pupil_a, parent_a, "pers", "video", False, method="paper", recorded_by=director_a)
    decide(pupil_a, parent_a, "pers", "photo", True, method="paper", recorded_by=director_a)
    client = login(director_a)
    [recorded] = _download(client)["as_staff"]["decisions_recorded"]
    assert (recorded["method"], recorded["count"]) == ("paper", 2)
    part = _staff_part(_page(client))
    assert "OBS De Vlindertuin: 2 beslissingen vastgelegd (papieren formulier)" in part
    assert "Sem" not in part and "Ouder A" not in part


def test_it_names_the_colleague_a_task_was_handed_over_from(login, checked, teacher_a, director_a):
    StaffMembership.objects.filter(user=teacher_a).delete()
    takedowns_hand_over(user_id=teacher_a.pk)
    task = TakedownTask.objects.get()
    assert task.assigned_to == director_a
    part = _staff_part(_page(login(director_a)))
    assert f"van {teacher_a.full_name} aan u overgedragen." in part


def test_it_lists_the_takedowns_they_closed_for_a_colleague(login, checked, teacher_a, director_a):
    """The director took teacher A's picture offline: the task stays teacher A's, the
    closing is the director's, and each finds their part of it."""
    takedown_complete(task=TakedownTask.objects.get(), user=director_a)
    client = login(director_a)
    [task] = _download(client)["as_staff"]["takedown_tasks"]
    assert (task["status"], task["assigned_to_you"], task["closed_by_you"]) == (
        "taken_down",
        False,
        True,
    )
    part = _staff_part(_page(client))
    assert "Offline te halen publicaties voor u of door u afgesloten" in part
    assert "offline gehaald op" in part and "(door u afgesloten)" in part
    [theirs] = _download(login(teacher_a))["as_staff"]["takedown_tasks"]
    assert (theirs["assigned_to_you"], theirs["closed_by_you"]) == (True, False)


def _monitoring_actions(director_a, teacher_a, school_a, n=0):
    """The director reported a post and marked it, dismissed a flag and approved and
    posted a reply a teacher drafted; the teacher marked another post."""
    source, _new = Source.objects.get_or_create(
        kind=Source.Kind.MANUAL, school=school_a, defaults={"name": "handmatig"}
    )
    reported = make_post(
        source, external_id=f"{n}-1", text="Boze ouder over Sem Bakker", reported_by=director_a
    )
    other = make_post(source, external_id=f"{n}-2", text="Juf liet Roos huilen")
    now = timezone.now()
    case = make_case(school_a, assigned_to=teacher_a)
    make_flag(reported, school_a, category="insult", case=case, marked_by=director_a, marked_at=now)
    make_flag(
        other, school_a, dismissed_as_false_positive=True, dismissed_by=director_a, dismissed_at=now
    )
    make_flag(other, school_a, category="privacy", marked_by=teacher_a, marked_at=now)
    PublicReply.objects.create(
        followup=case,
        text="Het klopt niet dat Sem werd buitengesloten",
        drafted_by=teacher_a,
        drafted_at=now,
        approved_by=director_a,
        approved_at=now,
        posted_by=director_a,
        posted_at=now,
        posted_url="https://social.example/reactie/1",
    )
    return case


def test_it_lists_what_they_did_in_monitoring_without_post_or_reply_text(
    login, director_a, teacher_a, school_a
):
    case = _monitoring_actions(director_a, teacher_a, school_a)
    client = login(director_a)
    actions = _download(client)["as_staff"]["monitoring_actions"]
    assert sorted((a["action"], a["school"], a["category"], a["case"]) for a in actions) == [
        ("flag_dismissed", school_a.name, "negative_experience", None),
        ("flag_marked", school_a.name, "insult", case.pk),
        ("post_reported", school_a.name, None, None),
        ("reply_approved", school_a.name, None, case.pk),
        ("reply_posted", school_a.name, None, case.pk),
    ]
    assert all(a["at"].endswith(("+01:00", "+02:00")) for a in actions)
    page = _page(client)
    part = _staff_part(page)
    assert "Wat u deed in de monitoring" in part
    assert "OBS De Vlindertuin: bericht gemeld" in part
    assert "bericht gemarkeerd als “belediging of bedreiging” (zaak " in part
    assert "signaal “negatieve ervaring” afgewezen als onterecht" in part
    assert f"openbare reactie goedgekeurd (zaak {case.pk})" in part
    assert f"openbare reactie als geplaatst vastgelegd (zaak {case.pk})" in part
    for text in ("Boze", "Sem", "Roos", "klopt", "social.example", "privacy van een leerling"):
        assert text not in page
    drafted = _download(login(teacher_a))["as_staff"]["monitoring_actions"]
    assert sorted(a["action"] for a in drafted) == ["flag_marked", "reply_drafted"]


def _protocol_changed(user, summary: str) -> ProtocolVersion:
    draft = version_draft_start(by=user)
    article_update(article=draft.articles.get(anchor="communiceren-2"), text="Anders gezegd.")
    version_update_summary(version=draft, summary=summary)
    return version_publish(version=draft, by=user)


def test_it_lists_the_texts_they_published(login, board):
    purpose_version_publish(
        user=board, purpose=purpose("website"), text="Een nieuwe tekst.", kind="correction"
    )
    draft = _protocol_changed(board, "Een artikel over reacties erbij.")
    client = login(board)
    texts = _download(client)["as_staff"]["texts"]
    assert sorted((t["text"], t["channel"], t["version"], t["kind"]) for t in texts) == [
        ("channel_text", "Website van de school", 2, "correction"),
        ("protocol_draft", None, draft.number, None),
        ("protocol_published", None, draft.number, "revision"),
    ]
    part = _staff_part(_page(client))
    assert "Teksten die u schreef of publiceerde" in part
    assert "Website van de school: tekstversie 2 gepubliceerd op" in part
    assert f"Protocol versie {draft.number}: concept begonnen op" in part
    assert f"Protocol versie {draft.number} gepubliceerd op" in part
    assert "Een nieuwe tekst" not in part and "reacties erbij" not in part


def test_it_counts_the_changes_they_made_for_others_per_school_without_names(
    login, board, director_a, teacher_a, other_teacher, school_a, pupil_a, parent_a
):
    for user in (teacher_a, other_teacher):
        membership_added(StaffMembership.objects.get(user=user), by=director_a, via=Via.PAGE)
    membership_ended(StaffMembership.objects.get(user=teacher_a), by=director_a, via=Via.PAGE)
    membership_added(StaffMembership.objects.get(user=director_a), by=board, via=Via.ADMIN)
    GezagChange.objects.create(
        change=GezagChange.Change.LINKED_GEZAG,
        pupil=pupil_a,
        guardian=parent_a,
        guardian_name=parent_a.full_name,
        guardian_email=parent_a.email,
        by=director_a,
        by_name=director_a.full_name,
        via=Via.ADMIN,
    )
    client = login(director_a)
    changes = _download(client)["as_staff"]["changes_made"]
    assert [(c["change"], c["school"], c["count"]) for c in changes] == [
        ("gezag", school_a.name, 1),
        ("group", school_a.name, 1),  # the end of teacher A's role ended their group too
        ("membership", school_a.name, 3),
    ]
    assert changes[2]["first_at"] <= changes[2]["last_at"]
    page = _page(client)
    part = _staff_part(page)
    assert "OBS De Vlindertuin: 3 wijzigingen in de rollen van medewerkers" in part
    assert "OBS De Vlindertuin: 1 wijziging in wie gezag heeft over een leerling, op " in part
    assert "OBS De Vlindertuin: 1 wijziging in de groepen van leerkrachten" in part
    for who in (teacher_a, other_teacher, parent_a, board):
        assert who.full_name not in part and who.email not in part
    # the board's one change (the director added) is the board's, not the director's
    assert [c["count"] for c in _download(login(board))["as_staff"]["changes_made"]] == [1]


def _parents_with_open_questions(school, n: int, start: int = 0) -> None:
    for number in range(start, start + n):
        user = make_user(f"herinner{number}@example.org", full_name=f"Ouder Herinner{number}")
        pupil = Pupil.objects.create(
            school=school,
            leerlingnummer=f"H{number}",
            first_name=f"Kind{number}",
            last_name="Herinner",
            birth_date=datetime.date(2018, 5, 4),
        )
        Guardianship.objects.create(user=user, pupil=pupil, has_parental_authority=True)


def test_it_counts_the_reminders_they_sent_per_school_without_to_whom(
    login, director_a, board, school_a, school_b, parent_a, parent_b
):
    _parents_with_open_questions(school_a, 1)
    client = login(director_a)
    client.post(reverse("consent:remind", args=[school_a.code]))  # Ouder A and one more
    reminders_send(school=school_b, by=board)  # the board's, for another school
    ReminderSent.objects.create(user=parent_b, week="2026-W01")  # from before: no sender
    [sent] = _download(client)["as_staff"]["reminders_sent"]
    assert (sent["school"], sent["count"]) == (school_a.name, 2)
    assert sent["first_at"] == sent["last_at"]
    part = _staff_part(_page(client))
    assert "OBS De Vlindertuin: 2 herinneringen verstuurd aan ouders, van " in part
    assert "Wie vóór 7 december 2026 een herinnering stuurde, is niet vastgelegd." in part
    for who in (parent_a, parent_b, board):
        assert who.full_name not in part and who.email not in part
    assert "Herinner0" not in part and "Sem" not in part
    # the board's one reminder is the board's, at the school it sent for
    [by_board] = _download(login(board))["as_staff"]["reminders_sent"]
    assert (by_board["school"], by_board["count"]) == (school_b.name, 1)


def test_a_reminder_of_a_school_deleted_since_is_counted_without_a_school(
    login, director_a, school_a, parent_a
):
    reminders_send(school=school_a, by=director_a)
    ReminderSent.objects.update(sent_from=None)  # as SET_NULL leaves it
    client = login(director_a)
    [sent] = _download(client)["as_staff"]["reminders_sent"]
    assert (sent["school"], sent["count"]) == (None, 1)
    assert "geen school: 1 herinnering verstuurd aan ouders, op " in _staff_part(_page(client))


def _flag_dismissed(user, school):
    post = make_post(make_source(), text="Een bericht")
    make_flag(post, school, dismissed_as_false_positive=True, dismissed_by=user)


def _post_reported(user, school):
    make_post(make_source(kind=Source.Kind.MANUAL, url="", school=school), reported_by=user)


def _reply_approved(user, school):
    case = make_case(school)
    now = timezone.now()
    PublicReply.objects.create(
        followup=case, text="x", drafted_at=now, approved_by=user, approved_at=now
    )


def _channel_text(user, school):
    purpose_version_publish(user=user, purpose=purpose("website"), text="Nieuw.", kind="correction")


def _protocol_drafted(user, school):
    version_draft_start(by=user)


def _membership_changed(user, school):
    colleague = make_staff("collega@example.org", Role.TEACHER, school)
    membership_added(StaffMembership.objects.get(user=colleague), by=user, via=Via.PAGE)


def _reminder_sent(user, school):
    _parents_with_open_questions(school, 1)
    reminders_send(school=school, by=user)


def _gezag_changed(user, school):
    GezagChange.objects.create(
        change=GezagChange.Change.LINKED,
        pupil=Pupil.objects.filter(school=school).first(),
        guardian_email="x@example.org",
        by=user,
        via=Via.ADMIN,
    )


@pytest.mark.parametrize(
    "trace",
    [
        _flag_dismissed,
        _post_reported,
        _reply_approved,
        _channel_text,
        _protocol_drafted,
        _membership_changed,
        _gezag_changed,
        _reminder_sent,
    ],
)
def test_a_former_staff_member_with_only_a_later_kind_of_trace_gets_a_staff_part(
    login, director_a, school_a, pupil_a, trace
):
    """No membership left: the one query that asks whether there is a staff part knows
    every kind of trace, not only the first eight."""
    StaffMembership.objects.filter(user=director_a).delete()
    trace(director_a, school_a)
    assert _download(login(director_a))["as_staff"] is not None


def test_a_former_staff_member_whose_only_trace_is_a_takedown_they_closed_gets_it(
    login, checked, director_a
):
    takedown_complete(task=TakedownTask.objects.get(), user=director_a)
    StaffMembership.objects.filter(user=director_a).delete()
    [task] = _download(login(director_a))["as_staff"]["takedown_tasks"]
    assert task["closed_by_you"] is True


def test_a_former_staff_member_still_finds_their_checks(login, checked, teacher_a):
    """No membership left (they moved on, their account kept): what they did is theirs."""
    StaffMembership.objects.filter(user=teacher_a).delete()
    teacher_a.refresh_from_db()
    staff = _download(login(teacher_a))["as_staff"]
    assert staff["roles"] == [] and len(staff["publication_checks"]) == 1


def test_a_parent_gets_no_staff_part(login, checked, parent_a):
    client = login(parent_a)
    assert _download(client)["as_staff"] is None
    assert 'id="as-staff"' not in _page(client)


def test_a_teacher_who_is_a_parent_sees_both_parts_each_their_own(
    login, checked, teacher_parent, pupil_a, pupil_b
):
    """Teaches at school B, parent of Sem at school A. Their own check at school B is in
    the staff part without Bram's name; teacher A's check of Sem is in the parent part
    only (with Sem: their child), never in the staff part."""
    publication_check_create(
        user=teacher_parent, purpose=purpose("website"), media_type="video", pupils=[pupil_b]
    )
    client = login(teacher_parent)
    data = _download(client)
    assert [c["school"] for c in data["as_staff"]["publication_checks"]] == ["OBS Het Zwanenhof"]
    assert data["as_staff"]["takedown_tasks"] == []
    assert [r["pupil"] for c in data["publication_checks"] for r in c["results"]] == [pupil_a.pk]
    page = _page(client)
    part = _staff_part(page)
    assert "OBS Het Zwanenhof, Website van de school, film" in part
    assert "OBS De Vlindertuin" not in part
    assert "Bram" not in page and "Visser" not in page
    assert "Sem" in page[: page.index('id="as-staff"')]


def test_another_staff_member_sees_none_of_it(login, checked, other_teacher):
    staff = _download(login(other_teacher))["as_staff"]
    assert staff["publication_checks"] == [] and staff["takedown_tasks"] == []


def _more_of_everything(teacher_a, director_a, parent_a, pupil_a, pupil_a2, school_a, board):
    for _ in range(3):
        decide(pupil_a, parent_a, "sociale-media", "photo", True)
        publication_check_create(
            user=teacher_a, purpose=purpose("sociale-media"), media_type="photo", pupils=[pupil_a]
        )
        decide(pupil_a, parent_a, "sociale-media", "photo", False)
        make_case(school_a, assigned_to=teacher_a)
        decide(pupil_a, parent_a, "pers", "audio", True, method="phone", recorded_by=teacher_a)
    extra = StaffMembership.objects.create(user=teacher_a, role=Role.DIRECTOR, school=school_a)
    membership_added(extra, by=board, via=Via.ADMIN)
    membership_ended(extra, by=board, via=Via.ADMIN)
    acknowledgement_record(
        user=teacher_a, version=ProtocolVersion.objects.filter(status="published").latest("number")
    )
    review_round_open(school=school_a, user=teacher_a)
    # and of the later kinds: takedowns they closed, what they did in monitoring, texts
    # they published, changes they made for others (each in both roles where there are two)
    for task in TakedownTask.objects.filter(assigned_to=teacher_a):
        takedown_complete(task=task, user=teacher_a)
    for n in range(3):
        _monitoring_actions(teacher_a, teacher_a, school_a, n)
        purpose_version_publish(
            user=teacher_a, purpose=purpose("website"), text=f"Tekst {n}.", kind="correction"
        )
        colleague = make_staff(f"collega{n}@example.org", Role.TEACHER, school_a)
        membership_added(StaffMembership.objects.get(user=colleague), by=teacher_a, via=Via.PAGE)
        GezagChange.objects.create(
            change=GezagChange.Change.LINKED,
            pupil=pupil_a,
            guardian_email=f"ouder{n}@example.org",
            by=teacher_a,
            via=Via.ADMIN,
        )
    _protocol_changed(teacher_a, "Meer.")
    # reminders they sent (as the director they were above)
    _parents_with_open_questions(school_a, 3, start=10)
    reminders_send(school=school_a, by=teacher_a)
    teacher_a.__dict__.pop("_opo_memberships", None)


@pytest.mark.parametrize("name", ["consent:my_data", "consent:my_data_json"])
def test_it_reads_the_staff_part_in_a_fixed_number_of_queries(
    request, login, django_assert_num_queries, checked, teacher_a, director_a, parent_a, name
):
    client = login(teacher_a)
    client.get(reverse(name))  # the session's user, cached (accounts.user_cache)
    # The user and their memberships (the session), then the parent's parts as for
    # anyone without a child (consent/tests/test_my_data.py: guardianships, decisions,
    # review confirmations, the channels with their versions, the children's
    # gezag-holders, the other e-mail addresses, reminders sent, the reminder stop; no
    # checks or takedowns of no child): 10; the page also the staff banner's "protocol
    # read?" (policy.banners); and the staff part's eight: roles now (each with when it
    # began), roles ended, checks (their pupils counted), takedowns, cases, protocol
    # confirmations, review rounds opened, decisions recorded; and two more, each one
    # UNION: what they did in monitoring and the texts they published (flags marked or
    # dismissed, posts reported, replies drafted, approved or posted, channel texts,
    # protocol drafts and releases), and the changes they made for others (staff
    # memberships and gezag, counted per school). The takedowns closed by them are in
    # the takedowns' query. No query asks whether there is a staff part: the memberships
    # say so.
    expected = {"consent:my_data": 10 + 1 + 10, "consent:my_data_json": 10 + 10}[name]
    expected -= _no_query_for_no_children()
    with django_assert_num_queries(expected):
        assert client.get(reverse(name)).status_code == 200
    _more_of_everything(
        teacher_a,
        director_a,
        parent_a,
        *(request.getfixturevalue(f) for f in ("pupil_a", "pupil_a2", "school_a", "board")),
    )
    assert TakedownTask.objects.filter(assigned_to=teacher_a).count() == 4
    staff = _download(client)["as_staff"]
    assert len(staff["monitoring_actions"]) == 3 * 7 and len(staff["texts"]) == 3 + 2
    assert [c["count"] for c in staff["changes_made"]] == [3, 3]
    assert [r["count"] for r in staff["reminders_sent"]] == [4]  # Ouder A's and three more
    with django_assert_num_queries(expected):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_speaks_one_language(login, checked, teacher_a, director_a, school_a, language):
    """Every line of the staff part, in Dutch with "u" or in English, nothing left over."""
    make_case(school_a, assigned_to=teacher_a)
    acknowledgement_record(
        user=teacher_a, version=ProtocolVersion.objects.filter(status="published").latest("number")
    )
    takedown_complete(task=TakedownTask.objects.get(), user=teacher_a)
    _monitoring_actions(teacher_a, teacher_a, school_a)
    purpose_version_publish(
        user=teacher_a, purpose=purpose("website"), text="Nieuw.", kind="correction"
    )
    _protocol_changed(teacher_a, "Meer.")
    membership_ended(StaffMembership.objects.get(user=director_a), by=teacher_a, via=Via.PAGE)
    _gezag_changed(teacher_a, school_a)
    _reminder_sent(teacher_a, school_a)
    client = login(teacher_a)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    part = _staff_part(_page(client))
    checks = [("English", ENGLISH), ("je", INFORMAL)] if language == "nl" else [("Dutch", DUTCH)]
    problems = [
        f"[{label}]: {found}"
        for label, pattern in checks
        for found in leftovers(part, pattern, data_strings())
    ]
    assert not problems, "\n".join(problems)
    assert {"nl": "2 leerlingen gecontroleerd", "en": "2 pupils checked"}[language] in part


def test_a_check_from_before_midnight_keeps_its_day(login, teacher_a, pupil_a):
    """00:30 in Amsterdam: the file's moment has the page's day, not UTC's day before."""
    moment = datetime.datetime(2026, 3, 2, 0, 30, tzinfo=datetime.UTC) - datetime.timedelta(hours=1)
    publication_check_create(
        user=teacher_a, purpose=purpose("website"), media_type="photo", pupils=[pupil_a]
    )
    PublicationCheck.objects.update(created_at=moment)
    [check] = _download(login(teacher_a))["as_staff"]["publication_checks"]
    assert check["at"] == "2026-03-02T00:30:00+01:00"


def test_a_former_staff_members_page_runs_the_same_queries_with_more_rows(
    login, django_assert_num_queries, checked, teacher_a, parent_a, pupil_a
):
    """Without a membership one query asks whether there is a staff part at all."""
    StaffMembership.objects.filter(user=teacher_a).delete()
    client = login(teacher_a)
    client.get(reverse("consent:my_data"))
    # as a current teacher's (above), without the staff banner's query (they are no staff
    # now) and with the one that finds there is a staff part
    with django_assert_num_queries(10 + 1 + 10 - _no_query_for_no_children()):
        assert client.get(reverse("consent:my_data")).status_code == 200
    for n in range(3):
        decide(pupil_a, parent_a, "pers", "audio", True, method="phone", recorded_by=teacher_a)
        make_case(pupil_a.school, assigned_to=teacher_a)
        _monitoring_actions(teacher_a, teacher_a, pupil_a.school, n)
    with django_assert_num_queries(10 + 1 + 10 - _no_query_for_no_children()):
        assert client.get(reverse("consent:my_data")).status_code == 200
