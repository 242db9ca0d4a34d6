"""Rewrite a CSV export in another dialect, the ways real files come (spreadsheets, locales, old Macs).

``rewrite(data, Dialect(...))`` reads a file with the stdlib csv module (never the importer) and writes
it again: another delimiter, padding around fields (``, `` separators or fixed-width columns),
everything quoted or only what must be, Excel's ``="…"`` kept or dropped, ISBN-13s in scientific
notation (only where the ISBN-10 column still has the number, so nothing is lost), ISBN-10s without
their leading zeros, dates as D/M/Y, M/D/Y or M/D/YY, a BOM, UTF-8/UTF-16/Windows-1252/Mac Roman, LF,
CRLF or CR-only line ends, the header fused with the first record or missing. Every rewrite keeps
every value, so the importer must read the same books from it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

DATE = re.compile(r"^(\d{4})/(\d{2})/(\d{2})$")
ISBN_COLUMNS = ("isbn", "isbn13")


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ","
    padding: str = "none"  # none | sep (", ") | fixed (columns padded to one width)
    quote_all: bool = False
    excel_isbn: str = "keep"  # keep (="…") | plain | scientific | no-zeros
    dates: str = "ymd"  # ymd | dmy | mdy | mdyy
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | utf-16 | cp1252 | mac_roman
    newline: str = "\n"  # \n | \r\n | \r
    header: str = "line"  # line | fused | missing


def read_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in row)]


def _unwrap(cell: str) -> str:
    return cell[2:-1] if cell.startswith('="') and cell.endswith('"') else cell


def _date(cell: str, style: str) -> str:
    match = DATE.match(cell)
    if not match or style == "ymd":
        return cell
    y, m, d = match.groups()
    if style == "dmy":
        return f"{d}/{m}/{y}"
    if style == "mdy":
        return f"{int(m)}/{int(d)}/{y}"
    return f"{int(m)}/{int(d)}/{y[2:]}"


def _scientific(isbn13: str) -> str:
    return f"{isbn13[0]}.{isbn13[1:6]}E+12"


def _cells(header: list[str], row: list[str], dialect: Dialect) -> list[str]:
    names = [h.strip().casefold() for h in header]
    out = []
    isbn10 = ""
    if "isbn" in names:
        isbn10 = _unwrap(row[names.index("isbn")]) if names.index("isbn") < len(row) else ""
    for name, cell in zip(names, row, strict=False):
        if name in ISBN_COLUMNS and cell.startswith('="'):
            value = _unwrap(cell)
            if dialect.excel_isbn == "keep":
                pass
            elif (
                dialect.excel_isbn == "scientific"
                and name == "isbn13"
                and value.isdigit()
                and isbn10.isdigit()
            ):
                cell = _scientific(value)
            elif dialect.excel_isbn == "no-zeros" and name == "isbn" and value.isdigit():
                cell = value.lstrip("0")
            else:
                cell = value
        out.append(_date(cell, dialect.dates))
    return out


def _quote(cell: str, dialect: Dialect) -> str:
    special = dialect.delimiter in cell or '"' in cell or "\n" in cell or "\r" in cell
    if dialect.quote_all or special:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _line(cells: list[str], dialect: Dialect, width: int) -> str:
    quoted = [_quote(c, dialect) for c in cells]
    if dialect.padding == "sep":
        return (dialect.delimiter + " ").join(quoted)
    if dialect.padding == "fixed":
        return dialect.delimiter.join(q.rjust(width) if q.isdigit() else q.ljust(width) for q in quoted)
    return dialect.delimiter.join(quoted)


def rewrite(data: bytes, dialect: Dialect) -> bytes:
    rows = read_rows(data)
    header, records = rows[0], rows[1:]
    body = [_cells(header, r, dialect) for r in records]
    width = 12
    lines = [_line(r, dialect, width) for r in body]
    head = _line(header, dialect, width)
    if dialect.header == "missing":
        text = dialect.newline.join(lines)
    elif dialect.header == "fused":
        text = head + lines[0] + dialect.newline + dialect.newline.join(lines[1:])
    else:
        text = head + dialect.newline + dialect.newline.join(lines)
    text += dialect.newline
    if dialect.newline != "\n":  # a spreadsheet writes its own line end inside quoted cells too
        text = (
            re.sub(r"(?<!\r)\n", dialect.newline, text)
            if dialect.newline == "\r\n"
            else text.replace("\n", "\r")
        )
    return text.encode(dialect.encoding)


def encodable(data: bytes, encoding: str) -> bool:
    try:
        data.decode("utf-8-sig").encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def has_unambiguous_day(data: bytes) -> bool:
    """Whether some date of the file has a day over 12 (so D/M/Y and M/D/Y can be told apart)."""
    return any(
        int(m.group(3)) > 12 for m in re.finditer(r"(\d{4})/(\d{2})/(\d{2})", data.decode("utf-8-sig"))
    )
