"""The classifier's learned layer in the portal: train on labelled posts, store, load.

Training data: the labelled sets shipped in `monitoring/classify/` (development set, own set,
fresh set) plus every staff mark still in the database — a post marked as a signal of a
category ("dit is een klacht") is a yes for that category, a flag marked "onterecht signaal"
a no. A beat task retrains (`monitoring.retrain_learned_layer`); a new version is stored only
when the training data changed, with its cross-validated evaluation.
"""

import logging
from pathlib import Path

from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from monitoring.classify import learned
from monitoring.classify.evaluate import load_posts
from monitoring.models import Flag, LearnedModel
from opo_portal.counts import count_of

log = logging.getLogger(__name__)
CLASSIFY_DIR = Path(__file__).resolve().parent / "classify"
BUNDLED_SETS = ("devset", "ownset", *(f"freshset/batch{n}" for n in range(1, 6)))
_cache: dict = {}
# pg_advisory_xact_lock key of "a training is running" (any constant; no other lock uses it)
TRAINING_LOCK = 0x6F706F4C  # "opoL"


def bundled_examples() -> list[learned.Example]:
    examples = []
    for name in BUNDLED_SETS:
        path = CLASSIFY_DIR / name / "posts.jsonl"
        if path.exists():
            examples += learned.examples_from_labelled(load_posts(path))
    return examples


def bundled_mask() -> frozenset[str]:
    """Register names of the fictional context the bundled sets were written with."""
    from monitoring.classify.context import context_from_file
    from monitoring.classify.evaluate import register_words

    return frozenset(register_words(context_from_file(CLASSIFY_DIR / "devset" / "context.json")))


def staff_examples() -> list[learned.Example]:
    """One example per post that staff marked or un-flagged, labelled for those categories.
    A label given before the writer edited the post was for the earlier text: left out."""
    labels: dict[int, tuple[str, dict[str, bool]]] = {}
    marked = Flag.objects.filter(post__isnull=False, category__in=learned.LEARNED_CATEGORIES)
    unedited = Q(post__edited_at__isnull=True)
    marked = marked.filter(
        unedited | Q(marked_at__gte=F("post__edited_at")), marked_by__isnull=False
    ) | marked.filter(
        unedited | Q(dismissed_at__gte=F("post__edited_at")), dismissed_as_false_positive=True
    )
    rows = marked.values_list("post_id", "post__text", "category", "dismissed_as_false_positive")
    for post_id, text, category, dismissed in rows.order_by("post_id", "category"):
        labels.setdefault(post_id, (text, {}))[1][category] = not dismissed
    return [learned.Example(text, cats) for text, cats in labels.values()]


def learned_model_train() -> LearnedModel | None:
    """Train a new version on bundled sets + staff marks; None when nothing changed.

    Only the newest version keeps its parameters: an earlier one's vocabulary holds words
    of posts deleted or edited since (see `superseded_models_forget`).

    One training at a time: the nightly one and the one after retention may start at the
    same moment. The second waits for the first to commit, then reads the training data
    again: the same data is skipped, changed data is the next version on top (both used to
    pick the same version number, and the second failed on its uniqueness)."""
    with transaction.atomic():
        _one_training_at_a_time()
        return _train()


def _one_training_at_a_time() -> None:
    """A transaction-scoped advisory lock on PostgreSQL, released by the commit. SQLite
    (the embedded setup, tasks run one at a time in its process) has no such lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TRAINING_LOCK])


def _train() -> LearnedModel | None:
    staff = staff_examples()
    examples = bundled_examples() + staff
    digest = learned.digest(examples)
    latest = LearnedModel.objects.order_by("-version").first()
    if latest is not None and latest.training_digest == digest:
        superseded_models_forget(latest.version)
        return None
    mask = bundled_mask() | database_mask()
    evaluation = learned.cross_validate(examples, mask=mask)
    layer = learned.train(examples, mask=mask)
    version = (LearnedModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    layer.version = str(version)
    model = LearnedModel.objects.create(
        version=version,
        trained_at=timezone.now(),
        training_digest=digest,
        examples={"bundled": len(examples) - len(staff), "staff_marks": len(staff)},
        evaluation=evaluation,
        parameters=layer.to_dict(),
    )
    superseded_models_forget(version)
    log.info(
        "monitoring learned layer v%s trained on %s",
        version,
        count_of(len(examples), "example", "examples"),
    )
    return model


def superseded_models_forget(newest: int) -> int:
    """Empty the parameters of every version before `newest`: nothing predicts with them,
    and their vocabulary would keep n-grams of posts retention has deleted. Number, date,
    counts and evaluation stay as the model's history."""
    older = LearnedModel.objects.filter(version__lt=newest).exclude(parameters={})
    return older.update(parameters={})


def learned_model_retrain_after_deletion() -> LearnedModel | None:
    """Labelled posts were deleted: rebuild the stored model from the labelled posts that
    remain, so that no word of theirs outlives them. A new version only when a model is
    stored and its training data changed (a deleted post nobody labelled taught it nothing)."""
    if not LearnedModel.objects.exists():
        return None  # nothing stored: the first nightly training reads only what remains
    return learned_model_train()


def database_mask() -> frozenset[str]:
    """Words of the current pupil register: never part of the vocabulary."""
    from monitoring.classify import context_from_database
    from monitoring.classify.evaluate import register_words

    return frozenset(register_words(context_from_database()))


def current_layer() -> learned.LearnedLayer:
    """The newest stored version (one query), or — before the first training run — one
    trained in memory on the bundled sets. Cached per process and version."""
    version = LearnedModel.objects.aggregate(v=Max("version"))["v"]
    key = version or "bundled"
    if _cache.get("key") != key:
        if version is None:
            layer = learned.train(bundled_examples(), version="0", mask=bundled_mask())
        else:
            params = LearnedModel.objects.get(version=version).parameters
            layer = learned.LearnedLayer.from_dict(params)
        _cache.update(key=key, layer=layer)
    return _cache["layer"]
