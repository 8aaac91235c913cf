"""What a call can raise: thin classes, one family per thing a caller does next.

    WechatPayError                              (wechatpay_auth) base of everything; four predicates on each
    ├── ConfigurationError                      (wechatpay_auth) bad keys, ids or settings, at construction
    ├── RequestValidationError                  refused before signing: fix the input; nothing was sent
    ├── APIConnectionError                      WeChat Pay was not reached; nothing was sent; safe to retry
    ├── NotAppliedError                         a query proved the call was not applied; safe to send again
    ├── OutcomeUnknownError                     the request was sent and may have taken effect: reconcile
    │   ├── APITimeoutError                         no (complete) answer in time, or the connection dropped
    │   ├── UnverifiedResponseError                 the answer is unsigned, forged, replayed or a probe
    │   ├── UnexpectedResponseError                 a signed answer the contract does not declare
    │   ├── ServerError (+ WechatPayAPIError)       5xx: "use the same parameters later"
    │   └── ReconciliationError                     the query that should settle the doubt did not complete
    └── WechatPayAPIError                       WeChat Pay answered, signed, with a declared non-2xx status
        ├── BadRequestError                         400 PARAM_ERROR / INVALID_REQUEST and other 400s
        ├── OrderStateError                         refused: the order's state forbids the call (or a deduction
        │                                               blocks it); INVALID_ORDER_STATE, REVOKED, EXPIRED, DONE
        ├── AlreadyThereError                       the order is already where the call would put it
        │   ├── AlreadyAppliedError                     ... by an earlier attempt of this call: its success
        │   ├── OrderAlreadyDoneError                   ... DONE (ORDER_DONE to a sync), by other means
        │   │   └── AlreadySyncedError                      ... by an earlier sync of ours (also AlreadyAppliedError)
        │   └── OrderAlreadyCancelledError              ... REVOKED (ORDER_CANCELED to a cancel), by other means
        ├── SignatureRejectedError                  401 SIGN_ERROR (with WeChat's sign_information echo)
        ├── PermissionDeniedError                   403 NO_AUTH
        ├── OrderNotFoundError                      404 ORDER_NOT_EXIST
        ├── EndpointNotFoundError                   404 for a path WeChat Pay does not serve (check base_url)
        └── RateLimitedError                        429 FREQUENCY_LIMITED (retryable; retry_after)

Which class a given answer raises is decided in one place, `_outcome.meaning()`; the texts are in `_messages`.
The predicates `retryable`, `outcome_unknown`, `already_done` and `not_found` are set on every instance. Every
exception pickles into the same class with the same fields; the httpx request and response are left behind (they
are process-local and hold the signed headers), so a pickle carries no key material and no signature.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs
from wechatpay_auth import ResponseVerificationError, WechatPayError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIConnectionError",
    "APITimeoutError",
    "AlreadyAppliedError",
    "AlreadySyncedError",
    "AlreadyThereError",
    "Attempt",
    "BadRequestError",
    "EndpointNotFoundError",
    "Evidence",
    "NotAppliedError",
    "OrderAlreadyCancelledError",
    "OrderAlreadyDoneError",
    "OrderNotFoundError",
    "OrderStateError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ReconciliationError",
    "RequestValidationError",
    "ServerError",
    "SignatureRejectedError",
    "UnexpectedResponseError",
    "UnverifiedResponseError",
    "ValidationProblem",
    "WechatPayAPIError",
]

Outcome = Literal["not_sent", "answered", "unknown"]
# What an "already done" or "synced" verdict rests on: the verified query answer, or this client's memory of an
# attempt whose answer was lost.
Evidence = Literal["query", "memory"]


@attrs.frozen
class Attempt:
    """One try of a call: whether it reached WeChat Pay, and what came back."""

    number: int
    outcome: Outcome
    status_code: int | None = None
    error: str | None = None
    url: str | None = None
    request_id: str | None = None


@attrs.frozen
class ValidationProblem:
    """One rule of the contract that a request breaks."""

    location: str
    field: str
    value: Any
    rule: str
    message: str

    def describe(self) -> str:
        return f"{self.location} {self.field} = {_short(self.value)}: {self.message} (rule: {self.rule})"


def _short(value: Any, limit: int = 80) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a hostile __repr__ must not hide the real problem
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


# Fields never pickled: process-local objects that also carry the signed request and answer.
_LOCAL = frozenset({"request", "response", "verification_error"})


def _restore(cls: type[_ClientError], message: str, state: dict[str, Any]) -> _ClientError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class _ClientError(WechatPayError):
    """Fields and pickling shared by every exception of the client; the predicates are per instance."""

    request: httpx.Request | None = None
    response: httpx.Response | None = None
    attempts: tuple[Attempt, ...] = ()

    def _set(
        self,
        *,
        retryable: bool,
        outcome_unknown: bool,
        already_done: bool = False,
        not_found: bool = False,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
        attempts: Sequence[Attempt] = (),
    ) -> None:
        self.retryable = retryable
        self.outcome_unknown = outcome_unknown
        self.already_done = already_done
        self.not_found = not_found
        self.request = request
        self.response = response
        self.attempts = tuple(attempts)

    def __reduce__(self) -> tuple[Any, ...]:
        state = {key: value for key, value in self.__dict__.items() if key not in _LOCAL}
        return (_restore, (type(self), str(self), state))


class RequestValidationError(_ClientError, ValueError):
    """The request breaks the contract (or is not a request at all); refused before it was signed or sent."""

    def __init__(self, problems: Sequence[ValidationProblem], *, method: str, path: str) -> None:
        self.problems = tuple(problems)
        self.method = method
        self.path = path
        first = self.problems[0]
        self.location = first.location
        self.field = first.field
        self.value = first.value
        self.rule = first.rule
        self._set(retryable=False, outcome_unknown=False)
        lines = [f"invalid request to {method} {path}, refused before sending: {first.describe()}"]
        lines += [f"  also: {problem.describe()}" for problem in self.problems[1:]]
        Exception.__init__(self, "\n".join(lines))


class APIConnectionError(_ClientError):
    """WeChat Pay could not be reached (connect failure or timeout, pool exhausted): nothing was sent."""

    def __init__(self, message: str, *, request: httpx.Request | None = None, attempts: Sequence[Attempt] = ()) -> None:
        self._set(retryable=True, outcome_unknown=False, request=request, attempts=attempts)
        Exception.__init__(self, message)


class NotAppliedError(_ClientError):
    """A verified query proved that the call was not applied (the order is still where the call applies).

    Raised when the client may not re-send it itself (`ReconcilePolicy.max_resends` used up); safe to send again.
    `order` is the verified order.
    """

    def __init__(
        self,
        message: str,
        *,
        order: Any = None,
        request_id: str | None = None,
        request: httpx.Request | None = None,
        attempts: Sequence[Attempt] = (),
    ) -> None:
        self._set(retryable=True, outcome_unknown=False, request=request, attempts=attempts)
        self.order = order
        self.request_id = request_id
        # What the "not applied" rests on: the verified answer in `order`, when a query made it.
        self.evidence: Evidence | None = "query" if order is not None else None
        Exception.__init__(self, message)


class OutcomeUnknownError(_ClientError):
    """The request was sent but what it did is unknown: it may have taken effect.

    Reconcile before any retry: `reconcile_sync()` queries the order and says what happened, and a client built
    with `reconcile=True` does it in the call.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
        attempts: Sequence[Attempt] = (),
        request_id: str | None = None,
        status_code: int | None = None,
    ) -> None:
        self._set(retryable=True, outcome_unknown=True, request=request, response=response, attempts=attempts)
        self.request_id = request_id
        self.status_code = status_code
        # True: the answer was signed by WeChat Pay; False: it was not (or failed the check); None: no answer.
        self.verified: bool | None = None
        Exception.__init__(self, message)


class APITimeoutError(OutcomeUnknownError):
    """No complete answer arrived in time after the request was sent, or the connection dropped mid-answer.

    `bound` names the limit that was hit: `"attempt"` (the client's timeout), `"total"` (the retry policy's
    `total_timeout`) or `"read"` (one read of the socket).
    """

    bound: str | None = None


class UnverifiedResponseError(OutcomeUnknownError):
    """The answer cannot be trusted: unsigned, forged, replayed, a `WECHATPAY/SIGNTEST/` probe, or mis-framed.

    Whatever it claims (`claimed_code`, `body`) decided nothing. `verification_error` is the auth plugin's error,
    with the checklist step that failed, when the answer carried a signature that did not verify.
    """

    verification_error: ResponseVerificationError | None = None
    claimed_code: str | None = None
    body: bytes = b""


class UnexpectedResponseError(OutcomeUnknownError):
    """A signed answer whose status the contract does not declare for this operation (e.g. a 200 for the 204)."""

    body: bytes = b""


class ReconciliationError(OutcomeUnknownError):
    """The query meant to settle an unknown outcome could not be completed: the doubt remains.

    `__cause__` is the last error of the query; `original` describes what made the outcome unknown.
    """

    original: str | None = None


class WechatPayAPIError(_ClientError):
    """WeChat Pay answered, with a verified signature, a declared non-2xx status: it refused the call.

    `code`, `message` and `detail` are WeChat Pay's (signed). `evidence` says what an "already done" verdict rests
    on (`"query"`: the verified order in `order`; `"memory"`: an attempt of ours whose answer was lost).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        wechat_message: str | None = None,
        detail: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        verified: bool = True,
        body: bytes = b"",
        retry_after: float | None = None,
        outcome_unknown: bool = False,
        retryable: bool = False,
        already_done: bool = False,
        not_found: bool = False,
        evidence: Evidence | None = None,
        order: Any = None,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
        attempts: Sequence[Attempt] = (),
    ) -> None:
        self._set(
            retryable=retryable,
            outcome_unknown=outcome_unknown,
            already_done=already_done,
            not_found=not_found,
            request=request,
            response=response,
            attempts=attempts,
        )
        self.status_code: int | None = status_code
        self.code = code
        self.message = wechat_message
        self.detail = dict(detail) if detail is not None else None
        self.request_id = request_id
        self.verified: bool | None = verified
        self.body = body
        self.retry_after = retry_after
        self.evidence: Evidence | None = evidence
        self.order = order
        Exception.__init__(self, message)

    @property
    def earlier_outcome_unknown(self) -> bool:
        """An earlier attempt of this call (or of this order) was sent and its answer lost."""
        return self.outcome_unknown


class BadRequestError(WechatPayAPIError):
    """400 PARAM_ERROR, INVALID_REQUEST or another 400 the caller must fix."""


class OrderStateError(WechatPayAPIError):
    """Refused: the order's state forbids this call (INVALID_ORDER_STATE, an order REVOKED, EXPIRED or DONE).

    Also while a registered deduction (扣款单) is effective: it blocks cancel, modify and sync for up to 24 hours,
    until it lapses or is closed at the clearing house. The message says which, and what to do.
    """


class AlreadyThereError(WechatPayAPIError):
    """The order is already where this call would put it: nothing is left to do (`already_done` is set).

    The subclass says how it got there: `AlreadyAppliedError`, by an earlier attempt of this call whose answer was
    lost (the call's success); `OrderAlreadyDoneError` / `OrderAlreadyCancelledError`, by other means.
    """


class AlreadyAppliedError(AlreadyThereError):
    """The call's effect is in place, made by an earlier attempt of ours whose answer had been lost: its success.

    `evidence` is `"query"` when the verified order (`order`) shows our effect, `"memory"` when only this client's
    record of a lost attempt says so (an `already-there` code answered to a call that was in doubt).
    """


class OrderAlreadyDoneError(AlreadyThereError):
    """ORDER_DONE: the order was completed before this call, by other means (a deduction, the user, a sync)."""


class AlreadySyncedError(OrderAlreadyDoneError, AlreadyAppliedError):
    """The order is DONE by our own sync, whose answer had been lost: for the caller, the sync's success.

    `evidence` is `"query"` when the verified order shows our `MCH` payment with our `paid_time` (then `order` is
    that order), `"memory"` when only this client's record of a lost attempt says so.
    """


class OrderAlreadyCancelledError(AlreadyThereError):
    """ORDER_CANCELED to a cancel: the order was already revoked (or had expired) before this call."""


class SignatureRejectedError(WechatPayAPIError):
    """401 SIGN_ERROR: WeChat Pay could not verify the request signature.

    `sign_information` echoes the message WeChat Pay verified; compare it with the canonical message the auth plugin
    logs at DEBUG (logger `wechatpay_auth`). Usual causes: a wrong merchant serial or private key, a clock far off.
    """

    @property
    def sign_information(self) -> Mapping[str, Any] | None:
        info = (self.detail or {}).get("sign_information")
        return info if isinstance(info, Mapping) else None


class PermissionDeniedError(WechatPayAPIError):
    """403 NO_AUTH: this merchant may not call this API (or the ids do not belong together)."""


class OrderNotFoundError(WechatPayAPIError):
    """404 ORDER_NOT_EXIST (or a query that found no such order): no such order for this merchant."""


class EndpointNotFoundError(WechatPayAPIError):
    """404 with another code: WeChat Pay serves no such path. Check `base_url` (e.g. a doubled `/v3`)."""


class RateLimitedError(WechatPayAPIError):
    """429 FREQUENCY_LIMITED / RATELIMIT_EXCEEDED: slow down; `retry_after` says how long when WeChat Pay does."""


class ServerError(WechatPayAPIError, OutcomeUnknownError):
    """5xx from WeChat Pay (signed) or a gateway (unsigned): the sync may or may not have been applied."""
