"""Explainable, fast classification of public posts about the foundation's schools.

    classifier = Classifier(context_from_database())
    result = classifier.classify(post.text, has_media=post.has_media)
    result.schools, result.categories, result.flags, result.rule_version

Pupil names are matched in memory and never appear in results: a register hit is reported
as "register:pupil:<school code>".
"""

from .classifier import Classifier
from .context import (
    CATEGORIES,
    Classification,
    Context,
    ContextError,
    FlagResult,
    RegisterPupil,
    SchoolTerms,
    context_from_database,
    context_from_dict,
    context_from_file,
)
from .rules import RULE_VERSION

__all__ = [
    "CATEGORIES",
    "RULE_VERSION",
    "Classification",
    "Classifier",
    "Context",
    "ContextError",
    "FlagResult",
    "RegisterPupil",
    "SchoolTerms",
    "context_from_database",
    "context_from_dict",
    "context_from_file",
]
