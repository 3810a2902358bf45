"""Report numbers, CSV export, and the monthly digest without post text."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consent.tests.helpers import html_of
from monitoring import notifications, reports
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source

pytestmark = pytest.mark.django_db


def at(y, m, d):
    return datetime.datetime(y, m, d, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def history(school_a, school_b):
    source = make_source()
    posts = iter(make_post(source, str(i), f"Geheime posttekst {i}") for i in range(100))
    # November 2026: 2 negative, 1 insult, 1 positive, 1 dismissed negative (false positive)
    for category in ("negative_experience", "negative_experience", "insult", "positive"):
        make_flag(next(posts), school_a, category, created_at=at(2026, 11, 3))
    make_flag(
        next(posts),
        school_a,
        "negative_experience",
        created_at=at(2026, 11, 4),
        dismissed_as_false_positive=True,
    )
    # October: 1 verify_fact; September: 3 negative; another school: ignored
    make_flag(next(posts), school_a, "verify_fact", created_at=at(2026, 10, 10))
    for _ in range(3):
        make_flag(next(posts), school_a, "negative_experience", created_at=at(2026, 9, 10))
    make_flag(next(posts), school_b, "insult", created_at=at(2026, 11, 3))
    # Conversations held in November after 2, 4 and 9 days; one case still open
    for opened, held in ((1, 3), (2, 6), (1, 10)):
        make_case(
            school_a,
            opened_at=at(2026, 11, opened),
            held_on=datetime.date(2026, 11, held),
            status="conversation_held",
        )
    make_case(
        school_a,
        opened_at=at(2026, 10, 1),
        held_on=datetime.date(2026, 10, 30),
        status="closed",
        closed_at=at(2026, 10, 31),
    )
    make_case(school_a, opened_at=at(2026, 11, 8))
    return school_a


def test_it_counts_flags_per_category_for_the_month(history):
    report = reports.school_report(school=history, month=datetime.date(2026, 11, 1))
    assert report.counts == {"negative_experience": 2, "insult": 1, "positive": 1}


def test_it_shows_the_trend_of_the_previous_months(history):
    report = reports.school_report(school=history, month=datetime.date(2026, 11, 1))
    assert [m.month for m in report.trend][0] == datetime.date(2026, 6, 1)
    assert [m.needs_attention for m in report.trend] == [0, 0, 0, 3, 1, 3]


def test_it_counts_open_cases_and_the_median_days_to_a_conversation(history):
    report = reports.school_report(school=history, month=datetime.date(2026, 11, 1))
    assert report.open_cases == 4
    assert report.conversations_held == 3
    assert report.median_days_to_conversation == 4


def test_it_gives_the_false_positive_share(history):
    report = reports.school_report(school=history, month=datetime.date(2026, 11, 1))
    assert (report.false_positives, report.flags_total) == (1, 5)
    assert report.false_positive_share == pytest.approx(0.2)


def test_it_exports_the_report_as_csv(login, director_a, history):
    history.name = "=cmd|' /C calc'!A0"
    history.save()
    url = reverse("monitoring:report_csv") + "?school=vlindertuin&month=2026-11"
    response = login(director_a).get(url)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["School", "Maand", "Categorie", "Aantal signalen"]
    evil = "'=cmd|' /C calc'!A0"  # formula-safe: the leading ' keeps it text
    assert {row[0] for row in rows[1:]} == {evil}
    assert [evil, "11-2026", "negatieve ervaring", "2"] in rows
    measures = login(director_a).get(url + "&tabel=kengetallen").content.decode("utf-8-sig")
    assert "mediaan dagen van signaal tot eerste gesprek;4" in measures
    # counted at the month's end, as the report page says (a past month)
    assert "open zaken op 30 november 2026;" in measures


def test_it_exports_a_half_day_median_as_dutch_excel_reads_a_number(login, director_a, history):
    # A fourth conversation (after 7 days) makes the median 5.5: written as "5.5", Dutch
    # Excel (decimal comma) does not read it as the number the report page shows ("5,5").
    make_case(
        history,
        opened_at=at(2026, 11, 3),
        held_on=datetime.date(2026, 11, 10),
        status="conversation_held",
    )
    url = reverse("monitoring:report_csv") + "?school=vlindertuin&month=2026-11&tabel=kengetallen"
    measures = login(director_a).get(url).content.decode("utf-8-sig")
    assert "mediaan dagen van signaal tot eerste gesprek;5,5\r\n" in measures


def test_it_renders_an_accessible_svg_chart_with_a_data_table(login, director_a, history):
    response = login(director_a).get(
        reverse("monitoring:report") + "?school=vlindertuin&month=2026-11"
    )
    body = response.content.decode()
    assert "<svg" in body and '<title id="chart-title">' in body and "<desc" in body
    # the chart's numbers, in a region that scrolls on its own on a phone
    assert 'aria-labelledby="trend-caption"' in body and '<caption id="trend-caption">' in body


def test_it_keeps_a_director_to_their_own_school_report(login, director_b, history):
    response = login(director_b).get(
        reverse("monitoring:report") + "?school=vlindertuin&month=2026-11"
    )
    assert response.status_code == 404  # out of reach, as another school's code in a path
    assert "Sem" not in html_of(response)


def test_it_rejects_a_bad_month(login, director_a, history):
    response = login(director_a).get(
        reverse("monitoring:report") + "?school=vlindertuin&month=nonsense"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("month", ["0001-01", "1999-12", "2101-01", "9999-12"])
@pytest.mark.parametrize("name", ["monitoring:report", "monitoring:report_csv"])
def test_it_rejects_a_month_out_of_range(login, director_a, history, name, month):
    client = login(director_a)
    client.raise_request_exception = False
    response = client.get(reverse(name), {"school": "vlindertuin", "month": month})
    assert response.status_code == 400
    if name == "monitoring:report":
        assert "Kies een maand van 2000 tot en met 2100." in response.content.decode()


def test_it_sends_each_director_a_digest_without_post_text(history, director_a, director_b):
    from outbox.services import duties_sweep

    sent = notifications.monthly_digest_send(today=datetime.date(2026, 12, 1))
    assert sent == 2
    assert duties_sweep() == 2
    to_a = next(m for m in mail.outbox if m.to == [director_a.email])
    assert "2" in to_a.body and "Geheime posttekst" not in to_a.body
    assert all("Geheime posttekst" not in m.body + m.subject for m in mail.outbox)


@pytest.mark.parametrize(
    ("language", "subject", "month"),
    [
        ("nl", "Monitoringoverzicht november 2026: OBS De Vlindertuin", "november 2026"),
        ("en", "Monitoring digest November 2026: OBS De Vlindertuin", "November 2026"),
    ],
)
def test_the_digest_names_its_month_in_the_subject_as_in_its_text(
    history, director_a, language, subject, month
):
    """The subject said "11-2026" while the text said "november 2026"."""
    from accounts.languages import language_remember
    from outbox.services import duties_sweep

    language_remember(director_a.pk, language)
    notifications.monthly_digest_send(today=datetime.date(2026, 12, 1))
    duties_sweep()
    to_a = next(m for m in mail.outbox if m.to == [director_a.email])
    assert to_a.subject == f"[OPO Portal] {subject}"
    assert f"OBS De Vlindertuin, {month}." in to_a.body


def test_it_writes_svg_coordinates_with_dots_in_dutch(login, director_a, history):
    response = login(director_a).get(
        reverse("monitoring:report") + "?school=vlindertuin&month=2026-11",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    svg = response.content.decode().split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'x="43.5"' in svg
    assert not re.search(r'="\d+,\d"', svg)


def test_it_counts_cases_opened_per_month_and_category(school_a, school_b):
    source = make_source()
    posts = iter(make_post(source, str(i), "tekst") for i in range(10))
    november = make_case(school_a, opened_at=at(2026, 11, 2))
    make_flag(next(posts), school_a, "insult", november, created_at=at(2026, 11, 2))
    make_flag(next(posts), school_a, "privacy", november, created_at=at(2026, 11, 2))
    september = make_case(school_a, opened_at=at(2026, 9, 2))
    make_flag(next(posts), school_a, "insult", september, created_at=at(2026, 9, 2))
    other = make_case(school_b, opened_at=at(2026, 11, 2))
    make_flag(next(posts), school_b, "insult", other, created_at=at(2026, 11, 2))
    rows = dict(reports.cases_per_category(school=school_a, month=datetime.date(2026, 11, 1)))
    # June … November
    assert rows["belediging of bedreiging"] == [0, 0, 0, 1, 0, 1]
    assert rows["privacy van een leerling"] == [0, 0, 0, 0, 0, 1]
    assert rows["negatieve ervaring"] == [0] * 6


def test_it_charts_cases_per_category_with_a_table(login, director_a, history):
    response = login(director_a).get(
        reverse("monitoring:report") + "?school=vlindertuin&month=2026-11"
    )
    body = response.content.decode()
    assert '<title id="cases-chart-title">' in body and '<desc id="cases-chart-desc">' in body
    assert '<caption id="cases-caption">' in body


def test_it_counts_the_cases_open_at_the_end_of_the_month(school_a, school_b):
    """Not the cases open when the report is read: a digest sent, or a past month's report
    read, later counted cases opened since and left out those closed since."""
    make_case(school_a, opened_at=at(2026, 11, 20), status="closed", closed_at=at(2026, 12, 2))
    make_case(school_a, opened_at=at(2026, 10, 2))  # still open
    make_case(school_a, opened_at=at(2026, 12, 3))  # opened since
    make_case(school_a, opened_at=at(2026, 12, 4), status="conversation_held")
    make_case(school_a, opened_at=at(2026, 11, 2), status="no_action", closed_at=at(2026, 11, 5))
    make_case(school_b, opened_at=at(2026, 11, 2))
    report = reports.school_report(school=school_a, month=datetime.date(2026, 11, 1))
    assert report.open_cases == 2


def test_the_report_and_the_digest_say_when_the_open_cases_were_counted(login, director_a, history):
    from outbox.services import duties_sweep

    with time_machine.travel(at(2026, 12, 10), tick=False):
        client = login(director_a)
        url = reverse("monitoring:report") + "?school=vlindertuin&month="
        november = html_of(client.get(url + "2026-11", HTTP_ACCEPT_LANGUAGE="nl"))
        december = html_of(client.get(url + "2026-12", HTTP_ACCEPT_LANGUAGE="nl"))
        notifications.monthly_digest_send(today=datetime.date(2026, 12, 1))
        duties_sweep()
    assert "<dt>Open zaken op 30 november 2026</dt><dd>4</dd>" in november
    assert "<dt>Open zaken nu</dt><dd>4</dd>" in december
    digest = next(m for m in mail.outbox if m.to == [director_a.email])
    assert "Open zaken op 30 november 2026: 4" in digest.body


def test_the_export_of_the_month_under_way_counts_the_open_cases_now(login, director_a, history):
    month = timezone.localdate().strftime("%Y-%m")
    url = reverse("monitoring:report_csv") + f"?school=vlindertuin&month={month}"
    measures = login(director_a).get(url + "&tabel=kengetallen").content.decode("utf-8-sig")
    assert "open zaken nu;" in measures


# --- The first conversation (a second one planned moves it into earlier_conversations) ---


def _first_held_then_another_planned(school, *, opened, held, planned):
    """A case opened on `opened`, its conversation held on `held`, and then another
    planned for `planned`: the first moves into earlier_conversations, held_on empties."""
    from monitoring import services

    case = make_case(school, opened_at=opened)
    services.followup_update(case=case, status="conversation_planned", planned_for=held, now=opened)
    when = at(held.year, held.month, held.day)
    services.followup_update(case=case, status="conversation_held", held_on=held, now=when)
    services.followup_update(
        case=case, status="conversation_planned", planned_for=planned, now=when
    )
    return case


def test_it_counts_a_case_by_its_first_conversation_when_another_is_planned(school_a, director_a):
    """The first conversation, held 2 days after the flag, counted as none once a second
    one was planned (the report read held_on only)."""
    from outbox.services import duties_sweep

    case = _first_held_then_another_planned(
        school_a,
        opened=at(2026, 11, 1),
        held=datetime.date(2026, 11, 3),
        planned=datetime.date(2026, 11, 20),
    )
    assert (case.held_on, len(case.earlier_conversations)) == (None, 1)
    report = reports.school_report(school=school_a, month=datetime.date(2026, 11, 1))
    assert (report.conversations_held, report.median_days_to_conversation) == (1, 2)
    # the digest reads the same figures
    notifications.monthly_digest_send(today=datetime.date(2026, 12, 1))
    duties_sweep()
    to_a = next(m for m in mail.outbox if m.to == [director_a.email])
    assert "Zaken met hun eerste gesprek: 1\n" in to_a.body
    assert "Mediaan aantal dagen van signaal tot eerste gesprek: 2\n" in to_a.body


@pytest.mark.parametrize(("waits", "shown"), [((2, 4), "3"), ((2, 5), "3,5")])
def test_the_digest_writes_the_median_as_the_report_page_does(school_a, director_a, waits, shown):
    """An even number of cases gives a median as a float: the digest wrote "3,0" where
    the page showed "3"."""
    from outbox.services import duties_sweep

    for wait in waits:
        make_case(
            school_a,
            opened_at=at(2026, 11, 1),
            held_on=datetime.date(2026, 11, 1 + wait),
            status="conversation_held",
        )
    notifications.monthly_digest_send(today=datetime.date(2026, 12, 1))
    duties_sweep()
    to_a = next(m for m in mail.outbox if m.to == [director_a.email])
    assert f"Mediaan aantal dagen van signaal tot eerste gesprek: {shown}\n" in to_a.body


def test_it_does_not_count_a_second_conversation_as_the_first(school_a):
    """The second conversation, held in December, is not a December case's wait of 31
    days: the case waited 2 days, in November."""
    from monitoring import services

    case = _first_held_then_another_planned(
        school_a,
        opened=at(2026, 11, 1),
        held=datetime.date(2026, 11, 3),
        planned=datetime.date(2026, 12, 2),
    )
    services.followup_update(
        case=case,
        status="conversation_held",
        held_on=datetime.date(2026, 12, 2),
        now=at(2026, 12, 2),
    )
    december = reports.school_report(school=school_a, month=datetime.date(2026, 12, 1))
    assert (december.conversations_held, december.median_days_to_conversation) == (0, None)
    november = reports.school_report(school=school_a, month=datetime.date(2026, 11, 1))
    assert (november.conversations_held, november.median_days_to_conversation) == (1, 2)


def test_a_past_month_reads_the_same_after_retention_erased_the_earlier_conversations(
    school_a, settings
):
    """Retention empties a closed case's earlier conversations with its notes: the report
    then read the held date, the last conversation's, so November lost a case (and its
    median) to December, where it waited 31 days. The first conversation's bare date is
    kept (FollowUp.first_held_on): every month reads as before."""
    from monitoring import services
    from monitoring.models import FollowUp

    settings.MONITORING_FLAGGED_RETENTION_DAYS = 180
    twice = _first_held_then_another_planned(
        school_a,
        opened=at(2026, 11, 1),
        held=datetime.date(2026, 11, 3),
        planned=datetime.date(2026, 12, 2),
    )
    services.followup_update(
        case=twice,
        status="conversation_held",
        held_on=datetime.date(2026, 12, 2),
        now=at(2026, 12, 2),
    )
    once = make_case(school_a, opened_at=at(2026, 11, 2))
    services.followup_update(
        case=once,
        status="conversation_held",
        held_on=datetime.date(2026, 11, 10),
        now=at(2026, 11, 10),
    )
    for case in (twice, once):
        services.followup_update(case=case, status="closed", now=at(2026, 12, 3))

    def figures():
        return [
            (report.conversations_held, report.median_days_to_conversation)
            for month in (datetime.date(2026, 11, 1), datetime.date(2026, 12, 1))
            for report in [reports.school_report(school=school_a, month=month)]
        ]

    before = figures()
    assert services.posts_apply_retention(now=at(2027, 7, 1)).case_notes_erased == 1
    assert FollowUp.objects.get(pk=twice.pk).earlier_conversations == []
    assert figures() == before == [(2, 5), (0, None)]


def test_it_leaves_out_a_case_whose_first_conversation_has_no_date(school_a):
    """An earlier conversation read from the notes as held on "?" (migration 0027): its
    day is unknown, so the case has no wait to count and no month to count it in; the
    later conversation is not its first."""
    make_case(
        school_a,
        opened_at=at(2026, 11, 1),
        held_on=datetime.date(2026, 11, 10),
        status="conversation_held",
        earlier_conversations=[{"held": None, "planned": "2026-11-02"}],
    )
    report = reports.school_report(school=school_a, month=datetime.date(2026, 11, 1))
    assert (report.conversations_held, report.median_days_to_conversation) == (0, None)


def test_a_case_whose_first_conversation_has_no_date_stays_out_after_retention(school_a, settings):
    """Retention empties the earlier conversations, the "?" among them: the report then
    read the held date, the last conversation's, and counted the case in its month, with
    its wait, after leaving it out before."""
    from monitoring import services

    settings.MONITORING_FLAGGED_RETENTION_DAYS = 180
    make_case(
        school_a,
        opened_at=at(2026, 11, 1),
        held_on=datetime.date(2026, 11, 10),
        status="closed",
        closed_at=at(2026, 11, 11),
        notes="n",
        earlier_conversations=[{"held": None, "planned": "2026-11-02"}],
    )

    def figures():
        report = reports.school_report(school=school_a, month=datetime.date(2026, 11, 1))
        return report.conversations_held, report.median_days_to_conversation

    assert figures() == (0, None)
    assert services.posts_apply_retention(now=at(2027, 7, 1)).case_notes_erased == 1
    assert figures() == (0, None)


@pytest.mark.parametrize("cases", [5, 30])
def test_the_report_reads_the_first_conversations_in_one_query(
    school_a, django_assert_num_queries, cases
):
    for i in range(cases):
        # every other one as the previous release stored it, without first_held_on
        previous_release = {"first_held_on": None} if i % 2 else {}
        make_case(
            school_a,
            opened_at=at(2026, 11, 1),
            status="conversation_planned",
            planned_for=datetime.date(2026, 11, 25),
            earlier_conversations=[
                {"held": f"2026-11-{2 + i % 5:02}", "planned": None},
                {"held": "2026-11-20", "planned": None},
            ],
            **previous_release,
        )
    # the month's flags; the cases whose first conversation was in the month (its day kept
    # on the case, FollowUp.first_held_on, else read from its conversations in the same
    # query); the open cases at the month's end
    with django_assert_num_queries(3):
        report = reports.school_report(school=school_a, month=datetime.date(2026, 11, 1))
    assert report.conversations_held == cases
    assert report.median_days_to_conversation == 3


def _as_the_previous_release_records(case, **fields):
    """A conversation recorded by a process of the release before first_held_on (still
    serving during a rolling deploy): held_on and earlier_conversations, no first_held_on."""
    from monitoring.models import FollowUp

    FollowUp.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    assert case.first_held_on is None
    return case


def test_a_first_conversation_the_previous_release_recorded_counts_in_its_month(
    school_a, director_a, settings
):
    """The previous release's processes record a conversation without first_held_on
    during the deploy: the report left such a case out for ever. It reads the day as
    migration 0030 filled it; retention fills it before it empties the earlier
    conversations, and the month reads the same after."""
    from monitoring import services
    from monitoring.models import FollowUp
    from outbox.services import duties_sweep

    settings.MONITORING_FLAGGED_RETENTION_DAYS = 180
    # its first (and only) conversation, held 4 days after the flag
    once = _as_the_previous_release_records(
        make_case(school_a, opened_at=at(2026, 11, 2)),
        status="conversation_held",
        held_on=datetime.date(2026, 11, 6),
        notes="Gesprek met de ouders gevoerd.",
    )
    # held 2 days after the flag, then another planned and held in December
    twice = _as_the_previous_release_records(
        make_case(school_a, opened_at=at(2026, 11, 1)),
        status="conversation_held",
        held_on=datetime.date(2026, 12, 2),
        earlier_conversations=[{"held": "2026-11-03", "planned": "2026-11-03"}],
    )

    def figures():
        return [
            (report.conversations_held, report.median_days_to_conversation)
            for month in (datetime.date(2026, 11, 1), datetime.date(2026, 12, 1))
            for report in [reports.school_report(school=school_a, month=month)]
        ]

    assert figures() == [(2, 3), (0, None)]
    notifications.monthly_digest_send(today=datetime.date(2026, 12, 1))
    duties_sweep()
    to_a = next(m for m in mail.outbox if m.to == [director_a.email])
    assert "Zaken met hun eerste gesprek: 2\n" in to_a.body
    for case in (once, twice):
        services.followup_update(case=case, status="closed", notes=case.notes, now=at(2026, 12, 3))
    assert services.posts_apply_retention(now=at(2027, 7, 1)).case_notes_erased == 2
    assert dict(FollowUp.objects.values_list("pk", "first_held_on")) == {
        once.pk: datetime.date(2026, 11, 6),
        twice.pk: datetime.date(2026, 11, 3),
    }
    assert FollowUp.objects.get(pk=twice.pk).earlier_conversations == []
    assert figures() == [(2, 3), (0, None)]


def test_the_report_says_it_counts_a_case_by_its_first_conversation(login, director_a, history):
    """It said "Gevoerde gesprekken deze maand", read as every conversation held that
    month; it counts the cases whose first conversation was then, each once."""
    response = login(director_a).get(
        reverse("monitoring:report") + "?school=vlindertuin&month=2026-11",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    page = html_of(response)
    assert "<dt>Zaken met hun eerste gesprek deze maand</dt><dd>3</dd>" in page
    assert "<dt>Mediaan aantal dagen van signaal tot eerste gesprek</dt><dd>4</dd>" in page
    assert "Een zaak telt één keer: in de maand van het eerste gesprek" in page
    url = reverse("monitoring:report_csv") + "?school=vlindertuin&month=2026-11&tabel=kengetallen"
    measures = login(director_a).get(url).content.decode("utf-8-sig")
    assert "zaken met hun eerste gesprek;3\r\n" in measures


def test_the_page_the_digest_and_the_key_figures_agree_on_corrected_first_conversations(
    login, school_a, director_a, settings
):
    """The previous release corrected a case's only conversation from 1 December to 28
    November during the deploy, leaving the first conversation's day it no longer knew of:
    November left the case out and December counted it. And a case whose second
    conversation was held the day of its first, reopened after retention and its day
    corrected, moved to that month. The page, the digest and the key figures read the
    conversations as they are, and the kept day once retention emptied the earlier ones."""
    from monitoring import services
    from monitoring.models import FollowUp
    from outbox.services import duties_sweep

    settings.MONITORING_FLAGGED_RETENTION_DAYS = 180

    def update(case, status, when, **dates):
        services.followup_update(case=case, status=status, now=when, **dates)

    mistyped = make_case(school_a, opened_at=at(2026, 11, 24))
    update(mistyped, "conversation_held", at(2026, 12, 1), held_on=datetime.date(2026, 12, 1))
    FollowUp.objects.filter(pk=mistyped.pk).update(held_on=datetime.date(2026, 11, 28))
    same_day = make_case(school_a, opened_at=at(2026, 11, 1))
    nov_3 = datetime.date(2026, 11, 3)
    update(same_day, "conversation_held", at(2026, 11, 3), held_on=nov_3)
    update(same_day, "conversation_planned", at(2026, 11, 3), planned_for=nov_3)
    update(same_day, "conversation_held", at(2026, 11, 3), held_on=nov_3)
    update(same_day, "closed", at(2026, 11, 4))
    services.posts_apply_retention(now=at(2027, 7, 1))
    update(same_day, "conversation_held", at(2027, 7, 1), held_on=datetime.date(2027, 1, 4))

    client = login(director_a)
    url = "?school=vlindertuin&month=2026-"
    seen = {}
    for month in ("11", "12"):
        page = html_of(client.get(reverse("monitoring:report") + url + month))
        csv_url = reverse("monitoring:report_csv") + url + month + "&tabel=kengetallen"
        key_figures = client.get(csv_url)
        rows = list(csv.reader(io.StringIO(key_figures.content.decode("utf-8-sig")), delimiter=";"))
        figures = {row[2]: row[3] for row in rows[1:]}
        seen[month] = (
            re.search(r"eerste gesprek deze maand</dt><dd>(\d+)<", page).group(1),
            figures["zaken met hun eerste gesprek"],
            figures["mediaan dagen van signaal tot eerste gesprek"],
        )
    assert seen == {"11": ("2", "2", "3"), "12": ("0", "0", "")}
    duties_sweep()
    mail.outbox.clear()  # the reopening told
    notifications.monthly_digest_send(today=datetime.date(2026, 12, 1))
    duties_sweep()
    to_a = next(m for m in mail.outbox if m.to == [director_a.email])
    assert "Zaken met hun eerste gesprek: 2\n" in to_a.body
    assert "Mediaan aantal dagen van signaal tot eerste gesprek: 3\n" in to_a.body
