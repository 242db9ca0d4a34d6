"""The layering DEVELOPERS.md promises, read from the import statements of every module.

librium/ knows nothing of bot/ or Telegram; the action layer (bot/actions) knows nothing of Telegram,
so the chat and the Mini App can both call it; feature handlers never import each other (only the
registration in handlers/__init__.py and the text router know them all); and nothing below the
handlers (actions, chat, views, screens) reaches up into them; the Mini App (bot/webapp) is a front end
beside the chat handlers that shares only the actions with them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imports_of(path: Path) -> set[str]:
    """Every module a file imports (``from a.b import c`` gives ``a.b`` and ``a.b.c``), lazy ones too."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def offending(folder: str, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> dict[str, list[str]]:
    bad: dict[str, list[str]] = {}
    for path in modules(folder):
        name = str(path.relative_to(ROOT))
        if name in allowed:
            continue
        hits = sorted(m for m in imports_of(path) if any(m == f or m.startswith(f + ".") for f in forbidden))
        if hits:
            bad[name] = hits
    return bad


def test_the_layout_test_sees_imports():
    """The checks below would pass vacuously if no import were read at all."""
    assert "bot.actions.book" in imports_of(ROOT / "bot/handlers/telling.py")
    assert len(modules("bot/handlers")) >= 10
    assert "bot/handlers/router.py" in offending("bot/handlers", ("bot.handlers",))


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("librium", ("bot", "telegram")),
        ("bot/actions", ("telegram", "bot.handlers", "bot.screens", "bot.views")),
        ("bot/chat", ("bot.handlers", "bot.screens")),
        ("bot/views", ("bot.handlers", "bot.screens", "bot.actions")),
        ("bot/screens", ("bot.handlers",)),
        ("bot/webapp", ("bot.handlers", "bot.screens", "bot.chat")),
    ],
)
def test_lower_layers_do_not_reach_up(folder, forbidden):
    assert offending(folder, forbidden) == {}


def test_feature_handlers_never_import_each_other():
    dispatchers = ("bot/handlers/__init__.py", "bot/handlers/router.py")
    assert offending("bot/handlers", ("bot.handlers",), allowed=dispatchers) == {}
