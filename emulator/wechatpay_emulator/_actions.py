"""What happens to an order outside the API, played from the control surface and the Python API.

- `confirm` — the user confirms the order in WeChat (`PAYSCORE.USER_CONFIRM`): `CREATED` → `DOING` /
  `USER_CONFIRM`.
- `pay` — the user pays actively from the Pay Score order page (`PAYSCORE.USER_PAID`): `DOING` / `MCH_COMPLETE` →
  `DONE`, `USER_PAID` with a `NEWTON` payment carrying a `transaction_id`; an effective registered deduction
  lapses (the order no longer needs collecting).
- `pay-now` — the user taps 立即支付 on the pending order (`PAYSCORE.MCH_PREPAY`): allowed in `DOING` /
  `MCH_COMPLETE`, the order does not change (the institution is asked for a prepay order; the payment, if any,
  is played by `pay`).
- `collect` — the clearing house (UnionPay / NetsUnion 委托代扣) collects the effective registered deduction:
  `DONE`, `USER_PAID` with an `MCH` payment; the deduction is used (still shown by the deduction query).
- `lapse-deduction` — the effective deduction is closed at the clearing house before its 24 hours end.

Payments are dated by the order clock, `yyyyMMddHHmmss` Beijing time. Whether an action may happen is the
lifecycle table's decision, as for the API; a refusal raises `StateConflictError` (the control surface's `409`).
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ._clock import beijing_time
from ._errors import StateConflictError, UnknownOrderError
from ._lifecycle import Refusal, Step, label, state_key
from ._orders import Order, transaction_id_for
from ._store import Effect, OrderStore, unchanged

__all__ = ["ACTIONS", "act"]


def _with_deduction(order: Order, now: int, state: str) -> Order:
    # The effective deduction (if any) moved to `state`; the others as they are.
    deductions = tuple(
        attrs.evolve(deduction, state=state) if deduction.effective_at(now) else deduction
        for deduction in order.deductions
    )
    return attrs.evolve(order, deductions=deductions)


def _pay(order: Order, _step: Step, now: int) -> Order:
    seq = len(order.collection.details) + 1 if order.collection is not None else 1
    paid = order.with_payment("NEWTON", beijing_time(now), transaction_id_for(order, seq))
    return _with_deduction(paid, now, "LAPSED")


def _collect(order: Order, _step: Step, now: int) -> Order:
    return _with_deduction(order.with_payment("MCH", beijing_time(now)), now, "USED")


def _lapse(order: Order, _step: Step, now: int) -> Order:
    return _with_deduction(order, now, "LAPSED")


ACTIONS: Mapping[str, Effect] = {
    "confirm": unchanged,
    "pay": _pay,
    "pay-now": unchanged,
    "collect": _collect,
    "lapse-deduction": _lapse,
}


def act(store: OrderStore, action: str, out_order_no: str, mchid: str | None = None) -> Order:
    """Apply a control action to an order; returns the order after it.

    `UnknownOrderError` for no such order; `StateConflictError` when the lifecycle table refuses the action in
    the order's state (or an action that needs an effective deduction finds none).
    """
    result = store.apply(action, mchid, out_order_no, {}, ACTIONS[action])
    if not isinstance(result, Refusal):
        return result
    if result.code == "ORDER_NOT_EXIST":
        raise UnknownOrderError(out_order_no)
    order = store.get(out_order_no, mchid)
    key = state_key(order)
    raise StateConflictError(
        f"cannot {action} order {out_order_no} in state {label(key)}: {result.code} {result.message}",
        state=key[0],
        state_description=key[1],
        code=result.code,
    )
