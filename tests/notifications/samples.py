"""Decrypted resources of the family's events, as the published samples show them (amounts as strings included)."""

from __future__ import annotations

from typing import Any

# The published sample of the acquiring USER_CONFIRM / USER_PAID resource: `total_amount` is a string there.
ORDER: dict[str, Any] = {
    "service_id": "500001",
    "appid": "wxd678efh567hg6787",
    "mchid": "1230000109",
    "sub_appid": "wxd678efh567hg6999",
    "sub_mchid": "1900000109",
    "channel_id": "1230000109",
    "out_order_no": "1234323JKHDFE1243252",
    "sub_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
    "state": "DOING",
    "state_description": "USER_CONFIRM",
    "service_introduction": "嗨客餐厅用餐",
    "total_amount": "40000",
    "post_payments": [{"name": "就餐费用", "amount": "40000", "description": "就餐人均100元", "count": 4}],
    "post_discounts": [{"name": "满20减1元", "description": "不与其他优惠叠加", "amount": 100, "count": "2"}],
    "risk_fund": {"name": "DEPOSIT", "amount": "10000", "description": "就餐的预估费用"},
    "time_range": {"start_time": "20091225091010", "end_time": "20091225121010"},
    "location": {"start_location": "嗨客时尚主题展餐厅", "end_location": "嗨客时尚主题展餐厅"},
    "attach": "Easdfowealsdkjfnlaksjdlfkwqoi&wl3l2sald",
    "order_id": "15646546545165651651",
    "need_collection": True,
}

PAID_ORDER: dict[str, Any] = {
    **ORDER,
    "state": "DONE",
    "state_description": "USER_PAID_SOMEDAY",
    "collection": {
        "state": "USER_PAID",
        "total_amount": "40000",
        "paying_amount": 0,
        "paid_amount": "40000",
        "details": [
            {"seq": "1", "amount": "40000", "paid_type": "NEWTON", "paid_time": "20091225091210", "transaction_id": "1"}
        ],
    },
    "a_field_added_later": {"kept": True},
}

PREPAY: dict[str, Any] = {
    "service_id": "500001",
    "appid": "wxd678efh567hg6787",
    "mchid": "1230000109",
    "sub_mchid": "1900000109",
    "channel_id": "1230000109",
    "out_order_no": "1234323JKHDFE1243252",
    "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
    "total_amount": "40000",
    "prepay_req_body": {
        "device_info": "WEB",
        "nonce_str": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        "body": "嗨客餐厅用餐",
        "fee_type": "CNY",
        "time_start": "20091225091010",
        "time_expire": "20091227091010",
        "notify_url": "https://api.test.com/notify",
        "trade_type": "JSAPI",
        "limit_pay": "no_credit",
        "need_receipt": False,
        "scene_info": "kept",
    },
}
