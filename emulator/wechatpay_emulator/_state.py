"""Everything the app reads and changes, shared by the API, the control surface and the `Emulator` Python API."""

from __future__ import annotations

import attrs

from ._clock import OrderClock
from ._config import EmulatorConfig
from ._events import EventLog
from ._faults import Fault, FaultBoard
from ._log import InFlight, RequestLog
from ._notification_content import EVENT_TYPES
from ._notification_faults import NotificationFault
from ._notifier import Notifier
from ._outbox import Outbox
from ._ratelimit import RateLimiter
from ._responses import ResponseSigner
from ._store import OrderStore
from ._validation import Contract

__all__ = ["EmulatorState"]


@attrs.frozen
class EmulatorState:
    """The emulator's state: orders (on the order `clock`, recording `events`, writing notifications to the
    `outbox` through the `notifier`), faults of requests and of notifications, the request log, the signer, the
    rate limiter and the requests in flight."""

    config: EmulatorConfig
    contract: Contract
    orders: OrderStore
    faults: FaultBoard[Fault]
    log: RequestLog
    signer: ResponseSigner
    clock: OrderClock
    events: EventLog
    outbox: Outbox
    notifier: Notifier
    notification_faults: FaultBoard[NotificationFault]
    rate_limiter: RateLimiter = attrs.field(factory=RateLimiter)
    in_flight: InFlight = attrs.field(factory=InFlight)

    @classmethod
    def build(cls, config: EmulatorConfig, contract: Contract) -> EmulatorState:
        """A fresh state for `config`, not yet reset (no orders)."""
        clock = OrderClock(config.now)
        events = EventLog()
        outbox = Outbox(config.notification_settings())
        notification_faults: FaultBoard[NotificationFault] = FaultBoard(frozenset(EVENT_TYPES), aim="event_type")
        notifier = Notifier(config, outbox, notification_faults)
        return cls(
            config=config,
            contract=contract,
            orders=OrderStore(config.mchid, clock=clock.now, events=events, on_applied=notifier),
            faults=FaultBoard(contract.operation_ids),
            log=RequestLog(config.request_log_capacity),
            signer=ResponseSigner(config),
            clock=clock,
            events=events,
            outbox=outbox,
            notifier=notifier,
            notification_faults=notification_faults,
        )

    def reset(self) -> None:
        """Back to the configured clock, orders, rate limit, log capacity and notification settings, with no fault,
        no event, no notification and an empty log."""
        self.clock.reset()
        # Notifications first: nothing written before the reset may be delivered after it.
        self.outbox.reset(self.config.notification_settings())
        self.notification_faults.clear()
        self.orders.replace_all(self.config.orders)
        self.events.clear()
        self.faults.clear()
        self.log.clear()
        self.log.set_capacity(self.config.request_log_capacity)
        self.rate_limiter.set(self.config.rate_limit)
