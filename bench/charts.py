"""Time every statistics query and chart on a large synthetic library (SQLite in a temp file).

    python -m bench.charts              # 100,000 books
    python -m bench.charts --books 10000 --repeat 5
    python -m bench.charts --books 3000 --repeat 1 --example docs/images/stats-example.png

Builds the library with bulk Core inserts (seconds, not minutes), then prints, for each query, each
renderer and each named view (query + render, what the bot does for one button), the median and the
worst time over ``--repeat`` runs. Target: every view under one second at 100,000 books.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from alembic import command
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from librium import charts
from librium.charts import views
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.migrations import alembic_config
from librium.database.sqlalchemy.session import make_engine
from librium.services import goals, stats
from librium.text import fold

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2024

FIRST = [
    "Ana",
    "José",
    "Zoë",
    "Søren",
    "Łukasz",
    "Amélie",
    "Björn",
    "Chloé",
    "Ngozi",
    "Haruki",
    "Olga",
    "Ian",
]
LAST = [
    "García Márquez",
    "Le Guin",
    "Müller",
    "Ødegaard",
    "Nakamura",
    "O'Brien",
    "Dostoévski",
    "Smith",
    "Núñez",
]
GENRES = [
    "Fantasy", "Science Fiction", "Literary Fiction", "Mystery", "Thriller", "Romance", "History", "Biography",
    "Poetry", "Essays", "Horror", "Humour", "Philosophy", "Science", "Travel", "Children", "Young Adult",
    "Graphic Novel", "Classics", "Drama", "Cooking", "Art", "Religion", "Politics", "Economics",
]  # fmt: skip
FORMATS = ["Paperback", "Hardcover", "Ebook", "Audiobook", "Mass market"]
LANGUAGES = [
    "English",
    "Español",
    "Français",
    "Deutsch",
    "Italiano",
    "Português",
    "Русский",
    "日本語",
    "Polski",
    "Dansk",
]
CURRENCIES = ["EUR"] * 6 + ["USD"] * 3 + ["GBP"]
INITIALS = "ABCDEFGHJKLMNPRSTVW"
WORDS = [
    "shadow",
    "river",
    "night",
    "garden",
    "winter",
    "city",
    "stone",
    "light",
    "silence",
    "house",
    "sea",
    "memory",
    "fire",
    "glass",
    "road",
]


def _names(session: Session, model, library_id: int, names: list[str]) -> list[int]:
    rows = [{"library_id": library_id, "name": n, "key": fold(n)} for n in names]
    session.execute(insert(model), rows)
    return list(session.scalars(select(model.id).where(model.library_id == library_id).order_by(model.id)))


def generate(session: Session, n_books: int, seed: int = 7) -> tuple[int, int]:
    """Fill one library with ``n_books`` realistic books; returns (library id, owner user id)."""
    rng = random.Random(seed)
    user = db.User(telegram_id=1, display_name="Bench")
    library = db.Library(name="Bench", kind="personal")
    session.add_all([user, library])
    session.flush()
    lib = library.id

    genre_ids = _names(session, db.Genre, lib, GENRES)
    format_ids = _names(session, db.Format, lib, FORMATS)
    language_ids = _names(session, db.Language, lib, LANGUAGES)
    publisher_ids = _names(session, db.Publisher, lib, [f"Editorial {i}" for i in range(200)])

    n_authors = max(10, n_books // 12)
    authors, seen = [], set()
    for i in range(n_authors):
        name = f"{rng.choice(FIRST)} {rng.choice(INITIALS)}. {rng.choice(LAST)}"
        if name in seen:
            name = f"{name} {i}"
        seen.add(name)
        authors.append(
            {"library_id": lib, "display_name": name, "sort_name": name, "key": fold(name), "uuid": f"a-{i}"}
        )
    session.execute(insert(db.Author), authors)
    author_ids = list(session.scalars(select(db.Author.id).where(db.Author.library_id == lib)))

    start = dt.datetime(2010, 1, 1, tzinfo=dt.UTC)
    span = (dt.datetime(2025, 12, 31, tzinfo=dt.UTC) - start).total_seconds()
    books = []
    for i in range(n_books):
        title = f"The {rng.choice(WORDS).title()} of {rng.choice(WORDS).title()}"
        created = start + dt.timedelta(seconds=rng.random() * span)
        priced = rng.random() < 0.7
        status = rng.choices(["read", "to-read", "reading", "abandoned"], [50, 40, 5, 5])[0]
        books.append(
            {
                "library_id": lib,
                "uuid": f"b-{i}",
                "title": title,
                "title_key": fold(title),
                "isbn13": None,
                "release_year": rng.randint(1850, 2025) if rng.random() < 0.93 else None,
                "page_count": rng.randint(80, 1200) if rng.random() < 0.9 else None,
                "price": Decimal(rng.randint(299, 4999)) / 100 if priced else None,
                "currency": rng.choice(CURRENCIES) if priced else None,
                "format_id": rng.choice(format_ids) if rng.random() < 0.85 else None,
                "cover_url": "https://covers.example/x.jpg" if rng.random() < 0.7 else None,
                "status": status,
                "rating": rng.randint(1, 10) if status == "read" and rng.random() < 0.7 else None,
                "owned": rng.random() < 0.95,
                "copies": 1,
                "created_at": created,
                "updated_at": created,
                "deleted_at": created if rng.random() < 0.01 else None,
            }
        )
    session.execute(insert(db.Book), books)
    book_rows = session.execute(
        select(db.Book.id, db.Book.status).where(db.Book.library_id == lib).order_by(db.Book.id)
    ).all()

    links: dict[object, list[dict]] = {
        db.BookAuthor.__table__: [],
        db.book_genres: [],
        db.book_languages: [],
        db.book_publishers: [],
    }
    readings = []
    for book_id, status in book_rows:
        for pos, author_id in enumerate(rng.sample(author_ids, rng.choice([1, 1, 1, 2]))):
            links[db.BookAuthor.__table__].append(
                {"book_id": book_id, "author_id": author_id, "position": pos}
            )
        for genre_id in rng.sample(genre_ids, rng.choice([0, 1, 1, 2, 3])):
            links[db.book_genres].append({"book_id": book_id, "genre_id": genre_id})
        if rng.random() < 0.9:
            links[db.book_languages].append({"book_id": book_id, "language_id": rng.choice(language_ids)})
        if rng.random() < 0.8:
            links[db.book_publishers].append({"book_id": book_id, "publisher_id": rng.choice(publisher_ids)})
        if status in ("read", "abandoned", "reading"):
            for _ in range(2 if rng.random() < 0.1 else 1):
                # Recent years hold most logged readings, as in a real catalogue.
                days_back = min(int(rng.expovariate(1 / (365 * 3))), 365 * 20)
                finished = dt.date(2025, 12, 31) - dt.timedelta(days=days_back)
                started = finished - dt.timedelta(days=rng.randint(0, 60)) if rng.random() < 0.8 else None
                readings.append(
                    {
                        "book_id": book_id,
                        "user_id": user.id,
                        "started_on": started,
                        "finished_on": None if status == "reading" else finished,
                        "abandoned": status == "abandoned",
                    }
                )
    for table, rows in links.items():
        session.execute(insert(table), rows)
    session.execute(insert(db.Reading), readings)
    session.flush()
    goals.set_goal(session, user.id, YEAR, 40)
    return lib, user.id


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--example", type=Path, help="also save the year-in-review chart here (README image)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        command.upgrade(alembic_config(url), "head")
        engine = make_engine(url)
        t0 = time.perf_counter()
        with Session(engine) as session:
            lib, user_id = generate(session, args.books)
            session.commit()
        build_s = time.perf_counter() - t0
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()

        with Session(engine) as s:
            readings = s.scalar(select(func.count()).select_from(db.Reading))
            print(f"Library: {args.books:,} books, {readings:,} readings, built in {build_s:.1f} s (SQLite)")
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"Median and worst of {args.repeat} runs, milliseconds (load average {load}).\n")

            queries: dict[str, Callable[[], object]] = {
                "totals": lambda: stats.totals(s, lib),
                "by_genre": lambda: stats.by_genre(s, lib),
                "by_format": lambda: stats.by_format(s, lib),
                "by_language": lambda: stats.by_language(s, lib),
                "by_decade": lambda: stats.by_decade(s, lib),
                "read_per_year": lambda: stats.read_per_year(s, lib),
                "read_per_month": lambda: stats.read_per_month(s, lib, YEAR),
                "pages_per_year": lambda: stats.pages_per_year(s, lib),
                "money": lambda: stats.money(s, lib),
                "top_authors": lambda: stats.top_authors(s, lib),
                "top_authors(read)": lambda: stats.top_authors(s, lib, read=True),
                "pace": lambda: stats.pace(s, lib),
                "year_review": lambda: stats.year_review(s, lib, YEAR),
                "problems": lambda: stats.problems(s, lib),
                "goal_progress": lambda: goals.goal_progress(s, user_id, [lib], YEAR, dt.date(YEAR, 7, 1)),
            }
            results = {name: fn() for name, fn in queries.items()}
            renders: dict[str, Callable[[], object]] = {
                "books_per_month": lambda: charts.books_per_month(results["read_per_month"]),
                "pages_per_year": lambda: charts.pages_per_year(results["pages_per_year"]),
                "breakdown(genre)": lambda: charts.breakdown(results["by_genre"]),
                "decades": lambda: charts.decades(results["by_decade"]),
                "money_per_year": lambda: charts.money_per_year(results["money"]),
                "top_authors": lambda: charts.top_authors(results["top_authors"]),
                "reading_pace": lambda: charts.reading_pace(results["pace"]),
                "goal_progress": lambda: charts.goal_progress(results["goal_progress"]),
                "year_in_review": lambda: charts.year_in_review(results["year_review"]),
            }
            request = views.Request(lib, YEAR, user_id=user_id, today=dt.date(YEAR, 7, 1))
            sizes = {view: len(views.render(s, view, request).png) for view in views.VIEWS}
            if args.example:
                args.example.parent.mkdir(parents=True, exist_ok=True)
                args.example.write_bytes(views.render(s, "year", request).png)
                print(f"Saved {args.example}\n")

            def section(title: str, rows: dict[str, Callable[[], object]], extra=None) -> list[float]:
                print(f"{title:<28} {'median':>8} {'worst':>8}" + ("  PNG KB" if extra else ""))
                worst_all = []
                for name, fn in rows.items():
                    med, worst = timed(fn, args.repeat)
                    worst_all.append(worst)
                    tail = f"  {extra[name] / 1024:6.0f}" if extra else ""
                    print(f"  {name:<26} {med:8.1f} {worst:8.1f}{tail}")
                print()
                return worst_all

            section("stats query", queries)
            section("chart render", renders)
            view_rows = {f"view {v}": (lambda v=v: views.render(s, v, request)) for v in views.VIEWS}
            worst = section("view = query + render", view_rows, {f"view {v}": sizes[v] for v in views.VIEWS})
            verdict = "OK" if max(worst) < 1000 else "OVER TARGET"
            print(f"Slowest view, worst run: {max(worst):.0f} ms (target < 1000 ms): {verdict}")
        engine.dispose()


if __name__ == "__main__":
    main()
