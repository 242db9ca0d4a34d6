"""Named entities: matching before creating, listing with counts, renaming and merging."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import delete, func, select

from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import session_scope
from librium.errors import Duplicate, Invalid, NotFound
from librium.services import books, entities
from librium.services.books import BookInput


@pytest.mark.parametrize(
    "model", [db.Genre, db.Publisher, db.Language, db.Format, db.Series, db.Tag, db.Location]
)
def test_science_fiction_is_one_entity_whatever_the_case_and_accents(session, library, model):
    a = entities.get_or_create(session, library.id, model, "science fiction")
    b = entities.get_or_create(session, library.id, model, "Science  Fiction")
    c = entities.get_or_create(session, library.id, model, "Scíence Fiction")
    assert a.id == b.id == c.id and a.name == "science fiction"


def test_get_or_create_many_keeps_order_and_skips_blanks_and_repeats(session, library):
    rows = entities.get_or_create_many(session, library.id, db.Tag, ["b", "", "A", "B", None, "c"])
    assert [r.name for r in rows] == ["b", "A", "c"]


def test_authors_match_any_spelling(session, library):
    a = entities.get_or_create_author(session, library.id, "Ursula K. Le Guin")
    b = entities.get_or_create_author(session, library.id, "Le Guin, Ursula K.")
    c = entities.get_or_create_author(session, library.id, "ursula k. le guin")
    assert a.id == b.id == c.id
    assert (a.first_name, a.middle_name, a.last_name, a.sort_name) == (
        "Ursula",
        "K.",
        "Le Guin",
        "Le Guin, Ursula K.",
    )


def test_blank_and_too_long_names_are_refused(session, library):
    with pytest.raises(Invalid, match="genre cannot be blank"):
        entities.get_or_create(session, library.id, db.Genre, "  ")
    with pytest.raises(Invalid, match="too long"):
        entities.get_or_create(session, library.id, db.Tag, "x" * 1001)


def test_list_counts_live_books_only(session, library):
    for title in ("A", "B", "C"):
        books.add_book(session, library.id, BookInput(title=title, genres="Fantasy", location="Shelf 1"))
    gone = books.add_book(session, library.id, BookInput(title="D", genres="Fantasy, Horror")).book
    books.delete_book(session, library.id, gone.id)
    genres = {e.name: e.books for e in entities.list_entities(session, library.id, "genre")}
    assert genres == {"Fantasy": 3, "Horror": 0}
    assert [(e.name, e.books) for e in entities.list_entities(session, library.id, "location")] == [
        ("Shelf 1", 3)
    ]
    with pytest.raises(Invalid, match="not something books are grouped by"):
        entities.list_entities(session, library.id, "colour")


def test_rename_updates_the_search_text(session, library):
    b = books.add_book(session, library.id, BookInput(title="A", tags="sf", authors="Frank Herbet")).book
    tag = b.tags[0]
    renamed = entities.rename(session, library.id, "tag", tag.id, "Science fiction")
    assert renamed.name == "Science fiction" and renamed.books == 1
    entities.rename(session, library.id, "author", b.authors[0].id, "Frank Herbert")
    row = session.get(db.BookSearch, b.id, populate_existing=True)
    assert "science fiction" in row.other_text and "frank herbert" in row.people_text
    assert books.get_book(session, library.id, b.id).authors[0].sort_name == "Herbert, Frank"


def test_rename_onto_an_existing_name_asks_for_a_merge(session, library):
    a = entities.get_or_create(session, library.id, db.Genre, "SF")
    b = entities.get_or_create(session, library.id, db.Genre, "Science Fiction")
    with pytest.raises(Duplicate, match="merge") as exc:
        entities.rename(session, library.id, "genre", a.id, "science fiction")
    assert exc.value.existing_ids == [b.id]


@pytest.mark.parametrize("kind", ["genre", "tag", "series", "author", "location", "format"])
def test_merge_moves_books_and_removes_the_source(session, library, kind):
    field = {"genre": "genres", "tag": "tags", "series": "series", "author": "authors"}.get(kind, kind)
    one = books.add_book(session, library.id, BookInput(title="One", **{field: "Old Name"})).book
    both_value = "Old Name, New Name" if kind in ("genre", "tag") else "New Name"
    two = books.add_book(session, library.id, BookInput(title="Two", **{field: both_value})).book
    views = {e.name: e.id for e in entities.list_entities(session, library.id, kind)}
    result = entities.merge(session, library.id, kind, views["Old Name"], views["New Name"])
    assert result.books == 2
    assert [e.name for e in entities.list_entities(session, library.id, kind)] == ["New Name"]
    for book_id in (one.id, two.id):
        card = books.get_book(session, library.id, book_id)
        shown = {"author": card.author_names, "series": [s.name for s in card.series]}.get(kind)
        if kind in ("genre", "tag"):
            shown = [g.name for g in getattr(card, field)]
        elif kind in ("location", "format"):
            shown = [getattr(card, kind).name]
        assert shown == ["New Name"]
        if kind == "format":
            continue  # formats are not in the search text
        row = session.get(db.BookSearch, book_id, populate_existing=True)
        assert "new name" in (row.people_text + row.other_text)
        assert "old name" not in (row.people_text + row.other_text)


def test_merge_and_rename_refuse_another_librarys_entities(session, library, other_library):
    mine = entities.get_or_create(session, library.id, db.Genre, "Mine")
    theirs = entities.get_or_create(session, other_library.id, db.Genre, "Theirs")
    with pytest.raises(NotFound):
        entities.merge(session, library.id, "genre", mine.id, theirs.id)
    with pytest.raises(NotFound):
        entities.rename(session, library.id, "genre", theirs.id, "Stolen")
    with pytest.raises(Invalid, match="two different"):
        entities.merge(session, library.id, "genre", mine.id, mine.id)


@pytest.mark.parametrize("kind", ["genre", "author"])
def test_two_writers_creating_one_name_share_its_row(session_factory, kind):
    """The second writer waits for the first one's transaction, then takes its row (no error, no twin)."""
    model, name, spelling = (
        (db.Genre, "Space Opera", "space  opera")
        if kind == "genre"
        else (db.Author, "Iain M. Banks", "Banks, Iain M.")
    )

    def get_or_create(session, library_id: int, text: str):
        if model is db.Author:
            return entities.get_or_create_author(session, library_id, text)
        return entities.get_or_create(session, library_id, model, text)

    with session_scope(session_factory) as setup:
        owner = db.User(telegram_id=int(uuid.uuid4().int % 10**9) + 1000, display_name="Racer")
        library = db.Library(name="Racer's library", kind="personal")
        setup.add_all([owner, library])
        setup.flush()
        library_id = library.id
    first = session_factory()
    try:
        created = get_or_create(first, library_id, name)
        first.flush()
        found: dict[str, int] = {}

        def second_writer() -> None:
            with session_scope(session_factory) as session:
                found["id"] = get_or_create(session, library_id, spelling).id

        other = threading.Thread(target=second_writer)
        other.start()
        other.join(0.5)
        assert other.is_alive()  # waiting for the first writer's transaction
        first.commit()
        other.join(30)
        assert found["id"] == created.id
    finally:
        first.close()
    with session_scope(session_factory) as check:
        assert (
            check.scalar(select(func.count()).select_from(model).where(model.library_id == library_id)) == 1
        )
        check.execute(delete(db.Library).where(db.Library.id == library_id))
