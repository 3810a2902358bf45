"""A reminder's record (which parent was e-mailed a reminder, in which week) is kept no
longer than the portal's other records: the daily retention run deletes those sent before
the first day the term keeps (on 1 August 2026: reminders of 31 July 2024 and before).
Nothing needs them by then: the one-a-week limit and the attention list read the last 7
days, the coverage chart 8 weeks, and the e-mail itself went from the outbox after 30."""

import datetime

import time_machine

from consent.models import ReminderSent
from schools.tasks import erase_left_pupils

AMSTERDAM = datetime.timezone(datetime.timedelta(hours=2))
KEPT_FROM = datetime.datetime(2024, 8, 1, tzinfo=AMSTERDAM)  # 00:00 in Amsterdam


def sent(user, when: datetime.datetime, week: str) -> None:
    ReminderSent.objects.create(user=user, week=week, sent_at=when)


def test_the_retention_run_deletes_reminders_sent_before_the_term(parent_a, parent_b):
    sent(parent_a, KEPT_FROM - datetime.timedelta(seconds=1), "2024-W31")
    sent(parent_b, KEPT_FROM, "2024-W31")
    sent(parent_a, datetime.datetime(2026, 7, 27, 9, tzinfo=AMSTERDAM), "2026-W31")
    with time_machine.travel(datetime.datetime(2026, 7, 31, 12, tzinfo=AMSTERDAM), tick=False):
        erase_left_pupils.apply()  # kept from 1 August 2023: all three stay
    assert ReminderSent.objects.count() == 3
    with time_machine.travel(datetime.datetime(2026, 8, 1, 12, tzinfo=AMSTERDAM), tick=False):
        erase_left_pupils.apply()
    kept = ReminderSent.objects.order_by("sent_at").values_list("user__email", "week")
    assert list(kept) == [("ouder.b@example.org", "2024-W31"), ("ouder.a@example.org", "2026-W31")]
