"""Author-name parsing: the tricky names from the issue, list splitting, and properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from librium.errors import Invalid
from librium.names import parse_author, split_authors

# text -> "first | middle | last | prefix | suffix" ("-" for none), display, sort
TRICKY = [
    ("Ursula K. Le Guin", "Ursula | K. | Le Guin | - | -", "Ursula K. Le Guin", "Le Guin, Ursula K."),
    ("Le Guin, Ursula K.", "Ursula | K. | Le Guin | - | -", "Ursula K. Le Guin", "Le Guin, Ursula K."),
    (
        "Ludwig van der Rohe",
        "Ludwig | - | van der Rohe | - | -",
        "Ludwig van der Rohe",
        "Rohe, Ludwig van der",
    ),
    (
        "van der Rohe, Ludwig",
        "Ludwig | - | van der Rohe | - | -",
        "Ludwig van der Rohe",
        "Rohe, Ludwig van der",
    ),
    (
        "Martin Luther King Jr.",
        "Martin | Luther | King | - | Jr.",
        "Martin Luther King Jr.",
        "King, Martin Luther, Jr.",
    ),
    (
        "King, Martin Luther, Jr.",
        "Martin | Luther | King | - | Jr.",
        "Martin Luther King Jr.",
        "King, Martin Luther, Jr.",
    ),
    ("J. R. R. Tolkien", "J. | R. R. | Tolkien | - | -", "J. R. R. Tolkien", "Tolkien, J. R. R."),
    ("Homer", "- | - | Homer | - | -", "Homer", "Homer"),
    ("Dr. Seuss", "- | - | Seuss | Dr. | -", "Dr. Seuss", "Seuss, Dr."),
    (
        "Gabriel García Márquez",
        "Gabriel | - | García Márquez | - | -",
        "Gabriel García Márquez",
        "García Márquez, Gabriel",
    ),
    (
        "García Márquez, Gabriel",
        "Gabriel | - | García Márquez | - | -",
        "Gabriel García Márquez",
        "García Márquez, Gabriel",
    ),
    ("Simone de Beauvoir", "Simone | - | de Beauvoir | - | -", "Simone de Beauvoir", "Beauvoir, Simone de"),
    (
        "Sir Arthur Conan Doyle",
        "Arthur | Conan | Doyle | Sir | -",
        "Sir Arthur Conan Doyle",
        "Doyle, Sir Arthur Conan",
    ),
    (
        "Oscar Fingal O'Flahertie Wills Wilde",
        "Oscar | Fingal O'Flahertie Wills | Wilde | - | -",
        "Oscar Fingal O'Flahertie Wills Wilde",
        "Wilde, Oscar Fingal O'Flahertie Wills",
    ),
    ("Ludwig Mies van der Rohe", "Ludwig | Mies | van der Rohe | - | -", None, "Rohe, Ludwig Mies van der"),
    ("  Ursula   K.  Le   Guin ", "Ursula | K. | Le Guin | - | -", "Ursula K. Le Guin", "Le Guin, Ursula K."),
    ("Le Guin", "- | - | Le Guin | - | -", "Le Guin", "Le Guin"),
]


@pytest.mark.parametrize(("text", "parts", "display", "sort"), TRICKY)
def test_tricky_author_names(text, parts, display, sort):
    name = parse_author(text)
    expected = tuple(None if p == "-" else p for p in parts.split(" | "))
    assert (name.first, name.middle, name.last, name.prefix, name.suffix) == expected
    assert name.display == (display or text)
    assert name.sort == sort


def test_middle_names_that_are_not_surnames_stay_middle_names():
    assert parse_author("Joanne Kathleen Rowling").middle == "Kathleen"


@pytest.mark.parametrize("text", ["", "   ", None, "@@", ", ,", "—"])
def test_no_name_at_all_is_invalid_with_a_readable_message(text):
    with pytest.raises(Invalid, match="not an author's name"):
        parse_author(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Neil Gaiman & Terry Pratchett", ["Neil Gaiman", "Terry Pratchett"]),
        ("Stephen King and Peter Straub", ["Stephen King", "Peter Straub"]),
        ("Stephen King AND Peter Straub", ["Stephen King", "Peter Straub"]),
        ("A. Author; B. Writer; C. Scribe", ["A. Author", "B. Writer", "C. Scribe"]),
        ("Neil Gaiman, Terry Pratchett", ["Neil Gaiman", "Terry Pratchett"]),
        ("Le Guin, Ursula K.", ["Le Guin, Ursula K."]),
        ("King, Martin Luther, Jr.", ["King, Martin Luther, Jr."]),
        ("Martin Luther King, Jr.", ["Martin Luther King, Jr."]),
        ("Gaiman, Neil & Pratchett, Terry", ["Gaiman, Neil", "Pratchett, Terry"]),
        ("Tolkien, J. R. R., Lewis, C. S.", ["Tolkien, J. R. R.", "Lewis, C. S."]),
        ("van der Rohe, Ludwig; Gropius, Walter", ["van der Rohe, Ludwig", "Gropius, Walter"]),
        ("García Márquez, Gabriel", ["García Márquez, Gabriel"]),
        ("Homer, Virgil, Ovid", ["Homer", "Virgil", "Ovid"]),
        (
            "Ursula K. Le Guin, Terry Pratchett, A. N. Other",
            ["Ursula K. Le Guin", "Terry Pratchett", "A. N. Other"],
        ),
        ("Anderson, Poul", ["Anderson, Poul"]),
        ("Poul Anderson & Gordon R. Dickson", ["Poul Anderson", "Gordon R. Dickson"]),
        ("", []),
        (" ; & ", []),
    ],
)
def test_split_authors(text, expected):
    assert split_authors(text) == expected


def test_split_then_parse_keeps_comma_forms_whole():
    names = [parse_author(n).display for n in split_authors("Le Guin, Ursula K. & King, Martin Luther, Jr.")]
    assert names == ["Ursula K. Le Guin", "Martin Luther King Jr."]


@given(st.text(max_size=200))
def test_parse_author_never_raises_anything_but_invalid(text):
    try:
        name = parse_author(text)
    except Invalid as exc:
        assert "not an author's name" in str(exc)
        assert not any(ch.isalnum() or ch == "_" for ch in text)
        return
    assert name.display.strip() == name.display and name.display
    assert name.last or name.first
    assert name.sort


_word = st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True)


@given(st.lists(_word, min_size=1, max_size=4))
def test_display_round_trips_for_simple_names(words):
    text = " ".join(words)
    name = parse_author(text)
    again = parse_author(name.display)
    assert name.display == text
    assert again.display == name.display
    assert again == name


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("terry pratchett", "Terry Pratchett"),
        ("TERRY PRATCHETT", "Terry Pratchett"),
        ("j.r.r. tolkien", "J.R.R. Tolkien"),
        ("ludwig van der rohe", "Ludwig van der Rohe"),
        ("simone de beauvoir", "Simone de Beauvoir"),
        ("john mcdonald", "John McDonald"),
        ("flannery o'connor", "Flannery O'Connor"),
        ("jean-paul sartre", "Jean-Paul Sartre"),
        ("gabriel garcía márquez", "Gabriel García Márquez"),
        ("martin luther king jr.", "Martin Luther King Jr."),
        ("le guin, ursula k.", "Le Guin, Ursula K."),
        ("homer", "Homer"),
        ("bell hooks", "Bell Hooks"),  # all lower case says nothing: capitalised
        ("Ursula K. Le Guin", "Ursula K. Le Guin"),  # mixed case is the writer's choice
        ("e. e. Cummings", "e. e. Cummings"),
    ],
)
def test_capitalize_name(typed, written):
    from librium.names import capitalize_name

    assert capitalize_name(typed) == written
