"""JSON exports (LibraryThing's): bytes -> the same table of rows the CSV reader gives.

A JSON file that no registered app recognises is refused with the reader's message; a Librium backup
is not an import (the bot restores it instead).
"""

from __future__ import annotations

import json

from librium.errors import Invalid
from librium.i18n import _, formats
from librium.services.importing.apps import REGISTRY
from librium.services.importing.formats import Bound
from librium.services.importing.reader import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    UNRECOGNISED,
    CsvTable,
    decode,
)


def looks_like_json(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def parse(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str, list[str], object]:
    text, encoding, warnings = decode(data, max_bytes=max_bytes)
    try:
        return text, encoding, warnings, json.loads(text)
    except json.JSONDecodeError as exc:
        raise Invalid(
            _("This JSON file is damaged at line {line} ({error}).").format(line=exc.lineno, error=exc.msg)
        ) from None


def recognised(data: bytes) -> bool:
    """Whether an app's importer reads this JSON file (cheap enough to ask before choosing restore)."""
    if not looks_like_json(data):
        return False
    try:
        _text, _encoding, _warnings, document = parse(data, max_bytes=len(data) + 1)
    except Invalid:
        return False
    return REGISTRY.detect_json(document) is not None


def read_json_table(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> CsvTable:
    text, encoding, warnings, document = parse(data, max_bytes=max_bytes)
    fmt = REGISTRY.detect_json(document)
    if fmt is None:
        raise Invalid(_(UNRECOGNISED))
    rows = []
    for line, row in fmt.rows(text, document):
        if len(rows) >= max_rows:
            raise Invalid(
                _(
                    "The file has more than {n} books; I can import up to {n} at a time. Split it into smaller files."
                ).format(n=formats.number(max_rows))
            )
        rows.append((line, row))
    if not rows:
        raise Invalid(_("The file has no books in it."))
    return CsvTable(
        format=fmt.key,
        encoding=encoding,
        header=[],
        rows=rows,
        warnings=warnings,
        bound=Bound(fmt.record_from_row),
    )
