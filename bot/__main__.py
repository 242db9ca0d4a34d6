"""`python -m bot`: settings → database check → build_application() → polling, webhook or console."""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from librium import config
from librium.database.sqlalchemy.migrations import require_head
from librium.database.sqlalchemy.session import make_engine, make_sessionmaker
from librium.errors import ConfigError

log = logging.getLogger("bot")


def main() -> int:
    from bot.runtime.malloc import limit_arenas

    limit_arenas()  # before any thread starts
    try:
        settings = config.load()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    from bot.runtime import logs

    # In the console chat, log lines would drown the conversation: warnings only unless LOG_LEVEL is set.
    level = "WARNING" if settings.console and not os.environ.get("LOG_LEVEL") else settings.log_level
    logs.setup(level, settings.bot_token)
    engine = make_engine(settings.database_url)
    try:
        newer = require_head(engine)
    except ConfigError as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 2
    except Exception as error:
        print(
            f"Cannot start: the database at DATABASE_URL is unreachable ({type(error).__name__}).",
            file=sys.stderr,
        )
        return 2
    if newer:
        log.warning(newer)
    factory = make_sessionmaker(engine)

    from bot.runtime.app import build_application

    if settings.console:
        from bot.console.chat import run_console

        asyncio.run(run_console(settings, factory))
        return 0
    application = build_application(settings, factory)
    if settings.webhook_url:
        from bot.runtime.webhook import serve

        asyncio.run(serve(application, port=settings.port))
    else:
        if settings.webapp_url:
            from bot.webapp.server import serve_beside_polling

            serve_beside_polling(application, settings.port)
        application.run_polling()
    return 0


if __name__ == "__main__":
    sys.exit(main())
