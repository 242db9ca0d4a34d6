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

from sqlalchemy import Connection, Select, column, delete, func, literal_column, or_, select, table, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db
from librium.services import wordforms
from librium.text import fold

terms = db.SearchTerm.__table__
_TRIGRAMS = table("book_fts_terms", column("rowid"))  # SQLite's trigram index of ``latin`` (migrations)

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
    for text in texts:
        if not text:
            continue
        for raw in wordforms.words(text):
            for term in wordforms.words(fold(raw)):
                if len(term) < 2 or len(term) > wordforms.MAX_LENGTH or any(ch.isdigit() for ch in term):
                    continue
                stem = wordforms.stem(raw if fold(raw) == term else term)
                for latin in wordforms.readings(raw) | wordforms.readings(term):
                    found.add((term, latin, latin[::-1], stem))
    return found


def add(session: Session | Connection, rows: Iterable[tuple[int, Iterable[str | None]]]) -> None:
    """Add the words of (library_id, raw texts) pairs to their libraries' vocabularies."""
    values = sorted(
        {
            (library_id, term, latin, backwards, stem)
            for library_id, texts in rows
            for term, latin, backwards, stem in entries(texts)
        }
    )
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


def alternatives(session: Session, library_id: int, words: list[str]) -> dict[str, Alternatives]:
    """What each (folded) searched word may stand for in the library; two statements at most."""
    found = {word: Alternatives(word) for word in words}
    if not words:
        return found
    latin = {word: wordforms.readings(word) for word in words}
    stems = {word: wordforms.stem(word) for word in words}
    _same_words(session, library_id, found, latin, stems)
    typos = {
        word: wordforms.max_edits(word)
        for word in words
        if not found[word].whole and wordforms.max_edits(word) > 0
    }
    if typos:
        _corrections(session, library_id, found, latin, typos)
    return found


def _same_words(session, library_id, found, latin, stems) -> None:
    """The words themselves, their transliterations and their other forms (equalities and one prefix)."""
    every_latin = sorted({r for readings in latin.values() for r in readings})
    conditions = [
        terms.c.term.in_(sorted(found)),
        terms.c.latin.in_(every_latin),
        terms.c.stem.in_(sorted(set(stems.values()))),
    ]
    conditions += [
        _starts(session, terms.c.latin, reading) & (terms.c.term != terms.c.latin)
        for reading in every_latin
        if len(reading) >= 3
    ]
    rows = session.execute(
        select(terms.c.term, terms.c.latin, terms.c.stem).where(
            terms.c.library_id == library_id, or_(*conditions)
        )
    ).all()
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
    selects: list[Select] = []
    for word, edits in typos.items():
        for reading in latin[word]:
            selects.extend(_piece_selects(session, library_id, reading, edits))
    if not selects:
        return
    rows = session.execute(union(*selects)).all()
    for word, edits in typos.items():
        for term, reading in rows:
            costs = [wordforms.typo_cost(r, reading, edits) for r in latin[word]]
            if any(c is not None for c in costs):
                found[word].offer(term, min(c for c in costs if c is not None))


def _piece_selects(session: Session, library_id: int, reading: str, edits: int) -> list[Select]:
    prefix, middle, suffix = wordforms.pieces(reading, edits)
    length = func.length(terms.c.latin)
    base = select(terms.c.term, terms.c.latin).where(
        terms.c.library_id == library_id,
        length.between(len(reading) - edits, len(reading) + edits),
    )
    selects = []
    if prefix:
        selects.append(base.where(_starts(session, terms.c.latin, prefix)).limit(MAX_CANDIDATES))
    if suffix:
        selects.append(base.where(_starts(session, terms.c.backwards, suffix[::-1])).limit(MAX_CANDIDATES))
    if middle:
        selects.append(base.where(_contains(session, middle)).limit(MAX_CANDIDATES))
    # A LIMIT inside a UNION needs its own sub-query on SQLite.
    return [select(s.subquery().c) for s in selects]


def _starts(session: Session, column, prefix: str):
    """``column`` starts with ``prefix`` (letters and digits only), on an index of either engine."""
    if session.get_bind().dialect.name == "postgresql":
        return column.like(prefix + "%")  # pg_trgm's GIN index (locale-independent)
    return (column >= prefix) & (column < prefix + _RANGE_END)


def _contains(session: Session, piece: str):
    """The reading holds ``piece`` (3+ letters): the trigram index of each engine."""
    if session.get_bind().dialect.name == "postgresql":
        return terms.c.latin.like(f"%{piece}%")
    fts = select(_TRIGRAMS.c.rowid).where(literal_column("book_fts_terms").op("MATCH")(f'"{piece}"'))
    return terms.c.id.in_(fts)
