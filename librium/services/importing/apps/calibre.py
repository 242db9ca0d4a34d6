"""Calibre's catalog CSV (Convert books -> Create a catalog, or ``calibredb catalog books.csv``) -> BookRecord.

The catalog has whichever of its fields the user picked, in any order: author_sort, authors,
comments, cover, formats, id, identifiers, isbn, languages, library_name, ondevice, pubdate,
publisher, rating, series, series_index, size, tags, timestamp, title, title_sort, uuid, and the
library's own columns ("#read", "#pages"...). Every field is quoted, numbers too.

Decisions:
- authors ("A & B" or "A, B", whole names); without it, author_sort ("Banks, Iain M. & Edwards, Les").
- isbn; without it, the isbn: entry of identifiers ("isbn:978...,mobi-asin:...,google:...") or an ISBN
  inside another entry ("urn:URN|ISBN|978-1-1016-0509-7"). Other identifiers are lookup keys of other
  sites and are not kept.
- series + series_index ("1.0" -> 1; series_index without a series means nothing).
- rating: stars as the catalog writes them (half stars of calibre's 0-10). comments (HTML or calibre's
  markdown) -> description. tags -> tags. languages (ISO codes) -> language names. publisher.
- pubdate -> year (calibre's "undefined" 0101-01-01 is no year). timestamp -> when the book was added.
- formats (epub, mobi, pdf, azw3...) -> the format Ebook; a book without files has no format.
- uuid -> the book's uuid (so a restore from our backup knows it again).
- The library's own columns: a yes/no "#read" makes the book read; a date column named like "read"
  ("#date_read", "#readdate") is a finished reading; "#pages"/"#page_count" -> pages, "#genre(s)" ->
  genres, a rating column when the catalog has no rating. Any other non-empty own column is written into
  the notes as "Column: value", so nothing is lost.
"""

from __future__ import annotations

import re

from librium.i18n import N_
from librium.services.importing import fields
from librium.services.importing.apps import common
from librium.services.importing.formats import Format
from librium.services.importing.records import BookRecord, ReadingRecord
from librium.services.metadata.normalise import language as language_name
from librium.text import fold

_ISBN_INSIDE = re.compile(r"97[89][\d-]{10,14}|\b\d{9}[\dXx]\b")
_UNDEFINED_DATE = "0101-01-01"
_PAGES_COLUMNS = {"#pages", "#page_count", "#pagecount", "#pages_count", "#number_of_pages"}
_GENRE_COLUMNS = {"#genre", "#genres"}


def _identifier_isbns(raw: str) -> list[str]:
    isbns, others = [], []
    for entry in common.split_list(raw):
        key, _, value = entry.partition(":")
        if fold(key) == "isbn":
            isbns.append(value)
        else:
            others.extend(_ISBN_INSIDE.findall(value.replace("|", " ")))
    return isbns + others


def _own_columns(record: BookRecord, row: dict[str, str]) -> list[str]:
    """Read the library's own (#) columns; the lines for the notes of those we have no field for."""
    lines = []
    for name, raw in row.items():
        value = (raw or "").strip()
        if not name.startswith("#") or not value:
            continue
        label = name[1:].replace("_", " ")
        words = set(re.split(r"[\s_]+", fold(label)))
        if name in _PAGES_COLUMNS:
            fields.pages(record, value)
        elif name in _GENRE_COLUMNS:
            record.genres = fields.names(record, [*record.genres, *common.split_list(value)], "genre")
        elif "read" in words and common.yes(value) is not None:
            if common.yes(value) and record.status == "to-read":
                record.status = "read"
        elif words & {"read", "readdate", "dateread", "finished"} and re.match(r"\d{4}-\d{2}-\d{2}", value):
            day = fields.date(record, value[:10], label)
            if day:
                record.readings.append(ReadingRecord(finished_on=day))
                record.status = "read"
        elif "rating" in words and record.rating is None:
            common.stars(record, value)
        else:
            lines.append(f"{label.capitalize()}: {value}")
    return lines


def record_from_row(line: int, row: dict[str, str]) -> BookRecord:
    record = BookRecord(line=line)
    get = row.get
    record.title = fields.title(record, get("title", ""))
    if (get("authors") or "").strip():
        fields.add_authors(record, common.name_list(get("authors")))
    else:
        fields.add_authors(record, [a.strip() for a in (get("author_sort") or "").split("&")])

    common.isbn(record, get("isbn"), *_identifier_isbns(get("identifiers", "")))
    series = fields.name(record, get("series"), "series name", limit=200)
    if series:
        record.series.append(
            (series, fields.series_index(record, (get("series_index") or "").strip() or None))
        )
    common.stars(record, get("rating"))
    record.description = common.html_text(get("comments"))
    record.tags = fields.names(record, common.split_list(get("tags")), "tag")
    codes = common.split_list(get("languages"))
    record.languages = fields.names(record, [language_name(c) or c for c in codes], "language")
    publisher = fields.name(record, get("publisher"), "publisher")
    record.publishers = [publisher] if publisher else []
    pubdate = (get("pubdate") or "").strip()
    if pubdate and not pubdate.startswith(_UNDEFINED_DATE):
        common.year_in(record, pubdate)
    record.created_at = fields.timestamp(record, get("timestamp", ""), "timestamp")
    if common.split_list(get("formats")):
        record.format = "Ebook"
    uuid = (get("uuid") or "").strip()
    record.uuid = uuid if re.fullmatch(r"[0-9a-fA-F-]{36}", uuid) else None
    record.notes = common.join_notes("\n".join(_own_columns(record, row)))
    return record


COLUMNS = frozenset(
    [
        "author_sort",
        "authors",
        "comments",
        "cover",
        "formats",
        "id",
        "identifiers",
        "isbn",
        "languages",
        "library_name",
        "ondevice",
        "pubdate",
        "publisher",
        "rating",
        "series",
        "series_index",
        "size",
        "tags",
        "timestamp",
        "title",
        "title_sort",
        "uuid",
    ]
)


FORMAT = Format(
    key="calibre",
    name=N_("Calibre catalog"),
    required=frozenset({"title"}),
    any_of=frozenset({"author_sort", "identifiers", "series_index", "title_sort", "library_name", "formats"}),
    forbidden=frozenset({"author", "author_details", "item_type"}),
    record_from_row=record_from_row,
    columns=COLUMNS,
)
