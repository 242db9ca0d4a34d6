"""Barcodes from photos: find every EAN-13 (with its add-on) and say which ones are books.

zxing-cpp does the decoding. A phone photo of a book is often blurred, tilted, glared or tiny, so the
image goes through a short list of passes (as-is, other binarizers, contrast + sharpening, rescaling,
oblique rotations) until one of them yields an ISBN. zxing-cpp already searches 90° turns (``try_rotate``)
and reads 1D codes in both directions (so 180° is covered); the extra rotations here cover the angles in
between, which the 1D reader does not tolerate.

Only the symbologies a book, a magazine or a shop label carries are decoded (EAN-13/8, UPC-A, QR, Data
Matrix, Aztec): UPC-E in particular is a frequent false positive on tilted book barcodes.

Nothing here raises on bad input: garbage bytes give an empty :class:`ScanResult` with a ``reason``.
"""

from __future__ import annotations

import asyncio
import io
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import zxingcpp
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError
from stdnum import issn as _issn

from librium import isbn as isbn_mod

KIND_ISBN = "isbn"
KIND_PRODUCT = "product"  # an EAN/UPC that is not a book (magazine, sheet music, groceries...)
KIND_OTHER = "other"  # another symbology (QR code, Data Matrix...)

MAX_PIXELS = 40_000_000  # refuse decompression bombs; a phone photo is ~12 MP
WORK_MAX_SIDE = 1280  # transformed passes run on an image no larger than this (Telegram photo size)
TIME_BUDGET = 2.0  # seconds; no new pass starts after this (a photo with no code at all costs ~1 s)
SMALL_SIDE = 800  # below this, an upscaled pass is tried

_F = zxingcpp.BarcodeFormat
FORMATS = (_F.EAN13, _F.EAN8, _F.UPCA, _F.QRCode, _F.DataMatrix, _F.Aztec)
_LINEAR_RETAIL = {_F.EAN13, _F.EAN8, _F.UPCA}
_FORMAT_NAMES = {
    _F.EAN13: "EAN-13",
    _F.EAN8: "EAN-8",
    _F.UPCA: "UPC-A",
    _F.QRCode: "QR code",
    _F.DataMatrix: "Data Matrix",
    _F.Aztec: "Aztec code",
}


@dataclass(frozen=True)
class DecodedCode:
    """One distinct code seen in the image."""

    text: str  # what the code holds; for EAN/UPC the digits without the add-on
    format: str  # "EAN-13", "UPC-A", "QR code", ...
    kind: str  # KIND_ISBN, KIND_PRODUCT or KIND_OTHER
    isbn13: str | None = None  # set when kind == KIND_ISBN
    addon: str | None = None  # EAN-2/EAN-5 add-on digits (price on books, issue on magazines)
    description: str = ""  # a short phrase naming what was seen, for the user

    @property
    def is_book(self) -> bool:
        return self.kind == KIND_ISBN


@dataclass(frozen=True)
class ScanResult:
    codes: tuple[DecodedCode, ...] = ()
    reason: str | None = None  # why nothing was found (or why the image could not be read)
    passes: int = 0  # decode passes tried
    passes_used: list[str] = field(default_factory=list)  # names of the passes that found something

    @property
    def isbns(self) -> list[str]:
        """Distinct ISBN-13s, in the order they were found."""
        return [c.isbn13 for c in self.codes if c.isbn13]

    @property
    def non_books(self) -> list[DecodedCode]:
        return [c for c in self.codes if not c.is_book]


# --------------------------------------------------------------------------- classification


def classify(format_name: str, text: str) -> DecodedCode:
    """Name what a decoded code is. ``text`` may carry an EAN add-on after the 13 (or 12) digits."""
    if format_name not in ("EAN-13", "EAN-8", "UPC-A"):
        shown = text if len(text) <= 80 else text[:77] + "..."
        return DecodedCode(text, format_name, KIND_OTHER, description=f"{format_name}: {shown}")

    main_len = {"EAN-13": 13, "EAN-8": 8, "UPC-A": 12}[format_name]
    digits = "".join(ch for ch in text if ch.isdigit())
    main, addon = digits[:main_len], digits[main_len:] or None
    if format_name != "EAN-13":
        return _product(main, format_name, addon, f"product code {main}")
    if main.startswith("9790"):
        return _product(main, format_name, addon, f"ISMN {main} (printed music)")
    if main.startswith(("978", "979")):
        isbn13 = isbn_mod.try_normalise(main)
        if isbn13:
            return DecodedCode(main, format_name, KIND_ISBN, isbn13, addon, f"ISBN {main}")
    if main.startswith("977"):
        body = main[3:10]
        issn = _issn.format(body + _issn.calc_check_digit(body))
        issue = f", issue {addon}" if addon else ""
        return _product(main, format_name, addon, f"ISSN {issn} (a magazine or periodical{issue})")
    if main.startswith("0"):
        return _product(main, format_name, addon, f"UPC product code {main[1:]}")
    return _product(main, format_name, addon, f"product code {main} (not a book)")


def _product(main: str, format_name: str, addon: str | None, description: str) -> DecodedCode:
    return DecodedCode(main, format_name, KIND_PRODUCT, None, addon, description)


# --------------------------------------------------------------------------- decoding passes


def _unsharp(img: Image.Image, radius: float = 2, percent: int = 200) -> Image.Image:
    return img.filter(ImageFilter.UnsharpMask(radius=radius, percent=percent, threshold=0))


def _contrast_sharpen(img: Image.Image) -> Image.Image:
    return _unsharp(ImageOps.autocontrast(img, cutoff=1))


def _scaled(img: Image.Image, factor: float) -> Image.Image:
    size = (max(1, round(img.width * factor)), max(1, round(img.height * factor)))
    return img.resize(size, Image.Resampling.LANCZOS)


def _rotated(img: Image.Image, degrees: int) -> Image.Image:
    return img.rotate(degrees, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)


_B = zxingcpp.Binarizer
Pass = tuple[str, Callable[[Image.Image], Image.Image], "zxingcpp.Binarizer"]


def _passes(gray: Image.Image) -> Iterator[Pass]:
    """The passes after the as-is one, cheapest and most fruitful first."""
    yield "global-histogram", lambda g: g, _B.GlobalHistogram
    sharpened: list[Image.Image] = []  # computed once, read with two binarizers

    def contrast_sharpen(img: Image.Image) -> Image.Image:
        if not sharpened:
            sharpened.append(_contrast_sharpen(img))
        return sharpened[0]

    yield "contrast+sharpen", contrast_sharpen, _B.LocalAverage
    yield "contrast+sharpen/global", contrast_sharpen, _B.GlobalHistogram
    if max(gray.size) < SMALL_SIDE:
        yield "upscale+sharpen", lambda g: _unsharp(_scaled(g, 2), radius=3, percent=250), _B.LocalAverage
    else:
        yield "downscale", lambda g: _scaled(g, 0.5), _B.LocalAverage
    # 90/180/270 are searched by zxing itself (try_rotate); these cover the oblique angles between.
    for degrees in (30, 60, 15, 45, 75):
        yield f"rotate {degrees}°", lambda g, d=degrees: _rotated(g, d), _B.LocalAverage
    yield "fixed-threshold", lambda g: ImageOps.autocontrast(g, cutoff=2), _B.FixedThreshold
    yield "equalize", ImageOps.equalize, _B.LocalAverage


def _read(img: Image.Image, binarizer: zxingcpp.Binarizer) -> list[tuple[str, str]]:
    found = zxingcpp.read_barcodes(
        img,
        formats=FORMATS,
        try_rotate=True,
        try_downscale=True,
        try_invert=True,
        binarizer=binarizer,
        ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Read,
    )
    return [(_FORMAT_NAMES.get(b.format, str(b.format)), b.text) for b in found if b.valid]


def _load(data: bytes) -> tuple[Image.Image | None, str | None]:
    if not data:
        return None, "the file is empty"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # palette-transparency and similar cosmetic warnings
            img = Image.open(io.BytesIO(data))
            if img.width * img.height > MAX_PIXELS:
                return None, f"the image is too large ({img.width}×{img.height})"
            img.load()
            img = ImageOps.exif_transpose(img)
            if img.mode in ("P", "PA", "LA", "RGBA", "La", "RGBa"):
                rgba = img.convert("RGBA")
                img = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
            return img.convert("L"), None
    except (UnidentifiedImageError, Image.DecompressionBombError):
        return None, "the file is not an image I can read"
    except (OSError, ValueError, SyntaxError, EOFError):
        return None, "the image is damaged or truncated"


def decode(data: bytes, *, budget: float = TIME_BUDGET) -> ScanResult:
    """Every distinct code in an image file's bytes (JPEG, PNG, WebP...), books first.

    CPU-bound (milliseconds for a clear photo, about a second for one with no code): from asyncio code
    call :func:`decode_in_thread`.
    """
    gray, error = _load(data)
    if gray is None:
        return ScanResult(reason=error)
    return decode_image(gray, budget=budget)


async def decode_in_thread(data: bytes, *, budget: float = TIME_BUDGET) -> ScanResult:
    """:func:`decode` in a worker thread, so the bot's event loop keeps serving other chats."""
    return await asyncio.to_thread(decode, data, budget=budget)


def decode_image(image: Image.Image, *, budget: float = TIME_BUDGET) -> ScanResult:
    """Like :func:`decode` for an already opened image. Stops at the first pass that finds an ISBN,
    or when ``budget`` seconds have gone."""
    gray = image if image.mode == "L" else ImageOps.grayscale(image.convert("RGB"))
    longest = max(gray.size)
    work = _scaled(gray, WORK_MAX_SIDE / longest) if longest > WORK_MAX_SIDE else gray

    deadline = time.monotonic() + budget
    seen: dict[str, DecodedCode] = {}
    used: list[str] = []
    count = 0

    def run(name: str, img: Image.Image, binarizer: zxingcpp.Binarizer) -> bool:
        nonlocal count
        count += 1
        try:
            hits = _read(img, binarizer)
        except Exception:  # a decoder failure on one pass must not lose the others
            return False
        if hits:
            used.append(name)
        for fmt, text in hits:
            code = classify(fmt, text)
            key = f"{code.format}:{code.text}"
            previous = seen.get(key)
            if previous is None or (code.addon and not previous.addon):
                seen[key] = code
        return any(c.is_book for c in seen.values())

    if not run("as-is", gray, _B.LocalAverage):
        for name, transform, binarizer in _passes(work):
            if time.monotonic() > deadline:
                break
            try:
                img = transform(work)
            except Exception:  # an odd image mode or size must not stop the scan
                continue
            if run(name, img, binarizer):
                break

    codes = sorted(seen.values(), key=lambda c: (not c.is_book,))
    reason = None if codes else "no barcode could be read in this image"
    return ScanResult(codes=tuple(codes), reason=reason, passes=count, passes_used=used)
