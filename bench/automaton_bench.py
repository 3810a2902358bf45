"""The school and register matchers: hand-written Aho-Corasick vs pyahocorasick.

    python bench/automaton_bench.py [--posts 20000]

Both automata get the same word-level patterns (every school term and register name the
classifier builds from the development-set context, plus 2,000 generated school names so
the pattern set is closer to a real foundation-wide watch list) and the same texts (every
labelled post, normalised, repeated). Prints build time and matching throughput in CPU
time, and checks that both find exactly the same matches.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitoring.classify.ahocorasick import Automaton  # noqa: E402
from monitoring.classify.text import normalise  # noqa: E402
from monitoring.classify.word_automaton import WordAutomaton  # noqa: E402

SETS = ROOT / "monitoring" / "classify"


def patterns() -> dict[tuple[str, ...], str]:
    context = json.loads((SETS / "devset" / "context.json").read_text(encoding="utf-8"))
    out = {}
    for school in context["schools"]:
        for term in (school["name"], *school["aliases"]):
            out[tuple(normalise(term).split())] = school["code"]
    for pupil in context["pupils"]:
        out[tuple(normalise(f"{pupil['first_name']} {pupil['last_name']}").split())] = "pupil"
        out[tuple(normalise(pupil["first_name"]).split())] = "pupil"
    for n in range(2000):
        out[("obs", f"school{n}")] = f"s{n}"
        out[(f"#school{n}",)] = f"s{n}"
    return out


def texts(count: int) -> list[list[str]]:
    posts = []
    for path in sorted(SETS.glob("**/posts.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                posts.append(normalise(json.loads(line)["text"]).split())
    return (posts * (count // len(posts) + 1))[:count]


def measure(cls, pats, words) -> tuple[float, float, list]:
    started = time.process_time()
    automaton = cls(pats.items())
    built = time.process_time() - started
    started = time.process_time()
    for text in words:
        for _match in automaton.finditer(text):
            pass
    matched = time.process_time() - started
    found = [sorted((s, e, v) for s, e, _p, v in automaton.finditer(w)) for w in words]
    return built, matched, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    args = parser.parse_args()
    pats, words = patterns(), texts(args.posts)
    results = {
        name: measure(cls, pats, words)
        for name, cls in (("hand-written", Automaton), ("pyahocorasick", WordAutomaton))
    }
    assert results["hand-written"][2] == results["pyahocorasick"][2], "different matches"
    print(f"{len(pats)} patterns, {len(words)} posts; same matches: yes")
    for name, (built, matched, _found) in results.items():
        print(
            f"{name:>14}: build {built * 1000:.1f} ms CPU, {len(words) / matched:,.0f} posts/s CPU"
        )
    ratio = results["hand-written"][1] / results["pyahocorasick"][1]
    print(f"pyahocorasick matches {ratio:.1f}x as fast")


if __name__ == "__main__":
    main()
