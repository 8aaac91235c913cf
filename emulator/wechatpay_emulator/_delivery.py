"""The delivery worker: a background thread that posts due notifications with httpx and reports each attempt.

One worker, one attempt at a time, in the order they fall due: the notifications of one order reach the receiver
in the order of its changes (retries aside, as on WeChat Pay). Each attempt opens its own connection (no pooled
connection outlives a receiver that a test stopped), follows no redirect and ignores proxy settings, so that what
`_loopback` allowed is exactly what is reached.

An attempt is `delivered` when a 2xx answer arrives within the deadline (the settings' `timeout`, 5 s); a slower
answer, or none, is a `timeout`; any other answer or a connection error is `failed`. Both are retried.
"""

from __future__ import annotations

import logging
import threading
import time

import httpx

from ._notification_faults import NotificationFaultKind
from ._notifier import Notifier
from ._outbox import ANSWER_LIMIT, Delivery, NotificationAttempt, Outbox

__all__ = ["DeliveryWorker"]

_LOGGER = logging.getLogger("wechatpay_emulator")
# How often an idle worker looks at its stop flag (a stop also wakes it at once).
_POLL = 0.5


class DeliveryWorker:
    """Delivers `outbox`'s due notifications from a daemon thread, between `start()` and `stop()`."""

    def __init__(self, outbox: Outbox, notifier: Notifier) -> None:
        self._outbox = outbox
        self._notifier = notifier
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start delivering."""
        self._outbox.attach_worker()
        self._thread = threading.Thread(target=self._run, name="wechatpay-emulator-notifications", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the attempt in progress (if any; it is bounded by its deadline); pending deliveries stay in
        the outbox for the next worker."""
        self._stopping.set()
        self._outbox.wake()
        if self._thread is not None:
            self._thread.join(timeout=self._outbox.settings.timeout + 5)
        self._outbox.detach_worker()

    def _run(self) -> None:
        # No keep-alive: each attempt its own connection, as each of WeChat Pay's deliveries is.
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=0)
        with httpx.Client(trust_env=False, follow_redirects=False, limits=limits) as http:
            while not self._stopping.is_set():
                delivery = self._outbox.take_due(_POLL, self._stopping)
                if delivery is None:
                    continue
                started = time.time()
                try:
                    attempt = self._attempt(http, delivery)
                except Exception as exc:  # an emulator bug must not stop every later delivery
                    _LOGGER.exception("notification %s failed inside the emulator", delivery.message.id)
                    attempt = _failure(delivery, started, f"emulator error: {exc!r}")
                self._outbox.finish(delivery, attempt)

    def _attempt(self, http: httpx.Client, delivery: Delivery) -> NotificationAttempt:
        wire, fault = self._notifier.prepare(delivery.message)
        deadline = self._outbox.settings.timeout
        at = time.time()
        start = time.perf_counter()
        status: int | None = None
        answer = b""
        truncated = False
        error: str | None = None
        outcome = "failed"
        try:
            with http.stream(
                "POST", delivery.url, content=wire.body, headers=list(wire.headers), timeout=deadline
            ) as response:
                status = response.status_code
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > ANSWER_LIMIT:
                        truncated = True
                        break
                answer = b"".join(chunks)[:ANSWER_LIMIT]
        except httpx.TimeoutException:
            error, outcome = f"timeout: no answer within {deadline:g} s", "timeout"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        duration = time.perf_counter() - start
        if status is not None:
            if duration > deadline:
                outcome = "timeout"
                error = f"timeout: answered after {duration:.3f} s, beyond the {deadline:g} s deadline"
            elif fault is NotificationFaultKind.LATE_ANSWER:
                outcome = "timeout"
                error = f"timeout: counted as answered after the {deadline:g} s deadline (late_answer fault)"
            elif 200 <= status < 300:
                outcome = "delivered"
            else:
                error = f"answered {status}: not 2xx"
        return NotificationAttempt(
            number=len(delivery.attempts) + 1,
            at=at,
            url=delivery.url,
            headers=wire.headers,
            body=wire.body,
            status=status,
            error=error,
            answer=answer,
            answer_truncated=truncated,
            duration=duration,
            outcome=outcome,
            fault=None if fault is None else fault.value,
        )


def _failure(delivery: Delivery, at: float, error: str) -> NotificationAttempt:
    return NotificationAttempt(
        number=len(delivery.attempts) + 1,
        at=at,
        url=delivery.url,
        headers=(),
        body=b"",
        status=None,
        error=error,
        answer=b"",
        answer_truncated=False,
        duration=time.time() - at,
        outcome="failed",
        fault=None,
    )
