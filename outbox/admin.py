from django.contrib import admin

from outbox.models import Duty


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    """Read-only: a duty is written by the change it follows and ended by its handler. A
    duty deleted while pending would be an e-mail that never goes out."""

    list_display = ["key", "handler", "status", "attempts", "next_attempt_at", "done_at"]
    list_filter = ["status", "handler"]
    search_fields = ["key"]
    readonly_fields = [f.name for f in Duty._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
