"""Importing books from CSV files: Goodreads exports, the original Librium's export and our own.

Use: ``plan = plan_import(session, library_id, data)`` for the dry run (nothing written), show
``plan.summary()``, then ``apply_plan(session, library_id, plan, skip_invalid=..., progress=...)``
(or ``import_file`` to do both). The caller commits; a failure leaves the library as it was.
"""

from librium.services.importing.apply import EntityCache, ImportResult, apply_plan, import_file
from librium.services.importing.plan import ImportPlan, RowNote, plan_import, plan_records, records_from_bytes
from librium.services.importing.reader import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, read_table
from librium.services.importing.records import AuthorRecord, BookRecord, ReadingRecord

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "AuthorRecord",
    "BookRecord",
    "EntityCache",
    "ImportPlan",
    "ImportResult",
    "ReadingRecord",
    "RowNote",
    "apply_plan",
    "import_file",
    "plan_import",
    "plan_records",
    "read_table",
    "records_from_bytes",
]
