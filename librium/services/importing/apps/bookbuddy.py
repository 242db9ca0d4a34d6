"""BookBuddy's CSV export (Settings -> Export -> CSV) -> BookRecord, by column name, so the older short
layout and the current 79-column one ("Title, Original Title, Subtitle, Series, Volume, Author,
Author (Last, First), Illustrator, ..., Wish List, Previously Owned, Up Next, Position, Uploaded
Image URL, Activities") are both read.

Decisions:
- Author: names joined by "&" or ","; without it, "Author (Last, First)". Illustrator, Narrator,
  Translator, Photographer and Editor are credited in the notes.
- Series + Volume -> series and number. Subtitle -> subtitle. Original Title and Edition -> notes.
- Year Published, else Date Published, else Original Year Published -> year.
- Genre -> genres. Summary -> description. Number of Pages -> pages. Format -> format. Language -> languages.
- Rating "3.500000" -> stars (0 = unrated). Favorites 1 -> tag "favorite". Tags and Category -> tags.
  Up Next 1 -> tag "up next".
- Status: Read (a reading from Date Started to Date Finished), Reading (an open reading), Unread ->
  to-read, Incomplete/Abandoned -> abandoned (with Status Incompleted Reason in the notes).
- Physical Location -> shelf. Quantity -> copies. Wish List 1 -> the wishlist (not owned); Previously
  Owned 1, or a Not Owned Reason, or a book borrowed and not returned -> not owned, the reason noted.
- Loaned To and Date Loaned -> a loan (who has the book, since when).
- Purchase Price, else List Price -> price. Notes, Condition, Recommended By, Purchase Date/Place
  and Borrowed From -> notes.
- Date Added ("2018/06/10 01:26:51.329838037", nanoseconds) -> when the book was added.
"""

from __future__ import annotations

import re

from librium.i18n import N_
from librium.services.importing import fields
from librium.services.importing.apps import common
from librium.services.importing.formats import Format
from librium.services.importing.records import BookRecord, ReadingRecord
from librium.text import fold

STATUSES = {
    "read": "read",
    "reading": "reading",
    "currently reading": "reading",
    "unread": "to-read",
    "not read": "to-read",
    "to read": "to-read",
    "incomplete": "abandoned",
    "incompleted": "abandoned",
    "abandoned": "abandoned",
    "did not finish": "abandoned",
}
_ROLES = ("Illustrator", "Narrator", "Translator", "Photographer", "Editor")
_NOTED = (
    ("original title", "Original title"),
    ("edition", "Edition"),
    ("condition", "Condition"),
    ("recommended by", "Recommended by"),
    ("purchase date", "Bought on"),
    ("purchase place", "Bought at"),
    ("borrowed from", "Borrowed from"),
    ("date borrowed", "Borrowed on"),
)
_STAMP = re.compile(r"^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[ T](\d{1,2}:\d{2}(?::\d{2})?)(?:\.(\d+))?)?")


def _timestamp(record: BookRecord, raw: str | None, what: str):
    """ "2018/06/10 01:26:51.329838037" -> that moment (nanoseconds cut to microseconds)."""
    match = _STAMP.match((raw or "").strip())
    if not match:
        return fields.timestamp(record, raw or "", what)
    year, month, day, clock, fraction = match.groups()
    text = f"{year}-{int(month):02d}-{int(day):02d}"
    if clock:
        text += f"T{clock}" + (f".{fraction[:6]}" if fraction else "")
    return fields.timestamp(record, text, what)


def _flag(row: dict[str, str], name: str) -> bool:
    return bool(common.yes(row.get(name)))


def record_from_row(line: int, row: dict[str, str]) -> BookRecord:
    record = BookRecord(line=line)
    get = row.get
    record.title = fields.title(record, get("title", ""))
    record.subtitle = fields.name(record, get("subtitle"), "subtitle", limit=500)
    if (get("author") or "").strip():
        fields.add_authors(record, common.name_list(get("author")))
    else:
        fields.add_authors(record, re.split(r"\s*[;&]\s*", get("author (last, first)") or ""))
    credits = common.credit(
        record, [(name, role) for role in _ROLES for name in common.name_list(get(role.casefold()))]
    )
    series = fields.name(record, get("series"), "series name", limit=200)
    if series:
        record.series.append((series, fields.series_index(record, (get("volume") or "").strip() or None)))

    fields.isbn(record, get("isbn", ""))
    publisher = fields.name(record, get("publisher"), "publisher")
    record.publishers = [publisher] if publisher else []
    common.year_in(record, get("year published"), get("date published"), get("original year published"))
    record.genres = fields.names(record, common.split_list(get("genre")), "genre")
    record.description = common.html_text(get("summary"))
    fields.pages(record, get("number of pages", ""))
    common.book_format(record, get("format"))
    language = (get("language") or "").strip()
    record.languages = fields.names(
        record, [language[:1].upper() + language[1:]] if language else [], "language"
    )

    common.stars(record, get("rating"))
    tags = common.split_list(get("tags")) + common.split_list(get("category"))
    if _flag(row, "favorites"):
        tags.append("favorite")
    if _flag(row, "up next"):
        tags.append("up next")
    record.tags = fields.names(record, tags, "tag")
    record.location = fields.name(record, get("physical location"), "shelf name")

    status = fold(get("status"))
    record.status = STATUSES.get(status, "to-read")
    started = fields.date(record, get("date started", ""), "Date Started")
    finished = fields.date(record, get("date finished", ""), "Date Finished")
    started, finished = common.checked_span(record, started, finished, "Date Started", get("date started"))
    if record.status == "reading":
        record.readings = [ReadingRecord(started_on=started)]
    elif record.status == "abandoned":
        record.readings = [ReadingRecord(started_on=started, finished_on=finished, abandoned=True)]
    elif started or finished:
        record.readings = [ReadingRecord(started_on=started, finished_on=finished)]
        if record.status == "to-read":
            record.status = "read" if finished else "reading"

    quantity = fields.integer(record, get("quantity", ""), "Quantity", default=1)
    record.owned, record.copies = True, min(max(quantity, 1), 1000)
    reasons = [(get("not owned reason") or "").strip()]
    if _flag(row, "previously owned"):
        reasons.append("previously owned")
    borrowed = (get("borrowed from") or "").strip() and not _flag(row, "returned from borrow")
    if _flag(row, "wish list") or any(reasons) or borrowed:
        record.owned, record.copies = False, 0

    fields.price(record, get("purchase price") or get("list price"))
    common.lending(record, get("loaned to"), "Loaned To", get("date loaned"))
    noted = [f"{label}: {get(key).strip()}" for key, label in _NOTED if (get(key) or "").strip()]
    if (get("status incompleted reason") or "").strip():
        noted.append(f"Not finished because: {get('status incompleted reason').strip()}")
    noted.extend(f"Not owned: {reason}" for reason in reasons if reason)
    record.notes = common.join_notes(common.html_text(get("notes")), "\n".join(noted + credits))
    record.created_at = _timestamp(record, get("date added"), "Date Added")
    return record


COLUMNS = frozenset(
    [
        "title",
        "original title",
        "subtitle",
        "series",
        "volume",
        "author",
        "author (last, first)",
        "illustrator",
        "narrator",
        "translator",
        "photographer",
        "editor",
        "publisher",
        "place of publication",
        "date published",
        "year published",
        "original date published",
        "original year published",
        "edition",
        "genre",
        "summary",
        "guided reading level",
        "lexile measure",
        "lexile code",
        "grade level equivalent",
        "developmental reading assessment",
        "interest level",
        "ar level",
        "ar points",
        "ar quiz number",
        "word count",
        "number of pages",
        "format",
        "audio runtime",
        "dimensions",
        "weight",
        "list price",
        "language",
        "original language",
        "ddc",
        "lcc",
        "lccn",
        "oclc",
        "isbn",
        "issn",
        "favorites",
        "rating",
        "physical location",
        "status",
        "status incompleted reason",
        "status hidden",
        "date started",
        "date finished",
        "current page",
        "loaned to",
        "date loaned",
        "borrowed from",
        "date borrowed",
        "returned from borrow",
        "not owned reason",
        "quantity",
        "condition",
        "recommended by",
        "date added",
        "user supplied id",
        "user supplied descriptor",
        "tags",
        "purchase date",
        "purchase place",
        "purchase price",
        "notes",
        "google volumeid",
        "category",
        "wish list",
        "previously owned",
        "up next",
        "position",
        "uploaded image url",
        "activities",
    ]
)


FORMAT = Format(
    key="bookbuddy",
    name=N_("BookBuddy export"),
    required=frozenset({"title", "author (last, first)"}),
    any_of=frozenset(
        {"date added", "status", "wish list", "favorites", "physical location", "summary", "google volumeid"}
    ),
    forbidden=frozenset({"author (first, last)"}),
    record_from_row=record_from_row,
    columns=COLUMNS,
)
