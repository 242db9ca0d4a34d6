"""Decode every shared barcode photo and print expected vs decoded, time per photo and the decode rate.

    python -m bench.barcodes              # each photo decoded 3 times, the median time shown
    python -m bench.barcodes --repeat 10

Photos come from ../shared/fixtures/barcodes/ (expected.csv: an empty ISBN = no book barcode in it).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

from librium.services import barcodes

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT.parent / "shared" / "fixtures" / "barcodes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="decodes per photo (median time shown)")
    parser.add_argument("--photos", type=Path, default=PHOTOS)
    args = parser.parse_args()

    with (args.photos / "expected.csv").open(newline="") as fh:
        rows = [(r["file"], r["isbn13"].strip()) for r in csv.DictReader(fh)]

    print(f"{'photo':<38} {'expected':<14} {'decoded':<28} {'result':<6} {'passes':>6} {'ms':>8}")
    times: list[float] = []
    book_hits = books = 0
    for name, expected in rows:
        data = (args.photos / name).read_bytes()
        runs = []
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            result = barcodes.decode(data)
            runs.append((time.perf_counter() - start) * 1000)
        ms = statistics.median(runs)
        times.append(ms)
        if result.isbns:
            decoded = ", ".join(result.isbns)
        elif result.codes:
            decoded = "; ".join(c.description for c in result.codes)
        else:
            decoded = f"({result.reason})"
        if expected:
            books += 1
            ok = expected in result.isbns and len(result.isbns) == 1
            book_hits += ok
            verdict = "ok" if ok else "MISS"
        else:
            verdict = "ok" if not result.isbns and result.codes else "MISS"
        print(
            f"{name:<38} {expected or '-':<14} {decoded[:28]:<28} {verdict:<6} {result.passes:>6} {ms:>8.1f}"
        )

    print()
    print(f"book photos decoded to their ISBN: {book_hits}/{books} ({100 * book_hits / books:.0f}%)")
    print(f"time per photo: median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms")


if __name__ == "__main__":
    main()
