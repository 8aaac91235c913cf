"""Transports that keep track of each attempt's outcome and, when asked to, retry safely.

A transport error says more than "it failed": a connect error means nothing reached WeChat Pay, while a read timeout
or a dropped connection means the sync may have been applied. Both are turned into typed errors here, with every
attempt recorded, so the caller never loses track of an order's outcome. Retries are opt-in (`RetryPolicy`), bounded
in attempts and total time, use exponential backoff with full jitter, honour `Retry-After`, and re-sign each attempt
(fresh nonce and timestamp) through the auth plugin.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Awaitable, Callable

import attrs
import httpx
from wechatpay_auth import ConfigurationError

from ._errors import APIConnectionError, APITimeoutError, Attempt, Outcome, OutcomeUnknownError

__all__ = ["ATTEMPTS_EXTENSION", "NO_RETRY", "AsyncRetryingTransport", "RetryPolicy", "RetryingTransport"]

logger = logging.getLogger("wechatpay_payscore_client")

# Key of `response.extensions` under which the transport leaves the tuple of `Attempt`s of the call.
ATTEMPTS_EXTENSION = "wechatpay_attempts"

# Nothing reached the server: safe to retry, and the order is unchanged.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)
# Retrying cannot help: the request itself is unusable.
_FATAL = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)


def _non_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise ConfigurationError(f"RetryPolicy.{attribute.name} must be a finite number >= 0, got {value!r}")


def _at_least_one(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ConfigurationError(f"RetryPolicy.{attribute.name} must be >= 1, got {value!r}")


@attrs.frozen
class RetryPolicy:
    """How a call is retried: only connection errors, 429 and 5xx, within `max_attempts` and `total_timeout` seconds.

    The delay before retry n is `Retry-After` when WeChat Pay sends it (capped at `max_retry_after`), else a random
    value in [0, min(backoff_max, backoff_initial * 2**(n-1))] ("full jitter", so that many clients that failed
    together do not retry together). `total_timeout` bounds when a new attempt may start: an attempt already under
    way runs to its own (finite) timeout, so a call can end up to one timeout after `total_timeout`.
    """

    max_attempts: int = attrs.field(default=3, validator=_at_least_one)
    total_timeout: float = attrs.field(default=30.0, validator=_non_negative)
    backoff_initial: float = attrs.field(default=0.25, validator=_non_negative)
    backoff_max: float = attrs.field(default=8.0, validator=_non_negative)
    max_retry_after: float = attrs.field(default=30.0, validator=_non_negative)
    # Re-send after an attempt whose answer was lost (read timeout, dropped connection, 5xx). Safe for the sync: a
    # repeat of an applied sync answers ORDER_DONE, reported as AlreadySyncedError. False: reconcile by hand instead.
    retry_unknown_outcomes: bool = True

    def delay(self, attempt: int, retry_after: float | None, rng: Callable[[], float]) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return float(rng() * min(self.backoff_max, self.backoff_initial * 2 ** (attempt - 1)))


NO_RETRY = RetryPolicy(max_attempts=1)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        # An HTTP-date is allowed too, but WeChat Pay sends seconds; an unparsable value falls back to backoff.
        return None


def _retryable_status(status: int) -> bool:
    return status == 429 or status >= 500


class _Call:
    """The state of one call across its attempts; decides whether and when to try again."""

    def __init__(
        self,
        request: httpx.Request,
        *,
        policy: RetryPolicy,
        resign: Callable[[httpx.Request], None],
        clock: Callable[[], float],
        rng: Callable[[], float],
        backup_base_url: httpx.URL | None,
        on_outcome_unknown: Callable[[httpx.Request], None],
    ) -> None:
        self.request = request
        self._on_outcome_unknown = on_outcome_unknown
        self.attempts: list[Attempt] = []
        self._policy = policy
        self._resign = resign
        self._clock = clock
        self._rng = rng
        self._backup = backup_base_url
        self._started = clock()

    def before_attempt(self) -> None:
        # The first attempt was signed by the auth flow; every later one gets a fresh nonce and timestamp.
        if self.attempts:
            if self._backup is not None and self.attempts[-1].outcome == "not_sent":
                self._switch_to_backup()
            self._resign(self.request)

    def _switch_to_backup(self) -> None:
        assert self._backup is not None  # noqa: S101 - guarded by the caller
        url = self.request.url
        if url.host == self._backup.host and url.port == self._backup.port:
            return
        self.request.url = url.copy_with(scheme=self._backup.scheme, host=self._backup.host, port=self._backup.port)
        self.request.headers["Host"] = self.request.url.netloc.decode("ascii")
        logger.warning("WeChat Pay primary host unreachable; trying the backup host %s", self.request.url.host)

    def after_error(self, exc: httpx.RequestError) -> float | None:
        """Record a transport error; the delay before the next attempt, or None to give up."""
        outcome: Outcome = "not_sent" if isinstance(exc, _NOT_SENT + _FATAL) else "unknown"
        self.attempts.append(
            Attempt(len(self.attempts) + 1, outcome, error=f"{type(exc).__name__}: {exc}", url=str(self.request.url))
        )
        if isinstance(exc, _FATAL):
            return None
        return self._next_delay(None)

    def after_response(self, response: httpx.Response) -> float | None:
        """Record an answer; the delay before the next attempt, or None to return this answer."""
        status = response.status_code
        # A 5xx says nothing about whether the sync was applied before the failure.
        outcome: Outcome = "unknown" if status >= 500 else "answered"
        # The URL is recorded only where it can change (a backup host), sparing a str() per call otherwise.
        url = str(self.request.url) if self._backup is not None else None
        self.attempts.append(Attempt(len(self.attempts) + 1, outcome, status_code=status, url=url))
        if not _retryable_status(status):
            return None
        return self._next_delay(_retry_after(response))

    def _next_delay(self, retry_after: float | None) -> float | None:
        number = len(self.attempts)
        if number >= self._policy.max_attempts:
            return None
        if self.attempts[-1].outcome == "unknown" and not self._policy.retry_unknown_outcomes:
            return None
        delay = self._policy.delay(number, retry_after, self._rng)
        if self._clock() - self._started + delay > self._policy.total_timeout:
            return None
        last = self.attempts[-1]
        logger.info(
            "WeChat Pay call %s %s: attempt %d failed (%s); retrying in %.2f s",
            self.request.method,
            self.request.url.path,
            number,
            last.error or last.status_code,
            delay,
        )
        return delay

    def interrupted(self) -> None:
        """The caller gave up mid-attempt: the request may have left, so the order's outcome is unknown."""
        self._on_outcome_unknown(self.request)

    def finish(self, response: httpx.Response) -> httpx.Response:
        response.extensions[ATTEMPTS_EXTENSION] = tuple(self.attempts)
        return response

    def failure(self, exc: httpx.RequestError) -> Exception:
        """The typed error for a call whose last attempt ended in `exc`."""
        history = "; ".join(f"#{a.number} {a.outcome}: {a.error or a.status_code}" for a in self.attempts)
        where = f"{self.request.method} {self.request.url}"
        if any(attempt.outcome == "unknown" for attempt in self.attempts):
            self._on_outcome_unknown(self.request)
            cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else OutcomeUnknownError
            return cls(
                f"{where}: the request was sent but no answer arrived ({history}). It may have taken effect: "
                "query the order before any retry",
                request=self.request,
                attempts=self.attempts,
            )
        return APIConnectionError(
            f"{where}: WeChat Pay could not be reached ({history}). Nothing was sent; the order is unchanged and "
            "the call can be retried",
            request=self.request,
            attempts=self.attempts,
        )


@attrs.define
class _Settings:
    policy: RetryPolicy
    resign: Callable[[httpx.Request], None]
    clock: Callable[[], float]
    rng: Callable[[], float]
    backup_base_url: httpx.URL | None
    on_outcome_unknown: Callable[[httpx.Request], None]

    def start(self, request: httpx.Request) -> _Call:
        return _Call(
            request,
            policy=self.policy,
            resign=self.resign,
            clock=self.clock,
            rng=self.rng,
            backup_base_url=self.backup_base_url,
            on_outcome_unknown=self.on_outcome_unknown,
        )


def _settings(  # noqa: PLR0917 - private, called with every argument in two places
    policy: RetryPolicy,
    resign: Callable[[httpx.Request], None],
    clock: Callable[[], float] | None,
    rng: Callable[[], float] | None,
    backup_base_url: str | None,
    on_outcome_unknown: Callable[[httpx.Request], None] | None,
) -> _Settings:
    return _Settings(
        policy=policy,
        resign=resign,
        clock=clock or time.monotonic,
        rng=rng or random.random,
        backup_base_url=httpx.URL(backup_base_url) if backup_base_url else None,
        on_outcome_unknown=on_outcome_unknown or _ignore,
    )


def _ignore(_: httpx.Request) -> None:
    """No one to tell that an outcome is unknown (the typed error still says so)."""


class RetryingTransport(httpx.BaseTransport):
    """Wraps a transport: records each attempt, types transport errors, retries per `RetryPolicy`."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        policy: RetryPolicy = NO_RETRY,
        resign: Callable[[httpx.Request], None],
        backup_base_url: str | None = None,
        sleep: Callable[[float], None] | None = None,
        on_outcome_unknown: Callable[[httpx.Request], None] | None = None,
        clock: Callable[[], float] | None = None,
        rng: Callable[[], float] | None = None,
    ) -> None:
        self._inner = inner
        self._sleep = sleep or time.sleep
        self._settings = _settings(policy, resign, clock, rng, backup_base_url, on_outcome_unknown)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        call = self._settings.start(request)
        while True:
            call.before_attempt()
            try:
                response = self._inner.handle_request(request)
                # Read here, so that a connection lost mid-body is typed like any other lost answer.
                response.read()
            except httpx.RequestError as exc:  # transport errors, and a body that cannot be decoded
                delay = call.after_error(exc)
                if delay is None:
                    raise call.failure(exc) from exc
            except BaseException:
                # Interrupted (KeyboardInterrupt, cancellation) while the request may be on the wire.
                call.interrupted()
                raise
            else:
                delay = call.after_response(response)
                if delay is None:
                    return call.finish(response)
                response.close()
            self._sleep(delay)

    def close(self) -> None:
        self._inner.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    """The async twin of `RetryingTransport`, sharing its decisions."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        policy: RetryPolicy = NO_RETRY,
        resign: Callable[[httpx.Request], None],
        backup_base_url: str | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        on_outcome_unknown: Callable[[httpx.Request], None] | None = None,
        clock: Callable[[], float] | None = None,
        rng: Callable[[], float] | None = None,
    ) -> None:
        self._inner = inner
        self._sleep = sleep or _anyio_sleep
        self._settings = _settings(policy, resign, clock, rng, backup_base_url, on_outcome_unknown)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call = self._settings.start(request)
        while True:
            call.before_attempt()
            try:
                response = await self._inner.handle_async_request(request)
                await response.aread()
            except httpx.RequestError as exc:  # transport errors, and a body that cannot be decoded
                delay = call.after_error(exc)
                if delay is None:
                    raise call.failure(exc) from exc
            except BaseException:
                # Cancelled (asyncio.wait_for, a task group) while the request may be on the wire.
                call.interrupted()
                raise
            else:
                delay = call.after_response(response)
                if delay is None:
                    return call.finish(response)
                await response.aclose()
            await self._sleep(delay)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def _anyio_sleep(seconds: float) -> None:
    # anyio (an httpx dependency) sleeps under asyncio and trio alike; imported on first retry, not at import time.
    import anyio  # noqa: PLC0415

    await anyio.sleep(seconds)
