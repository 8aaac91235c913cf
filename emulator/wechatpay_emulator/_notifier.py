"""From a change of an order to a notification in the outbox, and from a due delivery to one attempt's request.

`Notifier` is the order store's hook: called under the store's lock after every operation the lifecycle table
allowed, it writes the notification of the actions that have one (`confirm` → `PAYSCORE.USER_CONFIRM`, `pay` →
`PAYSCORE.USER_PAID`, `pay-now` → `PAYSCORE.MCH_PREPAY`) to the order's `notify_url` — or the settings' override
— in that same step. Before each attempt, `prepare` signs the notification anew with the key the settings name,
spoiled as a notification fault asks.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from ._config import EmulatorConfig
from ._faults import FaultBoard
from ._loopback import refusal_reason
from ._notification_content import EVENT_OF_ACTION, SUMMARIES, resource_of
from ._notification_faults import AT_WRITE, NotificationFault, NotificationFaultKind
from ._notification_wire import Message, Wire, compose, wire_for_attempt
from ._orders import Order
from ._outbox import DUPLICATE_GAP, Outbox, retries_of

__all__ = ["Notifier"]


def _at_write(fault: NotificationFault) -> bool:
    return fault.kind in AT_WRITE


def _at_attempt(fault: NotificationFault) -> bool:
    return fault.kind not in AT_WRITE


class Notifier:
    """Writes the notifications of changes to `outbox`, and prepares each attempt's request."""

    def __init__(self, config: EmulatorConfig, outbox: Outbox, faults: FaultBoard[NotificationFault]) -> None:
        self._config = config
        self._outbox = outbox
        self._faults = faults

    def __call__(self, operation: str, order: Order, now: int) -> None:
        """The store's hook: `operation` was applied to `order` (as stored after it) at `now` (the order clock)."""
        event_type = EVENT_OF_ACTION.get(operation)
        if event_type is None:
            return
        assert order.mchid is not None  # noqa: S101 - stored orders have their merchant
        message = compose(
            event_type,
            SUMMARIES[event_type],
            resource_of(event_type, order, now),
            mchid=order.mchid,
            now=now,
            apiv3_key=self._config.apiv3_key.reveal(),
        )
        settings = self._outbox.settings
        url = settings.notify_url or order.notify_url
        reason = refusal_reason(url)
        if reason is not None:
            self._outbox.refuse(message, url, reason)
            return
        delays = retries_of(event_type)
        seq = self._outbox.write(message, url, delays)
        if self._faults.take(order.out_order_no, event_type, accept=_at_write) is not None:
            self._outbox.write(message, url, delays, after=DUPLICATE_GAP * settings.time_scale, duplicate_of=seq)

    def signing_key(self, signer: str) -> tuple[str, RSAPrivateKey]:
        """The `Wechatpay-Serial` and private key of `signer` (`platform_certificate` or `public_key`)."""
        config = self._config
        if signer == "public_key" and config.wechatpay_key_id is not None and config.wechatpay_private_key is not None:
            return config.wechatpay_key_id, config.wechatpay_private_key
        if config.platform_serial is not None and config.platform_private_key is not None:
            return config.platform_serial, config.platform_private_key
        raise AssertionError(f"no key for signer {signer!r}: the settings accept configured signers only")

    def prepare(self, message: Message) -> tuple[Wire, NotificationFaultKind | None]:
        """The request of the next attempt of `message`, and the notification fault that spoils it (if any)."""
        fault = self._faults.take(message.out_order_no, message.event_type, accept=_at_attempt)
        kind = None if fault is None else fault.kind
        serial, key = self.signing_key(self._outbox.settings.signer)
        return wire_for_attempt(message, serial=serial, key=key, timestamp=self._config.now(), fault=kind), kind
