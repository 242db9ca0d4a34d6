"""Import speed: a generated 10,000-row Goodreads export into a fresh SQLite library.

    python -m bench.importing [--rows 10000] [--url sqlite:///... | postgresql://...]  (migrated to head first)

Prints rows per second for reading + planning and for writing, and peak memory (tracemalloc peak of
Python allocations during the import, and the process' max RSS). Also times the exports of the result.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from alembic import command
from alembic.config import Config
from stdnum import ean

from librium.config import database_url
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import make_engine, make_sessionmaker
from librium.services import exporting
from librium.services.importing import apply_plan, plan_import

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = exporting.GOODREADS_COLUMNS
FIRST = [
    "Ada",
    "Alan",
    "Anna",
    "Boris",
    "Chloe",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kira",
    "Liu",
    "Maria",
    "Nikos",
    "Olga",
    "Pavel",
]
LAST = [
    "Le Guin",
    "García Márquez",
    "Tolstoy",
    "Okafor",
    "Nakamura",
    "Smith",
    "Ivanova",
    "Papadopoulos",
    "Müller",
    "van der Berg",
]
WORDS = [
    "night",
    "wind",
    "sea",
    "stone",
    "river",
    "glass",
    "city",
    "crown",
    "shadow",
    "garden",
    "winter",
    "fire",
    "letter",
    "house",
    "star",
]
SHELVES = ["fantasy", "sci-fi", "favourites", "history", "owned", "kindle", "book-club", "poetry"]


def _isbn(n: int) -> str:
    body = f"978{n:09d}"
    return body + ean.calc_check_digit(body)


def generate(rows: int, seed: int = 7) -> bytes:
    """A Goodreads-layout CSV with realistic variety: series in titles, co-authors, shelves, rereads."""
    rnd = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    authors = [f"{f} {last}" for f in FIRST for last in LAST]
    for i in range(rows):
        title = f"The {rnd.choice(WORDS).title()} of {rnd.choice(WORDS).title()} {i}"
        if rnd.random() < 0.4:
            title += f" ({rnd.choice(WORDS).title()} Saga, #{rnd.randint(1, 9)}{rnd.choice(['', '', '.5'])})"
        author = rnd.choice(authors)
        shelf = rnd.choice(["read", "read", "to-read", "currently-reading"])
        isbn = _isbn(i) if rnd.random() < 0.8 else ""
        writer.writerow(
            [
                str(100000 + i),
                title,
                author,
                f"{author.split(' ', 1)[1]}, {author.split(' ', 1)[0]}",
                ", ".join(rnd.sample(authors, rnd.choice([0, 0, 1, 2]))),
                '=""',
                f'="{isbn}"',
                str(rnd.randint(0, 5)),
                "3.9",
                rnd.choice(["Tor", "Penguin", "Gallimard", "Εκδόσεις Πόλις", "АСТ"]),
                rnd.choice(["Paperback", "Hardcover", "Kindle Edition"]),
                str(rnd.randint(80, 900)),
                str(rnd.randint(1950, 2024)),
                str(rnd.randint(1800, 2024)),
                f"20{rnd.randint(10, 24)}/0{rnd.randint(1, 9)}/1{rnd.randint(0, 9)}"
                if shelf == "read"
                else "",
                f"20{rnd.randint(10, 24)}/0{rnd.randint(1, 9)}/0{rnd.randint(1, 9)}",
                ", ".join(rnd.sample(SHELVES, rnd.randint(0, 3))),
                "",
                shelf,
                "A review<br/>with two lines" if rnd.random() < 0.2 else "",
                "",
                "",
                str(rnd.choice([1, 1, 1, 2]) if shelf == "read" else 0),
                str(rnd.choice([0, 0, 1])),
            ]
        )
    return out.getvalue().encode("utf-8")


def _fresh_sqlite(directory: str) -> str:
    return _migrated(f"sqlite:///{directory}/bench.sqlite")


def _migrated(url: str) -> str:
    """``url`` with the schema at head (a PostgreSQL database given by --url must exist)."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.attributes["url"] = url
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "head")
    return url


def _import(factory, data: bytes, *, trace: bool) -> dict:
    """Import ``data`` into a new library; time it, or (trace=True) measure its peak Python memory."""
    with factory() as session:
        library = db.Library(name="Bench", kind="personal")
        session.add(library)
        session.commit()
        library_id = library.id
    if trace:
        tracemalloc.start()
    with factory() as session:
        c0, t0 = time.process_time(), time.perf_counter()
        plan = plan_import(session, library_id, data)
        c1, t1 = time.process_time(), time.perf_counter()
        result = apply_plan(session, library_id, plan)
        session.commit()
        c2, t2 = time.process_time(), time.perf_counter()
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    return {
        "library_id": library_id,
        "plan": plan,
        "added": result.added,
        "t": (t0, t1, t2),
        "cpu": (c0, c1, c2),
        "peak": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file in a temporary folder)")
    args = parser.parse_args()

    data = generate(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        url = _migrated(database_url(args.url)) if args.url else _fresh_sqlite(tmp)
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        timed = _import(factory, data, trace=False)  # speed, without tracemalloc's overhead
        traced = _import(factory, data, trace=True)  # memory, into a second empty library
        with factory() as session:
            t3 = time.perf_counter()
            csv_bytes = sum(len(p) for p in exporting.iter_goodreads_csv(session, timed["library_id"]))
            t4 = time.perf_counter()
            json_bytes = sum(len(p) for p in exporting.iter_json_dump(session, timed["library_id"]))
            t5 = time.perf_counter()
        engine.dispose()

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    t0, t1, t2 = timed["t"]
    plan = timed["plan"]
    print(f"engine                {url.split(':', 1)[0]}")
    print(f"file                  {args.rows:,} rows, {len(data) / 2**20:.1f} MB")
    print(
        f"plan: new/merged/in library/refused/values not kept  {plan.new:,} / {plan.merged:,} / "
        f"{plan.in_library:,} / {len(plan.refused):,} / {plan.dropped_values:,}"
    )
    print(f"read + plan           {t1 - t0:6.2f} s   {args.rows / (t1 - t0):9,.0f} rows/s")
    print(f"write (apply)         {t2 - t1:6.2f} s   {timed['added'] / (t2 - t1):9,.0f} rows/s")
    print(f"import total          {t2 - t0:6.2f} s   {args.rows / (t2 - t0):9,.0f} rows/s")
    c0, c1, c2 = timed["cpu"]
    print(
        f"CPU of this process   {c2 - c0:6.2f} s   {args.rows / (c2 - c0):9,.0f} rows/s "
        f"(plan {c1 - c0:.2f} s, apply {c2 - c1:.2f} s; the database server's CPU is not in it)"
    )
    print(f"load average          {' '.join(f'{x:.1f}' for x in __import__('os').getloadavg())} (2 cores)")
    print(f"peak Python memory    {traced['peak'] / 2**20:6.1f} MB (tracemalloc, plan + apply, separate run)")
    print(f"max RSS               {rss_mb:6.1f} MB (whole process)")
    print(f"export CSV            {t4 - t3:6.2f} s   {csv_bytes / 2**20:.1f} MB")
    print(f"export JSON           {t5 - t4:6.2f} s   {json_bytes / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
