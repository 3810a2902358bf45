"""The privacy officer audits every school: reads, changes nothing (DESIGN.md, roles).

Every link on every page they reach from their home page opens (no link to a page that
answers 404 or 403 for them), and every page they get forbids caching.
"""

import re

from django.urls import reverse

LINK = re.compile(r'href="(/[^"#]*)"')
# allauth's own pages (the account menu) and the admin are tested elsewhere; logout is a form.
NOT_CRAWLED = ("/static/", "/accounts/", "/admin/")


def _links(response) -> list[str]:
    if "html" not in response.headers.get("Content-Type", ""):
        return []
    found = LINK.findall(response.content.decode())
    return [href.replace("&amp;", "&") for href in found if not href.startswith(NOT_CRAWLED)]


def _crawl(client, start: str, limit: int = 80) -> dict[str, object]:
    """url -> response of every page linked from `start`, breadth first."""
    seen: dict[str, object] = {}
    todo = [start]
    while todo and len(seen) < limit:
        url = todo.pop(0)
        if url in seen:
            continue
        response = client.get(url, follow=True)
        if response.streaming:  # a download: read it, so its file is closed
            response.content = b"".join(response.streaming_content)
        seen[url] = response
        todo += _links(response)
    return seen


def _something_to_read(school, teacher, pupil) -> None:
    """A case with a flag on a post that names the school, a check before posting, and
    parents who disagree (a conflict on the coverage page)."""
    from django.utils import timezone

    from consent.models import Purpose
    from consent.services import publication_check_create
    from consent.tests.helpers import decide
    from monitoring.models import Mention
    from monitoring.tests.helpers import make_case, make_flag, make_post, make_source

    post = make_post(make_source(), text="Boos over De Vlindertuin")
    Mention.objects.create(post=post, school=school, created_at=timezone.now())
    make_flag(post, school, "verify_fact", make_case(school))
    website = Purpose.objects.get(code="website")
    publication_check_create(user=teacher, purpose=website, media_type="photo", pupils=[pupil])
    one, two = (g.user for g in pupil.guardianships.all())
    decide(pupil, one, "website", "photo", True)
    decide(pupil, two, "website", "photo", False)


def test_it_links_the_privacy_officer_only_to_pages_they_may_open(
    login, privacy_officer, school_a, teacher_a, pupil_a, pupil_b, parent_a, code_parent
):
    _something_to_read(school_a, teacher_a, pupil_a)
    pages = _crawl(login(privacy_officer), reverse("home"))
    assert reverse("monitoring:dashboard") in pages and reverse("consent:coverage_index") in pages
    assert reverse("policy:confirmation_list", args=[school_a.code]) in pages  # who confirmed
    assert [url for url in pages if url.startswith("/monitoring/zaken/")], "no case was read"
    dead = {url: r.status_code for url, r in pages.items() if r.status_code != 200}
    assert dead == {}
    cached = [url for url, r in pages.items() if "no-store" not in r.headers["Cache-Control"]]
    assert cached == []
