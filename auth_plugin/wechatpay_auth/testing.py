"""Build notifications as WeChat Pay sends them, signed and encrypted: the sender's side, for tests and emulators.

Three pure functions, to be used with test keys only: ``encrypt_resource`` (the ``resource`` object),
``notification_body`` (the envelope, as compact JSON bytes) and ``sign_notification`` (the ``Wechatpay-*``
headers). What they build passes ``WechatPayAuth.open_notification`` with the matching public key and APIv3 key.
``payscore_order_resource`` is a plaintext to encrypt: the published sample of a Pay Score order notification.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from wechatpay_auth._aead import AEAD_AES_256_GCM, NONCE_BYTES, aead_encrypt
from wechatpay_auth._apiv3 import ApiV3Key, ApiV3KeySource
from wechatpay_auth._auth import default_nonce
from wechatpay_auth._keys import PrivateKeySource, load_private_key
from wechatpay_auth._message import SCHEMA, response_message
from wechatpay_auth._signature import sign

__all__ = ["encrypt_resource", "notification_body", "payscore_order_resource", "sign_notification"]


def _compact_json(document: Mapping[str, Any]) -> bytes:
    # WeChat Pay's bodies are compact UTF-8 JSON; any bytes would do, since the signature covers them as they are.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encrypt_resource(
    apiv3_key: ApiV3KeySource,
    plaintext: bytes | Mapping[str, Any],
    associated_data: str = "",
    nonce: str | None = None,
    *,
    algorithm: str = AEAD_AES_256_GCM,
    original_type: str = "payscore",
) -> dict[str, str]:
    """A notification's ``resource``: ``plaintext`` (bytes, or an object written as compact JSON) encrypted.

    Protocol rule: the inverse of ``decrypt_resource``: ``algorithm`` with the APIv3 key, the 12-character
    ``nonce`` (random when not given) and ``associated_data``; the ciphertext with its tag, in standard Base64.
    """
    data = plaintext if isinstance(plaintext, bytes) else _compact_json(plaintext)
    nonce = default_nonce()[:NONCE_BYTES] if nonce is None else nonce
    key = ApiV3Key(apiv3_key)
    sealed = aead_encrypt(algorithm, key.reveal(), nonce.encode("utf-8"), data, associated_data.encode("utf-8"))
    return {
        "original_type": original_type,
        "algorithm": algorithm,
        "ciphertext": base64.b64encode(sealed).decode("ascii"),
        "associated_data": associated_data,
        "nonce": nonce,
    }


def notification_body(
    event_type: str,
    resource: Mapping[str, Any],
    *,
    notification_id: str,
    create_time: str,
    summary: str,
    resource_type: str = "encrypt-resource",
) -> bytes:
    """A notification body: the envelope around ``resource``, as compact UTF-8 JSON in WeChat Pay's field order."""
    return _compact_json(
        {
            "id": notification_id,
            "create_time": create_time,
            "resource_type": resource_type,
            "event_type": event_type,
            "summary": summary,
            "resource": resource,
        }
    )


def sign_notification(
    private_key: PrivateKeySource,
    serial: str,
    body: bytes,
    timestamp: int,
    nonce: str,
    *,
    request_id: str | None = None,
) -> dict[str, str]:
    """The headers of a notification carrying ``body``, signed by ``private_key`` listed under ``serial``.

    Protocol rule: ``Wechatpay-Signature`` is SHA256withRSA over ``TIMESTAMP\\nNONCE\\nBODY\\n``; ``serial`` is the
    ``PUB_KEY_ID_…`` id or the platform certificate serial the receiver holds the public key under.
    """
    signature = sign(response_message(timestamp, nonce, body), load_private_key(private_key))
    headers = {
        "Content-Type": "application/json",
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Serial": serial,
        "Wechatpay-Signature": signature,
        "Wechatpay-Signature-Type": SCHEMA,
        "Wechatpay-Timestamp": str(timestamp),
    }
    if request_id is not None:
        headers["Request-ID"] = request_id
    return headers


def payscore_order_resource(
    *,
    service_id: str = "500001",
    mchid: str = "1230000109",
    sub_appid: str | None = "wxd678efh567hg6999",
    out_order_no: str = "1234323JKHDFE1243252",
    day: str = "20091225",
    paid_at: str | None = None,
) -> dict[str, Any]:
    """The decrypted resource of a Pay Score ``PAYSCORE.USER_CONFIRM`` or ``PAYSCORE.USER_PAID`` notification.

    Protocol rule: the order as WeChat Pay's published sample of the acquiring family shows it, amounts as strings
    included (as published: readers of the plaintext must accept both), with the ids given and its service on
    ``day`` (yyyyMMdd). Without ``paid_at`` the user has confirmed (``DOING``); with it (HHmmss of ``day``) the user
    has paid the whole order in one ``NEWTON`` payment (``DONE``, ``collection`` ``USER_PAID``).
    """
    order: dict[str, Any] = {
        "service_id": service_id,
        "appid": "wxd678efh567hg6787",
        "mchid": mchid,
        "sub_appid": sub_appid,
        "sub_mchid": "1900000109",
        "channel_id": "1230000109",
        "out_order_no": out_order_no,
        "sub_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        "state": "DOING" if paid_at is None else "DONE",
        "state_description": "USER_CONFIRM" if paid_at is None else "USER_PAID_SOMEDAY",
        "service_introduction": "嗨客餐厅用餐",
        "total_amount": "40000",
        "post_payments": [{"name": "就餐费用", "amount": "40000", "description": "就餐人均100元", "count": 4}],
        "post_discounts": [{"name": "满20减1元", "description": "不与其他优惠叠加", "amount": 100, "count": "2"}],
        "risk_fund": {"name": "DEPOSIT", "amount": "10000", "description": "就餐的预估费用"},
        "time_range": {"start_time": f"{day}091010", "end_time": f"{day}121010"},
        "location": {"start_location": "嗨客时尚主题展餐厅", "end_location": "嗨客时尚主题展餐厅"},
        "attach": "Easdfowealsdkjfnlaksjdlfkwqoi&wl3l2sald",
        "order_id": "15646546545165651651",
        "need_collection": True,
    }
    if sub_appid is None:  # WeChat Pay leaves out a field it has no value for: absent, not null
        del order["sub_appid"]
    if paid_at is not None:
        order["collection"] = {
            "state": "USER_PAID",
            "total_amount": "40000",
            "paying_amount": 0,
            "paid_amount": "40000",
            "details": [
                {
                    "seq": "1",
                    "amount": "40000",
                    "paid_type": "NEWTON",
                    "paid_time": day + paid_at,
                    "transaction_id": "1",
                }
            ],
        }
    return order
