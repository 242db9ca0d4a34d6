"""Fixtures for the import/export/backup tests: Goodreads exports that travel with the repository
(tests/fixtures/goodreads: licence-allowed copies, see tests/fixtures/README.md), the optional real
corpus in ../shared, and helpers that build files."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "goodreads"
SHARED = ROOT.parent / "shared" / "fixtures"
SHARED_GOODREADS_DIRS = (SHARED / "goodreads", SHARED / "exports" / "goodreads")
SHARED_GOODREADS = sorted(p for d in SHARED_GOODREADS_DIRS for p in d.glob("*.csv"))
needs_shared = pytest.mark.skipif(
    not SHARED_GOODREADS,
    reason=f"the real Goodreads exports of ../shared are not beside this clone ({SHARED} is missing)",
)
MIT_EXPORT = "dr-rodriguez__Exploring-Goodreads.csv"  # MIT: copied into tests/fixtures/goodreads


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """The data rows of a CSV file, read independently of the importer (stdlib csv)."""
    text = data.decode("utf-8-sig")
    return [
        row
        for row in csv.DictReader(io.StringIO(text, newline=""))
        if any((v or "").strip() for v in row.values())
    ]


def goodreads_file(name: str) -> bytes:
    """A Goodreads export by name: from tests/fixtures, else from ../shared (skips when absent)."""
    local = FIXTURES / name
    if local.exists():
        return local.read_bytes()
    for folder in SHARED_GOODREADS_DIRS:
        if (folder / name).exists():
            return (folder / name).read_bytes()
    pytest.skip(f"{name} is only in ../shared, which is not beside this clone")


GOODREADS_HEADER = (
    "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,"
    "Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,"
    "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies"
)


def goodreads_csv(rows: list[dict[str, str]], *, newline: str = "\n") -> bytes:
    """A Goodreads-layout file built from partial rows (missing columns are blank)."""
    out = io.StringIO()
    names = GOODREADS_HEADER.split(",")
    writer = csv.DictWriter(out, fieldnames=names, lineterminator=newline)
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in names})
    return out.getvalue().encode("utf-8")


@contextmanager
def failing_insert(target, title: str):
    """A real database trigger that refuses to insert a book with this title (a failure mid-import).

    ``target``: an Engine, or the Session of the test when it already holds the write transaction."""
    if (
        target.get_bind().dialect.name == "sqlite"
        if isinstance(target, Session)
        else target.dialect.name == "sqlite"
    ):
        create = [
            f"CREATE TRIGGER test_fail_book BEFORE INSERT ON books WHEN NEW.title = '{title}' "
            "BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END"
        ]
        drop = ["DROP TRIGGER IF EXISTS test_fail_book"]
    else:
        create = [
            "CREATE FUNCTION test_fail_book() RETURNS trigger AS $$ BEGIN "
            f"IF NEW.title = '{title}' THEN RAISE EXCEPTION 'simulated disk failure'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER test_fail_book BEFORE INSERT ON books FOR EACH ROW EXECUTE FUNCTION test_fail_book()",
        ]
        drop = ["DROP TRIGGER IF EXISTS test_fail_book ON books", "DROP FUNCTION IF EXISTS test_fail_book()"]
    _execute(target, create)
    try:
        yield
    finally:
        _execute(target, drop)


def _execute(target, statements: list[str]) -> None:
    if isinstance(target, Session):
        for statement in statements:
            target.execute(text(statement))
        return
    with target.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
