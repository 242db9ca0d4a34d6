"""Decoded text -> a table: header, and data rows streamed with their first line number.

Detected from the file, never assumed (decoding.py does the bytes):
- the delimiter: comma, semicolon (Excel in much of Europe), tab (LibraryThing, re-saves) or pipe,
  scored on a sample by how consistently it splits records into the same number of fields;
- a file a spreadsheet saved as ONE column in another delimiter (every record one quoted field,
  ``"1,""Title"",…";``): the cells are joined back and read with the inner delimiter;
- line ends CRLF, LF or CR only, quoted newlines, space padding around fields (``, `` separators,
  fixed-width columns), and Excel's ``="…"`` (also after padding): every cell arrives stripped;
- the header: recognised by the registry's header names (REGISTRY.vocabulary()); a header fused with
  the first record (no line break after its last name) is split; a missing header is recognised
  from the records' content by a format's layouts;
- the day/month order of the file's dates (dates.detect_order), once for the whole file.

Rows are streamed (:meth:`CsvTable.rows` parses the text again each time it is called): nothing
holds every row of a big file. The row count is checked first, stopping at ``max_rows``, so a file
that is too long is refused before it is read whole. Everything that makes a file unreadable as a
whole raises :class:`librium.errors.Invalid` with a message that says what to do.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from librium.errors import Invalid
from librium.i18n import N_, _, formats
from librium.services.importing import dates
from librium.services.importing.apps import REGISTRY
from librium.services.importing.decoding import decode
from librium.services.importing.fields import unquote_excel
from librium.services.importing.formats import Bound, FileFacts, Format, RowMapper, normalise_header

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 50_000
UNRECOGNISED = N_(
    "I don't recognise this file. Its first line should be the column names of a library export: "
    "Goodreads, StoryGraph, LibraryThing, Libib, Calibre, BookBuddy, Book Catalogue or Librium, "
    "or any CSV with a Title column."
)
DELIMITERS = (",", ";", "\t", "|")
SAMPLE_RECORDS = 60
_DATE_LIKE = re.compile(r"\[?\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}(?:[ T].*)?\]?")

csv.field_size_limit(DEFAULT_MAX_BYTES)


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    inner: str | None = None  # records wrapped in one field of ``delimiter``, split by ``inner``


def _cells(cells: list[str]) -> list[str]:
    return [unquote_excel(c) if c.startswith("=") else c.strip() for c in cells]


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends, as ``io.StringIO(text, newline="")`` gives them, one at a
    time: StringIO would hold a copy of the whole file at four bytes a character (8 MB for 2 MB)."""
    return (match.group() for match in _LINE.finditer(text))


def _parse(text: str, delimiter: str, *, padded: bool = True) -> Iterator[tuple[int, list[str]]]:
    """(first line, raw cells) of every non-blank record."""
    reader = csv.reader(_lines(text), delimiter=delimiter, skipinitialspace=padded, strict=False)
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


def records(text: str, dialect: Dialect) -> Iterator[tuple[int, list[str]]]:
    """(first line, stripped cells) of every record, unwrapping one-column re-saves."""
    for line, cells in _parse(text, dialect.delimiter, padded=dialect.inner is None):
        if dialect.inner:
            joined = dialect.delimiter.join(cells).rstrip(dialect.delimiter + " ")
            cells = next(
                csv.reader([joined], delimiter=dialect.inner, skipinitialspace=True, strict=False), []
            )
        yield line, _cells(cells)


def _consistency(sample: list[list[str]]) -> tuple[float, int]:
    """(share of records with the most common field count, that count)."""
    if not sample:
        return 0.0, 0
    counts: dict[int, int] = {}
    for cells in sample:
        counts[len(cells)] = counts.get(len(cells), 0) + 1
    width, hits = max(counts.items(), key=lambda item: (item[1], item[0]))
    return hits / len(sample), width


def _sample(text: str, dialect: Dialect) -> list[list[str]]:
    out = []
    try:
        for _line, cells in records(text, dialect):
            out.append(cells)
            if len(out) >= SAMPLE_RECORDS:
                break
    except Invalid:
        pass
    return out


def _score(sample: list[list[str]]) -> tuple:
    """Higher is better: many fields, the same number in every record, as many as the header has."""
    if not sample:
        return (False, False, False, 0, 0.0)
    share, width = _consistency(sample[1:] or sample)
    header = len(sample[0])
    return (width > 1, share >= 0.8, abs(header - width) <= 1, width if share >= 0.8 else 0, share)


def sniff(text: str) -> Dialect:
    """The delimiter that splits the records most consistently into the most fields; or, for a file a
    spreadsheet saved as one column in another delimiter, that pair."""
    head = text[:200_000]
    candidates = []
    for order, delimiter in enumerate(DELIMITERS):
        plain = Dialect(delimiter)
        sample = _sample(head, plain)
        candidates.append(((*_score(sample), True, -order), plain))
        if sample and _consistency(sample[1:] or sample)[1] <= 2:
            for inner in DELIMITERS:
                if inner != delimiter:
                    wrapped = Dialect(delimiter, inner)
                    candidates.append(((*_score(_sample(head, wrapped)), False, -order), wrapped))
    return max(candidates, key=lambda c: c[0])[1]


@dataclass
class Header:
    names: tuple[str, ...]
    format: Format
    bound: Bound
    found: bool = True
    fused_rest: list[str] | None = None  # the first record's cells when the header ran into it


def _known(cells: list[str], vocabulary: set[str]) -> int:
    return sum(1 for c in cells if normalise_header(c) in vocabulary)


def _split_fused(
    cells: list[str], vocabulary: frozenset[str], width: int
) -> tuple[list[str], list[str]] | None:
    """ "…,Read Count,Owned Copies102955228,Salvar o fogo,…" -> (header names, first record).

    Only a first record about twice as long as the others (the header's cells and a record's) is
    taken for a fused one, split at the cell that starts with a header name and runs on."""
    if len(cells) < 2 * width - 2:
        return None
    for i, cell in enumerate(cells):
        name = normalise_header(cell)
        if name in vocabulary or not name:
            continue
        prefixes = [v for v in vocabulary if name.startswith(v) and len(name) > len(v)]
        if not prefixes or abs(i + 1 - width) > 1:
            return None
        known = max(prefixes, key=len)
        words = r"\s+".join(re.escape(word) for word in known.split())
        match = re.match(rf"\s*['\"]?{words}['\"]?", cell.replace("\ufeff", ""), re.IGNORECASE)
        if match is None:
            return None
        name_part = match.group(0).strip()
        rest = cell.replace("\ufeff", "")[match.end() :].strip()
        return [*cells[:i], name_part], [rest, *cells[i + 1 :]]
    return None


def find_header(first: list[str], sample: list[list[str]]) -> Header:
    """The header: the first record (split when it ran into the first row), or a layout recognised
    from the records' content when the file has no header line."""
    vocabulary = REGISTRY.vocabulary()
    known = _known(first, vocabulary)
    width = _consistency(sample[1:] or sample)[1]
    fused = _split_fused(first, vocabulary, width) if 2 <= known < len([c for c in first if c]) else None
    names = [normalise_header(c) for c in (fused[0] if fused else first)]
    found = REGISTRY.detect(names) if known >= 1 else None
    if found is not None:
        return Header(tuple(names), found[0], found[1], fused_rest=fused[1] if fused else None)
    by_content = REGISTRY.detect_by_content(sample)
    if by_content is not None:
        fmt, layout = by_content
        bound = fmt.bind(layout)
        if bound is not None:
            return Header(tuple(layout), fmt, bound, found=False)
    raise Invalid(_(UNRECOGNISED))


@dataclass
class CsvTable:
    """A readable file: what was found out about it, and its rows as a stream."""

    text: str
    dialect: Dialect
    facts: FileFacts
    bound: Bound
    first_line: int  # the line of the first data record
    fused_rest: list[str] | None
    row_count: int

    @property
    def format(self) -> str:
        return self.facts.format

    @property
    def format_name(self) -> str:
        return REGISTRY.by_key(self.facts.format).name

    @property
    def encoding(self) -> str:
        return self.facts.encoding

    @property
    def header(self) -> list[str]:
        return list(self.facts.header)

    @property
    def warnings(self) -> list[str]:
        return list(self.facts.warnings)

    @property
    def mapper(self) -> RowMapper:
        return self.bound.record_from_row

    def raw_rows(self) -> Iterator[tuple[int, list[str]]]:
        if self.fused_rest is not None:
            yield 1, self.fused_rest
        for line, cells in records(self.text, self.dialect):
            if line >= self.first_line:
                yield line, cells

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(first line, {header name: stripped cell}) of every data row, parsed as it is read."""
        names = [(i, name) for i, name in enumerate(self.facts.header) if name]
        seen: set[str] = set()
        names = [(i, n) for i, n in names if not (n in seen or seen.add(n))]  # first of repeated names
        for line, cells in self.raw_rows():
            width = len(cells)
            yield line, {name: cells[i] if i < width else "" for i, name in names}


def read_table(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS
) -> CsvTable:
    """Decode and look at an uploaded file; raise Invalid when it cannot be imported at all."""
    decoded = decode(data, max_bytes=max_bytes)
    text = decoded.text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)  # BookBuddy mixes decomposed accents with composed ones
    if "\x00" in text:
        raise Invalid(
            _("This is not a CSV file (it contains binary data). Export your library as CSV and send that.")
        )
    dialect = sniff(text)
    stream = records(text, dialect)
    first = next(stream, None)
    if first is None:
        raise Invalid(_("The file is empty."))
    sample = [cells for _line, cells in _take(records(text, dialect), SAMPLE_RECORDS)]
    header = find_header(first[1], sample)
    first_line = first[0] + 1 if header.found else first[0]
    count = 1 if header.fused_rest is not None else 0
    votes = dates.OrderVotes()
    if not header.found:
        stream = records(text, dialect)
    for _line, cells in stream:
        count += 1
        if count > max_rows:
            raise Invalid(too_many_rows(max_rows))
        for cell in cells:
            if cell and cell[0] in "0123456789[" and _DATE_LIKE.fullmatch(cell):
                votes.add(cell)
    if count == 0:
        raise Invalid(_("The file has column names but no books in it."))
    warnings = list(decoded.warnings)
    if not header.found:
        warnings.append(_("The file has no line of column names; I recognised its columns by their values."))
    survey = None
    if header.format.survey is not None:
        partial = CsvTable(
            text,
            dialect,
            FileFacts(header.format.key, header=header.names),
            header.bound,
            first_line,
            header.fused_rest,
            count,
        )
        survey = header.format.survey(row for _line, row in partial.rows())
    facts = FileFacts(
        format=header.format.key,
        encoding=decoded.encoding,
        delimiter=dialect.inner or dialect.delimiter,
        date_order=votes.order(delimiter=dialect.delimiter),
        header=header.names,
        header_found=header.found,
        header_fused=header.fused_rest is not None,
        warnings=tuple(warnings),
        survey=survey,
    )
    return CsvTable(text, dialect, facts, header.bound, first_line, header.fused_rest, count)


def too_many_rows(max_rows: int) -> str:
    return _(
        "The file has more than {n} books; I can import up to {n} at a time. Split it into smaller files."
    ).format(n=formats.number(max_rows))


def _take(iterator, n: int):
    for i, item in enumerate(iterator):
        if i >= n:
            return
        yield item
