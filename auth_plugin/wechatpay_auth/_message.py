"""Canonical messages and the ``Authorization`` header of WECHATPAY2-SHA256-RSA2048.

Pure functions: plain values in, plain values out; no clock, no randomness, no httpx.
"""

from __future__ import annotations

__all__ = ["SCHEMA", "authorization_header", "request_message", "response_message"]

SCHEMA = "WECHATPAY2-SHA256-RSA2048"


def _as_bytes(value: str | bytes | int) -> bytes:
    if isinstance(value, bytes):
        return value
    # Strings are sent as UTF-8 by httpx; signing their UTF-8 bytes signs what goes on the wire.
    return str(value).encode("utf-8")


def request_message(
    method: str | bytes, url: str | bytes, timestamp: int | str, nonce: str | bytes, body: str | bytes
) -> bytes:
    """Build the request signing message: ``METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n``.

    Protocol rule: five lines, each ending in ``\\n`` (the last included); ``url`` is the path plus ``?query`` exactly
    as sent (percent-encoding kept) and ``body`` the exact bytes sent, empty for a bodiless request.
    """
    return b"".join(_as_bytes(part) + b"\n" for part in (method, url, timestamp, nonce, body))


def response_message(timestamp: int | str | bytes, nonce: str | bytes, body: str | bytes) -> bytes:
    """Build the response verification message: ``TIMESTAMP\\nNONCE\\nBODY\\n``.

    Protocol rule: the raw body bytes; an empty body (a 204) still contributes its empty line, giving
    ``TIMESTAMP\\nNONCE\\n\\n``.
    """
    return b"".join(_as_bytes(part) + b"\n" for part in (timestamp, nonce, body))


def authorization_header(mchid: str, serial_no: str, timestamp: int | str, nonce: str, signature: str) -> str:
    """Build the ``Authorization`` header value.

    Protocol rule: ``WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"``;
    the field order is free, this one matches the official SDKs.
    """
    fields = (
        ("mchid", mchid),
        ("nonce_str", nonce),
        ("signature", signature),
        ("timestamp", str(timestamp)),
        ("serial_no", serial_no),
    )
    return SCHEMA + " " + ",".join(f'{name}="{value}"' for name, value in fields)
