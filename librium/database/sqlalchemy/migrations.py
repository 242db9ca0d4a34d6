"""Where the database stands against the migrations (used to refuse starting on an old schema)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
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


def require_head(engine: Engine) -> None:
    """Raise ConfigError with one clear line unless the database is at the latest revision."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        where = f"at revision {current}" if current else "empty (no schema)"
        raise ConfigError(
            f"the database is {where}, but this version needs {head}: run `alembic upgrade head` "
            "(on Heroku the release phase does this on every deploy)."
        )
