"""Pay Score service orders as the query endpoint returns them, and the part of their state machine the API drives.

The fields and their meaning follow WeChat Pay's query answer (`GET /v3/payscore/acquiringbank/serviceorder`,
pay.weixin.qq.com/doc/v3/partner/4013194035): `state` with `state_description` only while `DOING`, and a
`collection` whose `state` is `USER_PAYING` until the order is paid and `USER_PAID` after, with one `details[]`
entry per payment (`paid_type` `MCH`: the institution's own channel, reported by a sync; `NEWTON`: Pay Score).
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from ._errors import InvalidOrderError, UnknownOrderError

__all__ = [
    "COLLECTION_STATES",
    "PAID_TYPES",
    "STATES",
    "STATE_DESCRIPTIONS",
    "Collection",
    "CollectionDetail",
    "Order",
    "OrderStore",
    "QueryRequest",
    "Refusal",
    "SyncRefusal",
    "SyncRequest",
]

# The states of a Pay Score service order (pay.weixin.qq.com/doc/v3/partner/4013194035).
STATES = frozenset({"CREATED", "DOING", "DONE", "REVOKED", "EXPIRED"})
STATE_DESCRIPTIONS = frozenset({"USER_CONFIRM", "MCH_COMPLETE"})
COLLECTION_STATES = frozenset({"USER_PAYING", "USER_PAID"})
# Known values; a seeded order may carry others, as WeChat Pay may add some (clients must parse them).
PAID_TYPES = frozenset({"MCH", "NEWTON"})

# Seeding a nested value deeper than this is refused: WeChat Pay's objects nest four levels at most.
MAX_JSON_DEPTH = 16
DEFAULT_TOTAL_AMOUNT = 10000
DEFAULT_PAID_TIME = "20091225091210"
_DEFAULT_APPID = "wxd678efh567hg6787"
_DEFAULT_INTRODUCTION = "某某酒店"
_DEFAULT_NOTIFY_URL = "https://api.test.com"
_DEFAULT_START_TIME = "20091225091010"


def _text(name: str, value: object, *, optional: bool = False, empty: bool = False) -> None:
    """A string field: a `str` that has a UTF-8 form (no lone surrogate: it could not be served as JSON)."""
    if value is None and optional:
        return
    if not isinstance(value, str) or (not value and not empty):
        kind = "a non-empty string" if not empty else "a string"
        raise InvalidOrderError(f"order field {name} must be {kind}{' or null' if optional else ''}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidOrderError(f"order field {name} is not valid Unicode (a lone surrogate)") from None


def _integer(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidOrderError(f"order field {name} must be a non-negative integer{' or null' if optional else ''}")


def _json_value(name: str, value: object) -> None:
    """A JSON value (object, array, string, number, boolean), nested at most `MAX_JSON_DEPTH` deep.

    Numbers are finite: NaN and Infinity are no JSON (RFC 8259 §6), so an order holding one could not be answered
    (every `GET /_emulator/orders` and query of it would fail to serialize) until the emulator was reset.
    """
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InvalidOrderError(f"order field {name} nests deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(node, Mapping):
            for key, item in node.items():
                _text(f"{name} key", key, empty=True)
                stack.append((item, depth + 1))
        elif isinstance(node, list | tuple):
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str):
            _text(name, node, empty=True)
        elif isinstance(node, float) and not math.isfinite(node):
            raise InvalidOrderError(
                f"order field {name} holds {node}, which is not a JSON number (finite numbers only)"
            )
        elif node is None or isinstance(node, bool | int | float):
            continue
        else:
            raise InvalidOrderError(f"order field {name} must hold JSON values only")


def _attr_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _text(attribute.name, value)


def _attr_optional_text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _text(attribute.name, value, optional=True)


def _attr_integer(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _integer(attribute.name, value)


def _json_tuple(value: Iterable[Any] | None) -> tuple[Any, ...] | None:
    return None if value is None else tuple(value)


def _attr_json(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _json_value(attribute.name, value)


def _check_state(_instance: object, _attribute: object, value: str) -> None:
    if value not in STATES:
        raise InvalidOrderError(f"state must be one of {sorted(STATES)}, not {value!r}")


def _check_description(_instance: object, _attribute: object, value: str | None) -> None:
    if value is not None and value not in STATE_DESCRIPTIONS:
        raise InvalidOrderError(f"state_description must be one of {sorted(STATE_DESCRIPTIONS)} or null, not {value!r}")


def _check_collection_state(_instance: object, _attribute: object, value: str) -> None:
    if value not in COLLECTION_STATES:
        raise InvalidOrderError(f"collection state must be one of {sorted(COLLECTION_STATES)}, not {value!r}")


def _reject_unknown(kind: str, data: Mapping[str, Any], known: Iterable[str]) -> None:
    unknown = set(data) - set(known)
    if unknown:
        raise InvalidOrderError(f"unknown {kind} fields: {sorted(map(str, unknown))}")


def _mapping(kind: str, data: object) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidOrderError(f"{kind} must be a JSON object")
    return data


def _without_none(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


@attrs.frozen(kw_only=True)
class CollectionDetail:
    """One payment of an order (`collection.details[]`): `paid_type` `MCH` (a sync) or `NEWTON` (Pay Score)."""

    seq: int = attrs.field(validator=_attr_integer)
    amount: int = attrs.field(validator=_attr_integer)
    paid_type: str = attrs.field(validator=_attr_text)
    paid_time: str = attrs.field(validator=_attr_text)
    transaction_id: str | None = attrs.field(default=None, validator=_attr_optional_text)
    promotion_detail: tuple[Any, ...] | None = attrs.field(default=None, converter=_json_tuple, validator=_attr_json)

    @classmethod
    def from_json(cls, data: object) -> CollectionDetail:
        """A detail from `{seq, amount, paid_type, paid_time, transaction_id?, promotion_detail?}`."""
        mapping = _mapping("a collection detail", data)
        _reject_unknown("collection detail", mapping, attrs.fields_dict(cls))
        for name in ("seq", "amount", "paid_type", "paid_time"):
            if name not in mapping:
                raise InvalidOrderError(f"collection detail field {name} is required")
        promotion = mapping.get("promotion_detail")
        if promotion is not None and not isinstance(promotion, list):
            raise InvalidOrderError("collection detail field promotion_detail must be a list")
        try:
            return cls(**mapping)
        except TypeError as exc:  # a key that is not a valid identifier cannot reach here: unknown keys refused
            raise InvalidOrderError(str(exc)) from None

    def to_json(self) -> dict[str, Any]:
        """The JSON form, as in a query answer (absent fields left out)."""
        data = _without_none(attrs.asdict(self, recurse=False))
        if self.promotion_detail is not None:
            data["promotion_detail"] = list(self.promotion_detail)
        return data


def _details(value: Iterable[CollectionDetail]) -> tuple[CollectionDetail, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Collection:
    """What was collected for an order: `state` `USER_PAYING` or `USER_PAID`, amounts in fen, the payments."""

    state: str = attrs.field(validator=_check_collection_state)
    total_amount: int | None = attrs.field(default=None, validator=attrs.validators.optional(_attr_integer))
    paying_amount: int | None = attrs.field(default=None, validator=attrs.validators.optional(_attr_integer))
    paid_amount: int | None = attrs.field(default=None, validator=attrs.validators.optional(_attr_integer))
    details: tuple[CollectionDetail, ...] = attrs.field(default=(), converter=_details)

    @classmethod
    def paying(cls, total_amount: int) -> Collection:
        """Nothing collected yet: `USER_PAYING`, the whole amount still to pay."""
        return cls(state="USER_PAYING", total_amount=total_amount, paying_amount=total_amount, paid_amount=0)

    @classmethod
    def paid(
        cls, total_amount: int, *, paid_type: str, paid_time: str, transaction_id: str | None = None
    ) -> Collection:
        """Collected in one payment: `USER_PAID`, with one detail of `paid_type` (`MCH` or `NEWTON`)."""
        detail = CollectionDetail(
            seq=1, amount=total_amount, paid_type=paid_type, paid_time=paid_time, transaction_id=transaction_id
        )
        return cls(
            state="USER_PAID", total_amount=total_amount, paying_amount=0, paid_amount=total_amount, details=(detail,)
        )

    @classmethod
    def from_json(cls, data: object) -> Collection:
        """A collection from `{state, total_amount?, paying_amount?, paid_amount?, details?}`."""
        mapping = _mapping("collection", data)
        _reject_unknown("collection", mapping, attrs.fields_dict(cls))
        details = mapping.get("details", [])
        if not isinstance(details, list):
            raise InvalidOrderError("collection field details must be a list")
        values = {**mapping, "details": tuple(CollectionDetail.from_json(item) for item in details)}
        if "state" not in values:
            raise InvalidOrderError("collection field state is required")
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        """The JSON form, as in a query answer (absent amounts left out)."""
        data = _without_none(attrs.asdict(self, recurse=False))
        data["details"] = [detail.to_json() for detail in self.details]
        return data


def _default_description(order: Order) -> str | None:
    # WeChat Pay returns state_description only while DOING; a DOING order is seeded ready to be synced.
    return "MCH_COMPLETE" if order.state == "DOING" else None


def _default_collection(order: Order) -> Collection:
    # A DONE order seeded without its collection was paid through Pay Score: "done by other means" than a sync.
    if order.state == "DONE":
        return Collection.paid(
            order.total_amount,
            paid_type="NEWTON",
            paid_time=order.paid_time or DEFAULT_PAID_TIME,
            transaction_id="42000000" + _digits(order, 20),
        )
    return Collection.paying(order.total_amount)


def _default_order_id(order: Order) -> str:
    # Stable per order number, shaped like WeChat Pay's 31-digit service order ids.
    return "3000" + _digits(order, 27)


def _digits(order: Order, count: int) -> str:
    # Runs before the validators (attrs order): a lone surrogate must not fail here but in the check of its field.
    digest = hashlib.sha256(f"{order.mchid}\0{order.out_order_no}".encode("utf-8", "surrogatepass")).hexdigest()
    return str(int(digest, 16))[:count].rjust(count, "0")


_DEFAULT_RISK_FUND: Mapping[str, Any] = {"name": "DEPOSIT", "amount": DEFAULT_TOTAL_AMOUNT, "description": "押金"}
_DEFAULT_TIME_RANGE: Mapping[str, Any] = {"start_time": _DEFAULT_START_TIME}
# Fields that are the emulator's own, not part of WeChat Pay's query answer.
_EMULATOR_FIELDS = ("query_id", "paid_time")


@attrs.frozen(kw_only=True)
class Order:
    """A service order as WeChat Pay holds it; every field of the query answer, plus `query_id` and `paid_time`.

    Only `out_order_no`, `service_id` and `sub_mchid` are required. The defaults make a complete order:
    `state` `DOING` with `state_description` `MCH_COMPLETE` (ready to be synced; None outside `DOING`), a
    `collection` that follows the state (`USER_PAYING` for the whole `total_amount`; for a `DONE` order, `USER_PAID`
    in one `NEWTON` payment at `paid_time`), and example values for `appid`, `service_introduction`, `risk_fund`,
    `time_range` and `notify_url`; `order_id` is derived from the order number. `mchid` None means the emulator's
    configured merchant. `query_id`, when set, lets the order be queried by it. `paid_time` is the emulator's
    record of the last payment's time (a sync sets it; by default the collection's last detail's). Nested values
    (`post_payments`, `risk_fund`, ...) are JSON.
    """

    out_order_no: str = attrs.field(validator=_attr_text)
    service_id: str = attrs.field(validator=_attr_text)
    sub_mchid: str = attrs.field(validator=_attr_text)
    channel_id: str | None = attrs.field(default=None, validator=_attr_optional_text)
    state: str = attrs.field(default="DOING", validator=_check_state)
    state_description: str | None = attrs.field(
        default=attrs.Factory(_default_description, takes_self=True), validator=_check_description
    )
    paid_time: str | None = attrs.field(default=None, validator=_attr_optional_text)
    mchid: str | None = attrs.field(default=None, validator=_attr_optional_text)
    query_id: str | None = attrs.field(default=None, validator=_attr_optional_text)
    appid: str = attrs.field(default=_DEFAULT_APPID, validator=_attr_text)
    sub_appid: str | None = attrs.field(default=None, validator=_attr_optional_text)
    service_introduction: str = attrs.field(default=_DEFAULT_INTRODUCTION, validator=_attr_text)
    total_amount: int = attrs.field(default=DEFAULT_TOTAL_AMOUNT, validator=_attr_integer)
    post_payments: tuple[Any, ...] | None = attrs.field(default=None, converter=_json_tuple, validator=_attr_json)
    post_discounts: tuple[Any, ...] | None = attrs.field(default=None, converter=_json_tuple, validator=_attr_json)
    risk_fund: Mapping[str, Any] = attrs.field(default=_DEFAULT_RISK_FUND, validator=_attr_json)
    need_collection: bool = True
    collection: Collection = attrs.field(default=attrs.Factory(_default_collection, takes_self=True))
    time_range: Mapping[str, Any] = attrs.field(default=_DEFAULT_TIME_RANGE, validator=_attr_json)
    location: Mapping[str, Any] | None = attrs.field(default=None, validator=_attr_json)
    attach: str | None = attrs.field(default=None, validator=_attr_optional_text)
    notify_url: str = attrs.field(default=_DEFAULT_NOTIFY_URL, validator=_attr_text)
    openid: str | None = attrs.field(default=None, validator=_attr_optional_text)
    sub_openid: str | None = attrs.field(default=None, validator=_attr_optional_text)
    order_id: str = attrs.field(default=attrs.Factory(_default_order_id, takes_self=True), validator=_attr_text)

    def __attrs_post_init__(self) -> None:
        # `paid_time` follows the collection when not given: the time of its last payment.
        if self.paid_time is None and self.collection.details:
            object.__setattr__(self, "paid_time", self.collection.details[-1].paid_time)

    @classmethod
    def from_json(cls, data: object) -> Order:
        """An order from its JSON form (the `to_json` keys; only `out_order_no`, `service_id`, `sub_mchid` needed)."""
        mapping = _mapping("an order", data)
        fields = attrs.fields_dict(cls)
        _reject_unknown("order", mapping, fields)
        values: dict[str, Any] = {}
        for name, value in mapping.items():
            if value is None and fields[name].default is not attrs.NOTHING and name != "state_description":
                continue  # null: the default (state_description null is a value: no description)
            values[name] = value
        for name in ("out_order_no", "service_id", "sub_mchid"):
            if name not in values:
                raise InvalidOrderError(f"order field {name} must be a non-empty string")
        if "collection" in values:
            values["collection"] = Collection.from_json(values["collection"])
        for name in ("post_payments", "post_discounts"):
            if name in values and not isinstance(values[name], list):
                raise InvalidOrderError(f"order field {name} must be a list")
        for name in ("risk_fund", "time_range", "location"):
            if name in values and not isinstance(values[name], Mapping):
                raise InvalidOrderError(f"order field {name} must be an object")
        for name in ("state", "state_description"):
            if name in values and values[name] is not None and not isinstance(values[name], str):
                raise InvalidOrderError(f"order field {name} must be a string")
        if "need_collection" in values and not isinstance(values["need_collection"], bool):
            raise InvalidOrderError("order field need_collection must be a boolean")
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        """The JSON form served by `/_emulator/orders`: every field, null when absent."""
        data = attrs.asdict(self, recurse=False)
        data["collection"] = self.collection.to_json()
        for name in ("post_payments", "post_discounts"):
            if data[name] is not None:
                data[name] = list(data[name])
        return data

    def query_answer(self) -> dict[str, Any]:
        """The body of `200` to `GET /v3/payscore/acquiringbank/serviceorder`: absent fields left out, as WeChat
        Pay does (`state_description` only while `DOING`), and no emulator-only field (`query_id`, `paid_time`)."""
        data = {key: value for key, value in self.to_json().items() if key not in _EMULATOR_FIELDS}
        if self.state != "DOING":
            data.pop("state_description")
        return _without_none(data)

    def synced(self, paid_time: str) -> Order:
        """This order after a successful sync: `DONE`, `USER_PAID`, one more `MCH` detail at `paid_time`."""
        collection = self.collection
        total = collection.total_amount if collection.total_amount is not None else self.total_amount
        already = collection.paid_amount or 0
        amount = collection.paying_amount if collection.paying_amount is not None else max(total - already, 0)
        detail = CollectionDetail(seq=len(collection.details) + 1, amount=amount, paid_type="MCH", paid_time=paid_time)
        paid = attrs.evolve(
            collection,
            state="USER_PAID",
            total_amount=total,
            paying_amount=0,
            paid_amount=already + amount,
            details=(*collection.details, detail),
        )
        return attrs.evolve(self, state="DONE", state_description=None, paid_time=paid_time, collection=paid)


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
class QueryRequest:
    """What a query call asks, after the contract accepted it: exactly one of `out_order_no` and `query_id`."""

    mchid: str
    service_id: str | None
    sub_mchid: str
    channel_id: str | None
    out_order_no: str | None = None
    query_id: str | None = None


@attrs.frozen
class Refusal:
    """A business refusal of a call: HTTP status, WeChat Pay error code and message."""

    status: int
    code: str
    message: str


# The name the sync path has always used.
SyncRefusal = Refusal

_NOT_FOUND = Refusal(404, "ORDER_NOT_EXIST", "订单不存在")
_MISMATCH = Refusal(400, "INVALID_REQUEST", "同一订单号的参数与原订单不一致")


def _mismatch(order: Order, service_id: str | None, sub_mchid: str, channel_id: str | None) -> bool:
    # Absent optional parameters are not a mismatch (the contract makes them optional).
    return (
        (service_id is not None and service_id != order.service_id)
        or sub_mchid != order.sub_mchid
        or (channel_id is not None and channel_id != order.channel_id)
    )


class OrderStore:
    """Orders keyed by merchant and `out_order_no` (and by `query_id`), changed under one lock.

    The lock makes each sync an atomic check-and-set, so concurrent syncs of one order give exactly one success,
    as WeChat Pay's own order service does.
    """

    def __init__(self, default_mchid: str) -> None:
        self._default_mchid = default_mchid
        self._lock = threading.Lock()
        self._orders: dict[tuple[str, str], Order] = {}
        self._by_query_id: dict[tuple[str, str], str] = {}

    def _key(self, mchid: str | None, out_order_no: str) -> tuple[str, str]:
        return (mchid or self._default_mchid, out_order_no)

    def _store(self, order: Order) -> Order:
        # Caller holds the lock.
        stored = order if order.mchid else attrs.evolve(order, mchid=self._default_mchid)
        assert stored.mchid is not None  # noqa: S101 - just filled in
        key = (stored.mchid, stored.out_order_no)
        previous = self._orders.get(key)
        if previous is not None and previous.query_id is not None:
            self._by_query_id.pop((stored.mchid, previous.query_id), None)
        self._orders[key] = stored
        if stored.query_id is not None:
            self._by_query_id[(stored.mchid, stored.query_id)] = stored.out_order_no
        return stored

    def seed(self, order: Order) -> Order:
        """Add or replace an order; returns it with its merchant filled in."""
        with self._lock:
            return self._store(order)

    def seed_many(self, orders: Sequence[Order]) -> list[Order]:
        """Add or replace many orders under one lock (thousands per call); returns them as stored."""
        with self._lock:
            return [self._store(order) for order in orders]

    def replace_all(self, orders: Iterable[Order]) -> None:
        """Forget every order, then seed `orders`."""
        with self._lock:
            self._orders.clear()
            self._by_query_id.clear()
            for order in orders:
                self._store(order)

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

    def __len__(self) -> int:
        with self._lock:
            return len(self._orders)

    def query(self, request: QueryRequest) -> Order | Refusal:
        """The order a query addresses, or its refusal: `404 ORDER_NOT_EXIST` for no such order (by number or by
        `query_id`), `400 INVALID_REQUEST` when the service, sub-merchant or channel is not the order's (as a sync)."""
        with self._lock:
            out_order_no = request.out_order_no
            if out_order_no is None and request.query_id is not None:
                out_order_no = self._by_query_id.get((request.mchid, request.query_id))
            order = None if out_order_no is None else self._orders.get((request.mchid, out_order_no))
        if order is None:
            return _NOT_FOUND
        if _mismatch(order, request.service_id, request.sub_mchid, request.channel_id):
            return _MISMATCH
        return order

    def sync(self, request: SyncRequest) -> Refusal | None:
        """Apply a sync: DOING + MCH_COMPLETE becomes DONE (`Order.synced`) and None is returned.

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
                return _NOT_FOUND
            if _mismatch(order, request.service_id, request.sub_mchid, request.channel_id):
                return _MISMATCH
            if order.state == "DONE":
                return Refusal(400, "ORDER_DONE", "订单已完成")
            if order.state in ("REVOKED", "EXPIRED"):
                return Refusal(400, "ORDER_CANCELED", "订单已取消")
            if order.state != "DOING" or order.state_description != "MCH_COMPLETE":
                return Refusal(400, "INVALID_ORDER_STATE", "订单状态不正确")
            self._orders[key] = order.synced(request.paid_time)
        return None
