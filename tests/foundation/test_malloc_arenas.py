"""`python -m bot` caps glibc's malloc arenas at two (bot/runtime/malloc.py): with eight threads
allocating after start-up, glibc's own report (malloc_stats) lists at most two arenas; the same threads
in a plain interpreter get one each."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from bot.runtime.malloc import ARENAS, _glibc
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not _glibc(), reason="malloc arenas are glibc's")

# Eight threads that each allocate (glibc gives a thread its arena on its first malloc), then glibc's
# report of its arenas on stderr.
THREADS = """
import ctypes, threading

def allocate():
    kept = [bytearray(1000) for _ in range(2000)]
    barrier.wait()

barrier = threading.Barrier(8)
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
ctypes.CDLL(None).malloc_stats()
"""

# `python -m bot` exactly, with the polling loop replaced by the threads above.
PROBE = """
import sys
from telegram.ext import Application

def report(self, *args, **kwargs):
    exec(THREADS, {})

Application.run_polling = report
from bot.__main__ import main
sys.exit(main())
""".replace("THREADS", repr(THREADS))


def arenas_after(code: str, database_url: str = "") -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "WEBHOOK_"))}
    env.pop("MALLOC_ARENA_MAX", None)
    env.update(DATABASE_URL=database_url, TELEGRAM_BOT_TOKEN="123456:TEST-token", METADATA_LOOKUPS="off")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return len(re.findall(r"^Arena \d+:", result.stderr, re.MULTILINE))


def test_the_bot_keeps_two_malloc_arenas(migrated_url):
    assert 1 <= arenas_after(PROBE, migrated_url) <= ARENAS


def test_without_the_cap_the_same_threads_take_more():
    assert arenas_after(THREADS) > ARENAS  # the probe above can see the difference
