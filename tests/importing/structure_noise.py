"""Add the file-structure noise real exports and spreadsheet re-saves carry, keeping every book.

``NOISE[name](data)`` returns the file with one kind of noise and every record's bytes as they were
(records are found with the stdlib csv module, never the importer, and spliced back raw):

- Excel's delimiter hint ``sep=,`` as the first line; a preamble (a title line, a blank line, a
  block of "Exported on: …" lines, Numbers' "Table 1") before the header;
- the header repeated in the middle (two exports pasted together, the second one with its BOM, its
  own ``sep=`` line or the first one's footer);
- a summary line after the rows ("Total books: 12"), alone or padded with delimiters to the width
  of the rows as a spreadsheet writes it;
- a few NUL bytes, or a block of them at the end; UTF-16 (LE or BE) without a BOM;
- a quote left open at the end of the file, or the last closing quote missing; CR-only line ends
  mixed with CRLF; CR CR LF (CRLF converted twice); DOS's end-of-file mark (Ctrl-Z); empty trailing
  columns a spreadsheet or pandas adds ("Unnamed: 40", "Column41").

Every variant holds the same books, so the importer must read the same titles from it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass(frozen=True)
class Split:
    delimiter: str
    header: str  # the header record, raw, with its line end
    body: list[str]  # every later record, raw, each with a line end


def split(data: bytes) -> Split:
    text = data.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=first.count)
    lines = _LINE.findall(text)
    reader = csv.reader(iter(lines), delimiter=delimiter)
    records, done = [], 0
    for _cells in reader:
        raw = "".join(lines[done : reader.line_num])
        done = reader.line_num
        records.append(raw if raw.endswith(("\n", "\r")) else raw + "\r\n")
    return Split(delimiter, records[0], [r for r in records[1:] if r.strip()])


def _halves(s: Split) -> tuple[str, str]:
    middle = max(1, len(s.body) // 2)
    return "".join(s.body[:middle]), "".join(s.body[middle:])


def _text(fn: Callable[[Split], str]) -> Callable[[bytes], bytes]:
    return lambda data: fn(split(data)).encode("utf-8")


def _sep_line(s: Split) -> str:
    return f"sep={s.delimiter}\r\n" + s.header + "".join(s.body)


def _preamble(*lines: str) -> Callable[[Split], str]:
    return lambda s: "".join(line + "\r\n" for line in lines) + s.header + "".join(s.body)


def _header_twice(s: Split) -> str:
    first, second = _halves(s)
    return s.header + first + s.header + second


def _concatenated(between: str) -> Callable[[Split], str]:
    def join(s: Split) -> str:
        first, second = _halves(s)
        return s.header + first + between.replace("{sep}", s.delimiter) + s.header + second

    return join


def _footer(s: Split) -> str:
    return s.header + "".join(s.body) + f"Total books: {len(s.body)}\r\n"


def _padded_footer(s: Split) -> str:
    width = len(next(csv.reader([s.header.strip("\r\n")], delimiter=s.delimiter)))
    fill = s.delimiter * (width - 1)
    return s.header + "".join(s.body) + f"{fill}\r\nTotal books: {len(s.body)}{fill}\r\n"


def _open_quote_at_end(s: Split) -> str:
    return s.header + "".join(s.body) + '"'


def _unclosed_last_quote(s: Split) -> str:
    text = s.header + "".join(s.body)
    end = text.rstrip("\r\n")
    return end[:-1] + "\r\n" if end.endswith('"') and not end.endswith('""') else end + ',"\r\n'


def _mixed_line_ends(s: Split) -> str:
    records = [s.header, *s.body]
    return "".join(r.rstrip("\r\n") + ("\r" if i % 2 else "\r\n") for i, r in enumerate(records))


def _empty_columns(*names: str) -> Callable[[Split], str]:
    def add(s: Split) -> str:
        tail = s.delimiter * len(names)
        head = s.header.rstrip("\r\n") + "".join(s.delimiter + n for n in names) + "\r\n"
        return head + "".join(r.rstrip("\r\n") + tail + "\r\n" for r in s.body)

    return add


def _nul_bytes(data: bytes) -> bytes:
    return data.replace(b"\n", b"\n\x00", 3)


def _nul_padding(data: bytes) -> bytes:
    """The unwritten end of a file a crash left: a block of NULs."""
    return data + b"\x00" * 4096


def _doubled_cr(data: bytes) -> bytes:
    """CRLF converted once more by a transfer in text mode: CR CR LF."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\r\n")


def _ctrl_z(data: bytes) -> bytes:
    """The end-of-file mark old DOS tools add."""
    return data.rstrip(b"\r\n") + b"\r\n\x1a"


def _utf16(codec: str) -> Callable[[bytes], bytes]:
    return lambda data: data.decode("utf-8-sig").encode(codec)


def _everything(s: Split) -> str:
    """Two exports pasted together, each with its delimiter hint, title line and summary."""
    first, second = _halves(s)
    part = f"sep={s.delimiter}\r\nMy export 2024\r\n\r\n" + s.header
    return part + first + "Total books: 1\r\n" + "\ufeff" + part + second + "Total books: 2\r\n"


def everything(data: bytes) -> bytes:
    """Every kind of structure noise at once (and a few NUL bytes)."""
    return _nul_bytes(_text(_everything)(data))


TEXT_NOISE: dict[str, Callable[[bytes], bytes]] = {
    "none": lambda data: data,
    "nul-bytes": lambda data: _nul_bytes(data),
    "doubled-cr": lambda data: _doubled_cr(data),
    "ctrl-z-at-end": lambda data: _ctrl_z(data),
    "utf16-le-no-bom": lambda data: _utf16("utf-16-le")(data),
}

TEXT_NOISE: dict[str, Callable[[bytes], bytes]] = {
    "sep-line": _text(_sep_line),
    "title-line": _text(_preamble("My export 2024")),
    "title-line-and-blank": _text(_preamble("My export 2024", "")),
    "numbers-table": _text(_preamble("Table 1")),
    "preamble-block": _text(
        _preamble("Library export", "Exported on: 2024-01-05", "Books: 12, shelves: 3", "")
    ),
    "preamble-with-delimiters": _text(_preamble("Exported from Libib, 2024-01-05, 12 items;", ",,,")),
    "header-twice": _text(_header_twice),
    "concatenated-with-bom": _text(_concatenated("\ufeff")),
    "concatenated-with-sep": _text(_concatenated("sep={sep}\r\n")),
    "concatenated-with-footer": _text(_concatenated("Total books: 3\r\n")),
    "footer": _text(_footer),
    "padded-footer": _text(_padded_footer),
    "open-quote-at-end": _text(_open_quote_at_end),
    "unclosed-last-quote": _text(_unclosed_last_quote),
    "mixed-line-ends": _text(_mixed_line_ends),
    "empty-columns": _text(_empty_columns("Unnamed: 40", "Column41", "")),
}
BYTES_NOISE: dict[str, Callable[[bytes], bytes]] = {
    "nul-bytes": _nul_bytes,
    "nul-padding": _nul_padding,
    "doubled-cr": _doubled_cr,
    "ctrl-z-at-end": _ctrl_z,
    "utf16-le-no-bom": _utf16("utf-16-le"),
    "utf16-be-no-bom": _utf16("utf-16-be"),
}
NOISE = {**TEXT_NOISE, **BYTES_NOISE, "everything": everything}
