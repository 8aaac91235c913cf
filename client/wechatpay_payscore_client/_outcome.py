"""What an answer means: the one place that decides success, or exactly one error class, and whether to retry.

Pure functions of plain facts, tested as a table (`tests/client/test_outcome_table.py`). The rules:

- a verified, declared success is success; nothing else is;
- a signed 2xx that is not the declared success, any answer that cannot be verified (of any status) to a request
  that was sent, a 5xx, a lost answer: the outcome is unknown, and the order is remembered as in doubt;
- an unsigned body's claims decide nothing (its `code` is never taken for WeChat Pay's);
- a signed `ORDER_DONE` is "already synced" when an attempt of ours may have applied the sync (this call's, or one
  the client remembers), else "already done by other means"; either way a query can give the evidence;
- a signed refusal after an attempt of this call whose answer was lost still leaves the outcome unknown.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import attrs
from wechatpay_auth import WechatPayError

from ._errors import (
    AlreadySyncedError,
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    EndpointNotFoundError,
    Evidence,
    OrderAlreadyDoneError,
    OrderNotFoundError,
    OrderStateError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    SignatureRejectedError,
    UnexpectedResponseError,
    UnverifiedResponseError,
    WechatPayAPIError,
)

__all__ = [
    "MAX_RETRY_AFTER",
    "AnswerKind",
    "Facts",
    "History",
    "Meaning",
    "meaning",
    "parse_retry_after",
    "retry_delay",
]

# What became of one attempt, as far as the transport and the signature check could tell.
AnswerKind = Literal[
    "not_sent",  # nothing left this machine (connect error, pool timeout): the order is unchanged
    "lost",  # sent, and no complete answer came back (timeout, dropped connection, oversized or mis-framed)
    "unverifiable",  # an answer whose signature failed the checklist (forged, replayed, a probe, unsigned 2xx)
    "unsigned",  # a non-2xx answer carrying no signature at all (a gateway's page, or a forgery)
    "signed",  # an answer whose signature verified: WeChat Pay's word
]

# Seconds: an answer may ask to wait, but no longer than this (a hostile `Retry-After: 1e9` must not stall a batch).
MAX_RETRY_AFTER = 300.0

_STATE_CODES = frozenset({"INVALID_ORDER_STATE", "ORDER_CANCELED"})


@attrs.frozen
class Facts:
    """What one attempt established."""

    kind: AnswerKind
    status: int | None = None
    code: str | None = None  # WeChat Pay's code; only ever set for a signed answer
    declared: bool = False  # the contract declares this status for the operation
    success: bool = False  # a declared 2xx
    timeout: bool = False  # lost to a timeout rather than a dropped connection


@attrs.frozen
class History:
    """What was known before this attempt."""

    earlier_in_doubt: bool = False  # an earlier attempt of this call was sent and its answer lost
    remembered: bool = False  # the client remembers an earlier call for this order whose outcome was unknown
    changes_state: bool = True  # the operation changes the order (a sync); a query does not


@attrs.frozen
class Meaning:
    """The verdict on one attempt: success (`error is None`) or one error class with its predicates."""

    error: type[WechatPayError] | None
    outcome_unknown: bool = False
    retryable: bool = False
    already_done: bool = False
    not_found: bool = False
    evidence: Evidence | None = None
    # This attempt may have been applied: the client keeps the order in doubt until a definite answer.
    in_doubt: bool = False
    # A query of the order can settle it: the outcome is unknown, or an ORDER_DONE is to be attributed.
    reconcilable: bool = False

    @property
    def success(self) -> bool:
        return self.error is None


_SUCCESS = Meaning(error=None)


def _unknown(error: type[WechatPayError], history: History) -> Meaning:
    return Meaning(
        error=error,
        outcome_unknown=True,
        retryable=True,
        in_doubt=True,
        reconcilable=history.changes_state,
    )


def _refusal(
    error: type[WechatPayAPIError], history: History, *, retryable: bool = False, not_found: bool = False
) -> Meaning:
    doubt = history.earlier_in_doubt and history.changes_state
    return Meaning(error=error, outcome_unknown=doubt, retryable=retryable, not_found=not_found, reconcilable=doubt)


def meaning(facts: Facts, history: History = History()) -> Meaning:
    """Decide what one attempt's answer means (protocol: only a verified declared success is success)."""
    if facts.kind == "not_sent":
        if history.earlier_in_doubt and history.changes_state:
            # This attempt left nothing, but an earlier one of this call may have been applied.
            return Meaning(OutcomeUnknownError, outcome_unknown=True, retryable=True, reconcilable=True)
        return Meaning(APIConnectionError, retryable=True)
    if facts.kind == "lost":
        return _unknown(APITimeoutError if facts.timeout else OutcomeUnknownError, history)
    if facts.kind == "unverifiable":
        return _unknown(UnverifiedResponseError, history)
    status = facts.status or 0
    if facts.kind == "unsigned":
        return _unknown(ServerError if status >= 500 else UnverifiedResponseError, history)
    return _signed(facts, status, history)


def _signed(facts: Facts, status: int, history: History) -> Meaning:  # noqa: PLR0911 - a table, row by row
    if facts.success:
        return _SUCCESS
    if status >= 500:
        return _unknown(ServerError, history)
    if status == 429:
        return _refusal(RateLimitedError, history, retryable=True)
    if not facts.declared or status < 400:
        # A 200 where the 204 is the success, a 3xx, a status nobody declared: WeChat Pay said something we do not
        # understand about a request it received.
        return _unknown(UnexpectedResponseError, history)
    code = facts.code
    if status == 400 and code == "ORDER_DONE":
        ours = history.earlier_in_doubt or history.remembered
        return Meaning(
            AlreadySyncedError if ours else OrderAlreadyDoneError,
            already_done=True,
            evidence="memory" if ours else None,
            reconcilable=history.changes_state,
        )
    if status == 400:
        return _refusal(OrderStateError if code in _STATE_CODES else BadRequestError, history)
    if status == 404:
        if code == "ORDER_NOT_EXIST":
            return _refusal(OrderNotFoundError, history, not_found=True)
        return _refusal(EndpointNotFoundError, history)
    by_status: dict[int, type[WechatPayAPIError]] = {401: SignatureRejectedError, 403: PermissionDeniedError}
    return _refusal(by_status.get(status, WechatPayAPIError), history)


def parse_retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds, capped at `MAX_RETRY_AFTER`; None when absent or not a finite number.

    An HTTP-date is allowed by RFC 9110 too, but WeChat Pay sends seconds; anything else falls back to backoff.
    """
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(seconds):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


def retry_delay(
    verdict: Meaning,
    *,
    attempts_made: int,
    max_attempts: int,
    retry_unknown_outcomes: bool,
    changes_state: bool,
    remaining: float,
    backoff: Callable[[int], float],
    retry_after: float | None,
) -> float | None:
    """Seconds to wait before the next attempt, or None to stop here.

    Retried: nothing sent; 429; and, for a call that changes nothing or when asked (`retry_unknown_outcomes`), an
    unknown outcome — a repeat of an applied sync is answered ORDER_DONE, which reads "already synced".
    """
    if verdict.success or not verdict.retryable or attempts_made >= max_attempts:
        return None
    if verdict.in_doubt and changes_state and not retry_unknown_outcomes:
        return None
    delay = retry_after if retry_after is not None else backoff(attempts_made)
    if delay >= remaining:
        return None
    return delay
