"""Every name and text a person or a stranger can type reaches every page as text.

Schools, groups, pupils, parents and staff, channels, sources, watch terms, post text,
post authors, case notes and replies all get a value that would open an element and
leave an attribute if it were written unescaped; then every route of the URL walk is
read by every role. Many lists are written in Python for speed (monitoring_tags,
coverage_tags, confirmation_tags), outside the templates' autoescaping: this is the one
test that covers all of them together.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from opo_portal.tests.test_url_access import ACCESS, ROLES, cast  # noqa: F401 - a fixture

HOSTILE = "Zoë \"'><svg onload=alert(1)><b data-evil>"
RAW = ("<svg onload", "<b data-evil")


@pytest.fixture
def hostile(cast):  # noqa: F811 - the fixture imported above
    from consent.models import Purpose
    from monitoring.models import Flag, Mention, PublicReply, Source, WatchTerm
    from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
    from schools.models import Group, Pupil, School

    School.objects.update(name=HOSTILE)
    for number, group in enumerate(Group.objects.all()):  # unique per school and year
        Group.objects.filter(pk=group.pk).update(name=f"{HOSTILE} {number}")
    Pupil.objects.update(first_name=HOSTILE, last_name=HOSTILE)
    for role in ("parent", "teacher", "director", "board", "outsider"):
        cast[role].full_name = HOSTILE
        cast[role].save()
    Purpose.objects.update(name=HOSTILE)
    school = cast["director"].memberships.get().school
    WatchTerm.objects.create(school=school, term=HOSTILE)
    source = make_source(url="https://hostile.example/feed.rss")
    Source.objects.filter(pk=source.pk).update(name=HOSTILE)
    source.refresh_from_db()
    post = make_post(source, text=HOSTILE, author_handle=HOSTILE, url="https://x.example/1")
    Mention.objects.create(post=post, school=school, created_at=timezone.now())
    case = make_case(school, notes=HOSTILE)
    flag = make_flag(post, school, "verify_fact", case)
    Flag.objects.filter(pk=flag.pk).update(matched=[HOSTILE])
    PublicReply.objects.create(followup=case, text=HOSTILE, drafted_at=timezone.now())
    return cast


@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_every_page_writes_every_name_as_text(client, hostile, url_name):
    kwargs_from, _ = ACCESS[url_name]
    url = reverse(url_name, kwargs=kwargs_from(hostile) if kwargs_from else None)
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(hostile[role])
        response = client.get(url)
        if "html" not in response.headers.get("Content-Type", ""):
            continue
        body = response.content.decode()
        assert not [raw for raw in RAW if raw in body], (role, url)


@pytest.mark.parametrize(
    ("role", "url_name", "kwargs_from"),
    [
        ("director", "monitoring:dashboard", None),
        ("director", "monitoring:mentions", ACCESS["monitoring:mentions"][0]),
        ("director", "consent:coverage", ACCESS["consent:coverage"][0]),
        ("teacher", "consent:group", ACCESS["consent:group"][0]),
        ("parent", "consent:child", ACCESS["consent:child"][0]),
        ("board", "monitoring:sources", None),
        ("board", "monitoring:watch_terms", None),
    ],
)
def test_the_names_are_there_as_text(client, hostile, role, url_name, kwargs_from):
    """The walk above proves something only where the names are shown."""
    client.force_login(hostile[role])
    url = reverse(url_name, kwargs=kwargs_from(hostile) if kwargs_from else None)
    assert "&lt;svg onload=alert(1)&gt;&lt;b data-evil&gt;" in client.get(url).content.decode()
