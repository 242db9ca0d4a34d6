"""Where the database stands against the migrations (used to refuse starting on an old schema)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

from librium.errors import ConfigError

ROOT = Path(__file__).resolve().parents[3]


def alembic_config(url: str | None = None) -> Config:
    """The project's Alembic configuration, usable from any working directory (tests, benchmarks)."""
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
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str | None:
    return script_directory().get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of this checkout's migrations."""
    try:
        return script_directory().get_revision(revision) is not None
    except CommandError:
        return False


def require_head(engine: Engine) -> str | None:
    """Refuse (ConfigError, one clear line) a database that is behind this code's latest revision.

    A database at a revision this code does not know was migrated by a newer release: that is how
    a rollback, or an old worker restarted during a deploy, finds it. Migrations here expand first and
    contract a release later (docs/alembic_usage.md), so the previous release still works on it: the
    answer is then a warning line to log, not a refusal. None when the database is at head.
    """
    current, head = current_revision(engine), head_revision()
    if current == head:
        return None
    if current and not known_revision(current):
        return (
            f"the database is at revision {current}, newer than this version's {head} (a newer "
            "release migrated it); starting anyway, as migrations only add until a later release."
        )
    where = f"at revision {current}" if current else "empty (no schema)"
    raise ConfigError(
        f"the database is {where}, but this version needs {head}: run `alembic upgrade head` "
        "(on Heroku the release phase does this on every deploy)."
    )
