"""The calls every contender makes: the same order number, paths and JSON documents.

- the sync (`POST .../{out_order_no}/sync`, answered `204`);
- the create (`POST /v3/payscore/acquiringbank/serviceorder`, answered `200` with the order, `CREATED_ANSWER`);
- the complete (`POST .../{out_order_no}/complete`, answered `204`).

The create and complete documents are the contract's own examples (`confirm_first`, `documented`), with the
bench's ids; the create's answer is the order as the contract's `created` example shows it, for those ids.
"""

from __future__ import annotations

import json
from typing import Any

from wechatpay_payscore.models import (
    CompleteServiceOrderRequest,
    CreateServiceOrderRequest,
    SyncDetail,
    SyncServiceOrderRequest,
)

from bench._test_keys import MCHID

__all__ = [
    "BODY_FIELDS",
    "COMPLETE_FIELDS",
    "COMPLETE_PATH",
    "CREATED_ANSWER",
    "CREATE_FIELDS",
    "CREATE_PATH",
    "OUT_ORDER_NO",
    "PATH",
    "body_document",
    "body_model",
    "complete_model",
    "create_model",
]

OUT_ORDER_NO = "1234323JKHDFE1243252"
PATH = f"/v3/payscore/acquiringbank/serviceorder/{OUT_ORDER_NO}/sync"
CREATE_PATH = "/v3/payscore/acquiringbank/serviceorder"
COMPLETE_PATH = f"/v3/payscore/acquiringbank/serviceorder/{OUT_ORDER_NO}/complete"
BODY_FIELDS: dict[str, Any] = {
    "service_id": "2002000000000558128851361561536",
    "sub_mchid": "1900000109",
    "type": "Order_Paid",
    "detail": {"paid_time": "20261127103000"},
    "channel_id": "1230000109",
}
CREATE_FIELDS: dict[str, Any] = {
    "service_id": "2002000000000558128851361561536",
    "appid": "wxd678efh567hg6787",
    "sub_mchid": "1900000109",
    "channel_id": "1230000109",
    "out_order_no": OUT_ORDER_NO,
    "service_introduction": "某某酒店",
    "post_payments": [{"name": "就餐费用", "description": "就餐人均100元", "amount": 40000, "count": 4}],
    "post_discounts": [{"name": "满20减1元", "description": "不与其他优惠叠加", "amount": 100, "count": 2}],
    "risk_fund": {"name": "DEPOSIT", "amount": 80000, "description": "就餐的预估费用"},
    "time_range": {
        "start_time": "20301225091010",
        "start_time_remark": "备注1",
        "end_time": "20301225121010",
        "end_time_remark": "备注2",
    },
    "location": {"start_location": "嗨客时尚主题展餐厅", "end_location": "嗨客时尚主题展餐厅"},
    "need_user_confirm": True,
    "notify_url": "https://api.test.com",
    "attach": "Easdfowealsdkjfnlaksjdlfkwqoi&wl3l2sald",
}
COMPLETE_FIELDS: dict[str, Any] = {
    "service_id": "2002000000000558128851361561536",
    "sub_mchid": "1900000109",
    "channel_id": "1230000109",
    "post_payments": [{"name": "就餐费用", "description": "就餐人均100元", "amount": 40000, "count": 4}],
    "post_discounts": [{"name": "满20减1元", "description": "不与其他优惠叠加", "amount": 100, "count": 2}],
    "total_amount": 39900,
    "time_range": {"start_time": "20301225091010", "end_time": "20301225121010"},
    "complete_time": "2030-12-25T12:10:10+08:00",
}
# The order the create is answered with (UTF-8 JSON, as WeChat Pay sends it): what was asked, plus what WeChat Pay
# adds (mchid, state, order_id, package).
CREATED_ANSWER: bytes = json.dumps(
    {
        "out_order_no": OUT_ORDER_NO,
        "service_id": CREATE_FIELDS["service_id"],
        "appid": CREATE_FIELDS["appid"],
        "mchid": MCHID,
        "sub_mchid": CREATE_FIELDS["sub_mchid"],
        "channel_id": CREATE_FIELDS["channel_id"],
        "service_introduction": CREATE_FIELDS["service_introduction"],
        "state": "CREATED",
        "post_payments": CREATE_FIELDS["post_payments"],
        "post_discounts": CREATE_FIELDS["post_discounts"],
        "risk_fund": CREATE_FIELDS["risk_fund"],
        "time_range": CREATE_FIELDS["time_range"],
        "location": CREATE_FIELDS["location"],
        "attach": CREATE_FIELDS["attach"],
        "notify_url": CREATE_FIELDS["notify_url"],
        "order_id": "15646546545165651651",
        "need_collection": True,
        "package": "DJIOSQPYWDxsjdldeskdjkldjd8kdhsjdfk",
    },
    ensure_ascii=False,
    separators=(",", ":"),
).encode("utf-8")


def body_document() -> dict[str, Any]:
    """A fresh copy of the sync's JSON document (key order as the generated model emits it)."""
    return {**BODY_FIELDS, "detail": dict(BODY_FIELDS["detail"])}


def body_model() -> SyncServiceOrderRequest:
    """The sync's document as the generated request model."""
    return SyncServiceOrderRequest.from_dict(
        {**BODY_FIELDS, "detail": SyncDetail.from_dict(BODY_FIELDS["detail"]).to_dict()}
    )


def create_model() -> CreateServiceOrderRequest:
    """The create's document as the generated request model."""
    return CreateServiceOrderRequest.from_dict(json.loads(json.dumps(CREATE_FIELDS)))


def complete_model() -> CompleteServiceOrderRequest:
    """The complete's document as the generated request model."""
    return CompleteServiceOrderRequest.from_dict(json.loads(json.dumps(COMPLETE_FIELDS)))
