"""Start-up: time from launching ``python -m bot`` to its first getUpdates call on the fake Bot API.

python -m bench.startup [--runs 5] [--url postgresql://...]   # target: median under 2 s
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.e2e import bot_env, stop
from bench.fake_botapi import FakeBotApi
from librium.config import database_url


def first_poll(url: str, log: Path) -> dict[str, float]:
    """Seconds from process start to getMe, to setMyCommands and to the first getUpdates."""
    import subprocess

    from bench.e2e import ROOT

    with FakeBotApi() as api:
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=ROOT,
            env=bot_env(api, url),
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        try:
            api.wait_for(lambda calls: any(c.method == "getUpdates" for c in calls), timeout=60)
            first = {c.method: c.at - started for c in reversed(api.calls)}
        finally:
            stop(proc)
    return {k: first[k] for k in ("getMe", "setMyCommands", "getUpdates")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", help="a database (default: a new migrated SQLite file)")
    args = parser.parse_args()
    from alembic import command

    from librium.database.sqlalchemy.migrations import alembic_config

    workdir = Path(tempfile.mkdtemp(prefix="librium-startup-"))
    url = database_url(args.url) if args.url else f"sqlite:///{workdir / 'startup.sqlite'}"
    command.upgrade(alembic_config(url), "head")
    runs = [first_poll(url, workdir / f"run{i}.log") for i in range(args.runs)]
    print(f"start-up of python -m bot, {args.runs} runs ({url.split(':')[0]}), seconds from launch")
    print(f"{'call':16} {'median':>8} {'min':>8} {'max':>8}")
    for method in ("getMe", "setMyCommands", "getUpdates"):
        values = [r[method] for r in runs]
        print(f"{method:16} {statistics.median(values):8.2f} {min(values):8.2f} {max(values):8.2f}")
    median = statistics.median(r["getUpdates"] for r in runs)
    print(f"first poll: median {median:.2f} s (target < 2 s): {'OK' if median < 2 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
