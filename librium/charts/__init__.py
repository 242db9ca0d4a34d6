"""PNG charts of a library's statistics, rendered headless with matplotlib (Agg, no pyplot).

Each renderer takes a dataclass from :mod:`librium.services.stats` (or a
:class:`~librium.services.goals.GoalProgress`) and returns PNG bytes, or raises :class:`EmptyStats`
whose message is a friendly sentence to send instead when there is too little data.
:mod:`librium.charts.views` runs the query and the render for a named view in one call.
"""

import importlib
from typing import Any

from librium.charts.empty import EmptyStats

# Renderers load matplotlib (~0.8 s, ~55 MB): import them on first use, not when the bot starts.
_RENDERERS = {
    "breakdown": "collection",
    "decades": "collection",
    "money_per_year": "collection",
    "top_authors": "collection",
    "books_per_month": "reading",
    "goal_progress": "reading",
    "pages_per_year": "reading",
    "reading_pace": "reading",
    "year_in_review": "reading",
}


def __getattr__(name: str) -> Any:
    module = _RENDERERS.get(name)
    if module is None:
        raise AttributeError(f"module 'librium.charts' has no attribute {name!r}")
    return getattr(importlib.import_module(f"librium.charts.{module}"), name)


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
