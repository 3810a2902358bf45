"""{% flag_article %}: a flag as the dashboard and the case page show it, written in
Python. Every stored value is escaped; the texts are the template's."""

import datetime
import re

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Flag
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source


def render(flag, **context) -> str:
    request = RequestFactory().get("/")
    flag = Flag.objects.select_related(
        "school", "post__source", "followup", "marked_by", "dismissed_by"
    ).get(pk=flag.pk)
    template = Template("{% load monitoring_tags %}{% flag_article flag %}")
    return template.render(Context({"flag": flag, "request": request, **context}))


def test_it_escapes_the_post_and_keeps_its_line_breaks(school_a):
    post = make_post(make_source(), "1", "<script>x</script> & meer\nregel twee")
    html = render(make_flag(post, school_a, urgent=True), can_act=True)
    assert "&lt;script&gt;x&lt;/script&gt; &amp; meer<br>regel twee" in html
    assert "<script>" not in html
    assert 'class="mon-flag mon-flag--urgent"' in html and "Dringend" in html
    assert "gevonden: boos" in html
    assert reverse("monitoring:flag_dismiss", args=[post.flags.get().pk]) in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_it_shows_the_post_isolated_so_a_direction_control_stays_inside(school_a):
    """The dashboard and the case page: the post as it came (evidence), U+202E too, in an
    element of its own direction, so it cannot flip the author line or the actions."""
    # a handle stored before the ingest dropped direction controls is isolated too
    post = make_post(make_source(), "1", "boos \u202eblah", author_handle="a\u202eb")
    html = render(make_flag(post, school_a))
    assert '<blockquote class="mon-post" dir="auto">boos \u202eblah</blockquote>' in html
    assert " · <bdi>a\u202eb</bdi>" in html


def test_it_links_only_http_urls_of_the_original_post(school_a):
    source = make_source()
    post = make_post(source, "1", "tekst", url="javascript:alert(1)")
    assert "javascript:" not in render(make_flag(post, school_a))
    post = make_post(source, "2", "tekst", url="https://example.org/a?b=1&c=2")
    assert 'href="https://example.org/a?b=1&amp;c=2"' in render(make_flag(post, school_a))


def test_it_names_who_marked_or_dismissed_and_when(school_a, board):
    at = timezone.make_aware(datetime.datetime(2026, 3, 2, 14, 5))
    source = make_source()
    post = make_post(source, "1", "tekst")
    marked = make_flag(post, school_a, marked_by=board, marked_at=at)
    assert "2 maart 2026 14:05" in render(marked)
    dismissed = make_flag(
        make_post(source, "2", "tekst"),
        school_a,
        dismissed_as_false_positive=True,
        dismissed_by=board,
        dismissed_at=at,
    )
    html = render(dismissed, can_act=True)
    assert "2 maart 2026 14:05" in html and "<form" not in html


def test_it_links_the_case_except_on_the_case_page_and_hides_actions_from_readers(school_a):
    case = make_case(school_a)
    flag = make_flag(make_post(make_source(), "1", "tekst"), school_a, case=case)
    url = reverse("monitoring:case", args=[case.pk])
    assert url in render(flag)
    html = render(flag, in_case=True, can_act=True)
    assert url not in html and 'name="from_case"' in html
    assert "<form" not in render(flag, can_act=False)


def test_it_says_when_the_post_was_deleted_and_explains_learned_flags(school_a):
    flag = make_flag(make_post(make_source(), "1", "tekst"), school_a)
    Flag.objects.filter(pk=flag.pk).update(matched=["learned:", "<b>juf</b>"])
    html = render(flag)
    assert "&lt;b&gt;juf&lt;/b&gt;" in html
    Flag.objects.filter(pk=flag.pk).update(post=None)
    assert 'class="mon-muted"' in render(flag)


def test_flag_articles_writes_what_the_loop_wrote(school_a, board):
    source = make_source()
    case = make_case(school_a)
    for number in range(4):
        make_flag(make_post(source, str(number), f"tekst {number}"), school_a, case=case)
    flags = list(Flag.objects.select_related("school", "post__source", "marked_by", "dismissed_by"))
    context = {"flags": flags, "request": RequestFactory().get("/"), "can_act": True}
    loop = Template(
        "{% load monitoring_tags %}{% for flag in flags %}{% flag_article flag %}{% endfor %}"
    )
    tag = Template("{% load monitoring_tags %}{% flag_articles flags %}")
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')  # masked anew per page
    expected = token.sub("", loop.render(Context(context)))
    assert expected.count("<article") == 4 and expected.count("<form") == 4
    assert token.sub("", tag.render(Context(context))) == expected


def test_its_line_breaks_are_the_filters():
    from django.template.defaultfilters import linebreaksbr

    from monitoring.templatetags.monitoring_tags import _lines

    for text in ["", "a\r\nb\rc\nd", "\r\r\n\n<b>'\"&amp;</b>\r", "één\u2028twee"]:
        assert _lines(text) == linebreaksbr(text, autoescape=True)
