"""Export (Goodreads CSV, JSON dump) and restore: round trips compared field by field, on both engines."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid

import pytest
from sqlalchemy import delete, func, select, text

from librium.database.sqlalchemy import db
from librium.errors import Invalid
from librium.services import backup, books, exporting
from librium.services.importing import import_file, plan_import
from tests.importing.conftest import goodreads_file

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def _rich_library(session, library) -> dict[str, int]:
    """A library using every kind of field: fractional series, readings, loans, reminders, unused names."""
    add = books.add_book
    a = add(
        session,
        library.id,
        books.BookInput(
            title="Edgedancer",
            subtitle="A Stormlight novella",
            authors=["Brandon Sanderson", "Dr. Martin Luther King Jr."],
            isbn="9781250166548",
            year=2017,
            pages=272,
            price="12.99",
            currency="EUR",
            format="Hardcover",
            series="The Stormlight Archive",
            series_index="2.5",
            genres=["Fantasy", "Novella"],
            publishers=["Tor"],
            languages=["English"],
            tags=["favourites", "signed"],
            location="Living room",
            description="Lift goes to Yeddaw.",
            status="read",
            rating=4.5,
            notes="Line one\nLine two",
            copies=2,
        ),
    ).book
    b = add(
        session,
        library.id,
        books.BookInput(
            title="Τα ψηλά βουνά",
            authors=["Ζαχαρίας Παπαντωνίου"],
            series="Σχολικά",
            series_index="12.125",
            status="reading",
            owned=False,
            copies=0,
        ),
    ).book
    c = add(session, library.id, books.BookInput(title="三体", authors=["刘慈欣"], status="abandoned")).book
    session.get(db.Book, a.id).notes = "Line one\nLine two"  # books.add_book folds line breaks; keep one
    gone = add(session, library.id, books.BookInput(title="Deleted one", authors=["Nobody Here"])).book
    books.delete_book(session, library.id, gone.id)
    session.add(db.Genre(library_id=library.id, name="Unused genre"))
    session.add(db.Language(library_id=library.id, name="Greek", code="el"))
    owner = library.owner_id
    session.add_all(
        [
            db.Reading(
                book_id=a.id, user_id=owner, started_on=dt.date(2020, 1, 1), finished_on=dt.date(2020, 1, 9)
            ),
            db.Reading(book_id=a.id, user_id=None, finished_on=dt.date(2023, 5, 6), pages_read=272),
            db.Reading(book_id=b.id, user_id=owner, started_on=dt.date(2025, 12, 1)),
            db.Reading(book_id=c.id, user_id=owner, started_on=dt.date(2024, 2, 2), abandoned=True),
        ]
    )
    old_loan = db.Loan(
        book_id=a.id, borrower="Maria", lent_on=dt.date(2021, 3, 1), returned_on=dt.date(2021, 4, 1)
    )
    open_loan = db.Loan(
        book_id=a.id, borrower="Νίκος", lent_on=dt.date(2025, 11, 1), due_on=dt.date(2025, 12, 1)
    )
    session.add_all([old_loan, open_loan])
    session.flush()
    telegram_chat = session.get(db.User, owner).telegram_id
    session.add_all(
        [
            db.Reminder(
                user_id=owner,
                chat_id=telegram_chat,
                library_id=library.id,
                loan_id=open_loan.id,
                kind="loan_due",
                text="Edgedancer is due back",
                due_at=dt.datetime(2025, 12, 1, 9, 0, tzinfo=dt.UTC),
            ),
            db.Reminder(
                user_id=owner,
                chat_id=telegram_chat,
                library_id=library.id,
                kind="custom",
                text="Read more",
                due_at=dt.datetime(2026, 1, 1, 18, 0, tzinfo=dt.UTC),
                recurrence="weekly",
                local_time="19:00",
                timezone="Europe/Berlin",
            ),
        ]
    )
    session.flush()
    return {"edgedancer": a.id, "greek": b.id, "chinese": c.id}


def _new_library(session, library, name="Ada's library") -> db.Library:
    lib = db.Library(name=name, kind="personal")  # owner_id is unique: copies have none
    session.add(lib)
    session.flush()
    return lib


def _drop_library(session, library_id: int) -> None:
    session.execute(delete(db.Reminder).where(db.Reminder.library_id == library_id))
    session.execute(delete(db.Library).where(db.Library.id == library_id))
    session.expire_all()


def test_json_dump_has_everything_and_no_deleted_books(session, library):
    _rich_library(session, library)
    dump = json.loads(exporting.export_json(session, library.id, now=NOW))
    assert dump["format"] == "librium-dump" and dump["format_version"] == 1
    revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert dump["schema_revision"] == revision
    titles = [b["title"] for b in dump["books"]]
    assert sorted(titles) == sorted(["Edgedancer", "Τα ψηλά βουνά", "三体"])
    edge = next(b for b in dump["books"] if b["title"] == "Edgedancer")
    assert edge["series"] == [{"name": "The Stormlight Archive", "index": "2.5"}]
    assert edge["price"] == "12.99" and edge["rating"] == 9 and edge["copies"] == 2
    authors = {a["uuid"]: a for a in dump["authors"]}
    king = authors[edge["authors"][1]]
    assert (king["prefix"], king["first_name"], king["middle_name"], king["last_name"], king["suffix"]) == (
        "Dr.",
        "Martin",
        "Luther",
        "King",
        "Jr.",
    )
    assert [loan["borrower"] for loan in edge["loans"]] == ["Maria", "Νίκος"]
    assert {r["kind"]: r["loan"] for r in dump["reminders"]} == {
        "loan_due": f"{edge['uuid']}#2",
        "custom": None,
    }
    assert "Unused genre" in [g["name"] for g in dump["genres"]]
    assert {"name": "Greek", "code": "el"}.items() <= next(
        x for x in dump["languages"] if x["name"] == "Greek"
    ).items()
    assert "Nobody Here" in [a["display_name"] for a in dump["authors"]]  # authors are entities too
    assert all(b["title"] != "Deleted one" for b in dump["books"])


def test_json_round_trip_into_an_empty_library_is_exact(session, library):
    _rich_library(session, library)
    first = exporting.export_json(session, library.id, now=NOW)
    _drop_library(session, library.id)  # uuids are global: the original must be gone for them to be kept
    target = _new_library(session, library)
    plan = backup.plan_restore(session, target.id, backup.read_dump(first))
    assert (len(plan.added), len(plan.changed), plan.unchanged, plan.conflicts) == (3, 0, 0, [])
    result = backup.apply_restore(session, target.id, plan)
    assert result.added == 3
    second = exporting.export_json(session, target.id, now=NOW)
    a, b = json.loads(first), json.loads(second)
    for key in a:
        assert a[key] == b[key], key
    assert a == b

    # restoring the same dump again changes nothing
    again = backup.plan_restore(session, target.id, backup.read_dump(second))
    assert (again.added, again.changed, again.unchanged) == ([], [], 3)
    backup.apply_restore(session, target.id, again)
    assert json.loads(exporting.export_json(session, target.id, now=NOW)) == a


def test_restore_shows_changes_and_applies_them(session, library):
    ids = _rich_library(session, library)
    dump = backup.read_dump(exporting.export_json(session, library.id, now=NOW))
    books.update_book(session, library.id, ids["edgedancer"], title="Edgedancer (edited)", pages=300)
    books.delete_book(session, library.id, ids["chinese"])
    added = books.add_book(session, library.id, books.BookInput(title="Not in the backup")).book
    plan = backup.plan_restore(session, library.id, dump)
    changed = dict(plan.changed)
    assert set(changed) == {"Edgedancer", "三体"}
    assert {"title", "page_count"} <= set(changed["Edgedancer"])
    assert changed["三体"][0] == "deleted"
    assert plan.unchanged == 1 and plan.added == []
    assert "1 changed" not in plan.summary() and "2 changed" in plan.summary()
    backup.apply_restore(session, library.id, plan)
    restored = books.get_book(session, library.id, ids["edgedancer"])
    assert (restored.title, restored.pages) == ("Edgedancer", 272)
    assert books.get_book(session, library.id, ids["chinese"]).title == "三体"
    assert books.get_book(session, library.id, added.id).title == "Not in the backup"  # left alone
    after = json.loads(exporting.export_json(session, library.id, now=NOW))
    assert [b for b in after["books"] if b["title"] != "Not in the backup"] == dump["books"]


def test_restore_into_another_library_gets_new_uuids(session, library):
    _rich_library(session, library)
    data = exporting.export_json(session, library.id, now=NOW)
    other = _new_library(session, library, "Copy")
    result = backup.restore(session, other.id, data)
    assert result.added == 3
    copy = json.loads(exporting.export_json(session, other.id, now=NOW))
    original = json.loads(data)
    assert {b["uuid"] for b in copy["books"]}.isdisjoint({b["uuid"] for b in original["books"]})
    assert sorted(b["title"] for b in copy["books"]) == sorted(b["title"] for b in original["books"])
    assert len(copy["reminders"]) == 2 and copy["reminders"][0]["loan"].split("#")[0] in {
        b["uuid"] for b in copy["books"]
    }


def test_failed_restore_changes_nothing(session, library):
    _rich_library(session, library)
    dump = json.loads(exporting.export_json(session, library.id, now=NOW))
    target = _new_library(session, library, "Target")
    dump["books"][-1]["page_count"] = -5  # refused by the Book model, after other books were written
    for book in dump["books"]:
        book["uuid"] = str(uuid.uuid4())
    with pytest.raises(Invalid, match="Nothing was changed"):
        backup.restore(session, target.id, json.dumps(dump).encode())
    count = session.scalar(select(func.count(db.Book.id)).where(db.Book.library_id == target.id))
    assert count == 0
    assert session.scalar(select(func.count(db.Author.id)).where(db.Author.library_id == target.id)) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n", "not JSON"),
        (b'{"books": []}', "not a Librium backup"),
        (b'{"format": "librium-dump", "format_version": 99}', "newer"),
        (b'{"format": "librium-dump", "format_version": 1, "books": []}', "damaged"),
    ],
)
def test_bad_backup_files(data, message):
    with pytest.raises(Invalid, match=message):
        backup.read_dump(data)


def _gr_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_goodreads_csv_layout(session, library):
    _rich_library(session, library)
    rows = _gr_rows(exporting.export_goodreads_csv(session, library.id, librium_columns=False))
    assert list(rows[0].keys()) == exporting.GOODREADS_COLUMNS
    edge = next(r for r in rows if r["Title"].startswith("Edgedancer"))
    assert edge["Title"] == "Edgedancer: A Stormlight novella (The Stormlight Archive, #2.5)"
    assert (edge["Author"], edge["Author l-f"]) == ("Brandon Sanderson", "Sanderson, Brandon")
    assert edge["Additional Authors"] == "Dr. Martin Luther King Jr."
    assert (edge["ISBN"], edge["ISBN13"]) == ('="1250166543"', '="9781250166548"')
    assert (edge["My Rating"], edge["Exclusive Shelf"], edge["Read Count"], edge["Owned Copies"]) == (
        "5",
        "read",
        "2",
        "2",
    )
    assert (edge["Date Read"], edge["Bookshelves"], edge["My Review"]) == (
        "2023/05/06",
        "favourites, signed",
        "Line one<br/>Line two",
    )
    greek = next(r for r in rows if r["Title"].startswith("Τα ψηλά"))
    assert greek["Title"] == "Τα ψηλά βουνά (Σχολικά, #12.125)"
    assert (greek["Exclusive Shelf"], greek["Owned Copies"], greek["Bookshelves"]) == (
        "currently-reading",
        "0",
        "currently-reading",
    )


def test_librium_csv_round_trip_is_exact(session, library):
    _rich_library(session, library)
    data = exporting.export_goodreads_csv(session, library.id)
    before = json.loads(exporting.export_json(session, library.id, now=NOW))
    _drop_library(session, library.id)
    target = _new_library(session, library)
    plan = plan_import(session, target.id, data)
    assert plan.format == "librium" and plan.dropped_values == 0 and plan.new == 3
    import_file(session, target.id, data, user_id=library.owner_id)
    after = json.loads(exporting.export_json(session, target.id, now=NOW))

    def essentials(dump):
        authors = {a["uuid"]: a for a in dump["authors"]}
        out = {}
        for b in dump["books"]:
            fields = {
                k: v
                for k, v in b.items()
                if k not in ("updated_at", "metadata_source", "loans", "created_at")
            }
            fields["authors"] = [
                {
                    k: authors[u][k]
                    for k in ("display_name", "first_name", "middle_name", "last_name", "prefix", "suffix")
                }
                for u in b["authors"]
            ]
            fields["readings"] = [(r["started_on"], r["finished_on"], r["abandoned"]) for r in b["readings"]]
            fields["created_on"] = b["created_at"][:10]
            out[b["uuid"]] = fields
        return out

    assert essentials(after) == essentials(before)


def test_goodreads_layout_round_trip_of_a_real_export(session, library):
    import_file(session, library.id, goodreads_file("dr-rodriguez__Exploring-Goodreads.csv"))
    data = exporting.export_goodreads_csv(session, library.id, librium_columns=False)
    before = json.loads(exporting.export_json(session, library.id, now=NOW))
    target = _new_library(session, library, "Copy")
    plan = plan_import(session, target.id, data)
    assert plan.format == "goodreads" and plan.dropped_values == 0 and plan.merged == plan.in_library == 0
    import_file(session, target.id, data)
    after = json.loads(exporting.export_json(session, target.id, now=NOW))

    def essentials(dump):
        authors = {a["uuid"]: a["display_name"] for a in dump["authors"]}
        return sorted(
            (
                b["title"],
                tuple(authors[u] for u in b["authors"]),
                b["isbn13"],
                b["status"],
                b["rating"],
                b["page_count"],
                b["release_year"],
                b["format"],
                tuple(b["publishers"]),
                tuple((s["name"], s["index"]) for s in b["series"]),
                tuple(b["tags"]),
                tuple((r["started_on"], r["finished_on"]) for r in b["readings"]),
                b["owned"],
                b["copies"],
                b["notes"],
                b["created_at"][:10],
            )
            for b in dump["books"]
            # two rows merged into one book carry two publishers and both rows' readings, more
            # than one row of Goodreads' layout can say: the round trip is exact for the others
            if b["title"] not in ("The Subtle Knife", "The Wandering Earth")
        )

    assert len(before["books"]) == 326 - 2  # rows - the two merged into an earlier row
    assert essentials(after) == essentials(before)


def _second_library(session) -> db.Library:
    other = db.Library(name="Bob's library", kind="personal")
    session.add(other)
    session.flush()
    return other


def test_our_csv_imports_into_another_library(session, library):
    """uuids are unique across the database: books from someone else's export get new ones."""
    books.add_book(
        session, library.id, books.BookInput(title="Dune", authors="Frank Herbert", isbn="9780441172719")
    )
    books.add_book(session, library.id, books.BookInput(title="Solaris", authors="Stanisław Lem"))
    data = exporting.export_goodreads_csv(session, library.id)
    other = _second_library(session)
    result = import_file(session, other.id, data)
    assert result.added == 2
    titles = session.scalars(
        select(db.Book.title).where(db.Book.library_id == other.id).order_by(db.Book.title)
    )
    assert list(titles) == ["Dune", "Solaris"]


def test_reimporting_our_csv_after_a_delete_brings_the_book_back(session, library):
    kept = books.add_book(session, library.id, books.BookInput(title="Kept", authors="A. Writer")).book
    gone = books.add_book(session, library.id, books.BookInput(title="Gone", authors="B. Writer")).book
    data = exporting.export_goodreads_csv(session, library.id)
    books.delete_book(session, library.id, gone.id)
    result = import_file(session, library.id, data)
    assert result.added == 1
    live = session.scalars(
        select(db.Book.title).where(db.Book.library_id == library.id, db.Book.deleted_at.is_(None))
    )
    assert sorted(live) == ["Gone", "Kept"]
    assert kept.id in {b.id for b in books.get_books(session, library.id, [kept.id])}


def test_restoring_one_backup_twice_into_another_library_adds_nothing_the_second_time(session, library):
    books.add_book(session, library.id, books.BookInput(title="No ISBN here", authors="C. Writer"))
    books.add_book(
        session, library.id, books.BookInput(title="Dune", authors="Frank Herbert", isbn="9780441172719")
    )
    dump = exporting.export_json(session, library.id)
    other = _second_library(session)
    first = backup.restore(session, other.id, dump)
    second_plan = backup.plan_restore(session, other.id, backup.read_dump(dump))
    assert len(second_plan.added) == 0 and second_plan.unchanged == 2, (first, second_plan.summary())
    count = session.scalar(select(func.count()).select_from(db.Book).where(db.Book.library_id == other.id))
    assert count == 2


def test_an_import_note_survives_the_librium_csv_round_trip(session, library):
    def notes(library_id):
        rows = session.execute(
            select(db.Book.title, db.Book.import_note).where(
                db.Book.library_id == library_id, db.Book.import_note.is_not(None)
            )
        )
        return sorted(tuple(row) for row in rows)

    import_file(session, library.id, goodreads_file("dr-rodriguez__Exploring-Goodreads.csv"))
    noted = notes(library.id)
    assert noted, "the MIT export has values the import cannot keep"
    exported = exporting.export_goodreads_csv(session, library.id)
    _drop_library(session, library.id)
    target = _new_library(session, library)
    import_file(session, target.id, exported)
    assert notes(target.id) == noted
