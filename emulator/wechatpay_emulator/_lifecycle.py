"""The life of a service order in one table: for each operation and each state, where the order goes or why not.

Every precondition of every call is decided here, and only here (acquiringbank-family §1.1, the contract's
"life of an order"): the API operations by their `operationId`, the control surface's stand-ins for what
happens outside the API (`confirm`: the user confirms; `pay`: the user pays actively; `pay-now`: the user taps
立即支付 on the pending order, and WeChat Pay asks the institution for a prepay order; `collect`: the clearing house
collects a registered deduction; `lapse-deduction`: a deduction is closed at the clearing house) and the passing
of time (`expire`: 30 days untouched in `CREATED`).

A cell is either a `Step` (allowed: the order goes to `to`, or stays where it is) or a `Refuse` (the WeChat Pay
code of the refusal). Two guards belong to the cell: `blocked_by_deduction` (an effective registered deduction
refuses the call, `INVALID_ORDER_STATE`, for up to 24 hours) and `needs_deduction` (the step needs one). `again`
marks a state this same call puts the order in: only an identical re-send is answered as a success (原参重入); the
handler compares the parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ._clock import beijing_time
from ._orders import Deduction, Order

__all__ = [
    "CAUSES",
    "COLUMNS",
    "TABLE",
    "Refusal",
    "Refuse",
    "StateKey",
    "Step",
    "decide",
    "deduction_blocks",
    "label",
    "state_key",
]

StateKey = tuple[str, str | None]

CREATED: StateKey = ("CREATED", None)
USER_CONFIRM: StateKey = ("DOING", "USER_CONFIRM")
MCH_COMPLETE: StateKey = ("DOING", "MCH_COMPLETE")
DOING: StateKey = ("DOING", None)  # a DOING order seeded without a description
DONE: StateKey = ("DONE", None)
REVOKED: StateKey = ("REVOKED", None)
EXPIRED: StateKey = ("EXPIRED", None)
COLUMNS: tuple[StateKey, ...] = (CREATED, USER_CONFIRM, MCH_COMPLETE, DOING, DONE, REVOKED, EXPIRED)


@attrs.frozen
class Refusal:
    """A refusal of a call: HTTP status, WeChat Pay error code, message, and `detail` when there is one."""

    status: int
    code: str
    message: str
    detail: Mapping[str, Any] | None = None


@attrs.frozen
class Step:
    """Allowed: the order goes to `to` (None: its state stays as it is)."""

    to: StateKey | None
    again: bool = False
    blocked_by_deduction: bool = False
    needs_deduction: bool = False


@attrs.frozen
class Refuse:
    """Refused with this WeChat Pay code (the message is made from the order's state)."""

    code: str


# The cells, named short enough for the table to read as a grid. `_B`: blocked while a registered deduction is
# effective; `_D`: needs an effective registered deduction.
_READ = Step(to=None)
_AGAIN = Step(to=None, again=True)
_WRONG = Refuse("INVALID_ORDER_STATE")
_PAID = Refuse("ORDER_DONE")
_GONE = Refuse("ORDER_CANCELED")
_NONE = Refuse("ORDER_NOT_EXIST")  # no deduction to show
_CONFIRM = Step(to=USER_CONFIRM)
_ASK = Step(to=None)  # allowed, the order stays as it is (pay-now only asks for a prepay order)
_COMPLETE = Step(to=MCH_COMPLETE)
_STAY = Step(to=MCH_COMPLETE)
_STAY_B = Step(to=MCH_COMPLETE, blocked_by_deduction=True)
_STAY_D = Step(to=MCH_COMPLETE, needs_deduction=True)
_DONE = Step(to=DONE)
_DONE_B = Step(to=DONE, blocked_by_deduction=True)
_DONE_D = Step(to=DONE, needs_deduction=True)
_REVOKE = Step(to=REVOKED)
_REVOKE_B = Step(to=REVOKED, blocked_by_deduction=True)
_EXPIRE = Step(to=EXPIRED)

# fmt: off
_ROWS: dict[str, tuple[Step | Refuse, ...]] = {
    #                        CREATED   DOING/USER_CONFIRM  DOING/MCH_COMPLETE  DOING    DONE    REVOKED  EXPIRED
    "createServiceOrder":   (_AGAIN,   _AGAIN,             _AGAIN,             _AGAIN,  _AGAIN, _AGAIN,  _AGAIN),
    "queryServiceOrder":    (_READ,    _READ,              _READ,              _READ,   _READ,  _READ,   _READ),
    "queryDeductInfo":      (_NONE,    _NONE,              _READ,              _NONE,   _READ,  _NONE,   _NONE),
    "cancelServiceOrder":   (_REVOKE,  _REVOKE,            _REVOKE_B,          _REVOKE, _PAID,  _AGAIN,  _GONE),
    "completeServiceOrder": (_WRONG,   _COMPLETE,          _WRONG,             _WRONG,  _PAID,  _GONE,   _GONE),
    "modifyServiceOrder":   (_WRONG,   _WRONG,             _STAY_B,            _WRONG,  _PAID,  _GONE,   _GONE),
    "registerDeductInfo":   (_WRONG,   _WRONG,             _STAY,              _WRONG,  _PAID,  _GONE,   _GONE),
    "syncServiceOrder":     (_WRONG,   _WRONG,             _DONE_B,            _WRONG,  _PAID,  _GONE,   _GONE),
    "confirm":              (_CONFIRM, _WRONG,             _WRONG,             _WRONG,  _PAID,  _GONE,   _GONE),
    "pay":                  (_WRONG,   _WRONG,             _DONE,              _WRONG,  _PAID,  _GONE,   _GONE),
    "pay-now":              (_WRONG,   _WRONG,             _ASK,               _WRONG,  _PAID,  _GONE,   _GONE),
    "collect":              (_WRONG,   _WRONG,             _DONE_D,            _WRONG,  _PAID,  _GONE,   _GONE),
    "lapse-deduction":      (_WRONG,   _WRONG,             _STAY_D,            _WRONG,  _PAID,  _GONE,   _GONE),
    "expire":               (_EXPIRE,  _WRONG,             _WRONG,             _WRONG,  _PAID,  _GONE,   _GONE),
}
# fmt: on

TABLE: Mapping[str, Mapping[StateKey, Step | Refuse]] = {
    operation: dict(zip(COLUMNS, row, strict=True)) for operation, row in _ROWS.items()
}

# What an event records as the cause of a change, per operation.
CAUSES: Mapping[str, str] = {
    "createServiceOrder": "create",
    "cancelServiceOrder": "cancel",
    "completeServiceOrder": "complete",
    "modifyServiceOrder": "modify",
    "registerDeductInfo": "registerdeductinfo",
    "syncServiceOrder": "sync",
    "confirm": "USER_CONFIRM",
    "pay": "USER_PAID",
    "pay-now": "MCH_PREPAY",
    "collect": "collect",
    "lapse-deduction": "lapse-deduction",
    "expire": "expire",
}


def state_key(order: Order) -> StateKey:
    """The order's column of the table: its state, with its description while `DOING` (the only state that has one)."""
    return (order.state, order.state_description if order.state == "DOING" else None)


def label(key: StateKey) -> str:
    """`DOING/MCH_COMPLETE`, or the bare state."""
    return key[0] if key[1] is None else f"{key[0]}/{key[1]}"


def _refused(code: str, operation: str, order: Order) -> Refusal:
    key = state_key(order)
    if code == "ORDER_DONE":
        return Refusal(400, code, "订单已完成")
    if code == "ORDER_CANCELED":
        return Refusal(400, code, "订单已失效" if order.state == "EXPIRED" else "订单已取消")
    if code == "ORDER_NOT_EXIST":
        return Refusal(404, code, f"订单没有可查询的扣款单 (订单状态 {label(key)})")
    return Refusal(400, code, f"订单状态不正确: 当前为 {label(key)}, 不能{_VERBS.get(operation, operation)}")


_VERBS: Mapping[str, str] = {
    "cancelServiceOrder": "取消",
    "completeServiceOrder": "完结",
    "modifyServiceOrder": "修改金额",
    "registerDeductInfo": "登记扣款信息",
    "syncServiceOrder": "同步",
    "confirm": "由用户确认",
    "pay": "由用户主动支付",
    "pay-now": "由用户立即支付",
    "collect": "由清算机构扣款",
    "lapse-deduction": "关闭扣款单",
    "expire": "失效",
}


def deduction_blocks(operation: str, deduction: Deduction) -> Refusal:
    """`INVALID_ORDER_STATE` for a call an effective registered deduction blocks (cancel, modify, sync): it says
    which deduction, that it blocks the call for up to 24 hours, and until when (O-register 注意 1-3)."""
    verb = _VERBS.get(operation, operation)
    until = beijing_time(deduction.expires_at)
    return Refusal(
        400,
        "INVALID_ORDER_STATE",
        f"订单存在有效的扣款单 (out_trade_no {deduction.out_trade_no}), 有效期内不能{verb}: "
        f"请等待扣款单失效 (登记后最长24小时, 至北京时间 {until}), 或调用清算机构 (银联/网联) 关单接口关闭扣款单",
    )


def decide(operation: str, order: Order, now: int) -> Step | Refusal:
    """Whether `operation` may apply to `order` at `now`, and where it takes it: the table's cell, with its guards.

    `KeyError` for an operation the table does not know (a programming error, never a request's).
    """
    cell = TABLE[operation][state_key(order)]
    if isinstance(cell, Refuse):
        return _refused(cell.code, operation, order)
    deduction = order.effective_deduction(now)
    if cell.blocked_by_deduction and deduction is not None:
        return deduction_blocks(operation, deduction)
    if cell.needs_deduction and deduction is None:
        return Refusal(400, "INVALID_ORDER_STATE", "订单没有有效的扣款单: 请先登记扣款信息 (registerdeductinfo)")
    return cell
