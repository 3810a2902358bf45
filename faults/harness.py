"""Real processes for fault tests: our own Redis, SMTP sink, gunicorn, Celery worker and beat,
each on a free loopback port, each killed (by its own pid) when the run ends."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


def wait_until(condition, timeout: float, step: float = 0.5) -> float | None:
    """Seconds until condition() held, or None after timeout (bounded)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(step)
    return None


class Proc:
    """One child process in its own process group, logged to a file."""

    def __init__(self, name: str, cmd: list[str], env: dict, logdir: Path):
        self.name, self.cmd, self.env = name, cmd, env
        self.log = logdir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Proc":
        with open(self.log, "a") as out:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                self.cmd,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def running(self) -> bool:
        return self._alive() is not None

    def _alive(self) -> subprocess.Popen | None:
        """The process while it runs, else None."""
        if self.process is not None and self.process.poll() is None:
            return self.process
        return None

    def kill9(self) -> None:
        if process := self._alive():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def pause(self) -> None:
        """kill -STOP: the process keeps its port and its data but answers nothing."""
        if process := self._alive():
            os.killpg(process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if process := self._alive():
            os.killpg(process.pid, signal.SIGCONT)

    def stop(self, timeout: float = 15) -> None:
        process = self._alive()
        if process is None:
            return
        self.resume()  # a stopped process cannot act on SIGTERM
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill9()


class Redis:
    def __init__(self, workdir: Path, *, aof: bool, port: int = 0):
        self.port, self.aof = port or free_port(), aof
        self.dir = workdir / f"redis-{self.port}-{'aof' if aof else 'plain'}"
        self.dir.mkdir(exist_ok=True)
        cmd = [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--save",
            "",
            "--dir",
            str(self.dir),
            "--appendonly",
            "yes" if aof else "no",
            "--appendfsync",
            "always",
        ]
        self.proc = Proc(f"redis-{self.port}", cmd, dict(os.environ), workdir)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "Redis":
        self.proc.start()
        wait_port(self.port)
        return self

    @classmethod
    def restart_as(cls, old: "Redis", *, aof: bool) -> "Redis":
        """The same port (so every client reconnects to it), with or without AOF."""
        old.proc.stop()
        return cls(old.dir.parent, aof=aof, port=old.port).start()

    def cli(self, *args: str) -> str:
        out = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip()


class SmtpSink:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.path = workdir / f"mail-{self.port}.jsonl"
        self.path.touch()
        cmd = [sys.executable, "faults/smtp_sink.py", str(self.port), str(self.path)]
        self.proc = Proc(f"smtp-{self.port}", cmd, dict(os.environ), workdir)

    def start(self) -> "SmtpSink":
        self.proc.start()
        wait_port(self.port)
        return self

    def stall(self, on: bool, *, at: str = "DATA") -> None:
        """While on, a message is kept as it arrives and answered only once it is off
        (at="QUIT": the message is answered "250", the QUIT after it waits)."""
        flag = self.path.with_name(self.path.name + (".stall-quit" if at == "QUIT" else ".stall"))
        if on:
            flag.touch()
        else:
            flag.unlink(missing_ok=True)

    def messages(self) -> list[dict]:
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def count(self, to: str, subject_contains: str = "") -> int:
        return sum(1 for m in self.messages() if to in m["to"] and subject_contains in m["subject"])


def celery(args: list[str]) -> list[str]:
    return [str(BIN / "celery"), "-A", "opo_portal", *args]


def worker_cmd(name: str) -> list[str]:
    return celery(
        [
            "worker",
            "--pool=solo",
            "-n",
            f"{name}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ]
    )


def beat_cmd(schedule: Path) -> list[str]:
    return celery(["beat", "-s", str(schedule), "--loglevel=INFO"])


def gunicorn_cmd(port: int) -> list[str]:
    return [
        str(BIN / "gunicorn"),
        "opo_portal.wsgi:application",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        "2",
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
    ]


def postgres_bindir() -> Path | None:
    """The directory of initdb and pg_ctl: pg_config's, else the newest Debian one."""
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        bindir = Path(out.stdout.strip())
        if (bindir / "initdb").exists():
            return bindir
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts)
    return versions[-1].parent if versions else None


class Postgres:
    """A PostgreSQL cluster of our own (initdb in the run's directory, trust on loopback),
    so a scenario can stop it, start it and fill its connection slots without touching the
    shared server. initdb refuses root: then it runs as the `postgres` system user."""

    def __init__(self, *, max_connections: int = 20):
        bindir = postgres_bindir()
        if bindir is None:
            raise RuntimeError("initdb not found (pg_config --bindir, /usr/lib/postgresql)")
        self.bindir, self.port = bindir, free_port()
        # Its own directory, not the run's (0700, root's): the server may run as postgres.
        self.dir = Path(tempfile.mkdtemp(prefix=f"opo-faults-pg-{self.port}-"))
        self.data, self.log = self.dir / "data", self.dir / "postgres.log"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            f"-c max_connections={max_connections} -c fsync=off -c full_page_writes=off"
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            [*self.as_user, *args], check=True, capture_output=True, text=True, timeout=timeout
        )

    def init(self) -> "Postgres":
        if self.as_user:
            shutil.chown(self.dir, "postgres")
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "-N", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        return self.start()

    def start(self) -> "Postgres":
        pg_ctl = str(self.bindir / "pg_ctl")
        self._run(pg_ctl, "-D", str(self.data), "-l", str(self.log), "-o", self.options, "-w",
                  "start")  # fmt: skip
        return self

    def stop(self, mode: str = "fast") -> None:
        """As a restart or a failover does: `fast` ends every session at once."""
        pg_ctl = str(self.bindir / "pg_ctl")
        self._run(pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
