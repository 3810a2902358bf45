"""Near-duplicate detection: word shingles and Jaccard similarity, without keeping text."""

import re
import unicodedata
import zlib

_URL = re.compile(r"https?://\S+")
_NON_WORD = re.compile(r"[^\w]+")
SHINGLE_SIZE = 3


def normalise(text: str) -> str:
    """Lower case, no accents, no links, words separated by single spaces."""
    text = unicodedata.normalize("NFKD", _URL.sub(" ", text or "").lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", text).split())


def shingles(text: str) -> list[int]:
    """Sorted CRC32 hashes of the text's word 3-grams (its words when shorter)."""
    words = normalise(text).split()
    if len(words) < SHINGLE_SIZE:
        grams = words
    else:
        grams = [
            " ".join(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1)
        ]
    return sorted({zlib.crc32(g.encode()) for g in grams})


def jaccard(a, b) -> float:
    a, b = set(a), set(b)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
