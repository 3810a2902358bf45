"""Dockerfile and compose.yaml run the same deploy/run-prod roles as `make prod`.

The machines here have no container engine: the files are parsed and compared with the
tested path; `docker compose config` runs too when the CLI has the compose plugin.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
PORTAL_SERVICES = {"release", "web", "worker", "beat"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((REPO / "compose.yaml").read_text())


def run_prod_roles() -> set[str]:
    script = (REPO / "deploy" / "run-prod").read_text()
    return set(re.findall(r"^  (\w+)\)$", script, flags=re.MULTILINE)) - {"all"}


def test_it_has_web_worker_beat_postgres_and_redis(compose):
    assert set(compose["services"]) == PORTAL_SERVICES | {"postgres", "redis"}


def test_it_runs_one_run_prod_role_per_portal_service(compose):
    assert run_prod_roles() == PORTAL_SERVICES
    for name in PORTAL_SERVICES:
        assert compose["services"][name]["command"] == [name]


def test_it_starts_web_worker_and_beat_only_after_the_release_steps(compose):
    for name in ("web", "worker", "beat"):
        condition = compose["services"][name]["depends_on"]["release"]["condition"]
        assert condition == "service_completed_successfully"


def test_it_keeps_redis_on_disk_with_aof(compose):
    command = compose["services"]["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert "/data" in compose["services"]["redis"]["volumes"][0]


def test_it_sets_redis_for_every_portal_service(compose):
    for name in PORTAL_SERVICES:
        env = compose["services"][name]["environment"]
        assert env["REDIS_URL"].startswith("redis://") and env["DATABASE_URL"]


def test_it_passes_every_setting_of_the_env_file_to_the_portal(compose):
    """`environment` names a few variables; the rest of .env (DEFAULT_FROM_EMAIL,
    ALLAUTH_TRUSTED_PROXY_COUNT, PUPIL_RETENTION_SCHOOL_YEARS, ...) must reach them too."""
    for name in PORTAL_SERVICES:
        assert compose["services"][name].get("env_file") in (".env", [".env"])


def test_it_enters_the_image_through_run_prod():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["deploy/run-prod"]' in dockerfile
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    # Nothing but installing and copying: no other start or setup than run-prod's.
    runs = re.findall(r"^RUN (.+)$", dockerfile, flags=re.MULTILINE)
    allowed = r"(apt-get|python -m venv|/opt/venv/bin/pip|useradd|/opt/venv/bin/python manage)"
    assert all(re.match(allowed, r) for r in runs)


def test_the_image_holds_what_release_writes_for_web_and_worker():
    """compose runs release in a container of its own: what it writes to its filesystem
    (compiled catalogues, collected static files) never reaches web, worker or beat."""
    dockerfile = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    runs = " ".join(re.findall(r"^RUN (.+)$", dockerfile, flags=re.MULTILINE))
    assert "manage.py compile_translations" in runs
    assert "manage.py collectstatic --noinput" in runs


def test_it_validates_with_docker_compose_when_available(tmp_path):
    docker = shutil.which("docker")
    if not docker or subprocess.run([docker, "compose", "version"], capture_output=True).returncode:  # noqa: S603
        pytest.skip("the docker CLI has no compose plugin here")
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=x\nALLOWED_HOSTS=x\nPOSTGRES_PASSWORD=x\nEMAIL_URL=x\n")
    subprocess.run(  # noqa: S603
        [
            docker,
            "compose",
            "--env-file",
            str(env_file),
            "--project-directory",  # env_file: .env is read from there
            str(tmp_path),
            "-f",
            str(REPO / "compose.yaml"),
            "config",
            "-q",
        ],
        check=True,
    )


def _dockerfile_runs() -> str:
    dockerfile = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    return " && ".join(re.findall(r"^RUN (.+)$", dockerfile, flags=re.MULTILINE))


def _words_after(command: str, runs: str) -> set[str]:
    """The arguments of every `command ...` in the Dockerfile's RUN lines."""
    found = re.findall(rf"{command} ([^&;]+)", runs)
    return {word for args in found for word in args.split() if not word.startswith("-")}


def test_the_image_gives_every_mounted_directory_to_its_user(compose):
    """A named volume mounted where the image has no directory starts owned by root: beat
    (user opo) could not write its schedule file to /app/var/beat and stopped, for ever."""
    dockerfile = (REPO / "Dockerfile").read_text()
    workdir = Path(re.search(r"^WORKDIR (\S+)$", dockerfile, flags=re.MULTILINE).group(1))
    assert re.search(r"^USER opo$", dockerfile, flags=re.MULTILINE)
    runs = _dockerfile_runs()
    made = {Path(word) for word in _words_after("mkdir -p", runs)}
    owned = {Path(word) for word in _words_after("chown -R opo", runs)}
    for name in PORTAL_SERVICES:
        for volume in compose["services"][name].get("volumes", []):
            target = Path(volume.split(":")[1]).relative_to(workdir)
            assert target in made, f"{name}: the image has no {target}"
            assert owned & {target, *target.parents}, f"{name}: {target} is not opo's"


def _seconds(duration: str) -> int:
    """compose's durations as used here: "90s", "5m", "5m30s"."""
    parts = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", duration)
    assert parts and duration, duration
    return int(parts.group(1) or 0) * 60 + int(parts.group(2) or 0)


def test_compose_lets_web_and_worker_finish_what_they_are_doing(compose, monkeypatch):
    """`docker compose stop` (a deploy) kills a container 10 s after SIGTERM unless told
    otherwise: gunicorn's graceful 30 s and Celery's warm shutdown were cut short, a
    request in flight got a reset and a running task waited for redelivery."""
    from ops.tests.test_run_prod import gunicorn_config

    monkeypatch.delenv("GUNICORN_GRACEFUL_TIMEOUT", raising=False)
    graceful = gunicorn_config(monkeypatch)["graceful_timeout"]
    services = compose["services"]
    assert _seconds(services["web"]["stop_grace_period"]) > graceful
    task_limit = 300  # settings.CELERY_TASK_TIME_LIMIT's default: the longest a task runs
    assert _seconds(services["worker"]["stop_grace_period"]) > task_limit


def test_compose_requires_what_run_prod_requires(compose):
    """A setting run-prod must have is never passed on empty ("${X:-}"): compose stops with
    the name of the one missing from .env instead."""
    script = (REPO / "deploy" / "run-prod").read_text()
    required = re.search(r"for name in ([A-Z_ ]+); do", script).group(1).split()
    for name in PORTAL_SERVICES:
        env = compose["services"][name]["environment"]
        for variable in required:
            value = env[variable]
            uses = re.findall(rf"\$\{{{variable}(\W+)", value)
            assert all(use.startswith(":?") for use in uses), (name, value)
