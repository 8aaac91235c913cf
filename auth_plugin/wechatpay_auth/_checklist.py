"""The ordered signature checklist of WECHATPAY2-SHA256-RSA2048, for answers and notifications alike.

``check_signature`` is the checklist itself: a pure function of the headers, the raw body, the keys, the clock and an
optional replay guard, told whether a signature is required. ``check_response`` runs it on an httpx answer.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from wechatpay_auth._base64 import strict_b64decode
from wechatpay_auth._errors import (
    ClockSkewError,
    InvalidSignatureError,
    MalformedSignatureError,
    MissingSignatureHeadersError,
    ProbeSignatureError,
    ReplayedResponseError,
    SignatureVerificationError,
    UnknownSerialError,
    VerificationContext,
)
from wechatpay_auth._message import SCHEMA, response_message
from wechatpay_auth._signature import is_probe, verify_raw
from wechatpay_auth._subject import NOTIFICATION, Subject
from wechatpay_auth._verification import Verification

if TYPE_CHECKING:
    from collections.abc import Mapping

    import httpx
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

    from wechatpay_auth._replay import ReplayGuard

__all__ = ["MAX_SKEW_SECONDS", "SIGNATURE_HEADERS", "check_response", "check_signature", "header"]

# wechatpay-php and wechatpay-axios-plugin reject beyond 300 s (wechatpay-go at 300 s itself): 300 s is accepted.
MAX_SKEW_SECONDS = 300
SIGNATURE_HEADERS = ("Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature", "Wechatpay-Serial")
_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")


def _seconds(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def header(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header ``name`` in ``headers``, whatever the case of its name there; None when absent.

    Protocol rule: HTTP field names are case-insensitive (RFC 9110 §5.1). A case-insensitive mapping (httpx, Starlette
    or Werkzeug headers) answers the first lookup; a plain dict, such as the lower-cased names of an ASGI scope, is
    searched. Which of two spellings of one name wins does not matter: the signature covers the values used.
    """
    value = headers.get(name)
    if value is None:
        folded = name.lower()
        value = next((found for key, found in headers.items() if key.lower() == folded), None)
    return value


def _unix_seconds(raw: str | None) -> int | None:
    return int(raw) if raw and _UNIX_SECONDS.fullmatch(raw) else None


def _require_headers(values: Mapping[str, str | None], context: VerificationContext) -> list[str]:
    """Step 1: the four ``Wechatpay-*`` headers are present and not empty; their values, in ``values``' order."""
    present = [value for value in values.values() if value]
    if len(present) < len(values):
        missing = [name for name, value in values.items() if not value]
        raise MissingSignatureHeadersError(
            f"{context['subject'].name} lacks {', '.join(missing)}: it is not signed by WeChat Pay and must be "
            "treated as forged",
            **context,
        )
    return present


def _require_fresh(raw_timestamp: str, now: float, context: VerificationContext) -> int:
    """Step 2: ``Wechatpay-Timestamp`` is Unix seconds within 300 s of ``now``, on either side."""
    timestamp = context["timestamp"]
    noun = context["subject"].noun
    if timestamp is None:
        raise MissingSignatureHeadersError(
            f"Wechatpay-Timestamp {raw_timestamp!r} is not Unix seconds: the {noun} cannot be verified", **context
        )
    skew = timestamp - now
    if abs(skew) > MAX_SKEW_SECONDS:
        direction = "ahead of" if skew > 0 else "behind"
        raise ClockSkewError(
            f"Wechatpay-Timestamp {timestamp} is {_seconds(abs(skew))} s {direction} local time {_seconds(now)} "
            f"(limit {MAX_SKEW_SECONDS} s): a replayed {noun}, or a local clock that needs synchronising",
            skew=skew,
            **context,
        )
    return timestamp


def _key_for(serial: str, public_keys: Mapping[str, RSAPublicKey], context: VerificationContext) -> RSAPublicKey:
    """Step 3: ``Wechatpay-Serial`` names a configured key: a ``PUB_KEY_ID_…`` id or a platform certificate serial."""
    public_key = public_keys.get(serial)
    if public_key is None:
        known = tuple(public_keys)
        raise UnknownSerialError(
            f"Wechatpay-Serial {serial!r} names no configured key (known: {', '.join(known)}); after a key rotation "
            "or a public-key migration, add the new key to wechatpay_public_keys",
            known_serials=known,
            **context,
        )
    return public_key


def _signature_bytes(signature_type: str | None, signature: str, context: VerificationContext) -> bytes:
    """Step 4, before the RSA check: the scheme is RSA, the signature is no probe and is strict Base64."""
    subject = context["subject"]
    if signature_type is not None and signature_type != SCHEMA:
        raise InvalidSignatureError(f"Wechatpay-Signature-Type {signature_type!r} is not {SCHEMA}", **context)
    # Before the Base64 check: a probe is usually not valid Base64, and must be told apart from a forgery.
    if is_probe(signature):
        raise ProbeSignatureError(
            f"Wechatpay-Signature is a WECHATPAY/SIGNTEST/ probe, sent by WeChat Pay to check that {subject.noun}s "
            f"are verified; the {subject.noun} is rejected, but {subject.consequence}",
            **context,
        )
    raw = strict_b64decode(signature)
    if raw is None:
        raise MalformedSignatureError(
            f"Wechatpay-Signature ({len(signature)} characters) is not strict standard Base64, so not a signature "
            f"WeChat Pay computed: treat the {subject.noun} as forged; {subject.consequence}",
            **context,
        )
    return raw


def check_signature(
    headers: Mapping[str, str],
    body: bytes,
    public_keys: Mapping[str, RSAPublicKey],
    now: float,
    *,
    signature_required: bool,
    replay_guard: ReplayGuard | None = None,
    subject: Subject = NOTIFICATION,
) -> Verification:
    """Run the signature checklist on a message from WeChat Pay and return what it established.

    Protocol rules, in order: (1) the four ``Wechatpay-*`` headers are present (names in any case); (2)
    ``Wechatpay-Timestamp`` is within 300 s of ``now``, either way; (3) ``Wechatpay-Serial`` names a key of
    ``public_keys`` (public key ids and certificate serials alike); (4) ``Wechatpay-Signature-Type``, when present, is
    WECHATPAY2-SHA256-RSA2048, the signature is no ``WECHATPAY/SIGNTEST/`` probe, is strict Base64, and verifies over
    ``TIMESTAMP\\nNONCE\\nBODY\\n`` with ``body`` exactly as received; (5) with a ``replay_guard``, the same timestamp,
    nonce and signature were not accepted before.

    ``signature_required=False`` lets a message that carries none of the four headers through as unverified (a
    gateway's HTML 502 answering a call); one carrying any of them is checked all the same. A notification always
    requires its signature. ``subject`` words the errors (see ``Subject``). Raises one ``SignatureVerificationError``
    subclass per failed step; never another exception for malformed input.
    """
    if not isinstance(body, bytes):
        raise TypeError(
            f"body must be the raw bytes received, not a {type(body).__name__}: the signature covers those bytes, "
            "and a decoded or re-serialized body does not verify"
        )
    request_id = header(headers, "Request-ID")
    values = {name: header(headers, name) for name in SIGNATURE_HEADERS}
    raw_timestamp, nonce, signature, serial = values.values()
    if not signature_required and (raw_timestamp, nonce, signature, serial) == (None, None, None, None):
        return Verification(verified=False, request_id=request_id)
    context: VerificationContext = {
        "subject": subject,
        "request_id": request_id,
        "timestamp": _unix_seconds(raw_timestamp),
        "nonce": nonce,
        "serial": serial,
    }
    raw_timestamp, nonce, signature, serial = _require_headers(values, context)
    timestamp = _require_fresh(raw_timestamp, now, context)
    public_key = _key_for(serial, public_keys, context)
    raw = _signature_bytes(header(headers, "Wechatpay-Signature-Type"), signature, context)
    if not verify_raw(response_message(raw_timestamp, nonce, body), raw, public_key):
        raise InvalidSignatureError(
            f"Wechatpay-Signature does not verify with key {serial} over TIMESTAMP\\nNONCE\\nBODY\\n "
            f"({len(body)}-byte body): treat the {subject.noun} as forged; {subject.consequence}",
            **context,
        )
    if replay_guard is not None and not replay_guard.first_sighting(timestamp, nonce, signature, now=now):
        raise ReplayedResponseError(
            f"this {subject.noun} (Wechatpay-Timestamp {timestamp}, Wechatpay-Nonce {nonce!r}) and its signature "
            f"were already accepted once: a replayed {subject.noun}, which proves nothing about this call; "
            f"{subject.consequence}",
            **context,
        )
    return Verification(verified=True, serial=serial, timestamp=timestamp, nonce=nonce, request_id=request_id)


def check_response(
    request: httpx.Request,
    response: httpx.Response,
    public_keys: Mapping[str, RSAPublicKey],
    now: float,
    *,
    replay_guard: ReplayGuard | None = None,
) -> Verification:
    """Run the checklist on an answer whose body has been read, and return what it established.

    Protocol rules: those of ``check_signature``, over ``response.content``. A 2xx answer must pass. A non-2xx answer
    carrying any of the headers is checked the same way (a forged error is as harmful as a forged success); one
    carrying none of them (a gateway's HTML 502) is let through as unverified. A failure's error carries ``request``
    and ``response``.
    """
    subject = Subject.answer(request.method, request.url.raw_path, response.status_code)
    try:
        return check_signature(
            response.headers,
            response.content,
            public_keys,
            now,
            signature_required=response.is_success,
            replay_guard=replay_guard,
            subject=subject,
        )
    except SignatureVerificationError as error:
        # The checklist itself knows no httpx objects; an answer's error names the call it belongs to.
        error.request = request
        error.response = response
        raise
