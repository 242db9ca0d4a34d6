"""The Mini App on a 10,000-book library over loopback: API latency, first screen, page weight.

    python -m bench.webapp                 # SQLite
    python -m bench.webapp --pg            # PostgreSQL at DATABASE_URL or TEST_DATABASE_URL
    python -m bench.webapp --books 100000 --rounds 300

API: p50/p95 of the grid's first and a deep page, search as you type (three letters, then a word),
a filter chip, and a book's page, each over HTTP with initData checked, as the page calls them (wall
time, client and server on one machine; server CPU time per request alongside, which the machine's
load changes less; client and server together). First screen: headless Chromium at 390×844 from navigation to the first row of
cards drawn (median of several loads). Page weight: every byte the page loads before any cover
(compressed, as sent), without Telegram's own script.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from alembic import command
from sqlalchemy import select

from bench.generate import generate, new_library, settle
from bench.search import fresh_database
from bot.webapp import local
from bot.webapp.auth import sign_for
from librium.config import Settings, database_url
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.migrations import alembic_config
from librium.database.sqlalchemy.session import make_engine, make_sessionmaker

TOKEN = "123456:BENCH-TOKEN"


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class PostgresCpu:
    """The CPU time of PostgreSQL's backends serving the bench's database (/proc of each backend: the
    server runs on this machine), so a PostgreSQL request's CPU counts the database's share too."""

    def __init__(self, engine) -> None:
        self.engine = engine  # an engine of its own: not a connection of the server's pool

    def __call__(self) -> float:
        with self.engine.connect() as conn:
            pids = conn.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).scalars()
            total = 0.0
            for pid in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            return total


def cursors(client: httpx.Client, sort: str, pages: range) -> list[int]:
    """The ``after`` of each page in ``pages`` of the grid in ``sort`` order, as the page scrolls."""
    found, params = [], {"sort": sort}
    for number in range(1, pages.stop):
        if number in pages:
            found.append(params["after"])
        data = client.get("/app/api/books", params=params).json()
        params = {"sort": sort, **data["next"]}
    return found


def api_rows(
    client: httpx.Client, made, book_ids: list[int], rounds: int, database_cpu=None
) -> list[tuple[str, float, float, float, float, float | None]]:
    """(name, p50, p95, server CPU ms, client CPU ms, database CPU ms) per request, as the page asks
    (typed words are sorted by best match unless the reader picks an order; deeper pages go on after
    the last card)."""
    words = [w for w in made.words if len(w) >= 4][:20] or ["the"]
    deep = cursors(client, "author", range(30, 131))
    cases = {
        "grid, first page (recent)": lambda i: ("books", {"sort": "recent"}),
        "grid, page 20 (title)": lambda i: ("books", {"sort": "title", "page": 20}),
        "search as you type: 3 letters": lambda i: (
            "books",
            {"q": words[i % len(words)][:3], "sort": "relevance"},
        ),
        "search: a whole word": lambda i: ("books", {"q": words[i % len(words)], "sort": "relevance"}),
        "search 3 letters, sorted by title": lambda i: (
            "books",
            {"q": words[i % len(words)][:3], "sort": "title"},
        ),
        "chip: unread + sort by author": lambda i: ("books", {"chips": "unread", "sort": "author"}),
        "sort by author, pages 30-130": lambda i: ("books", {"sort": "author", "after": deep[i % len(deep)]}),
        "a book's page": lambda i: (f"books/{book_ids[i % len(book_ids)]}", {}),
        "chips' shelves and genres": lambda i: ("facets", {}),
    }
    rows = []
    for name, case in cases.items():
        for i in range(5):  # warm up
            client.get("/app/api/" + case(i)[0], params=case(i)[1])
        database0 = database_cpu() if database_cpu else 0.0
        times, cpu0, client0 = [], process_cpu(), time.thread_time()
        for i in range(rounds):
            path, params = case(i)
            started = time.perf_counter()
            response = client.get("/app/api/" + path, params=params)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
        mine = time.thread_time() - client0  # this thread is the HTTP client; the server runs in others
        server = (process_cpu() - cpu0 - mine) * 1000 / rounds
        database = (database_cpu() - database0) * 1000 / rounds if database_cpu else None
        p50, p95 = percentiles(times)
        rows.append((name, p50, p95, server, mine * 1000 / rounds, database))
    return rows


def stub(script: str):
    """A route handler answering Telegram's script with the stub."""

    def fulfill(route, request=None) -> None:
        route.fulfill(body=script, content_type="application/javascript")

    return fulfill


def browser_numbers(url: str, init: str, loads: int) -> tuple[list[float], int, dict[str, int]]:
    from playwright.sync_api import sync_playwright

    from tests.webapp.browser import CHROMIUM, FLAGS, LIGHT, PHONE, stub_script

    firsts: list[float] = []
    weights: dict[str, int] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for n in range(loads):
            context = browser.new_context(viewport=PHONE, device_scale_factor=2)
            script = stub_script(init, LIGHT, "light")
            context.route("https://telegram.org/js/telegram-web-app.js", stub(script))
            page = context.new_page()
            responses: list = []
            page.on("response", lambda response, seen=responses: seen.append(response))
            started = time.perf_counter()
            page.goto(url + "/app/", wait_until="commit")
            page.locator("#grid .card").nth(5).wait_for(state="visible")  # the first two rows drawn
            firsts.append((time.perf_counter() - started) * 1000)
            page.wait_for_load_state("networkidle")
            if n == 0:  # bytes over the wire (compressed as sent), every response but covers
                weights = {
                    r.url.replace(url, "").split("?")[0]: r.request.sizes()["responseBodySize"]
                    for r in responses
                    if r.url.startswith(url) and "/app/cover/" not in r.url
                }
            context.close()
        browser.close()
    return firsts, sum(weights.values()), weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--pg", action="store_true")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="run ANALYZE first (SQLite plans with statistics; a deployed "
        "SQLite file has none unless someone runs it, PostgreSQL's autovacuum gathers them)",
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database("postgresql" if args.pg else "sqlite", Path(tmp)) as url,
    ):
        url = database_url(url)
        command.upgrade(alembic_config(url), "head")
        engine = make_engine(url)
        with engine.begin() as conn:
            made = generate(conn, new_library(conn), args.books)
        if args.analyze or args.pg:
            settle(engine)
        logging.getLogger("tornado.access").setLevel(logging.ERROR)  # covers the stub cannot fetch: 404s
        factory = make_sessionmaker(engine)
        with factory() as session:
            owner = session.scalar(
                select(db.User.telegram_id)
                .join(db.Library, db.Library.owner_id == db.User.id)
                .where(db.Library.id == made.library_id)
            )
            book_ids = list(
                session.scalars(
                    select(db.Book.id)
                    .where(db.Book.library_id == made.library_id, db.Book.deleted_at.is_(None))
                    .limit(500)
                )
            )
        settings = Settings(
            database_url=url, bot_token=TOKEN, metadata_lookups=False, webapp_url="https://bench.example"
        )
        shelf = local.start(settings, factory)
        init = sign_for(owner, "Bench", TOKEN)
        try:
            stats = " (ANALYZE run)" if args.analyze or args.pg else " (no ANALYZE statistics)"
            engine_name = "PostgreSQL" if args.pg else "SQLite"
            print(f"Mini App, {made.live:,} live books, {engine_name}{stats}, loopback")
            with httpx.Client(
                base_url=shelf.url, headers={"Authorization": "tma " + init}, timeout=30
            ) as client:
                rows = api_rows(
                    client, made, book_ids, args.rounds, PostgresCpu(make_engine(url)) if args.pg else None
                )
            extra = f" {'PG CPU':>8}" if args.pg else ""
            print(f"{'request':34} {'p50 ms':>8} {'p95 ms':>8} {'server CPU':>10} {'client CPU':>10}{extra}")
            for name, p50, p95, cpu, mine, database in rows:
                extra = f" {database:8.1f}" if database is not None else ""
                print(f"{name:34} {p50:8.1f} {p95:8.1f} {cpu:10.1f} {mine:10.1f}{extra}")
            print(
                "CPU ms per request: the server's (tornado, the API, SQLAlchemy and SQLite in this process), "
                "the HTTP client's" + (", and PostgreSQL's backends' (/proc)" if args.pg else "")
            )
            print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            if not args.no_browser:
                firsts, weight, parts = browser_numbers(shelf.url, init, args.loads)
                print(
                    f"first screen of cards drawn: median {statistics.median(firsts):.0f} ms, "
                    f"best {min(firsts):.0f} ms, worst {max(firsts):.0f} ms ({len(firsts)} loads)"
                )
                print(
                    f"page weight before covers: {weight / 1024:.1f} KB ("
                    + ", ".join(f"{k.split('?')[0]} {v / 1024:.1f}" for k, v in sorted(parts.items()))
                    + ")"
                )
        finally:
            shelf.stop()


if __name__ == "__main__":
    main()
