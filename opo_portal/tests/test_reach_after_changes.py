"""Reach follows the register as it changes: every route that names an object, asked by
the one person whose place changed, after the change, for objects made before it.

`test_out_of_reach.py` walks the cast as it is. Here, once the objects exist (a check, a
takedown, a case, a group's pages, a child's pages), one thing changes and that person
asks again with GET and POST: a teacher moved to another group, a parent whose link was
removed or whose child's record was erased, a director whose school assignment ended or
who now only teaches there, an account deactivated, a pupil who left. What they no longer
reach is a 404 (a deactivated account: the login page), never the old page, and a
refused POST changes nothing in the database. What they still reach is not a 404.
"""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse

from opo_portal.tests.test_out_of_reach import (
    CASES,
    GET,
    SCHOOL_A_DIRECTING,
    _ask,
    case,
    posted,
)
from opo_portal.tests.test_out_of_reach import world as world_fixture
from schools.models import Guardianship, StaffMembership

world = world_fixture  # the cast and objects of test_out_of_reach.py, as a fixture here

# Rows about school A's group A1 and its pupil, which test_out_of_reach.py asks only for
# school B: the class list of the check before posting, and pupil_a ticked.
PUBLISHING_A1 = SCHOOL_A_DIRECTING | {"teacher_a", "teacher_parent_b"}
ROWS = [
    *CASES,
    case(
        "consent:check_new",
        "?group=A1",
        lambda w: ({}, {"group": w.group_a1.pk}, {}),
        PUBLISHING_A1,
        GET,
    ),
    posted(
        "consent:check_new",
        "pupil_a ticked",
        lambda w: ({}, {}, {"purpose": "website", "media_type": "photo", "pupils": w.pupil_a.pk}),
        PUBLISHING_A1,
    ),
    posted(
        "photo:check",
        "pupil_a ticked",
        lambda w: ({}, {}, {"pupils": w.pupil_a.pk, "action": "preview"}),
        {"teacher_a", "director_a", "teacher_parent_b", "director_teacher_b"},
    ),
]
TICKING_PUPIL_A = {(row.route, row.about) for row in ROWS[len(CASES) :] if row.only}


def teacher_moved(w):
    StaffMembership.objects.get(user=w.users["teacher_a"]).groups.set([w.group_a2])


def link_removed(w):
    Guardianship.objects.get(user=w.users["parent_a"]).delete()


def record_erased(w):
    from schools.services import pupil_erase

    w.pupil_a.left_on = datetime.date(2020, 7, 10)
    w.pupil_a.save()
    pupil_erase(pupil=w.pupil_a)


def assignment_ended(w):
    StaffMembership.objects.get(user=w.users["director_a"]).delete()


def director_now_teaches(w):
    membership = StaffMembership.objects.get(user=w.users["director_a"])
    membership.role = StaffMembership.Role.TEACHER
    membership.save()
    membership.groups.set([w.group_a2])


def deactivated(w):
    w.users["teacher_a"].is_active = False
    w.users["teacher_a"].save()


def pupil_left(w):
    w.pupil_a.left_on = datetime.date(2026, 10, 1)
    w.pupil_a.save()


# scenario: (who asks, the change, whether they reach a row afterwards)
SCENARIOS = {
    # their own checks and takedowns stay theirs while they teach at the school
    "teacher moved from A1 to A2": (
        "teacher_a",
        teacher_moved,
        lambda row: "other_teacher" in row.reach
        or ("teacher_a" in row.reach and "group_a1" not in row.about and "A1" not in row.about)
        and (row.route, row.about) not in TICKING_PUPIL_A,
    ),
    "parent's link removed": ("parent_a", link_removed, lambda row: False),
    "child's record erased": ("parent_a", record_erased, lambda row: False),
    "director's assignment ended": ("director_a", assignment_ended, lambda row: False),
    # as the teacher of A2 they are: that group's pages and the manual report, no more
    "director now teaches A2": (
        "director_a",
        director_now_teaches,
        lambda row: "other_teacher" in row.reach,
    ),
    "teacher deactivated": ("teacher_a", deactivated, lambda row: False),
    # a pupil who left is in no check any more; the class list and old checks stay
    "pupil left": (
        "teacher_a",
        pupil_left,
        lambda row: "teacher_a" in row.reach and (row.route, row.about) not in TICKING_PUPIL_A,
    ),
}
OUR_APPS = ("schools", "consent", "policy", "monitoring", "outbox")


def database_state() -> dict:
    """Every row of the portal's own tables (accounts' change at each login)."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
    }


def _refused(status: int, who_is_gone: bool) -> bool:
    return status in (302, 405) if who_is_gone else status in (404, 405)


def _wrong_answer(row, method, status, reached: bool, gone: bool):
    """What is wrong with this answer, or None."""
    declared = method in row.methods
    if status >= 500:
        return status
    if not reached and not _refused(status, gone) and (declared or status != 405):
        return status  # out of reach: a 404 (405: not this method; gone: the login page)
    if reached and declared and status == 404:
        return status  # reaches it: the object is real
    return None


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_reach_ends_with_the_change(client, world, scenario):
    who, change, reaches = SCENARIOS[scenario]
    asked = []
    for row in ROWS:
        kwargs, query, form = row.url(world)  # the objects, made before the change
        asked.append((row, reverse(row.route, kwargs=kwargs or None), query, form))
    change(world)
    gone = scenario == "teacher deactivated"
    client.force_login(world.users[who])
    # what they no longer reach first: those answers, POSTs included, change nothing
    asked.sort(key=lambda each: reaches(each[0]))
    before = database_state()
    wrong, changed = {}, None
    for row, path, query, form in asked:
        if changed is None and reaches(row):
            changed = database_state() != before
        for method in row.methods if row.only else ("GET", "POST"):
            status = _ask(client, method, path, query, form).status_code
            problem = _wrong_answer(row, method, status, reaches(row), gone)
            if problem is not None:
                wrong[row.route, row.about, method] = problem
    if changed is None:
        changed = database_state() != before
    assert not changed, "a request out of reach changed the database"
    assert wrong == {}, "\n".join(f"{who} {r} {a} {m}: {s}" for (r, a, m), s in wrong.items())
