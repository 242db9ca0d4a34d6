"""The catalogue's tables: SQLAlchemy 2 typed models on one metadata with a naming convention.

Everything a library holds is scoped by ``library_id``: a Telegram user has a private library, a group
chat has a shared one. Validation is delegated to :mod:`librium.validation` through ``@validates`` hooks,
so every writer (services, imports, restores) obeys the same rules.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_mod
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator

from librium import validation
from librium.text import clean, fold

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

READING_STATUSES = validation.READING_STATUSES
LIBRARY_KINDS = ("personal", "group")
MEMBER_ROLES = ("owner", "member")
REMINDER_KINDS = ("custom", "loan_due", "loan_overdue", "nudge", "digest", "backup")
REMINDER_STATES = ("pending", "sending", "sent", "failed", "cancelled")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every engine (SQLite hands back naive values otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = metadata


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=text("CURRENT_TIMESTAMP")
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, server_default=text("CURRENT_TIMESTAMP")
    )


# --------------------------------------------------------------------------- people and libraries


class User(Timestamped, Base):
    """A Telegram user. ``telegram_id`` is Telegram's numeric id (64-bit)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    language: Mapped[str | None] = mapped_column(String(16))  # Telegram's language_code, as last seen
    chosen_language: Mapped[str | None] = mapped_column(String(16))  # set with /language; wins over it
    # Reminder preferences (the scheduler reads these).
    nudge_time: Mapped[str | None] = mapped_column(String(5))  # local "HH:MM", None = off
    weekly_digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    weekly_backup: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    blocked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # the user blocked the bot

    memberships: Mapped[list[LibraryMember]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @validates("timezone")
    def _v_timezone(self, _key, value):
        return validation.timezone(value)

    @validates("display_name")
    def _v_display_name(self, _key, value):
        return (clean(value) or "")[:200]


class Library(Timestamped, Base):
    """A collection of books: one per user (personal) and one per group chat (group)."""

    __tablename__ = "libraries"
    __table_args__ = (
        CheckConstraint(f"kind IN {LIBRARY_KINDS}", name="kind"),
        # One personal library per user, even when two first messages arrive at once.
        Index(
            "uq_libraries_owner_id_personal",
            "owner_id",
            unique=True,
            sqlite_where=text("kind = 'personal'"),
            postgresql_where=text("kind = 'personal'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="personal")
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    language: Mapped[str | None] = mapped_column(String(16))  # a group's, set with /language there

    members: Mapped[list[LibraryMember]] = relationship(
        back_populates="library", cascade="all, delete-orphan"
    )


class LibraryMember(Base):
    __tablename__ = "library_members"
    __table_args__ = (CheckConstraint(f"role IN {MEMBER_ROLES}", name="role"),)

    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="member")
    joined_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=text("CURRENT_TIMESTAMP")
    )

    library: Mapped[Library] = relationship(back_populates="members")
    user: Mapped[User] = relationship(back_populates="memberships")


# --------------------------------------------------------------------------- named entities


class NamedEntity(Timestamped):
    """Genres, publishers, languages, formats, series, tags and shelves share this shape.

    ``key`` is the folded name (case- and accent-insensitive); it is unique per library, so
    "Science Fiction" and "science fiction" are one genre.
    """

    what = "name"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(validation.NAME_MAX))
    key: Mapped[str] = mapped_column(String(validation.KEY_MAX))

    @validates("name")
    def _v_name(self, _key, value):
        value = validation.name(value, self.what)
        self.key = fold(value)
        return value


def _library_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"), index=True)


class Format(NamedEntity, Base):
    __tablename__ = "formats"
    __table_args__ = (UniqueConstraint("library_id", "key"),)
    what = "format"
    library_id: Mapped[int] = _library_fk()


class Genre(NamedEntity, Base):
    __tablename__ = "genres"
    __table_args__ = (UniqueConstraint("library_id", "key"),)
    what = "genre"
    library_id: Mapped[int] = _library_fk()


class Publisher(NamedEntity, Base):
    __tablename__ = "publishers"
    __table_args__ = (UniqueConstraint("library_id", "key"),)
    what = "publisher"
    library_id: Mapped[int] = _library_fk()


class Language(NamedEntity, Base):
    __tablename__ = "languages"
    __table_args__ = (UniqueConstraint("library_id", "key"),)
    what = "language"
    library_id: Mapped[int] = _library_fk()
    code: Mapped[str | None] = mapped_column(String(8))  # ISO 639 code when known


class Series(NamedEntity, Base):
    __tablename__ = "series"
    __table_args__ = (UniqueConstraint("library_id", "key"),)
    what = "series name"
    library_id: Mapped[int] = _library_fk()
    name: Mapped[str] = mapped_column(String(validation.NAME_MAX))
    key: Mapped[str] = mapped_column(String(validation.KEY_MAX))


class Tag(NamedEntity, Base):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("library_id", "key"),)
    what = "tag"
    library_id: Mapped[int] = _library_fk()


class Location(NamedEntity, Base):
    """A physical place: a shelf, a room, a box."""

    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("library_id", "key"),)
    what = "shelf name"
    library_id: Mapped[int] = _library_fk()


class Author(Timestamped, Base):
    """An author, with name parts. ``key`` (folded display name) is unique per library."""

    __tablename__ = "authors"
    __table_args__ = (
        UniqueConstraint("library_id", "key"),
        Index("ix_authors_library_id_sort_name", "library_id", "sort_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = _library_fk()
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid_mod.uuid4()))
    first_name: Mapped[str | None] = mapped_column(String(validation.PERSON_PART_MAX))
    middle_name: Mapped[str | None] = mapped_column(String(validation.PERSON_PART_MAX))
    last_name: Mapped[str | None] = mapped_column(String(validation.PERSON_PART_MAX))
    prefix: Mapped[str | None] = mapped_column(String(validation.AFFIX_MAX))
    suffix: Mapped[str | None] = mapped_column(String(validation.AFFIX_MAX))
    display_name: Mapped[str] = mapped_column(String(validation.NAME_MAX))
    sort_name: Mapped[str] = mapped_column(String(validation.NAME_MAX + 2))  # "Last, First"
    key: Mapped[str] = mapped_column(String(validation.KEY_MAX))

    @validates("first_name", "middle_name", "last_name")
    def _v_part(self, key, value):
        return validation.optional_text(value, key.replace("_", " "), validation.PERSON_PART_MAX)

    @validates("prefix", "suffix")
    def _v_affix(self, key, value):
        return validation.optional_text(value, key, validation.AFFIX_MAX)

    @validates("display_name")
    def _v_display(self, _key, value):
        value = validation.name(value, "author name")
        self.key = fold(value)
        return value


# --------------------------------------------------------------------------- books

book_genres = Table(
    "book_genres",
    metadata,
    Column("book_id", ForeignKey("books.id", ondelete="CASCADE"), primary_key=True),
    Column("genre_id", ForeignKey("genres.id", ondelete="CASCADE"), primary_key=True, index=True),
)
book_publishers = Table(
    "book_publishers",
    metadata,
    Column("book_id", ForeignKey("books.id", ondelete="CASCADE"), primary_key=True),
    Column("publisher_id", ForeignKey("publishers.id", ondelete="CASCADE"), primary_key=True, index=True),
)
book_languages = Table(
    "book_languages",
    metadata,
    Column("book_id", ForeignKey("books.id", ondelete="CASCADE"), primary_key=True),
    Column("language_id", ForeignKey("languages.id", ondelete="CASCADE"), primary_key=True, index=True),
)
book_tags = Table(
    "book_tags",
    metadata,
    Column("book_id", ForeignKey("books.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Book(Timestamped, Base):
    """One book (edition) in a library; ``copies`` counts identical copies of it."""

    __tablename__ = "books"
    __table_args__ = (
        CheckConstraint(f"status IN {READING_STATUSES}", name="status"),
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 10)", name="rating"),
        CheckConstraint("page_count IS NULL OR page_count > 0", name="page_count"),
        CheckConstraint("price IS NULL OR price >= 0", name="price"),
        CheckConstraint("copies >= 0", name="copies"),
        # One ISBN per library among live books (several copies go in `copies`).
        Index(
            "uq_books_library_id_isbn13_live",
            "library_id",
            "isbn13",
            unique=True,
            sqlite_where=text("deleted_at IS NULL AND isbn13 IS NOT NULL"),
            postgresql_where=text("deleted_at IS NULL AND isbn13 IS NOT NULL"),
        ),
        Index("ix_books_library_id_title_key", "library_id", "title_key"),
        Index("ix_books_library_id_created_at", "library_id", "created_at"),
        Index("ix_books_library_id_release_year", "library_id", "release_year"),
        Index("ix_books_library_id_status", "library_id", "status"),
        Index("ix_books_library_id_page_count", "library_id", "page_count"),
        Index("ix_books_library_id_rating", "library_id", "rating"),
        Index("ix_books_library_id_price", "library_id", "price"),
        Index("ix_books_library_id_deleted_at", "library_id", "deleted_at"),
        # Counts a library's live books by status and ownership from the index alone (the grid's chips).
        Index("ix_books_library_id_deleted_at_status_owned", "library_id", "deleted_at", "status", "owned"),
        Index("ix_books_isbn13", "isbn13"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    library_id: Mapped[int] = _library_fk()
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid_mod.uuid4()))
    title: Mapped[str] = mapped_column(String(validation.TITLE_MAX))
    title_key: Mapped[str] = mapped_column(String(validation.KEY_MAX))
    subtitle: Mapped[str | None] = mapped_column(String(validation.TITLE_MAX))
    isbn13: Mapped[str | None] = mapped_column(String(13))
    release_year: Mapped[int | None] = mapped_column(SmallInteger)
    page_count: Mapped[int | None] = mapped_column(Integer)
    price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    format_id: Mapped[int | None] = mapped_column(ForeignKey("formats.id", ondelete="SET NULL"), index=True)
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("locations.id", ondelete="SET NULL"), index=True
    )
    cover_file_id: Mapped[str | None] = mapped_column(String(200))
    cover_url: Mapped[str | None] = mapped_column(String(1000))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="to-read", server_default="to-read")
    rating: Mapped[int | None] = mapped_column(SmallInteger)  # half stars, 1..10
    notes: Mapped[str | None] = mapped_column(Text)
    # What an import could not keep in its field (a bad ISBN, a year 30), verbatim; /problems lists it.
    import_note: Mapped[str | None] = mapped_column(Text)
    owned: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=text("true")
    )  # False = wishlist
    copies: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    metadata_source: Mapped[str | None] = mapped_column(String(32))
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    format: Mapped[Format | None] = relationship(lazy="raise")
    location: Mapped[Location | None] = relationship(lazy="raise")
    author_links: Mapped[list[BookAuthor]] = relationship(
        back_populates="book", cascade="all, delete-orphan", order_by="BookAuthor.position", lazy="raise"
    )
    series_links: Mapped[list[BookSeries]] = relationship(
        back_populates="book", cascade="all, delete-orphan", lazy="raise"
    )
    genres: Mapped[list[Genre]] = relationship(secondary=book_genres, lazy="raise")
    publishers: Mapped[list[Publisher]] = relationship(secondary=book_publishers, lazy="raise")
    languages: Mapped[list[Language]] = relationship(secondary=book_languages, lazy="raise")
    tags: Mapped[list[Tag]] = relationship(secondary=book_tags, lazy="raise")
    readings: Mapped[list[Reading]] = relationship(
        back_populates="book", cascade="all, delete-orphan", order_by="Reading.id", lazy="raise"
    )
    loans: Mapped[list[Loan]] = relationship(
        back_populates="book", cascade="all, delete-orphan", lazy="raise"
    )

    @validates("title")
    def _v_title(self, _key, value):
        value = validation.title(value)
        self.title_key = fold(value)
        return value

    @validates("subtitle")
    def _v_subtitle(self, _key, value):
        return validation.optional_text(value, "subtitle", validation.TITLE_MAX)

    @validates("isbn13")
    def _v_isbn(self, _key, value):
        return validation.isbn(value)

    @validates("release_year")
    def _v_year(self, _key, value):
        return validation.year(value)

    @validates("page_count")
    def _v_pages(self, _key, value):
        return validation.pages(value)

    @validates("price")
    def _v_price(self, _key, value):
        return validation.price(value)

    @validates("currency")
    def _v_currency(self, _key, value):
        return validation.currency(value)

    @validates("status")
    def _v_status(self, _key, value):
        return validation.reading_status(value)

    @validates("rating")
    def _v_rating(self, _key, value):
        return validation.half_stars(value)

    @validates("copies")
    def _v_copies(self, _key, value):
        if value is None or int(value) < 0 or int(value) > 1000:
            raise validation.Invalid("The number of copies must be between 0 and 1000.")
        return int(value)


class BookAuthor(Base):
    """An author of a book, in order (position 0 is the first author)."""

    __tablename__ = "book_authors"
    __table_args__ = (
        UniqueConstraint("book_id", "position"),
        CheckConstraint("position >= 0", name="position"),
    )

    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), primary_key=True)
    author_id: Mapped[int] = mapped_column(
        ForeignKey("authors.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger, default=0)

    book: Mapped[Book] = relationship(back_populates="author_links")
    author: Mapped[Author] = relationship(lazy="raise")


class BookSeries(Base):
    """A book's place in a series. ``series_index`` may be fractional (1.5); NULL means unnumbered."""

    __tablename__ = "book_series"
    __table_args__ = (CheckConstraint("series_index IS NULL OR series_index >= 0", name="series_index"),)

    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), primary_key=True)
    series_id: Mapped[int] = mapped_column(
        ForeignKey("series.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    series_index: Mapped[Decimal | None] = mapped_column(Numeric(8, 3))

    book: Mapped[Book] = relationship(back_populates="series_links")
    series: Mapped[Series] = relationship(lazy="raise")

    @validates("series_index")
    def _v_index(self, _key, value):
        return validation.series_index(value)


# --------------------------------------------------------------------------- reading and loans


class Reading(Timestamped, Base):
    """One reading of a book: rereads are separate rows. ``pages_read`` tracks progress."""

    __tablename__ = "readings"
    __table_args__ = (
        CheckConstraint(
            "finished_on IS NULL OR started_on IS NULL OR finished_on >= started_on", name="dates"
        ),
        Index("ix_readings_finished_on", "finished_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    finished_on: Mapped[dt.date | None] = mapped_column(Date)
    abandoned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    pages_read: Mapped[int | None] = mapped_column(Integer)

    book: Mapped[Book] = relationship(back_populates="readings")


class Loan(Timestamped, Base):
    """A book lent to somebody. At most one open (unreturned) loan per book."""

    __tablename__ = "loans"
    __table_args__ = (
        CheckConstraint("due_on IS NULL OR due_on >= lent_on", name="due_after_lent"),
        CheckConstraint("returned_on IS NULL OR returned_on >= lent_on", name="returned_after_lent"),
        Index(
            "uq_loans_book_id_open",
            "book_id",
            unique=True,
            sqlite_where=text("returned_on IS NULL"),
            postgresql_where=text("returned_on IS NULL"),
        ),
        Index("ix_loans_due_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), index=True)
    borrower: Mapped[str] = mapped_column(String(validation.BORROWER_MAX))
    lent_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    returned_on: Mapped[dt.date | None] = mapped_column(Date)

    book: Mapped[Book] = relationship(back_populates="loans")

    @validates("borrower")
    def _v_borrower(self, _key, value):
        return validation.name(value, "borrower's name", limit=validation.BORROWER_MAX)


# --------------------------------------------------------------------------- reminders and goals


class Reminder(Timestamped, Base):
    """A message the scheduler must send. Our table is the source of truth, not the job store.

    ``due_at`` is UTC. Recurring reminders (``recurrence`` daily/weekly) keep the local time and zone
    they were set in, so a daylight-saving change never shifts them.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        CheckConstraint(f"kind IN {REMINDER_KINDS}", name="kind"),
        CheckConstraint(f"state IN {REMINDER_STATES}", name="state"),
        Index("ix_reminders_state_due_at", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    library_id: Mapped[int | None] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"), index=True)
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="custom")
    text: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recurrence: Mapped[str | None] = mapped_column(String(16))  # None, "daily", "weekly"
    local_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM" for recurring reminders
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    state: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


class ReadingGoal(Timestamped, Base):
    """A yearly goal: read ``target`` books in ``year``."""

    __tablename__ = "reading_goals"
    __table_args__ = (UniqueConstraint("user_id", "year"), CheckConstraint("target > 0", name="target"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    target: Mapped[int] = mapped_column(SmallInteger)


# --------------------------------------------------------------------------- search, caches, bot state


class BookSearch(Base):
    """Folded, accent-free text of a book for full-text search, kept in sync by the search service.

    On SQLite an FTS5 index (``book_fts``, created by the migrations, outside this metadata) reads from
    this table through triggers; on PostgreSQL a GIN expression index over weighted tsvectors does.
    """

    __tablename__ = "book_search"

    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), primary_key=True)
    library_id: Mapped[int] = _library_fk()
    title_text: Mapped[str] = mapped_column(Text, default="")
    people_text: Mapped[str] = mapped_column(Text, default="")
    other_text: Mapped[str] = mapped_column(Text, default="")


class SearchTerm(Base):
    """A word of a library's searchable text and how it reads in ASCII: the vocabulary that typo,
    transliteration and word-form search draw their alternatives from (librium.services.vocabulary).

    Insert-only while books change (a word no book holds any more only costs a lookup that matches
    nothing); ``vocabulary.rebuild`` starts a library afresh. A CJK or Cyrillic word may have two
    readings (a row each). SQLite keeps a trigram FTS5 index over ``latin`` (``book_fts_terms``);
    PostgreSQL a pg_trgm GIN index (``book_fts_terms_trgm``), both created by the migrations.
    """

    __tablename__ = "search_terms"
    __table_args__ = (
        UniqueConstraint("library_id", "term", "latin"),
        Index("ix_search_terms_library_id_latin", "library_id", "latin"),
        Index("ix_search_terms_library_id_backwards", "library_id", "backwards"),
        Index("ix_search_terms_library_id_stem", "library_id", "stem"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(String(64))  # folded, as book_search holds it
    latin: Mapped[str] = mapped_column(String(64))  # ASCII reading, letters and digits only
    backwards: Mapped[str] = mapped_column(String(64))  # latin reversed: suffix look-ups on an index
    stem: Mapped[str] = mapped_column(String(64))  # the word's stem (its language's stemmer)


class MetadataCache(Base):
    """Answers of metadata providers by ISBN, including "not found", so a lookup is made once."""

    __tablename__ = "metadata_cache"

    isbn13: Mapped[str] = mapped_column(String(13), primary_key=True)
    found: Mapped[bool] = mapped_column(Boolean)
    provider: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[str | None] = mapped_column(Text)  # JSON
    fetched_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class BotState(Base):
    """Persistent bot state (conversations, chat and user data), so any process can serve any update."""

    __tablename__ = "bot_state"

    namespace: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    data: Mapped[str] = mapped_column(Text)  # JSON
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class UpdateInbox(Base):
    """Updates fetched by polling and not yet handled: replayed after a crash (at-least-once polling).

    Telegram forgets an update once the next getUpdates confirms it, which python-telegram-bot does
    before the handlers run; a row here outlives a killed process.
    """

    __tablename__ = "update_inbox"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    data: Mapped[str] = mapped_column(Text)  # the update's JSON, as Telegram sent it
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    replays: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")  # crash loops end


FTS_OBJECT_PREFIX = "book_fts"
"""Name prefix of the SQLite FTS5 objects the migrations create outside this metadata."""
