"""The apps people bring their libraries from, one module each, registered in detection order.

Each module defines ``FORMAT`` (:class:`librium.services.importing.formats.Format`): how its header
(or a row of its layout) is recognised and how a row maps to a BookRecord. Registering order breaks
ties between equally good matches: our own export first, the generic import last.
"""

from __future__ import annotations

from librium.i18n import N_
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
from librium.services.importing.formats import REGISTRY, JsonFormat

LIBRIUM = REGISTRY.register(goodreads.LIBRIUM_FORMAT)
GOODREADS = REGISTRY.register(goodreads.FORMAT)
LIBRIUM_ORIGINAL = REGISTRY.register(librium_csv.FORMAT)
for _module in (bookcatalogue, storygraph, libib, calibre, bookbuddy, librarything, generic):
    REGISTRY.register(_module.FORMAT)
REGISTRY.register_json(
    JsonFormat(
        key="librarything-json",
        name=N_("LibraryThing export (JSON)"),
        recognises=librarything.recognises_json,
        rows=librarything.json_rows,
        record_from_row=librarything.record_from_row,
    )
)

__all__ = ["GOODREADS", "LIBRIUM", "LIBRIUM_ORIGINAL", "REGISTRY"]
