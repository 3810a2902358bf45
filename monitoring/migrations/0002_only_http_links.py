"""Clear stored links that are not absolute http(s) URLs (issue 10: stored XSS).

Self-contained on purpose: a migration must not change meaning when app code changes.
"""

from urllib.parse import urlsplit

from django.db import migrations


def _is_http_url(value: str) -> bool:
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _clear(model, field: str) -> None:
    bad = [
        pk
        for pk, value in model.objects.exclude(**{field: ""}).values_list("pk", field).iterator()
        if not _is_http_url(value)
    ]
    for start in range(0, len(bad), 500):
        model.objects.filter(pk__in=bad[start : start + 500]).update(**{field: ""})


def clear_unsafe_links(apps, schema_editor):
    _clear(apps.get_model("monitoring", "Post"), "url")
    _clear(apps.get_model("monitoring", "PublicReply"), "posted_url")


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(clear_unsafe_links, migrations.RunPython.noop)]
