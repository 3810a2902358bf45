from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from schools import accesslog
from schools.admin import RecordsWhatDeleteEnds
from schools.models import Guardianship, MembershipChange, StaffMembership, Via


class OneAccountPerAddress:
    """An address is stored in small letters (as UserManager and the pupil import store it)
    and belongs to one account whatever its capitals: the unique index compares capitals,
    and a second account for a parent's address would split their children between two
    logins (the import links them to either)."""

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                _("Another account already uses this e-mail address."), code="unique"
            )
        return email


class UserAddForm(OneAccountPerAddress, AdminUserCreationForm):
    pass


class UserEditForm(OneAccountPerAddress, UserChangeForm):
    pass


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
