"""Charts in the reader's language: month initials, titles and the sentences said instead of a chart."""

from __future__ import annotations

import pytest

from librium import i18n
from librium.charts import style
from librium.charts.empty import EmptyStats
from librium.services.stats import MonthCounts


def test_month_initials_follow_the_language() -> None:
    with i18n.speaking("ru"):
        assert style.months()[:3] == ["Я", "Ф", "М"]
    with i18n.speaking("de"):
        assert style.months()[2] == "M"
    assert len(style.months()) == 12


@pytest.mark.parametrize("code", [c for c in i18n.LANGUAGES if c != i18n.DEFAULT])
def test_an_empty_year_is_said_in_the_language(code: str) -> None:
    from librium import charts

    with i18n.speaking(code), pytest.raises(EmptyStats) as empty:
        charts.books_per_month(MonthCounts(2026, [0] * 12))
    assert "2026" in str(empty.value)
    assert str(empty.value) != "No books finished in 2026 yet."


def test_a_chart_draws_in_cyrillic() -> None:
    from librium import charts

    with i18n.speaking("uk"):
        png = charts.books_per_month(MonthCounts(2026, [1, 0, 2, 0, 0, 3, 0, 0, 1, 0, 0, 4]))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
