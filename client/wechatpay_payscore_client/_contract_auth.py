"""The auth flow of a ready client: validate against the contract, sign, verify, then type every non-2xx answer.

It wraps the auth plugin's `WechatPayAuth` (which signs and verifies) without changing it, and runs inside httpx
before anything is sent, so an invalid request is never signed, and the generated parser only ever sees a verified
success, or (when the caller asked to keep them) an error body it is able to parse.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Generator, Sequence
from typing import Any

import httpx
from wechatpay_auth import ResponseVerificationError, WechatPayAuth, verification_of

from ._contract import Contract, Operation
from ._errors import Attempt, UnverifiedResponseError, WechatPayAPIError, error_class
from ._transport import ATTEMPTS_EXTENSION
from ._validation import RequestValidator

__all__ = ["ContractAuth", "OutcomeLedger"]


class OutcomeLedger:
    """Remembers the calls whose outcome is unknown, so that a later `ORDER_DONE` for them reads "already synced".

    Keyed by method and path (the path holds the order number); bounded, oldest forgotten first; thread-safe, since
    one client may serve many threads.
    """

    def __init__(self, capacity: int = 4096) -> None:
        self._capacity = capacity
        self._unknown: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(request: httpx.Request) -> tuple[str, str]:
        return request.method, request.url.path

    def mark_unknown(self, request: httpx.Request) -> None:
        with self._lock:
            self._unknown[self.key(request)] = None
            self._unknown.move_to_end(self.key(request))
            while len(self._unknown) > self._capacity:
                self._unknown.popitem(last=False)

    def settle(self, request: httpx.Request) -> bool:
        """Forget the call; return whether an earlier attempt of it had an unknown outcome."""
        if not self._unknown:  # the common case, checked without building a key or taking the lock
            return False
        key = self.key(request)
        with self._lock:
            if key in self._unknown:
                del self._unknown[key]
                return True
            return False


class ContractAuth(httpx.Auth):
    """Validate → sign (WechatPayAuth) → verify (WechatPayAuth) → raise a typed error for any non-success answer."""

    requires_request_body = True
    requires_response_body = True

    def __init__(
        self,
        signer: WechatPayAuth,
        contract: Contract,
        *,
        base_path: str = "",
        raise_on_api_error: bool = True,
        ledger: OutcomeLedger | None = None,
        response_hooks: Sequence[Callable[[httpx.Response], None]] = (),
    ) -> None:
        self._signer = signer
        self._contract = contract
        self._validator = RequestValidator(contract, base_path=base_path)
        self._raise_on_api_error = raise_on_api_error
        self.ledger = ledger or OutcomeLedger()
        self._response_hooks = tuple(response_hooks)

    def __repr__(self) -> str:
        return f"ContractAuth({self._signer!r}, raise_on_api_error={self._raise_on_api_error})"

    def sign_request(self, request: httpx.Request) -> None:
        """Re-sign a request for another attempt (fresh nonce and timestamp)."""
        self._signer.sign_request(request)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        operation = self._validator.validate(request.method, request.url.raw_path.decode("ascii"), request.content)
        signing = self._signer.auth_flow(request)
        outgoing = next(signing)
        while True:
            response = yield outgoing
            attempts: Sequence[Attempt] = response.extensions.get(ATTEMPTS_EXTENSION, ())
            try:
                outgoing = signing.send(response)
            except StopIteration:
                break
            except ResponseVerificationError as exc:
                self.ledger.mark_unknown(request)
                raise UnverifiedResponseError(exc, request=request, attempts=attempts) from exc
        for hook in self._response_hooks:
            hook(response)
        self._check_answer(operation, request, response, attempts)

    def _check_answer(
        self, operation: Operation, request: httpx.Request, response: httpx.Response, attempts: Sequence[Attempt]
    ) -> None:
        status = response.status_code
        if status in operation.success_statuses:
            self.ledger.settle(request)
            return
        verification = verification_of(response)
        verified = bool(verification and verification.verified)
        body = _json(response)
        # An unsigned body is not WeChat Pay's word: its code decides nothing (an unsigned ORDER_DONE is no success).
        code = body.get("code") if verified and isinstance(body, dict) else None
        earlier_unknown = any(attempt.outcome == "unknown" for attempt in attempts[:-1])
        done = code == "ORDER_DONE"
        if done:
            after_unknown = self.ledger.settle(request) or earlier_unknown
        else:
            after_unknown = False
            if earlier_unknown or status >= 500:
                self.ledger.mark_unknown(request)
        declared = status in operation.statuses
        if (
            not self._raise_on_api_error
            and declared
            and verified
            and not earlier_unknown
            and self._contract.error_validator.is_valid(body)
        ):
            # The caller keeps the generated Response; this body is signed, and one the generated parser can read.
            return
        cls = error_class(
            status,
            code if isinstance(code, str) else None,
            declared=declared,
            verified=verified,
            after_unknown_outcome=after_unknown,
        )
        error: WechatPayAPIError = cls(
            request=request,
            response=response,
            verified=verified,
            attempts=attempts,
            earlier_outcome_unknown=earlier_unknown and not done,
        )
        raise error


def _json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        return None
