"""Production fixtures: the fake Bot API server over HTTP, and real ``python -m bot`` processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command

from librium.database.sqlalchemy.migrations import alembic_config
from tests.conftest import ROOT
from tests.fakes.botapi_server import FakeBotApi

SCRUBBED = ("TELEGRAM_", "DATABASE_URL", "WEBHOOK_", "PORT", "LOG_LEVEL", "METADATA_", "ALLOWED_USER_IDS")


def process_env(**extra: str) -> dict[str, str]:
    """The test's environment without any bot setting, plus ``extra`` (and the venv on PATH)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED)}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def command_line(process: str) -> list[str]:
    args = procfile()[process].split()
    if args[0] == "python":
        args[0] = sys.executable
    return args


class BotProcess:
    """A real bot process (the Procfile's worker command); its output goes to a log file."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in wait()/stop()
        self.proc = subprocess.Popen(
            command_line("worker"), cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def terminate(self, timeout: float = 10) -> int:
        """SIGTERM, then the exit code (raises TimeoutExpired if it does not stop in time)."""
        self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def kill(self) -> int:
        self.proc.send_signal(signal.SIGKILL)
        return self.wait(10)

    def wait(self, timeout: float) -> int:
        code = self.proc.wait(timeout)
        self._log.close()
        return code

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self._log.close()


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as api:
        yield api


@pytest.fixture
def start_bot(fake_api, tmp_path):
    """``start_bot(database_url, **env)`` runs ``python -m bot`` against ``fake_api``; killed afterwards."""
    started: list[BotProcess] = []

    def start(database_url: str, **extra: str) -> BotProcess:
        env = process_env(DATABASE_URL=database_url, METADATA_LOOKUPS="off", **fake_api.env(), **extra)
        bot = BotProcess(env, tmp_path / f"bot-{len(started)}.log")
        started.append(bot)
        return bot

    yield start
    for bot in started:
        bot.stop()


@pytest.fixture
def migrated_fresh_url(fresh_db_url) -> str:
    """A fresh database (``fresh_db_url``, parametrize it indirectly) migrated to head."""
    command.upgrade(alembic_config(fresh_db_url), "head")
    return fresh_db_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivatePostgres:
    """A PostgreSQL server of the test's own (``.ci/postgres`` with its own PGPORT and PGDATA_DIR)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.data_dir = f"/tmp/librium-pg-test-{uuid.uuid4().hex[:10]}"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, action: str) -> None:
        env = {**os.environ, "PGPORT": str(self.port), "PGDATA_DIR": self.data_dir}
        result = subprocess.run(
            [str(ROOT / ".ci" / "postgres"), action], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop")


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    if not shutil.which("initdb") and not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("PostgreSQL binaries are not installed")
    server = PrivatePostgres()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)
