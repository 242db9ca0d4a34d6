"""Markup-looking and punctuated titles are found on both engines."""

import pytest

from librium.services import books, search


@pytest.mark.parametrize(
    ("title", "query"),
    [("<Tag> & Co", "tag"), ("C++ Primer", "primer"), ("Harry Potter & the Half-Blood Prince", "half blood")],
)
def test_punctuated_titles_are_searchable(session, library, title, query):
    added = books.add_book(session, library.id, books.BookInput(title=title))
    page = search.search(session, library.id, query)
    assert [row.id for row in page.rows] == [added.book.id]
