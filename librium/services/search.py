"""One search box over a library: full-text words (ranked) plus structured filters, paginated.

Words go to the engine's full-text index over ``book_search`` (folded text kept by
:mod:`librium.services.search_index`): SQLite FTS5 ``book_fts`` ranked with bm25, PostgreSQL the GIN
stored tsvector ``book_fts_vector`` with its GIN index, ranked with ts_rank. Filters are plain SQL conditions on ``books``
(``IN``/``EXISTS`` sub-queries, so a book with two authors or genres is never counted twice).

A search costs a fixed number of statements whatever the page size: one for the page (with the total as
a window count), one for the page's authors, series and open loans together.

Near matches: after the exact matches (whose order never changes) come the books that match once each
word may also stand for another word of the library (:mod:`librium.services.vocabulary`): a typo's
correction (``hobit`` -> hobbit), another script's spelling (``tolstoy`` -> Толстой) or another form
(``hobbits`` -> hobbit), when fewer than ``NEAR_BELOW`` books match exactly. They are ranked by what
the replacements cost (fewest edits first), then by the engine's rank. When nothing matches at all, a
book may also miss a third of the words (a typo in a short word: "lord of tha rings"). That costs one
vocabulary look-up, and one more match (which brings the near matches' columns) when there are
alternatives. ``SearchPage.exact`` says how many of ``total`` matched exactly, and
``corrected`` how the query reads with the top near match's words when nothing matched exactly.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    not_,
    null,
    or_,
    select,
    table,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from librium.database.sqlalchemy import db
from librium.services import query as q
from librium.services import vocabulary, wordforms
from librium.services.query import ParsedQuery, Range
from librium.text import fold

MAX_PAGE_SIZE = 100
NEAR_LIMIT = 100  # near matches listed at most (after every exact one)
NEAR_BELOW = 20  # near matches are looked for when fewer books than this match exactly
NEAR_RANKED = 2000  # near matches ranked at most: the library's first ones (a common word's correction)
ALTERNATIVES = 12  # alternatives per word at most, cheapest first
MISSING = 2.5  # what a query word the book does not hold costs a near match
MAX_GROUPS = 60  # ways to pick the words a relaxed near match must hold, at most (see _some_of)

books = db.Book.__table__
authors = db.Author.__table__
book_authors = db.BookAuthor.__table__
book_series = db.BookSeries.__table__
series_t = db.Series.__table__
book_search = db.BookSearch.__table__
loans = db.Loan.__table__

_WIDE = books.alias("wide")  # the page's books, widened to their columns
_FTS = table("book_fts", column("rowid"))  # the SQLite FTS5 table (created by the migrations)

# bm25 column weights (title, people, other, library_id): a title hit outranks an author hit, which
# outranks a tag/publisher/ISBN hit.
_BM25 = "bm25(book_fts, 10.0, 4.0, 1.0, 0.0)"


@dataclass(frozen=True)
class SeriesMark:
    series_id: int
    name: str
    index: Decimal | None


@dataclass(frozen=True)
class BookRow:
    """What a result list shows of a book."""

    id: int
    title: str
    subtitle: str | None
    authors: list[str]
    series: list[SeriesMark]
    release_year: int | None
    status: str
    rating: int | None  # half stars, 1..10
    owned: bool
    lent: bool = False  # an open loan


@dataclass(frozen=True)
class SearchPage:
    rows: list[BookRow]
    total: int
    page: int
    page_size: int
    pages: int
    warnings: list[str] = field(default_factory=list)
    sort: str = "title"
    sort_desc: bool = False
    exact: int | None = None  # how many of ``total`` matched exactly (the rest are near matches); None: all
    corrected: str | None = None  # nothing matched exactly: the words as the first near match has them
    partial: bool = False  # the near matches may each miss a word of the query (none held them all)

    @property
    def near_only(self) -> bool:
        """Nothing matched exactly; every result is a near match."""
        return self.exact == 0 and self.total > 0

    @property
    def ids(self) -> list[int]:
        return [row.id for row in self.rows]


def search(
    session: Session,
    library_id: int,
    query: str | ParsedQuery,
    *,
    page: int = 1,
    page_size: int = 10,
    sort: str | None = None,
    near: bool = True,
) -> SearchPage:
    """Find books of one library. ``sort`` (e.g. "year", "-year", "added-desc") overrides sort: in the box.
    ``near=False`` leaves out near matches (typos, other scripts, other word forms)."""
    parsed = q.parse(query) if isinstance(query, str) else query
    warnings = list(parsed.warnings)
    sort_key, desc = parsed.sort, parsed.sort_desc
    if sort:
        probe = q.parse(f"sort:{sort}")
        warnings.extend(probe.warnings)
        if probe.sort:
            sort_key, desc = probe.sort, probe.sort_desc
    if sort_key is None or (sort_key == "relevance" and not parsed.has_text):
        sort_key, desc = ("relevance", False) if parsed.has_text else ("title", False)
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    page = max(1, int(page))

    filters = conditions(library_id, parsed)
    where = [*_live(library_id), *filters]
    exact = corrected = None
    partial = False
    if parsed.has_text:
        dialect = session.get_bind().dialect.name
        matches = _matches(dialect, library_id, parsed, ranked=sort_key == "relevance")
        if dialect == "postgresql" and sort_key == "relevance" and not filters:
            where = None  # its matches are the library's books: only the deleted ones are left out
        wanted = page
        result, total, page = _text_page(session, library_id, matches, where, sort_key, desc, page, page_size)
        near = near and total < NEAR_BELOW
        options = _alternatives(session, library_id, parsed, correct_known=not total) if near else {}
        if near and not total and len(set(parsed.words)) > 1:
            options = {word: options.get(word, {}) for word in parsed.words}  # may relax even without any
        if options:
            found = _near(session, dialect, library_id, parsed, options, where, sort_key, desc, exact=total)
            if not found and not total and len(set(parsed.words)) > 1:
                found = _near(
                    session,
                    dialect,
                    library_id,
                    parsed,
                    options,
                    where,
                    sort_key,
                    desc,
                    exact=0,
                    relaxed=True,
                )
                partial = bool(found)
            if found:
                exact = total
                result, total, page = _with_near(result, total, found, wanted, page_size)
                if not exact:
                    corrected = _corrected(parsed, options, found[0])
    else:
        result, total, page = _filter_page(session, where, sort_key, desc, page, page_size)
    rows = light_rows(session, result)
    if corrected and rows and page == 1:
        corrected = _as_written(corrected, rows[0])
    return SearchPage(
        rows=rows,
        total=total,
        page=page,
        page_size=page_size,
        pages=max(1, math.ceil(total / page_size)),
        warnings=warnings,
        sort=sort_key,
        sort_desc=desc,
        exact=exact,
        corrected=corrected,
        partial=partial,
    )


def _live(library_id: int) -> list[ColumnElement]:
    """The conditions every search starts from: the library's books that are not deleted."""
    return [books.c.library_id == library_id, books.c.deleted_at.is_(None)]


def _not_deleted(library_id: int, book_id: ColumnElement) -> ColumnElement:
    """``book_id`` is not one of the library's deleted books. A deleted book has no search row, but a
    search never trusts that alone; on PostgreSQL this is an anti-join on the library's few deleted books
    (by index), where a join to ``books`` would hash the whole library for a common word."""
    deleted = select(books.c.id).where(
        books.c.id == book_id, books.c.library_id == library_id, books.c.deleted_at.is_not(None)
    )
    return not_(exists(deleted))


def _filter_page(session: Session, where: list, sort_key: str, desc: bool, page: int, page_size: int):
    """Filters only: a count, then the page (which can walk an index in sort order and stop early)."""
    base = select(*_book_columns()).where(*where)
    total = session.execute(
        select(func.count()).select_from(base.with_only_columns(books.c.id).subquery())
    ).scalar_one()
    page = min(page, max(1, math.ceil(total / page_size)))
    stmt = base.order_by(*_order(sort_key, desc, books.c, None))
    result = session.execute(stmt.limit(page_size).offset((page - 1) * page_size)).all() if total else []
    return result, total, page


def _text_page(
    session: Session,
    library_id: int,
    matches,
    where: list | None,
    sort_key: str,
    desc: bool,
    page: int,
    page_size: int,
):
    """Words: the engine's index finds the matches (ranked only when sorting by relevance), the filters
    narrow them, one pass orders and counts them (a window count), and only the page's rows are widened
    to book columns. A page past the end costs a count and shows the last page. ``where`` None: the
    matches are the library's books (ranked, unfiltered, on PostgreSQL), less its deleted ones: a common
    word's thousands of matches are then never joined to ``books`` (see :func:`_not_deleted`)."""
    if where is None:
        ranked = select(matches.c.book_id.label("id"), matches.c.rank, func.count().over().label("total"))
        ranked = ranked.where(_not_deleted(library_id, matches.c.book_id))
        order = _by_rank(matches.c.rank, matches.c.book_id, desc)
    else:
        ranked = (
            select(books.c.id, matches.c.rank, func.count().over().label("total"))
            .select_from(matches)
            .join(books, books.c.id == matches.c.book_id)
            .where(*where)
        )
        order = _order(sort_key, desc, books.c, matches.c.rank)

    def rows_of(number: int) -> list:
        window = ranked.order_by(*order).limit(page_size).offset((number - 1) * page_size).subquery("page")
        return session.execute(
            select(*(_WIDE.c[col.name] for col in _book_columns()), window.c.total)
            .join(window, window.c.id == _WIDE.c.id)
            .order_by(*_order(sort_key, desc, _WIDE.c, window.c.rank))
        ).all()

    result = rows_of(page)
    if result:
        return result, result[0].total, page
    if page == 1:
        return [], 0, page
    total = session.execute(select(func.count()).select_from(ranked.subquery())).scalar_one()
    last = max(1, math.ceil(total / page_size))
    if total and page > last:
        return rows_of(last), total, last
    return [], total, page


# --------------------------------------------------------------------------- near matches


@dataclass(frozen=True)
class _Near:
    id: int
    cost: float
    words: dict[str, str]  # query word -> the word of this book it matched
    row: object  # the book's columns, as the page shows them


def _alternatives(
    session: Session, library_id: int, parsed: ParsedQuery, *, correct_known: bool
) -> dict[str, dict[str, float]]:
    """Each query word's alternatives (cheapest first, at most ALTERNATIVES); {} when no word has any.

    Corrections two edits away are dropped when there are some one edit away: every alternative
    widens the match the engine ranks, and the nearer ones are what was meant."""
    found = vocabulary.alternatives(
        session,
        library_id,
        list(dict.fromkeys(parsed.words)),
        correct_known=correct_known,
        typing=parsed.words[-1] if parsed.words else None,
    )
    options = {word: _cheapest(alt) for word, alt in found.items()}
    return options if any(options.values()) else {}


def _cheapest(alt: vocabulary.Alternatives) -> dict[str, float]:
    """A word's alternatives, cheapest first, at most ALTERNATIVES, those of the fewest edits only."""
    ordered = sorted(alt.terms.items(), key=lambda item: (item[1], item[0]))
    edits = [cost for _, cost in ordered if cost >= 1]
    limit = int(edits[0]) + 1 if edits else 99
    return dict([(t, c) for t, c in ordered if c < limit][:ALTERNATIVES])


def _near(
    session: Session,
    dialect: str,
    library_id: int,
    parsed: ParsedQuery,
    options: dict[str, dict[str, float]],
    where: list | None,
    sort_key: str,
    desc: bool,
    *,
    exact: int,
    relaxed: bool = False,
) -> list[_Near]:
    """Books matching with the alternatives but not exactly, in order (at most NEAR_LIMIT), with their
    columns: one statement.

    The engine ranks every match but only the first ones are widened to their columns and text (a
    common word's correction matches thousands of books). ``exact``: how many books matched exactly
    (none: nothing to leave out). ``relaxed``: a book may miss some of the words (a third of them, at
    least one), each missing word costing ``MISSING``: it holds every word of one of the ways to pick the
    others (:func:`_some_of`) that has a word of four letters or more or one with alternatives (short
    words alone are too common to find books by). ``where`` None: as in :func:`_text_page`; otherwise
    on PostgreSQL each ranked match's book is looked up by id (a lateral sub-query: never a hash join
    of the whole library)."""
    ranked = sort_key == "relevance"
    if relaxed:
        words = list(dict.fromkeys(parsed.words))
        sought = {w for w in words if len(w) >= 4 or options.get(w)}
        some = _some_of(words, len(words) - _missing_allowed(parsed))
        groups = [group for group in some if sought.intersection(group)]
        if not groups:
            return []
        loose = _matches(
            dialect, library_id, parsed, ranked=True, options=options, name="near", groups=groups, capped=True
        )
    else:
        loose = _matches(
            dialect, library_id, parsed, ranked=True, options=options, name="near", capped=True, besides=exact
        )
    if where is None:
        top = select(loose.c.book_id.label("id"), loose.c.rank).where(
            _not_deleted(library_id, loose.c.book_id)
        )
        top = top.order_by(*_by_rank(loose.c.rank, loose.c.book_id, desc))
    elif dialect == "postgresql":
        book = select(*_book_columns()).where(books.c.id == loose.c.book_id, *where).offset(0).lateral("book")
        top = select(book.c.id, loose.c.rank).select_from(loose).join(book, true())
        top = top.order_by(*_order(sort_key, desc, book.c, loose.c.rank))
    else:
        top = select(books.c.id, loose.c.rank).select_from(loose).join(books, books.c.id == loose.c.book_id)
        top = top.where(*where).order_by(*_order(sort_key, desc, books.c, loose.c.rank))
    top = top.limit(NEAR_LIMIT * (2 if relaxed else 1))
    if exact and dialect == "sqlite":  # fewer than NEAR_BELOW books: a small materialized set
        strict = _matches(dialect, library_id, parsed, ranked=False, name="strict")
        top = top.where(books.c.id.not_in(select(strict.c.book_id)))
    top = top.subquery("top")
    stmt = (
        select(
            *(_WIDE.c[col.name] for col in _book_columns()),
            top.c.rank,
            book_search.c.title_text,
            book_search.c.people_text,
        )
        .join(top, top.c.id == _WIDE.c.id)
        .join(book_search, book_search.c.book_id == top.c.id)
        .order_by(*_order(sort_key, desc, _WIDE.c, top.c.rank))
    )
    found = []
    allowed = _missing_allowed(parsed) if relaxed else 0
    for position, row in enumerate(session.execute(stmt)):
        cost, words = _cost(parsed.words, options, f"{row.title_text} {row.people_text}")
        if sum(1 for w in parsed.words if w not in words) > allowed:
            continue
        found.append((cost if ranked else 0, position, _Near(row.id, cost, words, row)))
    return [near for *_, near in sorted(found, key=lambda item: item[:2])][:NEAR_LIMIT]


def _missing_allowed(parsed: ParsedQuery) -> int:
    """How many of its words a relaxed near match may miss: a third, at least one."""
    return max(1, len(parsed.words) // 3)


def _some_of(words: list[str], at_least: int) -> list[tuple[str, ...]]:
    """Every way to pick ``at_least`` of ``words``: a relaxed match holds all the words of one of them
    (in the library's first ``NEAR_RANKED`` matches of those, a common word's books cannot crowd out
    the one meant). Each word alone when that is at most one, or when there would be more than
    ``MAX_GROUPS`` ways (a long query: the ranking then prefers the books holding more of them)."""
    if at_least > 1 and math.comb(len(words), at_least) <= MAX_GROUPS:
        return list(itertools.combinations(words, at_least))
    return [(word,) for word in words]


def _cost(words: list[str], options: dict[str, dict[str, float]], text: str) -> tuple[float, dict[str, str]]:
    """What the book's words cost against the query: per query word, its cheapest way into the book."""
    tokens = set(text.split())
    total, chosen = 0.0, {}
    for word in words:
        if any(token.startswith(word) for token in tokens):
            chosen[word] = word
            continue
        present = [(cost, term) for term, cost in options.get(word, {}).items() if term in tokens]
        if present:
            cost, chosen[word] = min(present)
            total += cost
        else:  # matched in a tag or a publisher only, or (relaxed) not at all
            total += MISSING
    return total, chosen


def _with_near(result, exact_total: int, near: list[_Near], page: int, page_size: int):
    """The requested page of the exact matches followed by the near ones."""
    total = exact_total + len(near)
    page = min(max(1, page), max(1, math.ceil(total / page_size)))
    start = (page - 1) * page_size
    exact_rows = list(result) if start < exact_total else []
    skip = max(0, start - exact_total)
    return exact_rows + [n.row for n in near[skip : skip + page_size - len(exact_rows)]], total, page


def _corrected(parsed: ParsedQuery, options: dict[str, dict[str, float]], first: _Near) -> str | None:
    """The query's words as the first near match has them, when that differs from what was typed."""
    words = [first.words.get(word, word) for word in parsed.words]
    return " ".join(words) if words != parsed.words else None


def _as_written(corrected: str, row: BookRow) -> str:
    """The corrected words as the book writes them ("толстои" -> "Толстой"), where it has them; the
    words typed right too ("the hobit" -> "The Hobbit"), or typed in Latin letters for a word of
    another script ("voina i mir" -> "Война и мир": a one-letter word has no alternatives)."""
    raws = [
        raw
        for text in [row.title, row.subtitle or "", *row.authors, *(mark.name for mark in row.series)]
        for raw in wordforms.words(text)
    ]
    written = {}
    for raw in raws:
        written.setdefault(fold(raw), raw)
    for raw in raws:
        for reading in wordforms.readings(fold(raw)):
            written.setdefault(reading, raw)
    return " ".join(written.get(word, word) for word in corrected.split())


# --------------------------------------------------------------------------- titles alike


@dataclass(frozen=True)
class TitleRow:
    id: int
    title: str
    first_author: str | None  # display name
    every_word: bool  # the title holds every word (or an alternative of it), not only some


def similar_titles(session: Session, library_id: int, title: str, *, limit: int = 10) -> list[TitleRow]:
    """Live books whose title may be ``title`` misspelt, in another script or another word form, best
    first (at most ``limit``): the candidates of a near-duplicate check.

    One statement on the title column's full-text index (no count, no page, no second pass) after one
    vocabulary look-up (two when a word is not a word of the library and may be a typo). First the
    titles holding every word (as a prefix, as in a search, or as one of its alternatives: a typo's
    correction, another script's spelling, another form), then those holding any telling word: one of
    four letters or more that the library knows, a number, or a word with an alternative (and, when
    fewer than two words are such, the library's words of two or three letters too). Each part is
    ranked by the engine (more and rarer words, shorter titles first). A word of the library is
    corrected only when another word is not the library's (then the title was surely mistyped)."""
    words = list(dict.fromkeys(q.tokens(title)))
    if not words:
        return []
    found = vocabulary.alternatives(
        session, library_id, [w for w in words if not _has_digit(w)], doubt_known=True
    )
    options = {word: _cheapest(alt) for word, alt in found.items()}
    telling = [w for w in words if _has_digit(w) or options[w] or (len(w) >= 4 and found[w].whole)]
    if len(telling) < 2:  # a short title ("Old Man's War"): its short words of the library rank it too
        telling += [w for w in words if w not in telling and len(w) >= 2 and found[w].whole]
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        every = " AND ".join(_either(words, options, '"{}"*', '"{}"', " OR "))
        some = " OR ".join(_either(telling, options, '"{}"*', '"{}"', " OR "))
        params = {"every": f"title_text : ({every})", "some": f"title_text : ({some})"}
    else:  # the title's words weigh A in the stored vector
        every = " & ".join(_either(words, options, "'{}':*A", "'{}':A", " | "))
        params = {"every": every, "some": " | ".join(_either(telling, options, "'{}':*A", "'{}':A", " | "))}
    rows = session.execute(
        _similar_titles_statement(sqlite, bool(telling)), {**params, "library_id": library_id, "n": 2 * limit}
    )
    seen: dict[int, TitleRow] = {}
    for row in rows:
        seen.setdefault(row.id, TitleRow(row.id, row.title, row.first_author, bool(row.every)))
    return list(seen.values())[:limit]


@functools.cache
def _similar_titles_statement(sqlite: bool, some: bool):
    """similar_titles' statement, built once per engine and shape (its words are bound parameters, so
    SQLAlchemy neither rebuilds it nor walks it for a cache key on every add): the matches of both
    parts ranked by the engine, then the title and first author of the best ``n`` only."""

    def part(every: bool):
        if sqlite:
            match = literal_column("book_fts").op("MATCH")(bindparam("every" if every else "some"))
            stmt = select(_FTS.c.rowid.label("id"), literal_column("bm25(book_fts)").label("rank")).where(
                match
            )
        else:
            tsquery = func.to_tsquery(literal_column("'simple'"), bindparam("every" if every else "some"))
            stmt = select(
                book_search.c.book_id.label("id"), (-func.ts_rank(pg_vector(), tsquery)).label("rank")
            )
            stmt = stmt.where(
                book_search.c.library_id == bindparam("library_id"), pg_vector().op("@@")(tsquery)
            )
        return stmt.add_columns(literal_column("1" if every else "0").label("every"))

    matches = (union_all(part(True), part(False)) if some else part(True)).subquery("matches")
    best = (
        select(matches.c.id, matches.c.rank, matches.c.every)
        .join(books, books.c.id == matches.c.id)
        .where(books.c.library_id == bindparam("library_id"), books.c.deleted_at.is_(None))
        .order_by(matches.c.every.desc(), matches.c.rank, matches.c.id)
        .limit(bindparam("n"))
        .subquery("best")
    )
    first_author = (
        select(authors.c.display_name)
        .join(book_authors, book_authors.c.author_id == authors.c.id)
        .where(book_authors.c.book_id == books.c.id)
        .order_by(book_authors.c.position)
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(books.c.id, books.c.title, first_author.label("first_author"), best.c.every)
        .join(best, best.c.id == books.c.id)
        .order_by(best.c.every.desc(), best.c.rank, best.c.id)
    )


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


# --------------------------------------------------------------------------- matching


def _book_columns() -> list:
    return [
        books.c.id,
        books.c.title,
        books.c.subtitle,
        books.c.release_year,
        books.c.status,
        books.c.rating,
        books.c.owned,
        books.c.title_key,
        books.c.page_count,
        books.c.price,
        books.c.created_at,
    ]


def _matches(
    dialect: str,
    library_id: int,
    parsed: ParsedQuery,
    *,
    ranked: bool,
    options: dict[str, dict[str, float]] | None = None,
    name: str = "matches",
    groups: list[tuple[str, ...]] | None = None,
    capped: bool = False,
    besides: int = 0,
):
    """A CTE of (book_id, rank) for the full-text words, rank lower-is-better (bm25 on SQLite, minus
    ts_rank on PostgreSQL) or a constant when the caller sorts by something else. With ``options`` a
    word matches itself (as a prefix) or any of its alternatives (whole words). With ``groups`` a book
    holding every word (so alternated) of any one group is a match. ``capped``: only the library's first
    ``NEAR_RANKED`` matches are ranked (by id on SQLite, see :func:`_first_ids`; on PostgreSQL in the
    order its index finds them), so that a common word's correction costs what a rare one's does."""
    if dialect == "sqlite":
        rank = literal_column(_BM25) if ranked else literal(0)
        match = literal_column("book_fts").op("MATCH")(fts5_query(parsed, options, groups))
        stmt = select(_FTS.c.rowid.label("book_id"), rank.label("rank")).where(match)
        if capped:  # FTS5 reads a rowid range off its index: only those rows are ranked
            stmt = stmt.where(_FTS.c.rowid <= _first_ids(library_id, _FTS.c.rowid, match))
        # Materialized: otherwise SQLite folds it into the join and ranks every row more than once.
        return stmt.cte(name).prefix_with("MATERIALIZED")
    vector = pg_vector()
    tsquery = func.to_tsquery(literal_column("'simple'"), pg_query(parsed, options, groups))
    rank = -func.ts_rank(vector, tsquery) if ranked else literal(0)
    stmt = select(book_search.c.book_id, rank.label("rank")).where(
        vector.op("@@")(tsquery), book_search.c.library_id == library_id
    )
    if besides:  # on PostgreSQL tested on each match's own vector: no second search
        exact = func.to_tsquery(literal_column("'simple'"), pg_query(parsed))
        stmt = stmt.where(not_(vector.op("@@")(exact)))
    if capped:  # the first ones the index finds (in table order, about that of the ids) are ranked
        stmt = stmt.limit(NEAR_RANKED)
    # Materialized too: inlined, a search sorted by title (or year...) walked that sort's index over the
    # whole library testing each book's vector (the window count needs every match, so the walk never
    # stops early): 78 ms against 1 ms for the GIN look-up first at 10,000 books.
    return stmt.cte(name).prefix_with("MATERIALIZED")


def _first_ids(library_id: int, book_id: ColumnElement, match: ColumnElement) -> ColumnElement:
    """The id of the library's ``NEAR_RANKED``-th book matching ``match`` (the last one when fewer):
    a scalar sub-query that reads FTS5's matches in id order and stops there, without ranking them.

    (PostgreSQL has no such cheap walk: ordered by id, its planner tests every book's vector in turn.)"""
    first = (
        select(book_id.label("id"))
        .join(books, books.c.id == book_id)
        .where(match, books.c.library_id == library_id, books.c.deleted_at.is_(None))
        .order_by(book_id)
        .limit(NEAR_RANKED)
        .subquery("first")
    )
    return select(func.max(first.c.id)).scalar_subquery()


def pg_vector() -> ColumnElement:
    """The stored tsvector of a book_search row (revision 0004), GIN-indexed by ``book_fts_vector_gin``.

    A generated column outside the models: title words weigh A, people and series B, the rest C.
    """
    return literal_column("book_search.book_fts_vector")


def _either(words: list[str], options, prefix: str, whole: str, either: str) -> list[str]:
    """Each word as a prefix, or (with ``options``) the word or one of its alternatives (whole words)."""
    return [
        "(" + either.join([prefix.format(word), *(whole.format(alt) for alt in options[word])]) + ")"
        if options and options.get(word)
        else prefix.format(word)
        for word in words
    ]


def fts5_query(
    parsed: ParsedQuery,
    options: dict[str, dict[str, float]] | None = None,
    groups: list[tuple[str, ...]] | None = None,
) -> str:
    """An FTS5 MATCH string: every token quoted (so AND/OR/NEAR/*/^ in user text are plain words)."""
    if groups:
        every = (" AND ".join(_either(list(group), options, '"{}"*', '"{}"', " OR ")) for group in groups)
        return " OR ".join(f"({part})" for part in every)
    parts = _either(parsed.words, options, '"{}"*', '"{}"', " OR ")
    parts += [f'"{isbn}"' for isbn in parsed.isbns]
    parts += ['"' + " ".join(phrase) + '"*' for phrase in parsed.phrases]
    return (" AND " if options else " ").join(parts)  # FTS5 wants AND spelled out after a group


def pg_query(
    parsed: ParsedQuery,
    options: dict[str, dict[str, float]] | None = None,
    groups: list[tuple[str, ...]] | None = None,
) -> str:
    """A to_tsquery string; tokens are alphanumeric only (see query.tokens), quoted anyway."""
    if groups:
        every = (" & ".join(_either(list(group), options, "'{}':*", "'{}'", " | ")) for group in groups)
        return " | ".join(f"({part})" for part in every)
    parts = _either(parsed.words, options, "'{}':*", "'{}'", " | ")
    parts += [f"'{isbn}'" for isbn in parsed.isbns]
    parts += [
        "(" + " <-> ".join([*(f"'{w}'" for w in phrase[:-1]), f"'{phrase[-1]}':*"]) + ")"
        for phrase in parsed.phrases
    ]
    return " & ".join(parts)


# --------------------------------------------------------------------------- filters


def _like_any_word(column, value: str) -> ColumnElement:
    """Word-prefix match on a folded name: 'guin' and 'le guin' both match 'ursula k. le guin'."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(
        column == value,
        column.like(f"{escaped}%", escape="\\"),
        column.like(f"% {escaped}%", escape="\\"),
    )


def _link_filter(library_id: int, facet: str, value: str) -> ColumnElement:
    """books.id IN (books linked to a named thing matching ``value``)."""
    if facet == "author":
        sub = (
            select(book_authors.c.book_id)
            .join(authors, authors.c.id == book_authors.c.author_id)
            .where(authors.c.library_id == library_id, _like_any_word(authors.c.key, value))
        )
        return books.c.id.in_(sub)
    if facet == "series":
        sub = (
            select(book_series.c.book_id)
            .join(series_t, series_t.c.id == book_series.c.series_id)
            .where(series_t.c.library_id == library_id, _like_any_word(series_t.c.key, value))
        )
        return books.c.id.in_(sub)
    if facet in ("shelf", "format"):
        model = db.Location if facet == "shelf" else db.Format
        column = books.c.location_id if facet == "shelf" else books.c.format_id
        table = model.__table__
        sub = select(table.c.id).where(table.c.library_id == library_id, _like_any_word(table.c.key, value))
        return column.in_(sub)
    model, link, fk = _LINKS[facet]
    table = model.__table__
    match = _like_any_word(table.c.key, value)
    if facet == "language":
        match = or_(match, func.lower(table.c.code) == value)
    sub = select(link.c.book_id).join(table, table.c.id == fk).where(table.c.library_id == library_id, match)
    return books.c.id.in_(sub)


_LINKS = {
    "genre": (db.Genre, db.book_genres, db.book_genres.c.genre_id),
    "tag": (db.Tag, db.book_tags, db.book_tags.c.tag_id),
    "publisher": (db.Publisher, db.book_publishers, db.book_publishers.c.publisher_id),
    "language": (db.Language, db.book_languages, db.book_languages.c.language_id),
}


def _in_range(column, bounds: Range, scale: int = 1) -> ColumnElement:
    parts = []
    if bounds.low is not None:
        low = bounds.low * scale
        parts.append(column >= low if bounds.low_inclusive else column > low)
    if bounds.high is not None:
        high = bounds.high * scale
        parts.append(column <= high if bounds.high_inclusive else column < high)
    return and_(*parts) if parts else true()


def _present(what: str) -> ColumnElement:
    """True when a book has ``what`` (see query.PRESENCE)."""
    columns = {
        "isbn": books.c.isbn13,
        "format": books.c.format_id,
        "shelf": books.c.location_id,
        "year": books.c.release_year,
        "pages": books.c.page_count,
        "price": books.c.price,
        "rating": books.c.rating,
    }
    if what in columns:
        return columns[what].is_not(None)
    if what == "cover":
        return or_(books.c.cover_file_id.is_not(None), books.c.cover_url.is_not(None))
    if what == "description":
        return and_(books.c.description.is_not(None), books.c.description != "")
    link = {
        "author": book_authors,
        "series": book_series,
        "genre": db.book_genres,
        "tag": db.book_tags,
        "publisher": db.book_publishers,
        "language": db.book_languages,
    }[what]
    return exists().where(link.c.book_id == books.c.id)


def conditions(library_id: int, parsed: ParsedQuery) -> list[ColumnElement]:
    """SQL conditions on ``books`` for the structured filters of a query (words excluded)."""
    where: list[ColumnElement] = []
    for facet, values in parsed.names.items():
        where.extend(_link_filter(library_id, facet, value) for value in values)
    if parsed.statuses:
        options = []
        for status in parsed.statuses:
            options.append(books.c.status != "read" if status == "unread" else books.c.status == status)
        where.append(or_(*options))
    if parsed.lent is not None:
        open_loans = select(loans.c.book_id).where(loans.c.returned_on.is_(None))
        where.append(books.c.id.in_(open_loans) if parsed.lent else books.c.id.not_in(open_loans))
    if parsed.owned is not None:
        where.append(books.c.owned == (true() if parsed.owned else false()))
    if parsed.year:
        where.append(_in_range(books.c.release_year, parsed.year))
    if parsed.pages:
        where.append(_in_range(books.c.page_count, parsed.pages))
    if parsed.rating:
        where.append(_in_range(books.c.rating, parsed.rating, scale=2))
    if parsed.price:
        where.append(_in_range(books.c.price, parsed.price))
    where.extend(_present(what) for what in sorted(parsed.has))
    where.extend(not_(_present(what)) for what in sorted(parsed.missing))
    return where


# --------------------------------------------------------------------------- order and rows


def first_author_sort_name(book_id) -> ColumnElement:
    """The first author's sort name of the book ``book_id`` (a correlated scalar sub-query)."""
    return (
        select(authors.c.sort_name)
        .join(book_authors, book_authors.c.author_id == authors.c.id)
        .where(book_authors.c.book_id == book_id)
        .order_by(book_authors.c.position)
        .limit(1)
        .scalar_subquery()
    )


def _order(sort_key: str, desc: bool, cols, rank: ColumnElement | None) -> list:
    """ORDER BY for a sort key over ``cols`` (books.c or a sub-query's columns); ties go by id."""
    if sort_key == "relevance" and rank is not None:
        return _by_rank(rank, cols.id, desc)
    column = {
        "title": cols.title_key,
        "author": first_author_sort_name(cols.id),
        "year": cols.release_year,
        "pages": cols.page_count,
        "price": cols.price,
        "rating": cols.rating,
        "added": cols.created_at,
        "relevance": cols.title_key,
    }[sort_key]
    ordered = column.desc() if desc else column.asc()
    if sort_key not in ("title", "added", "relevance"):
        ordered = ordered.nulls_last()
    tie = cols.id.desc() if desc and sort_key == "added" else cols.id
    if sort_key == "author":
        return [ordered, cols.title_key, tie]
    return [ordered, tie]


def _by_rank(rank: ColumnElement, book_id: ColumnElement, desc: bool) -> list:
    return [rank.desc() if desc else rank.asc(), book_id]


def author_names(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Each book's authors' display names in their order, in one query (books without any are absent)."""
    names: dict[int, list[str]] = defaultdict(list)
    for book_id, name in session.execute(_author_names_statement(), {"ids": ids}):
        names[book_id].append(name)
    return names


@functools.cache
def _author_names_statement() -> Select:
    """author_names' statement, built once (its ids bound, expanding): building a statement and walking
    it for SQLAlchemy's cache key costs more than running it."""
    return (
        select(book_authors.c.book_id, authors.c.display_name)
        .join(authors, authors.c.id == book_authors.c.author_id)
        .where(book_authors.c.book_id.in_(bindparam("ids", expanding=True)))
        .order_by(book_authors.c.book_id, book_authors.c.position)
    )


@functools.cache
def _extras() -> Select:
    """(kind, book_id, name, series id, number) rows: "s" a series mark (number: its index), "a" an author
    (number: its position), "l" an open loan; in order of kind, book, series key, position. Built once,
    the books' ``ids`` bound (expanding)."""
    ids = bindparam("ids", expanding=True)
    series_rows = (
        select(
            literal("s").label("kind"),
            book_series.c.book_id,
            series_t.c.name,
            series_t.c.id.label("series_id"),
            book_series.c.series_index.label("number"),
            series_t.c.key,
        )
        .join(series_t, series_t.c.id == book_series.c.series_id)
        .where(book_series.c.book_id.in_(ids))
    )
    author_rows = (
        select(
            literal("a"),
            book_authors.c.book_id,
            authors.c.display_name,
            null(),
            book_authors.c.position,
            null(),
        )
        .join(authors, authors.c.id == book_authors.c.author_id)
        .where(book_authors.c.book_id.in_(ids))
    )
    loan_rows = select(literal("l"), loans.c.book_id, null(), null(), null(), null()).where(
        loans.c.book_id.in_(ids), loans.c.returned_on.is_(None)
    )
    every = union_all(series_rows, author_rows, loan_rows).subquery("extras")
    return select(every.c.kind, every.c.book_id, every.c.name, every.c.series_id, every.c.number).order_by(
        every.c.kind, every.c.book_id, every.c.key, every.c.number
    )


def light_rows(session: Session, result) -> list[BookRow]:
    """BookRows for result rows carrying book columns, with their authors, series and open loans in one
    statement (a union of the three, each row tagged with its kind)."""
    ids = [row.id for row in result]
    if not ids:
        return []
    names: dict[int, list[str]] = defaultdict(list)
    marks: dict[int, list[SeriesMark]] = defaultdict(list)
    lent: set[int] = set()
    for kind, book_id, name, series_id, number in session.execute(_extras(), {"ids": ids}):
        if kind == "a":
            names[book_id].append(name)
        elif kind == "s":
            marks[book_id].append(SeriesMark(series_id, name, number))
        else:
            lent.add(book_id)
    return [
        BookRow(
            id=row.id,
            title=row.title,
            subtitle=row.subtitle,
            authors=names.get(row.id, []),
            series=marks.get(row.id, []),
            release_year=row.release_year,
            status=row.status,
            rating=row.rating,
            owned=bool(row.owned),
            lent=row.id in lent,
        )
        for row in result
    ]
