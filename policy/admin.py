"""The admin shows the protocol but never changes it.

Drafting happens on the board's own pages (policy:drafts), through the services that
refuse to touch a published version. Here every model is view-only, so a published
version cannot be edited or deleted from the admin either.
"""

from django.contrib import admin

from policy.models import Acknowledgement, Article, ProtocolVersion, Section


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SectionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Section
    fields = ["position", "kind", "slug", "heading"]
    extra = 0
    show_change_link = True


class ArticleInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = Article
    fk_name = "section"
    fields = ["number", "anchor", "text"]
    extra = 0


@admin.register(ProtocolVersion)
class ProtocolVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "status", "published_at", "published_by"]
    list_filter = ["status"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["heading", "slug", "kind", "version"]
    list_filter = ["version"]
    inlines = [ArticleInline]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["version", "user", "confirmed_at"]
    list_filter = ["version"]
    list_select_related = ["version", "user"]
