"""What an answer means: the one place that decides success, or exactly one error class, and whether to retry.

Pure functions of plain facts, tested as a table (`tests/client/test_outcome_table.py`). The rules:

- a verified, declared success is success; nothing else is;
- a signed 2xx that is not the declared success, any answer that cannot be verified (of any status) to a request
  that was sent, a 5xx, a lost answer: the outcome is unknown, and the order is remembered as in doubt;
- an unsigned body's claims decide nothing (its `code` is never taken for WeChat Pay's);
- a signed code the operation declares "already there" (`x-outcome.already-there`: `ORDER_DONE` to a sync,
  `ORDER_CANCELED` to a cancel) is "applied by us" when an attempt of ours may have applied the call (this call's,
  or one the client remembers), else "already there by other means"; either way a query can give the evidence;
- any other state code (`INVALID_ORDER_STATE`, `ORDER_DONE`, `ORDER_CANCELED`) is a refusal: the state forbids it;
- a signed refusal after an attempt of this call whose answer was lost still leaves the outcome unknown — except for a
  re-entrant call (原参重入: create, cancel, a registration), whose identical re-send is answered as the state
  really is: an applied earlier attempt would have made it succeed, so its refusal or "already there" is definitive
  and not ours.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import attrs
from wechatpay_auth import WechatPayError

from ._errors import (
    AlreadyAppliedError,
    AlreadySyncedError,
    AlreadyThereError,
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    EndpointNotFoundError,
    Evidence,
    OrderAlreadyCancelledError,
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
from ._verdicts import FORBIDDING, Verdict

__all__ = [
    "MAX_RETRY_AFTER",
    "AnswerKind",
    "Facts",
    "History",
    "Meaning",
    "meaning",
    "parse_retry_after",
    "reconciled",
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

# Codes that say the order's state forbids the call (unless the operation declares the code "already there").
_STATE_CODES = frozenset({"INVALID_ORDER_STATE", "ORDER_CANCELED", "ORDER_DONE"})
# An "already there" code → (by other means, by an attempt of ours): the class names where the order is.
_ALREADY_THERE: dict[str, tuple[type[AlreadyThereError], type[AlreadyThereError]]] = {
    "ORDER_DONE": (OrderAlreadyDoneError, AlreadySyncedError),
    "ORDER_CANCELED": (OrderAlreadyCancelledError, AlreadyAppliedError),
}
_ALREADY_THERE_DEFAULT = (AlreadyThereError, AlreadyAppliedError)


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
    remembered: bool = False  # the client remembers an earlier call of this operation whose outcome was unknown
    changes_state: bool = True  # the operation changes the order; a query does not
    # The signed codes that mean "the order is already where this call would put it" (`x-outcome.already-there`).
    already_there: frozenset[str] = frozenset()
    # 原参重入: the identical body may be sent again and is answered as the state is (`x-outcome.resend: same-body`).
    resend_safe: bool = False

    @property
    def doubt_survives_an_answer(self) -> bool:
        """A signed answer after a lost attempt may not speak for that attempt (it does for a re-entrant call)."""
        return self.earlier_in_doubt and self.changes_state and not self.resend_safe


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
    doubt = history.doubt_survives_an_answer
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
    if status == 400 and code is not None and code in history.already_there:
        # A re-entrant call's own applied attempt is answered as a success, never with an "already there" code.
        ours = (history.earlier_in_doubt or history.remembered) and not history.resend_safe
        other, by_us = _ALREADY_THERE.get(code, _ALREADY_THERE_DEFAULT)
        return Meaning(
            by_us if ours else other,
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


# Where a verified query found the order, when it is already where the call would put it, by other means.
_THERE_BY_STATE: dict[str, type[AlreadyThereError]] = {
    "DONE": OrderAlreadyDoneError,
    "REVOKED": OrderAlreadyCancelledError,
    "EXPIRED": OrderAlreadyCancelledError,  # what ORDER_CANCELED means to a cancel: the order will not be charged
}


def reconciled(
    verdict: Verdict, already_there: frozenset[str], state: str | None
) -> tuple[type[WechatPayAPIError], int, str | None]:
    """The error a settled doubt is reported as (class, status, code), from the query's verdict (a table).

    `applied` is the call's success, made by an attempt of ours (`AlreadySyncedError` for a sync, named by the
    operation's "already there" code); `already_there` names where the order is; a state that forbids the call is
    a refusal; `not_found` is no such order. `not_applied` is not an error: the call may be sent again.
    """
    if verdict is Verdict.APPLIED:
        code = min(already_there, default="")
        return _ALREADY_THERE.get(code, _ALREADY_THERE_DEFAULT)[1], 200, None
    if verdict is Verdict.ALREADY_THERE:
        return _THERE_BY_STATE.get(state or "", AlreadyThereError), 200, None
    if verdict is Verdict.NOT_FOUND:
        return OrderNotFoundError, 404, "ORDER_NOT_EXIST"
    if verdict in FORBIDDING:
        return OrderStateError, 200, None
    raise ValueError(f"{verdict} is not an error: the call may be sent again")


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
