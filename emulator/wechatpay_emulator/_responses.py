"""Answers as WeChat Pay sends them: JSON error bodies, and signature headers on every answer."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

import attrs
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from ._config import EmulatorConfig
from ._faults import FaultKind
from ._signing import AUTH_SCHEME, PROBE_PREFIX, new_nonce, response_message, sign

__all__ = ["STALE_BY", "Answer", "ResponseSigner", "error_answer", "error_body", "json_answer", "no_content"]

# How far in the past a `stale_signature` fault dates its answer: well beyond the 300 s clients allow.
STALE_BY = 600


@attrs.frozen
class Answer:
    """An HTTP answer before signing: status, exact body bytes, extra headers and the error code (for the log)."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    code: str | None = None
    signed: bool = True


def error_body(code: str, message: str, detail: dict[str, Any] | None = None) -> bytes:
    """`{"code", "message", "detail"?}` as compact UTF-8 JSON (Chinese messages unescaped, like WeChat Pay)."""
    data: dict[str, Any] = {"code": code, "message": message}
    if detail is not None:
        data["detail"] = detail
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        # An echoed value holding a lone surrogate (sent as a `\ud800` escape) has no UTF-8 form: escape it.
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def error_answer(status: int, code: str, message: str, detail: dict[str, Any] | None = None) -> Answer:
    """A JSON error answer."""
    return Answer(
        status, error_body(code, message, detail), (("content-type", "application/json; charset=utf-8"),), code
    )


def json_answer(status: int, data: Any) -> Answer:
    """A JSON answer, compact UTF-8 (Chinese text unescaped, like WeChat Pay)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Answer(status, body, (("content-type", "application/json; charset=utf-8"),))


def no_content() -> Answer:
    """`204 No Content`, signed over the empty body.

    WeChat Pay's 204 may carry a JSON content type with no body: clients must not parse it.
    """
    return Answer(204, b"", (("content-type", "application/json"),))


class ResponseSigner:
    """Signs answers with the WeChat Pay key a client asked for.

    Reproduces the public-key migration: WeChat Pay signs with its public key (`PUB_KEY_ID_…`) when the request
    named that id in `Wechatpay-Serial`, otherwise with the platform certificate key; when only one is configured,
    that one signs everything.
    """

    def __init__(self, config: EmulatorConfig) -> None:
        self._config = config
        self._public_key: tuple[str, RSAPrivateKey] | None = None
        self._platform: tuple[str, RSAPrivateKey] | None = None
        if config.wechatpay_private_key is not None and config.wechatpay_key_id is not None:
            self._public_key = (config.wechatpay_key_id, config.wechatpay_private_key)
        if config.platform_private_key is not None and config.platform_serial is not None:
            self._platform = (config.platform_serial, config.platform_private_key)

    def key_for(self, requested_serial: str | None) -> tuple[str, RSAPrivateKey]:
        """The (serial, key) that signs the answer to a request carrying `Wechatpay-Serial: requested_serial`."""
        if self._public_key is not None and (self._platform is None or requested_serial == self._public_key[0]):
            return self._public_key
        if self._platform is not None:
            return self._platform
        raise AssertionError("EmulatorConfig guarantees at least one WeChat Pay key")  # pragma: no cover

    def headers(
        self, request_id: str, body: bytes, requested_serial: str | None, tamper: FaultKind | None = None
    ) -> list[tuple[str, str]]:
        """`Request-ID` and the `Wechatpay-*` headers over `TS\\nNONCE\\nBODY\\n`, spoiled as `tamper` asks."""
        serial, key = self.key_for(requested_serial)
        timestamp = self._config.now() - (STALE_BY if tamper is FaultKind.STALE_SIGNATURE else 0)
        nonce = new_nonce()
        signature = sign(key, response_message(str(timestamp), nonce, body))
        if tamper is FaultKind.BAD_SIGNATURE:
            # Well-formed Base64 of the right length that verifies nothing: flip bits of the real signature.
            raw = bytearray(base64.b64decode(signature))
            raw[len(raw) // 2] ^= 0xFF
            signature = base64.b64encode(bytes(raw)).decode("ascii")
        elif tamper is FaultKind.PROBE_SIGNATURE:
            signature = PROBE_PREFIX + secrets.token_urlsafe(48)
        headers = [
            ("request-id", request_id),
            ("wechatpay-timestamp", str(timestamp)),
            ("wechatpay-nonce", nonce),
            ("wechatpay-serial", serial),
            ("wechatpay-signature-type", AUTH_SCHEME),
        ]
        if tamper is not FaultKind.MISSING_SIGNATURE:
            headers.append(("wechatpay-signature", signature))
        return headers
