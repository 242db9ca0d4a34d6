"""PNG charts of a library's statistics, rendered headless with matplotlib (Agg, no pyplot).

Each renderer takes a dataclass from :mod:`librium.services.stats` (or a
:class:`~librium.services.goals.GoalProgress`) and returns PNG bytes, or raises :class:`EmptyStats`
whose message is a friendly sentence to send instead when there is too little data.
:mod:`librium.charts.views` runs the query and the render for a named view in one call.
"""

from librium.charts.collection import breakdown, decades, money_per_year, top_authors
from librium.charts.reading import (
    books_per_month,
    goal_progress,
    pages_per_year,
    reading_pace,
    year_in_review,
)
from librium.charts.style import EmptyStats

__all__ = [
    "EmptyStats",
    "books_per_month",
    "breakdown",
    "decades",
    "goal_progress",
    "money_per_year",
    "pages_per_year",
    "reading_pace",
    "top_authors",
    "year_in_review",
]
