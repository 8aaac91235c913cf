"""Typed errors of the package.

::

    WechatPayError                          base of everything this package raises
    ├── ConfigurationError (ValueError)     bad keys, ids or serials; raised at construction
    └── ResponseVerificationError           an answer failed the WECHATPAY2 response checklist
        ├── MissingSignatureHeadersError    step 1: a Wechatpay-* header is absent or malformed
        ├── ClockSkewError                  step 2: Wechatpay-Timestamp is more than 300 s from local time
        ├── UnknownSerialError              step 3: Wechatpay-Serial names no configured key
        └── InvalidSignatureError           step 4: Wechatpay-Signature does not verify over the raw body
            └── ProbeSignatureError         step 4: a deliberate WECHATPAY/SIGNTEST/ probe
        └── ReplayedResponseError           step 5: the same signed answer was already accepted once

Messages never contain key material: only ids, serials, header values and clock figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, Unpack

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ClockSkewError",
    "ConfigurationError",
    "InvalidSignatureError",
    "MissingSignatureHeadersError",
    "ProbeSignatureError",
    "ReplayedResponseError",
    "ResponseVerificationError",
    "UnknownSerialError",
    "VerificationContext",
    "WechatPayError",
]


class VerificationContext(TypedDict):
    """What every verification error records about the call it rejects."""

    request: httpx.Request
    response: httpx.Response
    request_id: str | None
    timestamp: int | None
    nonce: str | None
    serial: str | None


class WechatPayError(Exception):
    """Base class of every error raised by ``wechatpay_auth`` (and by the clients built on it).

    Four predicates answer on every instance, so a caller decides what to do without knowing the class:
    ``retryable`` (the same call may be tried again), ``outcome_unknown`` (the request may have taken effect and
    nobody knows: query before any retry), ``already_done`` and ``not_found``. Subclasses set them per instance.
    """

    retryable: bool = False
    outcome_unknown: bool = False
    already_done: bool = False
    not_found: bool = False


class ConfigurationError(WechatPayError, ValueError):
    """A key, merchant id, serial or public key id is unusable; raised when the auth object is built."""


class ResponseVerificationError(WechatPayError):
    """A WeChat Pay answer failed verification (WECHATPAY2-SHA256-RSA2048, "verifying a response").

    The answer must be treated as forged: its status and body prove nothing. Carries everything needed to quote the
    call to WeChat Pay support (``request_id``) and to reconcile the order.
    """

    # The answer proves nothing, so the request it answers may have been applied.
    retryable = True
    outcome_unknown = True

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request,
        response: httpx.Response,
        request_id: str | None,
        timestamp: int | None,
        nonce: str | None,
        serial: str | None,
    ) -> None:
        suffix = f" (HTTP {response.status_code}, Request-ID: {request_id or 'absent'})"
        super().__init__(message + suffix)
        self.request = request
        self.response = response
        self.request_id = request_id
        self.timestamp = timestamp
        self.nonce = nonce
        self.serial = serial


class MissingSignatureHeadersError(ResponseVerificationError):
    """Step 1 of the checklist: one of the ``Wechatpay-*`` signature headers is absent or malformed."""


class ClockSkewError(ResponseVerificationError):
    """Step 2 of the checklist: the answer's timestamp is more than 300 s away from local time.

    ``skew`` is the response timestamp minus local time, in seconds (negative: the answer looks old).
    """

    def __init__(self, message: str, *, skew: float, **context: Unpack[VerificationContext]) -> None:
        super().__init__(message, **context)
        self.skew = skew


class UnknownSerialError(ResponseVerificationError):
    """Step 3 of the checklist: ``Wechatpay-Serial`` names neither a configured public key id nor a certificate.

    ``known_serials`` lists what is configured, to compare after a key rotation or public-key migration.
    """

    def __init__(self, message: str, *, known_serials: tuple[str, ...], **context: Unpack[VerificationContext]) -> None:
        super().__init__(message, **context)
        self.known_serials = known_serials


class InvalidSignatureError(ResponseVerificationError):
    """Step 4 of the checklist: ``Wechatpay-Signature`` is not a valid SHA256withRSA signature of the answer."""


class ProbeSignatureError(InvalidSignatureError):
    """Step 4: the signature is a ``WECHATPAY/SIGNTEST/`` probe, sent by WeChat Pay to check that merchants verify.

    The call itself may have been carried out: query the order before any retry.
    """


class ReplayedResponseError(ResponseVerificationError):
    """Step 5: an answer with this ``Wechatpay-Timestamp``, ``Wechatpay-Nonce`` and signature was accepted before.

    A correctly signed answer replayed for another call (WeChat Pay never repeats a nonce): it proves nothing about
    this call, which may or may not have been carried out. Query the order before any retry.
    """
