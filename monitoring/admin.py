from django.contrib import admin
from django.db import models

from monitoring.models import FetchRun, Source, WatchTerm


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "school", "active", "needs_attention", "consecutive_failures"]
    list_filter = ["kind", "active", "needs_attention"]
    # As the portal's own source form: an address typed without a scheme is https (Django 6's
    # default; until then Django warns on every add or change page of a source).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(WatchTerm)
class WatchTermAdmin(admin.ModelAdmin):
    list_display = ["term", "school"]


@admin.register(FetchRun)
class FetchRunAdmin(admin.ModelAdmin):
    list_display = ["source", "started_at", "status", "new_count", "duplicate_count"]
    list_filter = ["status"]
