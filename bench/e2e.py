"""End to end: the fake Bot API server (bench/fake_botapi.py) feeds updates to a real bot process over HTTP.

    python -m bench.e2e                      # 2,000 updates, 10,000-book SQLite library, both modes
    python -m bench.e2e --updates 600 --mode deployed --url postgresql://postgres@127.0.0.1:55432/bench

For search, add and card views it measures updates/second (open loop: a kind's whole batch injected at
once, until its last reply) and latency percentiles (closed loop: one update in flight, injected →
reply recorded by the server), for Librium (``python -m bot``) next to bench/echo_bot.py (the framework's
ceiling), and prints "ours / echo". In capacity mode it also runs the echo bot with ``--one-read`` (one
primary-key read per update): the floor of any bot with a database.

Two modes. ``deployed``: both bots exactly as deployed, with AIORateLimiter, which holds every bot to
Telegram's 30 messages/second. ``capacity``: both without the flood limiter (ours is ``python -m bot``
as deployed, with TELEGRAM_RATE_LIMIT=0), which shows what the process itself can do.

On PostgreSQL, capacity mode also runs ours as 1 and as 2 webhook processes on one database
(bench/webhooks.py) and prints both.

Both bots handle the same number of updates at once (``--concurrency``, ours through
CONCURRENT_UPDATES). It matters: with python-telegram-bot's "True" (256 at once) a burst opens well
over a hundred connections and httpcore's pool scans them all for every request, which caps even the
echo bot near 120 updates/s on a 2-CPU machine, against 800+ with 16 at once.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import make_url, select, text, update

from bench.fake_botapi import SENDING, FakeBotApi, percentiles
from bench.generate import FIRST, LAST, WORDS, generate, new_library, settle
from librium.config import Settings, database_url
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import make_engine

ROOT = Path(__file__).resolve().parent.parent
BENCH_USER = 424242
KINDS = ("search", "add", "card")


@dataclass
class Bot:
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)  # settings on top of the fake Bot API's


@dataclass
class Library:
    url: str
    book_ids: list[int]
    words: list[str]


def create_database(url: str) -> None:
    """On PostgreSQL, create the database ``url`` names when the server does not have it yet."""
    target = make_url(url)
    if target.get_backend_name() != "postgresql":
        return
    server = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": target.database}):
            conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    server.dispose()


def prepare_library(url: str, books: int, seed: int = 1) -> Library:
    """Migrate ``url`` and fill a library of ``books`` books owned by the bench user."""
    from alembic import command

    from librium.database.sqlalchemy.migrations import alembic_config

    create_database(url)
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with engine.begin() as conn:
        library_id = new_library(conn)
        made = generate(conn, library_id, books, seed=seed)
        owner = conn.scalar(select(db.Library.owner_id).where(db.Library.id == library_id))
        conn.execute(update(db.User).where(db.User.telegram_id == BENCH_USER).values(telegram_id=-BENCH_USER))
        conn.execute(update(db.User).where(db.User.id == owner).values(telegram_id=BENCH_USER))
        ids = list(
            conn.scalars(
                select(db.Book.id).where(db.Book.library_id == library_id, db.Book.deleted_at.is_(None))
            )
        )
    if engine.dialect.name == "postgresql":  # a deployed SQLite file has no statistics: left as it is
        settle(engine)
    engine.dispose()
    return Library(url, ids, made.words + made.surnames)


def bot_env(
    api: FakeBotApi, url: str, concurrency: int | None = None, extra: dict[str, str] | None = None
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "WEBHOOK_"))}
    env.update(api.env(), DATABASE_URL=url, METADATA_LOOKUPS="off", PYTHONUNBUFFERED="1", **(extra or {}))
    if concurrency:
        env["CONCURRENT_UPDATES"] = str(concurrency)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def start(
    bot: Bot,
    api: FakeBotApi,
    url: str,
    log: Path,
    concurrency: int | None = None,
    timeout: float = 60,
    code: Path = ROOT,
    wait: str = "getUpdates",
) -> subprocess.Popen:
    """Start a bot process (from the checkout ``code``) and wait for its first call of ``wait``."""
    seen = len(api.of(wait))
    proc = subprocess.Popen(
        bot.command,
        cwd=code,
        env=bot_env(api, url, concurrency, bot.env),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    api.wait_for(lambda calls: len([c for c in calls if c.method == wait]) > seen, timeout=timeout)
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --------------------------------------------------------------------------- workload


def make_update(api: FakeBotApi, kind: str, rng: random.Random, library: Library, n: int) -> dict:
    if kind == "search":
        words = rng.sample(library.words, rng.choice((1, 1, 2)))
        return api.message_update(BENCH_USER, " ".join(words))
    if kind == "add":
        title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()} {n}"
        return api.message_update(BENCH_USER, f"{title} by {rng.choice(FIRST)} {rng.choice(LAST)}")
    return api.callback_update(BENCH_USER, f"b:{rng.choice(library.book_ids)}")


def _done(calls, since: float, callbacks: set[str]) -> list:
    """The calls that complete updates: replies to the bench user, answers to our taps."""
    return [
        c
        for c in calls
        if c.at >= since
        and (
            (c.method in SENDING and c.chat_id == BENCH_USER and not callbacks)
            or (c.method == "answerCallbackQuery" and str(c.params.get("callback_query_id")) in callbacks)
        )
    ]


def throughput(api: FakeBotApi, updates: list[dict], timeout: float = 120) -> tuple[float, float]:
    """Inject all at once; (updates per second, seconds) until the last one is answered."""
    callbacks = {u["callback_query"]["id"] for u in updates if "callback_query" in u}
    started = time.monotonic()
    for u in updates:
        api.inject(u)
    done = api.wait_for(
        lambda calls: (d := _done(calls, started, callbacks)) and len(d) >= len(updates) and d,
        timeout=max(timeout, len(updates) / 5),
    )
    elapsed = max(c.at for c in done) - started
    return len(updates) / elapsed, elapsed


def latencies(api: FakeBotApi, updates: list[dict]) -> list[float]:
    """One update in flight at a time; milliseconds from injection to its reply."""
    result = []
    for u in updates:
        callbacks = {u["callback_query"]["id"]} if "callback_query" in u else set()
        since = time.monotonic()
        update_id = api.inject(u)
        done = api.wait_for(lambda calls, s=since, cb=callbacks: _done(calls, s, cb), timeout=60)
        result.append((done[0].at - api.injected_at[update_id]) * 1000)
    return result


@dataclass
class KindResult:
    per_second: float
    seconds: float
    latency_ms: list[float]
    cpu_ms: float  # CPU time (user + system, all threads) of the bot process per update, open loop


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drive(
    bot: Bot,
    library: Library,
    per_kind: int,
    samples: int,
    seed: int,
    log: Path,
    concurrency: int | None = None,
) -> dict:
    rng = random.Random(seed)
    results: dict[str, KindResult] = {}
    with FakeBotApi() as api:
        proc = start(bot, api, library.url, log, concurrency)
        try:
            # Warm up (imports, first queries, connection pool), then measure.
            for kind in KINDS:
                latencies(api, [make_update(api, kind, rng, library, 10**6 + i) for i in range(5)])
            for kind in KINDS:
                batch = [make_update(api, kind, rng, library, i) for i in range(per_kind)]
                cpu_before = cpu_seconds(proc.pid)
                rate, seconds = throughput(api, batch)
                cpu_ms = (cpu_seconds(proc.pid) - cpu_before) / len(batch) * 1000
                closed = [make_update(api, kind, rng, library, 10**5 + i) for i in range(samples)]
                results[kind] = KindResult(rate, seconds, latencies(api, closed), cpu_ms)
        finally:
            stop(proc)
    return results


def fmt(values: list[float]) -> str:
    return " / ".join(f"{v:6.1f}" for v in percentiles(values))


def median_run(runs: list[dict]) -> dict:
    """Per kind, the run with the median throughput (a quiet run and a noisy one do not decide alone)."""
    return {
        kind: sorted((run[kind] for run in runs), key=lambda r: r.per_second)[len(runs) // 2]
        for kind in KINDS
    }  # (KindResult or webhooks.Burst: both have per_second)


def report(mode: str, bots: dict[str, dict], per_kind: int) -> None:
    """One row per kind: each bot's updates/s, ours as a share of the others, latency and CPU."""
    names = list(bots)
    ours, echo = bots["ours"], bots["echo"]
    print(f"\n{mode}: {per_kind} updates per kind, throughput open loop, latency closed loop (ms)")
    header = f"{'kind':8} " + " ".join(f"{name + '/s':>10}" for name in names)
    header += " " + " ".join(f"{'ours/' + name:>14}" for name in names[1:])
    print(
        header + f"   {'ours p50/p95/p99':>24}   {'echo p50/p95/p99':>24}   CPU ms/update " + ", ".join(names)
    )
    for kind in KINDS:
        rates = [bots[name][kind].per_second for name in names]
        row = f"{kind:8} " + " ".join(f"{r:10.1f}" for r in rates)
        row += " " + " ".join(f"{rates[0] / r:14.0%}" for r in rates[1:])
        cpu = ", ".join(f"{bots[name][kind].cpu_ms:.2f}" for name in names)
        print(row + f"   {fmt(ours[kind].latency_ms):>24}   {fmt(echo[kind].latency_ms):>24}   {cpu:>13}")
    total = len(KINDS) * per_kind
    alls = [total / sum(r.seconds for r in bots[name].values()) for name in names]
    print(
        f"{'all':8} "
        + " ".join(f"{r:10.1f}" for r in alls)
        + " "
        + " ".join(f"{alls[0] / r:14.0%}" for r in alls[1:])
    )
    if "echo+read" in bots:  # what one database read per update costs any bot
        floor = bots["echo+read"]
        print(
            "p50 latency, ours - echo+read: "
            + ", ".join(
                f"{k} {statistics.median(ours[k].latency_ms) - statistics.median(floor[k].latency_ms):+.1f} ms"
                for k in KINDS
            )
        )
        shares = [bots["echo+read"][k].per_second / echo[k].per_second for k in KINDS]
        shares.append(alls[names.index("echo+read")] / alls[names.index("echo")])
        print(
            "echo+read / echo: "
            + ", ".join(f"{k} {v:.0%}" for k, v in zip((*KINDS, "all"), shares, strict=True))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000, help="updates per bot per mode (split by kind)")
    parser.add_argument("--samples", type=int, default=150, help="closed-loop latency samples per kind")
    parser.add_argument("--books", type=int, default=10_000)
    parser.add_argument("--url", help="an empty database (default: a new SQLite file)")
    parser.add_argument(
        "--mode",
        choices=("deployed", "capacity", "webhooks", "both"),
        default="both",
        help="both: deployed and capacity (capacity on PostgreSQL also runs webhooks: 1 and 2 processes)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--rounds", type=int, default=1, help="run each bot this many times, report the median"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=Settings.concurrent_updates,
        help="updates each bot handles at once (default: CONCURRENT_UPDATES' default)",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="librium-e2e-"))
    url = database_url(args.url) if args.url else f"sqlite:///{workdir / 'bench.sqlite'}"
    started = time.perf_counter()
    library = prepare_library(url, args.books)
    print(
        f"{len(library.book_ids):,} live books in {time.perf_counter() - started:.1f} s on "
        f"{make_engine(url).dialect.name}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; logs in {workdir}"
    )
    per_kind = max(1, args.updates // len(KINDS))
    python = sys.executable
    worker = [python, "-m", "bot"]  # the Procfile's worker
    echo = [python, "-m", "bench.echo_bot", "--concurrency", str(args.concurrency)]
    modes = {
        "deployed": {"ours": Bot(worker), "echo": Bot(echo)},
        "capacity": {
            "ours": Bot(worker, {"TELEGRAM_RATE_LIMIT": "0"}),
            "echo": Bot([*echo, "--no-rate-limit"]),
            "echo+read": Bot([*echo, "--no-rate-limit", "--one-read"]),
        },
    }
    print(f"both bots handle {args.concurrency} updates at once")
    for mode, commands in modes.items():
        if args.mode not in (mode, "both"):
            continue
        runs: dict[str, list[dict]] = {name: [] for name in commands}
        for round_ in range(args.rounds):  # interleaved, so a slow spell on the machine hits every bot
            for name, bot in commands.items():
                log = workdir / f"{name.replace('+', '-')}-{mode}.log"
                runs[name].append(
                    # A new seed each round: the same adds again would take the (faster) duplicate path.
                    drive(bot, library, per_kind, args.samples, args.seed + round_, log, args.concurrency)
                )
        bots = {name: median_run(r) for name, r in runs.items()}
        report(mode, bots, per_kind)
    postgresql = make_engine(url).dialect.name == "postgresql"
    if args.mode == "webhooks" or (args.mode in ("capacity", "both") and postgresql):
        from bench import webhooks

        scale: dict[int, list[dict]] = {1: [], 2: []}
        for round_ in range(args.rounds):
            for processes in scale:
                scale[processes].append(
                    webhooks.run(library, processes, per_kind, args.concurrency, args.seed + round_, workdir)
                )
        webhooks.report({n: median_run(r) for n, r in scale.items()}, per_kind)


if __name__ == "__main__":
    main()
