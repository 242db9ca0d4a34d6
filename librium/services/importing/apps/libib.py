"""Libib's CSV export (Settings -> Export library) -> BookRecord, in both of its layouts.

Current layout: item_type, title, creators, first_name, last_name, ean_isbn13, upc_isbn10, description,
publisher, publish_date, group, tags, notes, price, length, number_of_discs, number_of_players,
age_group, ensemble, aspect_ratio, esrb, rating, review, review_date, status, began, completed, added,
copies. Older layout (until about 2021): authors, first_name, last_name, title, description, rating,
review_date, review, status, began_date, completed_date, tags, notes, groups, copies, created,
publisher, publish_date, pages, price, isbn10, isbn13. Each column is read under either name.

Decisions:
- creators/authors: full names separated by commas ("Max Horkheimer,Theodor W. Adorno").
- status: Completed -> read (a reading from began to completed), In progress -> reading (an open reading
  from began), Abandoned -> abandoned, Not begun or empty -> to-read. A completed date without the
  Completed status is still a finished reading.
- rating: 0-5 stars. review and notes -> notes (blank line between). tags and groups -> tags.
- copies: N > 0 -> owned, N copies; 0 -> not owned (the wishlist); empty -> one copy.
- length: pages for books (for films it is minutes and is left out). item_type other than book (a film,
  music, a game): kept, its type as the format.
- publish_date: its year. price: amount and currency when the cell has a symbol or code.
"""

from __future__ import annotations

from collections.abc import Sequence

from librium.i18n import N_
from librium.services.importing import fields
from librium.services.importing.apps import common
from librium.services.importing.formats import Format
from librium.services.importing.records import BookRecord, ReadingRecord
from librium.text import fold

STATUSES = {
    "completed": "read",
    "complete": "read",
    "finished": "read",
    "read": "read",
    "in progress": "reading",
    "reading": "reading",
    "abandoned": "abandoned",
    "not begun": "to-read",
    "not started": "to-read",
}
OLD_COLUMNS = (
    "authors",
    "first_name",
    "last_name",
    "title",
    "description",
    "rating",
    "review_date",
    "review",
    "status",
    "began_date",
    "completed_date",
    "tags",
    "notes",
    "groups",
    "copies",
    "created",
    "publisher",
    "publish_date",
    "pages",
    "price",
    "isbn10",
    "isbn13",
)


def _first(row: dict[str, str], *names: str) -> str:
    for name in names:
        value = (row.get(name) or "").strip()
        if value:
            return value
    return ""


def record_from_row(line: int, row: dict[str, str]) -> BookRecord:
    record = BookRecord(line=line)
    get = row.get
    record.title = fields.title(record, get("title", ""))
    fields.add_authors(record, common.name_list(_first(row, "creators", "authors")))
    if not record.authors:
        fields.add_authors(record, [f"{get('first_name') or ''} {get('last_name') or ''}"])
    common.isbn(record, _first(row, "ean_isbn13", "isbn13"), _first(row, "upc_isbn10", "isbn10"))
    record.description = common.html_text(get("description"))
    publisher = fields.name(record, get("publisher"), "publisher")
    record.publishers = [publisher] if publisher else []
    common.year_in(record, get("publish_date"))

    item_type = fold(get("item_type"))
    if item_type in ("", "book", "books"):
        fields.pages(record, _first(row, "length", "pages"))
    else:
        common.book_format(record, get("item_type", "").replace("_", " ").title())

    tags = common.split_list(get("tags")) + common.split_list(_first(row, "group", "groups"))
    record.tags = fields.names(record, tags, "tag")
    common.stars(record, get("rating"))
    record.notes = common.join_notes(common.html_text(get("review")), common.html_text(get("notes")))
    fields.price(record, get("price"))

    record.created_at = fields.timestamp(record, _first(row, "added", "created"), "added")
    began = fields.date(record, _first(row, "began", "began_date"), "began")
    completed = fields.date(record, _first(row, "completed", "completed_date"), "completed")
    status = fold(get("status"))
    record.status = STATUSES.get(status, "read" if completed else "to-read")
    if status and status not in STATUSES:
        record.tags = fields.names(record, [*record.tags, get("status", "")], "tag")
    if record.status == "reading":
        record.readings = [ReadingRecord(started_on=began)]
    elif record.status == "abandoned":
        record.readings = [ReadingRecord(started_on=began, finished_on=completed, abandoned=True)]
    elif began or completed:
        began, completed = common.checked_span(record, began, completed, "began")
        record.readings = [ReadingRecord(started_on=began, finished_on=completed)]
        if not completed and record.status == "to-read":  # begun, not finished
            record.status = "reading"

    copies = (get("copies") or "").strip()
    count = fields.integer(record, copies, "copies", default=1)
    if copies and count <= 0:
        record.owned, record.copies = False, 0
    else:
        record.owned, record.copies = True, min(max(count, 1), 1000)
    return record


def looks_like(cells: Sequence[str]) -> bool:
    """A row of the older layout: copies a number, created a date, an ISBN-13 or nothing last."""
    isbn = cells[21].strip()
    return cells[14].strip().isdigit() and cells[15][:2] in ("19", "20") and (not isbn or isbn.isdigit())


CURRENT_COLUMNS = frozenset(
    [
        "item_type",
        "title",
        "creators",
        "first_name",
        "last_name",
        "ean_isbn13",
        "upc_isbn10",
        "description",
        "publisher",
        "publish_date",
        "group",
        "tags",
        "notes",
        "price",
        "length",
        "number_of_discs",
        "number_of_players",
        "age_group",
        "ensemble",
        "aspect_ratio",
        "esrb",
        "rating",
        "review",
        "review_date",
        "status",
        "began",
        "completed",
        "added",
        "copies",
    ]
)


FORMAT = Format(
    key="libib",
    name=N_("Libib export"),
    required=frozenset({"title"}),
    any_of=frozenset(
        {"item_type", "creators", "ean_isbn13", "upc_isbn10", "first_name", "began_date", "completed_date"}
    ),
    forbidden=frozenset({"author", "authors (first, last)", "author_details"}),
    record_from_row=record_from_row,
    columns=CURRENT_COLUMNS,
    layouts=(OLD_COLUMNS,),
    looks_like=looks_like,
)
