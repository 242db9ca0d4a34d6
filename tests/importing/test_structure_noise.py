"""Every export in tests/fixtures, with the structure noise real files carry (tests/importing/
structure_noise.py: Excel's ``sep=`` line, preambles, repeated headers, summary lines, NUL bytes,
UTF-16 without a BOM, open quotes, mixed line ends, empty trailing columns...), imports the same
books as the clean file, and the dry run says what was skipped. A line that may be a book is never
dropped: it is imported and the dry run asks the user to check it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from librium.errors import Invalid
from librium.services.importing import plan_import, read_table, records_from_bytes
from tests.conftest import ROOT
from tests.importing.conftest import MIT_EXPORT, goodreads_file
from tests.importing.dialects import Dialect, rewrite
from tests.importing.structure_noise import BYTES_NOISE, NOISE, TEXT_NOISE, everything

FIXTURES = sorted(
    [
        *(ROOT / "tests" / "fixtures" / "imports").glob("*.csv"),
        *(ROOT / "tests" / "fixtures" / "imports").glob("*.tsv"),
        *(ROOT / "tests" / "fixtures" / "goodreads").glob("*.csv"),
    ]
)
_BASE: dict[Path, list[str]] = {}


def titles(data: bytes) -> list[str]:
    return [r.title for r in records_from_bytes(data)[3] if r.title]


def base_titles(path: Path) -> list[str]:
    if path not in _BASE:
        _BASE[path] = titles(path.read_bytes())
    return _BASE[path]


def test_there_are_fixtures_of_every_app():
    assert len(FIXTURES) >= 14 and all(base_titles(p) for p in FIXTURES)


@pytest.mark.parametrize("kind", sorted(NOISE))
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_noise_kind_imports_the_same_books(path: Path, kind: str):
    assert titles(NOISE[kind](path.read_bytes())) == base_titles(path)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(FIXTURES),
    text_kind=st.sampled_from(sorted(TEXT_NOISE)),
    bytes_kind=st.sampled_from(sorted(BYTES_NOISE)),
)
def test_noise_on_noise_imports_the_same_books(path: Path, text_kind: str, bytes_kind: str):
    noisy = BYTES_NOISE[bytes_kind](TEXT_NOISE[text_kind](path.read_bytes()))
    assert titles(noisy) == base_titles(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(FIXTURES),
    preamble=st.lists(
        st.lists(
            st.sampled_from(["My", "library", "export", "2024-01-05", "items:", "12", "—", ""]), max_size=4
        ),
        min_size=1,
        max_size=6,
    ),
    total=st.integers(0, 10**6),
    label=st.sampled_from(["Total books", "Count", "Rows", "Exported", "Número de libros"]),
)
def test_any_preamble_and_summary_line(path: Path, preamble: list[list[str]], total: int, label: str):
    data = path.read_bytes().decode("utf-8-sig").rstrip("\r\n")
    lines = [" ".join(words) for words in preamble]
    noisy = "\n".join([*lines, data, f"{label}: {total}"]) + "\n"
    assert titles(noisy.encode()) == base_titles(path)


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("sep-line", "Skipped line 1: sep=, (a spreadsheet's delimiter hint)."),
        ("title-line", "Skipped line 1 before the column names: “My export 2024”."),
        ("header-twice", "Skipped a repeated header row on line 5."),
        ("footer", "Line 8 is not a book row (only “Total books: 6”): skipped."),
        ("nul-bytes", "The file had 3 NUL bytes in it (damage from a copy or a save); I left them out."),
    ],
)
def test_the_dry_run_says_what_was_skipped(session, library, kind, said):
    data = (ROOT / "tests" / "fixtures" / "imports" / "storygraph.csv").read_bytes()
    clean = plan_import(session, library.id, data)
    plan = plan_import(session, library.id, NOISE[kind](data))
    assert said in plan.warnings
    assert (plan.rows, plan.new, plan.refused) == (clean.rows, clean.new, clean.refused) == (6, 6, [])


def test_many_skipped_lines_are_counted_not_listed():
    data = (ROOT / "tests" / "fixtures" / "imports" / "generic.csv").read_bytes()
    header, *rows = data.splitlines()
    noisy = b"\n".join(
        [b"sep=,", b"Table 1", header, header, rows[0], header, rows[1], header, rows[2], b"Total: 3", b""]
    )
    table = read_table(noisy)
    assert table.row_count == 3
    assert table.warnings[0] == "Skipped line 1: sep=, (a spreadsheet's delimiter hint)."
    assert table.warnings[5] == "…and 1 more line skipped."


def test_the_separator_line_sets_the_delimiter():
    data = b"sep=;\r\nTitle;Author\r\nDune, the novel;Frank Herbert\r\nEmma;Jane Austen\r\n"
    _fmt, _enc, warnings, records = records_from_bytes(data)
    assert [(r.title, r.first_author) for r in records] == [
        ("Dune, the novel", "Frank Herbert"),
        ("Emma", "Jane Austen"),
    ]
    assert warnings == ["Skipped line 1: sep=; (a spreadsheet's delimiter hint)."]


GENERIC_WIDE = "Title,Author,Year\nDune,Frank Herbert,1965\nEmma,Jane Austen,1815\n"
GENERIC_WIDER = (
    GENERIC_WIDE + "Ubik,Philip K. Dick,1969\nKindred,Octavia E. Butler,1979\nBeloved,Toni Morrison,1987\n"
)


@pytest.mark.parametrize(
    ("text", "books", "warning"),
    [
        # a summary after wide rows: skipped, and said
        (
            GENERIC_WIDE + "Total books: 2\n",
            ["Dune", "Emma"],
            "Line 4 is not a book row (only “Total books: 2”): skipped.",
        ),
        # a last row with only a title, after wide rows: imported, and the user asked to check it
        (
            GENERIC_WIDE + "Dune Messiah\n",
            ["Dune", "Emma", "Dune Messiah"],
            "Line 4 has only “Dune Messiah”, unlike the other rows: check that it is a book.",
        ),
        # rows with only a title are rows: a summary-like last one is imported and flagged
        (
            "Title,Author\nDune,Frank Herbert\nEmma\nRebecca,Daphne du Maurier\nCount: 22\n",
            ["Dune", "Emma", "Rebecca", "Count: 22"],
            "Line 5 has only “Count: 22”, unlike the other rows: check that it is a book.",
        ),
        # a file of titles only: every row is a book, none is flagged
        ("Title\nDune\nEmma\nTotal: 2\n", ["Dune", "Emma", "Total: 2"], None),
        # a long run of title-only rows at the end is rows, not a summary
        (
            GENERIC_WIDER + "Emma\nPersuasion\nDune Messiah\nChildren of Dune\n",
            [
                "Dune",
                "Emma",
                "Ubik",
                "Kindred",
                "Beloved",
                "Emma",
                "Persuasion",
                "Dune Messiah",
                "Children of Dune",
            ],
            None,
        ),
    ],
)
def test_a_summary_line_is_dropped_only_when_it_cannot_be_a_book(text, books, warning):
    _fmt, _enc, warnings, records = records_from_bytes(text.encode())
    assert [r.title for r in records] == books
    if warning is None:
        assert not [w for w in warnings if "Line" in w]
    else:
        assert warning in warnings


def test_a_header_after_a_preamble_must_be_plainly_a_header():
    """The rows of a file without a header line are never taken for a preamble before a row that
    reads like column names: the file is refused, no row is dropped."""
    data = b"Dune,Frank Herbert\nEmma,Jane Austen\nTitle,Author\nUbik,Philip K. Dick\n"
    with pytest.raises(Invalid, match="I don't recognise this file"):
        read_table(data)


def test_binary_files_with_nuls_are_still_refused():
    with pytest.raises(Invalid, match="not a CSV file"):
        read_table(b"\x00\x01\x02\x03binary\xff\xfe\x00" * 20)
    with pytest.raises(Invalid, match="not a CSV file"):
        read_table(b"\x00" * 4096 + b"Title\nDune\n")


def test_everything_at_once():
    data = (ROOT / "tests" / "fixtures" / "imports" / "libib.csv").read_bytes()
    _fmt, _enc, warnings, records = records_from_bytes(everything(data))
    assert [r.title for r in records] == base_titles(ROOT / "tests" / "fixtures" / "imports" / "libib.csv")
    assert len(warnings) == 1 + 5 + 1  # the NULs, five skipped lines and how many more


HEADERLESS = rewrite(goodreads_file(MIT_EXPORT), Dialect(header="missing"))


@pytest.mark.parametrize(
    "kind",
    ["sep-line", "title-line", "preamble-block", "numbers-table", "footer", "padded-footer", "nul-bytes"],
)
def test_a_file_without_its_header_line_too(kind):
    """The rows start after the preamble even when the columns are recognised by their values."""
    assert titles(NOISE[kind](HEADERLESS)) == titles(HEADERLESS) == titles(goodreads_file(MIT_EXPORT))


def test_a_file_without_its_header_line_with_empty_trailing_columns():
    assert titles(HEADERLESS.replace(b"\n", b",,\n")) == titles(HEADERLESS)


def test_a_long_preamble_before_a_small_file_with_multi_line_cells():
    """Found by Hypothesis: six one-word lines before Libib's 2020 export (notes over two lines) made
    the sniffer try a one-column re-save, whose inner reader raised on the quoted line break."""
    data = (ROOT / "tests" / "fixtures" / "imports" / "libib-2020.csv").read_bytes().decode("utf-8-sig")
    noisy = "\n".join(["My"] * 6 + [data.rstrip("\r\n"), "Total books: 0"]) + "\n"
    assert titles(noisy.encode()) == base_titles(ROOT / "tests" / "fixtures" / "imports" / "libib-2020.csv")


def test_a_header_fused_with_its_first_row_after_a_preamble():
    fused = rewrite(goodreads_file(MIT_EXPORT), Dialect(header="fused"))
    _fmt, _enc, warnings, records = records_from_bytes(b"My export 2024\n\n" + fused)
    assert [r.title for r in records] == titles(goodreads_file(MIT_EXPORT))
    assert [r.line for r in records[:2]] == [3, 4]  # the header's line, then the next
    assert warnings == ["Skipped line 1 before the column names: “My export 2024”."]
