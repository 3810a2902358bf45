"""The coverage page's name lists, formatted in Python.

A school's lists of pupils with open questions and of pupils whose parents disagree have
a line per pupil, each with its channels and links: as template loops, {% url %} tags and
then as format_html calls they were most of the page's time (issue 17). Here every text
goes through `escape` (html.escape: the same entities as Django's escape) once, repeated
texts once per page, and the lines are joined as plain strings. The HTML is the same as
the template loops wrote.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consent.reports import Holder

register = template.Library()

_PK = 987654321  # stands in for a pupil id: the record URL is reversed once per page


def _record_url() -> tuple[str, str]:
    """The paper form's URL before and after the pupil id."""
    before, after = reverse("consent:record", args=[_PK]).split(str(_PK))
    return before, after


def _own_child() -> str:
    """In place of the paper-form link on a line of the reader's own child: the form
    refuses staff who are the child's parent (consent.views.director.record)."""
    return escape(_("Your own child: a colleague records a paper or phone decision"))


def _own_child_reminders() -> str:
    """Beside the note on a line of the reader's own child with open questions, in place
    of its reminder links: the reminder view refuses the family of one's own child
    (consent.views.director.remind)."""
    return escape(_("A colleague sends the reminders to the parents of your own child"))


def _own_family(name: str) -> str:
    """In place of a reminder link to a parent of the reader's own child on another
    pupil's line: their one reminder a week would be about the reader's child too."""
    return escape(
        _("%(name)s: also a parent of your own child — a colleague sends the reminder")
        % {"name": name}
    )


def _own_family_unreached(name: str, *, active: bool) -> str:
    """In place of "contact them on paper" on another pupil's line, where no reminder
    reaches a parent of the reader's own child: contacting them is a colleague's, as
    their reminder is."""
    if not active:
        text = _(
            "%(name)s: account deactivated — also a parent of your own child; a colleague "
            "contacts them"
        )
    else:
        text = _(
            "%(name)s: does not want reminders (stopped them themselves) — also a parent of "
            "your own child; a colleague contacts them"
        )
    return escape(text % {"name": name})


def _status_only(name: str, *, active: bool, stopped: bool) -> str:
    """On a line of the reader's own child, in place of a reminder link: why no reminder
    reaches this gezag-holder, read-only (contacting them is the colleague's, as the
    reminder). "" where a reminder would reach them."""
    if not active:
        return escape(_("%(name)s: account deactivated") % {"name": name})
    if stopped:
        return escape(
            _("%(name)s: does not want reminders (stopped them themselves)") % {"name": name}
        )
    return ""


def _deactivated(name: str) -> str:
    """In place of a reminder link: no e-mail reaches a parent whose account is deactivated."""
    return escape(_("%(name)s: account deactivated — contact them on paper") % {"name": name})


def _reminded(name: str, last) -> str:
    """The day of a gezag-holder's latest reminder (consent.reports.Reminded): when it
    went, that it is not delivered yet, or that it could not be delivered."""
    if last.failed:
        text = _("%(name)s: the reminder of %(day)s could not be delivered")
    elif last.delivered:
        text = _("%(name)s reminded on %(day)s")
    else:
        text = _("%(name)s: reminder of %(day)s not delivered yet")
    return escape(text % {"name": name, "day": date_format(last.day, "j F")})


def _stopped(name: str) -> str:
    """In place of a reminder link: the parent stopped reminder e-mails themselves."""
    return escape(
        _("%(name)s: does not want reminders (stopped them themselves) — contact them on paper")
        % {"name": name}
    )


@register.simple_tag
def waiting_items(
    rows, school_code: str, can_act: bool, reminded=None, own_children=(), own_family=()
) -> SafeString:
    """<li> per pupil with open questions (PupilCoverage rows): what is open and, for
    staff who act, a reminder link per gezag-holder (or that their account is
    deactivated, or that they stopped reminders, or, as the director's home says it, the
    day their latest reminder of the last 7 days went (or that it is not delivered yet,
    or could not be: then the link too); `reminded`: SchoolCoverage.reminded) and the
    paper form. For the reader's own children (`own_children`) a note instead of both,
    after each gezag-holder's reminder status without a link, and no reminder link to a
    parent of one of them (`own_family`: their gezag-holders at any school,
    schools.access.own_family_ids) on any line: a colleague sends those, and contacts
    them where no reminder reaches them (not "contact them on paper")."""
    remind = escape(reverse("consent:remind", args=[school_code]))
    before, after = _record_url()
    paper = escape(_("Record a paper form"))
    own_children = own_children or frozenset()
    own_family = own_family or frozenset()
    remind_text = _("Remind %(name)s")
    reminded = reminded or {}
    texts: dict[str, str] = {}  # channel and media texts recur on every line

    def text(value: str) -> str:
        known = texts.get(value)
        if known is None:
            known = texts[value] = escape(value)
        return known

    def reach(holder: Holder) -> str:
        """A reminder link, or why no reminder e-mail reaches this gezag-holder."""
        if holder.user_id in own_family and (not holder.active or holder.reminders_stopped):
            return _own_family_unreached(holder.name, active=holder.active)
        if not holder.active:
            return _deactivated(holder.name)
        if holder.reminders_stopped:
            return _stopped(holder.name)
        last = reminded.get(holder.user_id)
        if last is not None and not last.failed:  # the 7-day pause: no link
            return _reminded(holder.name, last)
        failed = f"{_reminded(holder.name, last)} · " if last is not None else ""
        if holder.user_id in own_family:
            return f"{failed}{_own_family(holder.name)}"
        words = escape(remind_text % {"name": holder.name})
        return f'{failed}<a href="{remind}?ouder={int(holder.user_id)}">{words}</a>'

    def status(holder: Holder) -> str:
        """On the reader's own child's line: the reminder status of `reach`, no link."""
        said = _status_only(holder.name, active=holder.active, stopped=holder.reminders_stopped)
        last = reminded.get(holder.user_id)
        if not said and last is not None:
            said = _reminded(holder.name, last)
        return f"{said} · " if said else ""

    items = []
    for row in rows:
        channels = "; ".join(
            f"{text(channel)} ({text(', '.join(media))})" for channel, media in row.unanswered
        )
        actions = ""
        if can_act and row.pupil.pk in own_children:
            said = "".join(status(holder) for holder in row.guardians)
            actions = f"<br>{said}{_own_child()}<br>{_own_child_reminders()}"
        elif can_act:
            links = "".join(f"{reach(holder)} · " for holder in row.guardians)
            url = escape(f"{before}{int(row.pupil.pk)}{after}")
            actions = f'<br>{links}<a href="{url}">{paper}</a>'
        items.append(
            f"\n            <li><strong>{escape(row.pupil.full_name)}</strong>: {channels}"
            f"\n              {actions}</li>\n          "
        )
    return mark_safe("".join(items))  # noqa: S308 (every value above went through escape)


@register.simple_tag
def group_sections(coverage, can_act: bool, own_children=(), own_family=()) -> SafeString:
    """A <section> per group (consent.reports.SchoolCoverage.groups): its counts per pupil,
    the reminder button for staff who act, who has open questions (waiting_items, with
    `own_children` and `own_family`) and who is never in the picture. What the template
    loop wrote, as one pass in Python; the words are the template's own messages."""
    code = coverage.school.code
    remind = escape(reverse("consent:remind", args=[code]))
    never = escape(_("Never in the picture:"))
    sections = []
    for number, group in enumerate(coverage.groups, start=1):
        waiting = group.pupils_waiting
        counts = ngettext(
            "%(complete)s of %(total)s pupil fully answered · %(waiting)s with open "
            "questions · %(conflicts)s with parents who disagree",
            "%(complete)s of %(total)s pupils fully answered · %(waiting)s with open "
            "questions · %(conflicts)s with parents who disagree",
            group.pupils,
        ) % {
            "complete": localize(group.pupils_complete),
            "total": localize(group.pupils),
            "waiting": localize(len(waiting)),
            "conflicts": localize(len(group.pupils_in_conflict)),
        }
        button = ""
        if can_act and group.group_id and waiting:
            words = _("Remind the parents of %(group)s") % {"group": escape(group.name)}
            button = (
                f'<p><a class="button secondary" href="{remind}?groep={int(group.group_id)}">'
                f"{words}</a></p>"
            )
        names = ""
        if waiting:
            lines = waiting_items(
                waiting, code, can_act, coverage.reminded, own_children, own_family
            )
            summary = ngettext(
                "%(n)s pupil with open questions", "%(n)s pupils with open questions", len(waiting)
            ) % {"n": localize(len(waiting))}
            names = (
                f"\n      <details><summary>{summary}</summary>"
                '\n        <ul class="name-list">'
                f"\n          {lines}"
                "\n        </ul>\n      </details>\n    "
            )
        outside = group.pupils_never_in_picture
        kept_out = ""
        if outside:
            listed = ", ".join(escape(row.pupil.full_name) for row in outside)
            kept_out = f"<p>{never} {listed}</p>"
        sections.append(
            f'\n  <section class="group-names" aria-labelledby="group-{number}">'
            f'\n    <h3 id="group-{number}">{escape(group.name)}</h3>'
            f"\n    <p>{counts}</p>\n    {button}\n    {names}\n    {kept_out}\n  </section>\n"
        )
    return mark_safe("".join(sections))  # noqa: S308 (every value above went through escape)


@register.simple_tag
def conflict_items(conflicts_by_pupil, can_act: bool, own_children=()) -> SafeString:
    """<li> per pupil whose parents disagree: per cell each parent's answer, and for staff
    who act the link to record a decision (SchoolCoverage.conflicts_by_pupil), or for the
    reader's own children (`own_children`) a note that a colleague records it."""
    before, after = _record_url()
    own_children = own_children or frozenset()
    answer_text = {True: escape("✓ " + _("yes")), False: escape("✗ " + _("no"))}
    decide = escape(_("record a paper or phone decision"))
    counts: dict[int, str] = {}  # a handful of distinct numbers over hundreds of pupils
    items = []
    for pupil, conflicts in conflicts_by_pupil:
        group = f" ({escape(pupil.group_name)})" if pupil.group_name else ""
        n = len(conflicts)
        count = counts.get(n)
        if count is None:
            count = counts[n] = escape(ngettext("%(n)s conflict", "%(n)s conflicts", n) % {"n": n})
        cells = "".join(
            f"\n              <li>{escape(c.purpose_name)}, {escape(c.media_label)} —"
            "\n                "
            + "; ".join(f"{escape(name)}: {answer_text[yes]}" for name, yes in c.answers)
            + "</li>\n            "
            for c in conflicts
        )
        link = ""
        if can_act and pupil.pk in own_children:
            link = _own_child()
        elif can_act:
            url = escape(f"{before}{int(pupil.pk)}{after}")
            link = f'<a href="{url}">{decide}</a>'
        items.append(
            f"\n      <li>\n        <details>\n          <summary><strong>"
            f"{escape(pupil.full_name)}</strong>{group}: {count}</summary>\n          <ul>"
            f"\n            {cells}\n          </ul>\n        </details>\n        {link}"
            "\n      </li>\n    "
        )
    return mark_safe("".join(items))  # noqa: S308 (every value above went through escape)


@register.simple_tag
def attention_waiting_items(lines, school_code: str, own_children=(), own_family=()) -> SafeString:
    """<li> per pupil with unanswered questions on the director's and the board's home
    (accounts.attention.WaitingPupil lines): the count, per gezag-holder a reminder link,
    the day they were reminded (or that it is not delivered yet, or could not be: then the
    link too), that their account is deactivated or that they stopped reminders, and the
    paper form. For the reader's own children (`own_children`) a note instead of both,
    after each gezag-holder's reminder status without a link, and no reminder link to a
    parent of one of them (`own_family`, wherever that child is) on any line, nor
    "contact them on paper" where no reminder reaches them. Written like waiting_items."""
    remind = escape(reverse("consent:remind", args=[school_code]))
    before, after = _record_url()
    paper = escape(_("Record a paper form"))
    own_children = own_children or frozenset()
    own_family = own_family or frozenset()
    nobody = escape(_("no parent with parental authority known"))
    reminded_text = _("%(name)s reminded on %(day)s")
    queued_text = _("%(name)s: reminder of %(day)s not delivered yet")
    failed_text = _("%(name)s: the reminder of %(day)s could not be delivered")
    remind_text = _("Remind %(name)s")
    counts: dict[int, str] = {}  # a handful of distinct numbers over hundreds of lines

    def own_status(family) -> str:
        """On the reader's own child's line: what the other lines say of this family's
        reminders, without a link."""
        said = _status_only(family.name, active=family.active, stopped=family.reminders_stopped)
        if said:
            return f"· {said} "
        if not family.reminded_on:
            return ""
        day = date_format(family.reminded_on, "j F")
        if family.reminder_failed:
            text = failed_text
        else:
            text = reminded_text if family.reminder_delivered else queued_text
        return f"· {escape(text % {'name': family.name, 'day': day})} "

    items = []
    for line in lines:
        n = line.open_questions
        count = counts.get(n)
        if count is None:
            count = counts[n] = escape(
                ngettext("%(n)s open question", "%(n)s open questions", n) % {"n": n}
            )
        if line.pupil.pk in own_children:
            said = "".join(own_status(family) for family in line.families)
            items.append(
                f"\n          <li><strong>{escape(line.pupil.full_name)}</strong> · {count}"
                f"\n            {said}· {_own_child()} · {_own_child_reminders()}</li>\n        "
            )
            continue
        families = []
        for family in line.families:
            if family.guardian_id in own_family and (not family.active or family.reminders_stopped):
                unreached = _own_family_unreached(family.name, active=family.active)
                families.append(f" · {unreached}")
            elif not family.active:
                families.append(f" · {_deactivated(family.name)}")
            elif family.reminders_stopped:
                families.append(f" · {_stopped(family.name)}")
            elif family.reminded_on and not family.reminder_failed:
                day = date_format(family.reminded_on, "j F")
                text = reminded_text if family.reminder_delivered else queued_text
                families.append(f" · {escape(text % {'name': family.name, 'day': day})}")
            else:
                failed = ""
                if family.reminded_on:  # its duty gave up: said, and a new one may go now
                    day = date_format(family.reminded_on, "j F")
                    failed = f" · {escape(failed_text % {'name': family.name, 'day': day})}"
                if family.guardian_id in own_family:
                    families.append(f"{failed} · {_own_family(family.name)}")
                    continue
                families.append(
                    f'{failed} · <a href="{remind}?ouder={int(family.guardian_id)}">'
                    f"{escape(remind_text % {'name': family.name})}</a>"
                )
        action = f'<a href="{escape(f"{before}{int(line.pupil.pk)}{after}")}">{paper}</a>'
        items.append(
            f"\n          <li><strong>{escape(line.pupil.full_name)}</strong> · {count}"
            f"\n            {''.join(families) or ' · ' + nobody}"
            f"\n            · {action}</li>\n        "
        )
    return mark_safe("".join(items))  # noqa: S308 (every value above went through escape)


@register.simple_tag
def attention_conflict_items(conflicts, own_children=()) -> SafeString:
    """<li> per pupil whose parents disagree on the director's and the board's home
    (SchoolAttention.conflicts: (pupil, number of questions)): name, group, the count and
    the paper form (for the reader's own children, `own_children`, a note instead).
    Written like waiting_items."""
    before, after = _record_url()
    own_children = own_children or frozenset()
    paper = escape(_("Record a paper form"))
    counts: dict[int, str] = {}  # a handful of distinct numbers over hundreds of lines
    items = []
    for pupil, n in conflicts:
        group = f" ({escape(pupil.group_name)})" if pupil.group_name else ""
        count = counts.get(n)
        if count is None:
            count = counts[n] = escape(ngettext("%(n)s question", "%(n)s questions", n) % {"n": n})
        if pupil.pk in own_children:
            action = _own_child()
        else:
            action = f'<a href="{escape(f"{before}{int(pupil.pk)}{after}")}">{paper}</a>'
        items.append(f"<li>{escape(pupil.full_name)}{group} · {count} · {action}</li>")
    return mark_safe("".join(items))  # noqa: S308 (every value above went through escape)


@register.simple_tag
def coverage_chart(chart: dict, name: str, index: int) -> SafeString:
    """A group's bar chart (consent.charts.bar_chart) as SVG, with its caption: what the
    template consent/_coverage_chart.svg wrote per group, eight bars of four elements each,
    without a template variable per attribute. Numbers are written unlocalised ("40.5")."""
    title = escape(_("Answered share in %(group)s per week") % {"group": name})
    desc = escape(
        _(
            "Bar chart: per week the percentage of questions answered, written above each "
            "bar; a triangle under a week means reminders were sent to parents of pupils in "
            "this group. The table below gives "
            "the same numbers."
        )
    )
    width, height, baseline = chart["width"], chart["height"], chart["baseline"]
    axis_y, marker_y = chart["axis_label_y"], chart["marker_y"]
    bars = []
    for bar in chart["bars"]:
        x = bar["label_x"]
        marker = (
            f'<text x="{x}" y="{marker_y}" text-anchor="middle" font-size="10">▲</text>'
            if bar["reminded"]
            else ""
        )
        bars.append(
            f'\n    <rect x="{bar["x"]}" y="{bar["y"]}" width="{bar["width"]}" '
            f'height="{bar["height"]}" fill="#1f5f8b"/>'
            f'\n    <text x="{x}" y="{bar["label_y"]}" text-anchor="middle" font-size="11">'
            f"{int(bar['value'])}%</text>"
            f'\n    <text x="{x}" y="{axis_y}" text-anchor="middle" font-size="10">'
            f"{escape(bar['week'])}</text>"
            f"\n    {marker}\n  "
        )
    svg = (
        f'<svg class="cov-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="cov-title-{int(index)} cov-desc-{int(index)}" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'\n  <title id="cov-title-{int(index)}">{title}</title>'
        f'\n  <desc id="cov-desc-{int(index)}">{desc}</desc>'
        f'\n  <line x1="0" y1="{baseline}" x2="{width}" y2="{baseline}" stroke="#333"/>'
        f"\n  {''.join(bars)}\n</svg>\n<figcaption>{escape(name)}</figcaption>\n"
    )
    return mark_safe(svg)  # noqa: S308 (texts went through escape; numbers are numbers)
