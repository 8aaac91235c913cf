"""Pay Score service orders and the part of their state machine the sync call drives."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ._errors import InvalidOrderError, UnknownOrderError

__all__ = ["STATES", "STATE_DESCRIPTIONS", "Order", "OrderStore", "SyncRefusal", "SyncRequest"]

# The states of a Pay Score service order (pay.weixin.qq.com/doc/v3/partner/4013194035).
STATES = frozenset({"CREATED", "DOING", "DONE", "REVOKED", "EXPIRED"})
STATE_DESCRIPTIONS = frozenset({"USER_CONFIRM", "MCH_COMPLETE"})
_STRING_FIELDS = ("out_order_no", "service_id", "sub_mchid")
_OPTIONAL_STRING_FIELDS = ("channel_id", "state_description", "paid_time", "mchid")


def _check_state(_instance: object, _attribute: object, value: str) -> None:
    if value not in STATES:
        raise InvalidOrderError(f"state must be one of {sorted(STATES)}, not {value!r}")


def _check_description(_instance: object, _attribute: object, value: str | None) -> None:
    if value is not None and value not in STATE_DESCRIPTIONS:
        raise InvalidOrderError(f"state_description must be one of {sorted(STATE_DESCRIPTIONS)} or null, not {value!r}")


@attrs.frozen(kw_only=True)
class Order:
    """A service order as WeChat Pay holds it. `mchid` None means the emulator's configured merchant."""

    out_order_no: str
    service_id: str
    sub_mchid: str
    channel_id: str | None = None
    state: str = attrs.field(default="DOING", validator=_check_state)
    state_description: str | None = attrs.field(default="MCH_COMPLETE", validator=_check_description)
    paid_time: str | None = None
    mchid: str | None = None

    @classmethod
    def from_json(cls, data: object) -> Order:
        """An order from its JSON form `{out_order_no, service_id, sub_mchid, channel_id, state, ...}`."""
        if not isinstance(data, Mapping):
            raise InvalidOrderError("an order must be a JSON object")
        unknown = set(data) - set(_STRING_FIELDS) - set(_OPTIONAL_STRING_FIELDS) - {"state"}
        if unknown:
            raise InvalidOrderError(f"unknown order fields: {sorted(map(str, unknown))}")
        values: dict[str, Any] = {}
        for name in (*_STRING_FIELDS, "state"):
            value = data.get(name)
            if name == "state" and value is None:
                continue
            if not isinstance(value, str) or not value:
                raise InvalidOrderError(f"order field {name} must be a non-empty string")
            values[name] = value
        for name in _OPTIONAL_STRING_FIELDS:
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                raise InvalidOrderError(f"order field {name} must be a string or null")
            if name in data:
                values[name] = value
        return cls(**values)

    def to_json(self) -> dict[str, str | None]:
        """The JSON form served by `/_emulator/orders`."""
        return attrs.asdict(self)


@attrs.frozen
class SyncRequest:
    """What a sync call asks, after the contract accepted it."""

    mchid: str
    out_order_no: str
    service_id: str
    sub_mchid: str
    channel_id: str | None
    paid_time: str


@attrs.frozen
class SyncRefusal:
    """A business refusal of a sync call: HTTP status, WeChat Pay error code and message."""

    status: int
    code: str
    message: str


class OrderStore:
    """Orders keyed by merchant and `out_order_no`, changed under one lock.

    The lock makes each sync an atomic check-and-set, so concurrent syncs of one order give exactly one success,
    as WeChat Pay's own order service does.
    """

    def __init__(self, default_mchid: str) -> None:
        self._default_mchid = default_mchid
        self._lock = threading.Lock()
        self._orders: dict[tuple[str, str], Order] = {}

    def _key(self, mchid: str | None, out_order_no: str) -> tuple[str, str]:
        return (mchid or self._default_mchid, out_order_no)

    def seed(self, order: Order) -> Order:
        """Add or replace an order; returns it with its merchant filled in."""
        stored = attrs.evolve(order, mchid=order.mchid or self._default_mchid)
        with self._lock:
            self._orders[self._key(stored.mchid, stored.out_order_no)] = stored
        return stored

    def replace_all(self, orders: Iterable[Order]) -> None:
        """Forget every order, then seed `orders`."""
        with self._lock:
            self._orders.clear()
        for order in orders:
            self.seed(order)

    def get(self, out_order_no: str, mchid: str | None = None) -> Order:
        """The current state of an order; `UnknownOrderError` when there is none."""
        with self._lock:
            order = self._orders.get(self._key(mchid, out_order_no))
        if order is None:
            raise UnknownOrderError(out_order_no)
        return order

    def all(self) -> list[Order]:
        """Every order, in seeding order."""
        with self._lock:
            return list(self._orders.values())

    def sync(self, request: SyncRequest) -> SyncRefusal | None:
        """Apply a sync: DOING + MCH_COMPLETE becomes DONE (paid time recorded) and None is returned.

        Refusals follow WeChat Pay's documented codes: an unknown order is `404 ORDER_NOT_EXIST`; a request naming
        another service, sub-merchant or channel than the order's is `400 INVALID_REQUEST` (the same order number
        with other parameters; checked before the state, since such a request does not address this order); then
        DONE is `400 ORDER_DONE`, REVOKED/EXPIRED `400 ORDER_CANCELED`, anything else `400 INVALID_ORDER_STATE`.
        A request without `channel_id` is not a mismatch (the contract makes it optional).
        """
        key = self._key(request.mchid, request.out_order_no)
        with self._lock:
            order = self._orders.get(key)
            if order is None:
                return SyncRefusal(404, "ORDER_NOT_EXIST", "订单不存在")
            if (
                request.service_id != order.service_id
                or request.sub_mchid != order.sub_mchid
                or (request.channel_id is not None and request.channel_id != order.channel_id)
            ):
                return SyncRefusal(400, "INVALID_REQUEST", "同一订单号的参数与原订单不一致")
            if order.state == "DONE":
                return SyncRefusal(400, "ORDER_DONE", "订单已完成")
            if order.state in ("REVOKED", "EXPIRED"):
                return SyncRefusal(400, "ORDER_CANCELED", "订单已取消")
            if order.state != "DOING" or order.state_description != "MCH_COMPLETE":
                return SyncRefusal(400, "INVALID_ORDER_STATE", "订单状态不正确")
            self._orders[key] = attrs.evolve(order, state="DONE", state_description=None, paid_time=request.paid_time)
        return None
