"""Every route that names an object, asked by every role for objects out of its reach.

`test_url_access.py` asks each route with objects the role reaches (school A's). Here an
attacker with a real account changes the id or code in the path, the query string or the
form: another school's pupil, group, check, takedown, case, flag, reply, post, mentions,
coverage, review round, import; another parent's child. Out of reach is a 404, never a 403,
a 400 form error, a 200 with a fallback or a 500 (SECURITY.md, "Who may see what").

Besides the cast of `test_url_access.py` the attacker may hold two roles at two schools:

- `teacher_parent_b`: teaches A1 at school A and holds gezag over pupil_b at school B;
- `director_teacher_b`: directs school A and teaches B1 at school B;
- `parent_board`: holds gezag over pupil_a and sits on the board.

Each gets each role's reach on that role's pages, never the union: the board member opens
no other parent's child page, the director who teaches at B does not act for B.

CASES lists, per route and object, who reaches it; every other role must get a 404 on
GET and on POST (or a 405 for a method the route does not take, answered before it reads
anything). Those who reach it must not get a 404 for the methods the route takes: the
objects are real. `test_it_lists_every_route_that_names_an_object` fails on a new route whose
path names an object and that is missing here.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import add_teaching, make_staff, make_user
from schools.models import Guardianship, StaffMembership

Role = StaffMembership.Role

ROLES = [
    "parent_a",
    "parent_b",
    "teacher_a",
    "other_teacher",
    "teacher_b",
    "director_a",
    "director_b",
    "board",
    "privacy_officer",
    "outsider",
    "teacher_parent_b",
    "director_teacher_b",
    "parent_board",
    "director_parent",
    "teacher_parent",
]

# Reach of whole kinds of pages, by school: used by most rows below.
SCHOOL_A_DIRECTING = {"director_a", "director_teacher_b", "board", "parent_board"}
SCHOOL_B_DIRECTING = {"director_b", "director_parent", "board", "parent_board"}
SCHOOL_A_READING = SCHOOL_A_DIRECTING | {"privacy_officer"}
SCHOOL_B_READING = SCHOOL_B_DIRECTING | {"privacy_officer"}


@dataclass
class World:
    users: dict
    school_a: object
    school_b: object
    group_a1: object
    group_a2: object
    group_b1: object
    pupil_a: object
    pupil_a2: object
    pupil_b: object
    made: dict = field(default_factory=dict)

    def check(self, where: str):
        """A publication check made by school `where`'s teacher about its pupil."""
        from consent.models import Purpose
        from consent.services import publication_check_create

        teacher, pupil = (
            (self.users["teacher_a"], self.pupil_a)
            if where == "A"
            else (self.users["teacher_b"], self.pupil_b)
        )
        return publication_check_create(
            user=teacher,
            purpose=Purpose.objects.get(code="website"),
            media_type="photo",
            pupils=[pupil],
        )

    def takedown(self, where: str):
        from consent.models import TakedownTask

        check = self.check(where)
        return TakedownTask.objects.create(
            publication_check=check,
            pupil=check.pupils.get(),
            assigned_to=check.checked_by,
            reason=TakedownTask.Reason.SAFEGUARDING,
        )

    def school(self, where: str):
        return self.school_a if where == "A" else self.school_b

    def case(self, where: str):
        """A case at the school with a fact to verify and an approved reply."""
        from monitoring.models import Mention, PublicReply
        from monitoring.tests.helpers import make_case, make_flag, make_post, make_source

        school = self.school(where)
        number = len(self.made)
        self.made[number] = where
        case = make_case(school)
        post = make_post(make_source(url=f"https://feeds.example/{number}.rss"))
        Mention.objects.create(post=post, school=school, created_at=timezone.now())
        flag = make_flag(post, school, "verify_fact", case)
        reply = PublicReply.objects.create(
            followup=case, text="Klopt niet.", drafted_at=timezone.now()
        )
        return {"case": case.pk, "flag": flag.pk, "reply": reply.pk, "post": post.pk}

    def source(self, where: str):
        from monitoring.tests.helpers import make_source

        number = len(self.made)
        self.made[number] = where
        return make_source(url=f"https://feeds.example/s{number}.rss", school=self.school(where))

    def teacher(self, where: str):
        """A new teacher membership at school `where`: removing one ends it."""
        number = len(self.made)
        self.made[number] = where
        user = make_staff(f"leerkracht{number}@example.org", Role.TEACHER, self.school(where))
        return StaffMembership.objects.get(user=user)

    def watch_term(self, where: str):
        from monitoring.models import WatchTerm

        number = len(self.made)
        self.made[number] = where
        return WatchTerm.objects.create(school=self.school(where), term=f"schoolreis{number}")


@pytest.fixture
def world(
    school_a,
    school_b,
    group_a1,
    group_a2,
    group_b1,
    pupil_a,
    pupil_a2,
    pupil_b,
    parent_a,
    parent_b,
    teacher_a,
    other_teacher,
    director_a,
    director_b,
    board,
    privacy_officer,
    outsider,
    director_parent,
    teacher_parent,
):
    teacher_b = make_staff("juf.b@example.org", Role.TEACHER, school_b, [group_b1])
    teacher_parent_b = make_staff("juf.a.ouder.b@example.org", Role.TEACHER, school_a, [group_a1])
    Guardianship.objects.create(user=teacher_parent_b, pupil=pupil_b, has_parental_authority=True)
    director_teacher_b = add_teaching(
        make_staff("directeur.a.juf.b@example.org", Role.DIRECTOR, school_a), school_b, [group_b1]
    )
    parent_board = make_staff("ouder.bestuur@example.org", Role.BOARD)
    Guardianship.objects.create(user=parent_board, pupil=pupil_a, has_parental_authority=True)
    # a parent of pupil_a2 too, so that a parent asking for pupil_a2 asks for someone's child
    Guardianship.objects.create(
        user=make_user("ouder.a2@example.org"), pupil=pupil_a2, has_parental_authority=True
    )
    users = {
        "parent_a": parent_a,
        "parent_b": parent_b,
        "teacher_a": teacher_a,
        "other_teacher": other_teacher,
        "teacher_b": teacher_b,
        "director_a": director_a,
        "director_b": director_b,
        "board": board,
        "privacy_officer": privacy_officer,
        "outsider": outsider,
        "teacher_parent_b": teacher_parent_b,
        "director_teacher_b": director_teacher_b,
        "parent_board": parent_board,
        "director_parent": director_parent,
        "teacher_parent": teacher_parent,
    }
    assert set(users) == set(ROLES)
    return World(
        users, school_a, school_b, group_a1, group_a2, group_b1, pupil_a, pupil_a2, pupil_b
    )


@dataclass(frozen=True)
class Case:
    """One route asked about one object: `url(world)` -> (path kwargs, query, form);
    `reach`: the roles that reach it; `methods`: what the route answers."""

    route: str
    about: str
    url: object
    reach: frozenset
    methods: tuple = ("GET", "POST")
    only: bool = False  # ask with `methods` only: the object is named in a posted form


def case(route, about, url, reach=(), methods=("GET", "POST")):
    return Case(route, about, url, frozenset(reach), methods)


def posted(route, about, url, reach=()):
    """An object named in a form the page posts (a pupil ticked, a school chosen). A person
    chosen in a form (the parent of a paper form, a case's assignee) is not an object
    here: those lists change under an open form (gezag changes, a colleague leaves), the
    form says why the choice no longer counts, and an id of another school's person gets
    the same words as an id of nobody."""
    return Case(route, about, url, frozenset(reach), POST, only=True)


def pupil(name):
    return lambda w: ({"pk": getattr(w, name).pk}, {}, {})


def group(name):
    return lambda w: ({"pk": getattr(w, name).pk}, {}, {})


def code(where, query=None):
    def url(w):
        return ({"code": w.school(where).code}, query(w) if query else {}, {})

    return url


def query_school(where, param="school"):
    return lambda w: ({}, {param: w.school(where).code}, {})


def checked(where):
    return lambda w: ({"pk": w.check(where).pk}, {}, {})


def takedown(where):
    return lambda w: ({"pk": w.takedown(where).pk}, {}, {})


def on_case(where, part):
    return lambda w: ({"pk": w.case(where)[part]}, {}, {})


def mention(code_of, post_of):
    return lambda w: ({"code": w.school(code_of).code, "post_pk": w.case(post_of)["post"]}, {}, {})


def teaching(w, teacher: str, group) -> dict:
    """The teachers and groups form: `teacher` (their membership) ticked for `group`."""
    member = StaffMembership.objects.get(user=w.users[teacher], role=Role.TEACHER)
    return {"teachers": member.pk, "links": f"{member.pk}-{group.pk}"}


PARENTS_OF_A = {"parent_a", "parent_board", "director_parent", "teacher_parent"}
PARENTS_OF_B = {"parent_b", "teacher_parent_b"}
GEZAG_OF_A = PARENTS_OF_A - {"director_parent"}
# group pages (read): teachers of the group, directors of its school, board, privacy officer
GROUP_A1 = SCHOOL_A_READING | {"teacher_a", "teacher_parent_b"}
GROUP_A2 = SCHOOL_A_READING | {"other_teacher"}
GROUP_B1 = SCHOOL_B_READING | {"teacher_b", "director_teacher_b", "teacher_parent"}
# a check: its own teacher, the school's directors, board, privacy officer
CHECK_A = SCHOOL_A_READING | {"teacher_a"}
CHECK_B = SCHOOL_B_READING | {"teacher_b"}
# a takedown: the teacher it is given to and the school's directors (by membership)
TAKEDOWN_A = {"teacher_a", "director_a", "director_teacher_b"}
TAKEDOWN_B = {"teacher_b", "director_b", "director_parent"}
# the manual report: teachers and directors of the school, board staff
REPORTING_A = SCHOOL_A_DIRECTING | {"teacher_a", "other_teacher", "teacher_parent_b"}
REPORTING_B = SCHOOL_B_DIRECTING | {"teacher_b", "director_teacher_b", "teacher_parent"}
# the check before posting: the groups of the publishing reach (board, not privacy officer)
PUBLISHING_B1 = SCHOOL_B_DIRECTING | {"teacher_b", "director_teacher_b", "teacher_parent"}
BOARD = {"board", "parent_board"}
GET, POST = ("GET",), ("POST",)

CASES = [
    # --- a parent's child -------------------------------------------------------------
    *(
        case(route, who, pupil(who), reach)
        for route in ("consent:child", "consent:withdraw")
        for who, reach in (("pupil_a", PARENTS_OF_A), ("pupil_a2", ()), ("pupil_b", PARENTS_OF_B))
    ),
    *(
        case("consent:review_unchanged", who, pupil(who), reach, POST)
        for who, reach in (("pupil_a", PARENTS_OF_A), ("pupil_a2", ()), ("pupil_b", PARENTS_OF_B))
    ),
    # --- classes ------------------------------------------------------------------------
    *(
        case(route, who, group(who), reach, GET)
        for route in ("consent:group", "consent:group_appear")
        for who, reach in (("group_a1", GROUP_A1), ("group_a2", GROUP_A2), ("group_b1", GROUP_B1))
    ),
    case(
        "consent:check_new",
        "?group=B1",
        lambda w: ({}, {"group": w.group_b1.pk}, {}),
        PUBLISHING_B1,
        GET,
    ),
    # --- checks and takedowns -----------------------------------------------------------
    case("consent:check", "check at A", checked("A"), CHECK_A, GET),
    case("consent:check", "check at B", checked("B"), CHECK_B, GET),
    case("consent:check_adjust", "check at A", checked("A"), CHECK_A, POST),
    case("consent:check_adjust", "check at B", checked("B"), CHECK_B, POST),
    case("consent:takedown_done", "takedown at A", takedown("A"), TAKEDOWN_A, POST),
    case("consent:takedown_done", "takedown at B", takedown("B"), TAKEDOWN_B, POST),
    # --- a school's coverage, reminders, review round, paper forms, import --------------
    *(
        case(route, f"school {where}", code(where), reach, methods)
        for route, methods in (
            ("consent:coverage", GET),
            ("consent:coverage_export", GET),
            ("consent:coverage_export_xlsx", GET),
            ("consent:school_takedowns", GET),
            ("consent:pupil_search", ("GET", "POST")),
            ("policy:confirmation_list", GET),
            ("policy:confirmation_csv", GET),
            ("policy:confirmation_xlsx", GET),
        )
        for where, reach in (("A", SCHOOL_A_READING), ("B", SCHOOL_B_READING))
    ),
    case("consent:dossier", "pupil_a", pupil("pupil_a"), SCHOOL_A_READING, GET),
    case("consent:dossier", "pupil_b", pupil("pupil_b"), SCHOOL_B_READING, GET),
    case("consent:dossier_gezag", "pupil_a", pupil("pupil_a"), SCHOOL_A_READING, GET),
    case("consent:dossier_gezag", "pupil_b", pupil("pupil_b"), SCHOOL_B_READING, GET),
    *(
        case(route, f"school {where}", code(where), reach, methods)
        for route, methods in (
            ("consent:remind", GET + POST),
            ("policy:confirmation_remind", POST),
            ("consent:review_round", GET + POST),
            ("schools:staff_groups", GET + POST),
            ("schools:staff_teacher_add", GET + POST),
            ("schools:school_contact", GET + POST),
        )
        for where, reach in (("A", SCHOOL_A_DIRECTING), ("B", SCHOOL_B_DIRECTING))
    ),
    case(
        "consent:remind",
        "school A, group B1",
        code("A", lambda w: {"groep": w.group_b1.pk}),
    ),
    case(
        "consent:remind",
        "school A, parent of B",
        code("A", lambda w: {"ouder": w.users["parent_b"].pk}),
    ),
    # another school's group, posted to school A's teachers and groups (a teacher listed
    # there is a person in a form, see `posted`)
    posted(
        "schools:staff_groups",
        "school A, B1 for teacher_a",
        lambda w: ({"code": w.school_a.code}, {}, teaching(w, "teacher_a", w.group_b1)),
    ),
    posted(
        "schools:staff_teacher_add",
        "school A, B1 ticked",
        lambda w: (
            {"code": w.school_a.code},
            {},
            {"full_name": "Nieuw", "email": "nieuw@example.org", "groups": w.group_b1.pk},
        ),
    ),
    # a teacher's membership ended: only through its own school, only a teacher's
    *(
        case(
            "schools:staff_teacher_remove",
            f"teacher of {of} at {at}",
            lambda w, of=of, at=at: ({"code": w.school(at).code, "pk": w.teacher(of).pk}, {}, {}),
            reach,
        )
        for of, at, reach in (
            ("A", "A", SCHOOL_A_DIRECTING),
            ("B", "B", SCHOOL_B_DIRECTING),
            ("B", "A", ()),
            ("A", "B", ()),
        )
    ),
    case(
        "schools:staff_teacher_remove",
        "director of A at A",
        lambda w: (
            {
                "code": w.school_a.code,
                "pk": StaffMembership.objects.get(user=w.users["director_a"]).pk,
            },
            {},
            {},
        ),
    ),
    case("consent:record", "pupil_a", pupil("pupil_a"), SCHOOL_A_DIRECTING),
    case("consent:record", "pupil_b", pupil("pupil_b"), SCHOOL_B_DIRECTING),
    case("schools:import_pupils", "?school=A", query_school("A"), SCHOOL_A_DIRECTING),
    case("schools:import_pupils", "?school=B", query_school("B"), SCHOOL_B_DIRECTING),
    # --- monitoring ---------------------------------------------------------------------
    *(
        case(route, f"{part} at {where}", on_case(where, part), reach, methods)
        for route, part, methods in (
            ("monitoring:case", "case", GET),
            ("monitoring:case_update", "case", POST),
            ("monitoring:reply_draft", "case", POST),
            ("monitoring:flag_dismiss", "flag", POST),
            ("monitoring:reply_approve", "reply", POST),
            ("monitoring:reply_posted", "reply", POST),
        )
        for where, reach in (("A", SCHOOL_A_READING), ("B", SCHOOL_B_READING))
    ),
    case("monitoring:mentions", "school A", code("A"), SCHOOL_A_READING, GET),
    case("monitoring:mentions", "school B", code("B"), SCHOOL_B_READING, GET),
    case("monitoring:mention_mark", "A's post at A", mention("A", "A"), SCHOOL_A_READING, POST),
    case("monitoring:mention_mark", "B's post at B", mention("B", "B"), SCHOOL_B_READING, POST),
    case("monitoring:mention_mark", "B's post at A", mention("A", "B"), (), POST),
    *(
        case(route, f"?school={where}", query_school(where), reach, GET)
        for route in ("monitoring:report", "monitoring:report_csv")
        for where, reach in (("A", SCHOOL_A_READING), ("B", SCHOOL_B_READING))
    ),
    case("monitoring:report_post", "?school=A", query_school("A"), REPORTING_A, GET),
    case("monitoring:report_post", "?school=B", query_school("B"), REPORTING_B, GET),
    case(
        "monitoring:source_toggle",
        "source of B",
        lambda w: ({"pk": w.source("B").pk}, {}, {}),
        BOARD,
        POST,
    ),
    # --- objects named in posted forms and filters ----------------------------------------
    posted(
        "consent:check_new",
        "pupil_b ticked",
        lambda w: ({}, {}, {"purpose": "website", "media_type": "photo", "pupils": w.pupil_b.pk}),
        PUBLISHING_B1,
    ),
    posted(
        "photo:check",
        "pupil_b ticked",
        lambda w: ({}, {}, {"pupils": w.pupil_b.pk, "action": "preview"}),
        # the photo check's reach: teachers and directors (board staff publish elsewhere)
        {"teacher_b", "director_b", "director_parent", "teacher_parent", "director_teacher_b"},
    ),
    posted(
        "monitoring:report_post",
        "school B chosen",
        lambda w: ({}, {}, {"school": w.school_b.pk, "url": "https://x.example/1", "text": "x"}),
        REPORTING_B,
    ),
    case(
        "monitoring:mentions",
        "school A, source of B",
        lambda w: ({"code": w.school_a.code}, {"source": w.source("B").pk}, {}),
        (),
        GET,
    ),
    case(
        "monitoring:watch_term_delete",
        "term of B",
        lambda w: ({"pk": w.watch_term("B").pk}, {}, {}),
        BOARD,
        POST,
    ),
]

# Routes whose path names an object that belongs to no school and no family: the
# protocol's published versions (public) and the board's drafts (board only, walked
# by test_url_access.py), the board's channels, and a reminder's one-click stop link,
# whose signed token is the only proof a parent needs (consent/tests/test_reminder_stop.py).
NOT_ABOUT_A_SCHOOL = {
    "policy:version",
    "policy:diff",
    "policy:draft_edit",
    "policy:draft_preview",
    "policy:draft_publish",
    "policy:draft_discard",
    "policy:section_add",
    "policy:section_edit",
    "policy:section_remove",
    "policy:article_add",
    "policy:article_edit",
    "policy:article_remove",
    "consent:purpose_text",
    "consent:reminders_stop",
}
OUR_MODULES = ("accounts.", "schools.", "policy.", "consent.", "monitoring.", "opo_portal.")


def _routes_with_objects(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes_with_objects(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name and entry.pattern.regex.groupindex:
            if getattr(entry.callback, "__module__", "").startswith(OUR_MODULES):
                yield f"{namespace}{entry.name}"


def _all_routes(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _all_routes(entry.url_patterns, ns)
        elif entry.name:
            yield f"{namespace}{entry.name}"


def test_it_lists_every_route_that_names_an_object():
    routes = set(_routes_with_objects(get_resolver().url_patterns))
    listed = {c.route for c in CASES} | NOT_ABOUT_A_SCHOOL
    assert sorted(routes - listed) == [], "add these routes to CASES"
    named = set(_all_routes(get_resolver().url_patterns))
    assert sorted(listed - named) == [], "these routes no longer exist"


def _ask(client, method, path, query, form):
    """A POST carries the query's names in the URL and in the form, as the pages do (the
    reminder's preview posts its group and parent as hidden fields to its own address)."""
    if method == "GET":
        return client.get(path, query)
    target = f"{path}?{urlencode(query)}" if query else path
    return client.post(target, {**query, **form})


@pytest.mark.parametrize("row", CASES, ids=lambda c: f"{c.route} {c.about}")
def test_it_answers_404_to_everyone_out_of_reach(client, world, row):
    wrong = {}
    for role in ROLES:
        for method in row.methods if row.only else ("GET", "POST"):
            kwargs, query, form = row.url(world)
            path = reverse(row.route, kwargs=kwargs or None)
            client.force_login(world.users[role])
            status = _ask(client, method, path, query, form).status_code
            declared = method in row.methods
            if status >= 500:
                wrong[role, method] = status
            elif role not in row.reach and status != 404 and (declared or status != 405):
                wrong[role, method] = status  # out of reach: a 404 (405: not this method)
            elif role in row.reach and declared and status == 404:
                wrong[role, method] = status  # reaches it: the object is real
            client.logout()
    assert wrong == {}, "\n".join(f"{r} {m}: {s}" for (r, m), s in wrong.items())
