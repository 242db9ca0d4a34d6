"""JSON exports (LibraryThing's): bytes -> a table with the same interface as the CSV reader's.

A JSON file that no registered app recognises is refused with the reader's message; a Librium backup
is not an import (the bot restores it instead).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from librium.errors import Invalid
from librium.i18n import _
from librium.services.importing.apps import REGISTRY
from librium.services.importing.decoding import decode
from librium.services.importing.formats import Bound, FileFacts, RowMapper
from librium.services.importing.reader import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, UNRECOGNISED, too_many_rows


def looks_like_json(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def parse(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str, list[str], object]:
    decoded = decode(data, max_bytes=max_bytes)
    try:
        return decoded.text, decoded.encoding, decoded.warnings, json.loads(decoded.text)
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


@dataclass
class JsonTable:
    """The rows of a JSON export (the document is parsed whole: JSON cannot be streamed row by row)."""

    facts: FileFacts
    bound: Bound
    row_list: list[tuple[int, dict[str, str]]]

    format = property(lambda self: self.facts.format)
    encoding = property(lambda self: self.facts.encoding)
    warnings = property(lambda self: list(self.facts.warnings))
    row_count = property(lambda self: len(self.row_list))
    format_name = property(lambda self: REGISTRY.by_key(self.facts.format).name)

    @property
    def mapper(self) -> RowMapper:
        return self.bound.record_from_row

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(self.row_list)


def read_json_table(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> JsonTable:
    text, encoding, warnings, document = parse(data, max_bytes=max_bytes)
    fmt = REGISTRY.detect_json(document)
    if fmt is None:
        raise Invalid(_(UNRECOGNISED))
    rows = []
    for line, row in fmt.rows(text, document):
        if len(rows) >= max_rows:
            raise Invalid(too_many_rows(max_rows))
        rows.append((line, row))
    if not rows:
        raise Invalid(_("The file has no books in it."))
    facts = FileFacts(format=fmt.key, encoding=encoding, date_order="ymd", warnings=tuple(warnings))
    return JsonTable(facts, Bound(fmt.record_from_row), rows)
