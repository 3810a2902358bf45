"""Counts in log lines, which are English and for operators (not translated): "1 pupil",
"2 pupils". User-facing counts use ngettext / {% blocktranslate count %} instead."""


def count_of(n: int, noun: str, nouns: str) -> str:
    """`n` with `noun` for one and `nouns` for any other number."""
    return f"{n} {noun if n == 1 else nouns}"
