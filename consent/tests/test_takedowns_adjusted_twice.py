"""The times a takedown names for a post whose check was adjusted twice: checked at 09:00
(A), adjusted at 10:15 (B), adjusted again at 11:30 (C). Its open task follows the post
to C, the post as it stands; the e-mail and every card name when the post was first
checked (A) and its last adjustment (C), never the middle one as the adjustment. Since
2026-12-07 they say "laatst aangepast op" for C: an e-mail sent between B and C named B
as "Aangepast op", and the card after C then reads as the same post, adjusted again
(until then it said "aangepast op" with C's time, the same words for another time)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from conftest import make_pupil
from consent.models import Appearance, PublicationCheck, TakedownTask
from consent.services import publication_check_adjust
from consent.tests.helpers import decide, photo_checked

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
CHECKED = datetime.datetime(2027, 1, 11, 9, 0, tzinfo=AMSTERDAM)
ADJUSTED = datetime.datetime(2027, 1, 12, 10, 15, tzinfo=AMSTERDAM)
BETWEEN = datetime.datetime(2027, 1, 12, 16, 0, tzinfo=AMSTERDAM)
AGAIN = datetime.datetime(2027, 1, 13, 11, 30, tzinfo=AMSTERDAM)
AFTER = datetime.datetime(2027, 1, 13, 14, 0, tzinfo=AMSTERDAM)
LATER = datetime.datetime(2027, 1, 14, 12, 0, tzinfo=AMSTERDAM)  # the pages read


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def post(teacher_a, parent_a, school_a, group_a1, pupil_a):
    """Sem, Lotte and Daan in a photo for social media, checked on 11 January at 09:00;
    Lotte blurred on the 12th at 10:15, Daan left out on the 13th at 11:30: Sem appears
    in all three checks."""
    lotte = make_pupil(school_a, group_a1, "1009", "Lotte", "Visser")
    daan = make_pupil(school_a, group_a1, "1010", "Daan", "Smit")
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    with at(CHECKED):
        first = photo_checked(teacher_a, [pupil_a, lotte, daan])
    return first, lotte, daan


@pytest.fixture
def adjust(teacher_a):
    """The teacher adjusts a check at a moment: one pupil's appearance changed."""

    def adjust_at(check, pupil, appearance, moment) -> PublicationCheck:
        with at(moment):
            return publication_check_adjust(
                user=teacher_a, check=check, appearances={pupil.pk: appearance}
            )

    return adjust_at


@pytest.fixture
def say_no(eager_tasks, django_capture_on_commit_callbacks, parent_a, pupil_a):
    """Sem's parent says no to photos on social media at a moment; the takedown's e-mail
    goes at once."""

    def say_no_at(moment) -> None:
        with at(moment), django_capture_on_commit_callbacks(execute=True):
            decide(pupil_a, parent_a, "sociale-media", "photo", False)

    return say_no_at


@pytest.fixture
def cards(login, teacher_a, director_a, school_a):
    """The teacher's takedown page and home, the school's takedown list and the
    director's takedown page (the task is the teacher's: "bij een collega"), read later."""

    def read() -> dict[str, str]:
        with at(LATER):
            teacher_client = login(teacher_a)
            pages = {
                "takedowns": teacher_client.get(reverse("consent:takedowns")),
                "home": teacher_client.get(reverse("accounts:home_teacher")),
            }
            director_client = login(director_a)
            pages["school"] = director_client.get(
                reverse("consent:school_takedowns", args=[school_a.code])
            )
            pages["director"] = director_client.get(reverse("consent:takedowns"))
        return {name: page.content.decode() for name, page in pages.items()}

    return read


def assert_cards_name_the_first_check_and_the_last_adjustment(pages: dict[str, str]) -> None:
    """The teacher's and the director's cards name the first check and the last
    adjustment as the last; no page names the middle one."""
    assert (
        "gecontroleerd op 11 januari 2027 09:00, laatst aangepast op 13 januari 2027 11:30"
        in (pages["takedowns"])
    )
    assert (
        "op 11 januari 2027 09:00, laatst aangepast op 13 januari 2027 11:30" in (pages["director"])
    )
    for name, page in pages.items():
        assert "12 januari" not in page, name


def test_a_no_after_the_second_adjustment_names_the_first_check_and_the_last_adjustment(
    post, adjust, say_no, cards
):
    first, lotte, daan = post
    middle = adjust(first, lotte, Appearance.UNRECOGNISABLE, ADJUSTED)
    last = adjust(middle, daan, Appearance.LEFT_OUT, AGAIN)
    say_no(AFTER)

    assert TakedownTask.objects.get().publication_check == last
    [email] = mail.outbox
    assert "die u op 11 januari 2027 " in email.body
    assert "Gecontroleerd op: 11 januari 2027 09:00" in email.body
    assert "Laatst aangepast op: 13 januari 2027 11:30" in email.body
    assert "12 januari" not in email.body
    pages = cards()
    assert_cards_name_the_first_check_and_the_last_adjustment(pages)
    assert "11 januari 2027" in pages["home"] and "januari 2027" not in pages["home"].replace(
        "11 januari 2027", ""
    )
    assert "op 11 januari 2027" in pages["school"]


def test_a_task_made_between_the_adjustments_names_the_last_one_once_it_followed_the_post(
    post, adjust, say_no, cards
):
    first, lotte, daan = post
    middle = adjust(first, lotte, Appearance.UNRECOGNISABLE, ADJUSTED)
    say_no(BETWEEN)
    # sent before the second adjustment: the post as it stood then, adjusted once
    [email] = mail.outbox
    assert "Gecontroleerd op: 11 januari 2027 09:00" in email.body
    assert "Aangepast op: 12 januari 2027 10:15" in email.body
    assert "Laatst aangepast" not in email.body

    last = adjust(middle, daan, Appearance.LEFT_OUT, AGAIN)

    assert TakedownTask.objects.get().publication_check == last  # it followed the post
    assert len(mail.outbox) == 1
    assert_cards_name_the_first_check_and_the_last_adjustment(cards())


def test_a_check_adjusted_once_says_adjusted_not_last_adjusted(
    login, post, adjust, say_no, teacher_a
):
    first, lotte, _daan = post
    adjust(first, lotte, Appearance.UNRECOGNISABLE, ADJUSTED)
    say_no(BETWEEN)
    [email] = mail.outbox
    assert "Aangepast op: 12 januari 2027 10:15" in email.body
    assert "Laatst" not in email.body
    with at(LATER):
        card = login(teacher_a).get(reverse("consent:takedowns")).content.decode()
    assert "gecontroleerd op 11 januari 2027 09:00, aangepast op 12 januari 2027 10:15" in card
    assert "laatst aangepast" not in card


def test_the_email_and_the_card_say_it_in_english_too(login, post, adjust, say_no, teacher_a):
    teacher_a.language = "en"
    teacher_a.save(update_fields=["language"])
    first, lotte, daan = post
    middle = adjust(first, lotte, Appearance.UNRECOGNISABLE, ADJUSTED)
    adjust(middle, daan, Appearance.LEFT_OUT, AGAIN)
    say_no(AFTER)
    [email] = mail.outbox
    assert "Checked on: 11 January 2027 09:00" in email.body
    assert "Last adjusted on: 13 January 2027 11:30" in email.body
    with at(LATER):
        client = login(teacher_a)
        card = client.get(reverse("consent:takedowns"), HTTP_ACCEPT_LANGUAGE="en")
    assert "checked on 11 January 2027 09:00, last adjusted on 13 January 2027 11:30" in (
        card.content.decode()
    )


def post_adjusted_twice(teacher, pupil, school, group, number: int) -> None:
    """A photo of the pupil and a classmate, the classmate blurred, then left out."""
    classmate = make_pupil(school, group, f"20{number}", "Lotte", "Visser")
    check = photo_checked(teacher, [pupil, classmate])
    middle = publication_check_adjust(
        user=teacher, check=check, appearances={classmate.pk: Appearance.UNRECOGNISABLE}
    )
    publication_check_adjust(
        user=teacher, check=middle, appearances={classmate.pk: Appearance.LEFT_OUT}
    )


@pytest.mark.parametrize(("reader", "queries"), [("teacher_a", 7), ("director_a", 8)])
def test_the_takedown_page_reads_twice_adjusted_posts_in_a_fixed_number_of_queries(
    request,
    login,
    teacher_a,
    director_a,
    parent_a,
    pupil_a,
    school_a,
    group_a1,
    reader,
    queries,
    django_assert_num_queries,
):
    """The teacher's own cards and the director's "bij een collega": each task's check
    with the one it replaces, in the query of the tasks."""
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    post_adjusted_twice(teacher_a, pupil_a, school_a, group_a1, 0)
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    client = login(request.getfixturevalue(reader))
    client.get(reverse("consent:takedowns"))  # sessions and caches warm
    # the session's user, their memberships, the own tasks, (a director) the colleagues'
    # tasks, whether they may appear again (channels, gezag-holders, decisions), the page
    # scalars (banner, menu count)
    with django_assert_num_queries(queries) as one:
        client.get(reverse("consent:takedowns"))
    decide(pupil_a, parent_a, "sociale-media", "photo", True)
    for number in (1, 2):
        post_adjusted_twice(teacher_a, pupil_a, school_a, group_a1, number)
    decide(pupil_a, parent_a, "sociale-media", "photo", False)
    assert TakedownTask.objects.filter(done_at__isnull=True).count() == 3
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("consent:takedowns")).content.decode()
    assert page.count("laatst aangepast op") == 3
