"""Named things a book points at (genres, publishers, languages, formats, series, tags, shelves, authors).

Names are matched by their folded key (case- and accent-insensitive) within one library before a new
row is created, so "Science Fiction", "science fiction" and "Scíence Fiction" are one genre. Creation
is an insert that does nothing on a conflict, so two writers racing to create the same name end up
sharing one row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import insert_for
from librium.errors import Duplicate, Invalid, NotFound
from librium.i18n import _
from librium.names import parse_author
from librium.text import clean, fold

__all__ = [
    "KINDS",
    "EntityView",
    "get_or_create",
    "get_or_create_author",
    "get_or_create_authors",
    "get_or_create_many",
    "list_entities",
    "merge",
    "rename",
]

Named = TypeVar("Named", bound=db.NamedEntity)

KINDS: dict[str, type] = {
    "genre": db.Genre,
    "publisher": db.Publisher,
    "language": db.Language,
    "format": db.Format,
    "series": db.Series,
    "tag": db.Tag,
    "location": db.Location,
    "author": db.Author,
}

# How each kind is linked to books: a many-to-many table (table, column) or a column on books.
_LINK_TABLES = {
    "genre": (db.book_genres, "genre_id"),
    "publisher": (db.book_publishers, "publisher_id"),
    "language": (db.book_languages, "language_id"),
    "tag": (db.book_tags, "tag_id"),
    "series": (db.BookSeries.__table__, "series_id"),
    "author": (db.BookAuthor.__table__, "author_id"),
}
_BOOK_COLUMNS = {"format": "format_id", "location": "location_id"}


@dataclass(frozen=True)
class EntityView:
    id: int
    name: str
    books: int


def _model(kind: str) -> type:
    try:
        return KINDS[kind]
    except KeyError:
        raise Invalid(
            _("“{kind}” is not something books are grouped by (use {choices}).").format(
                kind=kind, choices=", ".join(KINDS)
            )
        ) from None


def _name_column(model: type):
    return model.display_name if model is db.Author else model.name


# --------------------------------------------------------------------------- get or create


def get_or_create_many(
    session: Session, library_id: int, model: type[Named], names: Iterable[str | None]
) -> list[Named]:
    """The rows for ``names`` in order (blank and repeated names skipped), creating the missing ones."""
    wanted: dict[str, str] = {}
    for raw in names:
        name = clean(raw)
        if name and fold(name) not in wanted:
            wanted[fold(name)] = name
    if not wanted:
        return []
    found = _by_keys(session, library_id, model, list(wanted))
    for key, name in wanted.items():
        if key not in found:
            found[key] = _create(
                session, library_id, model, key, lambda n=name: model(library_id=library_id, name=n)
            )
    return [found[key] for key in wanted]


def get_or_create(session: Session, library_id: int, model: type[Named], name: str) -> Named:
    """One named row, matched case- and accent-insensitively; Invalid for a blank name."""
    rows = get_or_create_many(session, library_id, model, [name])
    if not rows:
        model(name=name)  # raises the model's own "cannot be blank" message
    return rows[0]


def get_or_create_authors(session: Session, library_id: int, names: Iterable[str]) -> list[db.Author]:
    """Authors for ``names`` (each one person, any spelling), in order, without repeats."""
    wanted: dict[str, object] = {}
    for raw in names:
        if not clean(raw):
            continue
        parsed = parse_author(raw)
        wanted.setdefault(fold(parsed.display), parsed)
    if not wanted:
        return []
    found = _by_keys(session, library_id, db.Author, list(wanted))
    for key, parsed in wanted.items():
        if key not in found:

            def build(p=parsed) -> db.Author:
                return db.Author(
                    library_id=library_id,
                    first_name=p.first,
                    middle_name=p.middle,
                    last_name=p.last,
                    prefix=p.prefix,
                    suffix=p.suffix,
                    display_name=p.display,
                    sort_name=p.sort,
                )

            found[key] = _create(session, library_id, db.Author, key, build)
    return [found[key] for key in wanted]


def get_or_create_author(session: Session, library_id: int, name: str) -> db.Author:
    rows = get_or_create_authors(session, library_id, [name])
    if not rows:
        parse_author(name)  # raises Invalid with a readable message
    return rows[0]


def _by_keys(session: Session, library_id: int, model: type, keys: list[str]) -> dict:
    rows = session.scalars(select(model).where(model.library_id == library_id, model.key.in_(keys)))
    return {row.key: row for row in rows}


def _create(session: Session, library_id: int, model: type, key: str, build):
    """Insert the row ``build()`` makes unless the library has its key already (then that row).

    One ``INSERT ... ON CONFLICT DO NOTHING RETURNING id``: a writer racing to create the same name
    waits for the other's transaction and then takes its row, with no savepoint and no flush. The
    new row joins the session as if loaded, so the book being added links to it by id.
    """
    row = build()  # validates (and sets the key) before touching the database
    values = {
        column.key: getattr(row, column.key)
        for column in model.__mapper__.column_attrs
        if column.key != "id" and getattr(row, column.key) is not None
    }
    statement = insert_for(session)(model.__table__).values(values)
    new_id = session.execute(
        statement.on_conflict_do_nothing(index_elements=["library_id", "key"]).returning(model.__table__.c.id)
    ).scalar()
    if new_id is None:  # somebody else created it since our select: use theirs
        return _by_keys(session, library_id, model, [key])[key]
    row.id = new_id
    make_transient_to_detached(row)
    session.add(row)
    return row


# --------------------------------------------------------------------------- list, rename, merge


def list_entities(session: Session, library_id: int, kind: str) -> list[EntityView]:
    """Every ``kind`` of the library with its number of live books, by name."""
    model = _model(kind)
    name_col = db.Author.sort_name if model is db.Author else model.name
    if kind in _BOOK_COLUMNS:
        fk = getattr(db.Book, _BOOK_COLUMNS[kind])
        count = (
            select(func.count(db.Book.id))
            .where(fk == model.id, db.Book.deleted_at.is_(None))
            .correlate(model)
            .scalar_subquery()
        )
    else:
        table, column = _LINK_TABLES[kind]
        count = (
            select(func.count(db.Book.id))
            .select_from(table.join(db.Book, db.Book.id == table.c.book_id))
            .where(table.c[column] == model.id, db.Book.deleted_at.is_(None))
            .correlate(model)
            .scalar_subquery()
        )
    rows = session.execute(
        select(model.id, _name_column(model), count)
        .where(model.library_id == library_id)
        .order_by(func.lower(name_col))
    )
    return [EntityView(id=r[0], name=r[1], books=r[2] or 0) for r in rows]


def _get(session: Session, library_id: int, model: type, entity_id: int, kind: str):
    row = session.scalar(select(model).where(model.id == entity_id, model.library_id == library_id))
    if row is None:
        raise NotFound(_("There is no such {kind} in this library.").format(kind=kind))
    return row


def _affected_books(session: Session, kind: str, entity_id: int) -> list[int]:
    if kind in _BOOK_COLUMNS:
        column = getattr(db.Book, _BOOK_COLUMNS[kind])
        return list(session.scalars(select(db.Book.id).where(column == entity_id)))
    table, column = _LINK_TABLES[kind]
    return list(session.scalars(select(table.c.book_id).where(table.c[column] == entity_id)))


def rename(session: Session, library_id: int, kind: str, entity_id: int, new_name: str) -> EntityView:
    """Rename one entity. If the new name is another entity's name, raise Duplicate (merge instead)."""
    from librium.services import search_index

    model = _model(kind)
    row = _get(session, library_id, model, entity_id, kind)
    if model is db.Author:
        parsed = parse_author(new_name)
        clash = _by_keys(session, library_id, model, [fold(parsed.display)]).get(fold(parsed.display))
    else:
        clash = _by_keys(session, library_id, model, [fold(clean(new_name))]).get(fold(clean(new_name)))
    if clash is not None and clash.id != row.id:
        shown = clash.display_name if model is db.Author else clash.name
        raise Duplicate(
            _("There is already a {kind} called “{shown}”: merge the two instead.").format(
                kind=kind, shown=shown
            ),
            [clash.id],
        )
    if model is db.Author:
        row.first_name, row.middle_name, row.last_name = parsed.first, parsed.middle, parsed.last
        row.prefix, row.suffix, row.sort_name = parsed.prefix, parsed.suffix, parsed.sort
        row.display_name = parsed.display
    else:
        row.name = new_name
    session.flush()
    books = _affected_books(session, kind, row.id)
    search_index.refresh(session, books)
    return EntityView(id=row.id, name=_display(row), books=len(books))


def _display(row) -> str:
    return row.display_name if isinstance(row, db.Author) else row.name


def merge(session: Session, library_id: int, kind: str, source_id: int, target_id: int) -> EntityView:
    """Move every book of ``source`` to ``target`` and delete ``source`` (both in this library)."""
    from librium.services import search_index

    model = _model(kind)
    if source_id == target_id:
        raise Invalid(_("Pick two different {kind} entries to merge.").format(kind=kind))
    source = _get(session, library_id, model, source_id, kind)
    target = _get(session, library_id, model, target_id, kind)
    books = _affected_books(session, kind, source.id)
    if kind in _BOOK_COLUMNS:
        column = _BOOK_COLUMNS[kind]
        session.execute(
            update(db.Book)
            .where(getattr(db.Book, column) == source.id, db.Book.library_id == library_id)
            .values({column: target.id})
        )
    else:
        table, column = _LINK_TABLES[kind]
        # Books that already have the target keep their own link; the others are re-pointed.
        has_target = select(table.c.book_id).where(table.c[column] == target.id)
        session.execute(
            update(table)
            .where(table.c[column] == source.id, table.c.book_id.not_in(has_target))
            .values({column: target.id})
        )
        session.execute(delete(table).where(table.c[column] == source.id))
    session.delete(source)
    session.flush()
    search_index.refresh(session, books)
    return EntityView(
        id=target.id, name=_display(target), books=len(_affected_books(session, kind, target.id))
    )
