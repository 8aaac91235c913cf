"""Typed notification events: a verified, decrypted `wechatpay_auth.Notification` read into the generated models.

`parse_event` is pure. The decrypted resource of `PAYSCORE.USER_CONFIRM` and `PAYSCORE.USER_PAID` is read as the
contract's `NotifiedServiceOrder`, that of `PAYSCORE.MCH_PREPAY` as `MchPrepayResource`; any other event type is kept
whole as an `UnknownEvent`. Amounts that arrive as digit strings (`"40000"`, the contract's `LenientAmount`) are read
as integers; keys the contract does not list are kept in the models' `additional_properties`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

import attrs
from wechatpay_auth import MalformedNotificationError, Notification
from wechatpay_payscore.errors import InvalidModelError
from wechatpay_payscore.models import MchPrepayResource, NotifiedServiceOrder

__all__ = [
    "MCH_PREPAY",
    "USER_CONFIRM",
    "USER_PAID",
    "Event",
    "MchPrepayEvent",
    "UnknownEvent",
    "UserConfirmEvent",
    "UserPaidEvent",
    "parse_event",
]

USER_CONFIRM = "PAYSCORE.USER_CONFIRM"
USER_PAID = "PAYSCORE.USER_PAID"
MCH_PREPAY = "PAYSCORE.MCH_PREPAY"


def _field_names(resource: NotifiedServiceOrder | MchPrepayResource | Mapping[str, Any]) -> str:
    # The decrypted resource (openid, amounts) stays out of logs that print an event; its field names do not.
    names = resource if isinstance(resource, Mapping) else resource.to_dict()
    return f"<decrypted: {', '.join(names)}>"


@attrs.frozen
class _EventBase:
    """What every event carries from its envelope and headers."""

    id: str
    create_time: str
    summary: str
    event_type: str
    request_id: str | None


@attrs.frozen
class UserConfirmEvent(_EventBase):
    """`PAYSCORE.USER_CONFIRM`: the user confirmed the order; `resource` is the order as WeChat Pay sent it."""

    resource: NotifiedServiceOrder = attrs.field(repr=_field_names)


@attrs.frozen
class UserPaidEvent(_EventBase):
    """`PAYSCORE.USER_PAID`: the user paid the order actively; `resource` is the order as WeChat Pay sent it."""

    resource: NotifiedServiceOrder = attrs.field(repr=_field_names)


@attrs.frozen
class MchPrepayEvent(_EventBase):
    """`PAYSCORE.MCH_PREPAY`: the user asks to pay; `resource` carries what the clearing-house prepay order needs."""

    resource: MchPrepayResource = attrs.field(repr=_field_names)


@attrs.frozen
class UnknownEvent(_EventBase):
    """An event type this contract does not describe, kept whole: `resource` is the decrypted JSON object as sent."""

    resource: dict[str, Any] = attrs.field(repr=_field_names)


Event: TypeAlias = UserConfirmEvent | UserPaidEvent | MchPrepayEvent | UnknownEvent

# Where the contract's `LenientAmount` sits in each resource: a key maps to None (an amount) or to the amounts
# nested under it (in an object, or in each item of an array).
_Amounts: TypeAlias = Mapping[str, "_Amounts | None"]
_ORDER_AMOUNTS: _Amounts = {
    "total_amount": None,
    "post_payments": {"amount": None, "count": None},
    "post_discounts": {"amount": None, "count": None},
    "risk_fund": {"amount": None},
    "collection": {
        "total_amount": None,
        "paying_amount": None,
        "paid_amount": None,
        "details": {"seq": None, "amount": None},
    },
}
_PREPAY_AMOUNTS: _Amounts = {"total_amount": None, "prepay_resp_http_code": None}


def _integer(value: Any) -> Any:
    """A `LenientAmount` given as decimal digits is that integer; any other value is left as it is."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return value


def _with_integers(value: Any, amounts: _Amounts | None) -> Any:
    """A copy of `value` whose amounts at the places `amounts` names are integers (the input is not changed)."""
    if amounts is None:
        return _integer(value)
    if isinstance(value, list):
        return [_with_integers(item, amounts) for item in value]
    if isinstance(value, dict):
        return {key: _with_integers(item, amounts[key]) if key in amounts else item for key, item in value.items()}
    return value


def _common(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "create_time": notification.create_time,
        "summary": notification.summary,
        "event_type": notification.event_type,
        "request_id": notification.request_id,
    }


def _refused(notification: Notification, error: InvalidModelError) -> MalformedNotificationError:
    field = f"resource.{error.field}" if error.field else "resource"
    return MalformedNotificationError(
        f"the decrypted resource of {notification.event_type} (notification {notification.id}) does not match the "
        f"contract's {error.model}: {error.field or 'the object'}: {error.reason}",
        field=field,
    )


def parse_event(notification: Notification) -> Event:
    """Read a verified, decrypted notification as a typed event (pure: no I/O, no clock).

    Raises `wechatpay_auth.MalformedNotificationError` (a `NotificationError`) when the resource of a known event
    does not match its schema (e.g. `out_order_no` missing); `field` names the part at fault.
    """
    common = _common(notification)
    try:
        if notification.event_type in (USER_CONFIRM, USER_PAID):
            order = NotifiedServiceOrder.from_dict(_with_integers(notification.plaintext, _ORDER_AMOUNTS))
            if notification.event_type == USER_CONFIRM:
                return UserConfirmEvent(**common, resource=order)
            return UserPaidEvent(**common, resource=order)
        if notification.event_type == MCH_PREPAY:
            prepay = MchPrepayResource.from_dict(_with_integers(notification.plaintext, _PREPAY_AMOUNTS))
            return MchPrepayEvent(**common, resource=prepay)
    except InvalidModelError as exc:
        raise _refused(notification, exc) from exc
    return UnknownEvent(**common, resource=dict(notification.plaintext))
