"""Resident memory of `python -m bot` with a large library: after start-up, after a few hundred
searches, adds and book cards, after importing a Goodreads export sent as a document (dry run, then
Import, as a user does), after /stats (a chart), after a barcode photo, and after more searches.

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
    """VmRSS (now) and VmHWM (peak) in MB, from /proc/<pid>/status."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found


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
    rows = []
    with FakeBotApi() as api:
        proc = start(Bot([sys.executable, "-m", "bot"]), api, url, workdir / "bot.log")
        try:
            rows.append(("after start-up", 0, memory_of(proc.pid)))
            served = 0
            per_kind = max(1, args.updates // len(KINDS) // 2)
            for kind in KINDS:  # half in bursts, half one at a time
                throughput(api, [make_update(api, kind, rng, library, served + i) for i in range(per_kind)])
                latencies(
                    api, [make_update(api, kind, rng, library, 10**6 + served + i) for i in range(per_kind)]
                )
                served += 2 * per_kind
                rows.append((f"after {kind}", served, memory_of(proc.pid)))
            if args.import_rows:
                seconds = import_export(api, args.import_rows)
                print(
                    f"{args.import_rows:,}-row Goodreads export: dry run + import through the bot in {seconds:.1f} s"
                )
                served += 2
                rows.append((f"after import {args.import_rows // 1000}k", served, memory_of(proc.pid)))
            method, seconds = answered(api, api.message_update(BENCH_USER, "/stats"))
            served += 1
            print(f"/stats answered with {method} in {seconds * 1000:.0f} ms")
            rows.append(("after /stats", served, memory_of(proc.pid)))
            method, seconds = answered(api, document_update(api, PHOTO.read_bytes(), "", "", kind="photo"))
            served += 1
            print(f"a barcode photo answered with {method} in {seconds * 1000:.0f} ms")
            rows.append(("after a photo", served, memory_of(proc.pid)))
            throughput(
                api, [make_update(api, "search", rng, library, 2 * 10**6 + i) for i in range(per_kind)]
            )
            served += per_kind
            rows.append(("after search", served, memory_of(proc.pid)))
        finally:
            stop(proc)
    print(f"{'bot process':18} {'updates':>8} {'VmRSS MB':>9} {'VmHWM MB':>9}")
    for label, count, mem in rows:
        print(f"{label:18} {count:8d} {mem['VmRSS']:9.1f} {mem['VmHWM']:9.1f}")
    final = rows[-1][2]
    verdict = "OK" if final["VmHWM"] < 150 else "OVER"
    print(f"at rest {final['VmRSS']:.1f} MB; peak {final['VmHWM']:.1f} MB (target < 150 MB): {verdict}")


if __name__ == "__main__":
    main()
