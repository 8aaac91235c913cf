"""The `Emulator`: WeChat Pay's sync endpoint as an ASGI app, with a Python API to drive it from tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from starlette.applications import Starlette

from ._app import EmulatorState, build_app
from ._config import EmulatorConfig
from ._faults import Fault, FaultBoard, InjectedFault
from ._log import RequestLog, RequestLogEntry
from ._orders import Order, OrderStore
from ._responses import ResponseSigner
from ._server import serve_in_thread
from ._validation import load_contract

__all__ = ["Emulator"]


class Emulator:
    """A stand-in for WeChat Pay's `POST /v3/payscore/acquiringbank/serviceorder/{out_order_no}/sync`.

    Use `app` in-process (`httpx.ASGITransport(app=emu.app)`) or `serve()` it on a loopback port. Orders, faults
    and the request log are shared by both and by the `/_emulator/...` HTTP control surface.
    """

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config if config is not None else EmulatorConfig.demo()
        self._state = EmulatorState(
            config=self.config,
            contract=load_contract(),
            orders=OrderStore(self.config.mchid),
            faults=FaultBoard(),
            log=RequestLog(),
            signer=ResponseSigner(self.config),
        )
        self._state.reset()
        self.app: Starlette = build_app(self._state)

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve on `host` (loopback) from a daemon thread; yields `http://HOST:PORT`; stops when the block ends."""
        with serve_in_thread(self.app, host, port) as base_url:
            yield base_url

    def seed(self, *orders: Order) -> None:
        """Add (or replace) orders; `mchid` None means the configured merchant."""
        for order in orders:
            self._state.orders.seed(order)

    def order(self, out_order_no: str, mchid: str | None = None) -> Order:
        """The current state of an order (`UnknownOrderError` when there is none)."""
        return self._state.orders.get(out_order_no, mchid)

    def orders(self) -> list[Order]:
        """Every order."""
        return self._state.orders.all()

    @property
    def requests(self) -> list[RequestLogEntry]:
        """The API requests that reached the emulator, oldest first (control requests are not logged)."""
        return self._state.log.entries()

    def clear_requests(self) -> None:
        """Empty the request log."""
        self._state.log.clear()

    def inject(self, fault: Fault, times: int | None = 1, out_order_no: str | None = None) -> int:
        """Arm a fault for the next `times` API requests (None: until cleared), to one order or any; returns its id.

        Each request takes at most one fault, the first armed one that matches it.
        """
        return self._state.faults.inject(fault, times=times, out_order_no=out_order_no)

    def faults(self) -> list[InjectedFault]:
        """The faults still armed."""
        return self._state.faults.active()

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self._state.faults.clear()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until no API request is being handled (e.g. one whose client timed out during injected latency).

        Returns False when requests are still in flight after `timeout` seconds.
        """
        return self._state.in_flight.wait_idle(timeout)

    def reset(self) -> None:
        """Back to the configured orders, no faults, an empty log."""
        self._state.reset()

    def public_material(self) -> dict[str, str | None]:
        """What `GET /_emulator/config` serves: the ids and public keys a client needs."""
        return self.config.public_material()
