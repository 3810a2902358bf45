"""The production settings plus one bare view: the ceiling the web benchmark compares to."""

from opo_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.web.urls"
