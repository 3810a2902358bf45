from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from opo_portal.converters import BIGINT_MAX
from policy import services
from policy.diff import compare_articles, compare_headings, split_unchanged, word_diff
from policy.export import confirmations_table
from policy.forms import (
    ArticleAddForm,
    ArticleEditForm,
    ConfirmForm,
    DiffChoiceForm,
    PublishForm,
    SectionAddForm,
    SectionForm,
    SummaryForm,
)
from policy.models import (
    Acknowledgement,
    Article,
    ProtocolVersion,
    PublishedVersionIsFrozen,
    Release,
    Section,
)
from policy.selectors import (
    foundation_staff_confirmations,
    parent_confirmations,
    staff_confirmations,
    with_confirmation_counts,
)
from schools.access import (
    acts_for_school,
    directed_schools,
    get_school_for_acting,
    get_school_for_director,
    has_role,
    require_role,
    roles_of,
    sees_all_schools,
)
from schools.models import StaffMembership
from schools.tabular import csv_response, xlsx_response

Role = StaffMembership.Role


# --- Helpers -----------------------------------------------------------------------


def _current_or_404() -> ProtocolVersion:
    version = ProtocolVersion.objects.current()
    if version is None:
        raise Http404
    return version


def _document(version: ProtocolVersion) -> list[Section]:
    return list(version.sections.prefetch_related("articles"))


def _articles(version: ProtocolVersion) -> list[Article]:
    return list(version.articles.select_related("section").order_by("section__position", "number"))


def _differences(old: ProtocolVersion | None, new: ProtocolVersion) -> dict:
    """What _diff.html shows: changed headings, then changed and unchanged articles."""
    if old is None:
        return {"headings": [], "changes": [], "changed": [], "unchanged": []}
    old_articles, new_articles = _articles(old), _articles(new)
    changes = compare_articles(old_articles, new_articles)
    changed, unchanged = split_unchanged(changes)
    return {
        "headings": compare_headings(old_articles, new_articles),
        "changes": changes,
        "changed": changed,
        "unchanged": unchanged,
    }


def _get_draft(user, number: int) -> ProtocolVersion:
    """Drafts exist only for board staff (others 404). A published version is never a
    draft: PublishedVersionIsFrozen, which @_draft_page answers with a message."""
    require_role(user, Role.BOARD)
    draft = ProtocolVersion.objects.drafts().filter(number=number).first()
    if draft is not None:
        return draft
    if ProtocolVersion.objects.published().filter(number=number).exists():
        raise PublishedVersionIsFrozen(f"protocol version {number} is published")
    raise Http404


def _draft_page(view, typed: tuple[str, ...] = ()):
    """A draft page whose version was published, before this request or while it waited
    for the draft's lock (a colleague clicked "Publish"): the version with a message
    that nothing was changed, not a 404 or a 500. A draft discarded while the request
    waited for its lock: a 404, as one discarded before, except for a save (below).

    An edit page's save (`typed`: the fields it keeps, see _edit_page) of board staff to
    a draft published or discarded after the page was opened: what was typed, to copy,
    with what happened (_draft_gone); nothing was written. A page whose form names its
    draft (SavesToDraftForm) knows it was discarded even when a new draft has its number
    since, published or not (_shown_draft_gone); any save that found the draft and then
    waited for its lock knows it too (ProtocolVersion.DoesNotExist)."""

    @wraps(view)
    def page(request, number: int, *args, **kwargs):
        try:
            return view(request, number, *args, **kwargs)
        except PublishedVersionIsFrozen:
            if typed and request.method == "POST":  # board staff: _get_draft checked
                published = not _shown_draft_gone(request)
                return _draft_gone(request, number, typed, published=published)
            messages.error(
                request,
                _("Version %(number)s is published and can no longer be changed.")
                % {"number": number},
            )
            return redirect("policy:version", number=number)
        except ProtocolVersion.DoesNotExist:
            # The draft this request found (board staff: _get_draft checked) was deleted
            # while the save waited for its lock: discarded, even when a new draft has
            # taken its number since, which the page never showed.
            if typed and request.method == "POST" and has_role(request.user, Role.BOARD):
                return _draft_gone(request, number, typed, published=False)
            raise Http404 from None
        except Http404:
            if typed and request.method == "POST" and _discarded_meanwhile(request, number):
                return _draft_gone(request, number, typed, published=False)
            raise Http404 from None

    return page


def _edit_page(*typed: str):
    """@_draft_page for an edit page whose form keeps the fields `typed`."""
    return lambda view: _draft_page(view, typed)


def _discarded_meanwhile(request, number: int) -> bool:
    """Board staff (others: a 404, out of reach) saving to a draft discarded since: the
    draft the form names is gone (_shown_draft_gone), or, for a form that names none, the
    number is one no version has, the number a new draft gets (the one after the highest).
    A made-up number further on is no draft that ever was."""
    if not has_role(request.user, Role.BOARD):
        return False
    if _shown_draft_gone(request):
        return True
    if ProtocolVersion.objects.filter(number=number).exists():
        return False
    highest = ProtocolVersion.objects.aggregate(highest=Max("number"))["highest"] or 0
    return number == highest + 1


def _shown_draft_gone(request) -> bool:
    """The save names the draft its page showed (SavesToDraftForm's `draft`) and no version
    has that id any more: discarded since, even when a new draft took its number. Only for
    board staff, as _get_draft or _discarded_meanwhile checked."""
    pk = _typed_id(request.POST.get("draft", ""))
    return pk is not None and not ProtocolVersion.objects.filter(pk=pk).exists()


def _require_shown_draft(request, draft: ProtocolVersion) -> None:
    """A save from a page that showed a draft discarded since, now that a new draft has
    its number: a 404, which @_draft_page answers with what was typed (_draft_gone), before
    anything is written to the new draft. A form that names no draft, or another version,
    is refused by the form itself (SavesToDraftForm)."""
    if request.method != "POST" or _typed_id(request.POST.get("draft", "")) == draft.pk:
        return
    if _shown_draft_gone(request):
        raise Http404


def _draft_gone(request, number: int, typed: tuple[str, ...], *, published: bool):
    """What was typed for a draft published or discarded after the page was opened (by a
    colleague, or in another tab): nothing saved, the text read-only to copy, with where
    to go on: the published version, the draft started since, or a new draft."""
    if published:
        title = _("Draft published meanwhile")
        message = _(
            "This draft was published as version %(number)s after you opened this page (by a "
            "colleague, or by you in another tab), so nothing was saved: a published version "
            "can no longer be changed. What you typed is below to copy; to change the "
            "protocol, use it in a new draft."
        ) % {"number": number}
    else:
        title = _("Draft discarded meanwhile")
        message = _(
            "This draft was discarded after you opened this page (by a colleague, or by you "
            "in another tab), so nothing was saved. What you typed is below to copy; to use "
            "it, start a new draft."
        )
    labels = {"text": _("Text"), "heading": _("Heading"), "summary": _("Summary of changes")}
    return render(
        request,
        "policy/draft_gone.html",
        {
            "title": title,
            "message": message,
            "published": number if published else None,
            "typed": [(labels[name], request.POST.get(name, "")) for name in typed],
            "draft": ProtocolVersion.objects.drafts().first(),
        },
    )


def _draft_url(draft: ProtocolVersion, anchor: str) -> str:
    return reverse("policy:draft_edit", args=[draft.number]) + f"#{anchor}"


# Who reads the confirmation lists: they change nothing, so the privacy officer's audit
# of every school includes them (has the teacher who posted it confirmed the protocol?).
READING = (Role.DIRECTOR, Role.BOARD, Role.PRIVACY_OFFICER)


def _confirmation_school(user, code: str):
    """Directors reach their own school's list, board staff and the privacy officer every
    school's; others 404."""
    require_role(user, *READING)
    return get_school_for_director(user, code)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# What _stored_text.html shows beside an edit form that was not refused as changed
NOT_REFUSED: dict = {"stored": None, "changes": None}


def _refused(form, error: ValidationError, stored: str) -> dict:
    """A save refused (services._refuse_if_changed, or another reason): the message on the
    form, which keeps what was typed. Changed by a colleague: the page shows the text as
    it is now (`stored`) and, when the text the form started from is known, which words
    changed since (`changes`); the form now carries the text as it is, so saving again
    saves knowingly."""
    form.add_error(None, error)
    if getattr(error, "code", None) != "changed":  # a dict of errors has none
        return NOT_REFUSED
    start = form.started_from()
    form.now_showing(stored)
    return {"stored": stored, "changes": None if start is None else word_diff(start, stored)}


def _typed_id(value: str) -> int | None:
    """An id a form sent back unseen; None for what no row can have."""
    if value.isascii() and value.isdigit() and int(value) <= BIGINT_MAX:
        return int(value)
    return None


def _require_removed_meanwhile(request, model, pk: int) -> None:
    """An article or section the draft does not have: a 404, unless it is a save (something
    typed) and no version has it any more, removed (by a colleague, or in another tab)
    after the page was opened; the caller then keeps what was typed. Only for board staff,
    as _get_draft checked: anyone else got a 404 before."""
    if request.method != "POST" or model.objects.filter(pk=pk).exists():
        raise Http404


# --- Reading the protocol (anyone) ----------------------------------------------------


@require_safe
def current(request):
    version = ProtocolVersion.objects.current()
    if version is None:  # only before the first publication (the migration loads version 1)
        return render(request, "policy/none_published.html")
    can_confirm = bool(roles_of(request.user))
    latest = _latest_confirmation(request.user) if can_confirm else None
    acknowledgement = latest if latest is not None and latest.version_id == version.pk else None
    return render(
        request,
        "policy/current.html",
        {
            "version": version,
            "sections": _document(version),
            "can_confirm": can_confirm,
            "acknowledgement": acknowledgement,
            # asked again: what changed since the version they read (a correction kept
            # a confirmation of the version it corrected, so that is the one they read)
            "earlier": latest if latest is not None and acknowledgement is None else None,
        },
    )


def _latest_confirmation(user) -> Acknowledgement | None:
    """The user's confirmation of the highest version, with the version they actually
    read (`read`: the corrected one for a confirmation a correction kept). One query."""
    latest = (
        Acknowledgement.objects.filter(user=user)
        .select_related("version", "carried_from")
        .order_by("-version__number")
        .first()
    )
    if latest is not None:
        latest.read = latest.carried_from or latest.version  # type: ignore[attr-defined]  # for the page
    return latest


@require_safe
def version_detail(request, number: int):
    version = get_object_or_404(ProtocolVersion.objects.published(), number=number)
    current_version = ProtocolVersion.objects.current()
    if version == current_version:
        return redirect("policy:current")
    return render(
        request,
        "policy/version.html",
        {"version": version, "sections": _document(version), "current": current_version},
    )


def _history(data=None):
    versions = list(
        ProtocolVersion.objects.published().select_related("release").order_by("-number")
    )
    rows = list(zip(versions, [*versions[1:], None], strict=True))
    numbers = [v.number for v in versions]
    # offered as it stands: what changed in the current version since the one before it
    initial = {"old": numbers[1], "new": numbers[0]} if len(numbers) > 1 else None
    form = DiffChoiceForm(data, numbers=numbers, initial=initial)
    return versions, rows, form


@require_safe
def history(request):
    _versions, rows, form = _history()
    return render(request, "policy/history.html", {"rows": rows, "form": form})


@require_safe
def diff_choose(request):
    _versions, rows, form = _history(request.GET)
    if not form.is_valid():
        return render(request, "policy/history.html", {"rows": rows, "form": form})
    return redirect("policy:diff", old=form.cleaned_data["old"], new=form.cleaned_data["new"])


def _published_from_to(first: int, last: int) -> dict[int, ProtocolVersion]:
    """The published versions from the lower number to the higher, in order, by number:
    both ends and every version between them. One query."""
    low, high = sorted((first, last))
    versions = (
        ProtocolVersion.objects.published()
        .filter(number__range=(low, high))
        .select_related("release")
        .order_by("number")
    )
    return {version.number: version for version in versions}


@require_safe
def diff(request, old: int, new: int):
    versions = _published_from_to(old, new)
    if old not in versions or new not in versions:
        raise Http404
    old_version, new_version = versions[old], versions[new]
    # What changed is told by every version after the older one up to the newer one,
    # whichever order was asked for (the form allows 2 to 1).
    summaries = [version for number, version in versions.items() if number > min(old, new)]
    return render(
        request,
        "policy/diff.html",
        {
            "old": old_version,
            "new": new_version,
            "summaries": summaries,
            **_differences(old_version, new_version),
        },
    )


# --- Confirming (staff and parents) -----------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request):
    if request.method != "POST":  # the login after an expired session sends them here
        return redirect(reverse("policy:current") + "#bevestigen")
    if not roles_of(request.user):
        raise Http404
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        raise Http404
    # a draft is no version a reader knows of: the 404 of an unknown number
    version = get_object_or_404(
        ProtocolVersion.objects.published(), number=form.cleaned_data["version"]
    )
    try:
        services.acknowledgement_record(user=request.user, version=version)
    except ValidationError as error:
        if error.code == "not_current":  # a newer version was published since they read it
            return _newer_version(request)
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Thank you: you confirmed that you read version %(number)s.")
            % {"number": version.number},
        )
    return redirect(reverse("policy:current") + "#bevestigen")


def _newer_version(request):
    """To the current version, from which the reader confirms once they read it."""
    current = ProtocolVersion.objects.current()
    if current is None:  # never: the version refused was published, and stays so
        return redirect("policy:current")
    messages.warning(
        request,
        _(
            "There is a newer version of the protocol: version %(number)s. Please read it "
            "below; then you can confirm that you read it."
        )
        % {"number": current.number},
    )
    return redirect("policy:current")


# --- Who has confirmed (directors: own school; board: all) ------------------------------


# A board of many schools pages through them: the counts are worked out for one page of
# schools, so the page costs the same for 10 schools or 6,000 (issue 17). Each listed
# school's staff are counted one by one (about 13 a school), so a page of 25 schools costs
# about what a foundation of 13 does (a page of 50 cost 1.17-1.27 times as much).
SCHOOLS_PER_PAGE = 25


@require_safe
@login_required
def confirmations(request):
    require_role(request.user, *READING)
    version = ProtocolVersion.objects.current()
    if version is None:
        return render(request, "policy/none_published.html")
    schools = directed_schools(request.user).order_by("name").values_list("pk", "code", "name")
    page = Paginator(schools, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "version": version,
        "page": page,
        "schools": with_confirmation_counts(page.object_list, version),
    }
    if sees_all_schools(request.user):  # no school's list has them; directors' reach ends
        staff = context["foundation_staff"] = foundation_staff_confirmations(version=version)
        context["foundation_staff_confirmed"] = sum(row.confirmed for row in staff)
    return render(request, "policy/confirmations.html", context)


@require_safe
@login_required
def confirmation_list(request, code: str):
    school = _confirmation_school(request.user, code)
    version = _current_or_404()
    staff = staff_confirmations(school=school, version=version)
    parents = parent_confirmations(school=school, version=version)
    return render(
        request,
        "policy/confirmation_list.html",
        {
            "school": school,
            "may_remind": acts_for_school(request.user, school.pk),
            "version": version,
            "staff": staff,
            "staff_confirmed": sum(row.confirmed for row in staff),
            "parents": parents,
            "parents_confirmed": sum(row.confirmed for row in parents),
        },
    )


def _confirmation_export(request, code: str):
    """The school, the version and the table of a download (`?ouders=1` adds parents)."""
    school = _confirmation_school(request.user, code)
    version = _current_or_404()
    with_parents = request.GET.get("ouders") == "1"
    headers, rows = confirmations_table(
        staff=staff_confirmations(school=school, version=version),
        parents=parent_confirmations(school=school, version=version) if with_parents else None,
    )
    return school, version, headers, rows


def _confirmations_name(version, code: str, ext: str) -> str:
    name = pgettext("file name", "protocol-v%(number)s-confirmations-%(school)s.%(ext)s")
    return name % {"number": version.number, "school": code, "ext": ext}


def _foundation_staff_name(version, ext: str) -> str:
    name = pgettext("file name", "protocol-v%(number)s-confirmations-board.%(ext)s")
    return name % {"number": version.number, "ext": ext}


@require_safe
@login_required
def confirmation_csv(request, code: str):
    school, version, headers, rows = _confirmation_export(request, code)
    return csv_response(_confirmations_name(version, school.code, "csv"), headers, rows)


@require_safe
@login_required
def confirmation_xlsx(request, code: str):
    school, version, headers, rows = _confirmation_export(request, code)
    filename = _confirmations_name(version, school.code, "xlsx")
    title = _("Protocol version %(number)s") % {"number": version.number}
    document_title = _(
        "Confirmations of reading the social media protocol, version %(number)s, %(school)s"
    ) % {"number": version.number, "school": school.name}
    return xlsx_response(filename, headers, rows, title=title, document_title=document_title)


def _foundation_staff_export(request):
    """The version and the table of the board staff's and privacy officers' own list (on
    no school's list): for those who see it on the overview; others 404."""
    require_role(request.user, *READING)
    if not sees_all_schools(request.user):
        raise Http404
    version = _current_or_404()
    headers, rows = confirmations_table(
        staff=foundation_staff_confirmations(version=version), parents=None
    )
    return version, headers, rows


@require_safe
@login_required
def foundation_staff_csv(request):
    version, headers, rows = _foundation_staff_export(request)
    return csv_response(_foundation_staff_name(version, "csv"), headers, rows)


@require_safe
@login_required
def foundation_staff_xlsx(request):
    version, headers, rows = _foundation_staff_export(request)
    filename = _foundation_staff_name(version, "xlsx")
    title = _("Protocol version %(number)s") % {"number": version.number}
    document_title = _(
        "Confirmations of reading the social media protocol, version %(number)s, "
        "board staff and privacy officers"
    ) % {"number": version.number}
    return xlsx_response(filename, headers, rows, title=title, document_title=document_title)


@login_required
@require_POST
def confirmation_remind(request, code: str):
    """The school's director or the board e-mails its staff who have not confirmed (the
    privacy officer reads the lists, and reminds nobody)."""
    require_role(request.user, Role.DIRECTOR, Role.BOARD)
    school = get_school_for_acting(request.user, code)
    version = _current_or_404()
    sent, earlier = services.staff_reminders_send(school=school, version=version)
    if sent:
        messages.success(
            request,
            ngettext(
                "A reminder is being sent to %(count)s staff member who has not confirmed yet.",
                "A reminder is being sent to %(count)s staff members who have not confirmed yet.",
                sent,
            )
            % {"count": sent},
        )
    elif earlier:
        messages.info(
            request,
            _("Everyone who has not confirmed yet was already sent a reminder today."),
        )
    else:
        messages.info(request, _("All staff have confirmed; nobody needs a reminder."))
    return redirect("policy:confirmation_list", code=school.code)


# --- Drafting and publishing (board staff) ----------------------------------------------


@require_safe
@login_required
def drafts(request):
    require_role(request.user, Role.BOARD)
    versions = ProtocolVersion.objects.select_related("published_by").order_by("-number")
    return render(
        request,
        "policy/drafts.html",
        {"versions": versions, "has_draft": any(not v.is_published for v in versions)},
    )


@login_required
@require_POST
def draft_start(request):
    require_role(request.user, Role.BOARD)
    try:
        draft = services.version_draft_start(by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("policy:drafts")
    return redirect("policy:draft_edit", number=draft.number)


@login_required
@_edit_page("summary")
def draft_edit(request, number: int):
    draft = _get_draft(request.user, number)
    _require_shown_draft(request, draft)
    form = SummaryForm(
        request.POST or None,
        initial={"summary": draft.summary},
        stored=draft.summary,
        version=draft,
    )
    refusal = NOT_REFUSED  # the summary as it is now, when a colleague changed it since
    if request.method == "POST" and form.is_valid():
        try:
            services.version_update_summary(
                version=draft,
                summary=form.cleaned_data["summary"],
                shown=form.cleaned_data["shown"],
            )
        except ValidationError as error:
            draft.refresh_from_db(fields=["summary"])
            refusal = _refused(form, error, draft.summary)
        else:
            messages.success(request, _("Summary saved."))
            return redirect("policy:draft_edit", number=draft.number)
    return render(
        request,
        "policy/draft_edit.html",
        {"draft": draft, "form": form, "sections": _document(draft), **refusal},
    )


@require_safe
@login_required
@_draft_page
def draft_preview(request, number: int):
    draft = _get_draft(request.user, number)
    current_version = ProtocolVersion.objects.current()
    return render(
        request,
        "policy/draft_preview.html",
        {
            "version": draft,
            "sections": _document(draft),
            "current": current_version,
            **_differences(current_version, draft),
            "publish_form": PublishForm(initial={"previewed": services.version_fingerprint(draft)}),
        },
    )


def _already_published(request, number: int):
    messages.info(request, _("Version %(number)s is already published.") % {"number": number})
    return redirect("policy:current")


@login_required
@require_POST
def draft_publish(request, number: int):
    require_role(request.user, Role.BOARD)
    if ProtocolVersion.objects.published().filter(number=number).exists():
        return _already_published(request, number)  # a second click on "Publish"
    draft = _get_draft(request.user, number)
    form = PublishForm(request.POST)
    if not form.is_valid() and "kind" in form.errors:
        messages.error(request, _("Choose whether this is a new version or a correction."))
        return redirect("policy:draft_preview", number=draft.number)
    kind = form.cleaned_data["kind"]
    # an unreadable one (a NUL byte) matches no draft: refused as a changed draft
    previewed = form.cleaned_data.get("previewed", "")
    try:
        services.version_publish(version=draft, by=request.user, kind=kind, previewed=previewed)
    except PublishedVersionIsFrozen:  # another board member published it a moment ago
        return _already_published(request, number)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("policy:draft_preview", number=draft.number)
    if kind == Release.Kind.CORRECTION:
        text = _("Version %(number)s is published as a correction; confirmations stay valid.")
    else:
        text = _("Version %(number)s is published; all staff are e-mailed to read it.")
    messages.success(request, text % {"number": draft.number})
    return redirect("policy:current")


@login_required
@require_POST
@_draft_page
def draft_discard(request, number: int):
    require_role(request.user, Role.BOARD)
    if not ProtocolVersion.objects.filter(number=number).exists():
        return _already_discarded(request)  # a second click on "Discard"
    draft = _get_draft(request.user, number)
    try:
        services.version_discard(version=draft)
    except ProtocolVersion.DoesNotExist:  # discarded by another click a moment ago
        return _already_discarded(request)
    messages.success(request, _("The draft was discarded."))
    return redirect("policy:drafts")


def _already_discarded(request):
    messages.info(request, _("The draft was already discarded."))
    return redirect("policy:drafts")


@login_required
@_edit_page("heading")
def section_add(request, number: int):
    draft = _get_draft(request.user, number)
    _require_shown_draft(request, draft)
    form = SectionAddForm(request.POST or None, version=draft)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            services.section_add(
                version=draft, heading=data["heading"], slug=data["slug"], kind=data["kind"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("policy:draft_edit", number=draft.number)
    return render(request, "policy/section_form.html", {"draft": draft, "form": form})


@login_required
@_edit_page("heading")
def section_edit(request, number: int, pk: int):
    draft = _get_draft(request.user, number)
    _require_shown_draft(request, draft)
    section = draft.sections.filter(pk=pk).first()
    if section is None:
        _require_removed_meanwhile(request, Section, pk)
        return _section_removed(request, draft)
    form = SectionForm(
        request.POST or None,
        initial={"heading": section.heading},
        stored=section.heading,
        version=draft,
    )
    refusal = NOT_REFUSED  # the heading as it is now, when a colleague changed it since
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(
                section=section,
                heading=form.cleaned_data["heading"],
                shown=form.cleaned_data["shown"],
            )
        except Section.DoesNotExist:  # removed while this save waited for the draft
            return _section_removed(request, draft)
        except ValidationError as error:
            section.refresh_from_db(fields=["heading"])
            refusal = _refused(form, error, section.heading)
        else:
            return redirect(_draft_url(draft, section.slug))
    return render(
        request,
        "policy/section_form.html",
        {"draft": draft, "form": form, "section": section, **refusal},
    )


def _section_removed(request, draft: ProtocolVersion):
    """A heading typed for a section removed meanwhile: in the form that adds a section,
    nothing saved (the section's articles went before it, so there is nothing else)."""
    form = SectionAddForm(initial={"heading": request.POST.get("heading", "")}, version=draft)
    removed = _(
        "This section was removed from the draft after you opened this page (by a "
        "colleague, or by you in another tab), so nothing was saved. What you typed is "
        "below: save it to add it as a new section at the end of the draft, or copy it."
    )
    return render(
        request,
        "policy/section_form.html",
        {
            "draft": draft,
            "form": form,
            "removed": removed,
            "action": reverse("policy:section_add", args=[draft.number]),
        },
    )


@login_required
@require_POST
@_draft_page
def section_remove(request, number: int, pk: int):
    draft = _get_draft(request.user, number)
    section = get_object_or_404(draft.sections, pk=pk)
    try:
        services.section_remove(section=section)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("policy:draft_edit", number=draft.number)


@login_required
@_edit_page("text")
def article_add(request, number: int, pk: int):
    draft = _get_draft(request.user, number)
    _require_shown_draft(request, draft)
    section = get_object_or_404(draft.sections, pk=pk)
    form = ArticleAddForm(request.POST or None, version=draft)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_add(section=section, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(_draft_url(draft, article.anchor))
    return render(
        request,
        "policy/article_form.html",
        {"draft": draft, "form": form, "section": section},
    )


@login_required
@_edit_page("text")
def article_edit(request, number: int, pk: int):
    draft = _get_draft(request.user, number)
    _require_shown_draft(request, draft)
    article = Article.objects.select_related("section").filter(version=draft, pk=pk).first()
    if article is None:
        _require_removed_meanwhile(request, Article, pk)
        return _article_removed(request, draft, _typed_id(request.POST.get("section", "")))
    form = ArticleEditForm(
        request.POST or None,
        initial={"text": article.text, "section": article.section_id},
        stored=article.text,
        version=draft,
    )
    refusal = NOT_REFUSED  # the text as it is now, when a colleague changed it since
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(
                article=article, text=form.cleaned_data["text"], shown=form.cleaned_data["shown"]
            )
        except Article.DoesNotExist:  # removed while this save waited for the draft
            return _article_removed(request, draft, article.section_id)
        except ValidationError as error:
            article.refresh_from_db(fields=["text"])
            refusal = _refused(form, error, article.text)
        else:
            return redirect(_draft_url(draft, article.anchor))
    return render(
        request,
        "policy/article_form.html",
        {
            "draft": draft,
            "form": form,
            "section": article.section,
            "article": article,
            **refusal,
        },
    )


def _article_removed(request, draft: ProtocolVersion, section_id: int | None):
    """A text typed for an article removed meanwhile, nothing saved: in the form that adds
    an article to the end of its section, or, that section gone too (or not known), to
    copy."""
    typed = request.POST.get("text", "")
    section = draft.sections.filter(pk=section_id).first() if section_id else None
    if section is None:
        removed = _(
            "This article was removed from the draft after you opened this page (by a "
            "colleague, or by you in another tab), so nothing was saved. What you typed is "
            "below: copy it to add it elsewhere in the draft."
        )
        return render(
            request, "policy/removed.html", {"draft": draft, "removed": removed, "typed": typed}
        )
    removed = _(
        "This article was removed from the draft after you opened this page (by a "
        "colleague, or by you in another tab), so nothing was saved. What you typed is "
        "below: save it to add it as a new article at the end of %(section)s, or copy it."
    ) % {"section": section.name}
    return render(
        request,
        "policy/article_form.html",
        {
            "draft": draft,
            "form": ArticleAddForm(initial={"text": typed}, version=draft),
            "section": section,
            "removed": removed,
            "action": reverse("policy:article_add", args=[draft.number, section.pk]),
        },
    )


@login_required
@require_POST
@_draft_page
def article_remove(request, number: int, pk: int):
    draft = _get_draft(request.user, number)
    article = get_object_or_404(Article.objects.select_related("section"), version=draft, pk=pk)
    try:
        services.article_remove(article=article)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("policy:draft_edit", number=draft.number)
