"""Resident memory of `python -m bot` with a large library: after start-up, after a few hundred
searches, adds and book cards, after importing a Goodreads export sent as a document (dry run, then
Import, as a user does), after /stats (three times: the first starts the chart worker process), after
a barcode photo, and after more searches. The processes the bot started (the chart worker, and
multiprocessing's resource tracker) are measured too, and the total of all of them.

python -m bench.memory [--books 100000] [--updates 300] [--import-rows 10000] [--url ...]
# target: VmHWM (peak RSS) under 150 MB at every step
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from bench.e2e import BENCH_USER, KINDS, Bot, latencies, make_update, prepare_library, start, stop, throughput
from bench.fake_botapi import SENDING, FakeBotApi
from librium.config import database_url


def memory_of(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak) in MB, from /proc/<pid>/status (zeros when it has exited)."""
    found = {"VmRSS": 0.0, "VmHWM": 0.0}
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return found
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in found:
            found[key] = int(value.split()[0]) / 1024
    return found


def children_of(pid: int) -> list[int]:
    """The processes ``pid`` started and that still run (the chart worker, the resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


class Meter:
    """The bot's memory, and that of the processes it started, at each step; their peaks so far."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.children_peak: dict[int, float] = {}
        self.rows: list[tuple[str, int, dict[str, float]]] = []

    def note(self, label: str, served: int) -> None:
        mem = memory_of(self.pid)
        children = {child: memory_of(child) for child in children_of(self.pid)}
        for child, cmem in children.items():
            self.children_peak[child] = max(self.children_peak.get(child, 0.0), cmem["VmHWM"])
        mem["children"] = sum(c["VmRSS"] for c in children.values())
        mem["children_peak"] = sum(self.children_peak.values())  # every child's own peak, summed
        mem["total"] = mem["VmRSS"] + mem["children"]
        self.rows.append((label, served, mem))

    def report(self) -> None:
        print(
            f"{'step':20} {'updates':>8} {'bot RSS':>8} {'bot HWM':>8} {'others RSS':>10} {'others HWM':>10} {'total RSS':>9}"
        )
        for label, count, mem in self.rows:
            print(
                f"{label:20} {count:8d} {mem['VmRSS']:8.1f} {mem['VmHWM']:8.1f} {mem['children']:10.1f}"
                f" {mem['children_peak']:10.1f} {mem['total']:9.1f}"
            )
        final = self.rows[-1][2]
        verdict = "OK" if final["VmHWM"] < 150 else "OVER"
        print(
            f"bot process: at rest {final['VmRSS']:.1f} MB; peak {final['VmHWM']:.1f} MB (target < 150 MB): {verdict}"
        )
        print(
            "others: the processes the bot started (chart worker, resource tracker), MB; HWM is the sum of"
            " each one's own peak"
        )


PHOTO = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "barcodes" / "ean13-2__01.png"


def document_update(api: FakeBotApi, data: bytes, name: str, mime: str, kind: str = "document") -> dict:
    """A message from the bench user carrying a file (a document, or a photo)."""
    file_id = api.add_file(data)
    update = api.message_update(BENCH_USER, "")
    message = update["message"]
    del message["text"]
    if kind == "photo":
        message["photo"] = [
            {
                "file_id": file_id,
                "file_unique_id": file_id,
                "width": 640,
                "height": 480,
                "file_size": len(data),
            }
        ]
    else:
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": name,
            "mime_type": mime,
            "file_size": len(data),
        }
    return update


def answered(api: FakeBotApi, update: dict, timeout: float = 300) -> tuple[str, float]:
    """Inject ``update``; (the method of the first reply to the bench user, seconds until it)."""
    began = time.monotonic()
    api.inject(update)
    reply = api.wait_for(
        lambda calls: next(
            (c for c in calls if c.at > began and c.method in SENDING and c.chat_id == BENCH_USER), None
        ),
        timeout=timeout,
    )
    return reply.method, reply.at - began


def import_export(api: FakeBotApi, rows: int) -> float:
    """Send a generated Goodreads export as a document, wait for the dry run, tap Import, wait for the
    report; the seconds it took."""
    from bench.importing import generate

    update = document_update(api, generate(rows), "goodreads_library_export.csv", "text/csv")
    began = time.monotonic()
    api.inject(update)

    def offered(calls):
        return next((c for c in calls if c.method == "sendMessage" and c.at > began and c.buttons), None)

    offer = api.wait_for(offered, timeout=600)
    [go] = [b["callback_data"] for b in offer.buttons if b["callback_data"].endswith(":go")]
    api.tap(BENCH_USER, go, message_id=100_000)

    def imported(calls):
        return next(
            (c for c in calls if c.method == "editMessageText" and c.at > began and c.text.startswith("✓")),
            None,
        )

    api.wait_for(imported, timeout=1200)
    return time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--import-rows", type=int, default=10_000, help="rows of the export sent (0: none)")
    parser.add_argument("--url", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="librium-memory-"))
    url = database_url(args.url) if args.url else f"sqlite:///{workdir / 'memory.sqlite'}"
    began = time.perf_counter()
    library = prepare_library(url, args.books)
    print(
        f"{len(library.book_ids):,} live books generated in {time.perf_counter() - began:.1f} s ({url.split(':')[0]})"
    )
    rng = random.Random(3)
    with FakeBotApi() as api:
        proc = start(Bot([sys.executable, "-m", "bot"]), api, url, workdir / "bot.log")
        meter = Meter(proc.pid)
        try:
            meter.note("after start-up", 0)
            served = 0
            per_kind = max(1, args.updates // len(KINDS) // 2)
            for kind in KINDS:  # half in bursts, half one at a time
                throughput(api, [make_update(api, kind, rng, library, served + i) for i in range(per_kind)])
                latencies(
                    api, [make_update(api, kind, rng, library, 10**6 + served + i) for i in range(per_kind)]
                )
                served += 2 * per_kind
                meter.note(f"after {kind}", served)
            if args.import_rows:
                seconds = import_export(api, args.import_rows)
                print(
                    f"{args.import_rows:,}-row Goodreads export: dry run + import through the bot in {seconds:.1f} s"
                )
                served += 2
                meter.note(f"after import {args.import_rows // 1000}k", served)
            for round_ in ("first", "second", "third"):  # the first starts the chart worker
                method, seconds = answered(api, api.message_update(BENCH_USER, "/stats"))
                served += 1
                print(f"{round_} /stats answered with {method} in {seconds * 1000:.0f} ms")
                meter.note(f"after {round_} /stats", served)
            method, seconds = answered(api, document_update(api, PHOTO.read_bytes(), "", "", kind="photo"))
            served += 1
            print(f"a barcode photo answered with {method} in {seconds * 1000:.0f} ms")
            meter.note("after a photo", served)
            throughput(
                api, [make_update(api, "search", rng, library, 2 * 10**6 + i) for i in range(per_kind)]
            )
            served += per_kind
            meter.note("after search", served)
        finally:
            stop(proc)
    meter.report()


if __name__ == "__main__":
    main()
