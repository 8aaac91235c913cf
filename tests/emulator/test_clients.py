"""Clients configured only with what the emulator publishes: the project's generated client with WechatPayAuth,
and a third-party SDK (wechatpayv3 2.0.4) in WeChat Pay public-key mode."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import wechatpay_auth
from wechatpay_emulator import Emulator, EmulatorConfig, demo
from wechatpay_payscore import Client
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore.models import ErrorResponse, SyncServiceOrderRequest

from tests.emulator.support import Clock, sync_body


def _auth(config: dict[str, Any], clock: Clock, private_key: Any = None) -> wechatpay_auth.WechatPayAuth:
    return wechatpay_auth.WechatPayAuth(
        mchid=config["mchid"],
        serial_no=config["merchant_serial_no"],
        private_key=private_key or config["demo_merchant_private_key_path"],
        wechatpay_public_keys={config["wechatpay_public_key_id"]: config["wechatpay_public_key_pem"]},
        clock=clock,
    )


def test_generated_client_with_wechatpay_auth(base_url: str, clock: Clock, emu: Emulator) -> None:
    config = httpx.get(f"{base_url}/_emulator/config").json()
    client = Client(base_url=base_url, httpx_args={"auth": _auth(config, clock)})
    body = SyncServiceOrderRequest.from_dict(sync_body())
    first = sync_service_order.sync_detailed(demo.DEMO_ORDER_OUT_ORDER_NO, client=client, body=body)
    assert first.status_code == 204
    assert first.parsed is None
    assert emu.requests[-1].header("wechatpay-serial") == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID
    second = sync_service_order.sync_detailed(demo.DEMO_ORDER_OUT_ORDER_NO, client=client, body=body)
    assert second.status_code == 400
    assert isinstance(second.parsed, ErrorResponse)
    assert second.parsed.code == "ORDER_DONE"
    assert emu.order(demo.DEMO_ORDER_OUT_ORDER_NO).state == "DONE"
    client.get_httpx_client().close()


def test_generated_client_signed_with_the_wrong_key_gets_sign_error(base_url: str, clock: Clock) -> None:
    config = httpx.get(f"{base_url}/_emulator/config").json()
    wrong = demo.demo_platform_private_key_path()
    client = Client(base_url=base_url, httpx_args={"auth": _auth(config, clock, private_key=wrong)})
    body = SyncServiceOrderRequest.from_dict(sync_body())
    response = sync_service_order.sync_detailed(demo.DEMO_ORDER_OUT_ORDER_NO, client=client, body=body)
    assert response.status_code == 401
    assert isinstance(response.parsed, ErrorResponse)
    assert response.parsed.code == "SIGN_ERROR"
    detail = json.loads(response.content)["detail"]["sign_information"]
    assert detail["url"] == f"/v3/payscore/acquiringbank/serviceorder/{demo.DEMO_ORDER_OUT_ORDER_NO}/sync"
    client.get_httpx_client().close()


def test_wechatpayv3_sdk_in_public_key_mode() -> None:
    """The most used Python SDK, configured only with the emulator's printed ids and keys.

    wechatpayv3 2.0.4 supports public-key mode through its constructor (`public_key`, `public_key_id`), but its
    base URL is hard-coded (`Core._gate_way = 'https://api.mch.weixin.qq.com'`): pointing it at the loopback
    emulator needs that private attribute overwritten. It checks response signatures on 2xx only.
    """
    core_module = pytest.importorskip("wechatpayv3.core")
    from wechatpayv3.type import RequestType

    emulator = Emulator(EmulatorConfig.demo())  # the real clock: the SDK signs with time.time()
    with emulator.serve() as base_url:
        config = httpx.get(f"{base_url}/_emulator/config").json()
        core = core_module.Core(
            mchid=config["mchid"],
            cert_serial_no=config["merchant_serial_no"],
            private_key=demo.demo_merchant_private_key_path().read_text(),
            apiv3_key="0" * 32,
            public_key=config["wechatpay_public_key_pem"],
            public_key_id=config["wechatpay_public_key_id"],
        )
        core._gate_way = base_url  # the one non-constructor setting (see the docstring)
        target = f"/v3/payscore/acquiringbank/serviceorder/{demo.DEMO_ORDER_OUT_ORDER_NO}/sync"
        # A 204 is accepted only after the SDK verified its signature (it raises otherwise).
        assert core.request(target, method=RequestType.POST, data=sync_body())[0] == 204
        code, message = core.request(target, method=RequestType.POST, data=sync_body())
        assert (code, json.loads(message)["code"]) == (400, "ORDER_DONE")
        assert emulator.order(demo.DEMO_ORDER_OUT_ORDER_NO).state == "DONE"

        wrong = core_module.Core(
            mchid=config["mchid"],
            cert_serial_no=config["merchant_serial_no"],
            private_key=demo.demo_platform_private_key_path().read_text(),
            apiv3_key="0" * 32,
            public_key=config["wechatpay_public_key_pem"],
            public_key_id=config["wechatpay_public_key_id"],
        )
        wrong._gate_way = base_url
        code, message = wrong.request(target, method=RequestType.POST, data=sync_body())
        assert code == 401
        assert json.loads(message)["detail"]["sign_information"]["method"] == "POST"


def _query_client(base_url: str, clock: Clock, **kwargs: Any) -> Any:
    config = httpx.get(f"{base_url}/_emulator/config").json()
    return Client(base_url=base_url, httpx_args={"auth": _auth(config, clock)}, **kwargs)


QUERY_IDS: dict[str, Any] = {
    "service_id": demo.DEMO_ORDER_SERVICE_ID,
    "sub_mchid": demo.DEMO_ORDER_SUB_MCHID,
    "channel_id": demo.DEMO_ORDER_CHANNEL_ID,
}


def test_generated_client_queries_the_order_it_synced(base_url: str, clock: Clock, emu: Emulator) -> None:
    with _query_client(base_url, clock) as client:
        _query_then_sync(client, emu)


def _query_then_sync(client: Any, emu: Emulator) -> None:
    from wechatpay_payscore.api.payscore import query_service_order
    from wechatpay_payscore.models import ServiceOrder

    before = query_service_order.sync_detailed(client=client, out_order_no=demo.DEMO_ORDER_OUT_ORDER_NO, **QUERY_IDS)
    assert before.status_code == 200
    assert isinstance(before.parsed, ServiceOrder)
    assert (before.parsed.state, before.parsed.state_description) == ("DOING", "MCH_COMPLETE")
    body = SyncServiceOrderRequest.from_dict(sync_body())
    assert sync_service_order.sync_detailed(demo.DEMO_ORDER_OUT_ORDER_NO, client=client, body=body).status_code == 204
    after = query_service_order.sync_detailed(client=client, out_order_no=demo.DEMO_ORDER_OUT_ORDER_NO, **QUERY_IDS)
    assert isinstance(after.parsed, ServiceOrder)
    assert after.parsed.state == "DONE"
    collection: Any = after.parsed.collection
    assert collection.state == "USER_PAID"
    (detail,) = collection.details
    assert (detail.paid_type, detail.paid_time) == ("MCH", "20091225091210")
    missing = query_service_order.sync_detailed(client=client, out_order_no="NOPE", **QUERY_IDS)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, ErrorResponse)
    assert missing.parsed.code == "ORDER_NOT_EXIST"


@pytest.mark.anyio
async def test_generated_async_client_queries_by_query_id(base_url: str, clock: Clock, emu: Emulator) -> None:
    from wechatpay_emulator import Order
    from wechatpay_payscore.api.payscore import query_service_order
    from wechatpay_payscore.models import ServiceOrder

    emu.seed(Order(out_order_no="Q-ASYNC", query_id="QID-1", state="DONE", **QUERY_IDS))
    client = _query_client(base_url, clock)
    async with client:
        response = await query_service_order.asyncio_detailed(client=client, query_id="QID-1", **QUERY_IDS)
    assert response.status_code == 200
    assert isinstance(response.parsed, ServiceOrder)
    assert (response.parsed.out_order_no, response.parsed.state) == ("Q-ASYNC", "DONE")
    collection: Any = response.parsed.collection
    assert [detail.paid_type for detail in collection.details] == ["NEWTON"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
