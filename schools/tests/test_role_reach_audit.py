"""Audit: a person with two roles gets each role's reach on that role's pages, never the
union, and whatever is out of a page's reach is a 404 (not a 403, a 200 or a 500).

Every URL pattern of the project that takes an object id or a school code is walked
(`test_it_audits_every_url_pattern_that_takes_an_id_or_a_code` fails when a new one is
added without a line here), with real logins, for six people:

- teacher_parent_b: teaches groep 5 at school A, holds gezag over a child at school B;
- director_parent_a: directs school A, holds gezag over a child at school A;
- board_parent: board staff, holds gezag over a child at school B;
- parent_a_and_b: a parent of a child at school A and of another at school B, no staff role;
- former_teacher: taught at school B (made a check there, was given its takedown and a
  case) until the membership was ended; now only a parent of a child at school A;
- privacy_director_a: the privacy officer (reads every school: coverage, the pupil's
  consent file, checks, monitoring) who also directs school A (acts there only: paper
  forms, reminders, staff, imports, the checks before posting, monitoring's changes).

Each line is one request: an object out of that page's reach for that person must be a
404, one in reach must still work (no 403, no 404, no 500), and a change where the
person only reads (the privacy officer's monitoring of another school) a 403.

The photo check and the pupil import are also sent with a real file (a JPEG made with
Pillow, a valid pupil list naming school B's pupil number and parent): out of reach a 404
or a form error with nothing written, and no name of school B on the page.
"""

import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from conftest import make_staff, make_user
from consent.models import PublicationCheck, TakedownTask
from consent.photo.views import photo_key
from consent.services import publication_check_create
from consent.tests.helpers import decide, html_of, purpose
from monitoring.models import Mention, PublicReply, WatchTerm
from monitoring.tests.helpers import make_case, make_flag, make_post, make_source
from schools.models import Guardianship, Pupil, StaffMembership
from schools.services import teacher_remove
from schools.tests.importfiles import csv_text

Role = StaffMembership.Role

# Patterns with an id or code in the path that are out of this audit, and why.
NOT_AUDITED = {
    # allauth's own: a signed key, no object of ours
    "account_confirm_email",
    "account_reset_password_from_key",
    # the signed token is the proof, not a login (consent/tests/test_reminder_stop*.py)
    "consent:reminders_stop",
    # the published protocol, readable by anyone
    "policy:version",
    "policy:diff",
}


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.pattern.converters | _regex_groups(
            pattern
        ):
            yield namespace + (pattern.name or "")


def _regex_groups(pattern) -> dict:
    regex = getattr(pattern.pattern, "regex", None)
    return dict(regex.groupindex) if regex is not None else {}


def _with_object_in_path() -> set[str]:
    # the admin's pages are for the IT partner's superusers only (is_staff), none of the cast
    return {name for name in _walk(get_resolver().url_patterns) if not name.startswith("admin:")}


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
    director_b,
    board,
):
    """Two schools with something of every kind at each, and the five people."""
    teacher_b = make_staff("meester.b@example.org", Role.TEACHER, school_b, [group_b1])
    former = make_staff("oud.b@example.org", Role.TEACHER, school_b, [group_b1])
    for pupil, parent in ((pupil_a, parent_a), (pupil_b, parent_b)):
        decide(pupil, parent, "sociale-media", "photo", True)
    social = purpose("sociale-media")
    check_a = publication_check_create(
        user=teacher_a, purpose=social, media_type="photo", pupils=[pupil_a]
    )
    check_b = publication_check_create(
        user=former, purpose=social, media_type="photo", pupils=[pupil_b]
    )
    for pupil, parent in ((pupil_a, parent_a), (pupil_b, parent_b)):
        decide(pupil, parent, "sociale-media", "photo", False)  # a takedown each

    source = make_source()
    cases, flags, replies, posts = {}, {}, {}, {}
    for key, school, assignee in (("a", school_a, teacher_a), ("b", school_b, former)):
        post = posts[key] = make_post(source, external_id=key, text=f"Nieuws over {school.name}")
        Mention.objects.create(post=post, school=school, created_at=timezone.now())
        case = cases[key] = make_case(school, assigned_to=assignee)
        flags[key] = make_flag(post, school, category="verify_fact", case=case)
        replies[key] = PublicReply.objects.create(
            followup=case,
            text="De school blijft open.",
            drafted_by=board,
            drafted_at=timezone.now(),
        )

    # the former teacher's membership ends the way a director ends it
    teacher_remove(membership=former.memberships.get(), by=director_b)
    # ... and they are still the parent of a child at school A
    Guardianship.objects.create(user=former, pupil=pupil_a2, has_parental_authority=True)

    # teacher_a (groep 5 at A, the maker of check_a) is also a parent at school B
    Guardianship.objects.create(user=teacher_a, pupil=pupil_b, has_parental_authority=True)
    director_parent_a = make_staff("directeur.ouder.a@example.org", Role.DIRECTOR, school_a)
    Guardianship.objects.create(user=director_parent_a, pupil=pupil_a, has_parental_authority=True)
    Guardianship.objects.create(user=board, pupil=pupil_b, has_parental_authority=True)
    privacy_director_a = make_staff("privacy.directeur.a@example.org", Role.PRIVACY_OFFICER)
    StaffMembership.objects.create(user=privacy_director_a, role=Role.DIRECTOR, school=school_a)
    parent_a_and_b = make_user("ouder.ab@example.org", full_name="Ouder AB")
    for pupil in (pupil_a, pupil_b):
        Guardianship.objects.create(user=parent_a_and_b, pupil=pupil, has_parental_authority=True)

    return {
        "parent_b": parent_b,
        "people": {
            "teacher_parent_b": teacher_a,
            "director_parent_a": director_parent_a,
            "board_parent": board,
            "parent_a_and_b": parent_a_and_b,
            "former_teacher": former,
            "privacy_director_a": privacy_director_a,
        },
        "school_a": school_a,
        "school_b": school_b,
        "pupil_a": pupil_a,
        "pupil_a2": pupil_a2,
        "pupil_b": pupil_b,
        "group_a1": group_a1,
        "group_a2": group_a2,
        "group_b1": group_b1,
        "check_a": check_a,
        "check_b": check_b,
        "task_a": TakedownTask.objects.get(publication_check=check_a),
        "task_b": TakedownTask.objects.get(publication_check=check_b),
        "case_a": cases["a"],
        "case_b": cases["b"],
        "flag_a": flags["a"],
        "flag_b": flags["b"],
        "reply_a": replies["a"],
        "reply_b": replies["b"],
        "post_a": posts["a"],
        "post_b": posts["b"],
        "membership_a": teacher_a.memberships.get(role=Role.TEACHER),
        "membership_b": teacher_b.memberships.get(),
        "purpose": social,
        "source": source,
        "term_a": WatchTerm.objects.create(school=school_a, term="vlindertuinschool"),
    }


PEOPLE = [
    "teacher_parent_b",
    "director_parent_a",
    "board_parent",
    "parent_a_and_b",
    "former_teacher",
    "privacy_director_a",
]
T, D, B, P, F, V = PEOPLE  # short names for the table below (V: priVacy officer)

# (method, url name, path arguments as keys of `world`, {person: "in"/"out"/"403"})
# "in": the page works for them (no 403, 404 or 500); "out": a 404; "403": a change
# refused to someone who reads the object (the privacy officer, monitoring's table in
# README "Pages (`/monitoring/`)").
PUPIL_PARENT_PAGES = [
    ("GET", "consent:child"),
    ("POST", "consent:withdraw"),
    ("POST", "consent:review_unchanged"),
]
PARENT_REACH = {
    "pupil_a": {T: "out", D: "in", B: "out", P: "in", F: "out", V: "out"},
    "pupil_a2": {T: "out", D: "out", B: "out", P: "out", F: "in", V: "out"},
    "pupil_b": {T: "in", D: "out", B: "in", P: "in", F: "out", V: "out"},
}
# the dossier: directors (their own school), board staff and the privacy officer
DOSSIER_REACH = {
    "pupil_a": {T: "out", D: "in", B: "in", P: "out", F: "out", V: "in"},
    "pupil_a2": {T: "out", D: "in", B: "in", P: "out", F: "out", V: "in"},
    "pupil_b": {T: "out", D: "out", B: "in", P: "out", F: "out", V: "in"},
}
# a paper or phone decision: directors at their own school, board staff; never by the
# user for their own child (the page itself, refused on saving: consent tests); the
# privacy officer who directs A only there (schools.access.get_pupil_for_acting)
RECORD_REACH = {
    "pupil_a2": {T: "out", D: "in", B: "in", P: "out", F: "out", V: "in"},
    "pupil_b": {T: "out", D: "out", B: "in", P: "out", F: "out", V: "out"},
}
# class pages: the privacy officer reads every school's (schools.access.groups_in_reach)
GROUP_REACH = {
    "group_a1": {T: "in", D: "in", B: "in", P: "out", F: "out", V: "in"},
    "group_a2": {T: "out", D: "in", B: "in", P: "out", F: "out", V: "in"},
    "group_b1": {T: "out", D: "out", B: "in", P: "out", F: "out", V: "in"},
}
CHECK_REACH = {  # the privacy officer reads every check (adjusting: the maker only)
    "check_a": {T: "in", D: "in", B: "in", P: "out", F: "out", V: "in"},
    "check_b": {T: "out", D: "out", B: "in", P: "out", F: "out", V: "in"},  # F made it
}
# own tasks at a school where one still works, and the tasks of a school one directs:
# by membership, never the board's or the privacy officer's reach of every school
TASK_REACH = {
    "task_a": {T: "in", D: "in", B: "out", P: "out", F: "out", V: "in"},
    "task_b": {T: "out", D: "out", B: "out", P: "out", F: "out", V: "out"},  # F's until left
}
READ_SCHOOL = {  # directors their own, board staff and the privacy officer every school
    "school_a": {T: "out", D: "in", B: "in", P: "out", F: "out", V: "in"},
    "school_b": {T: "out", D: "out", B: "in", P: "out", F: "out", V: "in"},
}
# directors their own, board staff every school; the privacy officer's reach of every
# school is for reading, so the privacy officer who directs A acts at A only
# (schools.access.get_school_for_acting); the same for publishing, importing, reporting
ACT_SCHOOL = {
    "school_a": READ_SCHOOL["school_a"],
    "school_b": {**READ_SCHOOL["school_b"], V: "out"},
}
CASE_READ = {  # monitoring staff their schools' cases, the assignee their own
    "case_a": {T: "in", D: "in", B: "in", P: "out", F: "out", V: "in"},
    "case_b": {T: "out", D: "out", B: "in", P: "out", F: "out", V: "in"},  # F its assignee
}
# changing a case, flag, reply or mention: directors and board staff; the privacy
# officer reads another school's (a 403) and acts at the school they direct
MONITORING_ONLY = {
    "a": {T: "out", D: "in", B: "in", P: "out", F: "out", V: "in"},
    "b": {T: "out", D: "out", B: "in", P: "out", F: "out", V: "403"},
}
CASE_UPDATE = {  # as CASE_READ, the privacy officer reading only at another school
    "case_a": CASE_READ["case_a"],
    "case_b": {**CASE_READ["case_b"], V: "403"},
}
ALL_OUT = dict.fromkeys(PEOPLE, "out")
BOARD_ONLY = {T: "out", D: "out", B: "in", P: "out", F: "out", V: "out"}
BOARD_AND_PRIVACY = {**BOARD_ONLY, V: "in"}  # the access log (schools:access_changes)

LINES: list[tuple[str, str, dict, dict]] = []
for method, name in PUPIL_PARENT_PAGES:
    LINES += [(method, name, {"pk": obj}, reach) for obj, reach in PARENT_REACH.items()]
for name in ("consent:dossier", "consent:dossier_gezag"):
    LINES += [("GET", name, {"pk": obj}, reach) for obj, reach in DOSSIER_REACH.items()]
for method in ("GET", "POST"):
    LINES += [(method, "consent:record", {"pk": o}, r) for o, r in RECORD_REACH.items()]
for name in ("consent:group", "consent:group_appear"):
    LINES += [("GET", name, {"pk": obj}, reach) for obj, reach in GROUP_REACH.items()]
LINES += [("GET", "consent:check", {"pk": o}, r) for o, r in CHECK_REACH.items()]
LINES += [("POST", "consent:check_adjust", {"pk": o}, r) for o, r in CHECK_REACH.items()]
LINES += [("POST", "consent:takedown_done", {"pk": o}, r) for o, r in TASK_REACH.items()]
for method, name, reach in (
    ("GET", "consent:coverage", READ_SCHOOL),
    ("GET", "consent:coverage_export", READ_SCHOOL),
    ("GET", "consent:coverage_export_xlsx", READ_SCHOOL),
    ("GET", "consent:school_takedowns", READ_SCHOOL),
    ("GET", "consent:pupil_search", READ_SCHOOL),
    ("GET", "consent:remind", ACT_SCHOOL),
    ("POST", "consent:remind", ACT_SCHOOL),
    ("GET", "consent:review_round", ACT_SCHOOL),
    ("POST", "consent:review_round", ACT_SCHOOL),
    ("GET", "policy:confirmation_list", READ_SCHOOL),
    ("GET", "policy:confirmation_csv", READ_SCHOOL),
    ("GET", "policy:confirmation_xlsx", READ_SCHOOL),
    ("POST", "policy:confirmation_remind", ACT_SCHOOL),
    ("GET", "schools:staff_groups", ACT_SCHOOL),
    ("POST", "schools:staff_groups", ACT_SCHOOL),
    ("GET", "schools:school_contact", ACT_SCHOOL),
    ("POST", "schools:school_contact", ACT_SCHOOL),
    ("GET", "schools:staff_teacher_add", ACT_SCHOOL),
    ("POST", "schools:staff_teacher_add", ACT_SCHOOL),
    ("GET", "monitoring:mentions", READ_SCHOOL),
):
    LINES += [(method, name, {"code": obj}, r) for obj, r in reach.items()]
for method in ("GET", "POST"):
    LINES += [
        (
            method,
            "schools:staff_teacher_remove",
            {"code": "school_a", "pk": "membership_a"},
            ACT_SCHOOL["school_a"],
        ),
        (
            method,
            "schools:staff_teacher_remove",
            {"code": "school_b", "pk": "membership_b"},
            ACT_SCHOOL["school_b"],
        ),
        # another school's membership under one's own school's code
        (
            method,
            "schools:staff_teacher_remove",
            {"code": "school_a", "pk": "membership_b"},
            ALL_OUT,
        ),
    ]
LINES += [
    (
        "POST",
        "monitoring:mention_mark",
        {"code": "school_a", "post_pk": "post_a"},
        MONITORING_ONLY["a"],
    ),
    (
        "POST",
        "monitoring:mention_mark",
        {"code": "school_b", "post_pk": "post_b"},
        MONITORING_ONLY["b"],
    ),
    (
        "POST",
        "monitoring:mention_mark",
        {"code": "school_a", "post_pk": "post_b"},
        ALL_OUT,
    ),
]
LINES += [("GET", "monitoring:case", {"pk": o}, r) for o, r in CASE_READ.items()]
LINES += [("POST", "monitoring:case_update", {"pk": o}, r) for o, r in CASE_UPDATE.items()]
for key in ("a", "b"):
    LINES += [
        ("POST", "monitoring:reply_draft", {"pk": f"case_{key}"}, MONITORING_ONLY[key]),
        ("POST", "monitoring:flag_dismiss", {"pk": f"flag_{key}"}, MONITORING_ONLY[key]),
        ("POST", "monitoring:reply_approve", {"pk": f"reply_{key}"}, MONITORING_ONLY[key]),
        ("POST", "monitoring:reply_posted", {"pk": f"reply_{key}"}, MONITORING_ONLY[key]),
    ]
LINES += [
    ("GET", "consent:purpose_text", {"pk": "purpose"}, BOARD_ONLY),
    ("POST", "consent:purpose_text", {"pk": "purpose"}, BOARD_ONLY),
    ("POST", "monitoring:source_toggle", {"pk": "source"}, BOARD_ONLY),
    ("POST", "monitoring:watch_term_delete", {"pk": "term_a"}, BOARD_ONLY),
]
DRAFT_PAGES = [
    ("GET", "policy:draft_edit", {}),
    ("GET", "policy:draft_preview", {}),
    ("POST", "policy:draft_publish", {}),
    ("POST", "policy:draft_discard", {}),
    ("GET", "policy:section_add", {}),
    ("GET", "policy:section_edit", {"pk": "section"}),
    ("POST", "policy:section_remove", {"pk": "section"}),
    ("GET", "policy:article_add", {"pk": "section"}),
    ("GET", "policy:article_edit", {"pk": "article"}),
    ("POST", "policy:article_remove", {"pk": "article"}),
]
LINES += [(m, name, {"number": "draft", **kw}, BOARD_ONLY) for m, name, kw in DRAFT_PAGES]


# Ids and codes in the query or the form rather than the path: (method, url name, path
# arguments, what is sent (keys of `world` for ids, school_a/school_b for codes), reach)
IN_DATA = [
    # pupils ticked in the check before posting and in the photo check (board staff have
    # no photo check unless they teach or direct somewhere)
    ("POST", "consent:check_new", {}, {"pupils": ["pupil_b"]}, ACT_SCHOOL["school_b"]),
    ("POST", "consent:check_new", {}, {"pupils": ["pupil_a2"]}, RECORD_REACH["pupil_a2"]),
    ("POST", "consent:check_new", {}, {"pupils": ["pupil_a"]}, GROUP_REACH["group_a1"]),
    ("GET", "consent:check_new", {}, {"group": "group_b1"}, ACT_SCHOOL["school_b"]),
    ("GET", "consent:check_new", {}, {"group": "group_a2"}, RECORD_REACH["pupil_a2"]),
    ("POST", "photo:check", {}, {"pupils": ["pupil_b"]}, ALL_OUT),
    ("POST", "photo:check", {}, {"pupils": ["pupil_a2"]}, {**ALL_OUT, D: "in", V: "in"}),
    # a reminder's group or parent of another school under one's own school's code
    ("GET", "consent:remind", {"code": "school_a"}, {"groep": "group_b1"}, ALL_OUT),
    ("POST", "consent:remind", {"code": "school_a"}, {"groep": "group_b1"}, ALL_OUT),
    ("GET", "consent:remind", {"code": "school_a"}, {"ouder": "parent_b"}, ALL_OUT),
    ("POST", "consent:remind", {"code": "school_a"}, {"ouder": "parent_b"}, ALL_OUT),
    # ?school=<code> of reports, the manual report form, the import and the access log
    ("GET", "monitoring:report", {}, {"school": "school_a"}, READ_SCHOOL["school_a"]),
    ("GET", "monitoring:report", {}, {"school": "school_b"}, READ_SCHOOL["school_b"]),
    ("GET", "monitoring:report_csv", {}, {"school": "school_a"}, READ_SCHOOL["school_a"]),
    ("GET", "monitoring:report_csv", {}, {"school": "school_b"}, READ_SCHOOL["school_b"]),
    ("GET", "monitoring:report_post", {}, {"school": "school_a"}, GROUP_REACH["group_a1"]),
    ("GET", "monitoring:report_post", {}, {"school": "school_b"}, ACT_SCHOOL["school_b"]),
    ("POST", "monitoring:report_post", {}, {"school": "school_b"}, ACT_SCHOOL["school_b"]),
    ("GET", "schools:import_pupils", {}, {"school": "school_a"}, ACT_SCHOOL["school_a"]),
    ("GET", "schools:import_pupils", {}, {"school": "school_b"}, ACT_SCHOOL["school_b"]),
    ("POST", "schools:import_pupils", {}, {"school": "school_b"}, ACT_SCHOOL["school_b"]),
    ("GET", "schools:access_changes", {}, {"school": "school_a"}, BOARD_AND_PRIVACY),
]


def _data_value(world, key: str, value):
    if isinstance(value, list):
        return [world[item].pk for item in value]
    if key in ("school",):
        return world[value].code
    return world[value].pk


def _path_value(world, key: str, value: str):
    if key == "code":
        return world[value].code
    if key == "number":
        return world["draft"].number
    if value == "section":
        return world["draft"].sections.first().pk
    if value == "article":
        return world["draft"].sections.first().articles.first().pk
    return world[value].pk


@pytest.fixture
def draft(board):
    from policy.services import version_draft_start

    return version_draft_start(by=board)


def _answer(client, method: str, url: str, data=None) -> int:
    """The status of one request, whatever it changed rolled back: each line of the table
    starts from the same world (one world per person: 500 worlds took 12 minutes)."""
    with transaction.atomic():
        try:
            response = client.get(url, data) if method == "GET" else client.post(url, data or {})
            status = response.status_code
        except Exception:  # noqa: BLE001 - a 500, reported with the line
            status = 500
        transaction.set_rollback(True)
    return status


def _mismatch(person, method, url, expected, status) -> str | None:
    if expected == "out" and status != 404:
        return f"{person} {method} {url}: {status}, expected 404"
    if expected == "in" and (status in (403, 404, 405) or status >= 500):
        return f"{person} {method} {url}: {status}, expected the page to work"
    if expected not in ("in", "out") and status != int(expected):
        return f"{person} {method} {url}: {status}, expected {expected}"
    return None


@pytest.mark.parametrize("person", PEOPLE)
def test_it_gives_each_role_its_own_reach_only(client, world, draft, person):
    world["draft"] = draft
    client.force_login(world["people"][person])
    wrong = []
    for method, name, args, reach in LINES:
        url = reverse(name, kwargs={k: _path_value(world, k, v) for k, v in args.items()})
        wrong.append(_mismatch(person, method, url, reach[person], _answer(client, method, url)))
    for method, name, args, sent, reach in IN_DATA:
        url = reverse(name, kwargs={k: _path_value(world, k, v) for k, v in args.items()})
        data = {k: _data_value(world, k, v) for k, v in sent.items()}
        status = _answer(client, method, url, data)
        wrong.append(_mismatch(person, method, f"{url} {data}", reach[person], status))
    wrong.append(_names_out_of_reach_in_my_data(client, world, person))
    wrong = [line for line in wrong if line]
    assert not wrong, "\n".join(wrong)


def _names_out_of_reach_in_my_data(client, world, person) -> str | None:
    """The JSON file of "Mijn gegevens" names the person's own children only, whatever
    they did as staff (a check says how many pupils it held, not who)."""
    response = client.get(reverse("consent:my_data_json"))
    text = response.content.decode()
    others = [
        world[key].first_name
        for key, reach in PARENT_REACH.items()
        if reach[person] == "out" and world[key].first_name in text
    ]
    if response.status_code != 200 or others:
        return f"{person} my_data_json: {response.status_code}, names {others}"
    return None


# --- Uploads with a valid file ---------------------------------------------------------
# The photo check and the pupil import above are walked through their fields only (ticks,
# the school field): the form stops there. Here a real JPEG and a real pupil list go along,
# so the page goes on as far as the reach lets it: out of reach a 404 (or a form error),
# nothing written, and never a name of the other school's pupils or parents read back.
# (what is posted, keys of `world` for ids, {person: "in"/"out"/status})
PHOTO_UPLOADS = [
    ({"pupils": ["pupil_b"]}, ALL_OUT),
    ({"pupils": ["pupil_a"]}, {**ALL_OUT, T: "in", D: "in", V: "in"}),
    ({"pupils": ["pupil_a2"]}, {**ALL_OUT, D: "in", V: "in"}),
    # another school's check posted back as the photo's step 1 and as the check before
    # posting it belongs to: ignored, the photo stands alone (check_b is not replaced)
    (
        {"pupils": ["pupil_a2"], "check": "check_b", "from_check": "check_b"},
        {**ALL_OUT, D: "in", V: "in"},
    ),
    # ... and downloading on it: the privacy officer reads check_b but it is not theirs
    # (a form error, "check again"); for anyone else it is out of reach
    (
        {"pupils": ["pupil_a2"], "check": "check_b", "action": "download"},
        {**ALL_OUT, V: "400"},
    ),
]
# (the school posted, {person: ...}): a valid pupil list with school B's pupil number
# (Bram Visser's 2001) and parent's address, sent for school A and for school B
OTHER_SCHOOLS_ROW = ["2001", "Anna", "", "Jansen", "04-05-2018", "groep 6"]
IMPORT_UPLOADS = [
    ("school_a", ACT_SCHOOL["school_a"]),
    ("school_b", ACT_SCHOOL["school_b"]),
]
# what of school B must never come back on a page of school A (nor on a refused one)
SCHOOL_B_NAMES = ("Bram", "Visser", "Ouder B", "Zwanenhof")


def _jpeg() -> bytes:
    """A small valid JPEG (no face in it: the page still reads, checks and stores)."""
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), (180, 200, 220)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _pupil_list(world) -> bytes:
    """One pupil, 2001 Anna Jansen, whose parent is given as parent_b's address."""
    parent_b = world["parent_b"]
    row = [*OTHER_SCHOOLS_ROW, "Anna's moeder", parent_b.email, "ja", "", "", ""]
    return csv_text([row]).encode()


def _state_of_school_b(world) -> list:
    """Everything an upload could change of school B: its pupils and their parents' links."""
    school_b = world["school_b"]
    pupils = Pupil.objects.filter(school=school_b).order_by("pk")
    links = Guardianship.objects.filter(pupil__school=school_b).order_by("pk")
    return [
        list(pupils.values_list("pk", "first_name", "last_name", "group_id", "left_on")),
        list(links.values_list("pk", "user_id", "pupil_id", "has_parental_authority")),
        list(PublicationCheck.objects.filter(school=school_b).values_list("pk", flat=True)),
    ]


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _upload(client, world, person, url, data, expected, stored) -> list[str]:
    """One upload, rolled back as _answer's, and what went wrong with it. `stored(before)`
    says what an upload in reach should have written (None: it did), from the row
    counts before it."""
    wrong: list[str | None] = []
    reads_b = ACT_SCHOOL["school_b"][person] == "in"  # board staff: school B is theirs too
    with transaction.atomic():
        before, school_b = _counts(), _state_of_school_b(world)
        response = client.post(url, data)
        status, page = response.status_code, html_of(response)
        mismatch = _mismatch(person, "POST", f"{url} {sorted(data)}", expected, status)
        if expected == "in" and status == 200:
            wrong.append(stored(before))
        elif _counts() != before:
            wrong.append("but something was written")
        if not reads_b and _state_of_school_b(world) != school_b:
            wrong.append("school B's pupils, parents or checks changed")
        if not reads_b and (names := [n for n in SCHOOL_B_NAMES if n in page]):
            wrong.append(f"the page names {names}")
        if "Content-Disposition" in response:
            wrong.append(f"handed out {response['Content-Disposition']}")
        transaction.set_rollback(True)
    head = f"{person} POST {url} {sorted(data)}: {status}"
    lines = [f"{head}, {line}" for line in wrong if line]
    return [mismatch, *lines] if mismatch else lines


def _photo_stored(world, person):
    """The photo's check, made by the person at school A and replacing nothing (not
    another school's check posted back)."""

    def stored(before) -> str | None:
        new = PublicationCheck.objects.count() - before[PublicationCheck._meta.label]
        check = PublicationCheck.objects.latest("pk")
        if new != 1 or check.checked_by != world["people"][person]:
            return f"{new} checks stored, the last by {check.checked_by}"
        if check.school != world["school_a"] or check.replaces_id is not None:
            return f"the check is of {check.school}, replacing {check.replaces_id}"
        return None

    return stored


def _import_stored(world, school):
    def stored(before) -> str | None:
        imported = Pupil.objects.filter(school=world[school], leerlingnummer="2001")
        if not imported.filter(first_name="Anna").exists():
            return f"no pupil 2001 Anna at {school}"
        return None

    return stored


@pytest.mark.parametrize("person", PEOPLE)
def test_it_keeps_uploads_with_a_valid_file_in_reach(client, world, person):
    client.force_login(world["people"][person])
    client.get(reverse("consent:my_data"))  # the session written before the counts
    photo, wrong = _jpeg(), []
    url = reverse("photo:check")
    for sent, reach in PHOTO_UPLOADS:
        data = {
            "photo": SimpleUploadedFile("IMG_0042.JPG", photo, content_type="image/jpeg"),
            "channel": world["purpose"].pk,
            "action": "preview",
            "photo_key": photo_key(photo),  # as the page posts it back after step 1
        }
        data.update({k: _data_value(world, k, v) if k != "action" else v for k, v in sent.items()})
        wrong += _upload(
            client, world, person, url, data, reach[person], _photo_stored(world, person)
        )
    url = reverse("schools:import_pupils")
    for school, reach in IMPORT_UPLOADS:
        data = {
            "school": world[school].code,
            "file": SimpleUploadedFile("leerlingen.csv", _pupil_list(world), "text/csv"),
        }
        wrong += _upload(
            client, world, person, url, data, reach[person], _import_stored(world, school)
        )
    assert not wrong, "\n".join(wrong)


def test_it_audits_every_url_pattern_that_takes_an_id_or_a_code():
    audited = {name for _method, name, _args, _reach in LINES}
    assert _with_object_in_path() - NOT_AUDITED == audited


def test_it_keeps_the_world_as_described(world):
    """The cast is who the table says: the former teacher's membership ended, their
    takedown and case went to the school's director; the privacy officer directs A."""
    former = world["people"]["former_teacher"]
    assert not former.memberships.exists()
    assert world["task_b"].assigned_to != former
    world["case_b"].refresh_from_db()
    assert world["case_b"].assigned_to != former
    assert PublicationCheck.objects.filter(checked_by=former).exists()
    privacy = world["people"]["privacy_director_a"].memberships.values_list("role", "school")
    assert set(privacy) == {(Role.PRIVACY_OFFICER, None), (Role.DIRECTOR, world["school_a"].pk)}


def test_it_ends_the_reach_of_a_signed_in_teacher_at_the_next_request(client, world, director_b):
    """The former teacher above, while still signed in: their reach is read from the cache
    (accounts.user_cache) until the membership ends, and not a request longer."""
    teacher_b = StaffMembership.objects.get(user__email="meester.b@example.org").user
    client.force_login(teacher_b)
    pages = [
        reverse("consent:group", args=[world["group_b1"].pk]),
        reverse("consent:group_appear", args=[world["group_b1"].pk]),
    ]
    assert [client.get(url).status_code for url in pages] == [200, 200]  # the cache is warm
    assert teacher_remove(membership=teacher_b.memberships.get(), by=director_b)
    assert [client.get(url).status_code for url in pages] == [404, 404]
