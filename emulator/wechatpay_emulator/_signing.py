"""WECHATPAY2-SHA256-RSA2048, both directions, written against `cryptography` alone.

Deliberately independent of `wechatpay_auth`: the emulator must catch a client's signing mistakes, not share them.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import string

import attrs
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from ._errors import SignatureError

__all__ = [
    "AUTH_SCHEME",
    "PROBE_PREFIX",
    "AuthorizationFields",
    "new_nonce",
    "new_request_id",
    "parse_authorization",
    "request_message",
    "response_message",
    "sign",
    "sign_information",
    "verify",
]

AUTH_SCHEME = "WECHATPAY2-SHA256-RSA2048"
PROBE_PREFIX = "WECHATPAY/SIGNTEST/"
# How much of the verified message a `401 SIGN_ERROR` echoes back.
TRUNCATE_AT = 256

_FIELDS = ("mchid", "nonce_str", "signature", "timestamp", "serial_no")
_PAIR = re.compile(r'\s*([A-Za-z_]+)="([^"]*)"\s*')
_NONCE_ALPHABET = string.ascii_letters + string.digits


@attrs.frozen
class AuthorizationFields:
    """The five fields of a WECHATPAY2 `Authorization` header."""

    mchid: str
    nonce_str: str
    signature: str
    timestamp: str
    serial_no: str


def parse_authorization(value: str) -> AuthorizationFields:
    """Parse `WECHATPAY2-SHA256-RSA2048 k="v",...` the way WeChat Pay does: the five fields in any order.

    Raises `SignatureError` for another scheme, a malformed pair, a repeated, missing or empty field; WeChat Pay
    answers all of those `401 SIGN_ERROR`. Unknown extra fields are ignored.
    """
    scheme, _, rest = value.strip().partition(" ")
    if scheme != AUTH_SCHEME:
        raise SignatureError(f"the Authorization scheme must be {AUTH_SCHEME}")
    found: dict[str, str] = {}
    for part in rest.split(","):
        match = _PAIR.fullmatch(part)
        if match is None:
            raise SignatureError('the Authorization header must be a comma-separated list of key="value" pairs')
        key, field_value = match.group(1), match.group(2)
        if key in found:
            raise SignatureError(f"the Authorization field {key} is repeated")
        found[key] = field_value
    missing = [name for name in _FIELDS if name not in found]
    if missing:
        raise SignatureError(f"the Authorization header lacks {', '.join(missing)}")
    # An empty nonce would make every request with the same timestamp sign the same message: WeChat Pay needs one.
    empty = [name for name in _FIELDS if not found[name]]
    if empty:
        raise SignatureError(f"the Authorization field(s) {', '.join(empty)} are empty")
    return AuthorizationFields(**{name: found[name] for name in _FIELDS})


def request_message(method: str, target: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    """`METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n`: URL is the raw request target, BODY the raw body bytes.

    The text arguments come from the request line and headers decoded as latin-1; encoding them back the same way
    restores the exact bytes received, whatever they were.
    """
    head = f"{method}\n{target}\n{timestamp}\n{nonce}\n".encode("latin-1")
    return head + body + b"\n"


def response_message(timestamp: str, nonce: str, body: bytes) -> bytes:
    """`TIMESTAMP\\nNONCE\\nBODY\\n` over the exact body bytes sent (the empty line for a 204)."""
    return f"{timestamp}\n{nonce}\n".encode() + body + b"\n"


def sign(key: RSAPrivateKey, message: bytes) -> str:
    """SHA256withRSA (PKCS#1 v1.5), standard Base64 with padding."""
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def verify(key: RSAPublicKey, message: bytes, signature: str) -> bool:
    """Whether `signature` (Base64) is a SHA256withRSA signature of `message`; malformed Base64 is simply False."""
    try:
        raw = base64.b64decode(signature.encode("ascii"), validate=True)
        key.verify(raw, message, padding.PKCS1v15(), hashes.SHA256())
    except (binascii.Error, UnicodeError, ValueError, InvalidSignature):
        return False
    return True


def sign_information(method: str, target: str, message: bytes) -> dict[str, object]:
    """The `detail.sign_information` echo of a `401 SIGN_ERROR`: what was verified, line feeds shown as `\\n`."""
    text = message.decode("utf-8", errors="replace")
    return {
        "method": method,
        "url": target,
        "sign_message_length": len(message),
        "truncated_sign_message": text[:TRUNCATE_AT].replace("\n", "\\n"),
    }


def new_nonce() -> str:
    """32 random characters of `[0-9A-Za-z]`, like WeChat Pay's own nonces."""
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(32))


def new_request_id() -> str:
    """A `Request-ID` shaped like WeChat Pay's (upper-case hex)."""
    return secrets.token_hex(16).upper()
