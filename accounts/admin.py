from allauth.account.adapter import get_adapter
from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.forms import ADDRESS_TAKEN, used_by_another_account
from accounts.models import User
from opo_portal.fields import EmailAddressField, NameField
from schools import accesslog
from schools.admin import RecordsWhatDeleteEnds
from schools.models import Guardianship, MembershipChange, StaffMembership, Via


def addresses_follow_account(request, user, old_email: str) -> None:
    """allauth logs in by its own address rows (EmailAddress), which a change of
    `User.email` in the admin left alone: the old address still logged in, the new one was
    first sent through an address check, and "Mijn account" and the security notices kept
    the old one. The admin's address becomes the account's one confirmed main address
    (the administrator vouches for it), the others go, and the notice that the address
    changed goes to the new and the old address (the owner of the old one should know)."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=user.email,
        defaults={"email": user.email, "primary": True, "verified": True},
    )
    get_adapter(request).send_notification_mail(
        "account/email/email_changed",
        user,
        {"from_email": old_email, "to_email": user.email, "deleted_email": old_email},
    )


class OneAccountPerAddress:
    """An address is stored in small letters (as UserManager and the pupil import store it)
    and belongs to one account whatever its capitals: the unique index compares capitals,
    and a second account for a parent's address would split their children between two
    logins (the import links them to either)."""

    cleaned_data: dict  # of the ModelForm it is mixed into
    instance: User

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if used_by_another_account(email, self.instance.pk):
            raise ValidationError(ADDRESS_TAKEN, code="unique")
        return email


class UserAddForm(OneAccountPerAddress, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ["email"]
        field_classes = {"email": EmailAddressField}  # no direction controls


class UserEditForm(OneAccountPerAddress, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"  # noqa: DJ007 - the admin's own list of fields decides
        # a typed name and address (opo_portal.text, opo_portal.fields)
        field_classes = {"full_name": NameField, "email": EmailAddressField}


@admin.register(User)
class UserAdmin(RecordsWhatDeleteEnds, BaseUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["full_name"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    # An account deleted here takes its memberships and links to pupils with it: each is
    # recorded as ended for the privacy officer (schools.accesslog) before it goes.

    def record_ended(self, ids: list[int], *, by) -> None:
        _record_accounts_ended(ids, by=by)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        old_email = form.initial.get("email") if change else None
        super().save_model(request, obj, form, change)
        if old_email and old_email.lower() != obj.email.lower():
            addresses_follow_account(request, obj, old_email)


class EmailAddressForm(forms.ModelForm):
    """An address row logs in and receives password resets: one account per address, as
    the user form keeps it (OneAccountPerAddress) and "Mijn account" (AddEmailForm). A row
    giving an account the address another account logs in with or has added, whatever its
    capitals, confirmed or not, is refused; also a row moved to another account while its
    owner still logs in with it. allauth's `EmailAddress.clean` stores it in small letters."""

    class Meta:
        model = EmailAddress
        fields = "__all__"  # noqa: DJ007 - the admin's own list of fields decides
        field_classes = {"email": EmailAddressField}  # no direction controls

    def clean(self):
        cleaned_data = super().clean() or self.cleaned_data
        email, user = cleaned_data.get("email"), cleaned_data.get("user")
        if (
            email
            and user
            and used_by_another_account(email, user.pk, address_row_pk=self.instance.pk)
        ):
            self.add_error("email", ValidationError(ADDRESS_TAKEN, code="unique"))
        return cleaned_data


# allauth's address rows: each logs in, and becomes the account's address when made the
# main one, so a typed one is refused with a direction control as the account's own is.
# (Importing allauth's admin registered its own; this one takes its place.)
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AllauthEmailAddressAdmin):
    form = EmailAddressForm


def _record_accounts_ended(user_ids: list[int], *, by) -> None:
    memberships = StaffMembership.objects.filter(user_id__in=user_ids)
    accesslog.memberships_record(
        memberships.select_related("user", "school"),
        MembershipChange.Change.ENDED,
        by=by,
        via=Via.ACCOUNT_DELETED,
    )
    links = Guardianship.objects.filter(user_id__in=user_ids)
    pupils = set(links.values_list("pupil_id", flat=True))
    before = accesslog.gezag_state(pupils)
    after = {key: gezag for key, gezag in before.items() if key[1] not in user_ids}
    accesslog.gezag_changes_record(before, after, by=by, via=Via.ACCOUNT_DELETED)
