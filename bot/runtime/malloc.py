"""Fewer malloc arenas: glibc gives each new thread its own heap ("arena", up to 8 per core), and
each keeps the memory it once held. The bot's threads (the asyncio executor's database and decoding
workers, up to 6 here) would each grow one; two arenas took 3 MB off the import's peak and 10 MB off a
100,000-book library's steady state (bench/README.md, memory), at no measurable speed cost.

Set with ``mallopt`` at start-up rather than with ``MALLOC_ARENA_MAX`` in the Procfile: it then holds
however the bot is started (make run, the Procfile, a container, a service manager), and arenas are
created lazily by the threads that come later. A ``MALLOC_ARENA_MAX`` in the environment wins (glibc
has already read it). Other C libraries (musl, macOS) are left alone.
"""

from __future__ import annotations

import os

ARENAS = 2
M_ARENA_MAX = -8  # glibc's malloc.h


def _glibc() -> bool:
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError):  # not a GNU system
        return False


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas at ``arenas``; whether the cap was set here."""
    if os.environ.get("MALLOC_ARENA_MAX") or not _glibc():
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process' own C library
    except (OSError, AttributeError):
        return False
    return mallopt(M_ARENA_MAX, arenas) == 1
