"""Which app a file comes from: the registry of import formats and how each is recognised.

Every format says how to recognise its header (columns that must all be there, and columns of which
at least one must be there) and, for a file whose header line is missing, how a data row of its
layout looks. Detection tries every format and keeps the one whose signature matches the most
columns; ties go to the one registered first (the apps' own exports before the generic import).

A format's ``bind(header)`` gives the row mapper for that file's header: for the apps it is their
fixed ``record_from_row``; the generic import builds one from the columns it recognises and says
which columns it read and which it ignored (:class:`ColumnMapping`, shown in the dry run).

Rows are streamed (a big file is never held whole), so a decision that needs the whole file is a
``survey(rows) -> value``: it sees every row (a dict by header name) once, before any is mapped, and
its value is in :func:`file_facts` ``().survey`` while the rows are mapped. :func:`file_facts` also
gives the file's ``date_order``, which the date parsers of fields.py use by default.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from librium.services.importing.records import BookRecord

RowMapper = Callable[[int, dict[str, str]], BookRecord]


def normalise_header(name: str) -> str:
    """ "  Author l-f " / "'AUTHOR (first, last)'" -> "author l-f" / "author (first, last)"."""
    text = " ".join(name.replace("\ufeff", "").split()).casefold()
    while len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    return text


@dataclass(frozen=True)
class FileFacts:
    """What the reader found out about a file, for the mappers (see :func:`file_facts`)."""

    format: str
    encoding: str = "utf-8"
    delimiter: str = ","
    date_order: str = "mdy"  # dates.YMD / DMY / MDY: decided once for the whole file
    header: tuple[str, ...] = ()
    header_found: bool = True  # False: no header line; ``header`` is a layout recognised by content
    header_fused: bool = False  # the header line ran into the first record (no line break)
    warnings: tuple[str, ...] = ()
    survey: Any = None  # the format's survey of all rows, when it has one


_FACTS: contextvars.ContextVar[FileFacts | None] = contextvars.ContextVar("import_file_facts", default=None)


def file_facts() -> FileFacts:
    """The facts of the file whose rows are being mapped now (defaults outside an import)."""
    return _FACTS.get() or FileFacts(format="")


@contextmanager
def mapping(facts: FileFacts) -> Iterator[None]:
    """Map rows of the file described by ``facts`` inside this block."""
    token = _FACTS.set(facts)
    try:
        yield
    finally:
        _FACTS.reset(token)


@dataclass(frozen=True)
class ColumnMapping:
    """What a file's columns were read as: ``read`` pairs (column, field) and ``ignored`` columns."""

    read: tuple[tuple[str, str], ...] = ()
    ignored: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bound:
    """A format bound to one file's header: the row mapper, and the mapping when it is worth showing."""

    record_from_row: RowMapper
    mapping: ColumnMapping | None = None


@dataclass(frozen=True)
class Format:
    """One app's layout. ``required``: every one of these header names; ``any_of``: at least one.

    ``layouts``: the app's full column lists (normalised), for files whose header line is missing;
    ``looks_like(cells)`` says whether a data row has that layout's values (ISBNs, dates, statuses
    where they belong). ``survey(rows)`` sees the whole file first, for decisions that need it (e.g.
    "the file never uses its Owned? column"); ``columns`` lists the other names its header may have.
    """

    key: str
    name: str
    required: frozenset[str]
    record_from_row: RowMapper | None = None
    any_of: frozenset[str] = frozenset()
    forbidden: frozenset[str] = frozenset()
    layouts: tuple[tuple[str, ...], ...] = ()
    looks_like: Callable[[Sequence[str]], bool] | None = None
    binder: Callable[[list[str]], Bound | None] | None = None
    priority: int = 0
    survey: Callable[[Iterable[dict[str, str]]], Any] | None = None
    columns: frozenset[str] = frozenset()  # other header names it writes (for telling a header)

    def vocabulary(self) -> frozenset[str]:
        """Every header name this format is known to write."""
        return self.required | self.any_of | self.columns | frozenset(c for lay in self.layouts for c in lay)

    def score(self, names: frozenset[str]) -> int | None:
        """How many columns of the signature the header has (plus the priority); None when it is not
        this format. A format without a signature (the generic import) scores only its priority and
        decides in ``bind``."""
        if not self.required <= names or names & self.forbidden:
            return None
        if self.any_of and not names & self.any_of:
            return None
        return len(self.required) + len(names & self.any_of) + self.priority

    def bind(self, header: list[str]) -> Bound | None:
        if self.binder is not None:
            return self.binder(header)
        assert self.record_from_row is not None
        return Bound(self.record_from_row)


@dataclass(frozen=True)
class JsonFormat:
    """An app whose export is JSON: ``recognises(data)`` on the parsed document, ``rows(text, data)``
    yields (line, row) pairs in the shape its ``record_from_row`` reads."""

    key: str
    name: str
    recognises: Callable[[object], bool]
    rows: Callable[[str, object], Iterable[tuple[int, dict[str, str]]]]
    record_from_row: RowMapper


@dataclass
class Registry:
    formats: list[Format] = field(default_factory=list)
    json_formats: list[JsonFormat] = field(default_factory=list)

    def register_json(self, fmt: JsonFormat) -> JsonFormat:
        self.json_formats.append(fmt)
        return fmt

    def detect_json(self, data: object) -> JsonFormat | None:
        return next((fmt for fmt in self.json_formats if fmt.recognises(data)), None)

    def register(self, fmt: Format) -> Format:
        if any(f.key == fmt.key for f in self.formats):
            raise ValueError(f"format {fmt.key} registered twice")
        self.formats.append(fmt)
        return fmt

    def by_key(self, key: str) -> Format | JsonFormat:
        for fmt in [*self.formats, *self.json_formats]:
            if fmt.key == key:
                return fmt
        raise KeyError(key)

    def detect(self, header: Iterable[str]) -> tuple[Format, Bound] | None:
        """The best format for a (normalised) header, bound to it; None when none recognises it."""
        header = list(header)
        names = frozenset(h for h in header if h)
        scored = [(fmt.score(names), -i, fmt) for i, fmt in enumerate(self.formats)]
        ranked = sorted((t for t in scored if t[0] is not None), key=lambda t: (t[0], t[1]), reverse=True)
        for _score, _order, fmt in ranked:
            bound = fmt.bind(header)
            if bound is not None:
                return fmt, bound
        return None

    def detect_by_content(self, rows: Sequence[Sequence[str]]) -> tuple[Format, list[str]] | None:
        """A file without its header line: the format (and layout) whose rows look like these.

        A layout matches when most of the first rows have its number of cells (or more, all empty: a
        spreadsheet's trailing columns) and its values."""
        sample = [r for r in rows[:20] if any(c.strip() for c in r)]
        if not sample:
            return None
        for fmt in self.formats:
            if fmt.looks_like is None:
                continue
            for layout in fmt.layouts:
                width = len(layout)
                fitting = [
                    r
                    for r in sample
                    if (len(r) == width or (len(r) > width and not any(r[width:])))
                    and fmt.looks_like(r[:width])
                ]
                if len(fitting) * 2 > len(sample) and (len(fitting) >= 2 or len(sample) == 1):
                    return fmt, list(layout)
        return None

    def names(self) -> dict[str, str]:
        return {fmt.key: fmt.name for fmt in [*self.formats, *self.json_formats]}

    def vocabulary(self) -> frozenset[str]:
        """Every header name some format writes: what tells a header line from a record."""
        return frozenset().union(*(fmt.vocabulary() for fmt in self.formats))


REGISTRY = Registry()
