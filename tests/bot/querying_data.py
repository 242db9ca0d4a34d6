"""Test data for the querying tests: books written through the real book service into the library the
bot resolves for a person (the same library a private chat with the bot uses)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from bot.console.fake_updates import Person
from bot.runtime.access import Actor, resolve
from librium.database.sqlalchemy import db
from librium.database.sqlalchemy.session import session_scope
from librium.services import books


class Library:
    """Adds books to ``person``'s personal library, each in its own committed transaction."""

    def __init__(self, factory: sessionmaker[Session], person: Person):
        self.factory = factory
        self.person = person
        actor = Actor(person.id, person.first_name, "en", person.id, "private", None)
        with session_scope(factory) as session:
            self.id = resolve(session, actor).library_id

    def add(self, title: str, authors: str | list[str] | None = None, **fields) -> int:
        with session_scope(self.factory) as session:
            result = books.add_book(
                session,
                self.id,
                books.BookInput(title=title, authors=authors, **fields),
                allow_duplicate=True,
            )
            return result.book.id

    def lend(self, book_id: int, borrower: str, lent_on: dt.date, due_on: dt.date | None = None) -> None:
        with session_scope(self.factory) as session:
            session.add(db.Loan(book_id=book_id, borrower=borrower, lent_on=lent_on, due_on=due_on))

    def entity_id(self, model: type, name: str) -> int:
        """The id of a named thing (author, series, genre, shelf) of this library."""
        from sqlalchemy import select

        column = model.display_name if model is db.Author else model.name
        with session_scope(self.factory) as session:
            return session.scalar(select(model.id).where(model.library_id == self.id, column == name))
