"""README.md names files, management commands and Make targets; each must exist.

The IT partner, the directors' helpdesk and developers learn the portal from the README,
so a renamed file or command must not leave it pointing at nothing. Only code spans are
read (`…` and fenced blocks): prose may say "make the" without naming a target.
"""

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

FENCE = re.compile(r"^ *```.*?^ *```", re.MULTILINE | re.DOTALL)
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
INLINE = re.compile(r"`([^`]+)`")
# A repository file: a folder and a name with one of these endings, inside a code span;
# not a path outside the repository (`../shared/…`, `/etc/…`) nor a pattern (`<app>/…`).
FILE = re.compile(r"(?<![\w./<…-])(\w[\w.-]*(?:/[\w.-]+)+\.(?:py|html|txt|md|yaml|conf|js|css))\b")
COMMAND = re.compile(r"\bmanage\.py ([a-z_]+)")
MAKE = re.compile(r"\bmake ([a-z][\w-]*)")
TARGET = re.compile(r"^([a-z][\w-]*):(?!=)", re.MULTILINE)


def code_in(text: str) -> list[str]:
    """The README's code: every fenced block and every inline code span (which may wrap
    onto the next line, but never past the end of its paragraph)."""
    blocks = FENCE.findall(text)
    paragraphs = PARAGRAPH_BREAK.split(FENCE.sub("", text))
    return blocks + [span for paragraph in paragraphs for span in INLINE.findall(paragraph)]


def named(pattern: re.Pattern, text: str) -> set[str]:
    return {match for code in code_in(text) for match in pattern.findall(code)}


def make_targets() -> set[str]:
    return set(TARGET.findall((ROOT / "Makefile").read_text(encoding="utf-8")))


def missing_files(text: str) -> list[str]:
    return sorted(path for path in named(FILE, text) if not (ROOT / path).is_file())


def test_it_names_only_files_that_exist():
    assert missing_files(README.read_text(encoding="utf-8")) == []


def test_it_names_only_management_commands_that_exist():
    commands = named(COMMAND, README.read_text(encoding="utf-8"))
    assert commands, "the README names no manage.py command: is the pattern still right?"
    assert sorted(commands - set(get_commands())) == []


def test_it_names_only_make_targets_that_exist():
    targets = named(MAKE, README.read_text(encoding="utf-8"))
    assert targets, "the README names no make target: is the pattern still right?"
    assert sorted(targets - make_targets()) == []


def test_it_reads_paths_from_code_only_and_leaves_out_other_places():
    text = (
        "See consent/nowhere.py. `consent/gone.py` and `../shared/seed/x.txt`,\n"
        "`/etc/redis/redis.conf`, `templates/<app>/<page>.html`.\n"
        "```sh\npython bench/gone_too.py\n```\n"
    )
    assert missing_files(text) == ["bench/gone_too.py", "consent/gone.py"]
