"""Strict standard Base64, as WeChat Pay writes signatures and ciphertexts."""

from __future__ import annotations

import base64

__all__ = ["strict_b64decode"]


def strict_b64decode(text: str) -> bytes | None:
    """Decode ``text`` when it is exactly what standard Base64 encoding (RFC 4648 §4, padded) of some bytes gives.

    Protocol rule: ``Wechatpay-Signature`` and ``resource.ciphertext`` are standard Base64. Anything else gives None:
    characters outside the alphabet, whitespace, missing padding, URL-safe ``-``/``_``, non-ASCII text, and the
    non-canonical spellings whose unused low bits of the last character are not zero (one byte string would then
    have sixteen spellings, of which WeChat Pay writes only the first).
    """
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:  # binascii.Error, and non-ASCII text, are both ValueError
        return None
    # Valid Base64 is ASCII, so this comparison is exact.
    return raw if base64.b64encode(raw) == text.encode("ascii") else None
