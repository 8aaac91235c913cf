"""The `Emulator`: WeChat Pay's Pay Score endpoints as an ASGI app, with a Python API to drive it from tests."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from starlette.applications import Starlette

from ._app import EmulatorState, build_app
from ._config import EmulatorConfig
from ._faults import Fault, FaultBoard, InjectedFault
from ._log import RequestLog, RequestLogEntry
from ._orders import Order, OrderStore
from ._responses import ResponseSigner
from ._seeding import read_orders_file
from ._server import serve_in_thread
from ._validation import load_contract

__all__ = ["Emulator"]


class Emulator:
    """WeChat Pay's Pay Score sync and query endpoints, with a Python API to drive them from tests.

    Use `app` in-process (`httpx.ASGITransport(app=emu.app)`) or `serve()` it on a loopback port. Orders, faults,
    the rate limit and the request log are shared by both and by the `/_emulator/...` HTTP control surface.

    One rule for every member: what you read is a read-only property (`orders`, `faults`, `requests`, `rate_limit`,
    ...; lists are snapshots, so `emu.faults == []` means what it says); what you do, or look up by a key, is a
    method (`seed()`, `inject()`, `order(out_order_no)`, `set_rate_limit()`, `reset()`, ...).
    """

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self._config = config if config is not None else EmulatorConfig.demo()
        self._state = EmulatorState(
            config=self._config,
            contract=load_contract(),
            orders=OrderStore(self._config.mchid),
            faults=FaultBoard(),
            log=RequestLog(self._config.request_log_capacity),
            signer=ResponseSigner(self._config),
        )
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
    def faults(self) -> list[InjectedFault]:
        """The faults still armed, in the order they match (a snapshot)."""
        return self._state.faults.active()

    @property
    def requests(self) -> list[RequestLogEntry]:
        """The API requests that reached the emulator, oldest first, the newest `request_log_capacity` of them
        (a snapshot; control requests are not logged)."""
        return self._state.log.entries()

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
        """Serve on `host` (loopback) from a daemon thread; yields `http://HOST:PORT`; stops when the block ends."""
        with serve_in_thread(self._app, host, port) as base_url:
            self._base_url = base_url
            try:
                yield base_url
            finally:
                self._base_url = None

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

    def inject(self, fault: Fault, times: int | None = 1, out_order_no: str | None = None) -> int:
        """Arm a fault for the next `times` API requests (None: until cleared), to one order or any; returns its id.

        Each request takes at most one fault, the first armed one that matches it.
        """
        return self._state.faults.inject(fault, times=times, out_order_no=out_order_no)

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self._state.faults.clear()

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

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until no API request is being handled (e.g. one whose client timed out during injected latency).

        Returns False when requests are still in flight after `timeout` seconds.
        """
        return self._state.in_flight.wait_idle(timeout)

    def reset(self) -> None:
        """Back to the configured orders, rate limit and log capacity, with no fault and an empty log."""
        self._state.reset()
