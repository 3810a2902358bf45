from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opo_portal.fields import validate_email_address


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address; there are no usernames."""

    # the forms' check (direction controls, an IP address or a name without a dot for a
    # domain) also for what takes the model's: `createsuperuser`, full_clean
    email = models.EmailField(_("e-mail address"), unique=True, validators=[validate_email_address])
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    is_staff = models.BooleanField(
        _("admin access"),
        default=False,
        help_text=_("Can log in to the Django admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    language = models.CharField(
        _("language of e-mails"),
        max_length=8,
        blank=True,
        default="",
        db_default="",  # rows written with SQL (bench/web/generate.py) never chose either
        help_text=_("Chosen with the language switch; empty: Dutch, the portal's default."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    # set by from_db (None: is_active was not read); no attribute on a new instance
    _loaded_active: bool | None

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        indexes = [
            # The few deactivated accounts: the board's confirmation counts ask of each
            # staff member only "not deactivated?", a probe of this small index instead of
            # a read of the user's row (policy.selectors.CONFIRMATION_COUNTS_SQL).
            models.Index(fields=["id"], condition=Q(is_active=False), name="inactive_user"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        # as loaded: a save that activates the account again is told apart without reading
        # the row once more (activated_again)
        user._loaded_active = user.__dict__.get("is_active")
        return user

    def activated_again(self) -> bool:
        """Whether this active account was loaded deactivated (the admin switched it on).
        True for every post_save receiver of that save (consent's and monitoring's alike,
        whatever their order); `save` then takes the saved state as loaded."""
        return self.is_active and self.__dict__.get("_loaded_active") is False

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if "_loaded_active" in self.__dict__:  # a second save of this instance is no news
            self._loaded_active = self.is_active

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_session_auth_hash(self) -> str:
        # A user from accounts.user_cache carries this HMAC instead of its password hash;
        # once the password is read or set, it is computed from the password again.
        cached = self.__dict__.get("_opo_session_auth_hash")
        if cached is not None and "password" not in self.__dict__:
            return cached
        return super().get_session_auth_hash()

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class SchoolCounts(models.Model):
    """One school's line on the board's home page as last counted: pupils, pupils with
    unanswered questions, pupils whose parents disagree, staff who have not confirmed the
    protocol. For a large foundation the board's page reads these instead of replaying the
    consent rules for every pupil on every request (`accounts.board`, README "Board home").

    `changes` goes up after every committed write that changes what is counted (signals in
    `accounts.signals`); the school is counted again when it is above `counted_changes`,
    and in any case within `settings.BOARD_COUNTS_CYCLE_SECONDS`."""

    school = models.OneToOneField(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="board_counts",
        verbose_name=_("school"),
    )
    pupils = models.PositiveIntegerField(_("pupils"), default=0)
    waiting_pupils = models.PositiveIntegerField(_("waiting pupils"), default=0)
    conflicts = models.PositiveIntegerField(_("conflicts"), default=0)
    protocol_missing = models.PositiveIntegerField(_("protocol missing"), default=0)
    changes = models.PositiveBigIntegerField(_("changes"), default=0)
    counted_changes = models.PositiveBigIntegerField(_("counted changes"), default=0)
    counted_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("school counts")
        verbose_name_plural = _("school counts")
        indexes = [
            # the changed schools, read on every view of the board's home
            models.Index(
                fields=["school"],
                condition=Q(changes__gt=F("counted_changes")),
                name="schoolcounts_changed",
            )
        ]

    def __str__(self) -> str:
        counted = timezone.localtime(self.counted_at, timezone.get_default_timezone())
        return f"counts of school {self.school_id} at {counted:%Y-%m-%d %H:%M}"
