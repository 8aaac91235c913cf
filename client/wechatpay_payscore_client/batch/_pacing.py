"""Pacing like a good citizen: one request-rate ceiling and one shared backoff for the whole batch.

Every request of the batch (syncs and reconciling queries alike) takes a token from one bucket first. A `429`
(WeChat Pay publishes no number for its limit) pauses the whole batch, not only the worker that met it: until the
`Retry-After` it sent, or else an exponential backoff (1 s, 2 s, 4 s... up to 60 s) that resets after a success;
and it halves the rate, which then climbs back by a twentieth of the ceiling per success (AIMD, as TCP does).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

__all__ = ["Pacer"]

_BACKOFF_INITIAL = 1.0
_BACKOFF_MAX = 60.0
_RETRY_AFTER_MAX = 300.0  # a longer Retry-After is not honoured as is: the batch would look hung


class Pacer:
    """A token bucket (`rate` requests per second, None: no ceiling) with a batch-wide pause after a 429."""

    def __init__(
        self,
        rate: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate is not None and not rate > 0:
            raise ValueError(f"rate must be > 0 requests per second, got {rate!r}")
        self.ceiling = rate
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._next_slot = clock()
        self._paused_until = 0.0
        self._backoff = _BACKOFF_INITIAL
        self._lock = asyncio.Lock()
        self._stopped = asyncio.Event()
        self.rate_limited_count = 0
        self.paused_seconds = 0.0

    def stop(self) -> None:
        """The batch is stopping: every wait ends now, and no more turns are given (`acquire` returns False)."""
        self._stopped.set()

    async def acquire(self) -> bool:
        """Wait for this request's turn: after any batch-wide pause, then one token of the bucket.

        False: the batch stopped before this request's turn came; it must not be sent.
        """
        if self._stopped.is_set():
            return False
        if self.rate is None and self._paused_until <= self._clock():
            return True  # no ceiling and no pause: the fast path of a benchmark or an unlimited test
        async with self._lock:  # FIFO: waiters take their turns in order, so the spacing holds under contention
            while True:
                if self._stopped.is_set():
                    return False
                now = self._clock()
                wait = max(self._paused_until - now, 0.0)
                if self.rate is not None:
                    wait = max(wait, self._next_slot - now)
                if wait <= 0:
                    break
                await self._wait(wait)
            if self.rate is not None:
                # A token bucket of depth 1: requests are spaced by 1/rate, with no burst after an idle spell.
                self._next_slot = max(self._next_slot, self._clock()) + 1.0 / self.rate
        return True

    async def _wait(self, seconds: float) -> None:
        """Sleep `seconds`, or less if the batch stops meanwhile (a 429 pause may last minutes)."""
        sleeper = asyncio.ensure_future(self._sleep(seconds))
        stopper = asyncio.ensure_future(self._stopped.wait())
        try:
            await asyncio.wait((sleeper, stopper), return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            stopper.cancel()

    def rate_limited(self, retry_after: float | None) -> float:
        """A 429 arrived: pause everyone, slow down; returns the pause in seconds."""
        self.rate_limited_count += 1
        if retry_after is not None and retry_after > 0:
            pause = min(retry_after, _RETRY_AFTER_MAX)
        else:
            pause = self._backoff
            self._backoff = min(self._backoff * 2, _BACKOFF_MAX)
        until = self._clock() + pause
        if until > self._paused_until:
            self.paused_seconds += until - max(self._paused_until, self._clock())
            self._paused_until = until
        if self.rate is not None and self.ceiling is not None:
            self.rate = max(self.rate / 2, self.ceiling / 32)
        return pause

    def succeeded(self) -> None:
        """An answer that was not a 429: let the rate climb back towards the ceiling."""
        self._backoff = _BACKOFF_INITIAL
        if self.rate is not None and self.ceiling is not None and self.rate < self.ceiling:
            self.rate = min(self.ceiling, self.rate + self.ceiling / 20)
