"""An APIv3 key of the user's own: overriding `wechatpay_apiv3_key` (with the configuration that takes it, as the
plugin's documentation says) feeds the emulator, which encrypts with it, and the clients."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from wechatpay_emulator import USER_CONFIRM, Emulator, EmulatorConfig, Order, demo
from wechatpay_payscore_client import WechatPayClient
from wechatpay_pytest import NotificationReceiver

from tests.emulator.notify_support import DEMO_APIV3_KEY, decrypt

KEY = b"MyOwnTestOnlyApiV3Key00000000001"
IDS: dict[str, Any] = {
    "service_id": demo.DEMO_ORDER_SERVICE_ID,
    "sub_mchid": demo.DEMO_ORDER_SUB_MCHID,
    "channel_id": demo.DEMO_ORDER_CHANNEL_ID,
}


@pytest.fixture(scope="session")
def wechatpay_apiv3_key() -> bytes:
    return KEY


@pytest.fixture(scope="session")
def wechatpay_emulator_config(wechatpay_apiv3_key: bytes) -> EmulatorConfig:
    return EmulatorConfig.demo(apiv3_key=wechatpay_apiv3_key)


@pytest.fixture
def bodies() -> list[bytes]:
    return []


@pytest.fixture
def wechatpay_notification_app(bodies: list[bytes]) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        bodies.append(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
        start_response("204 No Content", [])
        return []

    return app


def test_the_key_feeds_the_emulator_and_the_client(
    wechatpay_emulator: Emulator,
    wechatpay_client: WechatPayClient,
    wechatpay_notifications: NotificationReceiver,
    bodies: list[bytes],
) -> None:
    assert wechatpay_emulator.config.apiv3_key.reveal() == KEY
    assert "apiv3_key_path" not in wechatpay_emulator.client_settings  # given as a value: no file to name
    wechatpay_emulator.seed(Order(out_order_no="K-1", **IDS, state="CREATED"))
    wechatpay_emulator.confirm("K-1")
    wechatpay_notifications.wait_for("K-1", USER_CONFIRM)
    (body,) = bodies
    assert decrypt(json.loads(body), KEY)["out_order_no"] == "K-1"
    with pytest.raises(InvalidTag):
        decrypt(json.loads(body), DEMO_APIV3_KEY)
