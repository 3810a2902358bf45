"""Demo data: three fictional schools with groups, pupils, parents and one login per role.

Every name here is made up. Pupils and parents go through the pupil import itself (one
generated CSV file per school), so the demo also shows the import at work and is
idempotent for the same reason an import is: a second run changes nothing.
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from schools import accesslog
from schools.importer import COLUMNS, pupils_import, school_year_for
from schools.models import Group, School, StaffMembership, Via

Role = StaffMembership.Role

DEMO_PASSWORD = "demo-wachtwoord-2026"  # noqa: S105 - published in the README on purpose
DEMO_DOMAIN = "demo.opo.example"

SCHOOLS = [
    ("vlindertuin", "OBS De Vlindertuin", ["De Vlindertuin", "Vlindertuin Exloo", "#vlindertuin"]),
    ("zwanenhof", "OBS Het Zwanenhof", ["Het Zwanenhof", "Zwanenhof Borger", "#zwanenhof"]),
    ("esdoorn", "OBS De Esdoorn", ["De Esdoorn", "Esdoorn Nieuw-Buinen", "esdoornschool"]),
]
# The address parents' replies go to: one demo school has one, the others show the e-mails
# that say replies are not read.
CONTACT_EMAIL = {"vlindertuin": "info@vlindertuin.example"}
NUMBER_PREFIX = {"vlindertuin": "VT", "zwanenhof": "ZH", "esdoorn": "ED"}
# (group name, age of its pupils on 1 August)
GROUPS = [("groep 1/2a", 4), ("groep 3", 6), ("groep 5", 8), ("groep 7", 10)]
PUPILS_PER_GROUP = 8
TEACHER_GROUP = ("vlindertuin", "groep 5")

FIRST_NAMES = [
    "Sem", "Emma", "Daan", "Julia", "Lucas", "Mila", "Levi", "Tess", "Finn", "Sophie",
    "Noah", "Zoë", "Milan", "Sara", "Bram", "Noor", "Thijs", "Lotte", "Jesse", "Fenna",
    "Ruben", "Isa", "Gijs", "Anna", "Siem", "Roos", "Mees", "Evi", "Luuk", "Jente",
]  # fmt: skip
PARENT_NAMES = [
    "Anouk", "Martijn", "Sanne", "Jeroen", "Ilse", "Bas", "Femke", "Wouter", "Marloes",
    "Niels", "Esther", "Rik", "Janneke", "Erik", "Linda", "Koen", "Hester", "Joost",
]  # fmt: skip
# (tussenvoegsel, achternaam)
SURNAMES = [
    ("", "Hofstede"), ("de", "Boer"), ("", "Mulder"), ("van der", "Veen"), ("", "Bakker"),
    ("", "Smit"), ("de", "Vries"), ("", "Kuiper"), ("van", "Dijk"), ("", "Lanting"),
    ("", "Oosting"), ("ter", "Horst"), ("", "Wolters"), ("", "Zwiers"), ("", "Hilbrands"),
    ("", "Brouwer"), ("van", "Dam"), ("", "Koops"), ("", "Drenth"), ("", "Schuiling"),
]  # fmt: skip


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    full_name: str
    note: "StrOrPromise"  # translatable
    label: "StrOrPromise"  # the role as load_demo prints it, translatable


PARENT = DemoLogin(
    "parent", f"ouder@{DEMO_DOMAIN}", "Linda Veenstra", "", pgettext_lazy("demo login", "parent")
)
STAFF_NOTE = _("sets up a login code app at first login")
LOGINS = [
    PARENT,
    DemoLogin(
        "teacher", f"leerkracht@{DEMO_DOMAIN}", "Anouk Smit", STAFF_NOTE,
        StaffMembership.Role.TEACHER.label,
    ),
    DemoLogin(
        "director", f"directeur@{DEMO_DOMAIN}", "Harm Kuiper", STAFF_NOTE,
        StaffMembership.Role.DIRECTOR.label,
    ),
    DemoLogin(
        "board", f"bestuur@{DEMO_DOMAIN}", "Ingrid Bos", STAFF_NOTE,
        StaffMembership.Role.BOARD.label,
    ),
    DemoLogin(
        "privacy officer", f"privacy@{DEMO_DOMAIN}", "Pieter Wolters", STAFF_NOTE,
        StaffMembership.Role.PRIVACY_OFFICER.label,
    ),
    DemoLogin(
        "admin", f"admin@{DEMO_DOMAIN}", "Beheerder Demo", STAFF_NOTE,
        pgettext_lazy("demo login", "admin"),
    ),
]  # fmt: skip


def _birth_date(start_year: int, age: int, index: int) -> datetime.date:
    # Born between 1 October and 31 July, so the age on 1 August matches the group.
    month = [10, 11, 12, 1, 2, 3, 4, 5, 6, 7][index % 10]
    year = start_year - age - (1 if month >= 10 else 0)
    return datetime.date(year, month, 1 + (index * 3) % 28)


def _pupil_rows(code: str, start_year: int) -> list[dict[str, str]]:
    """The import rows of one school, parents included, in the importer's columns."""
    rows = []
    offset = [c for c, _name, _aliases in SCHOOLS].index(code) * 7
    for group_index, (group, age) in enumerate(GROUPS):
        for i in range(PUPILS_PER_GROUP):
            n = group_index * PUPILS_PER_GROUP + i
            number = f"{NUMBER_PREFIX[code]}{n + 1:03d}"
            prefix, surname = SURNAMES[(n + offset) % len(SURNAMES)]
            family = f"{prefix} {surname}".strip()
            parent = PARENT_NAMES[(n + offset) % len(PARENT_NAMES)]
            row = {
                "leerlingnummer": number,
                "voornaam": FIRST_NAMES[(n * 7 + offset) % len(FIRST_NAMES)],
                "tussenvoegsel": prefix,
                "achternaam": surname,
                "geboortedatum": _birth_date(start_year, age, n).strftime("%d-%m-%Y"),
                "groep": group,
                "ouder1_naam": f"{parent} {family}",
                "ouder1_email": f"ouder.{number.lower()}@{DEMO_DOMAIN}",
                "ouder1_gezag": "ja",
            }
            if n % 3 == 0:  # two parents with gezag
                other = PARENT_NAMES[(n + offset + 5) % len(PARENT_NAMES)]
                row |= {
                    "ouder2_naam": f"{other} {family}",
                    "ouder2_email": f"ouder2.{number.lower()}@{DEMO_DOMAIN}",
                    "ouder2_gezag": "ja",
                }
            if n == 4:  # a parent without gezag
                row |= {
                    "ouder2_naam": f"Kees {family}",
                    "ouder2_email": f"ouder2.{number.lower()}@{DEMO_DOMAIN}",
                    "ouder2_gezag": "nee",
                }
            rows.append(row)
    if code == TEACHER_GROUP[0]:
        _make_demo_parent_family(rows)
    return rows


def _make_demo_parent_family(rows: list[dict[str, str]]) -> None:
    """The demo parent: two children, one in the demo teacher's group, one with a
    second gezag parent."""
    in_teacher_group = next(r for r in rows if r["groep"] == TEACHER_GROUP[1])
    in_groep_7 = next(r for r in rows if r["groep"] == "groep 7")
    for row in (in_teacher_group, in_groep_7):
        row |= {
            "tussenvoegsel": "",
            "achternaam": "Veenstra",
            "ouder1_naam": PARENT.full_name,
            "ouder1_email": PARENT.email,
            "ouder1_gezag": "ja",
            "ouder2_naam": "",
            "ouder2_email": "",
            "ouder2_gezag": "",
        }
    in_groep_7 |= {
        "ouder2_naam": "Gert Veenstra",
        "ouder2_email": f"gert.veenstra@{DEMO_DOMAIN}",
        "ouder2_gezag": "ja",
    }


def _csv(rows: list[dict[str, str]]) -> str:
    lines = [";".join(COLUMNS)]
    lines += [";".join(row.get(column, "") for column in COLUMNS) for row in rows]
    return "\n".join(lines) + "\n"


def _account(login: DemoLogin) -> User:
    user = User.objects.filter(email=login.email).first()
    if user is None:
        create = (
            User.objects.create_superuser if login.role == "admin" else User.objects.create_user
        )
        user = create(email=login.email, password=DEMO_PASSWORD, full_name=login.full_name)
    elif not user.has_usable_password():
        # The demo parent came in through the import, without a password.
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=login.email, defaults={"verified": True, "primary": True}
    )
    return user


def _membership(user: User, role: str, school: School | None = None) -> StaffMembership:
    """The demo role, created (and recorded for the privacy officer: schools.accesslog)
    or left as it is."""
    membership, created = StaffMembership.objects.get_or_create(user=user, role=role, school=school)
    if created:
        accesslog.membership_added(membership, by=None, via=Via.DEMO)
    return membership


def _teach(membership: StaffMembership, group: Group) -> None:
    if not membership.groups.filter(pk=group.pk).exists():
        membership.groups.add(group)
        accesslog.teaching_changes_record(added=[(membership, group)], by=None, via=Via.DEMO)


def _school(code: str, name: str, aliases: list[str]) -> School:
    """The demo school, created or left as it is; a contact address only where it has none
    (a database loaded before the demo had one, or a director's own address, is kept)."""
    contact = CONTACT_EMAIL.get(code, "")
    school, _created = School.objects.get_or_create(
        code=code, defaults={"name": name, "aliases": aliases, "contact_email": contact}
    )
    if contact and not school.contact_email:
        school.contact_email = contact
        school.save(update_fields=["contact_email"])
    return school


def demo_load(*, today: datetime.date | None = None) -> list[DemoLogin]:
    """Create (or leave as they are) the demo schools, pupils and logins; then run every
    loader of settings.PORTAL_DEMO_LOADERS with the same `today`, so all demo data is
    dated relative to the day it is loaded for. Returns the logins to print."""
    today = today or timezone.localdate()
    school_year = school_year_for(today)
    start_year = int(school_year[:4])
    with transaction.atomic():
        schools = {}
        for code, name, aliases in SCHOOLS:
            schools[code] = _school(code, name, aliases)
            report = pupils_import(
                school=schools[code], text=_csv(_pupil_rows(code, start_year)), today=today
            )
            if report.errors:
                raise RuntimeError(f"demo data for {code} does not import: {report.errors}")
        _parent, teacher, director, board, privacy, _admin = (_account(x) for x in LOGINS)
        vlindertuin = schools[TEACHER_GROUP[0]]
        group = Group.objects.get(
            school=vlindertuin, school_year=school_year, name=TEACHER_GROUP[1]
        )
        _teach(_membership(teacher, Role.TEACHER, vlindertuin), group)
        _membership(director, Role.DIRECTOR, vlindertuin)
        _membership(board, Role.BOARD)
        _membership(privacy, Role.PRIVACY_OFFICER)
    for path in settings.PORTAL_DEMO_LOADERS:
        import_string(path)(today=today)
    return LOGINS
