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
