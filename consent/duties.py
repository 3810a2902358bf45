"""Outbox duty handlers for consent (see outbox/services.py): one e-mail to one recipient each,
or a fan-out that records one such duty per recipient. Ids in, never pupil names; e-mails
name no pupil either: the portal shows who and what after login.
"""

import logging
import re
import unicodedata
from dataclasses import replace
from functools import partial

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.languages import in_language_of
from consent.access import allowed_again, assignee_acts
from consent.models import (
    ConflictNotice,
    PublicationCheck,
    PurposeVersion,
    ReminderSent,
    ReviewRound,
    TakedownTask,
)
from consent.recipients import (
    gezag_schools,
    holds_gezag_over,
    purpose_change_parents,
    purpose_change_pupils,
    review_round_parents,
    review_round_pupils,
)
from consent.reminder_stop import reminder_stop_url, reminders_stopped
from consent.services import lock_checks, takedowns_mark_told
from opo_portal.counts import count_of
from outbox.services import (
    Mail,
    duties_enqueue_many,
    duty_mail,
    duty_readdressed,
    recipient_email,
)
from schools.leaders import leader_ids
from schools.models import Pupil, School

logger = logging.getLogger(__name__)


def _compose(
    template: str,
    subject,
    user_id: int,
    context: dict,
    reply_to: str = "",
    subject_values: dict | None = None,
) -> Mail | None:
    """The e-mail to `user_id`, in their language; None when the account is no longer
    active: nothing is sent. `subject_values` fill the subject's placeholders once it is
    translated into that language."""
    email = recipient_email(user_id)
    if email is None:
        return None
    with in_language_of(user_id):
        body = render_to_string(template, {"site_url": settings.SITE_URL, **context})
        text = str(subject) % subject_values if subject_values else str(subject)
        return Mail(text, body, email, reply_to=reply_to)


def _mail(
    template: str,
    subject,
    user_id: int,
    context: dict,
    reply_to: str = "",
    headers: dict | None = None,
    subject_values: dict | None = None,
) -> bool:
    """Send one e-mail; raises unless the SMTP server accepted it (the duty then retries).
    False when the account is no longer active: nothing is sent."""
    mail = _compose(template, subject, user_id, context, reply_to, subject_values)
    if mail is None:
        return False
    duty_mail(mail.subject, mail.body, mail.recipient, reply_to=mail.reply_to, headers=headers)
    return True


def _replies(schools: list[School]) -> tuple[str, dict]:
    """The Reply-To of an e-mail to a parent about these schools, and what its text says
    about replies (consent/email/_replies.txt): about one school, that school's contact
    address when it chose one. About several, none: a reply would reach one school with
    what the parent meant for another. No address: a reply is not read, and the text says
    so and how to reach each school."""
    reply_to = schools[0].reply_to() if len(schools) == 1 else ""
    contacts = [{"name": school.name, "address": school.reply_to()} for school in schools]
    return reply_to, {"reply_to": reply_to, "contacts": contacts}


def takedown_email_send(*, task_id: int, user_id: int | None = None) -> Mail | None:
    """E-mail `user_id`, the assignee when the duty was written, about the picture of
    `task_id`, as its tasks are now: it counts the pupils the picture lost that are open
    with them and still need it down (consent not given again since). Nothing when none
    does (every "no" was taken back before this went out), nor when each of them was
    told already. A task handed over before this went out sends nothing: the hand-over
    wrote the new assignee's own duty.

    Decided under the picture's lock, which a takedown made meanwhile (`takedowns_create`
    holds it until its commit) waits for: it is read here, or sees this duty done (nothing
    to send) or still pending (to be told). The e-mail is returned, not sent: `duty_run`
    sends it after this transaction committed, so a parent's "nee" for a pupil in the
    picture, a change of meaning or a hand-over never waits for the SMTP server (it held
    the lock up to EMAIL_TIMEOUT). Only once the server accepted it are the counted tasks
    marked told, under the lock again, and a task made while it went, which it does not
    count, gets an e-mail of its own (`consent.services.takedowns_mark_told`). A refused
    send marks nothing; its retry reads the picture again, with the same Message-ID.
    Nothing is reserved before the send: the duty, pending until its done mark, is what
    a takedown made meanwhile counts on, so a refusal or a killed worker leaves nothing
    to undo. The mark takes the lock again (it is short: no SMTP inside) because a
    takedown committing between its read and its write would be counted by neither."""
    task = (
        TakedownTask.objects.select_related(
            "publication_check__purpose",
            "publication_check__checked_by",
            "publication_check__school",
            "publication_check__replaces",  # adjusted more than once: "Last adjusted on"
        )
        .annotate(assignee_acts=assignee_acts())
        .get(pk=task_id)
    )
    if user_id is not None and task.assigned_to_id != user_id:
        logger.info("takedown task %s was handed over; its earlier e-mail is not sent", task_id)
        return None
    if not task.assignee_acts:
        # they left the school (or the board) since, and nobody else could take the task
        # over: it waits untold, in health's unanswered_takedowns, for whoever is named
        # next (consent.services.takedowns_hand_over_stuck, takedowns_tell_waiting)
        logger.info("takedown e-mail for task %s not sent: its assignee left the school", task_id)
        return None
    lock_checks([task.publication_check_id])
    needed = still_to_take_down(task)
    if not needed:
        logger.info(
            "takedown e-mail for task %s not sent: consent allows its pupils again", task_id
        )
        return None
    if all(each.emailed_at is not None for each in needed):
        logger.info("takedown e-mail for task %s not sent: the assignee was told", task_id)
        return None
    mail = _compose(
        "consent/email/takedown.txt",
        _("Take down a publication"),
        task.assigned_to_id,
        {
            "task": task,
            "pupils": len(needed),
            # "a parent withdrew" only when that is why each of them is counted
            "by_parents": all(each.reason == TakedownTask.Reason.ANSWER for each in needed),
            "note": _note_naming_no_pupil(task.publication_check),
            "url": reverse("consent:takedowns"),
        },
    )
    if mail is None:
        return None
    counted = [each.pk for each in needed]
    return replace(mail, sent=partial(_takedown_told, task=task, counted=counted))


def _takedown_told(*, task: TakedownTask, counted: list[int]) -> None:
    takedowns_mark_told(
        check_id=task.publication_check_id, assignee_id=task.assigned_to_id, counted=counted
    )
    logger.info(
        "takedown e-mail sent for task %s (%s)", task.pk, count_of(len(counted), "pupil", "pupils")
    )


def _note_naming_no_pupil(check: PublicationCheck) -> str:
    """The check's note for its takedown e-mail, which helps the teacher tell the
    publication from others of that day, or "" when it may name a pupil: the form asks
    for no names, but the note is free text, and e-mails name no pupil. "May name": a
    word of it is a word of the first name or surname of a pupil of the school, or such
    a word with the Dutch genitive s ("Sems verjaardag"), compared without accents (a
    teacher in a hurry types "Zoe" for Zoë); a first name that is also an ordinary word,
    "Roos", withholds it too (the portal shows it). One query, only when there is a
    note."""
    if not check.note:
        return ""
    words = _plain_words(check.note)
    words |= {word[:-1] for word in words if len(word) > 2 and word.endswith("s")}
    names = Pupil.objects.filter(school_id=check.school_id).values_list("first_name", "last_name")
    for first_name, last_name in names:
        if words & _plain_words(f"{first_name} {last_name}"):
            return ""
    return check.note


def _plain_words(text: str) -> set[str]:
    """The words of `text` in lower case without accents: "Zoë" and "Zoe" are one."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return set(re.findall(r"\w+", plain))


def still_to_take_down(task: TakedownTask) -> list[TakedownTask]:
    """The open tasks of `task`'s picture with its assignee whose pupil may still not
    appear on its channel and medium now (`consent.access.allowed_again`)."""
    same_picture = list(
        TakedownTask.objects.filter(
            publication_check_id=task.publication_check_id,
            assigned_to_id=task.assigned_to_id,
            done_at__isnull=True,
        ).select_related("publication_check", "pupil")
    )
    again = allowed_again(same_picture)
    return [each for each in same_picture if each.pk not in again]


CONFLICT_EMAIL = "consent.duties.conflict_email_send"


def conflict_email_send(*, notice_id: int, user_id: int) -> None:
    """To a director of the pupil's school (or the board, when it has none) as they are
    now: one who left the school since is sent nothing, and whoever answers for it now is
    (schools.leaders, as conflict_notice_create chose)."""
    notice = ConflictNotice.objects.select_related("pupil__school", "purpose").get(pk=notice_id)
    school = notice.pupil.school
    if duty_readdressed(
        key=f"conflict-notice:{notice.pk}",
        handler=CONFLICT_EMAIL,
        payload={"notice_id": notice.pk},
        user_id=user_id,
        recipients=leader_ids(school.pk),
    ):
        return
    # The school is named: the board answers for every school without a director, and a
    # director may lead two, so "your school" did not say which.
    if not _mail(
        "consent/email/conflict.txt",
        _("Parents at %(school)s disagree about consent"),
        user_id,
        {"notice": notice, "url": reverse("consent:coverage", args=[school.code])},
        subject_values={"school": school.name},
    ):
        return
    ConflictNotice.objects.filter(pk=notice_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )


def reminder_email_send(*, user_id: int, reminder_id: int | None = None) -> None:
    """Names the schools where a child of the parent still has an open question, read
    now: one reminder a week covers all their children. Nothing when all were answered
    since it was queued (an outage, a retry), nor when the parent stopped reminders since,
    nor to a deactivated account; then its claim (`reminder_id`, the ReminderSent row) is
    given back, so nobody reads a reminder as sent that never went. Once the SMTP server
    accepted the e-mail the claim is marked delivered (`delivered_at`): only then do the
    parent's pages list it. Duties written before the claim was in the payload keep it."""
    from consent.services import open_question_schools

    if reminders_stopped(user_id):
        logger.info("reminder for user %s not sent: they stopped reminders", user_id)
        _reminder_unclaim(reminder_id)
        return
    schools = open_question_schools(user_id=user_id)
    if not schools:
        logger.info("reminder for user %s not sent: no open question left", user_id)
        _reminder_unclaim(reminder_id)
        return
    reply_to, replies = _replies(schools)
    stop_url = reminder_stop_url(user_id)
    sent = _mail(
        "consent/email/reminder.txt",
        _("Please record your choices about photos, video and sound"),
        user_id,
        {
            "url": reverse("consent:my_children"),
            "schools": schools,
            "stop_url": stop_url,
            **replies,
        },
        reply_to,
        # RFC 2369 and RFC 8058: the mail program's "unsubscribe" stops reminders in one POST
        headers={
            "List-Unsubscribe": f"<{stop_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if not sent:
        _reminder_unclaim(reminder_id)
        return
    # the SMTP server accepted it: now the parent's pages list it, and the charts of the
    # schools it named mark it (in this duty's transaction, so with its done mark)
    claims = list(_reminder_claim(user_id, reminder_id).values_list("pk", flat=True))
    ReminderSent.objects.filter(pk__in=claims).update(delivered_at=timezone.now())
    named = ReminderSent.schools.through
    named.objects.bulk_create(
        [named(remindersent_id=pk, school_id=school.pk) for pk in claims for school in schools],
        ignore_conflicts=True,
    )


def reminder_email_gave_up(*, user_id: int, reminder_id: int | None = None) -> None:
    """The outbox gave up on this reminder's duty (`duty_gave_up`): its claim is marked
    failed. It never reached the parent, so it counts for nothing (the 7-day rule, the
    parent's pages, the chart) and the director's home says it could not be delivered."""
    _reminder_claim(user_id, reminder_id).update(failed_at=timezone.now())
    logger.info("reminder for user %s could not be delivered", user_id)


def _reminder_claim(user_id: int, reminder_id: int | None):
    """The claim a reminder duty is about, while neither delivered nor failed."""
    claims = ReminderSent.objects.filter(
        user_id=user_id, delivered_at__isnull=True, failed_at__isnull=True
    )
    if reminder_id is not None:
        return claims.filter(pk=reminder_id)
    # a duty written before the claim was in the payload: the parent's latest
    return claims.filter(pk__in=claims.order_by("-sent_at").values("pk")[:1])


def _reminder_unclaim(reminder_id: int | None) -> None:
    if reminder_id is not None:
        ReminderSent.objects.filter(pk=reminder_id).delete()


def review_email_send(*, round_id: int, user_id: int) -> None:
    """To a parent who is, now, a gezag-holder of a current pupil of the round's school:
    the e-mail names the school and says they hold gezag there, so someone whose link was
    removed, whose gezag ended or whose only child there left after the fan-out (a queue
    or mail outage, a retry) is sent nothing."""
    review_round = ReviewRound.objects.select_related("school").get(pk=round_id)
    if not holds_gezag_over(user_id, review_round_pupils(review_round.school_id)):
        logger.info("review e-mail of round %s not sent to user %s: no gezag", round_id, user_id)
        return
    reply_to, replies = _replies([review_round.school])
    _mail(
        "consent/email/review.txt",
        _("Please review your choices for this school year"),
        user_id,
        {"url": reverse("consent:my_children"), "review_round": review_round, **replies},
        reply_to,
    )


def purpose_changed_email_send(*, version_id: int, user_id: int) -> None:
    """To a parent who is, now, a gezag-holder of a current pupil (as the fan-out chose).
    The foundation changed the question, but a parent's reply ("not on Facebook") is for
    the school that follows their choice: replies go to their child's school."""
    version = PurposeVersion.objects.select_related("purpose").get(pk=version_id)
    schools = gezag_schools(user_id, purpose_change_pupils())
    if not schools:
        logger.info("changed-question e-mail %s not sent to user %s: no gezag", version_id, user_id)
        return
    reply_to, replies = _replies(schools)
    _mail(
        "consent/email/purpose_changed.txt",
        _("Please answer again: a consent question has changed"),
        user_id,
        {"url": reverse("consent:my_children"), "purpose": version.purpose, **replies},
        reply_to,
    )


# --- Fan-outs: one duty per recipient ---------------------------------------------------


def review_round_fan_out(*, round_id: int) -> int:
    review_round = ReviewRound.objects.get(pk=round_id)
    handler = "consent.duties.review_email_send"
    duties = [
        (f"review-round:{round_id}:parent:{uid}", handler, {"round_id": round_id, "user_id": uid})
        for uid in review_round_parents(school_id=review_round.school_id)
    ]
    duties_enqueue_many(duties=duties)
    ReviewRound.objects.filter(pk=round_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    logger.info(
        "review round %s queued for %s", round_id, count_of(len(duties), "parent", "parents")
    )
    return len(duties)


def purpose_changed_fan_out(*, version_id: int) -> int:
    """A purpose's meaning changed: ask every gezag-holder of a current pupil again."""
    handler = "consent.duties.purpose_changed_email_send"
    duties = [
        (
            f"purpose-changed:{version_id}:parent:{uid}",
            handler,
            {"version_id": version_id, "user_id": uid},
        )
        for uid in purpose_change_parents()
    ]
    duties_enqueue_many(duties=duties)
    PurposeVersion.objects.filter(pk=version_id, parents_emailed_at__isnull=True).update(
        parents_emailed_at=timezone.now()
    )
    logger.info(
        "purpose version %s queued for %s",
        version_id,
        count_of(len(duties), "parent", "parents"),
    )
    return len(duties)
