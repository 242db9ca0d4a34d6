"""Any other CSV with a title column: the columns whose names we recognise are mapped, the rest ignored,
and the dry run shows which column went where so the user sees what was understood.

Names are matched case-, accent- and punctuation-insensitively against the common spellings in
English and a few other languages ("Title", "Book title", "Titel", "Título"; "Author", "Writer",
"Autor"; "ISBN-13", "EAN"; "Year", "Published"; ...). Each field takes the first column that
matches it; a column feeds one field. A file needs a title column to be read this way; every other
field is optional. Values are read as the apps' are (see common.py): authors as full names separated
by commas, "&" or ";" ("Last, First" when the column says so), ratings in stars (0-5), dates in any
of the usual forms, a read/status column in the usual words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from librium.i18n import N_
from librium.services.importing import fields
from librium.services.importing.apps import common
from librium.services.importing.formats import Bound, ColumnMapping, Format
from librium.services.importing.records import BookRecord, ReadingRecord
from librium.services.importing.series_title import split_series_title
from librium.text import fold

# field -> the column names that mean it (compared after _key()); the order of fields is the order
# in which columns are claimed, so "author l-f" is taken before "author" could take it.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": ("title", "book title", "book", "titel", "titulo", "titre", "titolo", "tytul", "nazvanie"),
    "subtitle": ("subtitle", "sub title", "untertitel", "subtitulo", "sous titre"),
    "author_last_first": (
        "author l f",
        "author last first",
        "authors last first",
        "author sort",
        "sort author",
    ),
    "author": (
        "author",
        "authors",
        "author name",
        "authors names",
        "writer",
        "writers",
        "by",
        "creator",
        "creators",
        "autor",
        "autores",
        "auteur",
        "auteurs",
        "autore",
        "autori",
        "verfasser",
        "primary author",
        "author first last",
    ),
    "author_first": ("author first name", "first name", "firstname", "given name", "vorname", "prenom"),
    "author_last": ("author last name", "last name", "lastname", "surname", "family name", "nachname", "nom"),
    "contributors": (
        "contributors",
        "additional authors",
        "other authors",
        "co authors",
        "illustrator",
        "translator",
    ),
    "isbn": ("isbn13", "isbn 13", "ean", "ean13", "isbn", "isbn uid", "isbn10", "isbn 10", "isbns"),
    "year": (
        "year",
        "year published",
        "publication year",
        "pub year",
        "published",
        "publication date",
        "date published",
        "pubdate",
        "publish date",
        "original publication year",
        "first published",
        "jahr",
        "ano",
        "annee",
        "anno",
        "erscheinungsjahr",
    ),
    "publisher": (
        "publisher",
        "publishers",
        "publishing house",
        "editorial",
        "editora",
        "editeur",
        "verlag",
        "editore",
    ),
    "pages": (
        "pages",
        "page count",
        "number of pages",
        "num pages",
        "no of pages",
        "pagecount",
        "paginas",
        "seiten",
    ),
    "rating": (
        "my rating",
        "rating",
        "star rating",
        "stars",
        "score",
        "bewertung",
        "note sur 5",
        "valoracion",
    ),
    "tags": (
        "tags",
        "tag",
        "bookshelves",
        "shelves",
        "labels",
        "keywords",
        "collections",
        "lists",
        "etiquetas",
    ),
    "genres": ("genre", "genres", "category", "categories", "subject", "subjects", "gattung", "genero"),
    "series": ("series", "series name", "serie", "reihe", "collection"),
    "series_index": (
        "series number",
        "series index",
        "number in series",
        "series no",
        "volume",
        "vol",
        "band",
    ),
    "status": ("read status", "reading status", "status", "exclusive shelf", "state", "read"),
    "started": ("date started", "started", "start date", "began", "date begun", "started reading"),
    "finished": (
        "date read",
        "date finished",
        "finished",
        "read date",
        "completed",
        "end date",
        "finished reading",
    ),
    "added": ("date added", "added", "created", "entry date", "date created", "acquired", "added on"),
    "review": ("my review", "review", "reviews"),
    "notes": ("notes", "note", "private notes", "comments", "comment", "remarks", "notizen"),
    "description": ("description", "summary", "synopsis", "blurb", "beschreibung", "resumen"),
    "format": ("format", "binding", "media", "edition format", "type"),
    "language": ("language", "languages", "lang", "sprache", "idioma", "langue"),
    "location": ("location", "shelf", "physical location", "place", "standort", "ubicacion"),
    "owned": ("owned", "own", "owned copies", "in library", "i own it"),
    "wishlist": ("wishlist", "wish list", "wanted", "want"),
    "copies": ("copies", "quantity", "qty", "count", "number of copies"),
    "price": ("price", "list price", "purchase price", "cost", "preis", "precio", "prix"),
}
LABELS = {
    "author_last_first": "author (last, first)",
    "author_first": "author's first name",
    "author_last": "author's last name",
    "series_index": "series number",
    "started": "started reading",
    "finished": "finished reading",
    "added": "date added",
}
STATUSES = {
    "read": "read",
    "finished": "read",
    "completed": "read",
    "done": "read",
    "yes": "read",
    "gelesen": "read",
    "leido": "read",
    "lu": "read",
    "reading": "reading",
    "currently reading": "reading",
    "currently-reading": "reading",
    "in progress": "reading",
    "started": "reading",
    "to read": "to-read",
    "to-read": "to-read",
    "unread": "to-read",
    "not read": "to-read",
    "want to read": "to-read",
    "no": "to-read",
    "dnf": "abandoned",
    "did not finish": "abandoned",
    "did-not-finish": "abandoned",
    "abandoned": "abandoned",
    "gave up": "abandoned",
}


def _key(name: str) -> str:
    """ "Author(s)" / "ISBN-13" / "Date Read:" -> "authors" / "isbn 13" / "date read"."""
    text = fold(name).replace("(s)", "s").replace("#", " number ")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def column_fields(header: list[str]) -> dict[str, str]:
    """field -> the column (as the file names it) that feeds it."""
    claimed: dict[str, str] = {}
    keys = {column: _key(column) for column in header if column}
    for name, synonyms in SYNONYMS.items():
        for synonym in synonyms:
            column = next((c for c, k in keys.items() if k == synonym and c not in claimed.values()), None)
            if column:
                claimed[name] = column
                break
    return claimed


def _reader(columns: dict[str, str]) -> Callable[[int, dict[str, str]], BookRecord]:
    def cell(row: dict[str, str], name: str) -> str:
        column = columns.get(name)
        return (row.get(column) or "").strip() if column else ""

    def record_from_row(line: int, row: dict[str, str]) -> BookRecord:
        record = BookRecord(line=line)
        title, series, index = split_series_title(cell(row, "title"))
        record.title = fields.title(record, title)
        record.subtitle = fields.name(record, cell(row, "subtitle"), "subtitle", limit=500) or None
        if cell(row, "author"):
            fields.add_authors(record, common.name_list(cell(row, "author")))
        elif cell(row, "author_last_first"):
            fields.add_authors(record, re.split(r"\s*[;&|]\s*", cell(row, "author_last_first")))
        elif cell(row, "author_first") or cell(row, "author_last"):
            fields.add_authors(record, [f"{cell(row, 'author_first')} {cell(row, 'author_last')}"])
        credits = common.credit(
            record, [common.split_role(p) for p in common.name_list(cell(row, "contributors"))]
        )
        common.isbn(record, *re.split(r"[,;|\s]+(?=\S)", cell(row, "isbn").strip("[]")))
        common.year_in(record, cell(row, "year"))
        record.publishers = fields.names(record, [cell(row, "publisher")], "publisher")
        fields.pages(record, (re.findall(r"\d+", cell(row, "pages")) or [""])[0])
        common.stars(record, cell(row, "rating"))
        record.tags = fields.names(record, re.split(r"\s*[,;|]\s*", cell(row, "tags")), "tag")
        record.genres = fields.names(record, re.split(r"\s*[,;|]\s*", cell(row, "genres")), "genre")
        record.languages = fields.names(record, re.split(r"\s*[,;|]\s*", cell(row, "language")), "language")
        name = fields.name(record, cell(row, "series") or series, "series name", limit=200)
        if name:
            number = cell(row, "series_index") or (
                str(index) if index is not None and not cell(row, "series") else ""
            )
            record.series.append((name, fields.series_index(record, number or None)))
        common.book_format(record, cell(row, "format"))
        record.location = fields.name(record, cell(row, "location"), "shelf name")
        record.description = common.html_text(cell(row, "description"))
        fields.price(record, cell(row, "price"))

        started = fields.date(record, cell(row, "started"), LABELS["started"])
        finished = fields.date(record, cell(row, "finished"), LABELS["finished"])
        started, finished = common.checked_span(record, started, finished, columns.get("started", ""))
        status_text = fold(cell(row, "status")).replace("_", " ")
        status = STATUSES.get(status_text) or STATUSES.get(status_text.replace("-", " "))
        if status is None and status_text:
            record.tags = fields.names(record, [*record.tags, cell(row, "status")], "tag")
        record.status = status or ("read" if finished else "reading" if started else "to-read")
        if started or finished:
            abandoned = record.status == "abandoned"
            record.readings = [ReadingRecord(started_on=started, finished_on=finished, abandoned=abandoned)]
        elif record.status == "reading":
            record.readings = [ReadingRecord()]
        record.created_at = fields.timestamp(record, cell(row, "added"), LABELS["added"])

        copies = fields.integer(
            record, (re.findall(r"\d+", cell(row, "copies")) or [""])[0], "copies", default=1
        )
        owned = common.yes(cell(row, "owned"))
        if cell(row, "owned").isdigit():
            owned = int(cell(row, "owned")) > 0
            copies = max(copies, int(cell(row, "owned")))
        wished = common.yes(cell(row, "wishlist"))
        if wished or owned is False or (cell(row, "copies") and copies == 0):
            record.owned, record.copies = False, 0
        else:
            record.owned, record.copies = True, min(max(copies, 1), 1000)
        record.notes = common.join_notes(
            common.html_text(cell(row, "review")), common.html_text(cell(row, "notes")), "\n".join(credits)
        )
        return record

    return record_from_row


def bind(header: list[str]) -> Bound | None:
    columns = column_fields(header)
    if "title" not in columns:
        return None
    used = set(columns.values())
    mapping = ColumnMapping(
        read=tuple((column, LABELS.get(name, name)) for name, column in columns.items()),
        ignored=tuple(c for c in header if c and c not in used),
    )
    return Bound(_reader(columns), mapping=mapping)


FORMAT = Format(
    key="csv",
    name=N_("CSV file"),
    required=frozenset(),
    binder=bind,
    priority=-1000,
)
