"""`manage.py classify_posts` and the classifier's context from the database."""

import datetime
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from monitoring.classify import context_from_database
from monitoring.classify.evaluate import DEVSET

ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> list[dict]:
    out = StringIO()
    call_command("classify_posts", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def write(tmp_path, *lines) -> str:
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_it_writes_one_line_per_post_of_the_devset():
    lines = run(str(DEVSET / "posts.jsonl"), "--context", str(DEVSET / "context.json"))
    assert len(lines) == 60
    assert lines[0]["id"] == "dev-001"
    assert set(lines[0]) == {"id", "schools", "categories", "by_school", "score", "matched"}


def test_it_writes_the_categories_of_each_school(tmp_path):
    path = write(tmp_path, json.dumps({"text": "De Vlindertuin top, Het Zwanenhof slecht"}))
    [line] = run(path, "--context", str(DEVSET / "context.json"))
    assert line["by_school"] == {
        "vlindertuin": ["positive"],
        "zwanenhof": ["negative_experience"],
    }


def test_it_uses_the_database_without_context(tmp_path, pupil_a):
    path = write(tmp_path, json.dumps({"id": "p1", "text": "Sem Bakker van De Vlindertuin"}))
    [line] = run(path)
    assert (line["schools"], line["categories"]) == (["vlindertuin"], ["privacy"])


def test_it_never_writes_a_pupil_name(tmp_path, pupil_a):
    path = write(tmp_path, json.dumps({"text": "Sem Bakker uit groep 5 van De Vlindertuin"}))
    out = StringIO()
    call_command("classify_posts", path, stdout=out)
    assert "sem" not in out.getvalue().lower() and "bakker" not in out.getvalue().lower()


def test_it_passes_has_media_on(tmp_path, school_a):
    post = {"text": "Groep 5 van De Vlindertuin in het zwembad", "has_media": True}
    [line] = run(write(tmp_path, json.dumps(post)))
    assert line["categories"] == ["privacy"]


def test_it_names_the_line_that_is_not_json(tmp_path):
    path = write(tmp_path, json.dumps({"text": "ok"}), "{not json")
    out = StringIO()
    with pytest.raises(CommandError, match="line 2: not valid JSON"):
        call_command("classify_posts", path, "--context", str(DEVSET / "context.json"), stdout=out)
    assert out.getvalue() == ""


def test_it_names_the_line_without_text(tmp_path):
    path = write(tmp_path, json.dumps({"text": "ok"}), "", json.dumps({"id": "x"}))
    with pytest.raises(CommandError, match="line 3: expected an object with a 'text' string"):
        run(path, "--context", str(DEVSET / "context.json"))


def test_it_reports_a_missing_input_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(str(tmp_path / "nope.jsonl"), "--context", str(DEVSET / "context.json"))


def test_it_reports_a_bad_context_file(tmp_path):
    context = tmp_path / "context.json"
    context.write_text('{"schools": [{"name": "no code"}]}', encoding="utf-8")
    with pytest.raises(CommandError, match="schools need a code"):
        run(write(tmp_path, json.dumps({"text": "x"})), "--context", str(context))


def test_it_exits_non_zero_with_one_line_on_stderr(tmp_path):
    path = write(tmp_path, "[1, 2]")
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "classify_posts",
            path,
            "--context",
            str(DEVSET / "context.json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"CommandError: {path} line 1: expected an object with a 'text' string"
    ]


def test_it_reads_schools_and_current_pupils_in_two_queries(
    django_assert_num_queries, school_a, school_b, pupil_a, pupil_a2, pupil_b
):
    pupil_a2.name_prefix = "de"
    pupil_a2.save()
    pupil_b.left_on = datetime.date(2026, 1, 1)
    pupil_b.save()
    # 1. the schools' codes, names and aliases; 2. current pupils with their school's code
    with django_assert_num_queries(2):
        context = context_from_database()
    assert {s.code for s in context.schools} == {"vlindertuin", "zwanenhof"}
    assert {(p.first_name, p.last_name, p.school) for p in context.pupils} == {
        ("Sem", "Bakker", "vlindertuin"),
        ("Roos", "de Vries", "vlindertuin"),
    }


def test_it_names_the_line_that_is_nested_too_deeply(tmp_path):
    path = write(tmp_path, json.dumps({"text": "ok"}), "[" * 100_000 + "]" * 100_000)
    out = StringIO()
    with pytest.raises(CommandError, match="line 2: not valid JSON"):
        call_command("classify_posts", path, "--context", str(DEVSET / "context.json"), stdout=out)
    assert out.getvalue() == ""


def test_it_reports_a_context_file_nested_too_deeply(tmp_path):
    context = tmp_path / "context.json"
    context.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(CommandError, match="cannot read context"):
        run(write(tmp_path, json.dumps({"text": "x"})), "--context", str(context))


def test_it_names_the_line_with_a_lone_surrogate(tmp_path):
    path = write(tmp_path, json.dumps({"text": "ok"}), '{"id": "\\udc00", "text": "x \\ud800"}')
    out = StringIO()
    with pytest.raises(CommandError, match="line 2: not valid Unicode"):
        call_command("classify_posts", path, "--context", str(DEVSET / "context.json"), stdout=out)
    assert out.getvalue() == ""


def test_it_reports_a_context_file_with_a_lone_surrogate(tmp_path):
    context = tmp_path / "context.json"
    context.write_text('{"schools": [{"code": "\\udc00", "name": "x"}]}', encoding="utf-8")
    with pytest.raises(CommandError, match="not valid Unicode"):
        run(write(tmp_path, json.dumps({"text": "x"})), "--context", str(context))
