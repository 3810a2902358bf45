"""Classify posts from a JSON-lines file: one JSON line out per post in.

    python manage.py classify_posts INPUT.jsonl [--context CONTEXT.json]

Each input line is an object with "text" (and optionally "id", "has_media"). Every line is
read and checked before anything is written, so bad input never gives half an output.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from monitoring.classify import Classifier, ContextError, context_from_database, context_from_file


class Command(BaseCommand):
    help = "Classify the posts of a JSON-lines file and write one JSON line per post."

    def add_arguments(self, parser):
        parser.add_argument("input", help="JSON lines, each with at least a 'text'")
        parser.add_argument(
            "--context",
            help="a context.json with schools and pupils, instead of the database",
        )

    def handle(self, *args, **options):
        posts = read_posts(Path(options["input"]))
        try:
            path = options["context"]
            ctx = context_from_file(path) if path else context_from_database()
        except ContextError as exc:
            raise CommandError(str(exc)) from exc
        classifier = Classifier(ctx)
        for post in posts:
            result = classifier.classify(post["text"], has_media=bool(post.get("has_media")))
            line = {
                "id": post.get("id"),
                "schools": list(result.schools),
                "categories": list(result.categories),
                "by_school": {
                    code: [flag.category for flag in result.flags_for(code)]
                    for code in result.schools
                },
                "score": result.score,
                "matched": list(result.matched),
            }
            self.stdout.write(json.dumps(line, ensure_ascii=False))


def read_posts(path: Path) -> list[dict]:
    """All posts of the file, or a CommandError naming the first bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {path}: {exc}") from exc
    posts = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            post = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} line {number}: not valid JSON ({exc.msg})") from exc
        except RecursionError as exc:
            raise CommandError(f"{path} line {number}: not valid JSON (nested too deeply)") from exc
        if not isinstance(post, dict) or not isinstance(post.get("text"), str):
            raise CommandError(f"{path} line {number}: expected an object with a 'text' string")
        try:
            json.dumps(post, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            # A lone surrogate (\ud800) is valid JSON but no text; it cannot be written out.
            raise CommandError(f"{path} line {number}: not valid Unicode ({exc.reason})") from exc
        posts.append(post)
    return posts
