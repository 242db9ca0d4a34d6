"""Bytes of an uploaded file -> decoded text -> header and rows with their line numbers.

Everything that makes a file unreadable as a whole (binary, unknown encoding, empty, no header we know,
too big) raises :class:`librium.errors.Invalid` with a message that says what to do.
"""

from __future__ import annotations

import csv
import io
import itertools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from librium.errors import Invalid
from librium.i18n import N_, _, formats
from librium.services.importing.apps import REGISTRY
from librium.services.importing.formats import Bound, normalise_header

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 50_000

GOODREADS = "goodreads"
LIBRIUM = "librium"  # our own export: Goodreads layout plus "Librium ..." columns
LIBRIUM_ORIGINAL = "librium-original"  # the original Librium / Book Catalogue layout

_BINARY_MAGIC = {
    b"PK\x03\x04": "a ZIP archive or an Excel/Numbers workbook",
    b"%PDF": "a PDF",
    b"\xd0\xcf\x11\xe0": "an old Excel/Word document",
    b"\x89PNG": "an image",
    b"\xff\xd8\xff": "an image",
    b"GIF8": "an image",
    b"SQLite format 3": "a database file",
    b"\x1f\x8b": "a gzip archive",
}


@dataclass
class CsvTable:
    """A decoded CSV file: normalised header names and the data rows with their first line number."""

    format: str
    encoding: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    warnings: list[str] = field(default_factory=list)
    bound: Bound | None = None  # the format's row mapper for this header

    @property
    def format_name(self) -> str:
        return REGISTRY.by_key(self.format).name


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def decode(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str, list[str]]:
    """Return (text, encoding, warnings). Tries UTF-8 (with or without BOM), UTF-16 with a BOM, then cp1252."""
    if len(data) > max_bytes:
        raise Invalid(
            _(
                "The file is too big ({size}); I can import files up to {limit}. Split it into smaller files."
            ).format(size=_mb(len(data)), limit=_mb(max_bytes))
        )
    if not data.strip():
        raise Invalid(_("The file is empty."))
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise Invalid(
                _("This looks like {what}, not a CSV file. Export your library as CSV and send that.").format(
                    what=what
                )
            )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            raise Invalid(
                _("The file says it is UTF-16 but its text is damaged. Save it as UTF-8 CSV.")
            ) from None
    if b"\x00" in data[:65536]:
        raise Invalid(
            _("This is not a CSV file (it contains binary data). Export your library as CSV and send that.")
        )
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise Invalid(
            _(
                "I could not read the file's text encoding: it is not UTF-8, UTF-16 or Windows-1252. "
                "Save it as UTF-8 CSV."
            )
        ) from None
    return (
        text,
        "cp1252",
        [_("The file is not UTF-8; I read it as Windows-1252 (Western European). Check accented letters.")],
    )


UNRECOGNISED = N_(
    "I don't recognise this file. Its first line should be the column names of a library export: "
    "Goodreads, StoryGraph, LibraryThing, Libib, Calibre, BookBuddy, Book Catalogue or Librium, "
    "or any CSV with a Title column."
)


def detect_format(header: list[str]) -> str:
    found = REGISTRY.detect(header)
    if found is None:
        raise Invalid(_(UNRECOGNISED))
    return found[0].key


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    previous_end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise Invalid(
                _("Line {line} is not valid CSV ({error}).").format(line=previous_end + 1, error=exc)
            ) from None
        start = previous_end + 1
        previous_end = reader.line_num
        if cells and any(c.strip() for c in cells):
            yield start, cells


def read_table(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> CsvTable:
    """Decode and parse an uploaded CSV file; raise Invalid when it cannot be imported at all."""
    text, encoding, warnings = decode(data, max_bytes=max_bytes)
    if "\x00" in text:
        raise Invalid(
            _("This is not a CSV file (it contains binary data). Export your library as CSV and send that.")
        )
    text = unicodedata.normalize("NFC", text)  # BookBuddy mixes decomposed accents with composed ones
    records = _records(text)
    first = next(records, None)
    if first is None:
        raise Invalid(_("The file is empty."))
    header = [normalise_header(h) for h in first[1]]
    found = REGISTRY.detect(header)
    pending: list[tuple[int, list[str]]] = []
    if found is None:  # no header line? a layout recognised by the rows' values
        pending = [first, *itertools.islice(records, 19)]
        by_content = REGISTRY.detect_by_content([cells for _line, cells in pending])
        if by_content is None:
            raise Invalid(_(UNRECOGNISED))
        header = by_content[1]
        bound = by_content[0].bind(header)
        if bound is None:
            raise Invalid(_(UNRECOGNISED))
        found = by_content[0], bound
        warnings.append(_("The file has no line of column names; I recognised its columns by their values."))
    fmt, bound = found
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in itertools.chain(pending, records):
        if len(rows) >= max_rows:
            raise Invalid(
                _(
                    "The file has more than {n} books; I can import up to {n} at a time. Split it into smaller files."
                ).format(n=formats.number(max_rows))
            )
        row = {name: cells[i].strip() if i < len(cells) else "" for i, name in enumerate(header) if name}
        rows.append((line, row))
    if not rows:
        raise Invalid(_("The file has column names but no books in it."))
    return CsvTable(
        format=fmt.key, encoding=encoding, header=header, rows=rows, warnings=warnings, bound=bound
    )
