"""Scale-out: 1 and 2 webhook processes of ``python -m bot`` on one database, fed like a load balancer.

Used by bench/e2e.py (capacity mode on PostgreSQL). Each process runs as deployed in webhook mode
(WEBHOOK_URL, WEBHOOK_SECRET, its own PORT, TELEGRAM_RATE_LIMIT=0); a burst of updates is POSTed to
the processes in turn, ``concurrency`` requests in flight per process. A webhook request is answered
only after its handlers ran (bot/webhook.py), so the burst is over when the last answer is in.
"""

from __future__ import annotations

import asyncio
import random
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench.e2e import KINDS, Bot, Library, cpu_seconds, make_update, start, stop
from bench.fake_botapi import FakeBotApi

SECRET = "bench-webhook-secret"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class Burst:
    per_second: float
    seconds: float
    cpu_ms: float  # CPU of all bot processes per update


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def post_all(updates: list[dict], ports: list[int], concurrency: int) -> float:
    """POST each update to the next process in turn; seconds until every one was answered 200."""
    limits = {port: asyncio.Semaphore(concurrency) for port in ports}
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, headers={HEADER: SECRET}) as client:

        async def post(i: int, update: dict) -> None:
            port = ports[i % len(ports)]
            async with limits[port]:
                for _ in range(50):  # the server may still be starting
                    try:
                        async with client.post(f"http://127.0.0.1:{port}/telegram", json=update) as r:
                            if r.status != 200:
                                raise RuntimeError(f"webhook answered {r.status}")
                            return
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.2)
                raise RuntimeError(f"no webhook server on port {port}")

        started = time.monotonic()
        await asyncio.gather(*(post(i, u) for i, u in enumerate(updates)))
        return time.monotonic() - started


def run(library: Library, processes: int, per_kind: int, concurrency: int, seed: int, workdir: Path) -> dict:
    """One burst per kind through ``processes`` webhook processes; {kind: Burst}."""
    rng = random.Random(seed)
    results: dict[str, Burst] = {}
    with FakeBotApi() as api:
        ports = [free_port() for _ in range(processes)]
        procs = []
        try:
            for n, port in enumerate(ports):
                bot = Bot(
                    [sys.executable, "-m", "bot"],
                    {
                        "WEBHOOK_URL": "https://bench.example.org",
                        "WEBHOOK_SECRET": SECRET,
                        "PORT": str(port),
                        "TELEGRAM_RATE_LIMIT": "0",
                    },
                )
                log = workdir / f"webhook-{processes}-{n}.log"
                procs.append(start(bot, api, library.url, log, wait="setWebhook"))
            warm = [make_update(api, kind, rng, library, 10**6 + i) for kind in KINDS for i in range(20)]
            asyncio.run(post_all(warm, ports, concurrency))
            for kind in KINDS:
                batch = [make_update(api, kind, rng, library, seed * 10**5 + i) for i in range(per_kind)]
                cpu = sum(cpu_seconds(p.pid) for p in procs)
                seconds = asyncio.run(post_all(batch, ports, concurrency))
                cpu_ms = (sum(cpu_seconds(p.pid) for p in procs) - cpu) / per_kind * 1000
                results[kind] = Burst(per_kind / seconds, seconds, cpu_ms)
        finally:
            for proc in procs:
                stop(proc)
    return results


def report(runs: dict[int, dict], per_kind: int) -> None:
    print(f"\nwebhook processes on one database: {per_kind} updates per kind, updates/s (CPU ms per update)")
    print(f"{'kind':8} " + " ".join(f"{f'{n} process' + ('es' if n > 1 else ''):>20}" for n in runs))
    for kind in KINDS:
        print(
            f"{kind:8} "
            + " ".join(f"{r[kind].per_second:10.1f} ({r[kind].cpu_ms:5.2f} ms)" for r in runs.values())
        )
    alls = {n: len(KINDS) * per_kind / sum(b.seconds for b in r.values()) for n, r in runs.items()}
    print(f"{'all':8} " + " ".join(f"{v:10.1f}{'':10}" for v in alls.values()))
    if len(alls) > 1:
        first, *rest = alls.values()
        print("more processes / one: " + ", ".join(f"{v / first:.2f}x" for v in rest))
