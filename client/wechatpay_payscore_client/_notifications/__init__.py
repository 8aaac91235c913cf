"""Notifications (回调通知): verified, decrypted, typed, deduplicated and answered.

    answer = handle_notification(client, request.headers, raw_body, on_event, store=store)  # the whole endpoint
    event = open_event(client, request.headers, raw_body)  # or only verify, decrypt, type (or raise a typed error)

`handle_notification` (and `ahandle_notification` for asyncio) verifies and decrypts with `open_event`, claims the
notification's `id` in a `NotificationStore` (`SQLiteNotificationStore`, `MemoryNotificationStore`, or the
application's own), runs the application's handler once and returns the `Answer` to send, within a deadline under
WeChat Pay's 5 s. `NotificationASGIApp` and `NotificationWSGIApp` serve it as a notify_url endpoint in any ASGI or
WSGI server or framework. `open_event` takes the client (`create_client(..., apiv3_key=...)`) or a `WechatPayAuth`
built with `apiv3_key`; `parse_event` is its pure part; a verification or decryption failure raises the auth
plugin's typed error (`SignatureVerificationError`, `NotificationError`), answered by `refusal_answer(error)`.
"""

from __future__ import annotations

from ._answers import Answer, failure_answer, refusal_answer, success_answer
from ._asgi import NotificationASGIApp
from ._core import DEFAULT_DEADLINE, ahandle_notification, handle_notification
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
from ._handling import NotificationHandler
from ._http import DEFAULT_MAX_BODY_BYTES
from ._memory_store import MemoryNotificationStore
from ._open import NotificationSource, open_event
from ._sqlite_store import SQLiteNotificationStore
from ._store import DEFAULT_LEASE, DEFAULT_RETENTION, NotificationClaim, NotificationStore
from ._wsgi import NotificationWSGIApp

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_LEASE",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_RETENTION",
    "MCH_PREPAY",
    "USER_CONFIRM",
    "USER_PAID",
    "Answer",
    "Event",
    "MchPrepayEvent",
    "MemoryNotificationStore",
    "NotificationASGIApp",
    "NotificationClaim",
    "NotificationHandler",
    "NotificationSource",
    "NotificationStore",
    "NotificationWSGIApp",
    "SQLiteNotificationStore",
    "UnknownEvent",
    "UserConfirmEvent",
    "UserPaidEvent",
    "ahandle_notification",
    "failure_answer",
    "handle_notification",
    "open_event",
    "parse_event",
    "refusal_answer",
    "success_answer",
]
