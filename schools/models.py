import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opo_portal.fields import validate_email_address


class School(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_("Other names, hashtags and handles people use for this school."),
    )
    # Chosen by the school (a director or the board), never taken from a staff account: a
    # parent's reply would otherwise land in someone's private mailbox.
    contact_email = models.EmailField(
        _("contact address for parents"),
        blank=True,
        help_text=_(
            "Replies to the portal's e-mails about this school go here, for example "
            "info@school.nl. Empty: replies are not read, and the e-mails say so."
        ),
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]
        # Board pages list schools by name, a page at a time: read in order from the
        # index, not sorted from all 6,000 (1.5 -> 0.05 ms at national size, bench/web).
        indexes = [
            models.Index(fields=["name"], name="school_name"),
            # The board home's schools without a contact address, by name: a read of a
            # page of them, not of all 6,000 schools (accounts.board.schools_without_contact).
            models.Index(
                "name", "id", name="school_without_contact", condition=models.Q(contact_email="")
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def reply_to(self) -> str:
        """The Reply-To of e-mails about this school: the address it chose, or "" (none
        chosen, or one written past the form that it would refuse, a direction control too:
        a reply then goes nowhere, and the e-mail says so, rather than the e-mail failing on
        every try)."""
        address = self.contact_email.strip()
        try:
            validate_email_address(address)
        except ValidationError:
            return ""
        return address


class Group(models.Model):
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="groups", verbose_name=_("school")
    )
    name = models.CharField(_("name"), max_length=50)
    school_year = models.CharField(_("school year"), max_length=9, help_text="2026-2027")
    # Not a field: whether the requesting user reaches the group's pupils, set by the reads
    # of schools.access that list groups (a teacher only this school year's).
    pupils_in_reach: bool

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["school__name", "-school_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "name"], name="unique_group_per_school_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year})"

    def clean(self) -> None:
        """A group with pupils or teachers stays at its school: reach follows groups
        (schools.access), and moving one would take its pupils into another school's
        reach while they stay at their own."""
        super().clean()
        if not is_school_year(self.school_year):
            raise ValidationError({"school_year": SCHOOL_YEAR_FORMAT})
        if self.pk is None:
            return
        others = self.pupils.exclude(school_id=self.school_id).exists()
        others = others or self.teachers.exclude(school_id=self.school_id).exists()
        if others:
            raise ValidationError({"school": GROUP_STAYS})


def is_school_year(text: str) -> bool:
    """ "2026-2027": pages compare school years as text, and name an export's sheet after
    one ("2026/2027" is no name Excel allows)."""
    match = re.fullmatch(r"(\d{4})-(\d{4})", text or "")
    return match is not None and int(match[2]) == int(match[1]) + 1


SCHOOL_YEAR_FORMAT = _(
    "Write the school year as two consecutive years with a hyphen, such as 2026-2027."
)
GROUP_STAYS = _(
    "This group has pupils or teachers of another school; a group stays at its own school."
)


# The retention task (schools.services.pupils_erase_left) replaces the pupil number with
# this prefix and the pupil's id; no import ever produces such a number.
ERASED_PREFIX = "erased-"


class PupilQuerySet(models.QuerySet["Pupil"]):
    def current(self) -> "PupilQuerySet":
        return self.filter(left_on__isnull=True)


class Pupil(models.Model):
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="pupils", verbose_name=_("school")
    )
    leerlingnummer = models.CharField(_("pupil number"), max_length=30)
    first_name = models.CharField(_("first name"), max_length=100)
    name_prefix = models.CharField(_("surname prefix"), max_length=30, blank=True)
    last_name = models.CharField(_("surname"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pupils",
        verbose_name=_("group"),
    )
    left_on = models.DateField(_("left school on"), null=True, blank=True)
    not_in_picture = models.BooleanField(
        _("never in picture (safeguarding)"),
        default=False,
        help_text=_("Overrides every consent. The reason is never shown to teachers."),
    )

    objects = PupilQuerySet.as_manager()

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["first_name", "last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "leerlingnummer"], name="unique_pupil_number_per_school"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.name_prefix, self.last_name) if p)

    def clean(self) -> None:
        """The group is one of the pupil's own school: a teacher reaches the pupils of the
        groups they teach (schools.access), whatever school a pupil is of."""
        super().clean()
        group = self.group if self.group_id and self.school_id else None
        if group is not None and group.school_id != self.school_id:
            message = _("Choose a group of %(school)s, the school of this pupil.")
            raise ValidationError({"group": message % {"school": self.school.name}})

    @property
    def own_group(self) -> "Group | None":
        """The group as reach counts it: None for a group of another school (a row stored
        past `clean`, which `manage.py check_reach_data` lists). Staff pages name this
        one, never a class that is not the pupil's (schools.access)."""
        group = self.group
        return group if group is not None and group.school_id == self.school_id else None

    def staff_label(self, school_name: str = "") -> str:
        """The pupil as staff lists pick them: name, group as reach counts it and, for
        someone whose pupils are of several schools, the school (two "groep 5" are two
        classes, and a check takes pupils of one school)."""
        where = [part for part in (getattr(self.own_group, "name", ""), school_name) if part]
        return f"{self.full_name} ({', '.join(where)})" if where else self.full_name

    @property
    def is_erased(self) -> bool:
        """Erased by the retention task; the row stays as the anchor of the consent events."""
        return self.leerlingnummer.startswith(ERASED_PREFIX)


class Guardianship(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guardianships",
        verbose_name=_("user"),
    )
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="guardianships", verbose_name=_("pupil")
    )
    has_parental_authority = models.BooleanField(_("has parental authority (gezag)"))

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(fields=["user", "pupil"], name="unique_guardian_per_pupil")
        ]
        indexes = [
            # The gezag-holders of a school's pupils (consent rules, homes, coverage), read
            # from the index alone: without it PostgreSQL scanned every guardianship of a
            # large foundation for one school (27 ms at 100,000 pupils; 0.4 ms with it).
            models.Index(
                fields=["pupil", "user"],
                condition=models.Q(has_parental_authority=True),
                name="guardianship_gezag_pupil",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.pupil_id}"


class StaffMembership(models.Model):
    class Role(models.TextChoices):
        TEACHER = "teacher", _("teacher")
        DIRECTOR = "director", _("director")
        BOARD = "board", _("board staff")
        PRIVACY_OFFICER = "privacy_officer", _("privacy officer")

    SCHOOL_ROLES = (Role.TEACHER, Role.DIRECTOR)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("Required for teachers and directors; board and privacy officer see all."),
        verbose_name=_("school"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    groups = models.ManyToManyField(
        Group, blank=True, related_name="teachers", verbose_name=_("groups taught")
    )

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["teacher", "director"]) | Q(school__isnull=False),
                name="school_roles_have_a_school",
            ),
            models.UniqueConstraint(
                fields=["user", "school", "role"], name="unique_membership_per_role"
            ),
        ]
        # "Schools without a director" (the board home) reads the directors' schools, and
        # whose account each is (to ask whether it was deactivated), from this index alone,
        # not from every membership (2 × 5 ms at national size): 2.6 -> 2.3 ms at 6,000.
        indexes = [
            models.Index(
                fields=["school", "user"],
                condition=Q(role="director"),
                name="membership_director_user",
            ),
            # The board's and privacy officers' memberships (the board's protocol
            # confirmations): a handful among every school's staff, read here instead of
            # from all of them (6.6 ms at national size).
            models.Index(
                fields=["user"],
                condition=Q(role__in=["board", "privacy_officer"]),
                name="membership_foundation_staff",
            ),
        ]

    def __str__(self) -> str:
        where = self.school.name if self.school is not None else _("all schools")
        return f"{self.user} · {self.get_role_display()} · {where}"

    @classmethod
    def from_db(cls, db, field_names, values):
        membership = super().from_db(db, field_names, values)
        membership._loaded_user_id = membership.__dict__.get("user_id")  # type: ignore[attr-defined]  # read with getattr
        return membership

    def people_concerned(self) -> set[int]:
        """Its user, and the user it was read with when the admin gave it to someone else:
        the one it was taken from has left that school too (consent and monitoring hand
        over what they leave)."""
        loaded = getattr(self, "_loaded_user_id", None)
        return {pk for pk in (self.user_id, loaded) if pk is not None}


class Via(models.TextChoices):
    """How a change of who reaches pupil data was made."""

    PAGE = "page", _("on the portal's page")
    ADMIN = "admin", _("in the management site (admin)")
    IMPORT = "import", _("by the pupil import")
    RETENTION = "retention", _("by the retention task (pupil erased)")
    ACCOUNT_DELETED = "account_deleted", _("with the account, deleted in the admin")
    DEMO = "demo", _("by the demo data")


class MembershipChange(models.Model):
    """A staff membership begun or ended, or a group a teacher teaches given or ended
    (which pupils they reach), as it was: who (names copied, so an account deleted later
    is still named), which school and role, which group (name and school year copied, so
    a group deleted later is still named), when, by whom and how. Written in the
    transaction of the change by schools.accesslog; never changed afterwards."""

    class Change(models.TextChoices):
        ADDED = "added", _("added")
        ENDED = "ended", _("ended")
        GROUP_ADDED = "group_added", _("group added")
        GROUP_ENDED = "group_ended", _("group ended")

    GROUP_CHANGES = (Change.GROUP_ADDED, Change.GROUP_ENDED)

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    change = models.CharField(_("what changed"), max_length=20, choices=Change.choices)
    membership_id = models.IntegerField(_("membership id"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    person_name = models.CharField(_("name"), max_length=200, blank=True)
    person_email = models.CharField(_("e-mail address"), max_length=254)
    role = models.CharField(_("role"), max_length=20, choices=StaffMembership.Role.choices)
    # None with an empty name: a role of every school (board staff, privacy officer)
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("school")
    )
    school_name = models.CharField(_("school name"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    by_name = models.CharField(_("by"), max_length=254, blank=True)
    via = models.CharField(_("how"), max_length=20, choices=Via.choices)
    # a group's change only (GROUP_CHANGES); not a key: the group may be deleted later
    group_id = models.IntegerField(_("group id"), null=True, blank=True)
    group_name = models.CharField(_("group"), max_length=50, blank=True)
    school_year = models.CharField(_("school year"), max_length=9, blank=True)

    class Meta:
        verbose_name = _("staff membership change")
        verbose_name_plural = _("staff membership changes")
        indexes = [
            # a school's changes, newest first, a page at a time
            models.Index(fields=["school", "-at", "-id"], name="membership_change_school"),
            # a membership's end, to name a teacher removed already (removed_teacher_name)
            models.Index(fields=["membership_id"], name="membership_change_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.person_email} · {self.get_role_display()} · {self.get_change_display()}"


class GezagChange(models.Model):
    """A parent linked to or unlinked from a pupil, or their gezag given or ended: which
    parent (name copied), when, by whom and how. Written in the transaction of the change
    by schools.accesslog; never changed afterwards."""

    class Change(models.TextChoices):
        LINKED_GEZAG = "linked_gezag", _("linked with parental authority (gezag)")
        LINKED = "linked", _("linked without parental authority (gezag)")
        GEZAG_GIVEN = "gezag_given", _("parental authority (gezag) given")
        GEZAG_ENDED = "gezag_ended", _("parental authority (gezag) ended, still linked")
        UNLINKED_GEZAG = "unlinked_gezag", _("link with parental authority (gezag) ended")
        UNLINKED = "unlinked", _("link without parental authority (gezag) ended")

    at = models.DateTimeField(_("when"), auto_now_add=True)
    change = models.CharField(_("what changed"), max_length=20, choices=Change.choices)
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="gezag_changes", verbose_name=_("pupil")
    )
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("parent"),
    )
    guardian_name = models.CharField(_("name"), max_length=200, blank=True)
    guardian_email = models.CharField(_("e-mail address"), max_length=254)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    by_name = models.CharField(_("by"), max_length=254, blank=True)
    via = models.CharField(_("how"), max_length=20, choices=Via.choices)

    class Meta:
        verbose_name = _("gezag change")
        verbose_name_plural = _("gezag changes")
        indexes = [models.Index(fields=["pupil", "-at", "-id"], name="gezag_change_pupil")]

    def __str__(self) -> str:  # the pupil by id only, as Guardianship's
        return f"{self.guardian_email} → {self.pupil_id} · {self.get_change_display()}"
