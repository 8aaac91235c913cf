"""Notifications (回调通知) in one call: headers and raw body in, a typed event out; and the answers to send back.

    event = open_event(client, request.headers, request.body)  # verify, decrypt, type (or raise a typed error)
    status, headers, body = success_answer()                    # 204, once the event is stored

`open_event` takes the client (`create_client(..., apiv3_key=...)`) or a `WechatPayAuth` built with `apiv3_key`;
`parse_event` is its pure part, from a `wechatpay_auth.Notification` to an event. A verification or decryption
failure raises the auth plugin's typed error (`SignatureVerificationError`, `NotificationError`); answer it with
`refusal_answer(error)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from wechatpay_auth import WechatPayAuth

from ._answers import Answer, failure_answer, refusal_answer, success_answer
from ._events import (
    MCH_PREPAY,
    USER_CONFIRM,
    USER_PAID,
    Event,
    MchPrepayEvent,
    UnknownEvent,
    UserConfirmEvent,
    UserPaidEvent,
    parse_event,
)

__all__ = [
    "MCH_PREPAY",
    "USER_CONFIRM",
    "USER_PAID",
    "Answer",
    "Event",
    "MchPrepayEvent",
    "UnknownEvent",
    "UserConfirmEvent",
    "UserPaidEvent",
    "failure_answer",
    "open_event",
    "parse_event",
    "refusal_answer",
    "success_answer",
]


class _Pipeline(Protocol):
    @property
    def signer(self) -> WechatPayAuth: ...


class _Client(Protocol):
    @property
    def pipeline(self) -> _Pipeline: ...


def open_event(source: _Client | WechatPayAuth, headers: Mapping[str, str], body: bytes) -> Event:
    """Verify the notification's signature over the raw `body`, decrypt its resource, and return the typed event.

    `source` is the client from `create_client(..., apiv3_key=...)` or a `WechatPayAuth` with `apiv3_key`. Raises
    the auth plugin's typed errors (`SignatureVerificationError` for the signature, a probe included;
    `NotificationError` for the body or the decryption; `ConfigurationError` without an APIv3 key).
    """
    signer = source if isinstance(source, WechatPayAuth) else source.pipeline.signer
    return parse_event(signer.open_notification(headers, body))
