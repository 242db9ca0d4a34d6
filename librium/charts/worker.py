"""Charts drawn in a separate process, so matplotlib and numpy (~45 MB) never load in the caller.

:func:`draw` sends a renderer's name and its plain data (the dataclasses of
:mod:`librium.services.stats`) to one worker process and blocks until the PNG comes back: call it
from a worker thread, never on the event loop. The worker is started ('spawn': a fresh interpreter
that imports only the chart modules) by the first chart, serves every chart after it, and exits
after :data:`IDLE_SECONDS` without one; the next chart starts a new one (about a second).

The renderer runs in the caller's language. :class:`EmptyStats` raised there comes back as it is; a
worker that dies (killed, out of memory) is replaced and the chart tried once more in a fresh one; a
chart that takes longer than :data:`TIMEOUT_SECONDS` kills the worker. Both failures raise
:class:`ChartFailed`, which the caller handles like any other failed chart.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from librium import i18n

IDLE_SECONDS = 60.0
TIMEOUT_SECONDS = 60.0


class ChartFailed(RuntimeError):
    """The chart worker died twice in a row or took too long; there is no chart this time."""


def _draw_here(renderer: str, language: str, args: tuple, kwargs: dict) -> bytes:
    """In the worker: the named renderer of :mod:`librium.charts`, in ``language``."""
    from librium import charts

    with i18n.speaking(language):
        return getattr(charts, renderer)(*args, **kwargs)


def _pids_of(pool: ProcessPoolExecutor) -> list[int]:
    processes = getattr(pool, "_processes", None) or {}  # no public accessor before Python 3.14
    return [p.pid for p in list(processes.values()) if p.pid]


class ChartWorker:
    """One worker process, started on demand and stopped when idle; safe to use from many threads."""

    def __init__(self, idle: float = IDLE_SECONDS, timeout: float = TIMEOUT_SECONDS) -> None:
        self.idle = idle
        self.timeout = timeout
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._busy = 0
        self._last = 0.0
        self._timer: threading.Timer | None = None
        self.started = 0  # worker processes started so far (for tests and benches)

    def draw(self, renderer: str, *args: Any, **kwargs: Any) -> bytes:
        """PNG bytes from ``librium.charts.<renderer>(*args, **kwargs)``, drawn in the worker."""
        language = i18n.current()
        for attempt in (1, 2):
            pool = self._acquire()
            try:
                future = pool.submit(_draw_here, renderer, language, args, kwargs)
                return future.result(timeout=self.timeout)
            except BrokenProcessPool:
                self._discard(pool)
                if attempt == 2:
                    raise ChartFailed("the chart worker died twice") from None
            except FutureTimeout:
                self._discard(pool, kill=True)
                raise ChartFailed(f"no chart after {self.timeout:.0f} s") from None
            finally:
                self._release()
        raise AssertionError("unreachable")

    def pids(self) -> list[int]:
        """The worker's process id (empty when none runs)."""
        with self._lock:
            return _pids_of(self._pool) if self._pool else []

    def stop(self) -> None:
        """Stop the worker now (it is started again by the next chart)."""
        with self._lock:
            pool, self._pool = self._pool, None
            if self._timer:
                self._timer.cancel()
        if pool:
            pool.shutdown(wait=True, cancel_futures=True)

    def _acquire(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
                self.started += 1
            self._busy += 1
            if self._timer:
                self._timer.cancel()
                self._timer = None
            return self._pool

    def _release(self) -> None:
        with self._lock:
            self._busy -= 1
            self._last = time.monotonic()
            if self._busy == 0 and self._pool is not None:
                self._timer = threading.Timer(self.idle, self._stop_if_idle)
                self._timer.daemon = True
                self._timer.start()

    def _stop_if_idle(self) -> None:
        with self._lock:
            if self._busy or self._pool is None or time.monotonic() - self._last < self.idle * 0.99:
                return
            pool, self._pool = self._pool, None
        pool.shutdown(wait=False, cancel_futures=True)

    def _discard(self, pool: ProcessPoolExecutor, kill: bool = False) -> None:
        """Forget a broken or stuck pool (the next chart starts a fresh worker)."""
        with self._lock:
            if self._pool is pool:
                self._pool = None
        if kill:
            for pid in _pids_of(pool):
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
        pool.shutdown(wait=False, cancel_futures=True)


WORKER = ChartWorker()


def draw(renderer: str, *args: Any, **kwargs: Any) -> bytes:
    """Draw with the process-wide chart worker (see :class:`ChartWorker`)."""
    return WORKER.draw(renderer, *args, **kwargs)
