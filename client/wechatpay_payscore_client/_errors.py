"""What a call can raise, one family per thing a caller does next.

    WechatPayError                              (wechatpay_auth; the base of everything below)
    ├── ConfigurationError                      (wechatpay_auth) bad keys, ids or settings, at construction
    ├── ResponseVerificationError ...           (wechatpay_auth) only when the auth plugin is used on its own
    ├── RequestValidationError                  refused before signing: fix the input; nothing was sent
    ├── APIConnectionError                      WeChat Pay was not reached; nothing was sent; safe to retry
    ├── OutcomeUnknownError                     the request was sent, the answer is lost or untrustworthy:
    │   ├── APITimeoutError                         query the order before any retry
    │   └── UnverifiedResponseError                 (answer failed signature verification, a probe included)
    └── WechatPayAPIError                       WeChat Pay answered with a non-2xx status
        ├── BadRequestError                         400 PARAM_ERROR / INVALID_REQUEST and other 400s
        ├── OrderStateError                         400 INVALID_ORDER_STATE / ORDER_CANCELED
        ├── OrderAlreadyDoneError                   400 ORDER_DONE
        │   └── AlreadySyncedError                      ... after an attempt of this call whose outcome was unknown
        ├── SignatureRejectedError                  401 SIGN_ERROR (with WeChat's sign_information echo)
        ├── PermissionDeniedError                   403 NO_AUTH
        ├── OrderNotFoundError                      404 ORDER_NOT_EXIST
        ├── RateLimitedError                        429 (retryable)
        ├── ServerError                             5xx (retryable; the outcome may be unknown)
        └── UnexpectedResponseError                 a status the contract does not declare

Every exception names what went wrong and what to do; none carries a private key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal

import attrs
import httpx
from wechatpay_auth import ResponseVerificationError, WechatPayError

__all__ = [
    "APIConnectionError",
    "APITimeoutError",
    "AlreadySyncedError",
    "Attempt",
    "BadRequestError",
    "OrderAlreadyDoneError",
    "OrderNotFoundError",
    "OrderStateError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RequestValidationError",
    "ServerError",
    "SignatureRejectedError",
    "UnexpectedResponseError",
    "UnverifiedResponseError",
    "ValidationProblem",
    "WechatPayAPIError",
]

Outcome = Literal["not_sent", "answered", "unknown"]


@attrs.frozen
class Attempt:
    """One try of a call: whether it reached WeChat Pay, and what came back."""

    number: int
    outcome: Outcome
    status_code: int | None = None
    error: str | None = None
    url: str | None = None


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
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class RequestValidationError(WechatPayError, ValueError):
    """The request breaks the contract; it was refused before it was signed or sent."""

    def __init__(self, problems: Sequence[ValidationProblem], *, method: str, path: str) -> None:
        self.problems = tuple(problems)
        self.method = method
        self.path = path
        first = self.problems[0]
        self.location = first.location
        self.field = first.field
        self.value = first.value
        self.rule = first.rule
        lines = [f"invalid request to {method} {path}, refused before sending: {first.describe()}"]
        lines += [f"  also: {problem.describe()}" for problem in self.problems[1:]]
        super().__init__("\n".join(lines))


class APIConnectionError(WechatPayError):
    """WeChat Pay could not be reached (connect failure or timeout, pool exhausted): nothing was sent.

    Safe to retry; the order is unchanged.
    """

    retryable: ClassVar[bool] = True
    outcome_unknown: ClassVar[bool] = False

    def __init__(self, message: str, *, request: httpx.Request, attempts: Sequence[Attempt] = ()) -> None:
        self.request = request
        self.attempts = tuple(attempts)
        super().__init__(message)


class OutcomeUnknownError(WechatPayError):
    """The request was sent but its answer was lost or cannot be trusted: it may have taken effect.

    Query the order (`GET /v3/payscore/acquiringbank/serviceorder`) before retrying; a retry of a sync that did take
    effect is answered `ORDER_DONE`.
    """

    retryable: ClassVar[bool] = True
    outcome_unknown: ClassVar[bool] = True

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request,
        attempts: Sequence[Attempt] = (),
        response: httpx.Response | None = None,
    ) -> None:
        self.request = request
        self.response = response
        self.attempts = tuple(attempts)
        super().__init__(message)


class APITimeoutError(OutcomeUnknownError):
    """The answer did not arrive in time after the request was sent (read timeout, dropped connection)."""


class UnverifiedResponseError(OutcomeUnknownError):
    """WeChat Pay's answer failed signature verification (including a `WECHATPAY/SIGNTEST/` probe).

    The answer may be forged, or genuine with a key this client does not hold; either way the request may already
    have taken effect. `verification_error` is the auth plugin's error, with the checklist step that failed.
    """

    def __init__(
        self, verification_error: ResponseVerificationError, *, request: httpx.Request, attempts: Sequence[Attempt]
    ) -> None:
        self.verification_error = verification_error
        self.request_id: str | None = getattr(verification_error, "request_id", None)
        super().__init__(
            f"{verification_error} — the request was sent and may already have taken effect: query the order "
            "before any retry",
            request=request,
            attempts=attempts,
            response=getattr(verification_error, "response", None),
        )


class WechatPayAPIError(WechatPayError):
    """WeChat Pay answered with a non-2xx status (or one the contract does not declare).

    Raised only after the answer's signature was checked: `verified` says whether it was signed by WeChat Pay.
    An unsigned answer (a gateway's HTML page) is kept, marked `verified=False`.
    """

    retryable: ClassVar[bool] = False
    # True for the statuses after which the request may have been applied, and for any answer that follows an
    # attempt of the same call whose answer was lost.
    outcome_unknown: bool = False
    already_done: ClassVar[bool] = False
    not_found: ClassVar[bool] = False

    def __init__(
        self,
        *,
        request: httpx.Request,
        response: httpx.Response,
        verified: bool,
        attempts: Sequence[Attempt] = (),
        earlier_outcome_unknown: bool = False,
    ) -> None:
        self.request = request
        self.earlier_outcome_unknown = earlier_outcome_unknown
        if earlier_outcome_unknown:
            self.outcome_unknown = True
        self.response = response
        self.status_code = response.status_code
        self.body = response.content
        self.verified = verified
        self.request_id: str | None = response.headers.get("Request-ID")
        self.attempts = tuple(attempts)
        payload = _json_object(response)
        self.code: str | None = _str_or_none(payload.get("code"))
        self.message: str | None = _str_or_none(payload.get("message"))
        detail = payload.get("detail")
        self.detail: Mapping[str, Any] | None = detail if isinstance(detail, Mapping) else None
        super().__init__(self._describe())

    @property
    def retry_after(self) -> float | None:
        """Seconds WeChat Pay asked to wait (`Retry-After`), when it said so."""
        value = self.response.headers.get("Retry-After")
        try:
            return max(0.0, float(value)) if value is not None else None
        except ValueError:
            return None

    def _describe(self) -> str:
        what = f"{self.status_code} {self.code or _reason(self.response)}"
        if self.message:
            what += f": {self.message}"
        elif not self.code and self.body:
            what += f": {_body_excerpt(self.response)}"
        detail = self._detail_text()
        signed = "signature verified" if self.verified else "UNSIGNED answer, not from WeChat Pay's API or forged"
        text = f"{self.request.method} {self.request.url.path}: {what}{detail} (Request-ID {self.request_id or '-'}; "
        text += f"{signed})" + self._advice()
        if self.earlier_outcome_unknown:
            text += (
                " — an earlier attempt of this call was sent and its answer lost, so the order may have been synced: "
                "query it before any retry"
            )
        return text

    def _detail_text(self) -> str:
        if not self.detail:
            return ""
        parts = [f"{key}={self.detail[key]!r}" for key in ("field", "value", "issue", "location") if key in self.detail]
        return f" [{', '.join(parts)}]" if parts else ""

    def _advice(self) -> str:
        return ""


class BadRequestError(WechatPayAPIError):
    """400 PARAM_ERROR, INVALID_REQUEST or another 400 the caller must fix."""


class OrderStateError(WechatPayAPIError):
    """400 INVALID_ORDER_STATE or ORDER_CANCELED: the order cannot be synced in its current state."""


class OrderAlreadyDoneError(WechatPayAPIError):
    """400 ORDER_DONE: the order was already completed before this call (by another sync, or otherwise).

    Not a retry of this call: if you did not expect the order to be DONE, query it to see how it was completed.
    """

    already_done: ClassVar[bool] = True

    def _advice(self) -> str:
        return " — the order was already DONE before this call; do not retry, query it if that is unexpected"


class AlreadySyncedError(OrderAlreadyDoneError):
    """ORDER_DONE after an attempt of this same call whose outcome was unknown: that attempt synced the order.

    For the caller this is the sync's success, reported apart from a plain 204 so that it can be logged as such.
    """

    def _advice(self) -> str:
        return " — an earlier attempt of this call, whose answer was lost, most likely synced the order"


class SignatureRejectedError(WechatPayAPIError):
    """401 SIGN_ERROR: WeChat Pay could not verify the request signature.

    `sign_information` echoes the message WeChat Pay verified; compare it with the canonical message the auth plugin
    logs at DEBUG (logger `wechatpay_auth`). Usual causes: a wrong merchant serial or private key, a clock far off.
    """

    @property
    def sign_information(self) -> Mapping[str, Any] | None:
        info = (self.detail or {}).get("sign_information")
        return info if isinstance(info, Mapping) else None

    def _detail_text(self) -> str:
        info = self.sign_information
        if not info:
            return ""
        echo = json.dumps(dict(info), ensure_ascii=False)
        return f" [WeChat Pay verified: {echo}]"

    def _advice(self) -> str:
        return (
            " — check the merchant serial_no and private key pair, and compare sign_information with the canonical "
            "message logged at DEBUG by logger 'wechatpay_auth'"
        )


class PermissionDeniedError(WechatPayAPIError):
    """403 NO_AUTH: this merchant may not call this API."""


class OrderNotFoundError(WechatPayAPIError):
    """404 ORDER_NOT_EXIST: no such order for this merchant."""

    not_found: ClassVar[bool] = True


class RateLimitedError(WechatPayAPIError):
    """429 FREQUENCY_LIMITED / RATELIMIT_EXCEEDED: slow down; `retry_after` says how long when WeChat Pay does."""

    retryable: ClassVar[bool] = True


class ServerError(WechatPayAPIError):
    """5xx: a problem on WeChat Pay's side (or a gateway's). Retryable; the sync may or may not have been applied."""

    retryable: ClassVar[bool] = True
    outcome_unknown = True

    def _advice(self) -> str:
        return " — retry later with the same parameters; an answer ORDER_DONE then means this attempt was applied"


class UnexpectedResponseError(WechatPayAPIError):
    """A status the contract does not declare for this operation (e.g. a 200 where 204 is the success)."""


def _json_object(response: httpx.Response) -> Mapping[str, Any]:
    try:
        payload = json.loads(response.content)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        return {}
    return payload if isinstance(payload, Mapping) else {}


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _reason(response: httpx.Response) -> str:
    return response.reason_phrase or "non-2xx answer"


def _body_excerpt(response: httpx.Response, limit: int = 120) -> str:
    text = " ".join(response.content[:limit].decode("utf-8", errors="replace").split())
    return repr(text + ("..." if len(response.content) > limit else ""))


def error_class(
    status: int, code: str | None, *, declared: bool, verified: bool, after_unknown_outcome: bool
) -> type[WechatPayAPIError]:
    """Pick the exception family a caller acts on from the status and WeChat Pay's (signed) code."""
    if status >= 500:
        return ServerError
    if not verified:
        # An unsigned 4xx did not come from WeChat Pay's API (a proxy, a gateway, or a forgery): trust nothing in it.
        return UnexpectedResponseError
    if status == 400 and code == "ORDER_DONE":
        return AlreadySyncedError if after_unknown_outcome else OrderAlreadyDoneError
    if not declared and status != 429:
        return UnexpectedResponseError
    if status == 400:
        return OrderStateError if code in ("INVALID_ORDER_STATE", "ORDER_CANCELED") else BadRequestError
    by_status: dict[int, type[WechatPayAPIError]] = {
        401: SignatureRejectedError,
        403: PermissionDeniedError,
        404: OrderNotFoundError,
        429: RateLimitedError,
    }
    return by_status.get(status, WechatPayAPIError)
