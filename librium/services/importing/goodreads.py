"""Goodreads library export rows (and our own export, which adds "Librium ..." columns) -> BookRecord.

Decisions (documented here because the bot's help text repeats them):
- Exclusive Shelf: read -> read; currently-reading -> reading; to-read -> to-read; a shelf meaning
  "did not finish" (dnf, did-not-finish, abandoned, dropped, stopped-reading, gave-up) -> abandoned;
  any other exclusive shelf -> to-read, and that shelf is kept as a tag so nothing is lost.
- Bookshelves -> tags, except the shelves that became the status (read, to-read, currently-reading and
  the did-not-finish names).
- Date Read -> a finished reading on that day. Read Count N > 1 -> N - 1 more finished readings
  (rereads). Goodreads gives no dates for those, and a reading without a finish date is an *open* one
  for librium.services.reading, so they are recorded as finished on the Date Added day (or on the Date
  Read when that is earlier). Without a Date Read, N > 1 gives N readings on the Date Added day.
  A "read" book read once without a date gets no reading row: the status says it.
  currently-reading -> also an open reading (no start date), so the book shows among current readings.
- Owned Copies N > 0 -> N copies, owned. Owned Copies 0 on the to-read shelf -> the wishlist (not owned,
  0 copies): that is what "want to read, don't have it" means. Owned Copies 0 on any other shelf -> owned,
  1 copy: Goodreads leaves the column at 0 for almost everybody, and someone who read a book and lists it
  in a catalogue usually has it.
- Year Published (this edition) first, Original Publication Year when it is empty; a year we cannot
  store (Aesop's -560) is left out with a notice. Number of Pages 0 means unknown. My Rating 0 = unrated.
- Binding -> format ("Unknown Binding" -> none). My Review and Private Notes -> notes (blank line between).
- Date Added -> when the book was added (created_at, midnight UTC of that day).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from librium import validation
from librium.errors import Invalid
from librium.i18n import N_
from librium.names import split_authors
from librium.services.importing import fields
from librium.services.importing.formats import Format, file_facts
from librium.services.importing.records import BookRecord, ReadingRecord
from librium.services.importing.series_title import split_series_title
from librium.text import fold

STATUS_SHELVES = {"read": "read", "currently-reading": "reading", "to-read": "to-read"}
ABANDONED_SHELVES = {"dnf", "did-not-finish", "abandoned", "dropped", "stopped-reading", "gave-up", "quit"}
UNKNOWN_BINDINGS = {"unknown binding", "unknown"}


def _split_list(value: str, sep: str = ",") -> list[str]:
    return [part.strip() for part in (value or "").split(sep) if part.strip()]


def record_from_row(line: int, row: dict[str, str]) -> BookRecord:
    """Map one Goodreads row (header names normalised: lower case, single spaces) to a record."""
    order = file_facts().date_order
    record = BookRecord(line=line)
    get = row.get

    raw_title = get("title", "")
    title, series_name, series_index = split_series_title(raw_title)
    record.title = fields.title(record, title, "Title")
    if series_name:
        series = fields.name(record, series_name, "Series (in the title)")
        if series:
            record.series.append((series, fields.series_index(record, series_index, "Series number")))

    fields.add_authors(record, [get("author") or _from_last_first(get("author l-f", ""))], "Author")
    fields.add_authors(record, split_authors(get("additional authors", "")), "Additional Authors")

    fields.isbn(record, ("ISBN13", get("isbn13")), ("ISBN", get("isbn")))
    fields.stars(record, get("my rating", ""), "My Rating")
    publisher = fields.name(record, get("publisher"), "Publisher")
    record.publishers = [publisher] if publisher else []
    binding = get("binding", "")
    if binding and binding.casefold() not in UNKNOWN_BINDINGS:
        record.format = fields.name(record, binding, "Binding")
    fields.pages(record, get("number of pages", ""), "Number of Pages")
    fields.year(
        record,
        ("Year Published", get("year published")),
        ("Original Publication Year", get("original publication year")),
    )

    exclusive = fold(get("exclusive shelf", "")).replace(" ", "-") or "to-read"
    if exclusive in STATUS_SHELVES:
        record.status = STATUS_SHELVES[exclusive]
    elif exclusive in ABANDONED_SHELVES:
        record.status = "abandoned"
    else:
        record.status = "to-read"
    shelves = [*_split_list(get("bookshelves", "")), get("exclusive shelf", "")]
    status_shelves = STATUS_SHELVES.keys() | ABANDONED_SHELVES
    record.tags = fields.names(
        record, [s for s in shelves if fold(s).replace(" ", "-") not in status_shelves], "Bookshelves"
    )

    date_read = fields.date(record, get("date read", ""), "Date Read", order)
    read_count = max(0, min(fields.integer(record, get("read count", ""), "Read Count"), 100))
    record.created_at = fields.timestamp(record, get("date added", ""), "Date Added", order)
    added = record.created_at.date() if record.created_at else None
    undated_finish = added if added and (date_read is None or added <= date_read) else date_read
    if date_read:
        finishes = [undated_finish] * (read_count - 1) + [date_read]
    elif read_count > 1 and undated_finish:
        finishes = [undated_finish] * read_count
    else:
        finishes = []
    record.readings = [ReadingRecord(finished_on=day) for day in finishes]
    if record.status == "reading":
        record.readings.append(ReadingRecord())  # the open reading; Goodreads has no start date

    owned_copies = fields.integer(record, get("owned copies", ""), "Owned Copies")
    if owned_copies > 0:
        record.owned, record.copies = True, min(owned_copies, 1000)
    elif record.status == "to-read":
        record.owned, record.copies = False, 0
    else:
        record.owned, record.copies = True, 1

    record.notes = fields.notes(get("my review"), get("private notes"))

    if "librium uuid" in row:
        _apply_librium_columns(record, row, order)
    return record


def _from_last_first(value: str) -> str:
    last, _, first = (value or "").partition(",")
    return f"{first.strip()} {last.strip()}".strip()


def _apply_librium_columns(record: BookRecord, row: dict[str, str], order: str) -> None:
    """Our own export adds exact values Goodreads' layout cannot carry; they win over the derived ones."""
    from librium.services.importing.librium_csv import parse_readings, parse_series_details

    get = row.get
    if get("librium title"):
        record.title = fields.title(record, get("librium title", ""), "Librium Title")
    record.subtitle = fields.name(
        record, get("librium subtitle"), "Librium Subtitle", limit=validation.TITLE_MAX
    )
    record.series = parse_series_details(record, get("librium series", ""))
    record.genres = fields.names(record, _split_list(get("librium genres", ""), "|"), "Librium Genres")
    record.languages = fields.names(
        record, _split_list(get("librium languages", ""), "|"), "Librium Languages"
    )
    record.publishers = fields.names(
        record, _split_list(get("librium publishers", ""), "|"), "Librium Publishers"
    )
    record.tags = fields.names(record, _split_list(get("librium tags", ""), "|"), "Librium Tags")
    record.location = fields.name(record, get("librium location"), "Librium Location")
    record.format = fields.name(record, get("librium format"), "Librium Format")
    if get("librium status"):
        try:
            record.status = validation.reading_status(get("librium status", ""))
        except Invalid as exc:
            record.drop("Librium Status", get("librium status"), exc.message)
    if get("librium rating"):
        record.rating = fields.half_stars(record, get("librium rating", ""), "Librium Rating")
    if get("librium owned"):
        record.owned = get("librium owned", "").strip().lower() in ("1", "true", "yes")
        record.copies = fields.integer(
            record, get("librium copies", ""), "Librium Copies", default=record.copies
        )
    fields.price(record, get("librium price", ""), "Librium Price")
    if record.price is not None and get("librium currency"):
        try:
            record.currency = validation.currency(get("librium currency"))
        except Invalid as exc:
            record.drop("Librium Currency", get("librium currency"), exc.message)
    if "librium readings" in row:
        record.readings = parse_readings(record, get("librium readings", ""))
    if "librium notes" in row:
        record.notes = get("librium notes") or None
    record.description = get("librium description") or None
    record.uuid = get("librium uuid") or None
    created = fields.timestamp(record, get("librium added", ""), "Librium Added", order)
    record.created_at = created or record.created_at
    # The note a book kept from an earlier import (its heading, then "• value" lines) comes back with it.
    previous = (get("librium import note") or "").splitlines()
    if previous and not previous[0].startswith("• "):
        previous = previous[1:]
    record.notices += [line.removeprefix("• ") for line in previous if line.strip()]


# --------------------------------------------------------------------------- the formats

_UNIQUE = frozenset(
    {"book id", "author l-f", "exclusive shelf", "bookshelves", "bookshelves with positions", "my rating"}
)
LIBRIUM_COLUMNS = frozenset(
    "librium " + name
    for name in [
        "uuid",
        "title",
        "subtitle",
        "series",
        "genres",
        "languages",
        "publishers",
        "tags",
        "location",
        "format",
        "status",
        "rating",
        "owned",
        "copies",
        "price",
        "currency",
        "readings",
        "notes",
        "description",
        "added",
    ]
)


_HEADER_2017 = [
    "book id",
    "title",
    "author",
    "author l-f",
    "additional authors",
    "isbn",
    "isbn13",
    "my rating",
    "average rating",
    "publisher",
    "binding",
    "number of pages",
    "year published",
    "original publication year",
    "date read",
    "date added",
    "bookshelves",
    "bookshelves with positions",
    "exclusive shelf",
    "my review",
    "spoiler",
    "private notes",
    "read count",
    "owned copies",
]
_HEADER_2026 = [name for name in _HEADER_2017 if name != "average rating"]
_HEADER_OLD = [
    *_HEADER_2017[:-1],
    "recommended for",
    "recommended by",
    "owned copies",
    "original purchase date",
    "original purchase location",
    "condition",
    "condition description",
    "bcid",
]
_COMMON = (frozenset(_HEADER_OLD) | {"condition desc"}) - _UNIQUE
_PROBES = {
    "book id": re.compile(r"\d+"),
    "my rating": re.compile(r"[0-5](?:\.0)?"),
    "average rating": re.compile(r"\d(?:\.\d+)?"),
    "number of pages": re.compile(r"\d+"),
    "date added": re.compile(r"\d{4}/\d{1,2}/\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}"),
    "read count": re.compile(r"\d+"),
    "owned copies": re.compile(r"\d+"),
}


def looks_like(cells: Sequence[str]) -> bool:
    """A data row of a Goodreads layout: a numeric Book Id, a 0-5 rating and a Date Added where they go."""
    layout = {len(h): h for h in (_HEADER_2017, _HEADER_2026, _HEADER_OLD)}.get(len(cells))
    if layout is None:
        return False
    for name, pattern in _PROBES.items():
        if name in layout:
            cell = cells[layout.index(name)].strip()
            if cell and not pattern.fullmatch(cell):
                return False
    return bool(cells[0].strip())


FORMAT = Format(
    key="goodreads",
    name=N_("Goodreads export"),
    required=frozenset({"title"}),
    any_of=_UNIQUE,
    columns=_COMMON,
    record_from_row=record_from_row,
    layouts=(tuple(_HEADER_2017), tuple(_HEADER_2026), tuple(_HEADER_OLD)),
    looks_like=looks_like,
)
LIBRIUM_FORMAT = Format(
    key="librium",
    name=N_("Librium export"),
    required=frozenset({"title", "librium uuid"}),
    any_of=_UNIQUE,
    columns=_COMMON | LIBRIUM_COLUMNS,
    record_from_row=record_from_row,
)
