"""Importing books from the files other apps export: every book in, nothing lost.

Use: ``plan = plan_import(session, library_id, data)`` for the dry run (nothing written; ``plan.new``,
``plan.merged``, ``plan.in_library``, ``plan.refused``, ``plan.dropped_*``), then
``apply_plan(session, library_id, plan, progress=...)`` (or ``import_file`` to do both). The caller
commits; a failure leaves the library as it was.

The rule: a row with a title is a book. Only a row without a title is refused (by line number). A
value that cannot be kept is left out of its field and kept verbatim in the book's import note
(``books.import_note``, listed by /problems). The same book twice in one file is one book with two
copies. See plan.py for what "the same book" means.

The pipeline, one module each:
- decoding.py  bytes -> text (BOM, UTF-8/UTF-16/Windows-1252/Mac Roman, stray bytes -> U+FFFD,
               stray NUL bytes left out);
- reader.py    text -> :class:`reader.CsvTable`: delimiter, padding, ``="…"``, header (fused or missing),
               the file's date order; rows streamed as ``(line, {normalised header name: cell})``;
- structure.py the lines that are not rows (``sep=``, preambles, repeated headers, summaries);
- formats.py   the registry (apps/__init__.py registers the formats): which app wrote a file;
- <app>.py     a mapper per format (goodreads.py, librium_csv.py, ...): a row -> :class:`BookRecord`;
- fields.py    the cell parsers every mapper uses; dates.py the date formats;
- plan.py      the dry run and the duplicate rules; apply.py the all-or-nothing write.

Writing a mapper for another app (the API the formats build on):
- ``def record_from_row(line: int, row: dict[str, str]) -> BookRecord``; ``row`` keys are the header
  names normalised by :func:`formats.normalise_header` (lower case, single spaces, quotes and BOM
  gone); cells are stripped of padding and Excel's ``="…"`` is already taken off. Register a
  :class:`formats.Format` in ``apps/__init__.py``; its header names (``required | any_of | columns |
  layouts``) are the vocabulary that tells a header line from a record and splits a header fused
  with the first record; ``layouts`` + ``looks_like`` recognise a file that has no header line.
- A decision that needs the whole file is the format's ``survey(rows) -> value`` (it sees every row
  once before any is mapped; rows are streamed, never held): read it as ``file_facts().survey``.
- Use the parsers of fields.py, always with the column's name as the file writes it (the user sees
  it): ``fields.isbn(record, ("ISBN13", row.get("isbn13")), ("ISBN", row.get("isbn")))``,
  ``fields.stars(record, raw, "My Rating")``, ``fields.date(record, raw, "Date Read")``,
  ``fields.timestamp(...)``, ``fields.year(record, (field, raw), ...)``, ``fields.pages``,
  ``fields.integer``, ``fields.price``, ``fields.name``/``names`` (publishers, tags, shelves...),
  ``fields.author``/``add_authors``, ``fields.title``, ``fields.series_index``, ``fields.notes``.
  They never raise for a bad value: they leave the field empty and call ``record.drop(field, value,
  reason)``. A mapper that finds a bad value itself does the same (never refuse the row).
- The day/month order of the file's dates (dates.YMD/DMY/MDY) is decided once per file from all its
  date cells, never per row: ``file_facts().date_order``; fields.date/timestamp use it by default.
"""

from librium.services.importing.apply import EntityCache, ImportResult, apply_plan, import_file
from librium.services.importing.formats import FileFacts, Format, file_facts
from librium.services.importing.plan import ImportPlan, RowNote, plan_import, records_from_bytes
from librium.services.importing.reader import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, CsvTable, read_table
from librium.services.importing.records import AuthorRecord, BookRecord, DroppedValue, ReadingRecord

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "AuthorRecord",
    "BookRecord",
    "CsvTable",
    "DroppedValue",
    "EntityCache",
    "FileFacts",
    "Format",
    "ImportPlan",
    "ImportResult",
    "ReadingRecord",
    "RowNote",
    "apply_plan",
    "file_facts",
    "import_file",
    "plan_import",
    "read_table",
    "records_from_bytes",
]
