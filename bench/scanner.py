"""The Mini App's live scanner in headless Chromium with a fake camera: decodes per second and the time
from a barcode coming into view to its book being added.

    python -m bench.scanner                      # no CPU throttling, then 4x (a mid-range phone)
    python -m bench.scanner --throttle 1 4 6 --seconds 1.5
    python -m bench.scanner --tuning '{"worker": false}'   # decode on the page's own thread

The camera is a 1280×720 video (what the page asks a phone for) at --fps, made from the ISBN photos of
tests/fixtures/barcodes: each photo scaled so its barcode (found by ZXing-C++) spans about 60% of the
page's guide box, as a reader holds a book 15-20 cm from a phone, centred on the guide box with a little
jitter, and held for --seconds. The page is the real one from the bot's own server (SQLite, no metadata
look-ups), opened at 390×844.

A phone is estimated with Chromium's CPU throttling (DevTools' Emulation.setCPUThrottlingRate), the way
Lighthouse emulates a mid-tier phone on a desktop: 4x slower than this machine's core. That is an
estimate, not a phone: this machine is shared (the load average is printed), WebAssembly on a phone's
big core is about a third to a half of a server core's speed, and a phone also throttles when warm.
Chromium throttles the page's main thread only, not its Workers: with the decoder in its Worker (as the
page runs it) the throttled rows show the page's side slowed and the decode at this machine's speed;
``--tuning '{"worker": false}'`` decodes on the throttled main thread, the estimate to hold against
the target (it also does the page's drawing there, so it is the pessimistic one).

Printed per rate: decodes per second (the page's own count: frames processed, each decoded whatever it
found), milliseconds per decode (median, wall: the Worker's decode, or the whole turn on the page's
thread: frame copied out of the video, decoded), and for each barcode the seconds from its first frame on the
camera to the book's row in the list (decode, the POST /app/api/scan and the row): median and worst;
the page's stalls: tasks that held its main thread over 50 ms (Chromium's long tasks: the page does not
answer a tap meanwhile), how many in the run and the longest. The video's first pass only is measured:
each barcode in view once.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import zxingcpp
from PIL import Image
from playwright.sync_api import sync_playwright
from sqlalchemy import select

from bot.actions import book as book_actions
from bot.runtime.access import Actor, resolve
from bot.webapp import local
from bot.webapp.auth import sign_for
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import session_scope
from tests.webapp.browser import launch, open_page
from tests.webapp.camera import BARCODES, write_y4m

TOKEN = "123456:SCANNER-BENCH"
READER = 4242
WIDTH, HEIGHT = 1280, 720
# The page's guide box (.aim in app.css) in the video's pixels: the 3:4 view shows the middle 540×720 of
# a 1280×720 video (object-fit: cover); the box is its middle 80% across and 38%-62% down.
GUIDE_X, GUIDE_Y, GUIDE_W = WIDTH / 2, HEIGHT / 2, 0.8 * HEIGHT * 3 / 4

# Records, from the page's own events, when the camera started and when each scanned book was added.
WATCH = """
window.__bench = { stream: null, added: {}, stalls: [] };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__bench.stalls.push([e.startTime, e.duration]);
}).observe({ type: "longtask", buffered: true });
const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (c) => { const s = await gum(c); window.__bench.stream = performance.now(); return s; };
new MutationObserver(() => {
  for (const li of document.querySelectorAll('#scanned li[data-added]')) {
    if (!(li.dataset.added in window.__bench.added)) window.__bench.added[li.dataset.added] = performance.now();
  }
}).observe(document, { childList: true, subtree: true, attributes: true });
"""


def shots(seconds: float, seed: int = 3) -> list[tuple[Image.Image, float, str]]:
    """(frame, seconds, ISBN) for every fixture photo whose ISBN ZXing-C++ reads."""
    rng = random.Random(seed)
    found = []
    for photo in sorted(BARCODES.glob("*")):
        if photo.suffix not in (".png", ".jpg"):
            continue
        image = Image.open(photo).convert("RGB")
        codes = [c for c in zxingcpp.read_barcodes(image) if c.text.startswith(("978", "979"))]
        if not codes or any(codes[0].text == isbn for _, _, isbn in found):  # one book, one shot
            continue
        p = codes[0].position
        xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
        ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
        scale = 0.6 * GUIDE_W / max(1, max(xs) - min(xs))
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
        cx, cy = (min(xs) + max(xs)) / 2 * scale, (min(ys) + max(ys)) / 2 * scale
        canvas = Image.new("RGB", (WIDTH, HEIGHT), (128, 128, 128))
        jitter = (rng.uniform(-20, 20), rng.uniform(-15, 15))
        canvas.paste(image, (round(GUIDE_X - cx + jitter[0]), round(GUIDE_Y - cy + jitter[1])))
        found.append((canvas, seconds, codes[0].text))
    return found


def forget(factory, isbns: list[str]) -> None:
    with session_scope(factory) as session:
        who = resolve(session, Actor(READER, "Reader", "en", READER, "private", None))
        ids = session.scalars(
            select(db.Book.id).where(db.Book.isbn13.in_(isbns), db.Book.deleted_at.is_(None))
        )
        for book_id in ids.all():
            book_actions.delete_book(session, who, book_id)


def run(browser, url, init, rate: float, order: list[str], seconds: float, factory, tuning: dict) -> dict:
    forget(factory, order)
    page = open_page(browser, url, init)
    page.add_init_script(WATCH + (f"window.__scanTuning = {json.dumps(tuning)};" if tuning else ""))
    if rate > 1:
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
    page.goto(url + "/app/#/scan")
    page.reload()
    # The video loops: measure its first pass only (every barcode shown once), and a second to add the last.
    waiting = time.monotonic() + 60  # (the page's CSP allows no wait_for_function: it evaluates a string)
    while page.evaluate("window.__bench.stream") is None and time.monotonic() < waiting:
        page.wait_for_timeout(100)
    started = time.monotonic()
    while time.monotonic() < started + len(order) * seconds + 1:
        page.wait_for_timeout(250)
    bench = page.evaluate("window.__bench")
    scan = page.evaluate("window.__scan || null") or {}
    rate_shown = page.evaluate(
        "document.querySelector('#scan-status') && document.querySelector('#scan-status').dataset.rate"
    )
    with factory() as session:
        by_id = dict(
            session.execute(
                select(db.Book.id, db.Book.isbn13).where(
                    db.Book.isbn13.in_(order), db.Book.deleted_at.is_(None)
                )
            ).all()
        )
    delays = []
    for book_id, at in bench["added"].items():
        isbn = by_id.get(int(book_id))
        if isbn is None or bench["stream"] is None:
            continue
        shown = bench["stream"] + order.index(isbn) * seconds * 1000
        delays.append((at - shown) / 1000)
    page.context.close()
    return {
        "rate": float(rate_shown) if rate_shown else None,
        "decode_ms": scan.get("decodeMs"),
        "found": len(delays),
        "delays": sorted(delays),
        "missed": [isbn for isbn in order if isbn not in by_id.values()],
        "stalls": [ms for at, ms in bench["stalls"] if bench["stream"] and at >= bench["stream"]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--throttle", type=float, nargs="+", default=[1, 4])
    parser.add_argument("--seconds", type=float, default=2.0, help="how long each barcode is in view")
    parser.add_argument("--fps", type=int, default=24)
    parser.add_argument(
        "--tuning",
        default="",
        help='the page\'s scanner settings to try, as JSON: \'{"crop": false, "interval": 60}\'',
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        made = shots(args.seconds)
        order = [isbn for _, _, isbn in made]
        video = write_y4m(Path(tmp) / "camera.y4m", ((image, s) for image, s, _ in made), fps=args.fps)
        factory, shelf = local.start_on_sqlite(Path(tmp), TOKEN, "https://x.example")
        init = sign_for(READER, "Reader", TOKEN)
        print(
            f"scanner: {len(order)} barcodes, {args.seconds:g} s each, {WIDTH}x{HEIGHT} at {args.fps} fps; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        print(
            f"{'CPU':>5} {'decodes/s':>10} {'ms/decode':>10} {'added':>7} {'to add: median':>15} {'worst':>7}"
            f" {'stalls':>7} {'longest':>8}"
        )
        try:
            with sync_playwright() as p:
                browser = launch(
                    p,
                    "--use-fake-ui-for-media-stream",
                    "--use-fake-device-for-media-stream",
                    f"--use-file-for-fake-video-capture={video}",
                )
                for rate in args.throttle:
                    tuning = json.loads(args.tuning) if args.tuning else {}
                    r = run(browser, shelf.url, init, rate, order, args.seconds, factory, tuning)
                    median = f"{statistics.median(r['delays']):.2f} s" if r["delays"] else "-"
                    worst = f"{max(r['delays']):.2f} s" if r["delays"] else "-"
                    per = f"{r['decode_ms']:.0f}" if r["decode_ms"] else "-"
                    longest = f"{max(r['stalls']):.0f} ms" if r["stalls"] else "-"
                    print(
                        f"{rate:4g}x {r['rate'] or 0:10.1f} {per:>10} {r['found']:>4}/{len(order):<2} "
                        f"{median:>15} {worst:>7} {len(r['stalls']):>7} {longest:>8}"
                        + (f"  missed {', '.join(r['missed'])}" if r["missed"] else "")
                    )
                browser.close()
        finally:
            shelf.stop()


if __name__ == "__main__":
    main()
