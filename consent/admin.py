from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consent.models import (
    CheckedPupil,
    ConsentEvent,
    PublicationCheck,
    Purpose,
    PurposeVersion,
    ReminderOptOut,
    ReviewRound,
    TakedownTask,
)
from consent.services import pupil_safeguarding_set
from opo_portal.fields import NameField
from schools.admin import PupilAdmin as SchoolsPupilAdmin
from schools.models import Pupil


class ReadOnlyAdmin(admin.ModelAdmin):
    """Evidence is looked at in the admin, never edited there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PurposeVersionInline(admin.TabularInline):
    model = PurposeVersion
    extra = 0
    readonly_fields = ("number", "kind", "published_at", "text")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


ACTIVE_HELP = _(
    "Switched off, a channel is no longer used for new posts: teachers cannot choose it "
    "in a check and parents cannot give a new yes. What was published on it stays up; "
    "parents who said yes still see it on their child's page and can withdraw, which "
    "creates a takedown task as on any channel."
)


class PurposeAdminForm(forms.ModelForm):
    class Meta:
        model = Purpose
        fields = "__all__"  # noqa: DJ007 - the admin's own list of fields decides
        field_classes = {"name": NameField}  # a typed name (opo_portal.text)


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    form = PurposeAdminForm
    list_display = ["code", "name", "ordering", "active"]
    inlines = [PurposeVersionInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):  # type: ignore[override]
        kwargs["help_texts"] = {"active": ACTIVE_HELP}
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "active" in form.changed_data and not obj.active:
            self.message_user(request, switched_off_message(obj), messages.WARNING)


def switched_off_message(purpose: Purpose) -> str:
    """What switching a channel off leaves behind. Nothing is taken down: whether
    retiring a channel should take down everything on it is the foundation's decision."""
    count = (
        CheckedPupil.objects.still_published().filter(publication_check__purpose=purpose).count()
    )
    return ngettext(
        "“%(channel)s” is switched off: no new checks or new permissions on it. "
        "%(count)d published appearance of a pupil remains on it; nothing is taken down "
        "now. Parents can still withdraw their permission for it on their child's page, "
        "and a withdrawal creates a takedown task as on any other channel.",
        "“%(channel)s” is switched off: no new checks or new permissions on it. "
        "%(count)d published appearances of pupils remain on it; nothing is taken down "
        "now. Parents can still withdraw their permission for it on their child's page, "
        "and a withdrawal creates a takedown task as on any other channel.",
        count,
    ) % {"channel": purpose.name, "count": count}


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "pupil_id", "purpose", "media_type", "granted", "method", "created_at"]
    list_filter = ["purpose", "media_type", "granted", "method"]


@admin.register(PublicationCheck)
class PublicationCheckAdmin(ReadOnlyAdmin):
    list_display = ["id", "school", "purpose", "media_type", "allowed", "created_at"]


@admin.register(TakedownTask)
class TakedownTaskAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "publication_check",
        "assigned_to",
        "created_at",
        "handed_over_at",
        "handed_over_from_name",
        "done_at",
        "closed_reason",
    ]


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin):
    list_display = ["school", "school_year", "opened_at"]


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(ReadOnlyAdmin):
    """Who stopped reminder e-mails, and when: the parent changes it (a reminder's link or
    "Mijn gegevens"), not the admin."""

    list_display = ["user_email", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    ordering = ["-created_at"]

    @admin.display(description=_("e-mail address"), ordering="user__email")
    def user_email(self, obj):
        return obj.user.email


# The safeguarding flag lives on schools.Pupil, but setting it must take down what was
# published (consent's rule), and schools does not import consent: consent re-registers
# the pupil admin with that one addition.


class PupilAdmin(SchoolsPupilAdmin):
    def save_model(self, request, obj, form, change):
        flag = obj.not_in_picture
        if change and "not_in_picture" in form.changed_data:
            obj.not_in_picture = not flag  # saved as it was; the service changes it
        super().save_model(request, obj, form, change)
        if change and "not_in_picture" in form.changed_data:
            pupil_safeguarding_set(pupil=obj, not_in_picture=flag)


admin.site.unregister(Pupil)
admin.site.register(Pupil, PupilAdmin)
