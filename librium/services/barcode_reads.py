"""What a barcode photo holds, as plain data, read in the worker process (:mod:`librium.offload`).

:mod:`librium.services.barcodes` needs numpy, Pillow and zxing-cpp (~20 MB that stay loaded): the bot
asks :func:`read_elsewhere` instead, which decodes in the worker and sends back a :class:`Reads`, whose
module imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from librium import offload


@dataclass(frozen=True)
class Reads:
    isbns: tuple[str, ...] = ()  # distinct ISBN-13s, in the order they were found
    others: tuple[str, ...] = ()  # what the codes that are not books are, for the user
    reason: str | None = None  # why nothing was found, English (marked for translation)


def read(data: bytes) -> Reads:
    """Decode ``data`` here (loads the barcode libraries); never raises on bad input."""
    from librium.services import barcodes

    result = barcodes.decode(data)
    return Reads(tuple(result.isbns), tuple(c.description for c in result.non_books), result.reason)


def read_elsewhere(data: bytes) -> Reads:
    """:func:`read` in the worker process; blocks, so call it in a thread, never on the event loop."""
    return offload.call(f"{__name__}:read", data)
