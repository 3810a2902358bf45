"""Small helpers for consent tests: decisions written the way the service writes them."""

import re

from consent.models import ConsentEvent, PublicationCheck, Purpose
from consent.rules import consent_table, purpose_infos
from consent.services import Answer, consent_decide, publication_check_create


def purpose(code: str) -> Purpose:
    return Purpose.objects.get(code=code)


def answer_field(code: str, media: str = "photo") -> str:
    """The name of a channel's answer for one medium on the paper form and the child page."""
    return f"c-{purpose(code).pk}-{media}"


def version_field(code: str) -> str:
    """The name of the hidden text version a channel's answers are sent with."""
    return f"v-{purpose(code).pk}"


def shown_version(code: str) -> dict[str, int]:
    """The hidden text version the paper form and the child page send with a channel's
    answers (its current text, as the page shows it): {"v-<purpose id>": <version id>}."""
    channel = purpose(code)
    return {version_field(code): channel.versions.latest("number").pk}


def decide(pupil, guardian, code: str, media: str, granted: bool, **kwargs) -> list[ConsentEvent]:
    answer = Answer(purpose(code).pk, media, granted)
    return consent_decide(pupil=pupil, guardian=guardian, answers=[answer], **kwargs)


def photo_checked(teacher, pupils: list) -> PublicationCheck:
    """The teacher's check of a photo of the pupils for social media."""
    return publication_check_create(
        user=teacher, purpose=purpose("sociale-media"), media_type="photo", pupils=pupils
    )


def state_of(pupil, code: str, media: str):
    pupil.refresh_from_db()
    infos = purpose_infos()
    return consent_table([pupil], infos).state(pupil.pk, purpose(code).pk, media)


RANDOM_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def html_of(response) -> str:
    """The page's HTML without its random tokens (CSRF: 64 letters and digits), for a
    check that a pupil's name is absent: a token can hold "Sem" ("…n2SempV…")."""
    return RANDOM_TOKEN.sub("", response.content.decode())
