"""Book Catalogue's CSV export (Android, com.eleybourn.bookcatalogue: Admin -> Export books) -> BookRecord.

It is the layout the original Librium exported (librium_csv.py reads the shared columns); this module
reads what Book Catalogue itself writes on top of it:
- every field quoted, the header ending with a comma (an empty last column, ignored);
- author_details "Vaughan, Brian K.|Staples, Fiona" (some cells also separate names with ";", and
  write some of them first name first);
- series_details "Saga (6\\|Vol. 1)|Saga Collected (1)|Saga": "|" inside a value is escaped with a
  backslash; a number followed by more text ("6|Vol. 1", "1201|1-9") keeps its leading number, and a
  range ("1-3") its first; a stray ")" left by a split name goes;
- bookshelf "Default,to-read," (comma-separated, a trailing comma): the default shelf every book is on
  says nothing and is not a tag; the others are tags;
- isbn: an ASIN where the ISBN goes is noted and left out;
- description in HTML ("<br>", "<em>") -> text; format in its words (Paperback, Hardcover, Ebook...);
- signed 1/true -> tag "signed"; loaned_to -> a loan (Book Catalogue keeps no day: it counts from the import); anthology_titles -> "Contents: …".
"""

from __future__ import annotations

import re

from librium.errors import Invalid
from librium.i18n import N_
from librium.names import parse_author
from librium.services.importing import librium_csv
from librium.services.importing.apps import common
from librium.services.importing.formats import Format
from librium.services.importing.records import BookRecord
from librium.text import fold

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_SERIES = re.compile(r"^(?P<name>.*?)\s*\((?P<number>[^()]*)\)?\s*$")
_LEADING_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)")
DEFAULT_SHELVES = {"default", "défaut", "standard", "predeterminado"}


def split_escaped(text: str | None) -> list[str]:
    """ "Saga (6\\\\|Vol. 1)|Saga" -> ["Saga (6|Vol. 1)", "Saga"]: "|" splits unless a backslash escapes it."""
    parts = _UNESCAPED_PIPE.split(text or "")
    return [p.replace("\\\\|", "|").replace("\\|", "|").strip() for p in parts if p.strip()]


def _series_part(part: str) -> str:
    """One series as librium_csv reads it: "Name (number)" with a plain number, or just "Name"."""
    match = _SERIES.match(part)
    if not match or "(" not in part:
        return part.rstrip(") ").strip()
    name, inside = match.group("name").strip(), match.group("number")
    number = _LEADING_NUMBER.match(inside)
    return f"{name} ({number.group(1)})" if number and name else (name or part).rstrip(") ")


def _last_first(name: str) -> str:
    """ "Matthew Hollingsworth" -> "Hollingsworth, Matthew", the form author_details uses."""
    if "," in name or " " not in name.strip():
        return name
    try:
        parsed = parse_author(name)
    except Invalid:
        return name
    given = " ".join(p for p in (parsed.prefix, parsed.first, parsed.middle) if p)
    last = " ".join(p for p in (parsed.last, parsed.suffix) if p)
    return f"{last}, {given}" if given and last else name


def record_from_row(line: int, row: dict[str, str]) -> BookRecord:
    get = row.get
    shelves = [
        s for s in re.split(r"\s*[,|]\s*", get("bookshelf") or "") if s and fold(s) not in DEFAULT_SHELVES
    ]
    authors = [
        _last_first(a)
        for part in split_escaped(get("author_details"))
        for a in re.split(r"\s*;\s*", part)
        if a
    ]
    shared = {
        **row,
        "author_details": "|".join(authors),
        "series_details": "|".join(_series_part(p) for p in split_escaped(get("series_details"))),
        "bookshelf": "|".join(shelves),
        "isbn": "",
        "format": "",
        "description": "",
    }
    record = librium_csv.record_from_row(line, shared)
    common.isbn(record, get("isbn"), what="isbn")  # an ASIN there is noted, not refused
    common.book_format(record, get("format"))
    record.description = common.html_text(get("description"))
    if common.yes(get("signed")):
        record.tags.append("signed")
    noted = []
    common.lending(record, get("loaned_to"), "loaned_to")
    contents = split_escaped(get("anthology_titles"))
    if contents:
        noted.append("Contents: " + "; ".join(contents))
    record.notes = common.join_notes(record.notes, "\n".join(noted))
    return record


FORMAT = Format(
    key="bookcatalogue",
    name=N_("Book Catalogue export"),
    required=frozenset({"title", "author_details"}),
    any_of=frozenset(
        {
            "bookshelf_id",
            "goodreads_book_id",
            "last_goodreads_sync_date",
            "last_update_date",
            "anthology_titles",
        }
    ),
    record_from_row=record_from_row,
    columns=librium_csv.COLUMNS,
)
