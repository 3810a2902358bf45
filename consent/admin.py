from django.contrib import admin

from consent.models import (
    ConsentEvent,
    PublicationCheck,
    Purpose,
    PurposeVersion,
    ReviewRound,
    TakedownTask,
)
from consent.services import pupil_safeguarding_set
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
    fields = ["number", "kind", "published_at", "text"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "ordering", "active"]
    inlines = [PurposeVersionInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "pupil_id", "purpose", "media_type", "granted", "method", "created_at"]
    list_filter = ["purpose", "media_type", "granted", "method"]


@admin.register(PublicationCheck)
class PublicationCheckAdmin(ReadOnlyAdmin):
    list_display = ["id", "school", "purpose", "media_type", "allowed", "created_at"]


@admin.register(TakedownTask)
class TakedownTaskAdmin(ReadOnlyAdmin):
    list_display = ["id", "publication_check", "assigned_to", "created_at", "done_at"]


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin):
    list_display = ["school", "school_year", "opened_at"]


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
