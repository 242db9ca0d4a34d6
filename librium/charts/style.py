"""The look shared by every chart, and the plumbing that turns a Figure into PNG bytes.

Charts are built on :class:`matplotlib.figure.Figure` directly, never through pyplot, so no global
state (current figure, rcParams) is touched: rendering is safe in a worker thread
(``asyncio.to_thread``) and nothing leaks between calls. Saving a Figure to PNG uses the Agg
canvas, so no display is ever needed.

The palette is a dark card with light text: it reads the same on Telegram's light and dark themes
(a light chart glares in dark mode; a transparent one loses its text in one theme or the other).
Sizes are in points at 100 dpi on a 1080-pixel-wide image, large enough to read on a phone.
"""

from __future__ import annotations

import functools
import io
import warnings
from collections.abc import Callable
from typing import ParamSpec

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from librium.charts.empty import EmptyStats  # noqa: F401 - re-exported
from librium.i18n import formats

WIDTH_PX = 1080
DPI = 100

BACKGROUND = "#1c2029"
PANEL = "#1c2029"
TEXT = "#eceff4"
MUTED = "#9aa3b2"
GRID = "#343a48"
ACCENT = "#4fc3a1"  # teal: the main series
SECOND = "#f5a65b"  # orange: a highlight (expected pace, the current month, "other")
THIRD = "#7aa2f7"  # blue
PALETTE = [ACCENT, THIRD, SECOND, "#e06c75", "#c792ea", "#e5c07b", "#56b6c2", "#98c379"]

TITLE_SIZE = 34
SUBTITLE_SIZE = 22
LABEL_SIZE = 22
TICK_SIZE = 20
VALUE_SIZE = 20
BIG_NUMBER_SIZE = 64

_FALLBACKS = ["Noto Sans CJK JP", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Droid Sans Fallback", "Noto Sans"]
_INSTALLED = {f.name for f in font_manager.fontManager.ttflist}
FONT = ["DejaVu Sans", *(name for name in _FALLBACKS if name in _INSTALLED)]
"""Text that may hold user data (titles, names, genres) uses this family list: DejaVu Sans covers
Latin, Greek and Cyrillic; installed CJK fonts are used as fallbacks. Without them, CJK characters
render as boxes: a chart still beats an error, so that warning is silenced (a process-wide filter on
that one message; it changes nothing else)."""
warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)


def months() -> list[str]:
    """The months' initials in the current language ("J F M …", "Я Ф М …")."""
    return [formats.month_name(m, "narrow") for m in range(1, 13)]


def figure(height_px: int = 760) -> Figure:
    fig = Figure(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI, facecolor=BACKGROUND)
    return fig


def titles(fig: Figure, title: str, subtitle: str | None = None) -> None:
    """Title and optional subtitle drawn on the figure, left-aligned like a card."""
    height = fig.get_figheight() * DPI
    fig.text(
        0.04,
        1 - 20 / height,
        title,
        color=TEXT,
        fontsize=TITLE_SIZE,
        fontweight="bold",
        va="top",
        fontfamily=FONT,
    )
    if subtitle:
        fig.text(
            0.04, 1 - 78 / height, subtitle, color=MUTED, fontsize=SUBTITLE_SIZE, va="top", fontfamily=FONT
        )


def axes(fig: Figure, rect: tuple[float, float, float, float]) -> Axes:
    """An axes in the house style: no box, a faint value grid, large ticks."""
    ax = fig.add_axes(rect, facecolor=PANEL)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(GRID)
    ax.tick_params(colors=MUTED, labelsize=TICK_SIZE, length=0, pad=8)
    ax.set_axisbelow(True)
    return ax


def value_grid(ax: Axes, axis: str = "y") -> None:
    ax.grid(axis=axis, color=GRID, linewidth=1.2)


def compact(number: float) -> str:
    """12 -> "12", 1234 -> "1.2k", 1234567 -> "1.2M" (bar labels must stay short)."""
    n = float(number)
    for limit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if abs(n) >= limit:
            value = n / limit
            return f"{value:.0f}{suffix}" if value >= 100 else f"{value:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{n:.0f}" if n == int(n) else f"{n:.1f}"


def year_labels(years: list[int]) -> list[str]:
    """Full years when they fit, "’19" style when there are many bars."""
    return [str(y) for y in years] if len(years) <= 8 else [f"’{y % 100:02d}" for y in years]


def shorten(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


P = ParamSpec("P")


class Renderer:
    """A chart function: calling it gives PNG bytes; ``.figure(...)`` gives the Figure (for tests)."""

    def __init__(self, build: Callable[..., Figure]):
        functools.update_wrapper(self, build)
        self.figure = build

    def __call__(self, *args, **kwargs) -> bytes:
        return to_png(self.figure(*args, **kwargs))


def png(build: Callable[P, Figure]) -> Renderer:
    """Turn a Figure builder into a renderer returning PNG bytes."""
    return Renderer(build)


def to_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor=BACKGROUND, metadata={"Software": None})
    return buffer.getvalue()
