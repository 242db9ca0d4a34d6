"""The apps people bring their libraries from, one module each, registered in detection order.

Each module defines ``FORMAT`` (:class:`librium.services.importing.formats.Format`): how its header
(or a row of its layout) is recognised and how a row maps to a BookRecord. Registering order breaks
ties between equally good matches: our own export first, the generic import last.
"""

from __future__ import annotations

from librium.services.importing import goodreads, librium_csv
from librium.services.importing.apps import (
    bookbuddy,
    bookcatalogue,
    calibre,
    generic,
    libib,
    librarything,
    storygraph,
)
from librium.services.importing.formats import REGISTRY, Format, JsonFormat

GOODREADS_SHELF_COLUMNS = frozenset({"exclusive shelf", "book id", "bookshelves", "my rating"})


def _builtin(key: str, name: str, required: set[str], mapper, any_of=frozenset()) -> Format:
    return REGISTRY.register(
        Format(key=key, name=name, required=frozenset(required), any_of=any_of, record_from_row=mapper)
    )


LIBRIUM = _builtin(
    "librium",
    "Librium export",
    {"title", "author", "librium uuid"},
    goodreads.record_from_row,
    GOODREADS_SHELF_COLUMNS,
)
GOODREADS = _builtin(
    "goodreads", "Goodreads export", {"title", "author"}, goodreads.record_from_row, GOODREADS_SHELF_COLUMNS
)
LIBRIUM_ORIGINAL = _builtin(
    "librium-original",
    "original Librium (Book Catalogue) export",
    {"title", "author_details"},
    librium_csv.record_from_row,
)
for _module in (bookcatalogue, storygraph, libib, calibre, bookbuddy, librarything, generic):
    REGISTRY.register(_module.FORMAT)
REGISTRY.register_json(
    JsonFormat(
        key="librarything-json",
        name="LibraryThing export (JSON)",
        recognises=librarything.recognises_json,
        rows=librarything.json_rows,
        record_from_row=librarything.record_from_row,
    )
)

__all__ = ["GOODREADS", "LIBRIUM", "LIBRIUM_ORIGINAL", "REGISTRY"]
