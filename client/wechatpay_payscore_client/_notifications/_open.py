"""`open_event`: a notification's headers and raw body in, a verified, decrypted, typed event out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, TypeAlias

from wechatpay_auth import WechatPayAuth

from ._events import Event, parse_event

__all__ = ["NotificationSource", "open_event"]


class _Pipeline(Protocol):
    @property
    def signer(self) -> WechatPayAuth: ...


class _Client(Protocol):
    @property
    def pipeline(self) -> _Pipeline: ...


# What holds WeChat Pay's public keys and the APIv3 key: the client, or the auth plugin on its own.
NotificationSource: TypeAlias = _Client | WechatPayAuth


def open_event(source: NotificationSource, headers: Mapping[str, str], body: bytes) -> Event:
    """Verify the notification's signature over the raw `body`, decrypt its resource, and return the typed event.

    `source` is the client from `create_client(..., apiv3_key=...)` or a `WechatPayAuth` with `apiv3_key`. Raises
    the auth plugin's typed errors (`SignatureVerificationError` for the signature, a probe included;
    `NotificationError` for the body or the decryption; `ConfigurationError` without an APIv3 key).
    """
    signer = source if isinstance(source, WechatPayAuth) else source.pipeline.signer
    return parse_event(signer.open_notification(headers, body))
