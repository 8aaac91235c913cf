"""Pay Score service orders as the query endpoint returns them, with the emulator's own bookkeeping beside them.

The fields and their meaning follow WeChat Pay's query answer (`GET /v3/payscore/acquiringbank/serviceorder`,
pay.weixin.qq.com/doc/v3/partner/4013194035): `state` with `state_description` only while `DOING`, and a
`collection` — present once the merchant completed the order — whose `state` is `USER_PAYING` until the order is
paid and `USER_PAID` after, with one `details[]` entry per payment (`paid_type` `MCH`: the institution's own
channel — a sync, or the clearing house collecting a registered deduction; `NEWTON`: Pay Score, the user paying).

What changes an order, and when it may, is decided in `_lifecycle` and applied by `_store`; an `Order` is an
immutable value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ._errors import InvalidOrderError
from ._fields import (
    MAX_JSON_DEPTH,
    attr_integer,
    attr_json,
    attr_optional_integer,
    attr_optional_text,
    attr_text,
    json_tuple,
    mapping,
    reject_unknown,
    without_none,
)

__all__ = [
    "COLLECTION_STATES",
    "DEDUCTION_STATES",
    "DEDUCTION_VALIDITY",
    "MAX_JSON_DEPTH",
    "PAID_TYPES",
    "STATES",
    "STATE_DESCRIPTIONS",
    "Collection",
    "CollectionDetail",
    "Deduction",
    "Order",
]

# The states of a Pay Score service order (pay.weixin.qq.com/doc/v3/partner/4013194035).
STATES = frozenset({"CREATED", "DOING", "DONE", "REVOKED", "EXPIRED"})
STATE_DESCRIPTIONS = frozenset({"USER_CONFIRM", "MCH_COMPLETE"})
COLLECTION_STATES = frozenset({"USER_PAYING", "USER_PAID"})
# Known values; a seeded order may carry others, as WeChat Pay may add some (clients must parse them).
PAID_TYPES = frozenset({"MCH", "NEWTON"})
# A registered deduction (扣款单) is EFFECTIVE for 24 hours, then LAPSED; USED once the clearing house collected it.
DEDUCTION_STATES = frozenset({"EFFECTIVE", "USED", "LAPSED"})
DEDUCTION_VALIDITY = 24 * 3600

DEFAULT_TOTAL_AMOUNT = 10000
DEFAULT_PAID_TIME = "20091225091210"
_DEFAULT_APPID = "wxd678efh567hg6787"
_DEFAULT_INTRODUCTION = "某某酒店"
_DEFAULT_NOTIFY_URL = "https://api.test.com"
_DEFAULT_START_TIME = "20091225091010"


def _check_state(_instance: object, _attribute: object, value: str) -> None:
    if value not in STATES:
        raise InvalidOrderError(f"state must be one of {sorted(STATES)}, not {value!r}")


def _check_description(_instance: object, _attribute: object, value: str | None) -> None:
    if value is not None and value not in STATE_DESCRIPTIONS:
        raise InvalidOrderError(f"state_description must be one of {sorted(STATE_DESCRIPTIONS)} or null, not {value!r}")


def _check_collection_state(_instance: object, _attribute: object, value: str) -> None:
    if value not in COLLECTION_STATES:
        raise InvalidOrderError(f"collection state must be one of {sorted(COLLECTION_STATES)}, not {value!r}")


def _check_deduction_state(_instance: object, _attribute: object, value: str) -> None:
    if value not in DEDUCTION_STATES:
        raise InvalidOrderError(f"deduction state must be one of {sorted(DEDUCTION_STATES)}, not {value!r}")


@attrs.frozen(kw_only=True)
class CollectionDetail:
    """One payment of an order (`collection.details[]`): `paid_type` `MCH` (the merchant's channel) or `NEWTON`
    (Pay Score)."""

    seq: int = attrs.field(validator=attr_integer)
    amount: int = attrs.field(validator=attr_integer)
    paid_type: str = attrs.field(validator=attr_text)
    paid_time: str = attrs.field(validator=attr_text)
    transaction_id: str | None = attrs.field(default=None, validator=attr_optional_text)
    promotion_detail: tuple[Any, ...] | None = attrs.field(default=None, converter=json_tuple, validator=attr_json)

    @classmethod
    def from_json(cls, data: object) -> CollectionDetail:
        """A detail from `{seq, amount, paid_type, paid_time, transaction_id?, promotion_detail?}`."""
        values = mapping("a collection detail", data)
        reject_unknown("collection detail", values, attrs.fields_dict(cls))
        for name in ("seq", "amount", "paid_type", "paid_time"):
            if name not in values:
                raise InvalidOrderError(f"collection detail field {name} is required")
        promotion = values.get("promotion_detail")
        if promotion is not None and not isinstance(promotion, list):
            raise InvalidOrderError("collection detail field promotion_detail must be a list")
        try:
            return cls(**values)
        except TypeError as exc:  # a key that is not a valid identifier cannot reach here: unknown keys refused
            raise InvalidOrderError(str(exc)) from None

    def to_json(self) -> dict[str, Any]:
        """The JSON form, as in a query answer (absent fields left out)."""
        data = without_none(attrs.asdict(self, recurse=False))
        if self.promotion_detail is not None:
            data["promotion_detail"] = list(self.promotion_detail)
        return data


def _details(value: Iterable[CollectionDetail]) -> tuple[CollectionDetail, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Collection:
    """What was collected for an order: `state` `USER_PAYING` or `USER_PAID`, amounts in fen, the payments."""

    state: str = attrs.field(validator=_check_collection_state)
    total_amount: int | None = attrs.field(default=None, validator=attr_optional_integer)
    paying_amount: int | None = attrs.field(default=None, validator=attr_optional_integer)
    paid_amount: int | None = attrs.field(default=None, validator=attr_optional_integer)
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
        values = mapping("collection", data)
        reject_unknown("collection", values, attrs.fields_dict(cls))
        details = values.get("details", [])
        if not isinstance(details, list):
            raise InvalidOrderError("collection field details must be a list")
        converted = {**values, "details": tuple(CollectionDetail.from_json(item) for item in details)}
        if "state" not in converted:
            raise InvalidOrderError("collection field state is required")
        return cls(**converted)

    def to_json(self) -> dict[str, Any]:
        """The JSON form, as in a query answer (absent amounts left out)."""
        data = without_none(attrs.asdict(self, recurse=False))
        data["details"] = [detail.to_json() for detail in self.details]
        return data


def _validity_end(deduction: Deduction) -> int:
    return deduction.registered_at + DEDUCTION_VALIDITY


@attrs.frozen(kw_only=True)
class Deduction:
    """A deduction order (扣款单) registered with `registerdeductinfo`: the number the clearing house (UnionPay /
    NetsUnion 委托代扣) collects under, effective for 24 hours from its registration and collected at most once.

    `state`: `EFFECTIVE` (registered, not yet collected; effective only while the clock is before `expires_at`),
    `USED` (collected), `LAPSED` (its 24 hours ran out, it was closed at the clearing house, or the user paid the
    order another way). Times are Unix seconds of the emulator's clock.
    """

    out_trade_no: str = attrs.field(validator=attr_text)
    registered_at: int = attrs.field(validator=attr_integer)
    expires_at: int = attrs.field(default=attrs.Factory(_validity_end, takes_self=True), validator=attr_integer)
    state: str = attrs.field(default="EFFECTIVE", validator=_check_deduction_state)

    def effective_at(self, now: int) -> bool:
        """Whether it is effective at `now`: registered, not collected, not closed, within its 24 hours."""
        return self.state == "EFFECTIVE" and now < self.expires_at

    @classmethod
    def from_json(cls, data: object) -> Deduction:
        """A deduction from `{out_trade_no, registered_at, expires_at?, state?}`."""
        values = mapping("a deduction", data)
        reject_unknown("deduction", values, attrs.fields_dict(cls))
        for name in ("out_trade_no", "registered_at"):
            if name not in values:
                raise InvalidOrderError(f"deduction field {name} is required")
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        """The JSON form served in an ORDER's `deductions`."""
        return attrs.asdict(self, recurse=False)


def _deductions(value: Iterable[Deduction]) -> tuple[Deduction, ...]:
    return tuple(value)


def _default_description(order: Order) -> str | None:
    # WeChat Pay returns state_description only while DOING; a DOING order is seeded ready to be synced.
    return "MCH_COMPLETE" if order.state == "DOING" else None


def _default_collection(order: Order) -> Collection | None:
    # WeChat Pay shows a collection from the merchant's complete on: a completed order awaits payment, a DONE one
    # seeded without its collection was paid through Pay Score ("done by other means" than a sync).
    total = order.total_amount if order.total_amount is not None else 0
    if order.state == "DONE":
        return Collection.paid(
            total,
            paid_type="NEWTON",
            paid_time=order.paid_time or DEFAULT_PAID_TIME,
            transaction_id=transaction_id_for(order, 1),
        )
    if order.state == "DOING" and order.state_description == "MCH_COMPLETE":
        return Collection.paying(total)
    return None


def _default_order_id(order: Order) -> str:
    # Stable per order number, shaped like WeChat Pay's 31-digit service order ids.
    return "3000" + _digits(f"{order.mchid}\0{order.out_order_no}", 27)


def _digits(seed: str, count: int) -> str:
    # Runs before the validators (attrs order): a lone surrogate must not fail here but in the check of its field.
    digest = hashlib.sha256(seed.encode("utf-8", "surrogatepass")).hexdigest()
    return str(int(digest, 16))[:count].rjust(count, "0")


def transaction_id_for(order: Order, seq: int) -> str:
    """A WeChat Pay transaction id (`42…`, 28 digits) for payment `seq` of an order through Pay Score; stable."""
    # The first payment keeps the form seeded DONE orders always had.
    seed = f"{order.mchid}\0{order.out_order_no}" + ("" if seq == 1 else f"\0{seq}")
    return "42000000" + _digits(seed, 20)


_DEFAULT_RISK_FUND: Mapping[str, Any] = {"name": "DEPOSIT", "amount": DEFAULT_TOTAL_AMOUNT, "description": "押金"}
_DEFAULT_TIME_RANGE: Mapping[str, Any] = {"start_time": _DEFAULT_START_TIME}
# Fields that are the emulator's own, not part of WeChat Pay's query answer.
_EMULATOR_FIELDS = (
    "query_id",
    "paid_time",
    "created_at",
    "updated_at",
    "deductions",
    "cancel_reason",
    "create_request",
)


@attrs.frozen(kw_only=True)
class Order:
    """A service order as WeChat Pay holds it: every field of the query answer, plus the emulator's bookkeeping.

    Only `out_order_no`, `service_id` and `sub_mchid` are required. The defaults make a complete order:
    `state` `DOING` with `state_description` `MCH_COMPLETE` (ready to be synced; None outside `DOING`), a
    `collection` that follows the state (`USER_PAYING` for the whole `total_amount` once completed; for a `DONE`
    order, `USER_PAID` in one `NEWTON` payment at `paid_time`; none before the merchant completed the order), and
    example values for `appid`, `service_introduction`, `total_amount`, `risk_fund`, `time_range` and
    `notify_url`; `order_id` is derived from the order number. `mchid` None means the emulator's configured
    merchant. Nested values (`post_payments`, `risk_fund`, ...) are JSON.

    The emulator's own fields, never in a query answer: `query_id` (lets the order be queried by it), `paid_time`
    (the last payment's time; by default the collection's last detail's), `created_at` / `updated_at` (Unix
    seconds of the emulator's clock; None: filled in when stored), `deductions` (every registration, oldest
    first), `cancel_reason` (the reason of the cancel that revoked it, for its re-entry) and `create_request` (the
    body that created it, for the create's re-entry; None for a seeded order).
    """

    out_order_no: str = attrs.field(validator=attr_text)
    service_id: str = attrs.field(validator=attr_text)
    sub_mchid: str = attrs.field(validator=attr_text)
    channel_id: str | None = attrs.field(default=None, validator=attr_optional_text)
    state: str = attrs.field(default="DOING", validator=_check_state)
    state_description: str | None = attrs.field(
        default=attrs.Factory(_default_description, takes_self=True), validator=_check_description
    )
    paid_time: str | None = attrs.field(default=None, validator=attr_optional_text)
    mchid: str | None = attrs.field(default=None, validator=attr_optional_text)
    query_id: str | None = attrs.field(default=None, validator=attr_optional_text)
    appid: str = attrs.field(default=_DEFAULT_APPID, validator=attr_text)
    sub_appid: str | None = attrs.field(default=None, validator=attr_optional_text)
    service_introduction: str = attrs.field(default=_DEFAULT_INTRODUCTION, validator=attr_text)
    total_amount: int | None = attrs.field(default=DEFAULT_TOTAL_AMOUNT, validator=attr_optional_integer)
    post_payments: tuple[Any, ...] | None = attrs.field(default=None, converter=json_tuple, validator=attr_json)
    post_discounts: tuple[Any, ...] | None = attrs.field(default=None, converter=json_tuple, validator=attr_json)
    risk_fund: Mapping[str, Any] = attrs.field(default=_DEFAULT_RISK_FUND, validator=attr_json)
    need_collection: bool = True
    collection: Collection | None = attrs.field(default=attrs.Factory(_default_collection, takes_self=True))
    time_range: Mapping[str, Any] = attrs.field(default=_DEFAULT_TIME_RANGE, validator=attr_json)
    location: Mapping[str, Any] | None = attrs.field(default=None, validator=attr_json)
    attach: str | None = attrs.field(default=None, validator=attr_optional_text)
    notify_url: str = attrs.field(default=_DEFAULT_NOTIFY_URL, validator=attr_text)
    openid: str | None = attrs.field(default=None, validator=attr_optional_text)
    sub_openid: str | None = attrs.field(default=None, validator=attr_optional_text)
    order_id: str = attrs.field(default=attrs.Factory(_default_order_id, takes_self=True), validator=attr_text)
    created_at: int | None = attrs.field(default=None, validator=attr_optional_integer)
    updated_at: int | None = attrs.field(default=None, validator=attr_optional_integer)
    deductions: tuple[Deduction, ...] = attrs.field(default=(), converter=_deductions)
    cancel_reason: str | None = attrs.field(default=None, validator=attr_optional_text)
    create_request: Mapping[str, Any] | None = attrs.field(default=None, validator=attr_json)

    def __attrs_post_init__(self) -> None:
        # `paid_time` follows the collection when not given: the time of its last payment.
        if self.paid_time is None and self.collection is not None and self.collection.details:
            object.__setattr__(self, "paid_time", self.collection.details[-1].paid_time)

    @classmethod
    def from_json(cls, data: object) -> Order:  # noqa: PLR0912 - one check per field, in order
        """An order from its JSON form (the `to_json` keys; only `out_order_no`, `service_id`, `sub_mchid` needed)."""
        values_in = mapping("an order", data)
        fields = attrs.fields_dict(cls)
        reject_unknown("order", values_in, fields)
        values: dict[str, Any] = {}
        for name, value in values_in.items():
            # null: the default; but state_description and collection null are values (none at all).
            if value is None and fields[name].default is not attrs.NOTHING and name not in _NULL_IS_A_VALUE:
                continue
            values[name] = value
        for name in ("out_order_no", "service_id", "sub_mchid"):
            if name not in values:
                raise InvalidOrderError(f"order field {name} must be a non-empty string")
        if values.get("collection") is not None:
            values["collection"] = Collection.from_json(values["collection"])
        if "deductions" in values:
            if not isinstance(values["deductions"], list):
                raise InvalidOrderError("order field deductions must be a list")
            values["deductions"] = tuple(Deduction.from_json(item) for item in values["deductions"])
        for name in ("post_payments", "post_discounts"):
            if name in values and not isinstance(values[name], list):
                raise InvalidOrderError(f"order field {name} must be a list")
        for name in ("risk_fund", "time_range", "location", "create_request"):
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
        data["collection"] = None if self.collection is None else self.collection.to_json()
        data["deductions"] = [deduction.to_json() for deduction in self.deductions]
        for name in ("post_payments", "post_discounts"):
            if data[name] is not None:
                data[name] = list(data[name])
        if self.create_request is not None:
            data["create_request"] = dict(self.create_request)
        return data

    def query_answer(self) -> dict[str, Any]:
        """The body of `200` to `GET /v3/payscore/acquiringbank/serviceorder`: absent fields left out, as WeChat
        Pay does (`state_description` only while `DOING`), and none of the emulator's own fields."""
        data = {key: value for key, value in self.to_json().items() if key not in _EMULATOR_FIELDS}
        if self.state != "DOING":
            data.pop("state_description")
        return without_none(data)

    def effective_deduction(self, now: int) -> Deduction | None:
        """The registered deduction effective at `now` (there is at most one), or None."""
        return next((deduction for deduction in self.deductions if deduction.effective_at(now)), None)

    def with_payment(self, paid_type: str, paid_time: str, transaction_id: str | None = None) -> Order:
        """The order with what was still to pay paid in one more payment: `collection` `USER_PAID`, a detail
        `{seq: n+1, amount, paid_type, paid_time, transaction_id?}`, and `paid_time`. The state is the caller's
        (`_lifecycle` decides it)."""
        collection = self.collection if self.collection is not None else Collection.paying(self.total_amount or 0)
        total = collection.total_amount if collection.total_amount is not None else (self.total_amount or 0)
        already = collection.paid_amount or 0
        amount = collection.paying_amount if collection.paying_amount is not None else max(total - already, 0)
        detail = CollectionDetail(
            seq=len(collection.details) + 1,
            amount=amount,
            paid_type=paid_type,
            paid_time=paid_time,
            transaction_id=transaction_id,
        )
        paid = attrs.evolve(
            collection,
            state="USER_PAID",
            total_amount=total,
            paying_amount=0,
            paid_amount=already + amount,
            details=(*collection.details, detail),
        )
        return attrs.evolve(self, paid_time=paid_time, collection=paid)

    def synced(self, paid_time: str) -> Order:
        """This order after a successful sync: `DONE`, `USER_PAID`, one more `MCH` detail at `paid_time`."""
        return attrs.evolve(self.with_payment("MCH", paid_time), state="DONE", state_description=None)


# Fields whose JSON null is kept as None rather than replaced by the default.
_NULL_IS_A_VALUE = frozenset({"state_description", "collection"})
