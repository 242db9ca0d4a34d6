"""`python -m bot` and the Procfile, as real processes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run(
    args: list[str], env: dict[str, str], stdin: str = "", timeout: int = 60
) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL"))}
    full_env.update(env)
    return subprocess.run(
        args, cwd=ROOT, env=full_env, input=stdin, capture_output=True, text=True, timeout=timeout
    )


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def test_procfile_has_release_and_worker():
    processes = procfile()
    assert processes["release"] == "alembic upgrade head"
    assert processes["worker"] == "python -m bot"


def test_refuses_to_start_on_an_unmigrated_database(tmp_path):
    result = run([sys.executable, "-m", "bot"], {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "alembic upgrade head" in lines[0]


def test_malformed_setting_is_one_line(tmp_path):
    result = run([sys.executable, "-m", "bot"], {"TELEGRAM_BOT_TOKEN": "oops"})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr


def test_bad_rate_limit_is_one_line():
    result = run([sys.executable, "-m", "bot"], {"TELEGRAM_RATE_LIMIT": "thirty"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_RATE_LIMIT" in lines[0], result.stderr


@pytest.mark.parametrize("fresh_db_url", ["sqlite", "postgresql"], indirect=True)
def test_release_then_console_worker(fresh_db_url):
    """The release command twice (idempotent), then the worker without a token: the console chat."""
    env = {
        "DATABASE_URL": fresh_db_url,
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
    }
    release = procfile()["release"].split()
    for _ in range(2):
        result = run(release, env)
        assert result.returncode == 0, result.stderr
    worker = procfile()["worker"].split()
    worker[0] = sys.executable if worker[0] == "python" else worker[0]
    result = run(worker, env, stdin="/start\n/help\n!quit\n")
    assert result.returncode == 0, result.stderr
    assert "Hello" in result.stdout
    assert "/find" in result.stdout


def _set_revision(url: str, revision: str | None) -> None:
    from sqlalchemy import text

    from librium.database.sqlalchemy.session import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
    engine.dispose()


@pytest.mark.parametrize("fresh_db_url", ["sqlite", "postgresql"], indirect=True)
def test_behind_is_refused_and_newer_is_served_with_a_warning(fresh_db_url):
    """A database one revision behind is refused; one a newer release migrated (a rollback, or an old
    worker restarted mid-deploy) is served, with one warning line."""
    from alembic import command

    from librium.database.sqlalchemy.migrations import alembic_config

    env = {"DATABASE_URL": fresh_db_url, "LOG_LEVEL": "WARNING"}
    command.upgrade(alembic_config(fresh_db_url), "head")
    command.downgrade(alembic_config(fresh_db_url), "-1")
    result = run([sys.executable, "-m", "bot"], env, stdin="!quit\n")
    assert result.returncode == 2 and "alembic upgrade head" in result.stderr

    command.upgrade(alembic_config(fresh_db_url), "head")
    _set_revision(fresh_db_url, "f00dfeedbeef")  # a revision from a release this checkout has not seen
    result = run([sys.executable, "-m", "bot"], env, stdin="/start\n!quit\n")
    assert result.returncode == 0, result.stderr
    assert "Hello" in result.stdout
    warnings = [line for line in (result.stdout + result.stderr).splitlines() if "f00dfeedbeef" in line]
    assert len(warnings) == 1 and "newer" in warnings[0]
