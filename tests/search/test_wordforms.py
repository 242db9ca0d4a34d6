"""wordforms: readings, stems, and the pieces that make typo candidates findable on an index."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from librium import phrases
from librium.services import wordforms
from librium.text import fold


def test_readings():
    assert wordforms.readings("Толстой") == {"tolstoy"}
    assert wordforms.readings("дюна") == {"dyuna", "duna"}  # also as "Dune" comes back: wordforms.plain
    assert "murakamiharuki" in wordforms.readings("村上春樹")
    assert wordforms.readings("García") == {"garcia"}
    assert wordforms.readings("1Q84") == {"1q84"}


def test_stems_by_script():
    assert wordforms.stem("Hobbits") == wordforms.stem("hobbit")
    assert wordforms.stem("stories") == wordforms.stem("story")
    assert wordforms.stem("войны") == wordforms.stem("война")


def test_stems_by_language():
    """The phrase modules look a book named in another case up by these stems (librium.phrases.stems):
    each a beginning of the title's own word."""
    cases = [
        ("russian", "Дюну", "Дюна"),
        ("russian", "Войну", "Война"),
        ("ukrainian", "пісню", "пісня"),
        ("ukrainian", "Енеїду", "Енеїда"),
        ("ukrainian", "книжкою", "книжка"),
        ("polish", "Diunę", "Diuna"),
        ("polish", "Lalkę", "Lalka"),
        ("polish", "Wiedźminie", "Wiedźmin"),
    ]
    for language, typed, title in cases:
        stem = wordforms.stem(typed, language)
        assert stem != fold(typed) and fold(title).startswith(stem), (typed, stem)


def test_phrases_stem_with_wordforms():
    assert phrases.stems("Дюну", phrases.module("ru")) == ["дюн"]
    assert phrases.stems("Лісову пісню", phrases.module("uk")) == ["лісов пісн"]
    assert phrases.stems("Pana Tadeusza", phrases.module("pl")) == ["pan tadeu"]
    assert phrases.stems("Dune", phrases.module("en")) == []


def test_max_edits_grow_with_length():
    assert [wordforms.max_edits(w) for w in ("mor", "mort", "pratchet", "1q84x")] == [0, 1, 2, 0]


def test_distance_counts_a_swap_as_one():
    assert wordforms.distance("tolkein", "tolkien", 2) == 1
    assert wordforms.distance("hobit", "hobbit", 2) == 1
    assert wordforms.distance("abcdef", "zzzzzz", 2) == 3


def _edit(word: str, kind: int, at: int, letter: str) -> str:
    at = at % max(1, len(word))
    if kind == 0:  # insert
        return word[:at] + letter + word[at:]
    if kind == 1 and len(word) > 1:  # delete
        return word[:at] + word[at + 1 :]
    if kind == 2:  # substitute
        return word[:at] + letter + word[at + 1 :]
    if at + 1 < len(word):  # swap
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="abcdefghij", min_size=4, max_size=14),
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 20), st.sampled_from("abcxyz")), min_size=1, max_size=2
    ),
)
def test_a_word_within_the_edits_holds_a_piece(word, edits):
    typed = word
    for kind, at, letter in edits:
        typed = _edit(typed, kind, at, letter)
    allowed = wordforms.max_edits(typed)
    if allowed == 0 or wordforms.distance(typed, word, allowed) > allowed:
        return
    prefix, middle, suffix = wordforms.pieces(typed, allowed)
    assert word.startswith(prefix) or word.endswith(suffix) or (middle and middle in word)
