"""Walk every URL of the portal as each role.

Every named route of our apps must be listed in ACCESS with the status each role gets;
a new URL without an entry fails `test_it_declares_who_may_see_every_url`.
Allauth's and the admin's routes are theirs, covered by their own tests.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["anonymous", "parent", "teacher", "director", "board", "outsider"]
OUR_MODULES = ("accounts.", "schools.", "policy.", "consent.", "monitoring.", "opo_portal.")

OK, LOGIN, NOT_FOUND, REDIRECT, NOT_ALLOWED = 200, "login", 404, 302, 405


def everyone(status):
    return dict.fromkeys(ROLES, status)


def logged_in(**statuses):
    """Anonymous users are sent to login; each other role gets the given status."""
    return {"anonymous": LOGIN, **statuses}


def staff_only(*roles, otherwise=NOT_FOUND):
    return logged_in(**{r: (OK if r in roles else otherwise) for r in ROLES[1:]})


def _draft_section(cast):
    return {"number": cast["draft"].number, "pk": cast["draft"].sections.first().pk}


def _draft_article(cast):
    section = cast["draft"].sections.first()
    return {"number": cast["draft"].number, "pk": section.articles.first().pk}


def _consent_pupil(cast):
    return {"pk": cast["parent"].guardianships.first().pupil_id}


def _consent_group(cast):
    return {"pk": cast["parent"].guardianships.first().pupil.group_id}


def _consent_purpose():
    from consent.models import Purpose

    return Purpose.objects.get(code="website")


def _consent_check(cast):
    from consent.services import publication_check_create

    pupil = cast["parent"].guardianships.first().pupil
    check = publication_check_create(
        user=cast["teacher"], purpose=_consent_purpose(), media_type="photo", pupils=[pupil]
    )
    return {"pk": check.pk}


# url name -> (kwargs from the cast, {role: expected})
ACCESS = {
    "home": (None, {**everyone(REDIRECT), "anonymous": LOGIN}),
    "health": (None, everyone(OK)),
    "set_language": (None, everyone(REDIRECT)),
    "accounts:home_parent": (None, logged_in(**dict.fromkeys(ROLES[1:], OK))),
    "accounts:home_teacher": (None, staff_only("teacher")),
    "accounts:home_director": (None, staff_only("director")),
    "accounts:home_board": (None, staff_only("board")),
    "accounts:home_privacy": (None, staff_only()),
    "accounts:home_none": (None, logged_in(**dict.fromkeys(ROLES[1:], OK))),
    "schools:import_pupils": (None, staff_only("director", "board")),
    # Protocol: anyone reads; board drafts and publishes; directors see their school's list
    "policy:current": (None, everyone(OK)),
    "policy:history": (None, everyone(OK)),
    "policy:version": (lambda c: {"number": 1}, everyone(OK)),
    "policy:diff_choose": (None, everyone(OK)),
    "policy:diff": (lambda c: {"old": 1, "new": 2}, everyone(OK)),
    "policy:confirm": (None, logged_in(**dict.fromkeys(ROLES[1:], NOT_ALLOWED))),
    "policy:confirmations": (None, staff_only("director", "board")),
    "policy:confirmation_list": (
        lambda c: {"code": "vlindertuin"},
        staff_only("director", "board"),
    ),
    "policy:confirmation_csv": (lambda c: {"code": "vlindertuin"}, staff_only("director", "board")),
    "policy:drafts": (None, staff_only("board")),
    "policy:draft_start": (None, logged_in(**dict.fromkeys(ROLES[1:], NOT_ALLOWED))),
    "policy:draft_edit": (lambda c: {"number": c["draft"].number}, staff_only("board")),
    "policy:draft_preview": (lambda c: {"number": c["draft"].number}, staff_only("board")),
    "policy:draft_publish": (
        lambda c: {"number": c["draft"].number},
        logged_in(**dict.fromkeys(ROLES[1:], NOT_ALLOWED)),
    ),
    "policy:draft_discard": (
        lambda c: {"number": c["draft"].number},
        logged_in(**dict.fromkeys(ROLES[1:], NOT_ALLOWED)),
    ),
    "policy:section_add": (lambda c: {"number": c["draft"].number}, staff_only("board")),
    "policy:section_edit": (_draft_section, staff_only("board")),
    "policy:section_remove": (_draft_section, logged_in(**dict.fromkeys(ROLES[1:], NOT_ALLOWED))),
    "policy:article_add": (_draft_section, staff_only("board")),
    "policy:article_edit": (_draft_article, staff_only("board")),
    "policy:article_remove": (_draft_article, logged_in(**dict.fromkeys(ROLES[1:], NOT_ALLOWED))),
    "photo:check": (None, staff_only("teacher", "director")),
    # Consent: parents their own children; teachers their groups; directors their school
    "consent:my_children": (None, logged_in(**dict.fromkeys(ROLES[1:], OK))),
    "consent:child": (_consent_pupil, staff_only("parent")),
    "consent:withdraw": (_consent_pupil, staff_only("parent")),
    "consent:review_unchanged": (
        _consent_pupil,
        logged_in(**dict.fromkeys(ROLES[1:], NOT_ALLOWED)),
    ),
    "consent:my_data": (None, logged_in(**dict.fromkeys(ROLES[1:], OK))),
    "consent:my_data_json": (None, logged_in(**dict.fromkeys(ROLES[1:], OK))),
    "consent:overview": (None, staff_only("teacher", "director", "board")),
    "consent:group": (_consent_group, staff_only("teacher", "director", "board")),
    "consent:group_appear": (_consent_group, staff_only("teacher", "director", "board")),
    "consent:check_new": (None, staff_only("teacher", "director", "board")),
    "consent:check": (_consent_check, staff_only("teacher", "director", "board")),
    "consent:check_adjust": (_consent_check, logged_in(**dict.fromkeys(ROLES[1:], NOT_ALLOWED))),
    "consent:takedowns": (None, staff_only("teacher", "director", "board")),
    "consent:takedown_done": (
        lambda c: {"pk": 1},
        logged_in(**dict.fromkeys(ROLES[1:], NOT_ALLOWED)),
    ),
    "consent:coverage_index": (None, staff_only("director", "board")),
    "consent:coverage": (lambda c: {"code": "vlindertuin"}, staff_only("director", "board")),
    "consent:coverage_export": (
        lambda c: {"code": "vlindertuin"},
        staff_only("director", "board"),
    ),
    "consent:remind": (
        lambda c: {"code": "vlindertuin"},
        logged_in(**dict.fromkeys(ROLES[1:], NOT_ALLOWED)),
    ),
    "consent:review_round": (
        lambda c: {"code": "vlindertuin"},
        logged_in(**dict.fromkeys(ROLES[1:], NOT_ALLOWED)),
    ),
    "consent:record": (_consent_pupil, staff_only("director", "board")),
    "consent:purposes": (None, staff_only("board")),
    "consent:purpose_text": (lambda c: {"pk": _consent_purpose().pk}, staff_only("board")),
}


# Monitoring (monitoring app)
def _monitoring_case(cast):
    from django.utils import timezone

    from monitoring.models import FollowUp

    school = cast["director"].memberships.get().school
    return {"pk": FollowUp.objects.create(school=school, opened_at=timezone.now()).pk}


_POST_ONLY = logged_in(**dict.fromkeys(ROLES[1:], NOT_ALLOWED))
ACCESS.update(
    {
        "monitoring:dashboard": (None, staff_only("director", "board")),
        "monitoring:case": (_monitoring_case, staff_only("director", "board")),
        "monitoring:case_update": (lambda cast: {"pk": 1}, _POST_ONLY),
        "monitoring:flag_dismiss": (lambda cast: {"pk": 1}, _POST_ONLY),
        "monitoring:reply_draft": (lambda cast: {"pk": 1}, _POST_ONLY),
        "monitoring:reply_approve": (lambda cast: {"pk": 1}, _POST_ONLY),
        "monitoring:reply_posted": (lambda cast: {"pk": 1}, _POST_ONLY),
        "monitoring:report_post": (None, staff_only("teacher", "director", "board")),
        "monitoring:report": (None, staff_only("director", "board")),
        "monitoring:report_csv": (None, staff_only("director", "board")),
        "monitoring:sources": (None, staff_only("board")),
        "monitoring:source_toggle": (lambda cast: {"pk": 1}, _POST_ONLY),
        "monitoring:watch_terms": (None, staff_only("board")),
        "monitoring:watch_term_delete": (lambda cast: {"pk": 1}, _POST_ONLY),
        "monitoring:privacy": (None, everyone(OK)),
    }
)


def _named_routes(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            module = getattr(entry.callback, "__module__", "")
            if module.startswith(OUR_MODULES) or entry.name == "set_language":
                yield f"{namespace}{entry.name}"


def test_it_declares_who_may_see_every_url():
    routes = set(_named_routes(get_resolver().url_patterns))
    assert sorted(routes - set(ACCESS)) == [], "add these URLs to ACCESS"
    assert sorted(set(ACCESS) - routes) == [], "these URLs no longer exist"


@pytest.fixture
def cast(request, parent_a, teacher_a, director_a, board, outsider, pupil_a2, pupil_b):
    from policy import services as policy_services

    second = policy_services.version_draft_start(by=board)
    policy_services.version_update_summary(version=second, summary="Kleine correctie")
    policy_services.version_publish(version=second, by=board)
    return {
        "draft": policy_services.version_draft_start(by=board),
        "parent": parent_a,
        "teacher": teacher_a,
        "director": director_a,
        "board": board,
        "outsider": outsider,
    }


@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_it_gives_each_role_the_declared_status(client, cast, url_name):
    kwargs_from, expected = ACCESS[url_name]
    url = reverse(url_name, kwargs=kwargs_from(cast) if kwargs_from else None)
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(cast[role])
        response = client.get(url)
        want = expected[role]
        if want == LOGIN:
            assert response.status_code == 302, (role, url)
            assert response.url.startswith(reverse("account_login")), (role, url)
        else:
            assert response.status_code == want, (role, url, response.status_code)
