"""Where one update's CPU goes in ``python -m bot``, by part, from a profiler attached to the real process.

    python -m bench.profile                                # py-spy, SQLite, 10,000 books
    python -m bench.profile --url postgresql://postgres@127.0.0.1:55432/bench
    python -m bench.profile --callgrind --updates 150      # instructions per update (valgrind)

The bot runs exactly as deployed (``python -m bot``, polling, TELEGRAM_RATE_LIMIT=0) against
bench/fake_botapi.py, warms up, then gets a burst of searches, adds and card views (bench/e2e.py's
workload), one kind at a time.

``py-spy`` (default) samples every thread of the process while a burst is handled; each sample's stack
goes to one part (see ``parts_for``) and a part's share of the samples times the CPU the process spent per
update (/proc) gives its milliseconds per update. Sampling shares are fair under load, unlike wall time.

``--callgrind`` runs the bot under valgrind's callgrind and counts the instructions the process executes
per update (collection switched on only around each burst). Instruction counts do not depend on what
else the machine is doing: use them to compare two versions of the code.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.e2e import (
    KINDS,
    ROOT,
    Bot,
    Library,
    cpu_seconds,
    make_update,
    prepare_library,
    start,
    stop,
    throughput,
)
from bench.fake_botapi import FakeBotApi
from librium.config import database_url
from librium.database.sqlalchemy.session import make_engine

PY_SPY = Path(sys.executable).with_name("py-spy")
# Every thread; only samples of the thread holding the GIL (a thread waiting on a lock, the database or a
# socket is not spending CPU), so shares are shares of the CPU the interpreter spends.
SPY_OPTIONS = ("--format", "raw", "--threads", "--full-filenames", "--gil")

# Each sample goes to the first part whose rule matches its stack. Stack-wide rules first (work done for
# polling or the inbox, wherever it runs), then the frame nearest the leaf that a file rule claims.
INBOX_WORK = re.compile(r"^Inbox\.")  # Inbox.keep (and the read-ahead in it), .handled, .flush


def parts_for(root: Path) -> list[tuple[str, tuple[str, ...]]]:
    """The parts of an update, each with the frames it claims (a path or a function name they contain);
    ``root`` is the checkout the bot runs from."""
    ours = f"{root}/"
    return [
        (
            "persistence: user/chat data read-ahead, refresh, write-back",
            (f"{ours}bot/runtime/persistence.py", "_basepersistence.py", "update_persistence "),
        ),
        (
            "who is asking, which library (access)",
            (f"{ours}bot/runtime/access.py", f"{ours}librium/services/libraries.py"),
        ),
        ("service (search, add, card queries)", (f"{ours}librium/services/", f"{ours}librium/")),
        (
            "transaction: session, begin/commit, worker thread",
            (f"{ours}librium/database/sqlalchemy/session.py", "/concurrent/"),
        ),
        (
            "rendering: text, keyboards, callback data",
            (f"{ours}bot/views/", f"{ours}bot/chat/callbacks.py"),
        ),
        ("update log line", ("/logging/",)),
        ("python-telegram-bot dispatch", ("LibriumApplication.", "/telegram/ext/_application.py")),
        (
            "handlers: parse, route",
            (
                f"{ours}bot/handlers/",
                f"{ours}bot/chat/",
                f"{ours}bot/actions/",
                f"{ours}bot/runtime/dbcall.py",
            ),
        ),
        (
            "Bot API call: serialise, HTTP, rate limiter",
            (
                "/telegram/_bot.py",
                "/telegram/request/",
                "/httpx/",
                "/httpcore/",
                "/h11/",
                "/anyio/",
                "RateLimiter",
                "/aiohttp/",
                "/yarl/",
                "/multidict/",
                "/aiohappyeyeballs/",
                f"{ours}bot/runtime/aiohttp_request.py",
            ),
        ),
        ("python-telegram-bot dispatch", ("/telegram/", f"{ours}bot/")),
        ("event loop", ("/asyncio/", "/selectors.py")),
    ]


POLLING = "polling: getUpdates, parsing updates"
INBOX = "inbox: keep fetched updates, clear handled ones"
OTHER = "other"


def part_of(frames: list[str], parts: list[tuple[str, tuple[str, ...]]]) -> str:
    """The part a sampled stack (root first, ``function (file:line)`` each) belongs to."""
    if any(INBOX_WORK.search(f) for f in frames):
        return INBOX
    if any("/telegram/ext/_updater.py" in f for f in frames):
        return POLLING
    for frame in reversed(frames):
        for name, needles in parts:
            if any(n in frame for n in needles):
                return name
    return OTHER


def read_samples(raw: Path, root: Path = ROOT) -> Counter:
    """py-spy's raw (collapsed) output: ``thread (id): name;frame;frame... count`` per line."""
    rules = parts_for(root)
    parts: Counter = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        parts[part_of(stack.split(";")[1:], rules)] += int(count)
    return parts


def burst(api: FakeBotApi, kind: str, library: Library, count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [make_update(api, kind, rng, library, seed * 100_000 + i) for i in range(count)]


def warm_up(api: FakeBotApi, library: Library, count: int = 20) -> None:
    for kind in KINDS:
        throughput(api, burst(api, kind, library, count, 1), timeout=1800)


def profile_py_spy(library: Library, updates: int, rate: int, workdir: Path, code: Path) -> None:
    bot = Bot([sys.executable, "-m", "bot"], {"TELEGRAM_RATE_LIMIT": "0"})
    with FakeBotApi() as api:
        proc = start(bot, api, library.url, workdir / "bot.log", code=code)
        try:
            warm_up(api, library)
            for n, kind in enumerate(KINDS):
                raw = workdir / f"{kind}.txt"
                spy = subprocess.Popen(
                    [
                        PY_SPY,
                        "record",
                        "--pid",
                        str(proc.pid),
                        "--rate",
                        str(rate),
                        *SPY_OPTIONS,
                        "-o",
                        str(raw),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                time.sleep(1)  # py-spy attaches
                cpu = cpu_seconds(proc.pid)
                per_second, _ = throughput(api, burst(api, kind, library, updates, 10 + n))
                cpu_ms = (cpu_seconds(proc.pid) - cpu) / updates * 1000
                spy.send_signal(signal.SIGINT)
                spy.wait(60)
                report(kind, read_samples(raw, code), cpu_ms, per_second)
        finally:
            stop(proc)


def report(kind: str, parts: Counter, cpu_ms: float, per_second: float) -> None:
    total = sum(parts.values()) or 1
    print(f"\n{kind}: {cpu_ms:.2f} ms CPU per update ({per_second:.0f} updates/s), {total} samples")
    for name, count in parts.most_common():
        print(f"  {count / total:6.1%}  {count / total * cpu_ms:5.2f} ms  {name}")


def profile_callgrind(library: Library, updates: int, workdir: Path, code: Path) -> None:
    out = workdir / "callgrind.out"
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}"]
    bot = Bot([*command, sys.executable, "-m", "bot"], {"TELEGRAM_RATE_LIMIT": "0"})
    with FakeBotApi() as api:
        # Everything under valgrind is some 50 times slower: long timeouts, a short warm-up.
        proc = start(bot, api, library.url, workdir / "bot.log", timeout=900, code=code)
        try:
            warm_up(api, library, 5)
            for n, kind in enumerate(KINDS):
                callgrind_control(proc.pid, "-z")
                callgrind_control(proc.pid, "-i", "on")
                throughput(api, burst(api, kind, library, updates, 10 + n), timeout=1800)
                callgrind_control(proc.pid, "-i", "off")
                before = set(workdir.glob("callgrind.out*"))
                callgrind_control(proc.pid, "-d")
                instructions = dumped_total(workdir, before)
                print(f"{kind:8} {instructions / updates / 1e6:8.2f} million instructions per update")
        finally:
            stop(proc)


def callgrind_control(pid: int, *args: str) -> None:
    subprocess.run(["callgrind_control", *args, str(pid)], check=True, capture_output=True, timeout=300)


def dumped_total(workdir: Path, before: set[Path]) -> int:
    """The instruction total of the dump callgrind writes next (its last line, ``totals:``)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for path in set(workdir.glob("callgrind.out*")) - before:
            for line in path.read_text(errors="replace").splitlines():
                if line.startswith("totals:"):
                    return int(line.split()[1])
        time.sleep(0.5)
    raise TimeoutError("callgrind wrote no dump")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--books", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=600, help="updates per kind")
    parser.add_argument("--rate", type=int, default=1000, help="py-spy samples per second")
    parser.add_argument("--callgrind", action="store_true", help="count instructions instead (valgrind)")
    parser.add_argument(
        "--code", type=Path, default=ROOT, help="run the bot from this checkout (to compare two versions)"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="librium-profile-"))
    url = database_url(args.url) if args.url else f"sqlite:///{workdir / 'bench.sqlite'}"
    library = prepare_library(url, args.books)
    print(
        f"{len(library.book_ids):,} books on {make_engine(url).dialect.name}; {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.2f}; files in {workdir}"
    )
    if args.callgrind:
        profile_callgrind(library, args.updates, workdir, args.code)
    else:
        profile_py_spy(library, args.updates, args.rate, workdir, args.code)


if __name__ == "__main__":
    main()
