"""Wall time and CPU time of one call, on a machine shared with other work.

There a wall time mostly measures the queue for a CPU. Linux counts, per thread, the time it ran on a
CPU (``/proc/<pid>/schedstat``, nanoseconds); read for this process and for the PostgreSQL backend
that serves its connection, it gives for every call:

- ``wall``: what the caller waited;
- ``cpu``: CPU time of this process plus the backend's (a PostgreSQL search's own work is partly the
  server's, which this process' CPU time leaves out). The two take turns (the client waits for each
  answer), so on a machine with a core free this is about the wall time, less the round trips.

(Wall time less the time each process waited for a CPU is no better: both are often runnable at
once, the server finishing a reply while the client reads it, so their waits overlap.)

Where schedstat cannot be read (another OS, a server on another host) the CPU time is this process'
alone.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path


def _schedstat(pid: int | str) -> tuple[int, int] | None:
    """(ns on a CPU, ns waiting for one) of a thread, or None when unreadable."""
    try:
        on_cpu, waiting, *_ = Path(f"/proc/{pid}/schedstat").read_text().split()
        return int(on_cpu), int(waiting)
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class Sample:
    wall: float  # ms
    cpu: float  # ms, this process and the database server's backend


class Stopwatch:
    """Times calls; ``server_pid``: the PostgreSQL backend serving this process' connection, if any."""

    def __init__(self, server_pid: int | None = None):
        self.server_pid = server_pid if server_pid and _schedstat(server_pid) else None
        self.schedstat = _schedstat("thread-self") is not None

    def _read(self) -> tuple[float, int, int]:
        own = _schedstat("thread-self") if self.schedstat else None
        server = _schedstat(self.server_pid) if self.server_pid else None
        return time.perf_counter(), own[0] if own else time.process_time_ns(), server[0] if server else 0

    def start(self) -> tuple[float, int, int]:
        return self._read()

    def stop(self, started: tuple[float, int, int]) -> Sample:
        now = self._read()
        return Sample((now[0] - started[0]) * 1000, (now[1] - started[1] + now[2] - started[2]) / 1e6)


def load() -> str:
    """The load averages (1, 5, 15 minutes) and the CPU count, as a line to print."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} CPUs"
