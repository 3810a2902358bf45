from django import forms
from django.contrib import admin

from monitoring.forms import AddressFitsKind, HttpURLField
from monitoring.models import FetchRun, Source, WatchTerm
from monitoring.sources.base import MAX_LINK_LENGTH
from opo_portal.fields import NameField


class SourceAdminForm(AddressFitsKind, forms.ModelForm):
    """The address as the board's sources page checks it (monitoring.forms.SourceForm):
    http(s) only, no user name, no internal host (also by what the name resolves to), and
    fitting the kind. Django's URLField took ftp, `https://user@127.0.0.1/` or localhost,
    which the fetcher then refused on every run. Without a scheme an address is https."""

    url = HttpURLField(
        label=Source._meta.get_field("url").verbose_name,
        max_length=MAX_LINK_LENGTH,
        required=False,
        assume_scheme="https",
        resolve=True,
    )

    class Meta:
        model = Source
        fields = "__all__"  # noqa: DJ007 - the admin's own list of fields decides
        field_classes = {"name": NameField}  # a typed name (opo_portal.text)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "school", "active", "needs_attention", "consecutive_failures"]
    list_filter = ["kind", "active", "needs_attention"]
    form = SourceAdminForm


class WatchTermAdminForm(forms.ModelForm):
    class Meta:
        model = WatchTerm
        fields = "__all__"  # noqa: DJ007 - the admin's own list of fields decides
        field_classes = {"term": NameField}  # a typed name (opo_portal.text)


@admin.register(WatchTerm)
class WatchTermAdmin(admin.ModelAdmin):
    form = WatchTermAdminForm
    list_display = ["term", "school"]


@admin.register(FetchRun)
class FetchRunAdmin(admin.ModelAdmin):
    list_display = [
        "source",
        "started_at",
        "status",
        "new_count",
        "duplicate_count",
        "long_links_count",
    ]
    list_filter = ["status"]
