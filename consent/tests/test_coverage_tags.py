"""The coverage page's and the home pages' name lists, formatted in Python: escaped, and
the same words as the template loops they replace."""

import datetime
from pathlib import Path

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from accounts.attention import Family, WaitingPupil
from conftest import make_pupil, make_user
from consent.charts import bar_chart
from consent.reports import Holder, PupilCoverage, PupilRow, school_coverage
from consent.tests.helpers import decide
from schools.models import Group, Guardianship, Pupil


def render(source: str, **context) -> str:
    return Template("{% load coverage_tags %}" + source).render(Context(context))


def test_it_escapes_names_and_channels_in_the_waiting_list(pupil_a):
    pupil_a.first_name = "<b>Sem</b>"
    row = PupilCoverage(
        pupil=pupil_a,
        unanswered=[("Web & app", ["foto", "film"])],
        guardians=[Holder(7, 'Ouder "A"', True, False)],
    )
    html = render("{% waiting_items rows code True %}", rows=[row], code="vlindertuin")
    assert "&lt;b&gt;Sem&lt;/b&gt;" in html and "<b>" not in html
    assert "Web &amp; app (foto, film)" in html
    assert f"{reverse('consent:remind', args=['vlindertuin'])}?ouder=7" in html
    assert "Ouder &quot;A&quot; herinneren" in html
    assert reverse("consent:record", args=[pupil_a.pk]) in html


def test_it_leaves_out_the_links_for_staff_who_do_not_act(pupil_a):
    row = PupilCoverage(
        pupil=pupil_a, unanswered=[("Website", ["foto"])], guardians=[Holder(7, "A", True, False)]
    )
    html = render("{% waiting_items rows code False %}", rows=[row], code="vlindertuin")
    assert "Website (foto)" in html and "<a " not in html


def test_it_says_when_no_gezag_holder_is_known_and_when_a_family_was_reminded(pupil_a):
    lines = [
        WaitingPupil(pupil_a, 3, []),
        WaitingPupil(pupil_a, 1, [Family(5, "Ouder <A>", datetime.date(2026, 3, 2), True)]),
    ]
    html = render("{% attention_waiting_items lines code %}", lines=lines, code="vlindertuin")
    assert "3 open vragen" in html and "1 open vraag" in html
    assert "geen ouder met gezag bekend" in html
    assert "Ouder &lt;A&gt; herinnerd op 2 maart" in html
    assert "?ouder=5" not in html


def test_it_names_a_deactivated_parent_escaped_without_a_reminder_link(pupil_a):
    row = PupilCoverage(
        pupil=pupil_a,
        unanswered=[("Website", ["foto"])],
        guardians=[Holder(7, "<A>", False, False)],
    )
    html = render("{% waiting_items rows code True %}", rows=[row], code="vlindertuin")
    assert "&lt;A&gt;: account uitgeschakeld — neem contact op via papier" in html
    assert "?ouder=7" not in html


def test_it_names_a_parent_who_stopped_reminders_escaped_without_a_reminder_link(pupil_a):
    holders = [Holder(7, "<A>", True, True), Holder(8, "B", True, False)]
    row = PupilCoverage(pupil=pupil_a, unanswered=[("Website", ["foto"])], guardians=holders)
    html = render("{% waiting_items rows code True %}", rows=[row], code="vlindertuin")
    assert "&lt;A&gt;: wil geen herinneringen (zelf gestopt) — neem contact op via papier" in html
    assert "?ouder=7" not in html
    assert "?ouder=8" in html and "B herinneren" in html


def test_it_says_a_deactivated_account_before_a_stop_of_reminders(pupil_a):
    """No e-mail at all reaches a deactivated account, stopped or not."""
    row = PupilCoverage(
        pupil=pupil_a, unanswered=[("Website", ["foto"])], guardians=[Holder(7, "A", False, True)]
    )
    html = render("{% waiting_items rows code True %}", rows=[row], code="vlindertuin")
    assert "A: account uitgeschakeld" in html and "zelf gestopt" not in html


def test_it_lists_pupils_whose_parents_disagree_with_their_group_escaped():
    pupils = [
        PupilRow(7, "<b>Sem</b>", "", "Bakker", "1001", 3, "Groep 5 & 6", False, 1),
        PupilRow(8, "Zoë", "de", "Vries", "1002", None, None, False, 1),
    ]
    html = render(
        "{% attention_conflict_items conflicts %}", conflicts=[(pupils[0], 2), (pupils[1], 1)]
    )
    assert "&lt;b&gt;Sem&lt;/b&gt; Bakker (Groep 5 &amp; 6) · 2 vragen" in html
    assert "<b>" not in html
    assert "Zoë de Vries · 1 vraag" in html
    assert reverse("consent:record", args=[7]) in html
    assert reverse("consent:record", args=[8]) in html


# The template the chart tag replaced, kept as the reference for its markup.
CHART_TEMPLATE = (Path(__file__).parent / "reference_coverage_chart.svg").read_text()


def test_it_draws_the_chart_as_the_template_did_with_reminders_and_odd_names():
    weeks = [datetime.date(2026, 1, 5) + datetime.timedelta(days=7 * i) for i in range(8)]
    shares = [0, 5, 17, 33, 40, 67, 95, 100]
    chart = bar_chart(shares, weeks, [0, 1, 0, 0, 2, 0, 0, 1])
    name = 'Groep "5" & <6>'
    html = render("{% coverage_chart chart name 3 %}", chart=chart, name=name)
    reference = Template(CHART_TEMPLATE).render(Context({"chart": chart, "name": name, "index": 3}))
    assert html == reference
    assert html.count("▲") == 3
    assert "Groep &quot;5&quot; &amp; &lt;6&gt;" in html


# The loop the group sections tag replaced, kept as the reference for its markup (the
# file's last line end is not part of it).
GROUPS_TEMPLATE = (Path(__file__).parent / "reference_group_sections.html").read_text()[:-1]


def test_it_writes_the_group_sections_as_the_template_did(
    parent_a, pupil_a, pupil_a2, school_a, group_a1
):
    """Odd group and pupil names, a pupil without a group, one never in the picture, a
    conflict and open questions; for staff who act and who do not, in Dutch and English."""
    Group.objects.filter(pk=group_a1.pk).update(name='Groep "5" & <6>')
    Pupil.objects.filter(pk=pupil_a2.pk).update(group=None, first_name="<i>Roos</i>")
    third = make_pupil(school_a, group_a1, "1003", "Zoë", "de Wit")
    Pupil.objects.filter(pk=third.pk).update(not_in_picture=True)
    second_parent = make_user("tweede@example.org", full_name="Ouder <Twee>")
    Guardianship.objects.create(user=second_parent, pupil=pupil_a, has_parental_authority=True)
    decide(pupil_a, parent_a, "pers", "photo", True)
    decide(pupil_a, second_parent, "pers", "photo", False)
    coverage = school_coverage(school_a)
    assert {g.name for g in coverage.groups} == {'Groep "5" & <6>', "—"}
    for language in ("nl", "en"):
        with translation.override(language):
            for can_act in (True, False):
                context = {"coverage": coverage, "can_act": can_act}
                html = render("{% group_sections coverage can_act %}", **context)
                assert html == Template(GROUPS_TEMPLATE).render(Context(context))
    with translation.override("nl"):
        html = render("{% group_sections coverage True %}", coverage=coverage, can_act=True)
    assert "Groep &quot;5&quot; &amp; &lt;6&gt;" in html and "&lt;i&gt;Roos" in html
    assert "Nooit in beeld: Zoë de Wit" in html
    assert "?groep=" in html


def test_the_homes_name_a_parent_who_stopped_reminders_without_a_reminder_link(pupil_a):
    families = [Family(5, "<A>", None, True, True), Family(6, "B", None, True, False)]
    lines = [WaitingPupil(pupil_a, 2, families)]
    html = render("{% attention_waiting_items lines code %}", lines=lines, code="vlindertuin")
    assert "&lt;A&gt;: wil geen herinneringen" in html
    assert "?ouder=5" not in html and "?ouder=6" in html
