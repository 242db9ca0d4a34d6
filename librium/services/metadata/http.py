"""The HTTP side of a provider: short timeouts, one retry, a requests-per-second limit, JSON or failure.

Everything that can go wrong on the wire becomes :class:`ProviderFailure` with a short reason; a 404 is an
answer (``None``), not a failure. The caller decides what a failure means (here: "could not fetch").
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

USER_AGENT = "Librium/0.1 (+https://github.com/librium/librium; personal book catalogue bot)"


class ProviderFailure(Exception):
    """The provider could not be asked or gave an unusable answer (offline, timeout, 5xx, 429, bad JSON)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class RateLimiter:
    """At most ``per_second`` starts per second, spaced evenly; asyncio-friendly (waits, never blocks).

    Each caller reserves the next free slot before sleeping, so concurrent callers queue fairly without a
    lock (there is no await between reading and moving ``_next``).
    """

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ):
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._next = float("-inf")

    async def acquire(self) -> float:
        """Wait for a slot; returns how long it waited (seconds)."""
        now = self._clock()
        start = max(now, self._next)
        self._next = start + self.interval
        delay = start - now
        if delay > 0:
            await self._sleep(delay)
        return delay


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


class JsonFetcher:
    """GETs JSON for one provider through a shared ``httpx.AsyncClient``."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        name: str,
        timeout: float = 4.0,
        retries: int = 1,
        per_second: float = 2.0,
        max_retry_after: float = 3.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ):
        self.http = http
        self.name = name
        self.timeout = timeout
        self.retries = retries
        self.max_retry_after = max_retry_after
        self.limiter = RateLimiter(per_second, sleep=sleep)
        self._sleep = sleep
        self.requests = 0  # requests actually sent, for logs and benchmarks

    async def get(self, url: str, params: dict[str, str] | None = None) -> Any | None:
        """The decoded JSON body, or None on 404. Raises ProviderFailure on anything unusable."""
        reason = "no answer"
        for attempt in range(1 + self.retries):
            last = attempt == self.retries
            await self.limiter.acquire()
            self.requests += 1
            try:
                response = await self.http.get(url, params=params, timeout=self.timeout)
            except httpx.TimeoutException:
                reason = "timed out"
                continue
            except httpx.TransportError as exc:  # connection refused, DNS failure, reset...
                reason = f"could not connect ({type(exc).__name__})"
                continue
            status = response.status_code
            if status == 404:
                return None
            if status == 429:
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                if last or wait is None or wait > self.max_retry_after:
                    raise ProviderFailure("rate limited (HTTP 429)")
                if wait > 0:
                    await self._sleep(wait)
                reason = "rate limited (HTTP 429)"
                continue
            if status >= 500:
                reason = f"server error (HTTP {status})"
                continue
            if status >= 400:
                raise ProviderFailure(f"refused (HTTP {status})")
            try:
                return response.json()
            except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
                raise ProviderFailure("malformed JSON") from None
        raise ProviderFailure(reason)
