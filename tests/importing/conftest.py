"""Fixtures for the import/export/backup tests: the shared real Goodreads exports and helpers."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import ROOT

GOODREADS_DIR = ROOT.parent / "shared" / "fixtures" / "goodreads"
GOODREADS_FILES = sorted(GOODREADS_DIR.glob("*.csv"))


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """The data rows of a CSV file, read independently of the importer (stdlib csv)."""
    text = data.decode("utf-8-sig")
    return [
        row
        for row in csv.DictReader(io.StringIO(text, newline=""))
        if any((v or "").strip() for v in row.values())
    ]


def goodreads_file(name: str) -> bytes:
    return (GOODREADS_DIR / name).read_bytes()


@pytest.fixture(params=[p.name for p in GOODREADS_FILES])
def goodreads_export(request) -> tuple[str, bytes]:
    if not GOODREADS_FILES:
        pytest.skip("shared Goodreads fixtures are missing")
    return request.param, goodreads_file(request.param)


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
