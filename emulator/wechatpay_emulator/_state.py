"""Everything the app reads and changes, shared by the API, the control surface and the `Emulator` Python API."""

from __future__ import annotations

import attrs

from ._clock import OrderClock
from ._config import EmulatorConfig
from ._events import EventLog
from ._faults import FaultBoard
from ._log import InFlight, RequestLog
from ._ratelimit import RateLimiter
from ._responses import ResponseSigner
from ._store import OrderStore
from ._validation import Contract

__all__ = ["EmulatorState"]


@attrs.frozen
class EmulatorState:
    """The emulator's state: orders (on the order `clock`, recording `events`), faults, the request log, the
    signer, the rate limiter and the requests in flight."""

    config: EmulatorConfig
    contract: Contract
    orders: OrderStore
    faults: FaultBoard
    log: RequestLog
    signer: ResponseSigner
    clock: OrderClock
    events: EventLog
    rate_limiter: RateLimiter = attrs.field(factory=RateLimiter)
    in_flight: InFlight = attrs.field(factory=InFlight)

    @classmethod
    def build(cls, config: EmulatorConfig, contract: Contract) -> EmulatorState:
        """A fresh state for `config`, not yet reset (no orders)."""
        clock = OrderClock(config.now)
        events = EventLog()
        return cls(
            config=config,
            contract=contract,
            orders=OrderStore(config.mchid, clock=clock.now, events=events),
            faults=FaultBoard(contract.operation_ids),
            log=RequestLog(config.request_log_capacity),
            signer=ResponseSigner(config),
            clock=clock,
            events=events,
        )

    def reset(self) -> None:
        """Back to the configured clock, orders, rate limit and log capacity, with no fault, no event and an
        empty log."""
        self.clock.reset()
        self.orders.replace_all(self.config.orders)
        self.events.clear()
        self.faults.clear()
        self.log.clear()
        self.log.set_capacity(self.config.request_log_capacity)
        self.rate_limiter.set(self.config.rate_limit)
