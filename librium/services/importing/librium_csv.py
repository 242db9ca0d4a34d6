"""The original Librium's CSV export (Book Catalogue layout) -> BookRecord, and the "|"-joined cell forms
our own export shares with it (series_details "Name (1.5)", readings "start..end").

Columns used: author_details ("Last Suffix, Prefix First Middle" joined with "|"), title, isbn,
publisher, date_published (a year or a date), rating (0-5 stars, 0 = unrated), bookshelf (-> tags),
read (1/0), series_details, pages, notes, list_price, location, read_start, read_end, format,
description, genre, language, date_added, book_uuid. Others (_id, signed, anthology...) are ignored.
"""

from __future__ import annotations

import re
import uuid as uuid_mod

from librium import validation
from librium.errors import Invalid
from librium.i18n import N_, _
from librium.names import parse_author
from librium.services.importing import dates, fields
from librium.services.importing.formats import Format, file_facts
from librium.services.importing.records import AuthorRecord, BookRecord, ReadingRecord
from librium.text import clean

_TITLES = {
    "dr",
    "dr.",
    "sir",
    "dame",
    "lady",
    "lord",
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "prof",
    "prof.",
}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "phd", "ph.d.", "md", "m.d.", "esq", "esq."}
_SERIES_DETAIL = re.compile(r"^(?P<name>.*?)\s*\((?P<index>\d+(?:[.,]\d+)?)\)$")
_YEAR = re.compile(r"^\s*(\d{4})")


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def parse_author_details(record: BookRecord, text: str, field: str = "author_details") -> AuthorRecord | None:
    """ "Le Guin, Ursula K." / "King Jr., Dr. Martin Luther" / "Aesop" -> an author with parts."""
    text = clean(text)
    if not text:
        return None
    left, comma, right = text.partition(",")
    last_tokens = left.split()
    suffix = None
    if len(last_tokens) > 1 and last_tokens[-1].casefold() in _SUFFIXES:
        suffix = last_tokens.pop()
    given = right.split() if comma else []
    prefix = given.pop(0) if len(given) > 1 and given[0].casefold() in _TITLES else None
    first = given[0] if given else None
    middle = " ".join(given[1:]) or None
    last = " ".join(last_tokens) or None
    if not (first or last):
        record.drop(field, text, _("not an author's name"))
        return None
    display = " ".join(p for p in (prefix, first, middle, last, suffix) if p)
    try:
        validation.name(display, "author name")
        for part in (first, middle, last, prefix, suffix):
            validation.optional_text(part, "author's name part", validation.PERSON_PART_MAX)
    except Invalid:
        record.drop(field, text, _("too long to store"))
        return None
    return AuthorRecord(display=display, first=first, middle=middle, last=last, prefix=prefix, suffix=suffix)


def parse_series_details(record: BookRecord, text: str, field: str = "series_details") -> list:
    """ "Discworld (1)|Rincewind (1.5)|Unnumbered" -> [(name, index or None), ...]."""
    out = []
    for part in _split(text):
        match = _SERIES_DETAIL.match(part)
        name, index = (match.group("name"), match.group("index")) if match else (part, None)
        name = fields.name(record, name, field)
        if name:
            value = fields.series_index(record, index, field)
            out.append((name, value if value else None))  # the original wrote 0 for "unnumbered"
    return out


def parse_readings(
    record: BookRecord, text: str, field: str = "readings", order: str = dates.YMD
) -> list[ReadingRecord]:
    """ "2024/01/02..2024/02/03|..2024/05/06|2024/06/01.. (abandoned)" -> readings."""
    out = []
    for part in _split(text):
        abandoned = part.endswith("(abandoned)")
        part = part.removesuffix("(abandoned)").strip()
        start, _, end = part.partition("..")
        out.append(
            ReadingRecord(
                started_on=fields.date(record, start, field, order),
                finished_on=fields.date(record, end, field, order),
                abandoned=abandoned,
            )
        )
    return out


def record_from_row(line: int, row: dict[str, str]) -> BookRecord:
    order = file_facts().date_order
    record = BookRecord(line=line)
    get = row.get
    record.title = fields.title(record, get("title", ""))
    for detail in _split(get("author_details")):
        author = parse_author_details(record, detail)
        if author and all(a.display.casefold() != author.display.casefold() for a in record.authors):
            record.authors.append(author)
    fields.isbn(record, ("isbn", get("isbn")))
    record.publishers = fields.names(record, _split(get("publisher")), "publisher")
    year = _YEAR.match(get("date_published", "") or "")
    fields.year(record, ("date_published", year.group(1) if year else get("date_published", "")))
    fields.stars(record, get("rating", ""), "rating")
    record.tags = fields.names(record, _split(get("bookshelf")), "bookshelf")
    read = (get("read", "") or "").strip().lower() in ("1", "true", "yes")
    record.status = "read" if read else "to-read"
    record.series = parse_series_details(record, get("series_details", ""))
    fields.pages(record, get("pages", ""), "pages")
    record.notes = fields.notes(get("notes"))
    fields.price(record, get("list_price"), "list_price")
    record.location = fields.name(record, get("location"), "location")
    start = fields.date(record, get("read_start", ""), "read_start", order)
    end = fields.date(record, get("read_end", ""), "read_end", order)
    if start or end:
        record.readings = [ReadingRecord(started_on=start, finished_on=end)]
    record.format = fields.name(record, get("format"), "format")
    record.description = get("description") or None
    record.genres = fields.names(record, _split(get("genre")), "genre")
    record.languages = fields.names(record, _split(get("language")), "language")
    record.created_at = fields.timestamp(record, get("date_added", ""), "date_added", order)
    raw_uuid = (get("book_uuid") or "").strip()
    if raw_uuid:
        try:
            record.uuid = str(uuid_mod.UUID(raw_uuid))
        except ValueError:
            record.drop("book_uuid", raw_uuid, _("not a UUID; the book gets a new one"))
    return record


def sort_name(author: AuthorRecord) -> str:
    """Library sort form for an author whose parts came from the file."""
    try:
        parsed = parse_author(author.display)
    except Invalid:
        return author.display
    if (parsed.first, parsed.middle, parsed.last) == (author.first, author.middle, author.last):
        return parsed.sort
    given = " ".join(p for p in (author.prefix, author.first, author.middle) if p)
    last = " ".join(p for p in (author.last, author.suffix) if p)
    return f"{last}, {given}" if given and last else (last or given)


COLUMNS = frozenset(
    [
        "_id",
        "author_details",
        "title",
        "isbn",
        "publisher",
        "date_published",
        "rating",
        "bookshelf",
        "bookshelf_id",
        "read",
        "series_details",
        "pages",
        "notes",
        "list_price",
        "anthology",
        "location",
        "read_start",
        "read_end",
        "format",
        "signed",
        "loaned_to",
        "anthology_titles",
        "description",
        "genre",
        "language",
        "date_added",
        "goodreads_book_id",
        "last_goodreads_sync_date",
        "last_update_date",
        "book_uuid",
    ]
)


FORMAT = Format(
    key="librium-original",
    name=N_("original Librium (Book Catalogue) export"),
    required=frozenset({"title", "author_details"}),
    columns=COLUMNS,
    record_from_row=record_from_row,
)
