"""Who sent a reminder: the director's (or the board's) click records the sender and the
school whose page it was on, for the sender's "Mijn gegevens" (accounts.staff_data). The
rows outlive the sender's account: they are the parent's record of being reminded and the
claim of the 7-day rule. Before, nobody could tell who sent a reminder."""

import pytest
from django.urls import reverse

from consent.models import ReminderSent
from consent.services import reminder_plan, reminders_send

pytestmark = pytest.mark.django_db


def test_the_click_records_who_sent_it_from_which_school(login, director_a, school_a, parent_a):
    response = login(director_a).post(reverse("consent:remind", args=[school_a.code]))
    assert response.status_code == 302
    [reminder] = ReminderSent.objects.all()
    assert (reminder.user, reminder.sent_by, reminder.sent_from) == (parent_a, director_a, school_a)


def test_the_board_sending_for_a_school_is_recorded_as_the_sender(login, board, school_a, parent_a):
    login(board).post(reverse("consent:remind", args=[school_a.code]))
    assert ReminderSent.objects.get().sent_by == board


def test_deleting_the_senders_account_keeps_the_reminders(director_a, school_a, parent_a):
    reminders_send(school=school_a, by=director_a)
    director_a.delete()
    [reminder] = ReminderSent.objects.all()
    assert (reminder.user, reminder.sent_by, reminder.sent_from) == (parent_a, None, school_a)
    # still the parent's reminder of the week: no second one within 7 days
    assert reminder_plan(school=school_a).recently_reminded == 1
