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
- the lines that are not rows (structure.py): Excel's ``sep=`` line (it names the delimiter), a
  preamble before the header, the header repeated where files were pasted together, summary lines
  after the rows; each one skipped is named in the warnings;
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
from librium.services.importing import dates, structure
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
            raise _not_csv(previous_end + 1, exc) from None
        start = previous_end + 1
        previous_end = reader.line_num
        if cells and any(c.strip() for c in cells):
            yield start, cells


def _not_csv(line: int, error: csv.Error) -> Invalid:
    return Invalid(_("Line {line} is not valid CSV ({error}).").format(line=line, error=error))


def records(text: str, dialect: Dialect) -> Iterator[tuple[int, list[str]]]:
    """(first line, stripped cells) of every record, unwrapping one-column re-saves."""
    for line, cells in _parse(text, dialect.delimiter, padded=dialect.inner is None):
        if dialect.inner:
            joined = dialect.delimiter.join(cells).rstrip(dialect.delimiter + " ")
            inner = csv.reader(_lines(joined), delimiter=dialect.inner, skipinitialspace=True, strict=False)
            try:
                cells = next(inner, [])
            except csv.Error as exc:  # a quote opened in one record and closed in another
                raise _not_csv(line, exc) from None
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
    """Higher is better: many fields, the same number in every record, as many as the header has.
    Records narrower than the rest before the header (a preamble, ``sep=``) are not counted."""
    if not sample:
        return (False, False, False, 0, 0.0)
    start = _preamble_length(sample, _row_width(sample))
    share, width = _consistency(sample[start + 1 :] or sample[start:])
    header = len(sample[start])
    return (width > 1, share >= 0.8, abs(header - width) <= 1, width if share >= 0.8 else 0, share)


def _row_width(sample: list[list[str]]) -> int:
    """The widest number of fields a quarter of the records (two at least) have: the rows', even
    when a preamble has more records than a small file has rows."""
    counts: dict[int, int] = {}
    for cells in sample:
        counts[len(cells)] = counts.get(len(cells), 0) + 1
    common = [w for w, n in counts.items() if n >= max(2, len(sample) / 4)]
    return max(common, default=0)


def _preamble_length(sample: list[list[str]], width: int) -> int:
    """Leading records narrower than the rows' ``width``, while two records at least follow the next
    one, the header."""
    n = 0
    while len(sample[n]) < width - 1 and len(sample) - n - 1 > 2:
        n += 1
    return n


def sniff(text: str, hint: str | None = None) -> Dialect:
    """The delimiter that splits the records most consistently into the most fields; or, for a file a
    spreadsheet saved as one column in another delimiter, that pair. A delimiter the file names
    (``sep=;``) wins the ties."""
    head = text[:200_000]
    candidates = []
    delimiters = sorted(DELIMITERS, key=lambda d: d != hint)
    for order, delimiter in enumerate(delimiters):
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


def _as_header(cells: list[str], vocabulary: frozenset[str], width: int) -> Header | None:
    """``cells`` read as a header line (split when it ran into the first row), or None."""
    known = _known(cells, vocabulary)
    if known < 1:
        return None
    fused = _split_fused(cells, vocabulary, width) if 2 <= known < structure.filled(cells) else None
    names = [normalise_header(c) for c in (fused[0] if fused else cells)]
    found = REGISTRY.detect(names)
    if found is None:
        return None
    return Header(tuple(names), found[0], found[1], fused_rest=fused[1] if fused else None)


def _plainly_header(header: Header, cells: list[str], vocabulary: frozenset[str]) -> bool:
    """Mostly column names the formats know (or the generic import reads): what a header after a
    preamble must be."""
    mapping = header.bound.mapping
    known = max(_known(cells, vocabulary), len(mapping.read) if mapping else 0)
    filled = structure.filled(cells)
    return known == filled or (known >= 2 and 2 * known >= filled)


def find_header(sample: list[list[str]]) -> tuple[int, Header]:
    """The header, and how many records of ``sample`` (the first records) come before the rows.

    The header is the first record; or a later one that is plainly a header line and wider than every
    record before it (a preamble: a title line, "Exported on: …", Excel's ``sep=``); or, when the file
    has no header line, a layout recognised from the records' content (then the records before the
    rows are the leading ones narrower than half the layout, or ``sep=`` lines)."""
    vocabulary = REGISTRY.vocabulary()
    width = _consistency(sample[1:] or sample)[1]
    widest = 0
    for i, cells in enumerate(sample):
        header = _as_header(cells, vocabulary, width)
        if header is not None and (
            i == 0 or (structure.filled(cells) > widest and _plainly_header(header, cells, vocabulary))
        ):
            return i, header
        if not structure.is_hint(cells):
            widest = max(widest, structure.filled(cells))
    by_content = REGISTRY.detect_by_content([c for c in sample if not structure.is_hint(c)])
    if by_content is not None:
        fmt, layout = by_content
        bound = fmt.bind(layout)
        if bound is not None:
            return _rows_start(sample, len(layout)), Header(tuple(layout), fmt, bound, found=False)
    raise Invalid(_(UNRECOGNISED))


def _rows_start(sample: list[list[str]], width: int) -> int:
    n = 0
    while n < len(sample) - 1 and (
        structure.is_hint(sample[n]) or (len(sample[n]) != width and 2 * structure.filled(sample[n]) < width)
    ):
        n += 1
    return n


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
    skipped: frozenset[int] = frozenset()  # lines that are not rows (structure.py)

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
            yield self.first_line - 1, self.fused_rest  # the header line
        for line, cells in records(self.text, self.dialect):
            if line >= self.first_line and line not in self.skipped:
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
    hint = structure.delimiter_hint(text)
    dialect = sniff(text, hint)
    sample = list(_take(records(text, dialect), SAMPLE_RECORDS))
    if not sample:
        raise Invalid(_("The file is empty."))
    at, header = find_header([cells for _line, cells in sample])
    skipped = structure.Skipped()
    for line, cells in sample[:at]:
        if structure.is_hint(cells):
            skipped.hint(line, cells, dialect.delimiter)
        else:
            skipped.preamble(line, cells)
    first_line = sample[at][0] + 1 if header.found else sample[at][0]
    count, votes = _survey_rows(text, dialect, header, first_line, skipped, max_rows)
    if count == 0:
        raise Invalid(_("The file has column names but no books in it."))
    warnings = list(decoded.warnings)
    if not header.found:
        warnings.append(_("The file has no line of column names; I recognised its columns by their values."))
    warnings.extend(skipped.warnings())
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
            frozenset(skipped.lines),
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
    return CsvTable(
        text, dialect, facts, header.bound, first_line, header.fused_rest, count, frozenset(skipped.lines)
    )


def _survey_rows(
    text: str, dialect: Dialect, header: Header, first_line: int, skipped: structure.Skipped, max_rows: int
) -> tuple[int, dates.OrderVotes]:
    """One pass over the rows: count them (refusing a file that is too long), vote on the date order,
    and find the lines that are not rows (``sep=`` lines, repeated header lines, summaries)."""
    count = 1 if header.fused_rest is not None else 0
    votes = dates.OrderVotes()
    footers = structure.Footers()
    for line, cells in records(text, dialect):
        if line < first_line:
            continue
        if structure.is_hint(cells):
            skipped.hint(line, cells, dialect.delimiter)
            footers.boundary(hint=True)
        elif header.found and structure.repeats_header(header.names, cells):
            skipped.header(line)
            footers.boundary(header=True)
        else:
            count += 1
            if count > max_rows:
                raise Invalid(too_many_rows(max_rows))
            footers.row(line, cells)
            _vote_dates(votes, cells)
    return count - footers.decide(skipped), votes


def _vote_dates(votes: dates.OrderVotes, cells: list[str]) -> None:
    for cell in cells:
        if cell and cell[0] in "0123456789[" and _DATE_LIKE.fullmatch(cell):
            votes.add(cell)


def too_many_rows(max_rows: int) -> str:
    return _(
        "The file has more than {n} books; I can import up to {n} at a time. Split it into smaller files."
    ).format(n=formats.number(max_rows))


def _take(iterator, n: int):
    for i, item in enumerate(iterator):
        if i >= n:
            return
        yield item
