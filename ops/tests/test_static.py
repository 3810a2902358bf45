"""collectstatic writes hashed, gzip-compressed files that WhiteNoise serves from our host."""

import json

from django.conf import settings
from django.core.management import call_command

PRODUCTION_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_it_configures_whitenoise_near_the_top_below_the_headers_every_response_gets():
    """Right after SecurityMiddleware, as WhiteNoise asks, but for the two that only add
    headers to a response: the CSP (a static SVG is a document too) and no-store."""
    security = settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
    assert settings.MIDDLEWARE[security + 1 : security + 4] == [
        "accounts.security_middleware.NoStoreMiddleware",
        "opo_portal.middleware.CSPMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]


def test_it_collects_hashed_and_compressed_files(settings, tmp_path):
    # conftest swaps in plain storage for speed; this test uses the production one.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}}
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed = tmp_path / manifest["css/portal.css"]
    assert hashed.name != "portal.css" and hashed.exists()
    assert hashed.with_name(hashed.name + ".gz").exists()
