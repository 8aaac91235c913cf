"""`RetryPolicy` and `ReconcilePolicy`: how far a call may go to get a definite answer.

Both are plain, validated values; the decisions that use them are `_outcome.retry_delay()` and the pipeline.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import attrs
from wechatpay_auth import ConfigurationError

__all__ = ["NO_RETRY", "ReconcilePolicy", "RetryPolicy"]


def _non_negative(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ConfigurationError(
            f"{type(instance).__name__}.{attribute.name} must be a finite number >= 0, got {value!r}"
        )


def _count(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"{type(instance).__name__}.{attribute.name} must be an integer >= 0, got {value!r}")


def _at_least_one(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"{type(instance).__name__}.{attribute.name} must be an integer >= 1, got {value!r}")


@attrs.frozen
class RetryPolicy:
    """How a call is retried: nothing-sent errors, 429 and (when allowed) unknown outcomes, within bounds.

    `max_attempts` counts every attempt; `total_timeout` bounds the whole call, every attempt and wait included
    (an attempt under way is cut off at the deadline, and its outcome is then unknown). The delay before retry n is
    `Retry-After` when WeChat Pay sends it (capped at `max_retry_after`), else a random value in
    [0, min(backoff_max, backoff_initial * 2**(n-1))] ("full jitter", so that clients that failed together do not
    retry together).
    """

    max_attempts: int = attrs.field(default=3, validator=_at_least_one)
    total_timeout: float = attrs.field(default=30.0, validator=_non_negative)
    backoff_initial: float = attrs.field(default=0.25, validator=_non_negative)
    backoff_max: float = attrs.field(default=8.0, validator=_non_negative)
    max_retry_after: float = attrs.field(default=30.0, validator=_non_negative)
    # Re-send after an attempt whose answer was lost (timeout, dropped connection, 5xx, unverifiable answer). A
    # repeat of an applied sync answers ORDER_DONE, reported as AlreadySyncedError. With reconciliation on, the
    # client queries instead and re-sends only when the query proves the sync was not applied.
    retry_unknown_outcomes: bool = True

    def backoff(self, attempt: int, rng: Callable[[], float]) -> float:
        """Full-jitter delay after failed attempt number `attempt` (1-based)."""
        return float(rng() * min(self.backoff_max, self.backoff_initial * 2 ** (attempt - 1)))

    def delay(self, attempt: int, retry_after: float | None, rng: Callable[[], float]) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return self.backoff(attempt, rng)


# One attempt, bounded by the client's timeout alone: the whole-call budget is a day, which no attempt reaches.
NO_RETRY = RetryPolicy(max_attempts=1, total_timeout=86_400.0)


@attrs.frozen
class ReconcilePolicy:
    """How hard the client tries to settle an unknown outcome: re-sends and queries, as its `x-outcome` says.

    `max_queries` queries at most, within `deadline` seconds of their own; `max_resends` re-sends of the call: of the
    identical body for a re-entrant call (create, cancel, a registration), otherwise each only after a verified query
    proved the call had not been applied.
    """

    max_queries: int = attrs.field(default=3, validator=_at_least_one)
    deadline: float = attrs.field(default=30.0, validator=_non_negative)
    max_resends: int = attrs.field(default=1, validator=_count)
