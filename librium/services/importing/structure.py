"""The lines of a CSV file that are not book rows, and what the user is told about each.

Real exports and spreadsheet re-saves carry lines around the rows (reader.py finds them, this module
says what they are):
- Excel's delimiter hint ``sep=;`` (first line, or anywhere where files were pasted together): it
  sets the delimiter and is skipped;
- a preamble before the header line (a title, "Exported on: …", Numbers' "Table 1"): skipped;
- the header line again in the middle (two exports pasted together): skipped;
- a summary after the rows ("Total books: 123"): skipped only when it cannot be a book: it ends a
  section (the file, or the rows before a repeated header), only its first cell is filled while every
  data row has more, and it reads "label: number". A line that is only unlike the rows (no number,
  or the file has rows with only a first cell) is imported as a row and the dry run asks the user to
  check it: a book is never dropped on a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from librium.i18n import _, formats, ngettext
from librium.services.importing.formats import normalise_header

MAX_FOOTER = 3  # lines a summary block has at most; a longer run of one-cell rows is rows
SHOWN = 5  # skipped lines named in the warnings; the rest are counted
_HINT_LINE = re.compile(r"\A[ \t]*\"?sep=([^\r\n])\"?[ \t,;|]*(?:\r\n|\r|\n|\Z)", re.IGNORECASE)
_HINT_CELL = re.compile(r"sep=.?", re.IGNORECASE)
_SUMMARY = re.compile(r"[^\W\d][^\d:=]{0,40}[:=]\s*\d[\d\s.,:/-]*(?:\s+[^\W\d]+)?\.?")


def delimiter_hint(text: str) -> str | None:
    """The delimiter a ``sep=X`` first line names (Excel writes and reads it), or None."""
    match = _HINT_LINE.match(text)
    return match.group(1) if match else None


def filled(cells: list[str]) -> int:
    return sum(1 for c in cells if c)


def is_hint(cells: list[str]) -> bool:
    """A ``sep=X`` line, as the reader splits it (``sep=`` and an empty cell when X is the delimiter)."""
    return bool(cells) and bool(_HINT_CELL.fullmatch(cells[0])) and not any(cells[1:])


def repeats_header(names: tuple[str, ...], cells: list[str]) -> bool:
    """The header line again: every filled cell is the header's name in its column (two at least,
    unless the header has a single name)."""
    hits = 0
    for i, cell in enumerate(cells):
        if cell:
            if i >= len(names) or normalise_header(cell) != names[i]:
                return False
            hits += 1
    return hits >= min(2, filled(list(names)))


def only_first(cells: list[str]) -> bool:
    return bool(cells) and bool(cells[0]) and not any(cells[1:])


def _quote(cell: str) -> str:
    return cell if len(cell) <= 60 else cell[:59] + "…"


@dataclass
class Skipped:
    """Lines left out of the rows, with what to tell the user about them (in file order)."""

    lines: set[int] = field(default_factory=set)
    notes: list[tuple[int, str]] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # lines kept as rows that the user should check

    def hint(self, line: int, cells: list[str], delimiter: str) -> None:
        text = cells[0] if len(cells[0]) > len("sep=") else cells[0] + delimiter
        self._skip(
            line,
            _("Skipped line {line}: {text} (a spreadsheet's delimiter hint).").format(line=line, text=text),
        )

    def preamble(self, line: int, cells: list[str]) -> None:
        text = ", ".join(c for c in cells if c)
        self._skip(
            line,
            _("Skipped line {line} before the column names: “{text}”.").format(line=line, text=_quote(text)),
        )

    def header(self, line: int) -> None:
        self._skip(line, _("Skipped a repeated header row on line {line}.").format(line=line))

    def footer(self, line: int, text: str) -> None:
        self._skip(
            line,
            _("Line {line} is not a book row (only “{text}”): skipped.").format(line=line, text=_quote(text)),
        )

    def check(self, line: int, text: str) -> None:
        self.checks.append(
            _("Line {line} has only “{text}”, unlike the other rows: check that it is a book.").format(
                line=line, text=_quote(text)
            )
        )

    def _skip(self, line: int, note: str) -> None:
        self.lines.add(line)
        self.notes.append((line, note))

    def warnings(self) -> list[str]:
        notes = [note for _line, note in sorted(self.notes)]
        out = notes[:SHOWN]
        if len(notes) > SHOWN:
            more = len(notes) - SHOWN
            out.append(
                ngettext("…and {n} more line skipped.", "…and {n} more lines skipped.", more).format(
                    n=formats.number(more)
                )
            )
        return out + self.checks[:SHOWN]


@dataclass
class Footers:
    """Finds the lines around the sections of rows that only look like rows (see the module's
    docstring): summaries at the end of a section, and the title lines of a file pasted after it.

    :meth:`row` sees every data row in order; :meth:`boundary` is called at a ``sep=`` line, at a
    repeated header and at the end of the file; :meth:`decide` says what became of the lines."""

    run: list[tuple[int, str]] = field(default_factory=list)  # rows with only a first cell, so far
    wide: bool = False  # the section has a row with more than its first cell
    after_hint: bool = False  # the section started at a ``sep=`` line: a pasted file's preamble
    groups: list[tuple[list[tuple[int, str]], bool]] = field(default_factory=list)  # (run, before a header)
    preambles: list[tuple[int, str]] = field(default_factory=list)
    narrow_rows: bool = False  # the file has data rows with only their first cell

    def row(self, line: int, cells: list[str]) -> None:
        if only_first(cells):
            self.run.append((line, cells[0]))
            return
        self.narrow_rows = self.narrow_rows or bool(self.run)
        self.run, self.wide, self.after_hint = [], True, False

    def boundary(self, *, hint: bool = False, header: bool = False) -> None:
        if self.after_hint and header:
            self.preambles.extend(self.run)
        elif self.wide and len(self.run) <= MAX_FOOTER:
            self.groups.append((self.run, header or hint))
        elif self.run:
            self.narrow_rows = True
        self.run, self.wide, self.after_hint = [], False, hint

    def decide(self, skipped: Skipped) -> int:
        """Skip the summaries and preambles (tell the user), flag the doubtful lines; how many were
        skipped."""
        self.boundary()
        dropped = len(self.preambles)
        for line, text in self.preambles:
            skipped.preamble(line, [text])
        for run, before_header in self.groups:
            summaries = 0
            for line, text in run:
                summary = bool(_SUMMARY.fullmatch(text))
                if not self.narrow_rows and (summary or (summaries and before_header)):
                    if summary:
                        skipped.footer(line, text)
                        summaries += 1
                    else:
                        skipped.preamble(line, [text])
                    dropped += 1
                elif summary or not self.narrow_rows:
                    skipped.check(line, text)
        return dropped
