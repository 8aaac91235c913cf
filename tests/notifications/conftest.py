"""Keys (TEST-ONLY, generated for each run) and a signer that opens notifications, for the notification tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from wechatpay_auth import WechatPayAuth
from wechatpay_auth.testing import encrypt_resource, notification_body, sign_notification

NOW = 1_924_391_410
MCHID = "1230000109"
SERIAL_NO = "3775B6A45ACD588826D15E583A95F5DD2F6D4F0A"
WECHATPAY_SERIAL = "PUB_KEY_ID_0119000001002024112700000000"
APIV3_KEY = "test-only-apiv3-key-000000000000"  # TEST-ONLY: 32 characters
REQUEST_ID = "08F2B4D8C90610A1B2C3D4E5F6071829-0001"


@attrs.frozen
class Keys:
    merchant: rsa.RSAPrivateKey
    wechatpay: rsa.RSAPrivateKey


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys(
        merchant=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        wechatpay=rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )


@pytest.fixture
def auth(keys: Keys) -> WechatPayAuth:
    return WechatPayAuth(
        mchid=MCHID,
        serial_no=SERIAL_NO,
        private_key=keys.merchant,
        wechatpay_public_keys={WECHATPAY_SERIAL: keys.wechatpay.public_key()},
        clock=lambda: float(NOW),
        apiv3_key=APIV3_KEY,
    )


Deliver = Callable[..., tuple[dict[str, str], bytes]]


@pytest.fixture
def deliver(keys: Keys) -> Deliver:
    """Headers and body of a notification as WeChat Pay sends it: `plaintext` encrypted, the body signed."""

    def build(
        event_type: str,
        plaintext: Mapping[str, Any] | bytes,
        *,
        notification_id: str = "EV-2018022511223320873",
        summary: str = "支付分订单用户已确认",
    ) -> tuple[dict[str, str], bytes]:
        resource = encrypt_resource(APIV3_KEY, plaintext, nonce="r3sourceNonc")
        body = notification_body(
            event_type,
            resource,
            notification_id=notification_id,
            create_time="2030-12-24T16:30:10+08:00",
            summary=summary,
        )
        headers = sign_notification(
            keys.wechatpay, WECHATPAY_SERIAL, body, NOW, "NOTIFYNONCE000000000000000000001", request_id=REQUEST_ID
        )
        return headers, body

    return build
