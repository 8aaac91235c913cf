"""The ordered response checklist of WECHATPAY2-SHA256-RSA2048 ("verifying a response")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from wechatpay_auth._errors import (
    ClockSkewError,
    InvalidSignatureError,
    MissingSignatureHeadersError,
    ProbeSignatureError,
    ReplayedResponseError,
    UnknownSerialError,
    VerificationContext,
)
from wechatpay_auth._message import SCHEMA, response_message
from wechatpay_auth._signature import is_probe, verify
from wechatpay_auth._verification import Verification

if TYPE_CHECKING:
    from collections.abc import Mapping

    import httpx
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

    from wechatpay_auth._replay import ReplayGuard

__all__ = ["MAX_SKEW_SECONDS", "SIGNATURE_HEADERS", "check_response"]

# wechatpay-php and wechatpay-axios-plugin reject beyond 300 s (wechatpay-go at 300 s itself): 300 s is accepted.
MAX_SKEW_SECONDS = 300
SIGNATURE_HEADERS = ("Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature", "Wechatpay-Serial")
_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")
_RECONCILE = "the request may already have taken effect: query the order before any retry"


def _seconds(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def check_response(
    request: httpx.Request,
    response: httpx.Response,
    public_keys: Mapping[str, RSAPublicKey],
    now: float,
    *,
    replay_guard: ReplayGuard | None = None,
) -> Verification:
    """Run the checklist on an answer whose body has been read, and return what it established.

    Protocol rules, in order: (1) the four ``Wechatpay-*`` headers are present; (2) ``Wechatpay-Timestamp`` is within
    300 s of ``now``; (3) ``Wechatpay-Serial`` names a configured key; (4) ``Wechatpay-Signature`` verifies over
    ``TIMESTAMP\\nNONCE\\nBODY\\n`` with the raw body; (5) with a ``replay_guard``, the same timestamp, nonce and
    signature were not accepted before (a captured answer replayed for another call). A 2xx answer must pass. A
    non-2xx answer carrying any of the headers is checked the same way (a forged error is as harmful as a forged
    success); one carrying none of them (a gateway's HTML 502) is let through as unverified.
    """
    headers = response.headers
    request_id = headers.get("Request-ID")
    raw_timestamp, nonce, signature, serial = (headers.get(name) for name in SIGNATURE_HEADERS)
    if not response.is_success and (raw_timestamp, nonce, signature, serial) == (None, None, None, None):
        return Verification(verified=False, request_id=request_id)

    timestamp = int(raw_timestamp) if raw_timestamp and _UNIX_SECONDS.fullmatch(raw_timestamp) else None

    def context() -> VerificationContext:
        # Built only when a check fails: the success path is every call's, the failure path is rare.
        return {
            "request": request,
            "response": response,
            "request_id": request_id,
            "timestamp": timestamp,
            "nonce": nonce,
            "serial": serial,
        }

    if not (raw_timestamp and nonce and signature and serial):
        missing = [name for name in SIGNATURE_HEADERS if not headers.get(name)]
        raise MissingSignatureHeadersError(
            f"answer to {request.method} {request.url.raw_path.decode('ascii', 'replace')} lacks "
            f"{', '.join(missing)}: it is not signed by WeChat Pay and must be treated as forged",
            **context(),
        )
    if timestamp is None:
        raise MissingSignatureHeadersError(
            f"Wechatpay-Timestamp {raw_timestamp!r} is not Unix seconds: the answer cannot be verified", **context()
        )

    skew = timestamp - now
    if abs(skew) > MAX_SKEW_SECONDS:
        direction = "ahead of" if skew > 0 else "behind"
        raise ClockSkewError(
            f"Wechatpay-Timestamp {timestamp} is {_seconds(abs(skew))} s {direction} local time {_seconds(now)} "
            f"(limit {MAX_SKEW_SECONDS} s): a replayed answer, or a local clock that needs synchronising",
            skew=skew,
            **context(),
        )

    public_key = public_keys.get(serial)
    if public_key is None:
        known = tuple(public_keys)
        raise UnknownSerialError(
            f"Wechatpay-Serial {serial!r} names no configured key (known: {', '.join(known)}); after a key rotation "
            "or a public-key migration, add the new key to wechatpay_public_keys",
            known_serials=known,
            **context(),
        )

    signature_type = headers.get("Wechatpay-Signature-Type")
    if signature_type is not None and signature_type != SCHEMA:
        raise InvalidSignatureError(f"Wechatpay-Signature-Type {signature_type!r} is not {SCHEMA}", **context())
    if is_probe(signature):
        raise ProbeSignatureError(
            "Wechatpay-Signature is a WECHATPAY/SIGNTEST/ probe, sent by WeChat Pay to check that answers are "
            f"verified; the answer is rejected, but {_RECONCILE}",
            **context(),
        )
    if not verify(response_message(raw_timestamp, nonce, response.content), signature, public_key):
        raise InvalidSignatureError(
            f"Wechatpay-Signature does not verify with key {serial} over TIMESTAMP\\nNONCE\\nBODY\\n "
            f"({len(response.content)}-byte body): treat the answer as forged; {_RECONCILE}",
            **context(),
        )
    if replay_guard is not None and not replay_guard.first_sighting(timestamp, nonce, signature, now=now):
        raise ReplayedResponseError(
            f"this answer (Wechatpay-Timestamp {timestamp}, Wechatpay-Nonce {nonce!r}) and its signature were "
            "already accepted once: a replayed answer, which proves nothing about this call; "
            f"{_RECONCILE}",
            **context(),
        )
    return Verification(verified=True, serial=serial, timestamp=timestamp, nonce=nonce, request_id=request_id)
