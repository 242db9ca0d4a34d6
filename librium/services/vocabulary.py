"""A library's vocabulary (``search_terms``): every word of its searchable text with its ASCII readings
and stem, and what a searched word may have meant in it.

:func:`add` is called by :mod:`librium.services.search_index` whenever it writes a book's search row:
words only ever get added (a word no book holds any more costs a look-up that then matches nothing);
:func:`rebuild` starts a library afresh.

:func:`alternatives` maps each searched word to the library's words it may stand for, with a cost:

- ``SCRIPT`` another script's spelling of it: ``tolstoy`` -> ``толстои``, ``murakami`` -> ``村上春樹``;
- ``FORM`` the same stem: ``hobbits`` -> ``hobbit``;
- a typo's correction, costing its edits: ``hobit`` -> ``hobbit`` (only for a word that is not itself a
  word of the library, and within :func:`wordforms.max_edits`).

Typo candidates are found on indexes, never by scanning the vocabulary: a word within k edits starts
with, ends with or contains a piece of the typed word (:func:`wordforms.pieces`). The prefix and the
suffix (on ``backwards``) are index ranges; the middle piece a trigram index: FTS5's trigram tokenizer
on SQLite (``book_fts_terms``), pg_trgm on PostgreSQL. The candidates are then measured exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Connection, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db
from librium.services import wordforms
from librium.text import fold

terms = db.SearchTerm.__table__

SCRIPT = 0.1  # cost of a transliteration (same word, other script)
SCRIPT_PREFIX = 0.2  # a transliteration the word begins ("murakami" of "murakamiharuki")
FORM = 0.3  # cost of another form of the word (same stem)
_RANGE_END = "~"  # sorts after every letter and digit: [p, p~) holds the words starting with p
_CHUNK = 500
MAX_CANDIDATES = 2000  # typo candidates read per word at most


@dataclass
class Alternatives:
    """What one searched word may stand for in the library."""

    word: str
    whole: bool = False  # the word itself is a word of the library
    terms: dict[str, float] = field(default_factory=dict)  # other words of the library -> cost

    def offer(self, term: str, cost: float) -> None:
        if term != self.word and cost < self.terms.get(term, 99):
            self.terms[term] = cost


# --------------------------------------------------------------------------- writing


def entries(texts: Iterable[str | None]) -> set[tuple[str, str, str, str]]:
    """(term, latin, backwards, stem) for every word of raw (unfolded) ``texts``; words with digits
    (ISBNs, years, "1Q84") and one-letter words are left out: they are matched exactly or not at all."""
    found: set[tuple[str, str, str, str]] = set()
    for raw_text in texts:
        if raw_text:
            for raw in wordforms.words(raw_text):
                found |= _word_entries(raw)
    return found


@lru_cache(maxsize=65536)
def _word_entries(raw: str) -> frozenset[tuple[str, str, str, str]]:
    """:func:`entries` of one raw word (names, shelves and title words recur from book to book)."""
    found = set()
    folded = fold(raw)
    for term in wordforms.words(folded):
        if len(term) < 2 or len(term) > wordforms.MAX_LENGTH or any(ch.isdigit() for ch in term):
            continue
        stem = wordforms.stem(raw if folded == term else term)
        for latin in wordforms.readings(raw) | wordforms.readings(term):
            found.add((term, latin, latin[::-1], stem))
    return frozenset(found)


def add(
    session: Session | Connection,
    rows: Iterable[tuple[int, Iterable[str | None]]],
    *,
    seen: set | None = None,
) -> None:
    """Add the words of (library_id, raw texts) pairs to their libraries' vocabularies. ``seen``: the
    entries this caller already added in this transaction (left out, then updated)."""
    found = {
        (library_id, term, latin, backwards, stem)
        for library_id, texts in rows
        for term, latin, backwards, stem in entries(texts)
    }
    if seen is not None:
        found -= seen
        seen |= found
    values = sorted(found)
    if not values:
        return
    dialect = (session.dialect if isinstance(session, Connection) else session.get_bind().dialect).name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    keys = ("library_id", "term", "latin", "backwards", "stem")
    statement = insert(terms).on_conflict_do_nothing(index_elements=["library_id", "term", "latin"])
    for start in range(0, len(values), _CHUNK):
        session.execute(statement, [dict(zip(keys, v, strict=True)) for v in values[start : start + _CHUNK]])


def rebuild(session: Session, library_id: int) -> None:
    """Forget a library's vocabulary and take it again from its search rows (folded text)."""
    session.execute(delete(terms).where(terms.c.library_id == library_id))
    search = db.BookSearch.__table__
    rows = session.execute(
        select(search.c.title_text, search.c.people_text, search.c.other_text).where(
            search.c.library_id == library_id
        )
    )
    add(session, ((library_id, row) for row in rows))


# --------------------------------------------------------------------------- reading


def alternatives(
    session: Session,
    library_id: int,
    words: list[str],
    *,
    correct_known: bool = False,
    doubt_known: bool = False,
) -> dict[str, Alternatives]:
    """What each (folded) searched word may stand for in the library; two statements at most.

    A word of the library itself gets no typo corrections unless ``correct_known`` (the caller found
    nothing exactly: "most" may be a typo of "mort" after all) or ``doubt_known`` and another of the
    words is not the library's (text with a typo in it may hold more: "The Lian's Dn")."""
    found = {word: Alternatives(word) for word in words}
    if not words:
        return found
    latin = {word: wordforms.readings(word) for word in words}
    stems = {word: wordforms.stem(word) for word in words}
    _same_words(session, library_id, found, latin, stems)
    correct_known = correct_known or (doubt_known and not all(alt.whole for alt in found.values()))
    typos = {
        word: wordforms.max_edits(word)
        for word in words
        if (correct_known or not found[word].whole) and wordforms.max_edits(word) > 0
    }
    if typos:
        _corrections(session, library_id, found, latin, typos)
    return found


def _same_words(session, library_id, found, latin, stems) -> None:
    """The words themselves, their transliterations and their other forms (equalities and one prefix):
    a union of one index look-up each (an OR of them would scan the library's vocabulary)."""
    every_latin = sorted({r for readings in latin.values() for r in readings})
    sql = _Union(session, library_id, "term, latin, stem")
    sql.add(f"term IN ({sql.values(sorted(found))})")
    sql.add(f"latin IN ({sql.values(every_latin)})")
    sql.add(f"stem IN ({sql.values(sorted(set(stems.values())))})")
    for reading in every_latin:
        if len(reading) >= 3:
            sql.add(f"{sql.starts('latin', reading)} AND term <> latin", limit=True)
    rows = sql.run()
    for word, alt in found.items():
        for term, reading, stem in rows:
            if term == word:
                alt.whole = True
            elif reading in latin[word]:
                alt.offer(term, SCRIPT)
            elif term != reading and any(reading.startswith(r) for r in latin[word] if len(r) >= 3):
                alt.offer(term, SCRIPT_PREFIX)
            elif stem == stems[word]:
                alt.offer(term, FORM)


def _corrections(session, library_id, found, latin, typos: dict[str, int]) -> None:
    """Library words within each word's allowed edits, found by its pieces and measured exactly."""
    sql = _Union(session, library_id, "term, latin")
    for word, edits in typos.items():
        for reading in latin[word]:
            prefix, middle, suffix = wordforms.pieces(reading, edits)
            band = f"length(latin) BETWEEN {len(reading) - edits} AND {len(reading) + edits}"
            if prefix:
                sql.add(f"{band} AND {sql.starts('latin', prefix)}", limit=True)
            if suffix:
                sql.add(f"{band} AND {sql.starts('backwards', suffix[::-1])}", limit=True)
            if middle:
                sql.add(f"{band} AND {sql.contains(middle)}", limit=True)
    rows = sql.run()
    for word, edits in typos.items():
        for term, reading in rows:
            costs = [wordforms.typo_cost(r, reading, edits) for r in latin[word]]
            if any(c is not None for c in costs):
                found[word].offer(term, min(c for c in costs if c is not None))


class _Union:
    """One statement: a UNION of look-ups in one library's vocabulary, each on an index.

    Plain SQL with bound values: this runs on every search, and building it as SQLAlchemy
    expressions (sub-queries for the LIMITs) cost more than running it."""

    def __init__(self, session: Session, library_id: int, columns: str):
        self.session = session
        self.postgresql = session.get_bind().dialect.name == "postgresql"
        self.columns = columns
        self.params: dict[str, object] = {"library_id": library_id}
        self.parts: list[str] = []

    def value(self, value: object) -> str:
        name = f"v{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def values(self, values: Iterable[object]) -> str:
        return ", ".join(self.value(v) for v in values) or "NULL"

    def starts(self, column_name: str, prefix: str) -> str:
        """``column`` starts with ``prefix`` (letters and digits only), on an index of either engine."""
        if self.postgresql:
            return f"{column_name} LIKE {self.value(prefix + '%')}"  # pg_trgm's GIN index, any locale
        return f"{column_name} >= {self.value(prefix)} AND {column_name} < {self.value(prefix + _RANGE_END)}"

    def contains(self, piece: str) -> str:
        """The reading holds ``piece`` (3+ letters): each engine's trigram index."""
        if self.postgresql:
            return f"latin LIKE {self.value('%' + piece + '%')}"
        return f"id IN (SELECT rowid FROM book_fts_terms WHERE book_fts_terms MATCH {self.value(chr(34) + piece + chr(34))})"

    def add(self, condition: str, *, limit: bool = False) -> None:
        query = f"SELECT {self.columns} FROM search_terms WHERE library_id = :library_id AND {condition}"
        # A LIMIT inside a UNION needs its own sub-query.
        self.parts.append(f"SELECT * FROM ({query} LIMIT {MAX_CANDIDATES}) AS part" if limit else query)

    def run(self) -> list:
        if not self.parts:
            return []
        return self.session.execute(text(" UNION ".join(self.parts)), self.params).all()
