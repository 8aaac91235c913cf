"""Our notification vectors (vectors/notification-vectors.json): their inputs, and how each is built from them.

Each case is one notification of the acquiring family, built with ``wechatpay_auth.testing`` from TEST-ONLY keys: the
resource encrypted with the TEST-ONLY APIv3 key, the envelope as compact JSON, the headers signed by the TEST-ONLY key
of the case's key mode (a ``PUB_KEY_ID_…`` public key, or a platform certificate). RSA PKCS#1 v1.5 and GCM with a
given nonce are deterministic, so the ``expected`` headers and body are fixed; ``test_notifications.py`` rebuilds
them and checks them with plain ``cryptography`` too. Run this module to write the file again after changing inputs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wechatpay_auth.testing import encrypt_resource, notification_body, sign_notification

VECTORS = Path(__file__).parent / "vectors"
FILE = VECTORS / "notification-vectors.json"

APIV3_KEY = "test-only-apiv3-key-000000000000"  # 32 bytes
KEYS: dict[str, dict[str, str]] = {
    "public_key_mode": {
        "serial": "PUB_KEY_ID_0119000001002030122500000001",
        "private_key": "test-only-wechatpay-public-key-mode.pem",
    },
    "certificate_mode": {
        "serial": "4B3AB6D7C0E1F2A3B4C5D6E7F8091A2B3C4D5E6F",
        "private_key": "test-only-wechatpay-platform-certificate-key.pem",
        "certificate": "test-only-wechatpay-platform-certificate.pem",
    },
}
IDS = {
    "service_id": "2002000000000558128851361561536",
    "appid": "wxd678efh567hg6787",
    "mchid": "1900000100",
    "sub_mchid": "1900000109",
    "channel_id": "1230000109",
    "out_order_no": "1234323JKHDFE1243252",
}

USER_CONFIRM = {
    **IDS,
    "order_id": "15646546545165651651",
    "sub_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
    "state": "DOING",
    "state_description": "USER_CONFIRM",
    "service_introduction": "某某酒店",
    # A string, as in the one published sample of this event: readers of the plaintext must accept both.
    "total_amount": "40000",
    "risk_fund": {"name": "DEPOSIT", "amount": 80000, "description": "住宿押金"},
    "time_range": {"start_time": "20301225091010", "end_time": "20301226120000"},
    "location": {"start_location": "某某酒店", "end_location": "某某酒店"},
    "attach": "room=1208",
    "need_collection": True,
}
USER_PAID = {
    **IDS,
    "order_id": "15646546545165651651",
    "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
    "state": "DONE",
    "service_introduction": "某某酒店",
    "total_amount": 38000,
    "post_payments": [{"name": "住宿费", "amount": 40000, "description": "一晚", "count": 1}],
    "post_discounts": [{"name": "会员折扣", "description": "九五折", "amount": 2000}],
    "risk_fund": {"name": "DEPOSIT", "amount": 80000},
    "time_range": {"start_time": "20301225091010", "end_time": "20301226120000"},
    "need_collection": True,
    "collection": {
        "state": "USER_PAID",
        "total_amount": 38000,
        "paying_amount": 0,
        "paid_amount": 38000,
        "details": [
            {
                "seq": 1,
                "amount": 38000,
                "paid_type": "NEWTON",
                "paid_time": "20301225101500",
                "transaction_id": "4200000000203012251015001234",
            }
        ],
    },
}
MCH_PREPAY = {
    **IDS,
    "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
    "total_amount": 38000,
    "prepay_req_body": {
        "device_info": "WEB",
        "nonce_str": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        "body": "某某酒店-住宿费",
        "attach": "room=1208",
        "fee_type": "CNY",
        "time_start": "20301225100530",
        "time_expire": "20301225103530",
        "notify_url": "https://example.com/clearing-house/notify",
        "trade_type": "JSAPI",
        "limit_pay": "no_credit",
        "need_receipt": False,
    },
}
# wechatpay-go's published plaintext (vectors/wechatpay-go-notify.json), byte for byte.
GO_PLAINTEXT = (
    '{"mchid":"1234567890","appid":"054aa7d7a2a54ab5898df65bd96f001c",'
    '"create_time":"2020-06-30T12:12:00+08:00","out_contract_code":"21640bdbd08e473e828f3206a2741c6e"}'
)

CASES: list[dict[str, Any]] = [
    {
        "id": "N01_user_confirm",
        "about": "PAYSCORE.USER_CONFIRM, AEAD_AES_256_GCM, empty associated_data, signed with a public key",
        "key": "public_key_mode",
        "timestamp": 1924391410,
        "nonce": "N01NOTIFYNONCE000000000000000001",
        "request_id": "08F2B4D8C90610A1B2C3D4E5F6071829-0001",
        "envelope": {
            "id": "0c5f0e2a-7b1d-5c3e-9f40-1a2b3c4d5e01",
            "create_time": "2030-12-25T09:10:10+08:00",
            "event_type": "PAYSCORE.USER_CONFIRM",
            "summary": "支付分订单用户已确认",
        },
        "resource": {"algorithm": "AEAD_AES_256_GCM", "nonce": "n01Resource1", "associated_data": ""},
        "plaintext": USER_CONFIRM,
    },
    {
        "id": "N02_user_paid",
        "about": "PAYSCORE.USER_PAID, AEAD_AES_256_GCM, associated_data 'payscore', signed with a platform certificate",
        "key": "certificate_mode",
        "timestamp": 1924395300,
        "nonce": "N02NOTIFYNONCE000000000000000002",
        "request_id": "08F2B4D8C90610A1B2C3D4E5F6071829-0002",
        "envelope": {
            "id": "0c5f0e2a-7b1d-5c3e-9f40-1a2b3c4d5e02",
            "create_time": "2030-12-25T10:15:00+08:00",
            "event_type": "PAYSCORE.USER_PAID",
            "summary": "用户支付成功",
        },
        "resource": {"algorithm": "AEAD_AES_256_GCM", "nonce": "n02Resource2", "associated_data": "payscore"},
        "plaintext": USER_PAID,
    },
    {
        "id": "N03_mch_prepay",
        "about": "PAYSCORE.MCH_PREPAY, AEAD_AES_256_GCM, associated_data absent, signed with a public key",
        "key": "public_key_mode",
        "timestamp": 1924394730,
        "nonce": "N03NOTIFYNONCE000000000000000003",
        "request_id": "08F2B4D8C90610A1B2C3D4E5F6071829-0003",
        "envelope": {
            "id": "0c5f0e2a-7b1d-5c3e-9f40-1a2b3c4d5e03",
            "create_time": "2030-12-25T10:05:30+08:00",
            "event_type": "PAYSCORE.MCH_PREPAY",
            "summary": "商户预下单",
        },
        "resource": {"algorithm": "AEAD_AES_256_GCM", "nonce": "n03Resource3", "associated_data": None},
        "plaintext": MCH_PREPAY,
    },
    {
        "id": "N04_user_confirm_sm4",
        "about": "PAYSCORE.USER_CONFIRM, AEAD_SM4_GCM (key: SM3(APIv3 key)[:16]), signed with a public key",
        "key": "public_key_mode",
        "timestamp": 1924391560,
        "nonce": "N04NOTIFYNONCE000000000000000004",
        "request_id": "08F2B4D8C90610A1B2C3D4E5F6071829-0004",
        "envelope": {
            "id": "0c5f0e2a-7b1d-5c3e-9f40-1a2b3c4d5e04",
            "create_time": "2030-12-25T09:12:40+08:00",
            "event_type": "PAYSCORE.USER_CONFIRM",
            "summary": "支付分订单用户已确认",
        },
        "resource": {"algorithm": "AEAD_SM4_GCM", "nonce": "n04Resource4", "associated_data": "payscore"},
        "plaintext": USER_CONFIRM,
    },
    {
        "id": "N05_wechatpay_go_with_a_32_byte_key",
        "about": (
            "wechatpay-go's published notification (envelope, nonces, timestamp, plaintext) again, with the 32-byte "
            "TEST-ONLY APIv3 key and signed with a platform certificate: the published one has a 16-byte key"
        ),
        "key": "certificate_mode",
        "timestamp": 1624523846,
        "nonce": "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz",
        "request_id": None,
        "envelope": {
            "id": "3119dfba-e649-5eec-ab1e-3412bc4d2e17",
            "create_time": "2021-06-24T16:37:26+08:00",
            "event_type": "PAYSCORE.USER_OPEN_SERVICE",
            "summary": "签约成功",
        },
        "resource": {"algorithm": "AEAD_AES_256_GCM", "nonce": "Kj7QIyUiYx1q", "associated_data": "payscore"},
        "plaintext": GO_PLAINTEXT,
    },
]


def private_key_pem(key_mode: str) -> bytes:
    return (VECTORS / KEYS[key_mode]["private_key"]).read_bytes()


def build(case: dict[str, Any]) -> dict[str, Any]:
    """The headers and body of ``case``, from its inputs."""
    given = case["resource"]
    plaintext = case["plaintext"]
    resource = encrypt_resource(
        APIV3_KEY,
        plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext,
        given["associated_data"] or "",
        given["nonce"],
        algorithm=given["algorithm"],
    )
    if given["associated_data"] is None:
        del resource["associated_data"]
    envelope = case["envelope"]
    body = notification_body(
        envelope["event_type"],
        resource,
        notification_id=envelope["id"],
        create_time=envelope["create_time"],
        summary=envelope["summary"],
    )
    headers = sign_notification(
        private_key_pem(case["key"]),
        KEYS[case["key"]]["serial"],
        body,
        case["timestamp"],
        case["nonce"],
        request_id=case["request_id"],
    )
    return {"headers": headers, "body": body.decode("utf-8")}


def document() -> dict[str, Any]:
    return {
        "about": (
            "Notification vectors of the acquiring family, every key TEST-ONLY. apiv3_key is the APIv3 key (32 bytes); "
            "each case's key names a key mode in keys (a PUB_KEY_ID_ public key, or a platform certificate), whose "
            "private key (PKCS#8 PEM, a file beside this one) signed the headers over TIMESTAMP\\nNONCE\\nBODY\\n. "
            "expected.body is the exact body (compact UTF-8 JSON); resource.associated_data null means the field is "
            "absent. The plaintexts are shapes taken from the published field tables, not official samples."
        ),
        "apiv3_key": APIV3_KEY,
        "keys": KEYS,
        "cases": [{**case, "expected": build(case)} for case in CASES],
    }


if __name__ == "__main__":
    FILE.write_text(json.dumps(document(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
