"""Seed the six channels of the protocol with the Dutch text parents read (version 1)."""

import hashlib

from django.db import migrations

PURPOSES = [
    (
        "schoolgids",
        "Schoolgids en jaarverslag",
        "Wij gebruiken foto's, films of geluidsopnamen van uw kind in de gedrukte en "
        "digitale schoolgids en in het jaarverslag van de school en de stichting.",
    ),
    (
        "website",
        "Website van de school",
        "Wij plaatsen foto's, films of geluidsopnamen van uw kind op de openbare website "
        "van de school. Iedereen op internet kan deze zien.",
    ),
    (
        "nieuwsbrief",
        "Nieuwsbrief",
        "Wij gebruiken foto's, films of geluidsopnamen van uw kind in de nieuwsbrief die "
        "per e-mail naar ouders en belangstellenden gaat.",
    ),
    (
        "ouderapp",
        "Besloten ouder-app",
        "Wij delen foto's, films of geluidsopnamen van uw kind in de besloten app van de "
        "school, die alleen ouders en medewerkers van de school kunnen zien.",
    ),
    (
        "sociale-media",
        "Sociale media van de school",
        "Wij plaatsen foto's, films of geluidsopnamen van uw kind op de sociale-media-"
        "accounts van de school (zoals Facebook en Instagram). Berichten zijn openbaar en "
        "kunnen door anderen worden gedeeld.",
    ),
    (
        "pers",
        "Lokale pers",
        "Wij geven foto's, films of geluidsopnamen van uw kind door aan de lokale krant, "
        "omroep of nieuwssite, bijvoorbeeld bij een schoolproject of feest.",
    ),
]


def seed(apps, schema_editor):
    Purpose = apps.get_model("consent", "Purpose")
    PurposeVersion = apps.get_model("consent", "PurposeVersion")
    for ordering, (code, name, text) in enumerate(PURPOSES, start=1):
        purpose, created = Purpose.objects.get_or_create(
            code=code, defaults={"name": name, "ordering": ordering * 10}
        )
        if created:
            PurposeVersion.objects.create(
                purpose=purpose,
                number=1,
                text=text,
                text_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                kind="change_of_meaning",
            )


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
