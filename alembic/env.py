"""Alembic environment: URL from DATABASE_URL (via librium.config), metadata from the models."""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, Engine, String, pool

from librium.config import database_url
from librium.database.sqlalchemy.db import FTS_OBJECT_PREFIX, UTCDateTime, metadata
from librium.database.sqlalchemy.session import make_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = metadata


def _url() -> str:
    # An explicit URL (tests, pytest-alembic) wins over the environment.
    explicit = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if explicit:
        return database_url(explicit)
    import os

    return database_url(os.environ.get("DATABASE_URL"))


def include_object(obj, name, type_, reflected, compare_to):
    """Leave out the full-text objects (SQLite FTS5 tables, the PostgreSQL GIN index): not in the metadata."""
    return not (name and name.startswith(FTS_OBJECT_PREFIX))


def render_item(type_, obj, autogen_context):
    """Render our UTC column type as a plain DateTime(timezone=True) so scripts need no app import."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    """SQLite never enforces a VARCHAR's length, so a widened VARCHAR is not a difference there."""
    if (
        context.dialect.name == "sqlite"
        and isinstance(inspected_type, String)
        and isinstance(metadata_type, String)
        and inspected_type.length
        and metadata_type.length
    ):
        return False
    return None  # Alembic's own comparison


def _configure(**kwargs) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=compare_type,
        include_object=include_object,
        render_item=render_item,
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # Tests (pytest-alembic) hand over a connection or an engine; otherwise build one from the URL.
    given = config.attributes.get("connection")
    if isinstance(given, Connection):
        _configure(connection=given)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = given if isinstance(given, Engine) else make_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
    if given is None:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
