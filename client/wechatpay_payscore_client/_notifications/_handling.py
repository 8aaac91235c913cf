"""One claimed delivery: run the application's handler, then record its outcome in the store, wherever it ends.

The outcome is recorded by the code that ran the handler, not by the request that waits for it: a handler that
overruns the answer deadline is answered 503 by the request, keeps running, and still marks the id done (or
releases the claim) when it ends, so that WeChat Pay's next delivery is answered from the store.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import inspect
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias, TypeVar

import attrs

from ._answers import Answer, failure_answer, success_answer
from ._events import Event
from ._store import NotificationStore

__all__ = ["Delivery", "NotificationHandler", "is_async", "run_async", "run_sync", "start_thread"]

logger = logging.getLogger("wechatpay_payscore_client.notifications")

# The application's handler: None means handled (answered 204); an Answer is sent as it is (2xx: handled and kept
# for the duplicates; 4xx/5xx: not handled, delivered again). A coroutine function is awaited.
NotificationHandler: TypeAlias = Callable[[Event], "Answer | Awaitable[Answer | None] | None"]

_T = TypeVar("_T")


@attrs.define
class Delivery:
    """A delivery that holds the claim on its notification's id under `token`."""

    store: NotificationStore
    event: Event
    token: str
    # Set by the request when it answered before the handler ended: the late outcome is then logged.
    overran: threading.Event = attrs.field(factory=threading.Event)

    def describe(self) -> str:
        return f"notification {self.event.id} ({self.event.event_type})"


def is_async(handler: Callable[..., Any]) -> bool:
    """Whether calling `handler` returns a coroutine (an `async def` function, or an object whose `__call__` is)."""
    # The type's `__call__`: an instance of a class with `async def __call__` (a function's type says no).
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(type(handler).__call__)


def _outcome(result: object) -> Answer:
    if result is None:
        return success_answer()
    if isinstance(result, Answer):
        return result
    raise TypeError(f"a notification handler returns None or an Answer, not a {type(result).__name__}")


def _record(delivery: Delivery, answer: Answer) -> Answer:
    """A 2xx answer marks the id done (the duplicates get the same answer); any other releases the claim."""
    handled = 200 <= answer.status < 300
    try:
        if handled:
            delivery.store.complete(delivery.event.id, delivery.token, answer)
        else:
            delivery.store.release(delivery.event.id, delivery.token)
    except Exception:
        # The handler's work stands; the store keeps the claim until its lease ends, then a delivery runs it again.
        logger.exception("%s: the store could not record the handler's outcome", delivery.describe())
    if delivery.overran.is_set():
        logger.info(
            "%s: the handler ended after the answer deadline with %s; %s",
            delivery.describe(),
            answer.status,
            "recorded done: the next delivery is answered without running it"
            if handled
            else "claim released: the next delivery runs it again",
        )
    return answer


def _failed(delivery: Delivery, error: Exception) -> Answer:
    logger.error(
        "%s: the handler raised %s; answered 500 and released the claim, so that WeChat Pay's next delivery runs it "
        "again",
        delivery.describe(),
        type(error).__name__,
        exc_info=error,
    )
    return _record(delivery, failure_answer("the notification handler failed", 500))


def _release_quietly(delivery: Delivery) -> None:
    # On the way out of an interruption: the claim must not stay until its lease ends, and the interruption wins.
    try:
        delivery.store.release(delivery.event.id, delivery.token)
    except Exception:
        logger.exception("%s: the store could not release the claim", delivery.describe())


async def _awaited(awaitable: Awaitable[_T]) -> _T:
    return await awaitable


def run_sync(handler: NotificationHandler, delivery: Delivery) -> Answer:
    """Call `handler` (in the calling thread; a coroutine it returns runs on a new event loop), record, answer."""
    try:
        result = handler(delivery.event)
        if inspect.isawaitable(result):
            result = asyncio.run(_awaited(result))
        answer = _outcome(result)
    except Exception as error:  # noqa: BLE001 - the handler's failure is logged with its traceback, then answered
        return _failed(delivery, error)
    except BaseException:
        _release_quietly(delivery)
        raise
    return _record(delivery, answer)


async def run_async(handler: NotificationHandler, delivery: Delivery) -> Answer:
    """Await `handler` on the running loop, then record its outcome (the store's blocking calls in a thread)."""
    try:
        result = handler(delivery.event)
        if inspect.isawaitable(result):
            result = await result
        answer = _outcome(result)
    except Exception as error:  # noqa: BLE001 - the handler's failure is logged with its traceback, then answered
        return await asyncio.to_thread(_failed, delivery, error)
    except BaseException:
        _release_quietly(delivery)
        raise
    return await asyncio.to_thread(_record, delivery, answer)


def start_thread(work: Callable[[], _T], name: str) -> concurrent.futures.Future[_T]:
    """Run `work` in a new daemon thread (with the caller's context variables) and return its future.

    A daemon thread, not a pool's: a handler that never returns must not hold the process at exit; its claim then
    ends with its lease.
    """
    future: concurrent.futures.Future[_T] = concurrent.futures.Future()
    context = contextvars.copy_context()

    def target() -> None:
        try:
            future.set_result(context.run(work))
        except BaseException as error:  # noqa: BLE001 - handed to whoever waits, as calling `work` would raise it
            future.set_exception(error)

    threading.Thread(target=target, name=name, daemon=True).start()
    return future
