from django import template
from django.forms import CheckboxSelectMultiple, HiddenInput, RadioSelect, Select
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # no stub
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from consent.access import by_picture, consent_back, own_takedowns, with_consent_answers
from consent.models import ConsentEvent, MediaType
from consent.rules import State, holds_gezag, still_counts

register = template.Library()


@register.inclusion_tag("consent/includes/teacher_takedowns.html")
def open_takedowns(user):
    """The user's own open takedowns, one per publication, for their home page; each names
    its school (a director of two schools, a teacher at two: the count is of all of them).
    The first task of each says whether consent came back for every pupil in it
    (`not_needed`, as on the takedowns page), read in the same query."""
    tasks = with_consent_answers(own_takedowns(user).filter(done_at__isnull=True)).select_related(
        "publication_check__purpose", "publication_check__school"
    )
    pictures = by_picture(tasks)
    for picture in pictures:
        picture[0].not_needed = all(consent_back(task) for task in picture)  # type: ignore[attr-defined]
    return {"takedowns": [picture[0] for picture in pictures]}


STATE_HTML = (
    '<span class="state state--{}"><span class="state__symbol" aria-hidden="true">{}</span>'
    " {}</span>"
)


@register.simple_tag(takes_context=True)
def state_cells(context, cells):
    """A row of <td> cells, each a state as symbol + word (as consent/includes/state.html).

    `cells` are (symbol, css, label) tuples, a handful of distinct ones repeated across a
    class: each distinct cell is formatted once per page render, not once per cell (an
    {% include %} per cell was most of the class overview's time, see README).
    """
    memo = context.render_context.setdefault("consent_state_cells", {})
    html = []
    for cell in cells:
        known = memo.get(id(cell))
        if known is None or known[0] is not cell:  # the memo keeps the cell alive
            known = memo[id(cell)] = (cell, format_html(STATE_HTML, cell[1], cell[0], cell[2]))
        html.append(known[1])
    return mark_safe("<td>" + "</td><td>".join(html) + "</td>" if html else "")  # noqa: S308


OVERVIEW_ROW = '<tr><th scope="row">{}{}</th>{}</tr>'
RECORD_LINK = ' <a class="no-print" href="{}{}{}">{}</a>'
OWN_CHILD_NOTE = ' <span class="no-print">{}</span>'
_RECORD_PK = 987654321  # stands in for a pupil's id: the URL is reversed once per page


@register.simple_tag(takes_context=True)
def overview_rows(context, rows, can_record, own_children=()):
    """The class overview's <tr>s: the pupil's name (with a "record" link for those who
    may record a paper form; for their own children, `own_children`, a note that a
    colleague records it) and the state cells. One row per pupil of the class; the
    template loop around {% state_cells %} was the larger part of the page's rendering,
    and a {% state_cells %} per row half of this tag's."""
    record, own = None, ""
    if can_record:
        before, after = reverse("consent:record", args=[_RECORD_PK]).split(str(_RECORD_PK))
        record = (conditional_escape(before), conditional_escape(after), gettext("record"))
        own = OWN_CHILD_NOTE.format(
            conditional_escape(
                gettext("Your own child: a colleague records a paper or phone decision")
            )
        )
    own_children = own_children or frozenset()
    tds, html = _StateTds(), []
    for row in rows:
        pupil = row["pupil"]
        if record is None:
            action = ""
        elif pupil.pk in own_children:
            action = own
        else:
            action = RECORD_LINK.format(record[0], pupil.pk, *record[1:])
        cells = "".join([tds.get(id(cell)) or tds.add(cell) for cell in row["cells"]])
        html.append(OVERVIEW_ROW.format(conditional_escape(pupil.full_name), action, cells))
    # names escaped; the link's parts escaped or a translation; cells built by format_html
    return mark_safe("\n".join(html))  # noqa: S308


class _StateTds(dict):
    """A <td> per state cell (as {% state_cells %} writes it) by the cell's id, each
    formatted once per call: a class repeats a handful of cells. `cells` keeps them
    alive, so no other object takes an id while it is a key."""

    def __init__(self):
        super().__init__()
        self.cells: list = []

    def add(self, cell) -> str:
        self.cells.append(cell)
        html = self[id(cell)] = f"<td>{format_html(STATE_HTML, cell[1], cell[0], cell[2])}</td>"
        return html


@register.simple_tag
def overview_head(infos, media_types):
    """The class overview's two header rows: per channel a column group, per media type a
    column (the template's nested loops looked up the same few words 18 times)."""
    pupil = conditional_escape(gettext("Pupil"))
    span = len(media_types)
    names = "".join(
        f'<th scope="colgroup" colspan="{span}">{conditional_escape(info.purpose.name)}</th>'
        for info in infos
    )
    labels = "".join(f'<th scope="col">{conditional_escape(m.label)}</th>' for m in media_types)
    # the names and words escaped
    return mark_safe(  # noqa: S308
        f'<tr><th scope="col" rowspan="2">{pupil}</th>\n{names}\n</tr>\n'
        f"<tr>{labels * len(infos)}</tr>"
    )


@register.simple_tag
def state_badge(symbol, css, label):
    """One state as symbol + word: consent/includes/state.html without an include."""
    return format_html(STATE_HTML, css, symbol, label)


# The effect for the school, in a parent's words (was consent/includes/parent_state.html)
PARENT_STATES = {
    State.GRANTED: ("✓", "granted", _("allowed")),
    State.CONFLICT: ("!", "conflict", _("not allowed: the parents disagree")),
    State.UNANSWERED: ("?", "unanswered", _("not answered: not allowed")),
}
PARENT_NOT_ALLOWED = ("✗", "refused", _("not allowed"))  # refused, or safeguarded
# Granted on a retired channel (switched off in the admin): the school publishes nothing
# new there, and what it published stays up until a parent withdraws. "allowed" would
# read as if new posts were.
RETIRED_GRANTED = ("✓", "retired", _("only what is already published"))
RETIRED_GRANTED_BY_YOU = _(
    "You gave permission; the channel is no longer used for new posts. What is already "
    "published stays up until you withdraw."
)
RETIRED_GRANTED_BY_OTHER = _(
    "The other parent gave permission; the channel is no longer used for new posts. What "
    "is already published stays up until a parent with parental authority says no."
)


@register.simple_tag
def parent_state(state, retired=False):
    """A state as a parent reads it: refused and the safeguarding flag both read "not
    allowed" (a parent of a safeguarded child is told elsewhere on the page, without the
    reason); granted on a retired channel reads "only what is already published"."""
    if retired and state == State.GRANTED:
        symbol, css, label = RETIRED_GRANTED
    else:
        symbol, css, label = PARENT_STATES.get(state, PARENT_NOT_ALLOWED)
    return format_html(STATE_HTML, css, symbol, label)


# "In short" on the parent's page (consent/child.html): per state how many questions are
# in it, then a channel x medium table whose cells carry the state's symbol and one short
# word. Each state's meaning is said once, in its count, not in every cell: on a phone
# the earlier one line per channel repeated "? not answered: not allowed" up to 18 times.
# (key, symbol, css, short word in a cell, the count's sentence), by key: a State's value
# (TextChoices compare as their value), or "retired" and "not_allowed".
SUMMARY_STATES = {
    "granted": (
        "granted", "✓", "granted", pgettext_lazy("the school may publish", "yes"),
        _("Allowed: %(n)s"),
    ),
    "retired": (
        "retired", "✓", "retired", RETIRED_GRANTED[2],
        _("Only what is already published: %(n)s"),
    ),
    "not_allowed": (
        "not_allowed", "✗", "refused", pgettext_lazy("the school may publish", "no"),
        _("Not allowed: %(n)s"),
    ),
    "conflict": (
        "conflict", "!", "conflict", pgettext_lazy("the school may publish", "disagree"),
        _("The parents disagree, so not allowed: %(n)s"),
    ),
    "unanswered": (
        "unanswered", "?", "unanswered", pgettext_lazy("the school may publish", "open"),
        _("Not answered yet, so not allowed: %(n)s"),
    ),
}  # fmt: skip
SUMMARY_ORDER = ["granted", "retired", "not_allowed", "conflict", "unanswered"]
SUMMARY_COUNT = "<li>" + STATE_HTML + "</li>"


def _summary_state(state, retired: bool) -> tuple:
    """The summary's entry for a cell's state: refused and the safeguarding flag both
    read "not allowed" (as {% parent_state %}); granted on a retired channel reads "only
    what is already published"."""
    if state == State.GRANTED and retired:
        return SUMMARY_STATES["retired"]
    return SUMMARY_STATES.get(state, SUMMARY_STATES["not_allowed"])


@register.simple_tag
def summary_table(summary, media_types=None):
    """ "In short" on the parent's page: the counts per state (a <ul>) and the table, one
    row per channel (`summary`: the view's lines, each a channel with (media, state) per
    media type). Each word is translated and each badge formatted once per call."""
    counts: dict[str, int] = {}
    badges: dict[str, str] = {}
    rows = []
    for line in summary:
        retired = bool(line.get("retired"))
        tds = []
        for _media, state in line["media"]:
            key, symbol, css, word, _count = _summary_state(state, retired)
            counts[key] = counts.get(key, 0) + 1
            if key not in badges:
                badges[key] = format_html(STATE_HTML, css, symbol, word)
            tds.append(f"<td>{badges[key]}</td>")
        name: str = conditional_escape(line["name"])
        if retired:
            name += f" <small>({conditional_escape(gettext('no longer in use'))})</small>"
        rows.append(f'<tr><th scope="row">{name}</th>{"".join(tds)}</tr>')
    items = []
    for key in SUMMARY_ORDER:
        if counts.get(key):
            _key, symbol, css, _word, sentence = SUMMARY_STATES[key]
            text = conditional_escape(str(sentence) % {"n": localize(counts[key])})
            items.append(SUMMARY_COUNT.format(css, symbol, text))
    media = media_types if media_types is not None else list(MediaType)
    heads = "".join(f'<th scope="col">{conditional_escape(capfirst(m.label))}</th>' for m in media)
    caption = conditional_escape(gettext("Per channel: photos, video and sound"))
    channel = conditional_escape(gettext("Channel"))
    # every piece escaped above, or a badge built by format_html
    return mark_safe(  # noqa: S308
        f'<ul class="summary__counts">\n{"".join(items)}\n</ul>\n'
        f'<table class="summary__table">\n<caption class="visually-hidden">{caption}</caption>\n'
        f'<thead><tr><th scope="col">{channel}</th>{heads}</tr></thead>\n'
        f"<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )


RADIO_HTML = (
    '<div>\n    <label for="{}_{}"><input type="radio" name="{}" value="{}"{} id="{}_{}"{}>\n'
    " {}</label>\n\n</div>"
)


@register.simple_tag
def radio_choices(field, labels=None):
    """A RadioSelect field as Django renders it, without the form-template machinery.

    The parent's page shows 18 yes/no questions; rendering each through the widget
    templates was a large share of the page's time (see README). Anything unusual (errors,
    extra widget attributes, another widget) falls back to Django's own rendering.
    `labels`, a dict kept for one page render, holds each escaped label once: the 18
    questions share two lazily translated words.
    """
    widget = field.field.widget
    if type(widget) is not RadioSelect or widget.attrs or field.errors or not field.auto_id:
        return field.as_widget()
    value = field.value()
    value = "" if value is None else str(value)
    auto_id, name = conditional_escape(field.auto_id), conditional_escape(field.html_name)
    required = (
        field.field.required
        and field.form.use_required_attribute
        and widget.use_required_attribute(field.initial)
    )
    options = "".join(
        RADIO_HTML.format(
            auto_id,
            index,
            name,
            conditional_escape(choice),
            " required" if required else "",
            auto_id,
            index,
            " checked" if str(choice) == value else "",
            _escaped_label(labels, label),
        )
        for index, (choice, label) in enumerate(field.field.choices)
    )
    # every piece is escaped above (str.format, not format_html: one escape per value)
    return mark_safe(f'<div id="{auto_id}">{options}\n</div>')  # noqa: S308


def _escaped_label(labels, label):
    if labels is None:
        return conditional_escape(label)
    # by id: hashing a lazy translation translates it; the memo keeps the label alive
    known = labels.get(id(label))
    if known is None or known[0] is not label:
        known = labels[id(label)] = (label, conditional_escape(label))
    return known[1]


@register.simple_tag
def hidden_input(field):
    """A HiddenInput field as Django renders it, without the widget template (the parent's
    page has one per channel); anything unusual falls back to Django's own rendering."""
    widget = field.field.widget
    value = field.value()
    unusual = widget.attrs or field.errors or not field.auto_id or value in ("", None)
    if type(widget) is not HiddenInput or unusual:
        return field.as_widget()
    return format_html(
        '<input type="hidden" name="{}" value="{}" id="{}">',
        field.html_name,
        widget.format_value(value),
        field.auto_id,
    )


HISTORY_ROW = (
    '<tr>\n<td data-label="{}">{}</td>\n<td data-label="{}">{}</td>\n'
    '<td data-label="{}">{} <small>({})</small></td>\n<td data-label="{}">{}</td>\n'
    '<td data-label="{}">{}</td>\n<td data-label="{}">{}{}</td>\n</tr>\n'
)


def _blocktranslate(message: str, **values) -> str:
    """`{% blocktranslate %}` in Python: the translation as is, the values escaped."""
    escaped = {name: conditional_escape(value) for name, value in values.items()}
    return mark_safe(gettext(message) % escaped)  # noqa: S308


class _Escaped(dict):
    """Escaped text per key, each made once per render: most rows of a history repeat
    the same few dates, channels, versions and media types."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        value = self[key] = conditional_escape(self.make(key))
        return value


def _day(local) -> str:
    """The date filter's "j F Y" ("1 december 2026") without its format parser: the
    parent's page writes a date per answer and per line of history (tested against it)."""
    return f"{local.day} {MONTHS[local.month]} {local.year:04d}"


def _day_and_time(local) -> str:
    """The date filter's "j F Y H:i", as `_day`."""
    return f"{_day(local)} {local.hour:02d}:{local.minute:02d}"


# Why an answer no longer counts, after its text version (`_version_words`): by whether
# the text's meaning changed after it (`consent.rules.still_counts`) and whose gezag
# ended (`consent.rules.holds_gezag`: the parent who reads it, "you", or "other"; for
# staff, who read every parent's answers by name, "parent"). Whole sentences: never two
# reasons glued together.
NO_LONGER_COUNTS = {
    (True, None): gettext_noop(
        "text version %(n)s; no longer counts: the meaning of the text changed after it"
    ),
    (False, "you"): gettext_noop(
        "text version %(n)s; no longer counts: you no longer have parental authority (gezag)"
    ),
    (False, "other"): gettext_noop(
        "text version %(n)s; no longer counts: the other parent no longer has parental "
        "authority (gezag)"
    ),
    (True, "you"): gettext_noop(
        "text version %(n)s; no longer counts: you no longer have parental authority (gezag), "
        "and the meaning of the text changed after it"
    ),
    (True, "other"): gettext_noop(
        "text version %(n)s; no longer counts: the other parent no longer has parental "
        "authority (gezag), and the meaning of the text changed after it"
    ),
    (False, "parent"): gettext_noop(
        "text version %(n)s; no longer counts: the parent no longer has parental authority (gezag)"
    ),
    (True, "parent"): gettext_noop(
        "text version %(n)s; no longer counts: the parent no longer has parental authority "
        "(gezag), and the meaning of the text changed after it"
    ),
}


def _version_words(key: tuple[int, bool, str | None]) -> str:
    """`key`: the version number, whether the meaning changed after it, and whose gezag
    ended since ("you", "other", "parent" or None)."""
    number, superseded, gezag_ended = key
    if not superseded and gezag_ended is None:
        return _blocktranslate("text version %(n)s", n=number)
    return _blocktranslate(NO_LONGER_COUNTS[superseded, gezag_ended], n=number)


def _gezag_ended(guardian_id: int, user_id: int | None, holders) -> str | None:
    """Whose gezag ended, of the parent who gave an answer: None while they hold it (or
    when `holders` is None: not known to the caller); "parent" for staff (`user_id`
    None)."""
    if holders is None or holds_gezag(guardian_id, holders):
        return None
    if user_id is None:
        return "parent"
    return "you" if guardian_id == user_id else "other"


@register.simple_tag
def text_version(number, counts=True, gezag_held=True, by_you=False, staff=False):
    """The text version an answer was given to, as the history says it: "text version 2",
    or for an answer that no longer counts that it no longer does, and why: the meaning
    of the text changed after it (`counts` false, `consent.rules.still_counts`), or the
    parent who gave it (`by_you` or the other parent; for `staff` "the parent") holds
    gezag no more (`gezag_held` false, `consent.rules.holds_gezag`)."""
    gezag_ended = None
    if not gezag_held:
        gezag_ended = "parent" if staff else ("you" if by_you else "other")
    return _version_words((number, not counts, gezag_ended))


@register.simple_tag
def history_rows(events, user_id, baselines=None, holders=None):
    """The <tr>s of the parent's history table: one line per event (consent.history's
    HistoryEvent), the other parent
    named only as "the other parent". A child's history grows every year; the template
    loop with its translations, filters and badges per row was a third of the page.
    `baselines`: per purpose id, the version its answers count from (PurposeInfo.baseline):
    an answer to an older text says it no longer counts. `holders`: the ids of the
    child's current gezag-holders, as the page's rules read them: an answer of a parent
    not among them says it no longer counts, and whose gezag ended.
    `user_id` None: the rows are for staff, who read every parent by name (the events'
    `guardian_name`, `consent.reports.child_history`) and "the parent" where gezag ended
    (never "you": a director who is also the child's parent reads the staff page)."""
    words = ("When", "Who", "Channel", "Media type", "Decision", "How")
    when, who, channel, media_type, decision, how = (conditional_escape(gettext(w)) for w in words)
    you, other = conditional_escape(gettext("you")), conditional_escape(gettext("the other parent"))
    yes = format_html(STATE_HTML, "granted", "✓", gettext("yes"))
    no = format_html(STATE_HTML, "refused", "✗", gettext("no"))
    # each code's word escaped once per call, looked up by code (hashing a lazy
    # translation would translate it again for every row)
    media_names = _Escaped(lambda code: dict(MediaType.choices).get(code, code))
    methods = _Escaped(lambda code: dict(ConsentEvent.Method.choices).get(code, code))
    dates = _Escaped(lambda at: _day_and_time(template_localtime(at)))
    versions = _Escaped(_version_words)
    baselines = baselines or {}
    names = _Escaped(lambda name: name)
    rows = []
    for e in events:
        counts = still_counts(e.version_number, baselines.get(e.purpose_id, 0))
        gezag_ended = _gezag_ended(e.guardian_id, user_id, holders)
        recorder = ""
        if e.recorder:
            recorder = " — " + _blocktranslate("recorded by %(name)s", name=e.recorder)
        rows.append(
            HISTORY_ROW.format(
                when,
                dates[e.created_at],
                who,
                _who(e, user_id, you, other, names),
                channel,
                names[e.purpose_name],
                versions[e.version_number, not counts, gezag_ended],
                media_type,
                media_names[e.media_type],
                decision,
                yes if e.granted else no,
                how,
                methods[e.method],
                recorder,
            )
        )
    # every piece above is escaped (or a translation, as {% blocktranslate %} leaves it)
    return mark_safe("".join(rows))  # noqa: S308


def _who(event, user_id: int | None, you: str, other: str, names) -> str:
    """Who gave an answer: "you" or "the other parent" for the parent who reads it, the
    parent's name for staff (`user_id` None)."""
    if user_id is None:
        return names[event.guardian_name]
    return you if event.guardian_id == user_id else other


MEDIA_ROW_HTML = (
    '<fieldset class="media-row">\n<legend class="visually-hidden">{}</legend>\n'
    '<div class="media-row__line">\n<span class="media-row__name" aria-hidden="true">{}</span>\n'
    '{}</div>\n<p class="media-row__now">\n{}\n{}\n{}\n</p>\n</fieldset>\n'
)


def _own_answer(answer) -> str:
    when = _day(template_localtime(answer.at))
    if answer.granted:
        return _blocktranslate("Your answer: yes (since %(when)s).", when=when)
    return _blocktranslate("Your answer: no (since %(when)s).", when=when)


@register.simple_tag(takes_context=True)
def media_row(context, row, can_decide):
    """One media type of a channel on the parent's page: the yes/no radios (for a parent
    with gezag), their own answer and the effect for the school. 18 per page: the words
    and dates they share are translated, formatted and escaped once per page render."""
    memo = context.render_context.setdefault("consent_media_row", {})

    def once(key, make):
        if key not in memo:
            memo[key] = conditional_escape(make())
        return memo[key]

    media, answer, state = row["media"], row["own"], row["state"]
    name = once(("media", media), lambda: capfirst(media.label))
    choices = own = ""
    if can_decide:
        labels = context.render_context.setdefault("consent_radio_labels", {})
        choices = f'<div class="choices">{radio_choices(row["field"], labels)}</div>\n'
        if answer is None:
            own = once("unanswered", lambda: gettext("You have not answered yet."))
        else:
            own = once(("answer", answer.granted, answer.at), lambda: _own_answer(answer))
    school, badge = _effect(once, state, answer, retired=row.get("retired", False))
    # every piece is escaped, a translation as {% blocktranslate %} leaves it, or HTML
    # built by format_html (the radios)
    return mark_safe(MEDIA_ROW_HTML.format(name, name, choices, own, school, badge))  # noqa: S308


def _effect(once, state, answer, *, retired: bool) -> tuple[str, str]:
    """ "For the school:" and the state's badge; on a retired channel where a "yes" stands,
    one sentence that says what it still does ("For the school: allowed" would read as if
    new posts were)."""
    if retired and state == State.GRANTED:
        by_you = answer is not None and answer.granted
        return "", once(("retired", by_you), lambda: _retired_granted(by_you=by_you))
    school = once("school", lambda: gettext("For the school:"))
    return school, once(("state", state), lambda: parent_state(state))


def _retired_granted(*, by_you: bool) -> str:
    """A "yes" that stands on a retired channel: the parent's own, or another gezag-holder's."""
    label = RETIRED_GRANTED_BY_YOU if by_you else RETIRED_GRANTED_BY_OTHER
    return format_html(STATE_HTML, RETIRED_GRANTED[1], RETIRED_GRANTED[0], label)


SET_ALL_HTML = (
    '<p class="set-all" data-set-all-group hidden>\n'
    '<button type="button" class="secondary" data-set-all="yes">{}</button>\n'
    '<button type="button" class="secondary" data-set-all="no">{}</button>\n</p>\n'
)
NO_TO_ALL_HTML = (
    '<p class="set-all" data-set-all-group hidden>\n'
    '<button type="button" class="secondary" data-set-all="no">{}</button>\n</p>\n'
)
RETIRED_NOTE = _(
    "No longer used for new posts — you can still withdraw your permission. What was "
    "already published with a yes is then taken down."
)


@register.simple_tag(takes_context=True)
def purpose_fieldsets(context, rows, can_decide):
    """The parent's page per channel: its text, "answer again" after a change of meaning,
    the hidden version field and the "yes/no to everything" buttons (for a parent with
    gezag), and a {% media_row %} per media type. Six channels of 18 questions: the
    template loop around the rows was a third of the page's rendering."""
    again = None
    html = []
    for row in rows:
        purpose = row["info"].purpose
        name = conditional_escape(purpose.name)
        text = linebreaksbr(row["info"].current_version.text, autoescape=True)
        html.append(f'<fieldset class="purpose">\n<legend>{name}</legend>\n')
        html.append(f'<p class="purpose__text">{text}</p>\n')
        if row["asked_again"]:
            if again is None:
                again = gettext("This text has changed in meaning. Please answer again.")
            html.append(f'<p class="purpose__again">{conditional_escape(again)}</p>\n')
        if row["retired"]:
            html.append(f'<p class="purpose__retired">{conditional_escape(RETIRED_NOTE)}</p>\n')
        if row["version_field"]:
            html.append(hidden_input(row["version_field"]) + "\n")
            html.append(_set_all_buttons(purpose.name, retired=row["retired"]))
        html.extend(media_row(context, media, can_decide) for media in row["media_rows"])
        html.append("</fieldset>\n")
    # every piece escaped, a translation as {% blocktranslate %} leaves it, or a tag's HTML
    return mark_safe("".join(html))  # noqa: S308


def _set_all_buttons(channel: str, *, retired: bool) -> str:
    """ "Yes to everything" and "No to everything" for a channel; only the second for a
    retired one, which takes no new "yes"."""
    no_all = _blocktranslate(
        'No to everything<span class="visually-hidden"> for %(channel)s</span>', channel=channel
    )
    if retired:
        return NO_TO_ALL_HTML.format(no_all)
    yes_all = _blocktranslate(
        'Yes to everything<span class="visually-hidden"> for %(channel)s</span>', channel=channel
    )
    return SET_ALL_HTML.format(yes_all, no_all)


@register.simple_tag
def select_field(field):
    """A labelled <select> as a form's `as_p` writes it inside its <p>, without the form
    templates (the class overview's filters). Anything unusual (errors, help text, widget
    attributes, another widget) falls back to Django's own rendering of the field."""
    # iter(): list() would ask a model field's choices for len() first, a COUNT query
    widget, choices = field.field.widget, list(iter(field.field.choices))
    grouped = any(isinstance(label, list | tuple) for _choice, label in choices)
    if type(widget) is not Select or widget.attrs or field.errors or field.help_text or grouped:
        return field.as_field_group()
    values = widget.format_value(field.value())
    options, selected = [], False
    for choice, label in choices:
        mark = not selected and str(choice) in values
        selected = selected or mark
        options.append(
            format_html(
                '<option value="{}"{}>{}</option>', choice, " selected" if mark else "", label
            )
        )
    required = (
        field.field.required
        and field.form.use_required_attribute
        and widget.use_required_attribute(field.initial)
    )
    return format_html(
        '<label for="{}">{}{}</label>\n<select name="{}"{} id="{}">\n{}\n</select>',
        field.auto_id,
        field.label,
        field.form.label_suffix,
        field.html_name,
        " required" if required else "",
        field.auto_id,
        mark_safe("\n".join(options)),  # noqa: S308 - each option made by format_html
    )


@register.filter
def described_by(field, element_id: str):
    """An invalid field's widget pointing at the page's own message (`element_id`) rather
    than at Django's "<id>_error", which a page that shows one message for the whole form
    never renders; a valid field as Django writes it."""
    if not field.errors:
        return field.as_widget()
    return field.as_widget(attrs={"aria-describedby": element_id})


@register.simple_tag
def select_options(field):
    """The <option>s of a select written by hand in a template (the photo check's
    channel): one per choice, `selected` where its text equals the field's value. A
    template {% for %} over a model field's choices asks len() first, a COUNT query."""
    current = str(field.value())
    return format_html_join(
        "\n",
        '<option value="{}"{}>{}</option>',
        (
            (value, " selected" if str(value) == current else "", label)
            for value, label in iter(field.field.choices)
        ),
    )


@register.simple_tag
def option_input(option):
    """`{{ option.tag }}` of one checkbox or radio of a multiple-choice widget, as Django's
    input and attrs templates write it, without the template engine (the photo check
    lists a checkbox per pupil of the teacher's groups)."""
    data = option.data
    attrs = format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', value))
            for name, value in data["attrs"].items()
            if value is not False
        ),
    )
    value = "" if data["value"] is None else format_html(' value="{}"', data["value"])
    return format_html('<input type="{}" name="{}"{}{}>', data["type"], data["name"], value, attrs)


CHECKBOX_ITEM = '<li><label for="{}">{} {}</label></li>'


@register.simple_tag
def checkbox_items(field, empty):
    """A CheckboxSelectMultiple as `<li><label for=…><input …> label</label></li>` items
    (the photo check lists every pupil of the teacher's groups), or one `<li>` saying
    `empty`. The options are written straight from the field's choices, without the
    widget's optgroups and a BoundWidget per option; anything unusual (errors, widget
    attributes, disabled, help text, grouped choices) goes through Django's subwidgets."""
    widget = field.field.widget
    usual = (
        type(widget) is CheckboxSelectMultiple
        and not (widget.attrs or field.errors or field.field.disabled or field.help_text)
        and field.auto_id
    )
    # iter(): list() would ask a model field's choices for len() first, a COUNT query
    choices = list(iter(field.field.choices)) if usual else []
    items: list[str]
    if not usual or any(isinstance(label, list | tuple) for _value, label in choices):
        items = [
            format_html(CHECKBOX_ITEM, o.id_for_label, option_input(o), o.choice_label)
            for o in field
        ]
    else:
        chosen = set(widget.format_value(field.value()))
        auto_id, name = conditional_escape(field.auto_id), conditional_escape(field.html_name)
        items = [
            CHECKBOX_ITEM.format(
                f"{auto_id}_{index}",
                f'<input type="checkbox" name="{name}" value="{conditional_escape(value)}"'
                f' id="{auto_id}_{index}"{" checked" if str(value) in chosen else ""}>',
                conditional_escape(label),
            )
            for index, (value, label) in enumerate(choices)
        ]
    if not items:
        return format_html("<li>{}</li>", empty)
    # every value is escaped above (str.format, not format_html: one escape per value)
    return mark_safe("\n".join(items))  # noqa: S308


PUPIL_PICK = '<li><label><input type="checkbox" name="pupils" value="{}"{}> {}{}</label></li>'


@register.simple_tag
def pupil_picks(pupils, chosen, with_group, school_names=None):
    """The check's pupil checkboxes, `<li><label><input …> name (group)</label></li>`:
    the template loop with its filter per pupil was a third of the page's rendering.
    `with_group` (a search by name): each pupil's group, and their school from
    `school_names` (Pupil.staff_label)."""
    names = school_names or {}
    return mark_safe(  # noqa: S308 - every value escaped
        "\n".join(
            PUPIL_PICK.format(
                pupil.pk,
                " checked" if str(pupil.pk) in chosen else "",
                conditional_escape(
                    pupil.staff_label(names.get(pupil.school_id, ""))
                    if with_group
                    else pupil.full_name
                ),
                "",
            )
            for pupil in pupils
        )
    )
