"""Parents: decide per child, purpose and media type; withdraw; see their own data."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.staff_data import staff_data, staff_data_json
from consent.access import get_child_and_holders
from consent.forms import ChildConsentForm, WithdrawForm, answer_field_name
from consent.history import child_events
from consent.models import MediaType, ReviewRound
from consent.recipients import gets_reminders, holds_gezag_over
from consent.reminder_stop import reminders_resume, reminders_stop
from consent.reports import children_for_parent, personal_data, readable_personal_data
from consent.rules import (
    State,
    child_page_purposes,
    consent_table,
    purposes_for_parent,
    taking_down,
)
from consent.services import (
    consent_decide,
    consent_withdraw,
    current_school_year,
    has_gezag,
    open_questions_per_child,
    parent_purposes,
    review_confirm_unchanged,
)
from opo_portal.sql import prepared
from schools.access import fetch_rows, get_child_for_parent, roles_of
from schools.models import Pupil, StaffMembership


@require_safe
@login_required
def my_children(request):
    children = children_for_parent(request.user, year=current_school_year(timezone.localdate()))
    # the reminder's link opens this page: each child says how many questions are open
    # `decides` is annotated by children_for_parent, `open_questions` set for the page
    decide = [child for child in children if child.decides]  # type: ignore[attr-defined]
    open_questions = open_questions_per_child(decide)
    for child in children:
        child.open_questions = open_questions.get(child.pk, 0)  # type: ignore[attr-defined]
    context = {"children": children, "decides": bool(decide)}
    return render(request, "consent/my_children.html", context)


REVIEW_ROUND_FIELDS = ["id", "school_id", "school_year", "opened_at", "opened_by_id"]
REVIEW_ROUND_FIELDS += ["emailed_at"]
# ReviewRound.objects.filter(school_id=…, school_year=…).first() (one at most: unique per
# school and year) and whether this user confirmed it for this child, in one query
# written out (tests compare it with the two ORM queries).
REVIEW_ROUND_SQL = prepared(
    f"SELECT {', '.join('r.' + f for f in REVIEW_ROUND_FIELDS)}, EXISTS(SELECT 1"  # noqa: S608
    " FROM consent_reviewconfirmation c WHERE c.review_round_id = r.id"
    " AND c.user_id = %s AND c.pupil_id = %s)"
    " FROM consent_reviewround r WHERE r.school_id = %s AND r.school_year = %s"
    " ORDER BY r.opened_at DESC LIMIT 1"
)


def _open_review_round(pupil, user):
    """This school year's review round of the child's school, if any, and whether the
    user confirmed it for this child."""
    year = current_school_year(timezone.localdate())
    rows = fetch_rows(REVIEW_ROUND_SQL, [user.pk, pupil.pk, pupil.school_id, year])
    if not rows:
        return None, False
    *fields, confirmed = rows[0]
    # bool(): SQLite gives an EXISTS as 0 or 1 (make run)
    return ReviewRound.from_db(connection.alias, REVIEW_ROUND_FIELDS, fields), bool(confirmed)


def _rows(pupil, user, infos, table, form, history):
    """Per purpose: its text and, per media type, the parent's own answer and the effect.
    "Answer again" after a change of meaning only where this parent had answered before:
    to a parent who never answered the channel, it is a first question."""
    answered_before = {event.purpose_id for event in history if event.guardian_id == user.pk}
    rows = []
    for info in infos:
        media_rows = []
        retired = not info.purpose.active
        for media in MediaType:
            latest = table.latest_by_guardian(pupil.pk, info.purpose.pk, media)
            media_rows.append(
                {
                    "media": media,
                    "field": form[answer_field_name(info.purpose.pk, media)] if form else None,
                    "own": latest.get(user.pk),
                    "state": table.state(pupil.pk, info.purpose.pk, media),
                    "retired": retired,
                }
            )
        rows.append(
            {
                "info": info,
                "version_field": form[f"v-{info.purpose.pk}"] if form else None,
                "media_rows": media_rows,
                "asked_again": info.baseline > 1
                and info.purpose.pk in answered_before
                and all(r["own"] is None for r in media_rows),
                "retired": retired,
            }
        )
    return rows


def _saved_answers(pupil, user, infos, table) -> dict[str, str]:
    """The parent's own current answers as form initial data: saved answers show as the
    selected radio; only questions the parent never answered (or must answer again after
    a change of meaning) are empty."""
    initial = {}
    for info in infos:
        for media in MediaType.values:
            own = table.latest_by_guardian(pupil.pk, info.purpose.pk, media).get(user.pk)
            if own is not None:
                initial[answer_field_name(info.purpose.pk, media)] = "yes" if own.granted else "no"
    return initial


def _summary(rows) -> list[dict]:
    """One line per channel for the top of the page: the effect for the school per media."""
    return [
        {
            "name": row["info"].purpose.name,
            "media": [(m["media"], m["state"]) for m in row["media_rows"]],
            "retired": row["retired"],
        }
        for row in rows
    ]


def _open_questions(rows) -> int:
    """The questions of channels in use that the parent has not answered (or not since a
    change of meaning): "unchanged" in the yearly review leaves them open, so the review
    says how many there are."""
    return sum(
        media_row["own"] is None
        for row in rows
        if not row["retired"]
        for media_row in row["media_rows"]
    )


def _director_contact(pupil) -> dict | None:
    """Whom a parent of a safeguarded child asks: the school's director, never the reason."""
    membership = (
        StaffMembership.objects.filter(
            school_id=pupil.school_id, role=StaffMembership.Role.DIRECTOR
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return None
    user = membership.user
    return {"name": user.full_name or user.email, "email": user.email}


@login_required
@never_cache
def child_consent(request, pk):
    # One read of the child's guardianships (reach, gezag) and one of its events (the
    # history, and the rules' decisions): the rules are evaluated once per request.
    pupil, holders = get_child_and_holders(request.user, pk)
    can_decide = request.user.pk in holders
    # every channel, retired ones too: a retired one is shown where a "yes" stands or the
    # child still appears in something published, and a save may withdraw on any of them
    # and per channel and medium the publications the school was asked to take offline
    # for the child (after a "nee": the parent sees it happen), in the same query
    infos, appearing, open_takedowns = child_page_purposes(pupil.pk)
    baselines = {info.purpose.pk: info.baseline for info in infos}
    form = refused = None
    status = 200
    if request.method == "POST" and can_decide:
        # the saved answers only preset an unbound form: not read before validating
        form = ChildConsentForm(request.POST, infos=infos)
        if form.is_valid():
            try:
                return _save(request, pupil, form, infos)
            except ValidationError as error:
                # shown again with what the parent chose, never a redirect that empties it
                messages.error(request, " ".join([*error.messages, str(NOTHING_SAVED)]))
                form, refused = None, form
        elif altered := form.altered():
            # what the page could not have sent: nothing saved, said as the paper form
            # says it, and the page as it is now below, to choose on again
            messages.error(request, altered)
            form, status = None, 400
    # the history names the other parent only as "the other parent": no guardian rows
    history = child_events(pupil.pk)
    table = consent_table([pupil], infos, holders={pupil.pk: holders}, events=history)
    infos = purposes_for_parent(infos, table=table, pupil_id=pupil.pk, appearing=appearing)
    if can_decide and form is None:
        initial: dict[str, object] = {**_saved_answers(pupil, request.user, infos, table)}
        initial["seen"] = max((event.id for event in history), default=0)
        form = ChildConsentForm(infos=infos, initial=initial)
        if refused is not None:
            form = ChildConsentForm(_choices_kept(refused, infos, initial), infos=infos)
    # a child who left is not asked about in the yearly review
    review_round, confirmed = (None, False)
    if pupil.left_on is None:
        review_round, confirmed = _open_review_round(pupil, request.user)
    rows = _rows(pupil, request.user, infos, table, form, history)
    context = {
        "pupil": pupil,
        "can_decide": can_decide,
        "form": form,
        "rows": rows,
        "summary": _summary(rows),
        "contact": _director_contact(pupil) if pupil.not_in_picture else None,
        "history": history,
        "baselines": baselines,
        # the history says which answers no longer count as the rules read them: the
        # same gezag-holders, no query more
        "holders": holders,
        "review_round": review_round if can_decide else None,
        "review_confirmed": confirmed,
        "review_open_questions": _open_questions(rows) if review_round and can_decide else 0,
        # not those whose consent came back: the teacher need not take them down either
        "taking_down": taking_down(table, pupil.pk, open_takedowns),
        "State": State,
    }
    return render(request, "consent/child.html", context, status=status)


NOTHING_SAVED = gettext_lazy(
    "Nothing was saved: your other choices are still filled in below. Please save them again."
)


def _choices_kept(refused, infos, saved: dict) -> dict:
    """The refused form's data for showing it again: the parent's choices as sent, except
    on a channel whose text changed since the page was shown, which shows the new text's
    version and the saved answers (none after a change of meaning)."""
    data = refused.data.copy()
    for info in infos:
        pid = info.purpose.pk
        if refused.cleaned_data.get(f"v-{pid}") == info.current_version.pk:
            continue
        data[f"v-{pid}"] = str(info.current_version.pk)
        for media in MediaType.values:
            name = answer_field_name(pid, media)
            data.pop(name, None)
            if name in saved:
                data[name] = saved[name]
    return data


def _save(request, pupil, form, infos):
    """Saves the answers and redirects; a refused save raises ValidationError."""
    events = consent_decide(
        pupil=pupil,
        guardian=request.user,
        answers=form.answers(),
        seen_versions=form.seen_versions(),
        seen_event=form.seen_event(),
        infos=infos,
    )
    if events:
        messages.success(
            request,
            ngettext("Saved: %(n)d change.", "Saved: %(n)d changes.", len(events))
            % {"n": len(events)},
        )
    else:
        messages.info(request, _("Nothing changed."))
    return redirect("consent:child", pk=pupil.pk)


@login_required
@never_cache
def withdraw(request, pk):
    """Withdrawing everything asks for confirmation on its own page, saying what follows."""
    pupil = get_child_for_parent(request.user, pk)
    if not has_gezag(request.user, pupil):
        messages.error(request, _("Only a parent with parental authority can decide."))
        return redirect("consent:child", pk=pupil.pk)
    if request.method != "POST":
        granted = _granted_channels(pupil, request.user)
        context = {
            "pupil": pupil,
            "granted": len(granted),
            "retired": any(not purpose.active for purpose in granted),
        }
        return render(request, "consent/withdraw_confirm.html", context)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown choice."))
        return redirect("consent:child", pk=pupil.pk)
    purpose_id, media_type = form.cleaned_data["target"]
    # the permissions given before: questions left open are answered "no" too, but were
    # no permission to withdraw
    granted_count = len(_granted_channels(pupil, request.user, purpose_id, media_type))
    consent_withdraw(
        pupil=pupil, guardian=request.user, purpose_id=purpose_id, media_type=media_type
    )
    everything = purpose_id is None and media_type is None
    messages.success(request, _withdrawn_message(granted_count, everything=everything))
    return redirect("consent:child", pk=pupil.pk)


def _withdrawn_message(granted: int, *, everything: bool) -> str:
    if everything and not granted:
        # a second tap (or an old confirmation page): the first one withdrew it all
        return str(NOTHING_LEFT_TO_WITHDRAW)
    message = ngettext("Withdrawn: %(n)d permission.", "Withdrawn: %(n)d permissions.", granted) % {
        "n": granted
    }
    return f"{message} {ALL_WITHDRAWN}" if everything else message


# After "Withdraw all permissions": what it did, and what happens to what was published
# (the confirmation page said it before; this says it happened). No name: messages
# travel in a cookie or the session.
ALL_WITHDRAWN = gettext_lazy(
    "Your answer is now no everywhere: the school publishes nothing new of your child, "
    "and what was already published with your permission, the school takes down."
)


NOTHING_LEFT_TO_WITHDRAW = gettext_lazy(
    "You give permission for nothing (any more): your answer is no everywhere, so the "
    "school publishes nothing new of your child."
)


def _granted_channels(pupil, user, purpose_id=None, media_type=None) -> list:
    """The channel of each of the user's own "yes" answers for the child: all, or one
    purpose's, or one cell, on the channels the child's page shows (retired ones where a
    "yes" stands too)."""
    infos, table = parent_purposes(pupil)
    return [
        info.purpose
        for info in infos
        for media in MediaType.values
        if purpose_id in (None, info.purpose.pk)
        and media_type in (None, media)
        and getattr(
            table.latest_by_guardian(pupil.pk, info.purpose.pk, media).get(user.pk),
            "granted",
            False,
        )
    ]


@login_required
@require_POST
def review_unchanged(request, pk):
    pupil = get_child_for_parent(request.user, pk)
    review_round, _confirmed = _open_review_round(pupil, request.user)
    if review_round is None or not has_gezag(request.user, pupil):
        messages.error(request, _("There is no review round to confirm."))
        return redirect("consent:child", pk=pupil.pk)
    review_confirm_unchanged(review_round=review_round, user=request.user, pupil=pupil)
    messages.success(request, _("Thank you. Your choices stay as they are."))
    return redirect("consent:child", pk=pupil.pk)


@require_safe
@login_required
@never_cache
def my_data(request):
    context = readable_personal_data(request.user)
    context["may_change_reminders"] = "parent" in roles_of(request.user)
    # from the guardianships the page reads anyway: no query of its own
    context["gets_reminders"] = gets_reminders(context["guardianships"])
    # a parent without gezag over any child is not told they change choices themselves
    context["decides_for_a_child"] = any(g.has_parental_authority for g in context["guardianships"])
    # what the portal keeps about them as staff, if they ever were (None: never)
    context["as_staff"] = staff_data(request.user)
    return render(request, "consent/my_data.html", context)


@login_required
@require_POST
def my_data_reminders(request):
    """A logged-in parent stops or resumes their own reminder e-mails on "Mijn gegevens",
    as the link in a reminder does without login (consent.reminder_stop). Only a parent
    whom reminders are for stops them (the page offers no stop to the others); any parent
    resumes, so a stop on record can be undone after gezag ended."""
    if "parent" not in roles_of(request.user):
        raise Http404
    action = request.POST.get("action")
    if action == "stop" and not holds_gezag_over(request.user.pk, Pupil.objects.current()):
        # a page opened before their gezag ended: nothing to stop
        messages.info(request, NO_REMINDERS)
    elif action == "stop":
        reminders_stop(user_id=request.user.pk)
        messages.success(request, REMINDERS_STOPPED)
    elif action == "resume":
        reminders_resume(user_id=request.user.pk)
        messages.success(request, _("You will receive reminders again."))
    else:
        messages.error(request, _("Unknown choice."))
    return redirect(reverse("consent:my_data") + "#reminders")


REMINDERS_STOPPED = gettext_lazy(
    "You will no longer receive reminders about photos, video and sound recordings."
)
NO_REMINDERS = gettext_lazy(
    "Reminder e-mails go only to parents with parental authority over a child at school. "
    "You have parental authority over no child at school, so you receive none."
)


@require_safe
@login_required
def my_data_json(request):
    data = personal_data(request.user)
    # null for someone who never was staff: a parent's file stays as it was
    data["as_staff"] = staff_data_json(request.user)
    body = json.dumps(data, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = pgettext("file name", "opo-portal-my-data.json")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
