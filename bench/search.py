"""Time search, filtered search, browse and stats on synthetic libraries of 1,000 to 100,000 books.

    pipenv run python -m bench.search                       # SQLite at 1k, 10k, 100k
    pipenv run python -m bench.search --sizes 1000 10000 --calls 100
    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres pipenv run python -m bench.search

Each size gets a fresh database built by the real migrations (SQLite in a temp file; on PostgreSQL a
temporary database on the server named by DATABASE_URL or TEST_DATABASE_URL, dropped afterwards),
filled by :mod:`bench.generate`. Every operation is called ``--calls`` times through the services,
rotating over a set of different queries, after a few warm-up calls. Two tables show the median and
the 95th percentile in milliseconds of each call's CPU time (this process and, on PostgreSQL, the
server's backend: see :mod:`bench.timing`) and wall time, with the load average before and after. Targets: see ``TARGETS`` (printed at the end).

    pipenv run python -m bench.search --sizes 100000 --engine both --only search --calls 100
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from bench import timing
from bench.generate import Generated, generate, new_library, settle
from librium.config import database_url
from librium.database.sqlalchemy.migrations import alembic_config
from librium.database.sqlalchemy.session import make_engine
from librium.services import browse
from librium.services.search import search

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 100_000)
TARGETS = (
    "Targets at 100,000 books: word search and filtered search under 10 ms median on SQLite; typo searches "
    "(issue 18: exact, one and two edits) SQLite median < 10 ms and p95 < 30 ms, PostgreSQL < 15 / 50 ms."
)


@contextmanager
def fresh_database(kind: str, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    admin_url = database_url(postgres_url() or "")
    name = f"librium_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_url() -> str | None:
    """The PostgreSQL server to benchmark on: DATABASE_URL or TEST_DATABASE_URL, whichever is one."""
    for name in ("DATABASE_URL", "TEST_DATABASE_URL"):
        value = os.environ.get(name, "")
        if value.startswith("postgres"):
            return value
    return None


def operations(session: Session, made: Generated) -> dict[str, list[Callable[[Session], object]]]:
    """Each benchmark row: a rotation of calls with different arguments."""
    lib = made.library_id
    words = made.words[:12]
    surnames = made.surnames[:12]
    prefixes = [w[:3] for w in words[:6]] + [s[:4] for s in surnames[:6]]
    filters = ["is:unread", "year:1950..2000", "pages:<300", "genre:fantasy", "rating:>=4", "has:cover"]
    filter_only = [
        "genre:fantasy is:read sort:-year",
        "year:1990..1999 pages:<300",
        "is:unread lang:english sort:added",
        "author:garcia",
        "rating:>=4 sort:rating",
        "missing:isbn format:paperback",
    ]

    def searching(texts: list[str], **kw) -> list[Callable[[Session], object]]:
        return [lambda s, t=t: search(s, lib, t, **kw) for t in texts]

    ops: dict[str, list[Callable[[Session], object]]] = {
        "word search": searching(words + surnames),
        "typo search, one edit (near matches)": searching([typo(w, 1) for w in words + surnames]),
        "typo search, two edits (near matches)": searching([typo(w, 2) for w in words + surnames]),
        "typo in one of two words": searching(
            [f"{a} {typo(b, 1)}" for a, b in zip(words, surnames, strict=False)]
        ),
        "nothing matches (no near match either)": searching(["qzxwvj", "zzqxjvw kkq", "xqzv"]),
        "prefix search": searching(prefixes),
        f"most common title word ({made.common_word!r})": searching([made.common_word]),
        "two-word search": searching([f"{a} {b}" for a, b in zip(words, surnames, strict=False)]),
        "filtered search (words + filters)": searching(
            [f"{w} {f}" for w, f in zip(words + surnames, filters * 4, strict=False)]
        ),
        "filter-only search": searching(filter_only),
        "search, page 5 of 50 a page": searching(words[:6], page=5, page_size=50),
        "browse authors (page 1 / page 40)": [
            lambda s: browse.authors(s, lib),
            lambda s: browse.authors(s, lib, page=40),
        ],
        "browse series (page 1 / page 3)": [
            lambda s: browse.series(s, lib),
            lambda s: browse.series(s, lib, page=3),
        ],
        "series detail": [
            lambda s, i=entry.id: browse.series_detail(s, lib, i)
            for entry in browse.series(session, lib).items[:5]
        ],
        "browse genres / years": [lambda s: browse.genres(s, lib), lambda s: browse.years(s, lib)],
    }
    if importlib.util.find_spec("librium.services.stats"):
        from librium.services import stats

        ops["stats totals"] = [lambda s: stats.totals(s, lib)]
        ops["stats by genre"] = [lambda s: stats.by_genre(s, lib)]
        ops["stats problems"] = [lambda s: stats.problems(s, lib)]
    return ops


def typo(word: str, edits: int) -> str:
    """``word`` with ``edits`` deterministic typos: swap two different letters from the middle on, then
    drop the last but one."""
    middle = len(word) // 2
    while middle + 1 < len(word) and word[middle - 1] == word[middle]:
        middle += 1
    if edits >= 1 and len(word) >= 4:
        word = word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    if edits >= 2 and len(word) >= 8:
        word = word[:-2] + word[-1]
    return word


METRICS = {
    "cpu": "CPU time, this process + the PostgreSQL backend",
    "wall": "wall time",
}


def measure(
    session: Session, calls: list[Callable[[Session], object]], n: int
) -> dict[str, tuple[float, float]]:
    """Median and 95th percentile (ms) of each metric of ``n`` calls rotating over ``calls``."""
    for call in calls:  # warm up caches and statement compilation
        call(session)
    server = None
    if session.get_bind().dialect.name == "postgresql":
        server = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    watch = timing.Stopwatch(server)
    samples = []
    for i in range(n):
        call = calls[i % len(calls)]
        started = watch.start()
        call(session)
        samples.append(watch.stop(started))
    found = {}
    for metric in METRICS:
        times = sorted(getattr(sample, metric) for sample in samples)
        found[metric] = (statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))])
    return found


Results = dict[int, dict[str, dict[str, tuple[float, float]]]]  # size -> operation -> metric -> (p50, p95)


def run(kind: str, sizes: list[int], calls: int, workdir: Path, only: str = "") -> Results:
    results: Results = {}
    for n in sizes:
        with fresh_database(kind, workdir) as url:
            command.upgrade(alembic_config(url), "head")
            engine = make_engine(url)
            with engine.begin() as conn:
                made = generate(conn, new_library(conn), n)
            settle(engine)
            print(
                f"  {kind}: {n:,} books generated in {made.seconds:.1f} s ({made.authors:,} authors, "
                f"{made.series:,} series); {timing.load()}",
                flush=True,
            )
            with Session(engine) as session:
                results[n] = {
                    name: measure(session, ops, calls)
                    for name, ops in operations(session, made).items()
                    if only in name
                }
            print(f"  {kind}: {n:,} books measured; {timing.load()}", flush=True)
            engine.dispose()
    return results


def table(kind: str, metric: str, results: Results) -> str:
    sizes = sorted(results)
    names = list(results[sizes[0]])
    width = max(len(n) for n in names) + 2
    head = f"{kind + ', ' + metric + ' (ms: median / p95)':<{width}}" + "".join(
        f"{f'{n:,} books':>20}" for n in sizes
    )
    lines = [f"{kind}: {METRICS[metric]}", head, "-" * len(head)]
    for name in names:
        cells = "".join(
            f"{f'{results[n][name][metric][0]:.2f} / {results[n][name][metric][1]:.2f}':>20}" for n in sizes
        )
        lines.append(f"{name:<{width}}{cells}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--calls", type=int, default=200, help="timed calls per operation and size")
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default=None)
    parser.add_argument("--only", default="", help="only the operations whose name contains this")
    args = parser.parse_args()
    have_pg = postgres_url() is not None
    engines = {"sqlite": ["sqlite"], "postgresql": ["postgresql"], "both": ["sqlite", "postgresql"]}.get(
        args.engine or "", ["sqlite", "postgresql"] if have_pg else ["sqlite"]
    )
    with tempfile.TemporaryDirectory(prefix="librium-bench-") as tmp:
        for kind in engines:
            results = run(kind, args.sizes, args.calls, Path(tmp), args.only)
            for metric in METRICS:
                print()
                print(table(kind, metric, results))
            print()
    print(TARGETS)


if __name__ == "__main__":
    main()
