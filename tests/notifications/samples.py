"""Decrypted resources of the family's events, as the published samples show them (amounts as strings included)."""

from __future__ import annotations

from typing import Any

from wechatpay_auth.testing import payscore_order_resource

# The published sample of the acquiring USER_CONFIRM / USER_PAID resource: `total_amount` is a string there.
ORDER: dict[str, Any] = payscore_order_resource()

# Paid, with a field WeChat Pay may add one day: readers must keep it, not refuse it.
PAID_ORDER: dict[str, Any] = {**payscore_order_resource(paid_at="091210"), "a_field_added_later": {"kept": True}}

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
