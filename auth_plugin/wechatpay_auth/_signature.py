"""SHA256withRSA (PKCS#1 v1.5) signatures, Base64 encoded, as WECHATPAY2-SHA256-RSA2048 uses them."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from wechatpay_auth._base64 import strict_b64decode

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

__all__ = ["PROBE_PREFIX", "is_probe", "sign", "verify", "verify_raw"]

# WeChat Pay sends this prefix on purpose, in rare answers and notifications, to check that merchants really verify.
PROBE_PREFIX = "WECHATPAY/SIGNTEST/"


def sign(message: bytes, private_key: RSAPrivateKey) -> str:
    """Sign ``message`` with SHA256withRSA (PKCS#1 v1.5) and return the Base64 signature.

    Protocol rule: the ``signature`` field of ``Authorization``. Deterministic: the same key and message give the
    same signature in every implementation.
    """
    raw = private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(raw).decode("ascii")


def verify(message: bytes, signature: str, public_key: RSAPublicKey) -> bool:
    """Tell whether ``signature`` (Base64) is a SHA256withRSA signature of ``message`` by ``public_key``.

    Protocol rule: ``Wechatpay-Signature`` check. Never raises on a malformed signature — a
    ``WECHATPAY/SIGNTEST/`` probe, bad, lenient or non-canonical Base64, non-ASCII text: such a signature is simply
    not valid.
    """
    # Strict: a signature with stray characters or another spelling is not the one WeChat Pay computed.
    raw = strict_b64decode(signature)
    return raw is not None and verify_raw(message, raw, public_key)


def verify_raw(message: bytes, raw_signature: bytes, public_key: RSAPublicKey) -> bool:
    """Tell whether ``raw_signature`` (the decoded bytes) is a SHA256withRSA signature of ``message``."""
    try:
        public_key.verify(raw_signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def is_probe(signature: str) -> bool:
    """Tell whether ``signature`` is a ``WECHATPAY/SIGNTEST/`` probe (protocol rule: probes must fail verification)."""
    return signature.startswith(PROBE_PREFIX)
