"""`handle_notification`: one notification request in, the answer to send out; verified, deduplicated, handled.

The steps, each answered by its own rule (the answer contract, answers and retries):

1. verify and decrypt (`open_event`): a failure, a `WECHATPAY/SIGNTEST/` probe included, is refused with a non-2xx
   (`refusal_answer`), so that WeChat Pay sends it again correctly signed; the handler never sees it;
2. an event type this contract does not describe is acknowledged (204) and logged, since a non-2xx would only
   make WeChat Pay deliver it again for a day; with `handle_unknown=True` it goes on to the handler instead;
3. claim the notification's `id` in the store: an id already handled is answered again as the first time (without
   running the handler), an id whose handler another delivery is running is answered 503 (WeChat Pay delivers it
   again later, and that delivery finds it done);
4. run the handler: None is 204; an Answer is sent as it is (a 2xx marks the id done, a 4xx/5xx releases it, so
   that the next delivery runs the handler again); an exception is logged with its traceback and answered 500;
5. all within `deadline` seconds of the call (WeChat Pay waits 5 s): a handler still running then is answered 503
   and goes on; its outcome is recorded when it ends.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from wechatpay_auth import WechatPayError

from ._answers import Answer, failure_answer, refusal_answer, success_answer
from ._events import Event, UnknownEvent
from ._handling import Delivery, NotificationHandler, is_async, run_async, run_sync, start_thread
from ._open import NotificationSource, open_event
from ._store import NotificationClaim, NotificationStore

__all__ = ["DEFAULT_DEADLINE", "ahandle_notification", "check_arguments", "handle_notification"]

logger = logging.getLogger("wechatpay_payscore_client.notifications")

# Protocol rule: the merchant must verify and answer a notification within 5 s ("需在5秒内完成对报文的验签" and
# "应答回调通知"); half a second is left for the network and the web server around this call.
DEFAULT_DEADLINE = 4.5

# Tasks of handlers that outlived their request: held so that the event loop does not drop them half-way.
_RUNNING: set[asyncio.Future[Answer]] = set()


def check_arguments(handler: Callable[..., Any], store: NotificationStore, deadline: float) -> None:
    """Refuse, before any notification arrives, what would make every notification fail."""
    if not callable(handler):
        raise TypeError(f"handler must be callable (it receives the event), got a {type(handler).__name__}")
    if not isinstance(store, NotificationStore):
        raise TypeError(
            f"store must be a NotificationStore (claim, complete, release), got a {type(store).__name__}; "
            "SQLiteNotificationStore(path) is the default choice"
        )
    if isinstance(deadline, bool) or not isinstance(deadline, int | float) or not (0 < deadline < math.inf):
        raise ValueError(f"deadline must be a positive, finite number of seconds, got {deadline!r}")


def _opened(source: NotificationSource, headers: Mapping[str, str], body: bytes) -> Event | Answer:
    try:
        return open_event(source, headers, body)
    except WechatPayError as error:
        return refusal_answer(error)


def _acknowledged_unknown(event: Event, handle_unknown: bool) -> Answer | None:
    """Step 2: the answer to an event type this contract does not describe, unless the handler is to see it."""
    if not isinstance(event, UnknownEvent) or handle_unknown:
        return None
    logger.warning(
        "notification %s has an event type this client does not describe (%s); acknowledged (204) without running "
        "the handler (handle_unknown=True passes it on)",
        event.id,
        event.event_type,
    )
    return success_answer()


def _examined(
    source: NotificationSource, headers: Mapping[str, str], body: bytes, handle_unknown: bool
) -> Event | Answer:
    """Steps 1 and 2: the event the store is to claim, or the answer that ends this delivery before the store."""
    event = _opened(source, headers, body)
    if isinstance(event, Answer):
        return event
    answer = _acknowledged_unknown(event, handle_unknown)
    return event if answer is None else answer


def _claimed(store: NotificationStore, event: Event) -> Delivery | Answer:
    """Step 3: the delivery when it holds the claim (under a token of its own); otherwise the answer without running
    the handler."""
    token = uuid.uuid4().hex
    try:
        claim = store.claim(event.id, token)
    except Exception:
        logger.exception("notification %s (%s): the store could not be read; answered 503", event.id, event.event_type)
        return failure_answer("the notification store is unavailable", 503)
    if claim is NotificationClaim.CLAIMED:
        return Delivery(store, event, token)
    if claim is NotificationClaim.BUSY:
        logger.info(
            "notification %s (%s) arrived again while another delivery runs its handler; answered 503 (WeChat Pay "
            "delivers it again later)",
            event.id,
            event.event_type,
        )
        return failure_answer("the notification is being processed", 503)
    logger.info(
        "notification %s (%s) arrived again after it was handled; answered %s again without running the handler",
        event.id,
        event.event_type,
        claim.status,
    )
    return claim


def _overran(delivery: Delivery, deadline: float) -> Answer:
    delivery.overran.set()
    logger.warning(
        "%s: the handler did not end within the %g s deadline; answered 503 (WeChat Pay delivers it again) and left "
        "it running: its outcome is recorded when it ends",
        delivery.describe(),
        deadline,
    )
    return failure_answer("the notification is still being processed", 503)


def _remaining(started: float, deadline: float) -> float:
    return max(0.0, deadline - (time.monotonic() - started))


def handle_notification(
    source: NotificationSource,
    headers: Mapping[str, str],
    body: bytes,
    handler: NotificationHandler,
    *,
    store: NotificationStore,
    deadline: float = DEFAULT_DEADLINE,
    handle_unknown: bool = False,
) -> Answer:
    """Answer one notification request: verify, decrypt, deduplicate by `id`, run `handler`, within `deadline`.

    Protocol rules: the answer contract in this module's docstring (2xx = received; 4xx/5xx = delivered again;
    within 5 s). `headers` and the raw `body` exactly as received; `source` is the client from
    `create_client(..., apiv3_key=...)` or a `WechatPayAuth` with `apiv3_key`. The handler runs in a worker thread
    (so that the deadline holds); a coroutine it returns runs there on its own event loop. Never raises for a
    notification or a handler's failure: each ends in an answer.
    """
    started = time.monotonic()
    check_arguments(handler, store, deadline)
    event = _examined(source, headers, body, handle_unknown)
    if isinstance(event, Answer):
        return event
    delivery = _claimed(store, event)
    if isinstance(delivery, Answer):
        return delivery
    future = start_thread(partial(run_sync, handler, delivery), name=f"wechatpay-notification-{event.id}")
    try:
        return future.result(timeout=_remaining(started, deadline))
    except TimeoutError:  # concurrent.futures.TimeoutError is TimeoutError since Python 3.11
        return _overran(delivery, deadline)


def _forget(task: asyncio.Future[Answer]) -> None:
    _RUNNING.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("a notification handler ended abnormally", exc_info=task.exception())


async def ahandle_notification(
    source: NotificationSource,
    headers: Mapping[str, str],
    body: bytes,
    handler: NotificationHandler,
    *,
    store: NotificationStore,
    deadline: float = DEFAULT_DEADLINE,
    handle_unknown: bool = False,
) -> Answer:
    """`handle_notification` for asyncio: a coroutine function handler is awaited on the running loop, any other
    handler runs in a worker thread; the store's blocking calls run in threads too.

    Protocol rules: as `handle_notification`. A handler that overruns `deadline` is answered 503 and goes on as a
    task of the loop, recording its outcome when it ends.
    """
    started = time.monotonic()
    check_arguments(handler, store, deadline)
    event = _examined(source, headers, body, handle_unknown)
    if isinstance(event, Answer):
        return event
    # The store's calls block: they run in a thread, so that the loop goes on serving meanwhile.
    delivery = await asyncio.to_thread(_claimed, store, event)
    if isinstance(delivery, Answer):
        return delivery
    task: asyncio.Future[Answer]
    if is_async(handler):
        task = asyncio.ensure_future(run_async(handler, delivery))
    else:
        thread = start_thread(partial(run_sync, handler, delivery), name=f"wechatpay-notification-{event.id}")
        task = asyncio.wrap_future(thread)
    _RUNNING.add(task)
    task.add_done_callback(_forget)
    done, _ = await asyncio.wait({task}, timeout=_remaining(started, deadline))
    if task in done:
        return task.result()
    return _overran(delivery, deadline)
