"""Teachers: the class overview, the check before posting, takedown tasks."""

from dataclasses import dataclass, field
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.names import namesakes
from consent.access import (
    allowed_again,
    by_picture,
    get_check_for_user,
    get_takedown_for_user,
    own_takedowns,
    takedowns_in_reach,
    takedowns_of_colleagues,
)
from consent.forms import (
    TICKED_OUT_OF_REACH,
    AppearanceForm,
    AppearQuestionForm,
    CheckForm,
    OverviewFilterForm,
)
from consent.models import MediaType, PublicationCheck, TakedownTask
from consent.rules import TEACHER_STATES, cell_states, consent_table, is_allowed, purpose_infos
from consent.services import (
    CheckAdjustedAlready,
    current_school_year,
    publication_check_adjust,
    publication_check_create,
    takedown_complete,
)
from consent.verdict import pupil_verdicts, verdict_text
from opo_portal.converters import BIGINT_MAX
from schools.access import (
    acting_school_ids,
    current_pupils_of,
    current_pupils_taught,
    directed_schools,
    get_group_for_user,
    groups_in_reach,
    groups_of_schools,
    has_role,
    is_staff_member,
    own_child_ids,
    own_directed_school_ids,
    pupils_for_staff,
    require_role,
    sees_all_schools,
    staff_reach,
    taught_group_ids,
)
from schools.forms import refuse_choices_out_of_reach
from schools.models import Group, Pupil, School, StaffMembership
from schools.search import (
    QUERY_LENGTH,
    SELECT_LIMIT,
    SchoolSearch,
    paged_schools,
    school_search,
    search_text,
)
from schools.unsaved import not_found_keeping_text

Role = StaffMembership.Role
# who may check before posting (the privacy officer reads checks, makes none)
CHECKING = (Role.TEACHER, Role.DIRECTOR, Role.BOARD)
# the class list's choice of every group the user teaches (README "check before posting")
ALL_TAUGHT = "taught"


def _reachable_groups(user):
    """The ORM form of `schools.access.groups_in_reach` (the pages read that one, in SQL),
    kept for `bench/web/explain.py`'s plans (schools/tests/test_access_sql.py compares the
    SQL with this query).

    By ids from the memberships already loaded: no OR over two join chains, no DISTINCT.
    """
    groups = Group.objects.select_related("school").order_by("school__name", "-school_year", "name")
    if sees_all_schools(user):
        return groups
    directed = directed_schools(user).values("id") if has_role(user, Role.DIRECTOR) else None
    taught = taught_group_ids(user)
    if directed is None and taught is None:
        return groups.none()
    if directed is None:
        return groups.filter(id__in=taught)
    if taught is None:
        return groups.filter(school_id__in=directed)
    return groups.filter(Q(id__in=taught) | Q(school_id__in=directed))


@require_safe
@login_required
def overview(request):
    """The user's groups; for board staff and the privacy officer (every school) a page of
    schools at a time with their groups, searchable by school name or code: the whole
    foundation's groups were 48,000 at national size. Teachers and directors see all their
    groups on one page, as always."""
    if not is_staff_member(request.user):
        raise Http404
    year = current_school_year(timezone.localdate())
    if not sees_all_schools(request.user):
        groups = groups_in_reach(request.user)
        context = _by_school_year(groups, year)
        # a teacher only: every group in reach is one they teach
        teacher_only = not has_role(request.user, Role.DIRECTOR)
        context["taught_only_earlier"] = teacher_only and bool(groups) and not context["groups"]
        if context["taught_only_earlier"]:
            context["year_imported"] = _year_imported({g.school_id for g in groups}, year)
        return render(request, "consent/overview.html", context | _may_check(request.user))
    query = search_text(request.GET)
    page = paged_schools(School.objects.all(), query, request.GET.get("page"))
    context = _by_school_year(groups_of_schools(list(page.object_list)), year)
    context |= {"page": page, "query": query, "own_groups": _own_taught_groups(request.user)}
    return render(request, "consent/overview.html", context | _may_check(request.user))


def _by_school_year(groups: list[Group], year: str) -> dict:
    """This school year's groups, and those of earlier years apart: after the new year's
    first pupil list last year's groups are empty, its pupils are in this year's groups."""
    return {
        "groups": [group for group in groups if group.school_year >= year],
        "earlier_groups": [group for group in groups if group.school_year < year],
        "school_year": year,
    }


def _year_imported(school_ids, year: str) -> bool:
    """Whether this school year's pupil list was imported at these schools: its first
    import makes this year's groups and moves the pupils into them. Until then they are
    still in last year's groups, which teachers no longer reach from 1 August
    (schools.access.teaching_year)."""
    return Group.objects.filter(school_id__in=school_ids, school_year=year).exists()


def _own_taught_groups(user) -> list[Group]:
    """The groups a board member or privacy officer teaches themselves, shown first so a
    teacher in a hurry need not search the foundation for their own class. No query for
    someone who teaches nothing."""
    taught = taught_group_ids(user)
    if taught is None:
        return []
    return list(
        Group.objects.filter(id__in=taught)
        .select_related("school")
        .order_by("-school_year", "name")
    )


@require_safe
@login_required
@never_cache
def group_appear(request, pk):
    """The everyday question first: who may appear on this channel in this medium?"""
    group = get_group_for_user(request.user, pk)
    infos = purpose_infos()
    if not infos:
        raise Http404
    form = AppearQuestionForm(
        request.GET or None,
        infos=infos,
        initial={"purpose": infos[0].purpose.code, "media": "photo"},
    )
    info, media, status = infos[0], MediaType.PHOTO.value, 200
    if form.is_bound:
        # Half a question (a channel retired since the link was saved, a medium mistyped)
        # keeps its valid half: the lists, the heading and the form's choices then name
        # the same channel and medium (the lists were of the first channel in photos
        # while the form still said "film").
        status = 200 if form.is_valid() else 400
        chosen = form.cleaned_data.get("purpose")
        info = next((i for i in infos if i.purpose.code == chosen), info)
        media = form.cleaned_data.get("media", media)
    pupils = current_pupils_of(group)
    table = consent_table(pupils, [info], [media])
    may: list[tuple[Pupil, tuple]] = []
    may_not: list[tuple[Pupil, tuple]] = []
    for pupil in pupils:
        state = table.state(pupil.pk, info.purpose.pk, media)
        (may if is_allowed(state) else may_not).append((pupil, TEACHER_STATES[state]))
    context = {
        "group": group,
        "form": form,
        "purpose": info.purpose,
        "media": MediaType(media),
        "may": may,
        "may_not": may_not,
        **_may_check(request.user),
    }
    return render(request, "consent/group_appear.html", context, status=status)


@require_safe
@login_required
def group_overview(request, pk):
    group = get_group_for_user(request.user, pk)
    infos = purpose_infos()
    filters = OverviewFilterForm(request.GET or None, infos=infos)
    media_types = list(MediaType)
    # A bad filter (a channel retired since the link was saved, a mistyped medium) is a
    # 400 with the message "Wie mag er op …?" gives; its valid half still applies.
    status = 200 if not filters.is_bound or filters.is_valid() else 400
    if filters.is_bound:
        if chosen := filters.cleaned_data.get("purpose"):
            infos = [i for i in infos if i.purpose.code == chosen]
        if media := filters.cleaned_data.get("media"):
            media_types = [MediaType(media)]
    pupils = current_pupils_of(group)
    states = cell_states(pupils, infos, [m.value for m in media_types])
    cells = [(info.purpose.pk, media.value) for info in infos for media in media_types]
    shown = TEACHER_STATES
    rows = [
        {"pupil": pupil, "cells": [shown[state] for state in states.row(pupil.pk, cells)]}
        for pupil in pupils
    ]
    context = {
        "group": group,
        "filters": filters,
        "infos": infos,
        "media_types": media_types,
        "rows": rows,
        **_record_links(request.user, group),
        **_may_check(request.user),
    }
    return render(request, "consent/group_overview.html", context, status=status)


def _may_check(user) -> dict:
    """`can_check` for a page that links the check before posting: the privacy officer
    reads every class but makes no check, and the link was a 404 for them. No query (the
    memberships are loaded once a request)."""
    return {"can_check": has_role(user, *CHECKING)}


def _record_links(user, group) -> dict:
    """The paper-form link: only where the user directs the school (board: everywhere),
    and not for the user's own children (`own_children`: the form refuses them)."""
    ids = acting_school_ids(user)
    can_record = ids is None or group.school_id in ids
    return {
        "can_record": can_record,
        "own_children": own_child_ids(user) if can_record else frozenset(),
    }


def _candidates(request, groups, school=None):
    """The class list of the chosen group, or the pupils whose name matches the search
    (within `school` when the page asked for a school first)."""
    # PostgreSQL refuses a NUL character in a query; no name has one. Cut as every search
    # box is (SQLite refuses a LIKE pattern of 50,000 bytes: a pasted text was a 500).
    params = _search_params(request)
    query = params.get("q", "").replace("\x00", "").strip()[:QUERY_LENGTH]
    if query:
        reachable = pupils_for_staff(request.user).current()
        if school is not None:
            reachable = reachable.filter(school=school)
        return (
            query,
            None,
            list(
                reachable.filter(Q(first_name__icontains=query) | Q(last_name__icontains=query))
                .select_related("group")
                .order_by("first_name", "last_name")[:50]
            ),
        )
    asked = params.get("group", "")
    if asked == ALL_TAUGHT:
        return query, None, _pupils_taught(request.user, school)
    group = next((g for g in groups if str(g.pk) == asked), None)
    if asked and group is None:  # another school's group (or none): as in a path, a 404
        raise Http404("No group in reach matches the given query.")
    group = group or (groups[0] if groups else None)
    pupils = current_pupils_of(group) if group else []
    return query, group, pupils


def _pupils_taught(user, school=None) -> list[Pupil]:
    """The class list "all groups I teach" (a school trip of groups 5 and 6: one photo,
    one check), from one read; a 404 for someone who teaches no group, as another
    school's group in the class list is."""
    if not staff_reach(user).teaching:
        raise Http404("The user teaches no group.")
    pupils = current_pupils_taught(user)
    return pupils if school is None else [p for p in pupils if p.school_id == school.pk]


def _offers_all_taught(user, groups: list[Group]) -> bool:
    """Whether the class list offers "all groups I teach": to someone who teaches and has
    more than one group whose pupils they reach. From the memberships and groups read
    already; one group's teacher sees the list as before."""
    in_reach = [group for group in groups if getattr(group, "pupils_in_reach", False)]
    return bool(staff_reach(user).teaching) and len(in_reach) > 1


def _search_params(request):
    """Where the class list and the name search come from: the form sends them in the
    body (a name in the address stays in the browser's history on a shared classroom
    computer, README "Check before posting"); an address with ?q= still works."""
    if request.method == "POST" and ("q" in request.POST or "group" in request.POST):
        return request.POST
    return request.GET


def _check_school_first(request) -> tuple[bool, School | None, SchoolSearch | None]:
    """Board staff publish for every school: beyond SELECT_LIMIT schools the check asks
    for the school first (a search by name or code), and lists that school's groups and
    searches that school's pupils, instead of every group of the foundation (48,000 at
    national size) and a name search over every pupil. (asks, the school, its search)."""
    if not has_role(request.user, Role.BOARD):
        return False, None, None
    if School.objects.order_by()[SELECT_LIMIT : SELECT_LIMIT + 1].count() == 0:
        return False, None, None
    code = request.GET.get("school", "").replace("\x00", "")
    school = School.objects.filter(code=code).first() if code else None
    return True, school, school_search(School.objects.all(), request.GET)


@login_required
def check_new(request):
    require_role(request.user, *CHECKING)
    # The reach is built where it is read, a POST or a search: building its queryset (a
    # UNION of two arms) cost more CPU than reading a class list. An unbound form's
    # pupils are shown from the class list or the search, never read from its field.
    # "Toon leerlingen" posts too (no name in the address) but is no check to save
    posting = request.method == "POST" and request.POST.get("intent") != "search"
    reachable = pupils_for_staff(request.user).current() if posting else Pupil.objects.none()
    form = CheckForm(
        request.POST if posting else None, pupils=reachable, initial=_check_initial(request)
    )
    if posting and not form.is_valid():
        try:
            refuse_choices_out_of_reach(form, "pupils")
        except Http404:  # a pupil moved to another group while the form was open, say
            note = request.POST.get("note", "")
            return not_found_keeping_text(request, [note], message=CHECK_TICKED_OUT_OF_REACH)
    if posting and form.is_valid():
        try:
            check = publication_check_create(
                user=request.user,
                purpose=form.cleaned_data["purpose"],
                media_type=form.cleaned_data["media_type"],
                pupils=list(form.cleaned_data["pupils"]),
                note=form.cleaned_data["note"],
                token=form.cleaned_data["token"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, getattr(error, "messages", [_("Not allowed.")])[0])
        else:
            return redirect("consent:check", pk=check.pk)
    school_first, school, search = _check_school_first(request)
    if not school_first:
        groups = groups_in_reach(request.user, publishing=True)  # once per request
    else:
        groups = groups_of_schools([school]) if school else []
    if school_first and school is None:
        query, group, candidates = "", None, []
    else:
        query, group, candidates = _candidates(request, groups, school)
    asked = _search_params(request).get("group")
    all_taught = group is None and not query and asked == ALL_TAUGHT
    chosen = set((request.POST if request.method == "POST" else request.GET).getlist("pupils"))
    kept, dropped = _ticked_elsewhere(request.user, chosen, candidates)
    year = current_school_year(timezone.localdate())
    earlier = group is not None and not query and not candidates and group.school_year < year
    context = {
        "form": form,
        "query": query,
        "group": group,
        "groups": groups,
        "candidates": candidates,
        "chosen": chosen,
        "school_first": school_first,
        "school": school,
        "search": search,
        "school_year": year,
        "earlier_year": earlier,
        "year_imported": earlier and group is not None and _year_imported([group.school_id], year),
        "school_names": _school_names_if_several(groups),
        "kept": kept,
        "dropped": dropped,
        "two_schools": _ticks_of_two_schools(kept, candidates, chosen, group),
        "all_taught": all_taught,
        "offers_all_taught": _offers_all_taught(request.user, groups),
        "with_group": bool(query) or all_taught,
    }
    return render(request, "consent/check_new.html", context)


# Said on the 404 of a check whose ticks name a pupil out of reach (consent.forms).
CHECK_TICKED_OUT_OF_REACH = format_lazy(
    "{} {}", TICKED_OUT_OF_REACH, gettext_lazy("Nothing was saved: make the check again.")
)


def _check_initial(request) -> dict:
    """The channel, medium and note chosen before "Toon leerlingen" was clicked (the class
    list and the search are in the check's form, so nothing chosen is lost); on a GET, the
    address's."""
    params = request.POST if request.method == "POST" else request.GET
    initial = {key: params.get(key, "") for key in ("purpose", "media_type", "note")}
    initial["note"] = initial["note"][
        : cast(forms.CharField, CheckForm.base_fields["note"]).max_length
    ]
    return initial


def _ticked_elsewhere(user, chosen: set[str], candidates) -> tuple[list[Pupil], int]:
    """The ticked pupils who are not in the list shown (ticked in another class list or
    search, before the teacher showed this one): they stay ticked, listed apart. A tick
    the user no longer reaches (moved to another group meanwhile, or a number sent by
    hand) is dropped and only counted, never named. One query, only when a tick is not in
    the list shown."""
    listed = {pupil.pk for pupil in candidates}
    ids = {int(v) for v in chosen if v.isascii() and v.isdigit() and int(v) <= BIGINT_MAX}
    ids -= listed
    if not ids:
        return [], 0
    found = list(
        pupils_for_staff(user)
        .current()
        .filter(pk__in=ids)
        .select_related("group")
        .order_by("first_name", "last_name", "pk")
    )
    return found, len(ids) - len(found)


def _ticks_of_two_schools(kept, candidates, chosen: set[str], group) -> bool:
    """Whether what is ticked (with the class list shown) is of more than one school: a
    check takes the pupils of one school, and saving it would be refused."""
    schools = {p.school_id for p in kept} | {p.school_id for p in candidates if str(p.pk) in chosen}
    if kept and group is not None:
        schools.add(group.school_id)
    return len(schools) > 1


def _school_names_if_several(groups: list[Group]) -> dict[int, str]:
    """A search by name names each pupil's school when the user's groups are of several
    schools (a teacher at two, a director who teaches at another): two "groep 5" are two
    classes, and a check takes pupils of one school. From the groups read already."""
    names = {group.school_id: group.school.name for group in groups}
    return names if len(names) > 1 else {}


@require_safe
@login_required
def check_detail(request, pk):
    check = get_check_for_user(request.user, pk)
    return _check_page(request, check)


def _check_page(request, check, form=None, status=200):
    pupils = _check_pupils(request.user, check)
    verdicts = pupil_verdicts(pupils, check.results)
    newer = PublicationCheck.objects.filter(replaces=check).first()
    mine = newer is None and check.checked_by_id == request.user.pk
    # the service refuses an adjustment (and the photo check a replacement) by a maker
    # who no longer reaches every pupil, or on a retired channel: no form they cannot
    # use, the reason instead
    can_adjust = mine and check.purpose.active and all(pupil.in_reach for pupil in pupils)  # type: ignore[attr-defined]  # annotated by _check_pupils
    refused = _adjust_refused_reason(form, check) if mine and not can_adjust else ""
    takedowns = _check_takedowns(request.user, check)
    gone = _consent_gone_since(check, verdicts, takedowns) if newer is None else GoneSince()
    context = {
        "check": check,
        "verdicts": verdicts,
        "verdict": verdict_text(check.purpose, check.media_type, verdicts),
        "gone_since": gone.to_take_down,
        "taken_down_since": gone.taken_down,
        "newer": newer,
        "adjust_form": (form or AppearanceForm(verdicts=verdicts)) if can_adjust else None,
        "adjust_refused": refused,
        "photo_check": can_adjust and _photo_check_continues(request.user, check),
        "takedowns": takedowns,
        **_may_check(request.user),
    }
    return render(request, "consent/check_detail.html", context, status=status)


def _check_pupils(user, check) -> list[Pupil]:
    """The check's pupils; for its maker each with `in_reach`: whether they still reach
    the pupil as staff (moved to another group, they read the check but no longer reach
    its pupils), in the same query."""
    pupils = check.pupils.all()
    if check.checked_by_id == user.pk:
        reach = pupils_for_staff(user).filter(pk=OuterRef("pk"))
        pupils = pupils.annotate(in_reach=Exists(reach))
    return list(pupils)


def _adjust_refused_reason(form, check) -> str:
    """Why the check's maker sees no adjust form: the refusal of what they just sent (it
    says nothing was saved), or, on opening the page, the same reason."""
    errors = form.non_field_errors() if form is not None else []
    if errors:
        return errors[0]
    if not check.purpose.active:
        return _("You can no longer adjust this check: this channel is no longer in use.")
    return _(
        "You can no longer adjust this check: not every pupil in it is in your groups any more."
    )


def _check_takedowns(user, check) -> list[list[TakedownTask]]:
    """The publication's takedown tasks, one card per state (`by_picture`): still open, with
    whom (`assignees`) and whether the user can close it on the takedowns page
    (`can_close`: theirs, or of a school they direct), or how it was closed. The director's
    home links a publication still to take down here; once it is done, this says so and by
    whom. One query."""
    tasks = check.takedowns.select_related("pupil", "assigned_to", "done_by")
    pictures = by_picture(tasks.order_by("created_at", "id"))
    directs = check.school_id in own_directed_school_ids(user)
    for picture in pictures:
        first = picture[0]
        names = {t.assigned_to.full_name or t.assigned_to.email: None for t in picture}
        # attributes for the page, as by_picture sets `handed_over`
        first.assignees = ", ".join(names)  # type: ignore[attr-defined]
        first.can_close = first.is_open and (  # type: ignore[attr-defined]
            directs or any(t.assigned_to_id == user.pk for t in picture)
        )
    return pictures


@dataclass
class GoneSince:
    """The names of the pupils who appear and were allowed when the check was made but
    are not now: still to take down (or not to post), and taken offline since."""

    to_take_down: list[str] = field(default_factory=list)
    taken_down: list[str] = field(default_factory=list)


def _consent_gone_since(check, verdicts, takedowns: list[list[TakedownTask]]) -> GoneSince:
    """Whose consent went since the check (a "nee", the other parent's "nee", gezag
    ended): the stored verdict is evidence of that moment, and a teacher who opens it again
    before posting (or lands on it by sending the check form again) must not read it as
    today's answer. A pupil whose takedown of this publication was marked taken offline
    and still stands (`TakedownTaskQuerySet.standing`: consent has not allowed them again
    since) is taken care of: the page says so instead of asking to take it down. Once
    consent allowed them again (a "ja" again, then a "nee": the picture may have been put
    back) it warns again; a "ja" that left the parents disagreeing did not (until
    2026-12-07 any answer since warned). Three queries, only when someone appears who was
    allowed."""
    allowed = [v.pupil for v in verdicts if v.appears and v.allowed]
    gone = GoneSince()
    if not allowed:
        return gone
    key = (check.purpose_id, check.media_type)
    table = consent_table(allowed, purpose_infos(codes=[check.purpose.code]), [key[1]])
    offline = _taken_offline(takedowns)
    for pupil in allowed:
        if is_allowed(table.state(pupil.pk, *key)):
            continue
        if pupil.pk in offline:
            gone.taken_down.append(pupil.full_name)
        else:
            gone.to_take_down.append(pupil.full_name)
    return gone


def _taken_offline(takedowns: list[list[TakedownTask]]) -> set[int]:
    """The pupils whose task of this publication was marked taken offline and still stands
    (as `TakedownTaskQuerySet.standing`): not closed as no longer needed (the picture was
    left up), and consent has not allowed them again since (`consent_back_at`)."""
    return {
        task.pupil_id
        for picture in takedowns
        for task in picture
        if task.done_at is not None and not task.left_up and task.consent_back_at is None
    }


def _photo_check_continues(user, check) -> bool:
    """Whether the check page offers the photo check for this publication: a photo on a
    channel still in use, by someone the photo check is for. Its first check of the
    photo then replaces this one, so the post stays one publication (one task, one
    e-mail when a parent withdraws), not one per page the teacher used."""
    return (
        check.media_type == MediaType.PHOTO
        and check.purpose.active
        and has_role(user, Role.TEACHER, Role.DIRECTOR)
    )


@login_required
@require_POST
def check_adjust(request, pk):
    """Blurred or left out: a new check replaces this one; both stay as evidence."""
    check = get_check_for_user(request.user, pk)
    if check.checked_by_id != request.user.pk:
        # a reader who is not its maker (the school's director, the board): the page
        # offers them no form, so this was sent by hand or from another tab; refused as
        # the parent's page refuses a parent without gezag, before reading anything sent
        messages.error(request, ONLY_THE_MAKER_ADJUSTS)
        return redirect("consent:check", pk=check.pk)
    verdicts = pupil_verdicts(list(check.pupils.all()), check.results)
    form = AppearanceForm(request.POST, verdicts=verdicts)
    if form.is_valid():
        try:
            newer = publication_check_adjust(
                user=request.user, check=check, appearances=form.appearances()
            )
        except CheckAdjustedAlready as already:
            messages.info(request, already.message)
            return redirect("consent:check", pk=already.newer.pk)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        except PermissionDenied:
            form.add_error(None, NO_LONGER_IN_REACH)
        else:
            return redirect("consent:check", pk=newer.pk)
    return _check_page(request, check, form, status=400)


ONLY_THE_MAKER_ADJUSTS = gettext_lazy(
    "Only the teacher who made this check can adjust it. Nothing was changed."
)


# Why the check's own maker may not adjust it: they still read it while they work at its
# school, but moved to another group they no longer reach its pupils (the service's
# PermissionDenied; others are refused before it is asked, ONLY_THE_MAKER_ADJUSTS).
NO_LONGER_IN_REACH = gettext_lazy(
    "You can no longer adjust this check: not every pupil in it is in your groups any "
    "more. Nothing was saved."
)


@require_safe
@login_required
def takedowns(request):
    require_role(request.user, Role.TEACHER, Role.DIRECTOR, Role.BOARD)
    tasks = (
        own_takedowns(request.user)
        .select_related("publication_check__purpose", "publication_check__checked_by")
        .select_related("publication_check__school", "pupil", "done_by")
        .select_related("publication_check__replaces")  # the card's "last adjusted on"
        # open first: PostgreSQL sorts NULL last in ascending order, SQLite first
        .order_by(F("done_at").asc(nulls_first=True), "-created_at", "-id")
    )
    tasks, colleagues = list(tasks), list(takedowns_of_colleagues(request.user))
    again = allowed_again(tasks + colleagues)
    context = {
        "pictures": _cards(tasks, again),
        "colleagues": _cards(colleagues, again),
        # a director of two schools reads "at your schools"
        "colleague_schools": len({task.publication_check.school_id for task in colleagues}),
        "namesakes": namesakes(_named_on_takedowns(request.user, tasks, colleagues)),
    }
    return render(request, "consent/takedowns.html", context)


def _named_on_takedowns(user, tasks, colleagues) -> list:
    """The staff the takedowns page names: who checked and who closed the user's own
    pictures, whom a colleague's picture was given to. And the user, whom the page leaves
    unnamed ("checked on", "taken offline on"): a colleague of the user's own name then
    reads with their address, not as the user."""
    people = [user]
    for task in tasks:
        people.append(task.publication_check.checked_by)
        if task.done_by:
            people.append(task.done_by)
    return people + [task.assigned_to for task in colleagues]


def _cards(tasks, again: set[int]) -> list[list[TakedownTask]]:
    """One card per picture (`by_picture`). Each task says whether its pupil may appear
    again (`allowed_again`), the card's first whether every pupil in it may
    (`not_needed`: taking it down is no longer needed)."""
    pictures = by_picture(tasks)
    for picture in pictures:
        for task in picture:
            task.allowed_again = task.pk in again  # type: ignore[attr-defined]  # for the page
        picture[0].not_needed = all(task.pk in again for task in picture)  # type: ignore[attr-defined]
    return pictures


@login_required
@require_POST
def takedown_done(request, pk):
    """The picture of this task is closed, for every pupil in it the user may mark: taken
    offline, or (`closed_reason` "not_needed") no longer needed as consent came back."""
    task = get_takedown_for_user(request.user, pk)
    closed_reason = request.POST.get("closed_reason", TakedownTask.ClosedReason.TAKEN_DOWN)
    if closed_reason not in TakedownTask.ClosedReason.values:
        messages.error(request, _("Unknown choice."))
        return redirect("consent:takedowns")
    try:
        closed = takedown_complete(
            task=task,
            user=request.user,
            reach=takedowns_in_reach(request.user),
            closed_reason=closed_reason,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        task.refresh_from_db()
        if closed or task.done_at is None:
            messages.success(request, CLOSED_MESSAGES[closed_reason])
        else:  # a second click, or a colleague closed it first: how, by whom, when
            messages.info(request, _closed_before(task, request.user))
    return redirect("consent:takedowns")


def _closed_before(task: TakedownTask, user) -> str:
    """How a task closed before this click was closed, as its card on the page says it:
    by "u" when it was the user (the page leaves the user unnamed), else by name."""
    when = date_format(timezone.localtime(task.done_at), "j F Y")
    left_up = task.left_up
    if task.done_by_id is not None and task.done_by_id == user.pk:
        if left_up:
            text = _(
                "You already closed this as no longer needed on %(when)s: consent was given again."
            )
        else:
            text = _("You already marked this as taken down on %(when)s.")
        return text % {"when": when}
    if task.done_by is not None:
        name = task.done_by.full_name or task.done_by.email
        if left_up:
            text = _("Closed as no longer needed by %(name)s on %(when)s: consent was given again.")
        else:
            text = _("Marked as taken down by %(name)s on %(when)s.")
        return text % {"name": name, "when": when}
    if left_up:
        return _(
            "Closed without taking it offline: no longer needed, consent was given again. "
            "Closed on %(when)s."
        ) % {"when": when}
    return _("Taken offline on %(when)s.") % {"when": when}


CLOSED_MESSAGES = {
    TakedownTask.ClosedReason.TAKEN_DOWN: gettext_lazy("Marked as taken down."),
    TakedownTask.ClosedReason.NOT_NEEDED: gettext_lazy(
        "Closed: taking it down was no longer needed."
    ),
}
