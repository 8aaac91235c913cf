"""The answers to a notification: what the notify_url handler sends back to WeChat Pay.

WeChat Pay reads the status: a 2xx means received (this module answers `204` without a body; `200` is accepted
too); a 4xx or 5xx with `{"code": "FAIL", "message": …}` makes it deliver the notification again.
"""

from __future__ import annotations

import json
import logging
from typing import NamedTuple

from wechatpay_auth import NotificationError, ProbeSignatureError, SignatureVerificationError, WechatPayError

__all__ = ["Answer", "failure_answer", "refusal_answer", "success_answer"]

logger = logging.getLogger("wechatpay_payscore_client.notifications")


class Answer(NamedTuple):
    """An HTTP answer to a notification: `status`, `headers` and the `body` bytes, for any web framework."""

    status: int
    headers: dict[str, str]
    body: bytes


def success_answer() -> Answer:
    """Received: `204` without a body (WeChat Pay stops delivering this notification)."""
    return Answer(204, {}, b"")


def failure_answer(message: str, status: int = 500) -> Answer:
    """Not processed: `status` (a 4xx or 5xx) with `{"code": "FAIL", "message": message}`; WeChat Pay delivers again."""
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError(f"a failure answer needs a 4xx or 5xx status, got {status!r}")
    if not isinstance(message, str):
        raise TypeError(f"message must be a str, got a {type(message).__name__}")
    body = json.dumps({"code": "FAIL", "message": message}, ensure_ascii=False, separators=(",", ":"))
    return Answer(status, {"Content-Type": "application/json; charset=utf-8"}, body.encode("utf-8"))


def refusal_answer(error: WechatPayError) -> Answer:
    """The answer to a notification that could not be verified or opened, logged once.

    A signature that does not verify is answered `401`, a verified body that cannot be read or decrypted `400`
    (WeChat Pay delivers again either way). A `WECHATPAY/SIGNTEST/` probe is WeChat Pay checking that we verify:
    it is logged at INFO as a probe; any other failure at WARNING. The answer names no detail of the failure.
    """
    request_id = getattr(error, "request_id", None)
    if isinstance(error, ProbeSignatureError):
        logger.info(
            "notification probe (WECHATPAY/SIGNTEST/) refused as WeChat Pay expects; Request-ID: %s", request_id
        )
        return failure_answer("signature verification failed", 401)
    if isinstance(error, SignatureVerificationError):
        logger.warning("notification refused: %s: %s", type(error).__name__, error)
        return failure_answer("signature verification failed", 401)
    if isinstance(error, NotificationError):
        logger.warning("notification refused: %s (field %s): %s", type(error).__name__, error.field, error)
        return failure_answer("notification could not be opened", 400)
    logger.warning("notification refused: %s: %s", type(error).__name__, error)
    return failure_answer("notification could not be processed", 500)
