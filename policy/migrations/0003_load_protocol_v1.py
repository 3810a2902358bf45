"""Load the foundation's social media protocol as published version 1.

The text comes from policy/seed/protocol_v1.json (restored from the PDF text), so the
demo and production load the same words. Written as draft first and then published,
because the database refuses new articles in an already published version.
"""

from django.db import migrations
from django.utils import timezone

from policy.text import load_seed


def load_v1(apps, schema_editor):
    ProtocolVersion = apps.get_model("policy", "ProtocolVersion")
    Section = apps.get_model("policy", "Section")
    Article = apps.get_model("policy", "Article")
    seed = load_seed()
    if ProtocolVersion.objects.filter(number=seed["number"]).exists():
        return
    version = ProtocolVersion.objects.create(
        number=seed["number"], status="draft", summary=seed["summary"]
    )
    for position, section_data in enumerate(seed["sections"], start=1):
        section = Section.objects.create(
            version=version,
            position=position,
            kind=section_data["kind"],
            slug=section_data["slug"],
            heading=section_data["heading"],
        )
        Article.objects.bulk_create(
            Article(
                version=version,
                section=section,
                number=number,
                anchor=f"{section.slug}-{number}",
                text=text,
            )
            for number, text in enumerate(section_data["articles"], start=1)
        )
    ProtocolVersion.objects.filter(pk=version.pk).update(
        status="published", published_at=timezone.now()
    )


def unload_v1(apps, schema_editor):
    """Only possible before anything refers to it; PostgreSQL refuses otherwise."""


class Migration(migrations.Migration):
    dependencies = [("policy", "0002_published_versions_are_frozen")]

    operations = [migrations.RunPython(load_v1, unload_v1)]
