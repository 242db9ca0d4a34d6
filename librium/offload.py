"""Work that needs the heavy libraries (matplotlib, numpy, Pillow, zxing-cpp: ~65 MB) done in a
separate process, so they never load in the caller (the bot): charts and barcode photos.

:func:`call` sends a function's name (``"module:function"``) and plain data to one worker process and
blocks until the answer comes back: call it from a worker thread, never on the event loop. The worker
is started ('spawn': a fresh interpreter that imports only what it is asked to run) by the first call,
serves every call after it, and exits after :data:`IDLE_SECONDS` without one; the next call starts a
new one (about a second more on that call). Arguments and answers must be plain data whose classes
import nothing heavy (the answer is unpickled in the caller). As with any 'spawn' process, the
caller's main script is imported again in the worker: ``python -m bot`` is skipped (a package's
``__main__``); any other script needs the ``if __name__ == "__main__":`` guard. multiprocessing
also starts its resource tracker (~12 MB resident) with the first worker; it stays.

The function runs in the caller's language. An error it raises (``EmptyStats``) comes back as it is;
a worker that dies (killed, out of memory) is replaced and the call tried once more in a fresh one; a
call that takes longer than :data:`TIMEOUT_SECONDS` kills the worker. Both failures raise
:class:`WorkerFailed`, which the caller handles like any other failure.
"""

from __future__ import annotations

import importlib
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


class WorkerFailed(RuntimeError):
    """The worker died twice in a row or took too long; there is no answer this time."""


def _run_here(target: str, language: str, args: tuple, kwargs: dict) -> Any:
    """In the worker: ``module:function`` called in ``language``."""
    module, _, name = target.partition(":")
    with i18n.speaking(language):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)


def _pids_of(pool: ProcessPoolExecutor) -> list[int]:
    processes = getattr(pool, "_processes", None) or {}  # no public accessor before Python 3.14
    return [p.pid for p in list(processes.values()) if p.pid]


class Worker:
    """One worker process, started on demand and stopped when idle; safe to use from many threads."""

    def __init__(self, idle: float = IDLE_SECONDS, timeout: float = TIMEOUT_SECONDS) -> None:
        self.idle = idle
        self.timeout = timeout
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._busy = 0
        self._last = 0.0
        self._timer: threading.Timer | None = None
        self.started = 0  # worker processes started so far

    def call(self, target: str, *args: Any, **kwargs: Any) -> Any:
        """``module:function`` (``target``) called with these arguments in the worker."""
        language = i18n.current()
        for attempt in (1, 2):
            pool = self._acquire()
            try:
                future = pool.submit(_run_here, target, language, args, kwargs)
                return future.result(timeout=self.timeout)
            except BrokenProcessPool:
                self._discard(pool)
                if attempt == 2:
                    raise WorkerFailed("the worker died twice") from None
            except FutureTimeout:
                self._discard(pool, kill=True)
                raise WorkerFailed(f"no answer after {self.timeout:.0f} s") from None
            finally:
                self._release()
        raise AssertionError("unreachable")

    def pids(self) -> list[int]:
        """The worker's process id (empty when none runs)."""
        with self._lock:
            return _pids_of(self._pool) if self._pool else []

    def stop(self) -> None:
        """Stop the worker now (the next call starts it again)."""
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
        """Forget a broken or stuck pool (the next call starts a fresh worker)."""
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


WORKER = Worker()


def call(target: str, *args: Any, **kwargs: Any) -> Any:
    """``module:function`` called in the process-wide worker (see :class:`Worker`)."""
    return WORKER.call(target, *args, **kwargs)
