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

from librium.services.importing import fields
from librium.services.importing.records import BookRecord, ReadingRecord
from librium.services.importing.series_title import split_series_title
from librium.text import fold

STATUS_SHELVES = {"read": "read", "currently-reading": "reading", "to-read": "to-read"}
ABANDONED_SHELVES = {"dnf", "did-not-finish", "abandoned", "dropped", "stopped-reading", "gave-up", "quit"}
UNKNOWN_BINDINGS = {"unknown binding", "unknown"}


def _split_list(value: str, sep: str = ",") -> list[str]:
    return [part.strip() for part in (value or "").split(sep) if part.strip()]


def record_from_row(line: int, row: dict[str, str]) -> BookRecord:
    """Map one Goodreads row (header names already lower-cased) to a record."""
    record = BookRecord(line=line)
    get = row.get

    raw_title = get("title", "")
    title, series_name, series_index = split_series_title(raw_title)
    record.title = fields.title(record, title)
    if series_name:
        series = fields.name(record, series_name, "series name", limit=200)
        if series:
            record.series.append((series, fields.series_index(record, series_index)))

    fields.add_authors(record, [get("author") or _from_last_first(get("author l-f", ""))])
    from librium.names import split_authors

    fields.add_authors(record, split_authors(get("additional authors", "")))

    fields.isbn(record, get("isbn13", ""), get("isbn", ""))
    fields.stars(record, get("my rating", ""))
    publisher = fields.name(record, get("publisher"), "publisher")
    record.publishers = [publisher] if publisher else []
    binding = get("binding", "")
    if binding and binding.casefold() not in UNKNOWN_BINDINGS:
        record.format = fields.name(record, binding, "format")
    fields.pages(record, get("number of pages", ""))
    fields.year(record, get("year published", ""), get("original publication year", ""))

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
        record, [s for s in shelves if fold(s).replace(" ", "-") not in status_shelves], "tag"
    )

    date_read = fields.date(record, get("date read", ""), "Date Read")
    read_count = max(0, min(fields.integer(record, get("read count", ""), "Read Count"), 100))
    record.created_at = fields.timestamp(record, get("date added", ""), "Date Added")
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
        _apply_librium_columns(record, row)
    return record


def _from_last_first(value: str) -> str:
    last, _, first = (value or "").partition(",")
    return f"{first.strip()} {last.strip()}".strip()


def _apply_librium_columns(record: BookRecord, row: dict[str, str]) -> None:
    """Our own export adds exact values Goodreads' layout cannot carry; they win over the derived ones."""
    from librium.services.importing.librium_csv import parse_readings, parse_series_details

    get = row.get
    if get("librium title"):
        record.title = fields.title(record, get("librium title", ""))
    record.subtitle = fields.name(record, get("librium subtitle"), "subtitle", limit=500)
    record.series = parse_series_details(record, get("librium series", ""))
    record.genres = fields.names(record, _split_list(get("librium genres", ""), "|"), "genre")
    record.languages = fields.names(record, _split_list(get("librium languages", ""), "|"), "language")
    record.publishers = fields.names(record, _split_list(get("librium publishers", ""), "|"), "publisher")
    record.tags = fields.names(record, _split_list(get("librium tags", ""), "|"), "tag")
    record.location = fields.name(record, get("librium location"), "shelf name")
    record.format = fields.name(record, get("librium format"), "format")
    if get("librium status"):
        record.status = get("librium status", "").strip()
    if get("librium rating"):
        record.rating = fields.half_stars(record, get("librium rating", ""))
    if get("librium owned"):
        record.owned = get("librium owned", "").strip().lower() in ("1", "true", "yes")
        record.copies = fields.integer(record, get("librium copies", ""), "copies", default=record.copies)
    price = get("librium price", "")
    if price:
        try:
            from librium import validation

            record.price = validation.price(price)
            record.currency = validation.currency(get("librium currency"))
        except Exception as exc:
            record.problems.append(str(exc))
    if "librium readings" in row:
        record.readings = parse_readings(record, get("librium readings", ""))
    if "librium notes" in row:
        record.notes = get("librium notes") or None
    record.description = get("librium description") or None
    record.uuid = get("librium uuid") or None
    created = fields.timestamp(record, get("librium added", ""), "added")
    record.created_at = created or record.created_at
