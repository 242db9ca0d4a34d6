"""The search-box parser: words, filters, warnings for what it does not understand, never an exception."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from librium.services.query import Range, parse


def test_words_are_folded_and_split_like_the_index():
    parsed = parse("García  MÁRQUEZ o'brien")
    assert parsed.words == ["garcia", "marquez", "o", "brien"]
    assert parsed.warnings == []
    assert parsed.has_text


def test_quoted_phrase_and_quoted_filter_value():
    parsed = parse('"le guin" author:"Ursula K. Le Guin" series:"Earthsea"')
    assert parsed.phrases == [["le", "guin"]]
    assert parsed.names == {"author": ["ursula k. le guin"], "series": ["earthsea"]}


def test_unbalanced_quote_runs_to_the_end():
    assert parse('author:"le guin').names == {"author": ["le guin"]}
    assert parse('"dark tower').phrases == [["dark", "tower"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("978-0-441-17271-9", "9780441172719"),
        ("0-441-17271-7", "9780441172719"),
        ("0441172717", "9780441172719"),
        ("978 0 441 17271 9", "9780441172719"),
        ("isbn:0441172717", "9780441172719"),
        ("080442957X", "9780804429573"),
    ],
)
def test_isbn_in_any_spelling_becomes_isbn13(text, expected):
    parsed = parse(text)
    assert parsed.isbns == [expected]
    assert parsed.words == []


def test_name_filters_and_aliases():
    parsed = parse("genre:Fantasy tag:to-buy shelf:Attic loc:box format:paperback lang:fr publisher:Gollancz")
    assert parsed.names == {
        "genre": ["fantasy"],
        "tag": ["to-buy"],
        "shelf": ["attic", "box"],
        "format": ["paperback"],
        "language": ["fr"],
        "publisher": ["gollancz"],
    }


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("is:read", "read"),
        ("status:unread", "unread"),
        ("is:reading", "reading"),
        ("status:to-read", "to-read"),
        ("is:toread", "to-read"),
        ("is:abandoned", "abandoned"),
        ("is:dnf", "abandoned"),
    ],
)
def test_statuses(text, status):
    assert parse(text).statuses == {status}


def test_lent_and_wishlist():
    assert parse("is:lent").lent is True
    assert parse("is:available").lent is False
    assert parse("is:wishlist").owned is False
    assert parse("is:owned").owned is True


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("year:1990..1999", "year", Range(Decimal(1990), Decimal(1999))),
        ("year:1999..1990", "year", Range(Decimal(1990), Decimal(1999))),
        ("year:1990-1999", "year", Range(Decimal(1990), Decimal(1999))),
        ("year:>2000", "year", Range(low=Decimal(2000), low_inclusive=False)),
        ("year:<=1980", "year", Range(high=Decimal(1980))),
        ("year:1999", "year", Range(Decimal(1999), Decimal(1999))),
        ("year:2000..", "year", Range(low=Decimal(2000))),
        ("pages:<300", "pages", Range(high=Decimal(300), high_inclusive=False)),
        ("pages:100..200", "pages", Range(Decimal(100), Decimal(200))),
        ("rating:>=4", "rating", Range(low=Decimal(4))),
        ("rating:3.5", "rating", Range(Decimal("3.5"), Decimal("3.5"))),
        ("price:<10", "price", Range(high=Decimal(10), high_inclusive=False)),
        ("price:<9,99", "price", Range(high=Decimal("9.99"), high_inclusive=False)),
    ],
)
def test_ranges(text, field, expected):
    parsed = parse(text)
    assert parsed.warnings == []
    assert getattr(parsed, field) == expected


def test_has_and_missing():
    parsed = parse(
        "has:cover has:isbn missing:isbn missing:cover missing:author missing:genre missing:authors"
    )
    assert parsed.has == {"cover", "isbn"}
    assert parsed.missing == {"isbn", "cover", "author", "genre"}


@pytest.mark.parametrize(
    ("text", "key", "desc"),
    [
        ("sort:title", "title", False),
        ("sort:author", "author", False),
        ("sort:year", "year", False),
        ("sort:-year", "year", True),
        ("sort:year-desc", "year", True),
        ("sort:pages", "pages", False),
        ("sort:price-desc", "price", True),
        ("sort:rating", "rating", True),
        ("sort:rating-asc", "rating", False),
        ("sort:added", "added", True),
        ("sort:+added", "added", False),
    ],
)
def test_sort(text, key, desc):
    parsed = parse(text)
    assert (parsed.sort, parsed.sort_desc) == (key, desc)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("year:abc", "didn't understand 'year:abc' — try year:1990..1999"),
        ("year:19.5", "didn't understand 'year:19.5'"),
        ("pages:lots", "didn't understand 'pages:lots' — try pages:<300"),
        ("rating:>=9", "didn't understand 'rating:>=9'"),
        ("price:cheap", "didn't understand 'price:cheap'"),
        ("is:famous", "didn't understand 'is:famous' — try is:read"),
        ("has:smell", "didn't understand 'has:smell'"),
        ("sort:colour", "didn't understand 'sort:colour'"),
        ("isbn:12345", "not a valid ISBN"),
        ("colour:red", "didn't understand 'colour:red' — filters are"),
        ("year:", "year: needs a value"),
    ],
)
def test_bad_filters_warn_and_the_rest_still_works(text, fragment):
    parsed = parse(f"dune {text} genre:sf")
    assert len(parsed.warnings) == 1
    assert fragment in parsed.warnings[0]
    assert parsed.words == ["dune"]
    assert parsed.names == {"genre": ["sf"]}


def test_a_title_colon_is_a_word_not_a_filter():
    parsed = parse("Dune: Messiah 10:30")
    assert parsed.words == ["dune", "messiah", "10", "30"]
    assert parsed.warnings == []


def test_operators_are_plain_words():
    assert parse("war AND peace OR NOT near*").words == ["war", "and", "peace", "or", "not", "near"]


def test_empty():
    assert parse("").is_empty
    assert parse(None).is_empty
    assert not parse("is:read").is_empty


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parser_never_raises(text):
    parsed = parse(text)
    assert all(isinstance(w, str) and w for w in parsed.words)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "author:",
                    "year:",
                    "pages:",
                    "rating:",
                    "price:",
                    "is:",
                    "has:",
                    "sort:",
                    "isbn:",
                    '"',
                    "..",
                    ">=",
                ]
            ),
            st.text(max_size=8),
        ),
        max_size=8,
    )
)
def test_parser_never_raises_on_filter_like_text(parts):
    parse("".join(parts))
