"""LibraryThing's exports (More -> Import/Export -> Export) -> BookRecord: CSV and tab-separated
("Book Id, Title, Sort Character, Primary Author, ..., Entry Date, ..., Lending End"), the old 2014
CSV with quoted names ("'TITLE'", "'AUTHOR (first, last)'", "'PUBLICATION INFO'", ...) and the JSON
export (an object keyed by books_id whose records have only the keys they use, some of them a dict
in one record and a list in the next).

Decisions:
- Primary Author ("Le Guin, Ursula K.") is the first author; Secondary Author(s) with their Roles
  ("A|B", "Author|Translator", also in French: "Auteur|Traduction"): writers are authors, the other
  roles are credited in the notes.
- Publication "Free Press (2004), Edition: 15th, Paperback, 384 pages" -> publisher "Free Press"
  ("Publisher Unknown" is none), and the binding when there is no Media column. Date -> year ("?" is none).
- ISBN "[0743269519]" / ISBNs "[a, b]" / JSON isbn {"0": .., "2": ..} or [..]: the first ISBN.
- Rating (half stars) -> rating. Review, Comment and Private Comment -> notes.
- Page Count ("128 "), else the "384 p." of Physical Description -> pages. Media -> format.
- Date Started / Date Read ("[2009-08-10]") -> a reading; Date Read -> read, Date Started alone -> reading.
- Collections: "Your library" is owned; "Wishlist" -> the wishlist (not owned); "Read but unowned" ->
  read, not owned; "Currently reading" -> reading; "To read" -> to-read; "Favorites" -> tag "favorite";
  any other collection -> a tag. Tags -> tags.
- JSON genre (LibraryThing's genres), else the heads of the first three Subjects (library subject
  headings, "Success > Psychological aspects" -> "Success") -> genres. Languages -> languages.
  series (JSON) -> series. Copies -> copies. Entry Date -> added. From Where -> notes.
  Lending Patron, Lending Start and Lending End -> a loan (returned when it has an end).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from librium.i18n import N_
from librium.services.importing import fields
from librium.services.importing.apps import common
from librium.services.importing.formats import Format
from librium.services.importing.records import BookRecord, ReadingRecord
from librium.services.importing.series_title import parse_series
from librium.services.metadata.normalise import genres as subject_genres
from librium.text import fold

# The 2014 CSV's names -> today's.
ALIASES = {
    "author (first, last)": "primary author fl",
    "author (last, first)": "primary author",
    "publication info": "publication",
    "ratings": "rating",
    "reviews": "review",
    "isbns": "isbns",
    "secondary author role": "secondary author roles",
    "book id": "book id",
}
COLLECTIONS = {
    "your library": None,
    "wishlist": "wishlist",
    "wish list": "wishlist",
    "read but unowned": "read-unowned",
    "currently reading": "reading",
    "to read": "to-read",
    "favorites": "favorite",
    "favourites": "favorite",
}
_PUBLISHER = re.compile(r"^(?P<name>.*?)\s*(?:\((?P<year>[^()]*)\))?\s*(?:,|$)")
_PAGES = re.compile(r"(\d+)\s*p\b")
_BRACKETS = "[] "


def _unbracket(text: str | None) -> str:
    return (text or "").strip().strip(_BRACKETS).strip()


def _publication(record: BookRecord, text: str) -> str | None:
    """The publisher, and the binding (returned) from "Dover (1971), Edition: 1st, Paperback, 278 pages"."""
    text = (text or "").strip()
    if not text:
        return None
    match = _PUBLISHER.match(text)
    name = match.group("name").strip() if match else ""
    if name and fold(name) not in ("publisher unknown", "unknown", "[s.n.]", "s.n."):
        publisher = fields.name(record, name, "publisher")
        record.publishers = [publisher] if publisher else []
    parts = [p.strip() for p in text.split(",")[1:]]
    bindings = [p for p in parts if p and not p.startswith("Edition") and not re.search(r"\d", p)]
    return bindings[0] if bindings else None


def _people(record: BookRecord, row: dict[str, str]) -> list[str]:
    primary = (row.get("primary author") or "").strip()
    if primary:
        fields.add_authors(record, [primary])
    elif (row.get("primary author fl") or "").strip():
        fields.add_authors(record, [row["primary author fl"].strip()])
    names = (row.get("secondary author") or "").split("|")
    roles = (row.get("secondary author roles") or "").split("|")
    pairs = [(name, roles[i] if i < len(roles) else "") for i, name in enumerate(names) if name.strip()]
    return common.credit(record, pairs)


def _collections(record: BookRecord, names: list[str]) -> tuple[list[str], set[str]]:
    tags, meanings = [], set()
    for name in names:
        meaning = COLLECTIONS.get(fold(name), name)
        if meaning is None:
            continue
        if meaning in COLLECTIONS.values():
            meanings.add(meaning)
            if meaning == "favorite":
                tags.append("favorite")
        else:
            tags.append(name)
    return tags, meanings


def record_from_row(line: int, row: dict[str, str]) -> BookRecord:
    row = {ALIASES.get(k, k): v for k, v in row.items()}
    record = BookRecord(line=line)
    get = row.get
    record.title = fields.title(record, get("title", ""))
    credits = _people(record, row)
    isbns = [_unbracket(get("isbn"))] + [_unbracket(p) for p in _unbracket(get("isbns")).split(",")]
    common.isbn(record, *isbns)

    binding = _publication(record, get("publication", ""))
    date = _unbracket(get("date"))
    if re.search(r"\d", date):  # "?" and "date?" are LibraryThing's "unknown"
        common.year_in(record, date)
    common.book_format(record, get("media") or binding)
    counts = re.findall(r"\d+", get("page count") or "")  # "128 ", "xiv; 548"
    if counts:
        fields.pages(record, max(counts, key=int))
    else:
        found = _PAGES.search(get("physical description") or "")
        if found:
            fields.pages(record, found.group(1))

    common.stars(record, get("rating"))
    tags = common.split_list(get("tags"))
    collection_tags, meanings = _collections(record, common.split_list(get("collections")))
    record.tags = fields.names(record, tags + collection_tags, "tag")
    subjects = re.split(r"\s*(?:\||\n)\s*", (get("subjects") or "").replace(" > ", " -- "))
    genres = common.split_list(get("genre"), "|") or list(subject_genres(subjects, limit=3))
    record.genres = fields.names(record, genres, "genre")
    languages = [lang for lang in common.split_list(get("languages")) if fold(lang) != "all"]
    record.languages = fields.names(record, languages, "language")
    for part in common.split_list(get("series"), "|"):
        parsed = parse_series(part.replace("(", ", ").rstrip(")")) if "(" in part else None
        name, index = parsed if parsed else (part, None)
        name = fields.name(record, name, "series name", limit=200)
        if name:
            record.series.append((name, index))

    started = fields.date(record, _unbracket(get("date started")), "Date Started")
    finished = fields.date(record, _unbracket(get("date read")), "Date Read")
    started, finished = common.checked_span(record, started, finished, "Date Started", get("date started"))
    if started or finished:
        record.readings = [ReadingRecord(started_on=started, finished_on=finished)]
    if finished or "read-unowned" in meanings:
        record.status = "read"
    elif started or "reading" in meanings:
        record.status = "reading"
        if not record.readings:
            record.readings = [ReadingRecord()]

    copies = fields.integer(record, get("copies", ""), "Copies", default=1)
    record.owned, record.copies = True, min(max(copies, 1), 1000)
    if meanings & {"wishlist", "read-unowned"}:
        record.owned, record.copies = False, 0

    common.lending(
        record,
        get("lending patron"),
        "Lending Patron",
        _unbracket(get("lending start")),
        _unbracket(get("lending end")),
    )
    noted = []
    if (get("from where") or "").strip():
        noted.append(f"From: {get('from where').strip()}")
    record.notes = common.join_notes(
        common.html_text((get("review") or "").replace("[return]", "\n")),
        common.html_text((get("comment") or "").replace("[return]", "\n")),
        common.html_text((get("private comment") or "").replace("[return]", "\n")),
        "\n".join(noted + credits),
    )
    record.created_at = fields.timestamp(record, _unbracket(get("entry date")), "Entry Date")
    return record


COLUMNS = frozenset(
    [
        "book id",
        "title",
        "sort character",
        "primary author",
        "primary author role",
        "secondary author",
        "secondary author role",
        "secondary author roles",
        "publication",
        "date",
        "review",
        "rating",
        "comment",
        "private comment",
        "summary",
        "media",
        "physical description",
        "weight",
        "height",
        "thickness",
        "length",
        "dimensions",
        "page count",
        "lccn",
        "acquired",
        "date started",
        "date read",
        "barcode",
        "bcid",
        "tags",
        "collections",
        "languages",
        "original languages",
        "lc classification",
        "isbn",
        "isbns",
        "subjects",
        "dewey decimal",
        "dewey wording",
        "other call number",
        "copies",
        "source",
        "entry date",
        "from where",
        "oclc",
        "work id",
        "lending patron",
        "lending status",
        "lending start",
        "lending end",
        "author (first, last)",
        "author (last, first)",
        "lcc",
        "ddc",
        "publication info",
        "ratings",
        "reviews",
    ]
)


FORMAT = Format(
    key="librarything",
    name=N_("LibraryThing export"),
    required=frozenset({"title"}),
    any_of=frozenset(
        {
            "primary author",
            "author (first, last)",
            "sort character",
            "work id",
            "publication info",
            "collections",
            "dewey decimal",
            "ddc",
            "lcc",
        }
    ),
    forbidden=frozenset({"author", "authors", "author_details"}),
    record_from_row=record_from_row,
    columns=COLUMNS,
)


# --------------------------------------------------------------------------- the JSON export


def _texts(value) -> list[str]:
    """A JSON value that is a string, a list, or a dict of (lists of) strings, as a flat list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    out: list[str] = []
    for item in value:
        if isinstance(item, dict):
            item = item.get("text") or item.get("name") or item.get("code")
        out.extend(_texts(item) if isinstance(item, list | dict) else [str(item)] if item is not None else [])
    return out


def row_from_json(book: dict) -> dict[str, str]:
    """One JSON record as the CSV export's row (normalised column names)."""
    authors = [a for a in book.get("authors") or [] if isinstance(a, dict)]
    primary = book.get("primaryauthor") or (authors[0].get("lf") if authors else "")
    others = [a.get("lf") or a.get("fl") or "" for a in authors[1:]]
    roles = [a.get("role") or "" for a in authors[1:]]
    return {
        "title": str(book.get("title") or ""),
        "primary author": str(primary or ""),
        "secondary author": "|".join(others),
        "secondary author roles": "|".join(roles),
        "publication": str(book.get("publication") or ""),
        "date": str(book.get("date") or ""),
        "isbn": str(book.get("originalisbn") or ""),
        "isbns": ", ".join(_texts(book.get("isbn")) + _texts(book.get("ean"))),
        "media": ", ".join(_texts(book.get("format")))[:50],
        "page count": str(book.get("pages") or ""),
        "physical description": str(book.get("physical_description") or ""),
        "rating": str(book.get("rating") or ""),
        "review": str(book.get("review") or ""),
        "comment": str(book.get("comment") or ""),
        "private comment": str(book.get("privatecomment") or ""),
        "tags": ",".join(_texts(book.get("tags"))),
        "collections": ",".join(_texts(book.get("collections"))),
        "genre": "|".join(_texts(book.get("genre"))),
        "subjects": "|".join(_texts(book.get("subject"))),
        "languages": ",".join(_texts(book.get("language"))),
        "series": "|".join(_texts(book.get("series"))),
        "date started": str(book.get("datestarted") or ""),
        "date read": str(book.get("dateread") or ""),
        "copies": str(book.get("copies") or ""),
        "entry date": str(book.get("entrydate") or ""),
        "from where": str(book.get("fromwhere") or ""),
    }


def json_rows(text: str, data) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) for each record of the export: the line where its books_id key starts."""
    position = 0
    for key, book in data.items():
        found = text.find(json.dumps(str(key)), position)
        position = found if found >= 0 else position
        yield text.count("\n", 0, position) + 1, row_from_json(book)


def recognises_json(data) -> bool:
    """An object of objects that have a books_id or a title and LibraryThing's keys."""
    if not isinstance(data, dict) or not data:
        return False
    sample = [v for _, v in zip(range(5), data.values(), strict=False)]
    return all(
        isinstance(v, dict) and ("books_id" in v or {"title", "primaryauthor"} <= v.keys()) for v in sample
    )
