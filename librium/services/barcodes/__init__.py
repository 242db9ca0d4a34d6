"""Barcodes from photos: find every EAN-13 (with its add-on) and say which ones are books.

zxing-cpp does the decoding; ``ladder`` runs it over the photo and over views of it made for the ways a
phone photo goes wrong (blur, low resolution, tilt at any angle, perspective, glare, low contrast, a small
code in a large photo, noise and JPEG artefacts), within a time budget. ``tally`` decides which reads to
believe (never a number the passes disagree on), ``classify`` names them.

Only the symbologies a book, a magazine or a shop label carries are decoded (EAN-13/8, UPC-A, QR, Data
Matrix, Aztec): UPC-E in particular is a frequent false positive on tilted book barcodes.

Nothing here raises on bad input: garbage bytes give an empty :class:`ScanResult` with a ``reason``.
"""

from __future__ import annotations

import asyncio
import io
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageOps, UnidentifiedImageError

from librium.i18n import N_
from librium.services.barcodes.classify import (
    KIND_ISBN,
    KIND_OTHER,
    KIND_PRODUCT,
    DecodedCode,
    classify,
)
from librium.services.barcodes.ladder import decode_gray

__all__ = [
    "KIND_ISBN",
    "KIND_OTHER",
    "KIND_PRODUCT",
    "DecodedCode",
    "ScanResult",
    "classify",
    "decode",
    "decode_image",
    "decode_in_thread",
]

MAX_PIXELS = 40_000_000  # refuse decompression bombs; a phone photo is ~12 MP
TIME_BUDGET = 0.7  # seconds; no new pass starts after this (the one running finishes)


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


# ScanResult.reason is English (marked for translation); the bot shows it as _(reason).
NO_BARCODE = N_("no barcode could be read in this image")


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
        return None, N_("the file is not an image I can read")
    except (OSError, ValueError, SyntaxError, EOFError):
        return None, N_("the image is damaged or truncated")


def decode(data: bytes, *, budget: float = TIME_BUDGET) -> ScanResult:
    """Every distinct code in an image file's bytes (JPEG, PNG, WebP...), books first.

    CPU-bound (milliseconds for a clear photo, up to ``budget`` seconds for one with no readable code):
    from asyncio code call :func:`decode_in_thread`.
    """
    gray, error = _load(data)
    if gray is None:
        return ScanResult(reason=error)
    return decode_image(gray, budget=budget)


async def decode_in_thread(data: bytes, *, budget: float = TIME_BUDGET) -> ScanResult:
    """:func:`decode` in a worker thread, so the bot's event loop keeps serving other chats."""
    return await asyncio.to_thread(decode, data, budget=budget)


def decode_image(image: Image.Image, *, budget: float = TIME_BUDGET) -> ScanResult:
    """Like :func:`decode` for an already opened image."""
    gray = image if image.mode == "L" else ImageOps.grayscale(image.convert("RGB"))
    if min(gray.size) < 1:
        return ScanResult(reason=NO_BARCODE)
    run = decode_gray(gray, budget)
    codes = sorted((classify(fmt, text) for fmt, text in run.tally.believed()), key=lambda c: not c.is_book)
    reason = None if codes else NO_BARCODE
    return ScanResult(codes=tuple(codes), reason=reason, passes=run.passes, passes_used=run.used)
