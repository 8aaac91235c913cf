"""What each notification says: its event type, its summary and its decrypted resource, from the order it is about.

- `PAYSCORE.USER_CONFIRM` (the user confirmed) and `PAYSCORE.USER_PAID` (the user paid actively) carry the order
  as the query answers it (`NotifiedServiceOrder`: the order object of acquiringbank-family §2.4, notifications §3),
  without `notify_url`, which no published sample carries.
- `PAYSCORE.MCH_PREPAY` (the user tapped 立即支付) carries the order's ids, `total_amount` and `prepay_req_body`,
  the part of the clearing house's unified order WeChat Pay fixes (notifications §2.2). The five `prepay_*_base64`
  / `prepay_resp_http_code` fields of that table are left out: they describe the institution's own request to the
  clearing house, which WeChat Pay cannot know when it sends the notification (notifications §2.3: most likely
  fields of the answer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._clock import beijing_time
from ._orders import Order
from ._signing import new_nonce

__all__ = [
    "EVENT_OF_ACTION",
    "EVENT_TYPES",
    "MCH_PREPAY",
    "PREPAY_VALIDITY",
    "SUMMARIES",
    "USER_CONFIRM",
    "USER_PAID",
    "resource_of",
]

USER_CONFIRM = "PAYSCORE.USER_CONFIRM"
USER_PAID = "PAYSCORE.USER_PAID"
MCH_PREPAY = "PAYSCORE.MCH_PREPAY"
EVENT_TYPES = (USER_CONFIRM, USER_PAID, MCH_PREPAY)
# Which action sends which notification: the user confirming, paying actively, and tapping "pay now".
EVENT_OF_ACTION: Mapping[str, str] = {"confirm": USER_CONFIRM, "pay": USER_PAID, "pay-now": MCH_PREPAY}
# The envelope's `summary` (回调摘要): the contract's example, notifications §3.3, acquiringbank-family §2.2.
SUMMARIES: Mapping[str, str] = {
    USER_CONFIRM: "支付分订单用户已确认",
    USER_PAID: "用户支付成功",
    MCH_PREPAY: "商户预下单",
}
# How long the cashier order of a "pay now" may be paid (time_start → time_expire). No source gives WeChat Pay's
# value; two hours is a plausible cashier validity, and only its form (yyyyMMddHHmmss) is promised.
PREPAY_VALIDITY = 2 * 3600


def _notified_order(order: Order) -> dict[str, Any]:
    data = order.query_answer()
    data.pop("notify_url", None)
    return data


def _prepay(order: Order, now: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service_id": order.service_id,
        "appid": order.appid,
        "mchid": order.mchid,
        "sub_mchid": order.sub_mchid,
        "out_order_no": order.out_order_no,
        "total_amount": order.total_amount if order.total_amount is not None else 0,
    }
    for name in ("sub_appid", "channel_id"):
        if getattr(order, name) is not None:
            data[name] = getattr(order, name)
    # "传了sub_appid的情况下则只返回sub_openid" (IM-prepay).
    if order.sub_appid is not None:
        if order.sub_openid is not None:
            data["sub_openid"] = order.sub_openid
    elif order.openid is not None:
        data["openid"] = order.openid
    request: dict[str, Any] = {
        "device_info": "WEB",
        "nonce_str": new_nonce(),
        "body": order.service_introduction,
        "fee_type": "CNY",
        "time_start": beijing_time(now),
        "time_expire": beijing_time(now + PREPAY_VALIDITY),
        "notify_url": order.notify_url,
        "trade_type": "JSAPI",
        "limit_pay": "no_credit",
        "need_receipt": False,
    }
    if order.attach is not None:
        request["attach"] = order.attach
    data["prepay_req_body"] = request
    return data


def resource_of(event_type: str, order: Order, now: int) -> dict[str, Any]:
    """The decrypted resource of an `event_type` notification about `order`, at `now` (the order clock)."""
    if event_type == MCH_PREPAY:
        return _prepay(order, now)
    return _notified_order(order)
