"""One small handler per contract operation: what the call names, what it does to the order, what it answers.

A handler runs after the request passed the gateway's checks and the contract (`_app`): its body is valid JSON of
the operation's schema and obeys the body rules of `x-rules`. Whether the call may apply to the order is not the
handler's business: `_store` applies the checks and `_lifecycle`'s table in one order for every operation, and
calls the handler's effect only when the table allows it. The handler's effect applies the order's own rules
(`x-rules` that need the order, re-entry (原参重入) comparisons, the deduction numbers), and its answer is the
contract's success.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ._errors import InvalidOrderError
from ._lifecycle import Refusal, Step
from ._orders import Collection, Deduction, Order
from ._responses import Answer, error_answer, json_answer, no_content
from ._rules import Rule, check_order
from ._store import Ids, OrderStore, canonical, same_order_number, unchanged

__all__ = ["OPERATIONS", "Call", "Handler", "package_of", "refusal_answer"]


@attrs.frozen
class Call:
    """One API call as a handler sees it: the operation, the authenticated merchant, the path and query
    parameters (decoded), the body (decoded JSON, None without one) and the operation's `x-rules`."""

    operation: str
    mchid: str
    path: Mapping[str, str]
    query: Mapping[str, str]
    body: Any
    rules: tuple[Rule, ...] = ()

    def field(self, name: str) -> Any:
        """A top-level body member, None when absent."""
        return self.body.get(name) if isinstance(self.body, Mapping) else None


Handler = Callable[[OrderStore, Call], Answer]


def refusal_answer(refusal: Refusal) -> Answer:
    """The signed error answer of a refusal."""
    detail = None if refusal.detail is None else dict(refusal.detail)
    return error_answer(refusal.status, refusal.code, refusal.message, detail)


def package_of(order: Order) -> str:
    """The create answer's `package` (the data the app hands to WeChat's confirm page): opaque, stable per order."""
    digest = hashlib.sha256(f"package\0{order.mchid}\0{order.out_order_no}\0{order.order_id}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _ids(source: Mapping[str, Any] | None, *names: str) -> Ids:
    # The ids a call names, to compare with the order's (absent: not compared).
    values = source or {}
    return {name: values.get(name) for name in names}


def _order_rules(call: Call, order: Order) -> Refusal | None:
    violation = check_order(call.rules, call.body, order.query_answer())
    if violation is None:
        return None
    return Refusal(400, violation.code, violation.message, violation.detail())


def _answered(result: Order | Refusal, success: Callable[[Order], Answer]) -> Answer:
    return refusal_answer(result) if isinstance(result, Refusal) else success(result)


# -- reads --------------------------------------------------------------------------------------------------------


def query_service_order(store: OrderStore, call: Call) -> Answer:
    """`GET …/serviceorder`: the order, by `out_order_no` or `query_id` (the contract's `x-exactly-one-of`)."""
    found = store.find(
        call.mchid,
        _ids(call.query, "service_id", "sub_mchid", "channel_id"),
        out_order_no=call.query.get("out_order_no"),
        query_id=call.query.get("query_id"),
    )
    return _answered(found, lambda order: json_answer(200, order.query_answer()))


def query_deduct_info(store: OrderStore, call: Call) -> Answer:
    """`GET …/serviceorder/deduction`: the order's most recent registered deduction (effective, used or lapsed),
    while the order is `DOING` / `MCH_COMPLETE` or `DONE`; `404 ORDER_NOT_EXIST` when there is none to show."""
    ids = _ids(call.query, "service_id", "appid", "sub_mchid", "sub_appid", "channel_id")
    found = store.apply(call.operation, call.mchid, call.query["out_order_no"], ids, unchanged)
    if isinstance(found, Refusal):
        return refusal_answer(found)
    if not found.deductions:
        return refusal_answer(Refusal(404, "ORDER_NOT_EXIST", "订单没有登记扣款单"))
    latest = found.deductions[-1]
    return json_answer(200, {"description": found.service_introduction, "out_trade_no": latest.out_trade_no})


# -- changes ------------------------------------------------------------------------------------------------------


def _created(call: Call) -> Order | Refusal:
    body = call.body
    confirm_first = body.get("need_user_confirm") is True
    try:
        return Order(
            out_order_no=body["out_order_no"],
            service_id=body["service_id"],
            sub_mchid=body["sub_mchid"],
            channel_id=body.get("channel_id"),
            mchid=call.mchid,
            appid=body["appid"],
            sub_appid=body.get("sub_appid"),
            service_introduction=body["service_introduction"],
            # With need_user_confirm the order waits for the user in CREATED; without it, it starts DOING.
            state="CREATED" if confirm_first else "DOING",
            state_description=None if confirm_first else "USER_CONFIRM",
            total_amount=None,  # known from the complete on
            post_payments=body.get("post_payments"),
            post_discounts=body.get("post_discounts"),
            risk_fund=body["risk_fund"],
            collection=None,  # shown from the complete on
            time_range=body["time_range"],
            location=body.get("location"),
            attach=body.get("attach"),
            notify_url=body["notify_url"],
            openid=body.get("openid"),
            sub_openid=body.get("sub_openid"),
            create_request=body,
        )
    except InvalidOrderError as exc:  # what the contract accepted but an order cannot hold
        return Refusal(400, "PARAM_ERROR", "参数错误", {"field": "", "issue": str(exc), "location": "body"})


def create_service_order(store: OrderStore, call: Call) -> Answer:
    """`POST …/serviceorder`: a new order (`CREATED` with `need_user_confirm`, else `DOING` / `USER_CONFIRM`),
    answered `200` with the order and its `package`; the identical body again answers the order as it is now
    (原参重入), the same number with any other parameter `400 INVALID_REQUEST`."""
    candidate = _created(call)
    if isinstance(candidate, Refusal):
        return refusal_answer(candidate)
    body = canonical(call.body)

    def again(order: Order, _step: Step, _now: int) -> Order | Refusal:
        if order.create_request is None or canonical(order.create_request) != body:
            return same_order_number()
        return order

    ids = _ids(call.body, "service_id", "appid", "sub_mchid", "sub_appid", "channel_id")
    result = store.create(call.mchid, candidate, ids, again)
    return _answered(result, lambda order: json_answer(200, {**order.query_answer(), "package": package_of(order)}))


def cancel_service_order(store: OrderStore, call: Call) -> Answer:
    """`POST …/{out_order_no}/cancel`: `REVOKED`, `204`; the identical cancel again (the `reason` included) `204`,
    another reason `400 INVALID_REQUEST`."""
    reason = call.field("reason")

    def effect(order: Order, step: Step, _now: int) -> Order | Refusal:
        if step.again:
            return order if order.cancel_reason == reason else same_order_number()
        return attrs.evolve(order, cancel_reason=reason)

    ids = _ids(call.body, "service_id", "sub_mchid", "channel_id")
    result = store.apply(call.operation, call.mchid, call.path["out_order_no"], ids, effect)
    return _answered(result, lambda _: no_content())


def complete_service_order(store: OrderStore, call: Call) -> Answer:
    """`POST …/{out_order_no}/complete`: `DOING` / `MCH_COMPLETE`, the charges, discounts and total replaced by the
    request's, `collection` `USER_PAYING` for the whole total; `204`. The order's `x-rules` (the risk fund caps the
    total) are checked against the order."""
    body = call.body

    def effect(order: Order, _step: Step, _now: int) -> Order | Refusal:
        refusal = _order_rules(call, order)
        if refusal is not None:
            return refusal
        total = body["total_amount"]
        return attrs.evolve(
            order,
            total_amount=total,
            post_payments=body.get("post_payments"),
            post_discounts=body.get("post_discounts"),
            collection=Collection.paying(total),
            time_range=body.get("time_range", order.time_range),
            location=body.get("location", order.location),
        )

    ids = _ids(body, "service_id", "sub_mchid", "channel_id")
    result = store.apply(call.operation, call.mchid, call.path["out_order_no"], ids, effect)
    return _answered(result, lambda _: no_content())


def modify_service_order(store: OrderStore, call: Call) -> Answer:
    """`POST …/{out_order_no}/modify`: the charges, discounts and total replaced, the collection's amounts with them
    (a total not above the order's now: `x-rules` `lower-only`); `204`."""
    body = call.body

    def effect(order: Order, _step: Step, _now: int) -> Order | Refusal:
        refusal = _order_rules(call, order)
        if refusal is not None:
            return refusal
        total = body["total_amount"]
        collection = order.collection if order.collection is not None else Collection.paying(total)
        paid = collection.paid_amount or 0
        return attrs.evolve(
            order,
            total_amount=total,
            post_payments=body.get("post_payments"),
            post_discounts=body.get("post_discounts"),
            collection=attrs.evolve(collection, total_amount=total, paying_amount=max(total - paid, 0)),
        )

    ids = _ids(body, "service_id", "sub_mchid", "channel_id")
    result = store.apply(call.operation, call.mchid, call.path["out_order_no"], ids, effect)
    return _answered(result, lambda _: no_content())


def register_deduct_info(store: OrderStore, call: Call) -> Answer:
    """`POST …/{out_order_no}/registerdeductinfo`: a deduction effective for 24 hours; `200 {description}`.

    Re-entry with the effective number answers `200` again without extending it ("重入不会刷新扣款单有效期");
    another number while one is effective, or a number registered before (lapsed or used), is `400
    INVALID_REQUEST`: one number per registration.
    """
    number = call.field("out_trade_no")

    def effect(order: Order, _step: Step, now: int) -> Order | Refusal:
        effective = order.effective_deduction(now)
        if effective is not None:
            if effective.out_trade_no == number:
                return order
            return Refusal(
                400,
                "INVALID_REQUEST",
                f"订单已有有效的扣款单 (out_trade_no {effective.out_trade_no}): 有效期内不能登记另一个扣款单号",
            )
        if any(deduction.out_trade_no == number for deduction in order.deductions):
            return Refusal(
                400, "INVALID_REQUEST", f"扣款单号 {number} 已登记过 (已失效或已扣款), 不能再用: 请换新的扣款单号登记"
            )
        return attrs.evolve(order, deductions=(*order.deductions, Deduction(out_trade_no=number, registered_at=now)))

    ids = _ids(call.body, "service_id", "appid", "sub_mchid", "sub_appid", "channel_id")
    result = store.apply(call.operation, call.mchid, call.path["out_order_no"], ids, effect)
    return _answered(result, lambda order: json_answer(200, {"description": order.service_introduction}))


def sync_service_order(store: OrderStore, call: Call) -> Answer:
    """`POST …/{out_order_no}/sync`: `DONE`, `USER_PAID` with one more `MCH` payment at the synced `paid_time`;
    `204`."""
    paid_time = call.body["detail"]["paid_time"]

    def effect(order: Order, _step: Step, _now: int) -> Order:
        return order.with_payment("MCH", paid_time)

    ids = _ids(call.body, "service_id", "sub_mchid", "channel_id")
    result = store.apply(call.operation, call.mchid, call.path["out_order_no"], ids, effect)
    return _answered(result, lambda _: no_content())


OPERATIONS: Mapping[str, Handler] = {
    "createServiceOrder": create_service_order,
    "queryServiceOrder": query_service_order,
    "queryDeductInfo": query_deduct_info,
    "cancelServiceOrder": cancel_service_order,
    "completeServiceOrder": complete_service_order,
    "modifyServiceOrder": modify_service_order,
    "registerDeductInfo": register_deduct_info,
    "syncServiceOrder": sync_service_order,
}
