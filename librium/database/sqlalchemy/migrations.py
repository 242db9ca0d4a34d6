"""Where the database stands against the migrations (used to refuse starting on an old schema).

The worker's start-up check (:func:`require_head`) does not import Alembic (about 10 MB that the bot
would hold for its whole life): it reads the revision ids of alembic/versions with ``ast`` and the
database's from ``alembic_version``. Everything else here is Alembic's own API, imported when called.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from librium.errors import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parents[3]


def alembic_config(url: str | None = None) -> Config:
    """The project's Alembic configuration, usable from any working directory (tests, benchmarks)."""
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    if url:
        cfg.attributes["url"] = url
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade_to_head(url: str) -> None:
    """`alembic upgrade head` on ``url``."""
    from alembic import command

    command.upgrade(alembic_config(url), "head")


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str | None:
    return script_directory().get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The database's revision (None: no schema), read from Alembic's table."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.scalar(text("SELECT version_num FROM alembic_version"))


def revisions() -> tuple[set[str], set[str]]:
    """(every revision of alembic/versions, the heads: those no other revision revises), from the
    ``revision`` and ``down_revision`` assignments of the files, without importing them."""
    known, revised = set(), set()
    for path in (ROOT / "alembic" / "versions").glob("*.py"):
        values = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
                continue
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                    values[target.id] = ast.literal_eval(node.value)
        if values.get("revision"):
            known.add(values["revision"])
            down = values.get("down_revision")
            revised.update(down if isinstance(down, tuple | list) else [down] if down else [])
    return known, known - revised


def known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of this checkout's migrations."""
    return revision in revisions()[0]


def require_head(engine: Engine) -> str | None:
    """Refuse (ConfigError, one clear line) a database that is behind this code's latest revision.

    A database at a revision this code does not know was migrated by a newer release: that is how
    a rollback, or an old worker restarted during a deploy, finds it. Migrations here expand first and
    contract a release later (docs/alembic_usage.md), so the previous release still works on it: the
    answer is then a warning line to log, not a refusal. None when the database is at head.
    """
    known, heads = revisions()
    if len(heads) != 1:
        raise ConfigError(
            f"alembic/versions has {len(heads)} heads ({', '.join(sorted(heads))}); it needs one"
        )
    current, head = current_revision(engine), next(iter(heads))
    if current == head:
        return None
    if current and current not in known:
        return (
            f"the database is at revision {current}, newer than this version's {head} (a newer "
            "release migrated it); starting anyway, as migrations only add until a later release."
        )
    where = f"at revision {current}" if current else "empty (no schema)"
    raise ConfigError(
        f"the database is {where}, but this version needs {head}: run `alembic upgrade head` "
        "(on Heroku the release phase does this on every deploy)."
    )
