"""How long a running worker waits while the release phase applies a revision (PostgreSQL).

    python -m bench.migration_wait --url postgresql://postgres@127.0.0.1:55432/bench [--books 100000]

Migrates an empty database to the revision before ``--revision`` (default 0004), fills a library, then
applies ``--revision`` while a reader, as the previous release's worker would, reads ``book_search``
every 10 ms in its own short transactions. Prints how long the upgrade took and the reader's median and
worst wait: a revision that rewrites a table under a lock shows up as a worst wait close to the upgrade
time. See docs/deploy.md ("Migrations while the old version runs").
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bench.generate import generate, new_library
from librium.config import database_url
from librium.database.sqlalchemy.migrations import alembic_config
from librium.database.sqlalchemy.session import make_engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--revision", default="0004")
    args = parser.parse_args()
    url = database_url(args.url)
    config = alembic_config(url)
    before = ScriptDirectory.from_config(config).get_revision(args.revision).down_revision
    command.upgrade(config, before)
    engine = make_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        library_id = new_library(conn)
        generate(conn, library_id, args.books)
    print(f"{args.books:,} books at revision {before} in {time.perf_counter() - started:.1f} s")

    waits: list[float] = []
    done = threading.Event()

    def reader() -> None:
        probe = make_engine(url)
        while not done.is_set():
            begun = time.perf_counter()
            with probe.begin() as conn:
                conn.execute(
                    text("SELECT count(*) FROM book_search WHERE library_id = :l AND book_id < 50"),
                    {"l": library_id},
                ).scalar()
            waits.append((time.perf_counter() - begun) * 1000)
            time.sleep(0.01)
        probe.dispose()

    thread = threading.Thread(target=reader)
    thread.start()
    time.sleep(0.5)
    started = time.perf_counter()
    command.upgrade(config, args.revision)
    upgrade_s = time.perf_counter() - started
    time.sleep(0.3)
    done.set()
    thread.join()
    print(
        f"upgrade {before} -> {args.revision}: {upgrade_s:.2f} s; reader: {len(waits)} reads, "
        f"median {statistics.median(waits):.1f} ms, worst {max(waits):.0f} ms"
    )


if __name__ == "__main__":
    main()
