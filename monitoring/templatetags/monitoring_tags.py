import datetime
from html import escape

from django import forms, template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dates import MONTHS
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone, localtime
from django.utils.translation import gettext as _

from monitoring import selectors, services
from monitoring.models import CATEGORY_LABELS, FollowUp
from monitoring.sources.explain import fetch_error_explained
from monitoring.templatetags.outside_links import outside_url

register = template.Library()


@register.inclusion_tag("monitoring/includes/my_cases.html")
def my_cases(user):
    """The open monitoring cases assigned to this staff member, for their home page."""
    return {"my_cases": list(services.followups_assigned_to(user))}


def _planned_status(planned_for: datetime.date, *, overdue: bool) -> str:
    """A planned conversation's status as every list of cases says it, escaped: its day, in
    the past tense and in bold once the day has passed without the conversation recorded
    (FollowUp.conversation_overdue). Any other status is said by its label: a day left from
    an earlier plan (a case held, or reopened) is not shown as if it still stood."""
    day = date_format(planned_for, "j F Y")
    if overdue:
        text = escape(_("conversation was planned for %(day)s") % {"day": day})
        return f"<strong>{text}</strong>"
    return escape(_("conversation planned for %(day)s") % {"day": day})


def _is_planned(status: str, planned_for) -> bool:
    return status == FollowUp.Status.CONVERSATION_PLANNED and planned_for is not None


@register.simple_tag
def case_status(case):
    """A FollowUp's status as _planned_status says it ("Mijn zaken", the homes' lists of
    cases, the board's cases that need someone to act)."""
    if not _is_planned(case.status, case.planned_for):
        return case.get_status_display()  # escaped by simple_tag
    text = _planned_status(case.planned_for, overdue=case.conversation_overdue)
    return mark_safe(text)  # noqa: S308 (escaped in _planned_status)


_PK = 987654321  # stands in for an id: each URL is reversed once per page, not per flag


def _url_parts(name: str) -> tuple[str, str]:
    before, after = reverse(name, args=[_PK]).split(str(_PK))
    return before, after


def _when(value, fmt: str = "j F Y H:i") -> str:
    """As the template's date filter: "" for no value (localtime(None) would be now)."""
    return escape(date_format(localtime(value), fmt)) if value else ""


class _day_formatter:  # noqa: N801 (called as the function it was)
    """`_when(value, "j F Y")` with each local day formatted once (a page of cases opened
    over a few weeks formats each day's date once, not once per case), and `_moment`.
    The time zone and the month names are looked up once per page: "j F Y" is the day,
    the month's name (django.utils.dates.MONTHS, the date filter's F) and the year."""

    def __init__(self):
        self.zone = get_current_timezone()
        self.memo: dict = {}

    def local(self, value) -> tuple[datetime.datetime, str]:
        local = value.astimezone(self.zone)
        key = (local.year, local.month, local.day)
        text = self.memo.get(key)
        if text is None:
            text = self.memo[key] = escape(f"{local.day} {MONTHS[local.month]} {local.year:04d}")
        return local, text

    def __call__(self, value) -> str:
        return self.local(value)[1] if value else ""


def _moment(day: _day_formatter, value) -> str:
    """`_when(value)` ("j F Y H:i") with the day from a `_day_formatter`."""
    if not value:
        return ""
    local, text = day.local(value)
    return f"{text} {local:%H:%M}"


def _lines(text: str) -> str:
    """The linebreaksbr filter of a plain (not safe) string: newlines normalised, escaped,
    each newline a <br> (without the filter's decorators, 50 times per dashboard)."""
    return escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


def _flag_memo(context) -> dict:
    """What every flag of a page shares: URLs, the CSRF token, the fixed texts."""
    texts = {
        "urgent": _("Urgent"),
        "complaints": _("resembles earlier complaints"),
        "similar": _("resembles earlier posts of this kind"),
        "weighed": _("words that weighed most:"),
        "matched": _("matched:"),
        "original": _("original post"),
        "deleted": _("The post itself has been deleted (retention)."),
        "dismissed": _("dismissed as false positive"),
        "false_positive": _("False positive"),
    }
    return {
        "case": _url_parts("monitoring:case"),
        "dismiss": _url_parts("monitoring:flag_dismiss"),
        "csrf": escape(get_token(context["request"])) if "request" in context else "",
        "marked_by": _("marked by %(who)s on %(when)s"),
        "dismissed_by": _("marked as a false positive by %(who)s on %(when)s"),
        "day": _day_formatter(),
        "labels": {},  # category -> its escaped label, each worded once per page
        "case_number": _("Case #%(number)s"),
        # a dismissed flag a new text (or a staff mark) made a signal again
        "raised_again": escape(_("raised again on %(when)s")),
        "edited": escape(
            _(
                "Edited by its author (seen %(when)s): this is the text as it reads now; a "
                "signal may concern an earlier version."
            )
        ),
        **{key: escape(text) for key, text in texts.items()},
    }


@register.simple_tag(takes_context=True)
def flag_article(context, flag) -> SafeString:
    """One flag as an <article> (dashboard and case page), written in Python: as an
    {% include %} per flag it was most of the dashboard's time (issue 17). Every value
    goes through escape; the texts and URLs shared by every flag are made once per page."""
    memo = context.render_context.get("monitoring_flag_article")
    if memo is None:
        memo = context.render_context["monitoring_flag_article"] = _flag_memo(context)
    in_case, can_act = context.get("in_case"), context.get("can_act")
    acting = context.get("acting_school_ids")  # the dashboard's; None: every school
    if acting is not None and flag.school_id not in acting:
        can_act = False  # read only here (a privacy officer who directs another school)
    meta = []
    if flag.urgent:
        meta.append(
            '<strong class="mon-urgent"><span aria-hidden="true">⚠</span> '
            f"{memo['urgent']}</strong> · "
        )
    label = memo["labels"].get(flag.category)
    if label is None:
        label = memo["labels"][flag.category] = escape(flag.category_label)
    meta.append(
        f"<strong>{label}</strong> · {escape(flag.school.name)} · "
        f"{_moment(memo['day'], flag.created_at)}"
    )
    if flag.raised_again:  # listed by this time; the first stays in view before it
        meta.append(f" · {memo['raised_again'] % {'when': _moment(memo['day'], flag.raised_at)}}")
    if flag.marked_by_id:
        text = memo["marked_by"] % {
            "who": escape(str(flag.marked_by)),
            "when": _when(flag.marked_at),
        }
        meta.append(f" · {text}")
    elif flag.is_learned:
        text = memo["complaints" if flag.category == "negative_experience" else "similar"]
        if flag.learned_words:
            words = escape(", ".join(str(w) for w in flag.learned_words))
            text += f" ({memo['weighed']} {words})"
        meta.append(f" · {text}")
    elif flag.matched:
        words = escape(", ".join(flag.matched_in_words))
        meta.append(f" · {memo['matched']} {words}")
    if flag.dismissed_as_false_positive and flag.dismissed_by_id:
        text = memo["dismissed_by"] % {
            "who": escape(str(flag.dismissed_by)),
            "when": _when(flag.dismissed_at),
        }
        meta.append(f" · {text}")
    if flag.post:
        post = flag.post
        source = escape(post.source.name)
        if post.author_handle:
            source += f" · <bdi>{escape(post.author_handle)}</bdi>"
        link = outside_url(post.url)
        if link:
            source += (
                f' · <a href="{escape(link)}" rel="noopener noreferrer nofollow">'
                f"{memo['original']}</a>"
            )
        body = (
            # dir="auto": the post, kept as it came, may hold a direction control
            # (U+202E); in an element of its own direction it flips nothing outside it.
            f'<blockquote class="mon-post" dir="auto">{_lines(str(post.text))}'
            f'</blockquote>\n    <p class="mon-flag__source">{source}</p>{_edited(memo, post)}'
        )
    else:
        body = f'<p class="mon-muted">{memo["deleted"]}</p>'
    actions = ""
    if flag.followup_id and not in_case:
        before, after = memo["case"]
        number = escape(memo["case_number"] % {"number": flag.followup_id})
        actions += f'<a href="{before}{int(flag.followup_id)}{after}">{number}</a>'
    if can_act:
        if flag.dismissed_as_false_positive:
            actions += f"<span>✓ {memo['dismissed']}</span>"
        else:
            before, after = memo["dismiss"]
            hidden = (
                f'<input type="hidden" name="flag_seen" value="{escape(flag.version_token())}">'
            )
            if in_case:
                hidden += '<input type="hidden" name="from_case" value="1">'
            actions += (
                f'<form method="post" action="{before}{int(flag.pk)}{after}">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{memo["csrf"]}">'
                f'{hidden}<button type="submit" class="secondary">'
                f"{memo['false_positive']}</button></form>"
            )
    urgent = " mon-flag--urgent" if flag.urgent else ""
    html = (
        f'<article class="mon-flag{urgent}">\n  <p class="mon-flag__meta">{"".join(meta)}</p>'
        f'\n  {body}\n  <div class="mon-actions">{actions}</div>\n</article>\n'
    )
    return mark_safe(html)  # noqa: S308 (every value above went through escape)


def _edited(memo: dict, post) -> str:
    """A note under a post its author edited after it was first read ("" for none)."""
    if not post.edited_at:
        return ""
    note = memo["edited"] % {"when": _moment(memo["day"], post.edited_at)}
    return f'\n    <p class="mon-muted">{note}</p>'


@register.simple_tag(takes_context=True)
def flag_articles(context, flags) -> SafeString:
    """`{% for flag in flags %}{% flag_article flag %}{% endfor %}` in one tag (the
    dashboard's 50 flags: a template loop and a tag call per flag)."""
    return mark_safe("".join(flag_article(context, flag) for flag in flags))  # noqa: S308 (flag_article escapes)


@register.simple_tag
def mention_links(schools) -> SafeString:
    """A link to the mentions per school, from (code, name) pairs: board staff see every
    school of the foundation, so the links are written in Python with one reverse (a
    template loop with a {% url %} per school grew with the foundation, issue 17)."""
    before, after = reverse("monitoring:mentions", args=["-code-"]).split("-code-")
    text = _("Mentions: %(school)s")
    return mark_safe(  # noqa: S308 (every value below went through escape)
        "".join(
            f' · <a href="{escape(before + code + after)}">{escape(text % {"school": name})}</a>'
            for code, name in schools
        )
    )


@register.simple_tag
def case_rows(cases) -> SafeString:
    """The dashboard's open cases as table rows (selectors.CaseRow: school, assigned_to,
    flag_count and categories), written in Python like flag_article. A planned
    conversation's status is its day (_planned_status), from the row as read."""
    before, after = _url_parts("monitoring:case")
    urgent = (
        '<strong class="mon-urgent"><span aria-hidden="true">⚠</span> '
        f"{escape(_('urgent'))}</strong>"
    )
    normal = escape(_("normal"))
    nobody = f'<span class="mon-muted">{escape(_("nobody yet"))}</span>'
    day = _day_formatter()
    today = services.school_date(timezone.now())
    statuses: dict[str, str] = {}  # a handful of statuses over 50 rows: each worded once
    labels = {code: escape(str(label)) for code, label in CATEGORY_LABELS.items()}
    rows = []
    for case in cases:
        assigned = escape(str(case.assigned_to)) if case.assigned_to else nobody
        opened = day(case.opened_at)
        status = statuses.get(case.status)
        if status is None:
            status = statuses[case.status] = escape(str(case.get_status_display()))
        if _is_planned(case.status, case.planned_for):
            overdue = FollowUp.overdue_on(case.status, case.planned_for, today)
            status = _planned_status(case.planned_for, overdue=overdue)
        pk = int(case.pk)
        about = ", ".join(labels[code] for code in selectors.category_codes(case.categories))
        rows.append(
            f'\n    <tr>\n      <td><a href="{before}{pk}{after}">#{pk}</a></td>'
            f"\n      <td>{urgent if case.is_urgent else normal}</td>"
            f"\n      <td>{escape(case.school.name)}</td>"
            f"\n      <td>{about}</td>"
            f"\n      <td>{status}</td>"
            f"\n      <td>{assigned}</td>\n      <td>{int(case.flag_count)}</td>"
            f"\n      <td>{opened}</td>\n    </tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value above went through escape)


SELECT_OPTION = '\n  <option value="{}"{}>{}</option>\n'


@register.simple_tag
def select_widget(field):
    """`{{ field }}` of an optional, plain Select, as Django's select templates write it,
    without them (the mentions filter: three selects took a fifth of the page). Anything
    else (required, errors, help text, widget attributes, groups) is `{{ field }}`."""
    widget = field.field.widget
    plain = type(widget) is forms.Select and field.auto_id and not field.field.required
    if not plain or widget.attrs or field.errors or field.help_text or field.field.disabled:
        return field.as_widget()
    # iter(): list() would ask a model field's choices for len() first, a COUNT query
    choices = list(iter(field.field.choices))
    if any(isinstance(label, list | tuple) for _value, label in choices):
        return field.as_widget()
    values, selected, options = widget.format_value(field.value()), False, []
    for value, label in choices:
        mark = not selected and str(value) in values
        selected = selected or mark
        option = (conditional_escape(value), " selected" if mark else "", conditional_escape(label))
        options.append(SELECT_OPTION.format(*option))
    name, auto_id = conditional_escape(field.html_name), conditional_escape(field.auto_id)
    # every value escaped above
    return mark_safe(f'<select name="{name}" id="{auto_id}">{"".join(options)}\n</select>')  # noqa: S308


@register.filter
def fetch_error_in_words(error: str) -> str:
    """The board's sentence for a failed fetch's stored (technical) error."""
    return fetch_error_explained(error)
