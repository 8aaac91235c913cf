"""The core called three ways: `handle_notification`, and `ahandle_notification` with a sync or an async handler.

The async core runs on an event loop that lives in its own thread for the whole test, as a server's does, so that
a handler that outlives its request goes on after the answer.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping

from wechatpay_payscore_client import (
    Answer,
    NotificationStore,
    ahandle_notification,
    handle_notification,
)
from wechatpay_payscore_client._notifications import NotificationSource

from .handlers import AsyncHandler, Handler, SyncHandler

MODES = ["sync", "async-thread", "async-await"]


class Endpoint:
    def __init__(self, mode: str, loop: asyncio.AbstractEventLoop) -> None:
        self.mode = mode
        self.loop = loop

    def handler(self, behaviour: str = "none", gate: threading.Event | None = None) -> Handler:
        if self.mode == "async-await":
            return AsyncHandler(behaviour, gate)
        return SyncHandler(behaviour, gate)

    def __call__(
        self,
        source: NotificationSource,
        headers: Mapping[str, str],
        body: bytes,
        handler: Handler,
        *,
        store: NotificationStore,
        deadline: float = 3.0,
        handle_unknown: bool = False,
    ) -> Answer:
        if self.mode == "sync":
            return handle_notification(
                source, headers, body, handler, store=store, deadline=deadline, handle_unknown=handle_unknown
            )
        call = ahandle_notification(
            source, headers, body, handler, store=store, deadline=deadline, handle_unknown=handle_unknown
        )
        return asyncio.run_coroutine_threadsafe(call, self.loop).result(30)
