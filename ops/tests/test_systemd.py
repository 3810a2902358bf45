"""deploy/opo-portal.service runs `deploy/run-prod all` under systemd, as the README says.

No systemd runs as PID 1 on the machines here: the unit is read, and `systemd-analyze
verify` checks it where the binary is installed (Debian's systemd package has it).
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UNIT = REPO / "deploy" / "opo-portal.service"
README = REPO / "README.md"


def settings(text: str) -> dict[str, dict[str, list[str]]]:
    """Section → key → every value it is given (Exec lines may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        elif line and not line.startswith("#"):
            key, value = line.split("=", 1)
            current.setdefault(key, []).append(value)
    return sections


@pytest.fixture(scope="module")
def unit() -> dict[str, dict[str, list[str]]]:
    return settings(UNIT.read_text())


def test_it_is_accepted_by_systemd(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    copy = tmp_path / UNIT.name
    copy.write_text(UNIT.read_text().replace("/srv/opo-portal", str(REPO)))
    result = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_it_runs_run_prod_all_as_the_portal_user(unit):
    service = unit["Service"]
    assert service["ExecStart"] == ["/srv/opo-portal/deploy/run-prod all"]
    assert service["User"] == ["opo"]
    assert service["WorkingDirectory"] == ["/srv/opo-portal"]
    assert service["EnvironmentFile"] == ["/srv/opo-portal/.env"]


def test_it_can_be_enabled_to_start_at_boot(unit):
    """Without [Install], `systemctl enable` refuses the unit: no portal after a reboot."""
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


def test_it_starts_after_postgresql_and_redis(unit):
    """`release` refuses a database it cannot reach (exit 2); started before PostgreSQL at
    boot, five quick restarts would hit systemd's start limit and leave the unit failed."""
    after = " ".join(unit["Unit"]["After"]).split()
    assert {"postgresql.service", "redis-server.service", "network-online.target"} <= set(after)
    assert int(unit["Service"]["RestartSec"][0]) >= 5  # 5 starts in 10 s: never


def test_it_lets_running_tasks_finish_on_stop(unit):
    service = unit["Service"]
    assert service["KillMode"] == ["mixed"]
    env_example = (REPO / ".env.example").read_text()
    time_limit = re.search(r"^CELERY_TASK_TIME_LIMIT=(\d+)$", env_example, re.MULTILINE)
    assert int(service["TimeoutStopSec"][0]) > int(time_limit.group(1))
    assert service["ExecReload"] == ["/bin/kill -HUP $MAINPID"]


def test_the_readme_gives_systemd_absolute_paths():
    """systemd refuses `ExecStart=deploy/run-prod web` ("Neither a valid executable name
    nor an absolute path"): a unit per role copied from the README never started."""
    commands = re.findall(r"`Exec\w+=([^`]+)`", README.read_text())
    assert commands and all(command.startswith("/") for command in commands), commands
