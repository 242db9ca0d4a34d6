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
MAX_BEGINNINGS = 200  # longer words read per reading of the word being typed, at most
BEGINNING = 0.5  # what a typo in a word's beginning costs more than in a whole word ("hobi" -> hobbit)


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
    typing: str | None = None,
) -> dict[str, Alternatives]:
    """What each (folded) searched word may stand for in the library; one statement (two when the
    word being typed has no other alternative).

    A word of the library itself gets no typo corrections unless ``correct_known`` (the caller found
    nothing exactly: "most" may be a typo of "mort" after all) or ``doubt_known`` and another of the
    words is not the library's (text with a typo in it may hold more: "The Lian's Dn"). ``typing``: the
    word being typed (the query's last), which may also be the beginning of a longer word with a typo
    ("hobi" -> hobbit)."""
    found = {word: Alternatives(word) for word in words}
    if not words:
        return found
    latin = {word: wordforms.readings(word) for word in words}
    stems = {word: wordforms.stem(word) for word in words}
    typos = {word: wordforms.max_edits(word) for word in words if wordforms.max_edits(word) > 0}
    sql = _Union(session, library_id, "term, latin, stem")
    _same_words(sql, found, latin, stems)
    _corrections(sql, latin, typos, correct_known=correct_known or doubt_known)
    rows = sql.run()
    _offer_same(found, latin, stems, [row for row in rows if row.part == _SAME])
    correct_known = correct_known or (doubt_known and not all(alt.whole for alt in found.values()))
    candidates = [row for row in rows if row.part == _TYPO]
    for word, edits in typos.items():
        if correct_known or not found[word].whole:
            _offer_corrections(found[word], latin[word], edits, candidates)
    if typing in typos and (correct_known or not found[typing].whole) and not found[typing].terms:
        sql = _Union(session, library_id, "term, latin, stem")  # a second statement, only then
        _beginnings(sql, latin[typing], typos[typing])
        _offer_beginnings(found[typing], latin[typing], typos[typing], sql.run())
    return found


_SAME, _TYPO, _BEGINNING = 0, 1, 2  # the parts of the look-ups: the words themselves and their readings;
# typo candidates; longer words the word being typed may begin with a typo


def _same_words(sql: _Union, found, latin, stems) -> None:
    """The words themselves, their transliterations and their other forms (equalities and one prefix):
    one index look-up each (an OR of them would scan the library's vocabulary)."""
    every_latin = sorted({r for readings in latin.values() for r in readings})
    sql.add(_SAME, f"term IN ({sql.values(sorted(found))})")
    sql.add(_SAME, f"latin IN ({sql.values(every_latin)})")
    sql.add(_SAME, f"stem IN ({sql.values(sorted(set(stems.values())))})")
    for reading in every_latin:
        if len(reading) >= 3:
            sql.add(_SAME, f"{sql.starts('latin', reading)} AND term <> latin", limit=True)


def _offer_same(found, latin, stems, rows) -> None:
    for word, alt in found.items():
        for _, term, reading, stem in rows:
            if term == word:
                alt.whole = True
            elif reading in latin[word]:
                alt.offer(term, SCRIPT)
            elif term != reading and any(reading.startswith(r) for r in latin[word] if len(r) >= 3):
                alt.offer(term, SCRIPT_PREFIX)
            elif stem == stems[word]:
                alt.offer(term, FORM)


def _corrections(sql: _Union, latin, typos: dict[str, int], *, correct_known: bool) -> None:
    """Candidates for library words within each word's allowed edits, found by its pieces on indexes.

    Unless ``correct_known``, a word of the library itself is not looked up (the condition is evaluated
    once per piece, not per row)."""
    for word, edits in typos.items():
        unknown = "" if correct_known else f" AND NOT EXISTS ({sql.is_term(word)})"
        for reading in latin[word]:
            prefix, middle, suffix = wordforms.pieces(reading, edits)
            band = f"length(latin) BETWEEN {len(reading) - edits} AND {len(reading) + edits}{unknown}"
            if prefix:
                sql.add(_TYPO, f"{band} AND {sql.starts('latin', prefix)}", limit=True)
            if suffix:
                sql.add(_TYPO, f"{band} AND {sql.starts('backwards', suffix[::-1])}", limit=True)
            if middle:
                sql.add(_TYPO, f"{band} AND {sql.contains(middle)}", limit=True)


def _offer_corrections(alt: Alternatives, readings, edits: int, rows) -> None:
    """The candidates within ``edits`` of one of the word's readings, measured exactly."""
    for _, term, reading, _ in rows:
        costs = [c for r in readings if (c := wordforms.typo_cost(r, reading, edits)) is not None]
        if costs:
            alt.offer(term, min(costs))


def _beginnings(sql: _Union, readings, edits: int) -> None:
    """Candidates for longer words that begin like the word typed so far, a typo in its second half
    ("hobi" -> hobbit): the longer words that start with its first half, at most ``MAX_BEGINNINGS``
    per reading (index order)."""
    for reading in readings:
        prefix = reading[: len(reading) // 2]
        if len(prefix) >= 2:
            longer = f"length(latin) > {len(reading)} AND {sql.starts('latin', prefix)}"
            sql.add(_BEGINNING, longer, limit=MAX_BEGINNINGS)


def _offer_beginnings(alt: Alternatives, readings, edits: int, rows) -> None:
    """The longer words whose beginning is within ``edits`` of one of the word's readings, costing
    ``BEGINNING`` more than the same typo in a whole word."""
    for _, term, reading, _ in rows:
        costs = [
            c + BEGINNING
            for r in readings
            for size in range(max(1, len(r) - edits), len(r) + edits + 1)
            if (c := wordforms.typo_cost(r, reading[:size], edits)) is not None and c >= 1
        ]
        if costs:
            alt.offer(term, min(costs))


class _Union:
    """One statement: a UNION of look-ups in one library's vocabulary, each on an index, each row tagged
    with the number of the part that found it.

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

    def is_term(self, word: str) -> str:
        """A sub-query: ``word`` is a word of the library."""
        return f"SELECT 1 FROM search_terms WHERE library_id = :library_id AND term = {self.value(word)}"

    def add(self, part: int, condition: str, *, limit: bool | int = False) -> None:
        """One look-up; ``limit``: at most MAX_CANDIDATES rows (True) or that many."""
        query = (
            f"SELECT {part} AS part, {self.columns} FROM search_terms "
            f"WHERE library_id = :library_id AND {condition}"
        )
        if limit:  # a LIMIT inside a UNION needs its own sub-query
            count = MAX_CANDIDATES if limit is True else int(limit)
            query = f"SELECT * FROM ({query} LIMIT {count}) AS part"
        self.parts.append(query)

    def run(self) -> list:
        if not self.parts:
            return []
        return self.session.execute(text(" UNION ".join(self.parts)), self.params).all()
