from django.contrib import admin

from outbox.models import Duty


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["key", "handler", "status", "attempts", "next_attempt_at", "done_at"]
    list_filter = ["status", "handler"]
    search_fields = ["key"]
    readonly_fields = [f.name for f in Duty._meta.fields]
