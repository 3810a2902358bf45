"""What the classifier knows besides the post: the schools and the pupil register."""

import json
from dataclasses import dataclass
from pathlib import Path

CATEGORIES = ("negative_experience", "insult", "privacy", "verify_fact", "positive")


@dataclass(frozen=True)
class SchoolTerms:
    code: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class RegisterPupil:
    first_name: str
    last_name: str  # with its prefix: "de Vries"
    school: str  # school code


@dataclass(frozen=True)
class Context:
    schools: tuple[SchoolTerms, ...]
    pupils: tuple[RegisterPupil, ...]


@dataclass(frozen=True)
class FlagResult:
    category: str
    score: float
    matched: tuple[str, ...]


@dataclass(frozen=True)
class Classification:
    schools: tuple[str, ...]
    flags: tuple[FlagResult, ...]
    rule_version: str
    # Terms that identified the schools (aliases, hashtags); never pupil names.
    school_terms: tuple[str, ...] = ()
    # Per school, the flags of what the post says of that school (a post naming two).
    # Empty: every school named gets every flag.
    school_flags: tuple[tuple[str, tuple[FlagResult, ...]], ...] = ()

    def flags_for(self, school: str) -> tuple[FlagResult, ...]:
        """The flags about one school: in "De Vlindertuin top, Het Zwanenhof slecht" the
        praise is the Vlindertuin's and the complaint the Zwanenhof's."""
        if school not in self.schools:
            return ()
        return dict(self.school_flags).get(school, self.flags)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(flag.category for flag in self.flags)

    @property
    def score(self) -> float:
        return max((flag.score for flag in self.flags), default=0.0)

    @property
    def matched(self) -> tuple[str, ...]:
        """Every flag's terms, then the school terms, each once."""
        seen: dict[str, None] = {}
        for flag in self.flags:
            seen.update(dict.fromkeys(flag.matched))
        seen.update(dict.fromkeys(self.school_terms))
        return tuple(seen)


class ContextError(ValueError):
    """A context file that cannot be read as schools and pupils."""


def context_from_dict(data: dict) -> Context:
    try:
        schools = tuple(
            SchoolTerms(
                code=str(s["code"]),
                name=str(s.get("name") or ""),
                aliases=tuple(str(a) for a in s.get("aliases") or ()),
            )
            for s in data.get("schools") or ()
        )
        pupils = tuple(
            RegisterPupil(
                first_name=str(p["first_name"]),
                last_name=str(p["last_name"]),
                school=str(p["school"]),
            )
            for p in data.get("pupils") or ()
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ContextError(
            f"schools need a code, pupils first_name, last_name, school ({exc})"
        ) from exc
    return Context(schools=schools, pupils=pupils)


def context_from_file(path) -> Context:
    """Read a context.json: {"schools": [{code, name, aliases}], "pupils": [...]}."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContextError(f"cannot read context {path}: {exc}") from exc
    except RecursionError as exc:
        raise ContextError(f"cannot read context {path}: nested too deeply") from exc
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate (\ud800): valid JSON, but no text
        raise ContextError(f"context {path} is not valid Unicode ({exc.reason})") from exc
    if not isinstance(data, dict):
        raise ContextError(f"context {path} is not a JSON object")
    return context_from_dict(data)


def context_from_database() -> Context:
    """Schools and current pupils from the database, in two queries."""
    from schools.models import Pupil, School

    schools = tuple(
        SchoolTerms(code=code, name=name, aliases=tuple(str(a) for a in aliases or ()))
        for code, name, aliases in School.objects.values_list("code", "name", "aliases")
    )
    pupils = tuple(
        RegisterPupil(
            first_name=first,
            last_name=" ".join(p for p in (prefix, last) if p),
            school=code,
        )
        for first, prefix, last, code in Pupil.objects.current().values_list(
            "first_name", "name_prefix", "last_name", "school__code"
        )
    )
    return Context(schools=schools, pupils=pupils)
