"""A deploy as Heroku does it: the release phase migrates while the previous release's worker runs.

The previous release is this repository's code as it was just before the newest migration was added
(taken from git history), started as a real ``python -m bot`` process on its own schema. While it
serves, the new release phase (the Procfile's ``alembic upgrade head``) migrates the database under
it; it must go on answering, and what it writes must suit the new release's worker that takes over.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from librium.database.sqlalchemy.migrations import current_revision, head_revision
from librium.database.sqlalchemy.session import make_engine
from tests.conftest import ROOT
from tests.production.conftest import BotProcess, command_line, process_env

ADA = 5150


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, timeout=60)


def previous_release(into: Path) -> tuple[str, Path]:
    """(commit, checkout) of the last commit before the newest migration file was added."""
    if shutil.which("git") is None or git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("no git checkout: the previous release cannot be taken from history")
    newest = sorted((ROOT / "alembic" / "versions").glob("*.py"))[-1].relative_to(ROOT)
    # By its name without the number: a migration renumbered after another helper's landed first
    # (0006_search_terms → 0007_search_terms) was added under its first number, and the commit before
    # the renumbering may hold two heads.
    slug = newest.name.split("_", 2)[-1]
    pattern = str(newest.parent / f"*_{slug}")
    added = git("log", "--diff-filter=A", "--format=%H", "--", pattern).stdout.decode().split()
    if not added:
        pytest.skip(f"{newest} is not committed yet: no release has it")
    if git("rev-parse", "--verify", f"{added[-1]}~1").returncode != 0:
        pytest.skip("shallow history: the commit before the newest migration is not here")
    commit = git("rev-parse", f"{added[-1]}~1").stdout.decode().strip()
    archive = git("archive", "--format=tar", commit)
    assert archive.returncode == 0, archive.stderr
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return commit, into


def alembic(cwd: Path, url: str, *args: str) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "alembic"), *args],
        cwd=cwd,
        env=process_env(DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr


def revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("fresh_db_url", ["sqlite", "postgresql"], indirect=True)
def test_the_old_worker_serves_through_the_release_phase(fresh_db_url, fake_api, tmp_path):
    commit, old = previous_release(tmp_path / "previous")
    env = process_env(DATABASE_URL=fresh_db_url, METADATA_LOOKUPS="off", **fake_api.env())

    # The previous release, deployed: its own release phase, then its worker.
    alembic(old, fresh_db_url, "upgrade", "head")
    old_head = revision(fresh_db_url)
    assert old_head != head_revision(), f"{commit} should predate the newest migration"
    worker = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=old, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        fake_api.wait_for(lambda calls: any(c.method == "getUpdates" for c in calls), timeout=60)
        fake_api.send_text(ADA, "The Dispossessed by Ursula K. Le Guin")
        assert "Dispossessed" in fake_api.wait_replies(ADA, 1, timeout=30)[-1].text

        # The new release phase runs while the old worker is up (Heroku starts the new worker after).
        alembic(ROOT, fresh_db_url, *command_line("release")[1:])
        assert revision(fresh_db_url) == head_revision()

        # The old worker goes on serving on the new schema: adds, searches, cards.
        fake_api.send_text(ADA, "Kindred by Octavia E. Butler")
        assert "Kindred" in fake_api.wait_replies(ADA, 2, timeout=30)[-1].text
        fake_api.send_text(ADA, "dispossessed")
        found = fake_api.wait_replies(ADA, 3, timeout=30)[-1]
        assert "Dispossessed" in found.text
        open_first = next(
            b["callback_data"] for b in found.buttons if b.get("callback_data", "").startswith("b:")
        )
        _, callback_id = fake_api.tap(ADA, open_first)
        fake_api.wait_answer(callback_id, timeout=30)
        assert "Le Guin" in fake_api.replies_to(ADA)[-1].text
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert worker.returncode == 0, output
    assert "Traceback" not in output and "ERROR" not in output, output

    # The new release's worker takes over and finds everything the old one wrote.
    new = BotProcess(env, tmp_path / "new-worker.log")
    try:
        fake_api.send_text(ADA, "kindred")
        replies = fake_api.wait_replies(ADA, 5, timeout=60)
        assert "Kindred" in replies[-1].text, new.log()
        fake_api.send_text(ADA, "/stats")
        fake_api.wait_replies(ADA, 6, timeout=60)
    finally:
        assert new.terminate() == 0, new.log()
    assert "Traceback" not in new.log()
