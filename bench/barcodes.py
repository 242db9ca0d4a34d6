"""Barcode photos: how many our decoder reads, against zxing-cpp alone, per folder and per variant.

    python -m bench.barcodes                 # the corpus + the test photos, every variant
    python -m bench.barcodes --variants stored telegram --list

Photos: ``../shared/fixtures/barcodes-corpus/`` (76 real photos from zxing-cpp's samples; expected.csv,
zxing-expectations.txt), read from ../shared and skipped with a message when it is absent, and the
test photos in ``tests/fixtures/barcodes/`` (the set the first decoder was tuned on), always present.

Each photo is decoded in five variants: as stored; as Telegram delivers it (JPEG, longest side at most
1280, quality 87, made here with Pillow); and the stored image turned 90°, 180° and 270° (lossless PNG).

``--stress`` adds the test photos made worse one way each (tilted, shrunk into a 12 MP frame, blurred,
low contrast, shadowed, a glare spot or streak on the code, noisy JPEG, perspective): synthetic, for the
kinds of failure the corpus has few of; ``--stress-held-out`` does the same to the corpus's held-out book
photos (``--kinds`` picks kinds). The decoder runs on its CPU budget only (``--wall`` keeps its
wall-clock stop), so that a busy machine does not change what is read.

A photo is *read* when the answer is right: a book photo gives its ISBN (other ISBNs = misread), a
photo of a grocery / periodical code gives that code named as not a book (no ISBN). Any decoded
EAN/UPC number that is not the expected one is a *misread*. The photos of one Japanese book hold its
ISBN and its ``192…`` price code (upstream expects the price code in two of them): the ISBN must be
offered, and the price code, printed on that book, is not a misread in any photo of it.

The *engine* column is zxing-cpp by itself (``read_barcodes`` with its try-harder defaults: rotate,
downscale, invert) on the same variant, judged the same way; *upstream* is zxing-cpp's own black-box
try-harder minimum for the folder at 0° (180° for the 180° variant), scaled to the images present.

Held-out half: a photo is held out when the first byte of sha256(file name) is odd. That half is
never looked at while tuning the pass ladder; its read rate is printed on its own line.

Times are wall-clock ms per decode (bytes in, answer out), the median of ``--repeat`` runs; the
CPU time of the decoding thread is shown too, since wall time inflates when the machine is busy.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import os
import re
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

from librium.services import barcodes

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "fixtures" / "barcodes-corpus"
TEST_PHOTOS = ROOT / "tests" / "fixtures" / "barcodes"
RETAIL = ("EAN-13", "EAN-8", "UPC-A")


def held_out(name: str) -> bool:
    """The fixed held-out half: the first byte of sha256(file name) is odd."""
    return hashlib.sha256(name.encode()).digest()[0] % 2 == 1


@dataclass(frozen=True)
class Photo:
    name: str
    folder: str
    path: Path
    isbn13: str  # "" when the code is not a book
    text: str  # the code upstream expects ("" when unknown)
    also: frozenset[str] = frozenset()  # other codes printed on the same book (see companions())

    @property
    def is_book(self) -> bool:
        return bool(self.isbn13)


def load_photos(folder: Path, group: str | None = None) -> list[Photo]:
    with (folder / "expected.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [
        Photo(
            r["file"],
            group or r["file"].split("__")[0],
            folder / r["file"],
            r["isbn13"].strip(),
            _main_code(r.get("text", "").strip()),
        )
        for r in rows
    ]


def _main_code(text: str) -> str:
    """The EAN-13 without its add-on (upstream's texts for ean13-extension-1 carry 5 more digits)."""
    return text[:13] if text.isdigit() and len(text) > 13 else text


def companions(photos: list[Photo]) -> dict[str, set[str]]:
    """ISBN → the other codes printed beside it on the same book, as the corpus records them (the
    Japanese 192… price code): reading one of those in another photo of that book is not a misread."""
    found: dict[str, set[str]] = {}
    for p in photos:
        if p.is_book and p.text and p.text != p.isbn13:
            found.setdefault(p.isbn13, set()).add(p.text)
    return found


def upstream_minimums(path: Path) -> dict[str, tuple[int, dict[int, int]]]:
    """folder → (upstream image count, {rotation: try-harder minimum}) from zxing-expectations.txt."""
    text = path.read_text()
    found: dict[str, tuple[int, dict[int, int]]] = {}
    for m in re.finditer(r'runTests\("([^"]+)",[^,]+,\s*(\d+),(.*?)\);', text, re.S):
        name, total, body = m.group(1), int(m.group(2)), m.group(3)
        mins = {
            int(rot): int(slow) for _fast, slow, rot in re.findall(r"\{\s*(\d+),\s*(\d+),\s*(\d+)\s*\}", body)
        }
        found[name] = (total, mins)
    return found


# --------------------------------------------------------------------------- variants


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def telegram(data: bytes) -> bytes:
    """What Telegram delivers for a photo: JPEG, longest side at most 1280, quality about 87."""
    img = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    if max(img.size) > 1280:
        img.thumbnail((1280, 1280), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=87)
    return buf.getvalue()


def turned(degrees: int) -> Callable[[bytes], bytes]:
    op = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}
    return lambda data: _png(Image.open(io.BytesIO(data)).transpose(op[degrees]))


VARIANTS: dict[str, tuple[Callable[[bytes], bytes], int]] = {  # name → (make, upstream rotation)
    "stored": (lambda data: data, 0),
    "telegram": (telegram, 0),
    "rot90": (turned(90), 0),
    "rot180": (turned(180), 180),
    "rot270": (turned(270), 0),
}


# --------------------------------------------------------------------------- stress: kinds of failure


def _jpeg(img: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


@dataclass(frozen=True)
class Where:
    """Where a photo's code is (photo pixels): the centre, and its width along the bars' normal."""

    center: tuple[float, float]
    width: float


def locate(photo: Photo, img: Image.Image) -> Where:
    """The book code's place as our decoder reads the unspoiled photo (the photo's middle, a third of
    its width, when it is not read): the glare kinds put their light on the code itself."""
    run = barcodes.ladder.decode_gray(img.convert("L"), barcodes.TIME_BUDGET)
    for place in run.tally.places:
        if photo.isbn13 in place.votes:
            return Where(place.center, place.width)
    return Where((img.width / 2, img.height / 2), img.width / 3)


Stress = Callable[[Image.Image, Where], bytes]


def _tilted(degrees: float) -> Stress:
    return lambda img, _: _png(
        img.rotate(degrees, expand=True, fillcolor=(200, 200, 200), resample=Image.Resampling.BICUBIC)
    )


def _small_in_large(img: Image.Image, _: Where) -> bytes:
    """The photo pasted small into a 12 MP frame of blurred noise, as a phone's original sent as a file."""
    noise = np.random.default_rng(1).integers(60, 200, (3000, 4000, 3), dtype=np.uint8)
    canvas = Image.fromarray(noise).filter(ImageFilter.GaussianBlur(3))
    factor = 1.44 if max(img.size) < 800 else 0.56
    canvas.paste(
        img.resize((round(img.width * factor), round(img.height * factor)), Image.Resampling.LANCZOS),
        (1700, 1200),
    )
    return _jpeg(canvas, 90)


def _shadowed(img: Image.Image, _: Where) -> bytes:
    a = np.asarray(img.convert("L"), np.float32) * np.linspace(0.25, 1.0, img.width)[None, :]
    return _png(Image.fromarray(a.astype(np.uint8)))


def _noisy(img: Image.Image, _: Where) -> bytes:
    a = np.asarray(img.convert("L"), np.float32) + np.random.default_rng(2).normal(0, 25, img.size[::-1])
    return _jpeg(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)), 50)


def _perspective(img: Image.Image, _: Where) -> bytes:
    w, h = img.size
    coeffs = (1, 0.15, -0.05 * w, 0.05, 1, -0.02 * h, 0.0004, 0.0002)
    return _png(
        img.transform(
            (w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=(200, 200, 200)
        )
    )


def _glare(shape: str, peak: float) -> Stress:
    """A specular highlight on the code: light added to every channel and clipped where the sensor
    saturates (a glossy cover under a lamp). ``spot``: a round patch a quarter of the code wide, off its
    middle, as tall as the bars; ``streak``: a narrow band of light across the code, steep to the bars,
    as a strip light draws it. Bars inside stay a little darker than the spaces, or not at all."""

    def make(img: Image.Image, where: Where) -> bytes:
        a = np.asarray(img.convert("RGB"), np.float32)
        ys, xs = np.mgrid[0 : a.shape[0], 0 : a.shape[1]].astype(np.float32)
        (cx, cy), w = where.center, where.width
        dx, dy = xs - (cx - 0.15 * w), ys - cy
        if shape == "spot":
            light = np.exp(-0.5 * ((dx / (0.13 * w)) ** 2 + (dy / (0.3 * w)) ** 2))
        else:  # a band at 70° to the horizontal, through a point right of the middle
            across = (dx - 0.3 * w) * math.sin(math.radians(70)) - dy * math.cos(math.radians(70))
            light = np.exp(-0.5 * (across / (0.05 * w)) ** 2)
        out = np.clip(a + peak * light[..., None], 0, 255).astype(np.uint8)
        return _png(Image.fromarray(out))

    return make


STRESS: dict[str, Stress] = {  # the test photos, made worse one way each
    "tilted 17°": _tilted(17),
    "tilted 41°": _tilted(41),
    "tilted 118°": _tilted(118),
    "small in 12 MP": _small_in_large,
    "blur 1.5 px": lambda img, _: _png(img.filter(ImageFilter.GaussianBlur(1.5))),
    "blur 2.5 px": lambda img, _: _png(img.filter(ImageFilter.GaussianBlur(2.5))),
    "contrast ×0.3": lambda img, _: _png(ImageEnhance.Contrast(img).enhance(0.3)),
    "shadow": _shadowed,
    "glare spot": _glare("spot", 190),
    "glare streak": _glare("streak", 190),
    "noise + JPEG 50": _noisy,
    "perspective": _perspective,
}


def stress(books: list[Photo], title: str, kinds: list[str]) -> None:
    """Each kind of failure applied to some book photos: read by us, misread, the engine alone."""
    print(f"\n== stress: {title}, each made worse one way (synthetic)")
    print(f"{'':<18} {'read':>6} {'misread':>7} {'engine':>6} {'cpu med':>7} {'cpu p95':>7} {'cpu max':>7}")
    originals = []
    for photo in books:
        with Image.open(photo.path) as img:
            rgb = ImageOps.exif_transpose(img).convert("RGB")
        originals.append((photo, rgb, locate(photo, rgb)))
    for kind in kinds:
        read = misread = base = 0
        cpus = []
        for photo, rgb, where in originals:
            data = STRESS[kind](rgb, where)
            c0 = time.thread_time()
            codes, _ = ours(data)
            cpus.append((time.thread_time() - c0) * 1000)
            verdict = judge(photo, codes)
            read += verdict == "read"
            misread += verdict == "misread"
            base += judge(photo, engine(data)) == "read"
        flag = " <" if read < base or misread else ""
        print(
            f"{kind:<18} {read:>3}/{len(books):<2} {misread:>7} {base:>6} "
            f"{statistics.median(cpus):>7.1f} {p95(cpus):>7.1f} {max(cpus):>7.1f}{flag}"
        )


# --------------------------------------------------------------------------- judging


def judge(photo: Photo, codes: list[tuple[str, str]]) -> str:
    """ "read", "miss" or "misread" for the (format, text) pairs an answer holds."""
    allowed = ({photo.isbn13, photo.text} | photo.also) - {""}
    retail = [text for fmt, text in codes if fmt in RETAIL]
    if any(text not in allowed for text in retail):
        return "misread"
    if photo.is_book:
        return "read" if photo.isbn13 in retail else "miss"
    if photo.text:
        return "read" if photo.text in retail or photo.text in (t for _, t in codes) else "miss"
    return "read" if codes else "miss"  # a non-book with no known text (the QR code): named at all


def ours(data: bytes) -> tuple[list[tuple[str, str]], bool]:
    """(format, text) of every code our decoder offers, and whether it offered an ISBN."""
    result = barcodes.decode(data)
    return [(c.format, c.text) for c in result.codes], bool(result.isbns)


_F = zxingcpp.BarcodeFormat
_ENGINE_FORMATS = (_F.EAN13, _F.EAN8, _F.UPCA, _F.QRCode, _F.DataMatrix, _F.Aztec)
_ENGINE_NAMES = {_F.EAN13: "EAN-13", _F.EAN8: "EAN-8", _F.UPCA: "UPC-A"}


def engine(data: bytes) -> list[tuple[str, str]]:
    """zxing-cpp alone, try-harder defaults (rotate, downscale, invert), no image work of ours."""
    img = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    found = zxingcpp.read_barcodes(img, formats=_ENGINE_FORMATS)
    return [
        (_ENGINE_NAMES.get(b.format, str(b.format)), b.text[:13] if b.format == _F.EAN13 else b.text)
        for b in found
    ]


# --------------------------------------------------------------------------- running


@dataclass
class Outcome:
    photo: Photo
    verdict: str
    engine: str
    offered_isbn: bool
    wall_ms: float
    cpu_ms: float
    answer: list[tuple[str, str]] = field(default_factory=list)


def run_variant(photos: list[Photo], make: Callable[[bytes], bytes], repeat: int) -> list[Outcome]:
    outcomes = []
    for photo in photos:
        data = make(photo.path.read_bytes())
        walls, cpus = [], []
        for _ in range(max(1, repeat)):
            w0, c0 = time.perf_counter(), time.thread_time()
            codes, offered = ours(data)
            cpus.append((time.thread_time() - c0) * 1000)
            walls.append((time.perf_counter() - w0) * 1000)
        verdict = judge(photo, codes)
        if verdict == "read" and not photo.is_book and offered:
            verdict = "misread"  # a non-book named as a book
        base = judge(photo, engine(data))
        outcomes.append(
            Outcome(photo, verdict, base, offered, statistics.median(walls), statistics.median(cpus), codes)
        )
    return outcomes


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


HEADER = (
    f"{'':<22} {'photos':>6} {'books read':>11} {'misread':>7} {'not a book':>10} {'all read':>9} "
    f"{'engine':>6} {'upstream':>8} {'wall ms: med':>12} {'p95':>6} {'worst':>6} {'cpu ms: med':>11} {'p95':>6} "
    f"{'worst':>6}"
)


def line(label: str, outs: list[Outcome], upstream: float | None) -> str:
    books = [o for o in outs if o.photo.is_book]
    others = [o for o in outs if not o.photo.is_book]
    read = sum(o.verdict == "read" for o in outs)
    base = sum(o.engine == "read" for o in outs)
    walls = [o.wall_ms for o in outs]
    cpus = [o.cpu_ms for o in outs]
    up = f"{upstream:8.1f}" if upstream is not None else f"{'-':>8}"
    flag = " <" if (upstream is not None and read < upstream - 1e-9) or read < base else ""
    return (
        f"{label:<22} {len(outs):>6} "
        f"{sum(o.verdict == 'read' for o in books):>5}/{len(books):<5} "
        f"{sum(o.verdict == 'misread' for o in outs):>7} "
        f"{sum(o.verdict == 'read' for o in others):>4}/{len(others):<5} "
        f"{read:>9} {base:>6} {up} "
        f"{statistics.median(walls):>12.1f} {p95(walls):>6.0f} {max(walls):>6.0f} "
        f"{statistics.median(cpus):>11.1f} {p95(cpus):>6.0f} {max(cpus):>6.0f}{flag}"
    )


def report(
    variant: str, outs: list[Outcome], minimums: dict[str, tuple[int, dict[int, int]]], rotation: int
) -> None:
    print(f"\n== {variant}")
    print(HEADER)
    folders = sorted({o.photo.folder for o in outs}, key=lambda f: (f.startswith("tests"), f))
    total_up = 0.0
    for folder in folders:
        group = [o for o in outs if o.photo.folder == folder]
        upstream = None
        if folder in minimums:
            count, mins = minimums[folder]
            upstream = mins.get(rotation, mins.get(0, 0)) * len(group) / count
            total_up += upstream
        print(line(folder, group, upstream))
    corpus = [o for o in outs if not o.photo.folder.startswith("tests")]
    if corpus:
        print(line("corpus", corpus, total_up))
        print(line("  tuned half", [o for o in corpus if not held_out(o.photo.name)], None))
        print(line("  held-out half", [o for o in corpus if held_out(o.photo.name)], None))


def main() -> None:
    warnings.simplefilter("ignore")  # Pillow's palette-transparency notes on some PNGs
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="decodes per photo (median time shown)")
    parser.add_argument("--variants", nargs="*", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--list", action="store_true", help="list every photo not read, and misreads")
    parser.add_argument("--only", help="only photos whose name contains this")
    parser.add_argument("--stress", action="store_true", help="also the test photos made worse (synthetic)")
    parser.add_argument(
        "--stress-held-out", action="store_true", help="also the corpus's held-out book photos made worse"
    )
    parser.add_argument(
        "--wall",
        action="store_true",
        help="keep the decoder's wall-clock limit (by default only its CPU budget stops it, so that other "
        "work on the machine does not change what is read)",
    )
    parser.add_argument("--kinds", nargs="+", choices=list(STRESS), default=list(STRESS), help="stress kinds")
    args = parser.parse_args()

    photos: list[Photo] = []
    minimums: dict[str, tuple[int, dict[int, int]]] = {}
    if (args.corpus / "expected.csv").exists():
        photos += load_photos(args.corpus)
        minimums = upstream_minimums(args.corpus / "zxing-expectations.txt")
    else:
        print(f"{args.corpus} is absent (no ../shared beside this clone): only the test photos are measured")
    photos += load_photos(TEST_PHOTOS, "tests/fixtures")
    beside = companions(photos)
    photos = [replace(p, also=frozenset(beside.get(p.isbn13, ()))) for p in photos]
    if args.only:
        photos = [p for p in photos if args.only in p.name]

    if not args.wall:
        barcodes.ladder.WALL_FACTOR = math.inf
    load = os.getloadavg()
    print(
        f"{len(photos)} photos; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) on "
        f"{os.cpu_count()} cores; repeat {args.repeat}; "
        + ("wall-clock limit on" if args.wall else "CPU budget only (no wall-clock limit)")
    )
    corpus_photos = [p for p in photos if not p.folder.startswith("tests")]
    print(f"held out: sha256(file name)[0] odd; {sum(held_out(p.name) for p in corpus_photos)} corpus photos")
    summary = []
    for variant in args.variants:
        make, rotation = VARIANTS[variant]
        outs = run_variant(photos, make, args.repeat)
        report(variant, outs, minimums, rotation)
        if args.list:
            for o in outs:
                if o.verdict != "read":
                    print(f"   {o.verdict:<8} {o.photo.name:<36} engine {o.engine:<8} got {o.answer}")
        summary.append((variant, outs))

    if args.stress:
        tests = [p for p in photos if p.folder.startswith("tests") and p.is_book]
        stress(tests, f"the {len(tests)} test book photos (tuned on)", args.kinds)
    if args.stress_held_out and corpus_photos:
        held = [p for p in corpus_photos if p.is_book and held_out(p.name)]
        stress(held, f"the {len(held)} held-out corpus book photos (never tuned on)", args.kinds)

    print("\n== summary (corpus)" if corpus_photos else "\n== summary (test photos)")
    for variant, outs in summary:
        corpus = [o for o in outs if not o.photo.folder.startswith("tests")] or outs
        books = [o for o in corpus if o.photo.is_book]
        hits = sum(o.verdict == "read" for o in books)
        held = [o for o in books if held_out(o.photo.name) and not o.photo.folder.startswith("tests")]
        held_text = f"{sum(o.verdict == 'read' for o in held)}/{len(held)}" if held else "-"
        print(
            f"{variant:<9} books {hits}/{len(books)}, held-out {held_text}, "
            f"misreads {sum(o.verdict == 'misread' for o in corpus)}, "
            f"all read {sum(o.verdict == 'read' for o in corpus)} vs engine {sum(o.engine == 'read' for o in corpus)}, "
            f"cpu ms med {statistics.median(o.cpu_ms for o in corpus):.0f} / p95 {p95([o.cpu_ms for o in corpus]):.0f}"
            f" / worst {max(o.cpu_ms for o in corpus):.0f}, wall ms med {statistics.median(o.wall_ms for o in corpus):.0f}"
            f" / p95 {p95([o.wall_ms for o in corpus]):.0f} / worst {max(o.wall_ms for o in corpus):.0f}"
        )
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")


if __name__ == "__main__":
    main()
