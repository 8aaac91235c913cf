"""The `Emulator`: WeChat Pay's Pay Score endpoints as an ASGI app, with a Python API to drive it from tests."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator

from starlette.applications import Starlette

from ._actions import act
from ._app import build_app
from ._config import EmulatorConfig
from ._delivery import DeliveryWorker
from ._events import Event
from ._faults import Fault, InjectedFault
from ._log import InFlightRequest, RequestLogEntry
from ._notification_faults import NotificationFault
from ._notify_settings import NotificationSettings
from ._orders import Order
from ._outbox import Notification
from ._seeding import read_orders_file
from ._server import serve_in_thread
from ._state import EmulatorState
from ._validation import load_contract

__all__ = ["Emulator"]


class Emulator:
    """WeChat Pay's Pay Score service-order API (the whole life of an order), with a Python API to drive it from
    tests.

    Use `app` in-process (`httpx.ASGITransport(app=emu.app)`) or `serve()` it on a loopback port. Orders, faults,
    the rate limit and the request log are shared by both and by the `/_emulator/...` HTTP control surface.
    Notifications (`PAYSCORE.USER_CONFIRM` on `confirm()`, `PAYSCORE.USER_PAID` on `pay()`, `PAYSCORE.MCH_PREPAY`
    on `pay_now()`) are written when the order changes and delivered while `serve()` runs.

    One rule for every member: what you read is a read-only property (`orders`, `faults`, `requests`, `rate_limit`,
    ...; lists are snapshots, so `emu.faults == []` means what it says); what you do, or look up by a key, is a
    method (`seed()`, `inject()`, `order(out_order_no)`, `set_rate_limit()`, `reset()`, ...).
    """

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self._config = config if config is not None else EmulatorConfig.demo()
        self._state = EmulatorState.build(self._config, load_contract())
        self._state.reset()
        self._app: Starlette = build_app(self._state)
        self._base_url: str | None = None

    # -- what you read ------------------------------------------------------------------------------------------

    @property
    def config(self) -> EmulatorConfig:
        """The configuration: identity, keys, and what `reset()` returns to."""
        return self._config

    @property
    def app(self) -> Starlette:
        """The ASGI app, for `httpx.ASGITransport` or any ASGI server."""
        return self._app

    @property
    def base_url(self) -> str | None:
        """`http://127.0.0.1:PORT` while `serve()` runs, else None."""
        return self._base_url

    @property
    def orders(self) -> list[Order]:
        """Every order, in seeding order (a snapshot)."""
        return self._state.orders.all()

    @property
    def faults(self) -> list[InjectedFault[Fault]]:
        """The faults still armed, in the order they match (a snapshot)."""
        return self._state.faults.active()

    @property
    def requests(self) -> list[RequestLogEntry]:
        """The API requests that reached the emulator, oldest first, the newest `request_log_capacity` of them
        (a snapshot; control requests are not logged)."""
        return self._state.log.entries()

    @property
    def in_flight(self) -> list[InFlightRequest]:
        """The API requests being handled right now, oldest first (a snapshot): e.g. those held open by a `latency`
        fault, each with the client's address (`peer`), its operation and order once its body was read."""
        return self._state.in_flight.requests()

    @property
    def events(self) -> list[Event]:
        """Every change of an order (create, confirm, complete, ..., expire), oldest first, the newest 100 000 of
        them (a snapshot); a re-entry, a refusal or a read records none."""
        return self._state.events.entries()

    @property
    def notifications(self) -> list[Notification]:
        """Every notification written (the newest 10 000), oldest first, each with its delivery attempts (a
        snapshot)."""
        return self._state.outbox.entries()

    @property
    def notification_faults(self) -> list[InjectedFault[NotificationFault]]:
        """The notification faults still armed, in the order they match (a snapshot; `operation` holds the event
        type a fault is aimed at)."""
        return self._state.notification_faults.active()

    @property
    def notification_settings(self) -> NotificationSettings:
        """How notifications are delivered now: `notify_url` (the override, None: each order's own), `time_scale`,
        `timeout` and `signer`."""
        return self._state.outbox.settings

    @property
    def now(self) -> int:
        """The order clock (Unix seconds): the configured clock plus every `advance_clock()` since the last reset."""
        return self._state.clock.now()

    @property
    def rate_limit(self) -> int | None:
        """Requests per second per merchant above which the API answers `429 FREQUENCY_LIMITED`; None: no limit."""
        return self._state.rate_limiter.per_second

    @property
    def request_log_capacity(self) -> int:
        """How many of the newest requests the log keeps."""
        return self._state.log.capacity

    @property
    def client_settings(self) -> dict[str, str]:
        """What a client needs, by the names `wechatpay-emulator` prints (`EmulatorConfig.client_settings`)."""
        return self._config.client_settings()

    @property
    def public_material(self) -> dict[str, str | None]:
        """What `GET /_emulator/config` serves (without `config_url`): the ids and public keys a client needs."""
        return self._config.public_material()

    # -- what you do --------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve on `host` (loopback) from a daemon thread, and deliver notifications from another; yields
        `http://HOST:PORT`; both stop when the block ends (pending notifications stay in the outbox)."""
        with serve_in_thread(self._app, host, port) as base_url, self.deliver_notifications():
            self._base_url = base_url
            try:
                yield base_url
            finally:
                self._base_url = None

    @contextlib.contextmanager
    def deliver_notifications(self) -> Iterator[None]:
        """Deliver notifications from a background thread while the block runs (`serve()` does this itself; use it
        to serve `app` some other way, e.g. in-process). Pending notifications stay in the outbox after it."""
        worker = DeliveryWorker(self._state.outbox, self._state.notifier)
        worker.start()
        try:
            yield
        finally:
            worker.stop()

    def order(self, out_order_no: str, mchid: str | None = None) -> Order:
        """The current state of one order (`UnknownOrderError` when there is none); `mchid` None: the configured
        merchant's."""
        return self._state.orders.get(out_order_no, mchid)

    def seed(self, *orders: Order) -> list[Order]:
        """Add (or replace) orders, in any state; returns them as stored (`mchid` filled in).

        Thousands at once are fine: they are stored under one lock. `reset()` forgets them.
        """
        return self._state.orders.seed_many(orders)

    def seed_from_file(self, path: str | os.PathLike[str]) -> list[Order]:
        """Seed the orders of a file: a JSON list of order objects, or JSON Lines (one object per line)."""
        return self._state.orders.seed_many(read_orders_file(path))

    def inject(
        self, fault: Fault, times: int | None = 1, out_order_no: str | None = None, operation: str | None = None
    ) -> int:
        """Arm a fault for the next `times` API requests (None: until cleared), to one order or any, of one
        operation (an `operationId` of the contract, e.g. `"completeServiceOrder"`) or any; returns its id.

        The order is found where the request names it: its path, its query, or a create's body. Each request takes
        at most one fault, the first armed one that matches it.
        """
        return self._state.faults.inject(fault, times=times, out_order_no=out_order_no, operation=operation)

    def confirm(self, out_order_no: str, mchid: str | None = None) -> Order:
        """The user confirms the order in WeChat: `CREATED` → `DOING` / `USER_CONFIRM`; returns the order after.

        `UnknownOrderError` for no such order, `StateConflictError` in any other state. `mchid` None: the
        configured merchant's order (as for every action).
        """
        return act(self._state.orders, "confirm", out_order_no, mchid)

    def pay(self, out_order_no: str, mchid: str | None = None) -> Order:
        """The user pays actively (Pay Score): `DOING` / `MCH_COMPLETE` → `DONE`, `USER_PAID` with a `NEWTON` payment
        (a `transaction_id`, `paid_time` the order clock); an effective registered deduction lapses."""
        return act(self._state.orders, "pay", out_order_no, mchid)

    def pay_now(self, out_order_no: str, mchid: str | None = None) -> Order:
        """The user taps 立即支付 on the pending order: WeChat Pay sends `PAYSCORE.MCH_PREPAY`, asking the institution
        for a prepay order. Allowed in `DOING` / `MCH_COMPLETE`; the order does not change (its payment, if any,
        is played by `pay()`); the receiver's answer is recorded in `notifications`."""
        return act(self._state.orders, "pay-now", out_order_no, mchid)

    def collect(self, out_order_no: str, mchid: str | None = None) -> Order:
        """The clearing house collects the effective registered deduction: `DOING` / `MCH_COMPLETE` → `DONE`,
        `USER_PAID` with an `MCH` payment at the order clock; the deduction is used. `StateConflictError` when
        there is no effective deduction."""
        return act(self._state.orders, "collect", out_order_no, mchid)

    def lapse_deduction(self, out_order_no: str, mchid: str | None = None) -> Order:
        """The effective registered deduction is closed at the clearing house before its 24 hours end; the order
        may then be cancelled, modified or synced, or registered again under a new number."""
        return act(self._state.orders, "lapse-deduction", out_order_no, mchid)

    def advance_clock(self, seconds: float) -> int:
        """Move the order clock forward (a finite number of seconds ≥ 0) and apply time to every order (expiry
        after 30 days in `CREATED`, deductions after 24 hours); returns the new `now`. Request signatures keep the
        configured clock. `reset()` returns to it."""
        now = self._state.clock.advance(seconds)
        self._state.orders.sweep()
        return now

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self._state.faults.clear()

    def inject_notification_fault(
        self,
        fault: NotificationFault,
        times: int | None = 1,
        out_order_no: str | None = None,
        event_type: str | None = None,
    ) -> int:
        """Arm a notification fault for the next `times` notifications it acts on (None: until cleared), about one
        order or any, of one event type (`"PAYSCORE.USER_CONFIRM"`, ...) or any; returns its id. A `duplicate`
        acts when a notification is written, every other kind on one delivery attempt."""
        return self._state.notification_faults.inject(
            fault, times=times, out_order_no=out_order_no, operation=event_type
        )

    def clear_notification_faults(self) -> None:
        """Disarm every notification fault."""
        self._state.notification_faults.clear()

    def set_notify_url(self, url: str | None) -> None:
        """Send every order's notifications to `url` instead of the order's own `notify_url` (None: its own again),
        from the next one written. Only `http://` on loopback is ever contacted. `reset()` returns to
        `config.notify_url`."""
        self._update_notifications(notify_url=url)

    def set_notification_time_scale(self, scale: float) -> None:
        """Multiply the retry schedule's delays by `scale` (0 < scale ≤ 1000; 0.001 makes 15 s 15 ms), for the
        retries scheduled from now on. `reset()` returns to `config.notification_time_scale`."""
        self._update_notifications(time_scale=scale)

    def set_notification_timeout(self, seconds: float) -> None:
        """Give receivers `seconds` (0 < seconds ≤ 60, not scaled) to answer before an attempt counts as a timeout.
        `reset()` returns to `config.notification_timeout`."""
        self._update_notifications(timeout=seconds)

    def set_notification_signer(self, signer: str) -> None:
        """Sign notifications from now on with `"platform_certificate"` (its hex serial in `Wechatpay-Serial`) or
        `"public_key"` (`PUB_KEY_ID_…`): a rotation in the middle of a run. `ControlError` for a key not configured.
        `reset()` returns to `config.notification_signer`."""
        self._update_notifications(signer=signer)

    def _update_notifications(self, **changes: object) -> None:
        outbox = self._state.outbox
        outbox.set_settings(outbox.settings.updated(changes))

    def clear_requests(self) -> None:
        """Empty the request log."""
        self._state.log.clear()

    def set_rate_limit(self, per_second: int | None) -> None:
        """Answer `429 FREQUENCY_LIMITED` (with `Retry-After`) above `per_second` requests in any one-second window,
        per merchant; None removes the limit. `reset()` returns to `config.rate_limit`."""
        self._state.rate_limiter.set(per_second)

    def set_request_log_capacity(self, capacity: int) -> None:
        """Keep the newest `capacity` requests from now on. `reset()` returns to `config.request_log_capacity`."""
        self._state.log.set_capacity(capacity)

    def wait_idle(self, timeout: float = 30.0, *, deliveries: bool = True) -> bool:
        """Wait until no API request is being handled (e.g. one whose client timed out during injected latency)
        and, with `deliveries`, no notification attempt is in progress or due within `timeout`.

        A retry due later than `timeout` does not count (a receiver that keeps failing would otherwise keep the
        emulator busy for 24 hours); without `serve()` running nothing is delivered, so pending notifications do
        not count either. Returns False when still busy after `timeout` seconds.
        """
        deadline = time.monotonic() + timeout
        in_flight, outbox = self._state.in_flight, self._state.outbox
        while True:
            if not in_flight.wait_idle(max(deadline - time.monotonic(), 0.0)):
                return False
            if not deliveries:
                return True
            if not outbox.wait_settled(deadline):
                return False
            # A receiver may have called the API while handling a notification: idle only when both are.
            if in_flight.count == 0:
                return True

    def reset(self) -> None:
        """Back to the configured clock, orders, rate limit, log capacity and notification settings, with no fault,
        no event, no notification and an empty log. A notification attempt in progress is not recorded."""
        self._state.reset()
