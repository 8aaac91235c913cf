"""The plugin's fixtures and markers, used the way a user's tests use them (this folder has no conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from wechatpay_emulator import Emulator, Fault, Order, demo
from wechatpay_payscore.api.payscore import query_service_order, sync_service_order
from wechatpay_payscore.models import ServiceOrder, SyncDetail, SyncServiceOrderRequest
from wechatpay_payscore_client import WechatPayClient, WechatPayError

SEED = demo.DEMO_ORDER
IDS: dict[str, Any] = {"service_id": SEED.service_id, "sub_mchid": SEED.sub_mchid, "channel_id": SEED.channel_id}


def body(paid_time: str = "20091225091210") -> SyncServiceOrderRequest:
    return SyncServiceOrderRequest(
        service_id=SEED.service_id,
        sub_mchid=SEED.sub_mchid,
        channel_id=SEED.channel_id or "",
        detail=SyncDetail(paid_time=paid_time),
    )


def test_the_demo_order_is_seeded_and_the_client_syncs_it(
    wechatpay_emulator: Emulator, wechatpay_client: WechatPayClient
) -> None:
    assert [order.out_order_no for order in wechatpay_emulator.orders] == [SEED.out_order_no]
    response = sync_service_order.sync_detailed(SEED.out_order_no, client=wechatpay_client, body=body())
    assert response.status_code == 204
    assert wechatpay_emulator.order(SEED.out_order_no).state == "DONE"
    (entry,) = wechatpay_emulator.requests
    assert entry.signature_verified is True


def test_each_test_starts_from_the_configured_state(wechatpay_emulator: Emulator) -> None:
    # The test above synced the demo order; this one sees it DOING again, with no fault and an empty log.
    assert wechatpay_emulator.order(SEED.out_order_no).state == "DOING"
    assert wechatpay_emulator.requests == []
    assert wechatpay_emulator.faults == []
    assert wechatpay_emulator.rate_limit is None
    wechatpay_emulator.inject(Fault.system_error(), times=None)
    wechatpay_emulator.set_rate_limit(1)


def test_faults_and_rate_limits_do_not_leak_into_the_next_test(wechatpay_emulator: Emulator) -> None:
    assert wechatpay_emulator.faults == []
    assert wechatpay_emulator.rate_limit is None


@pytest.mark.wechatpay_orders(
    Order(out_order_no="MINE-1", **IDS),
    {"out_order_no": "MINE-2", **IDS, "state": "DONE"},
)
@pytest.mark.wechatpay_fault(Fault.apply_then_drop(), out_order_no="MINE-1")
def test_markers_seed_orders_and_inject_a_fault(
    wechatpay_emulator: Emulator, wechatpay_client: WechatPayClient
) -> None:
    assert [fault.fault.kind.value for fault in wechatpay_emulator.faults] == ["apply_then_drop"]
    with pytest.raises(WechatPayError) as lost:
        sync_service_order.sync_detailed("MINE-1", client=wechatpay_client, body=body())
    assert lost.value.outcome_unknown
    assert wechatpay_emulator.order("MINE-1").state == "DONE"  # applied, though the answer was lost
    assert wechatpay_emulator.requests[-1].fault == "apply_then_drop"
    with pytest.raises(WechatPayError) as done:
        sync_service_order.sync_detailed("MINE-2", client=wechatpay_client, body=body())
    assert done.value.already_done


@pytest.mark.wechatpay_fault(Fault.system_error())
@pytest.mark.wechatpay_fault(Fault.rate_limited(retry_after=1))
def test_stacked_fault_markers_fire_top_to_bottom(
    wechatpay_emulator: Emulator, wechatpay_client: WechatPayClient
) -> None:
    for _ in range(2):
        with pytest.raises(WechatPayError):
            sync_service_order.sync_detailed(SEED.out_order_no, client=wechatpay_client, body=body())
    assert [entry.code for entry in wechatpay_emulator.requests] == ["SYSTEM_ERROR", "FREQUENCY_LIMITED"]
    assert wechatpay_emulator.order(SEED.out_order_no).state == "DOING"


@pytest.mark.wechatpay_rate_limit(1)
def test_the_rate_limit_marker(
    wechatpay_emulator: Emulator, wechatpay_client: WechatPayClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both calls in the same instant of the limiter's clock, however slow this machine is.
    monkeypatch.setattr(wechatpay_emulator._state.rate_limiter, "_clock", lambda: 5.0)
    assert wechatpay_emulator.rate_limit == 1
    ok = query_service_order.sync_detailed(client=wechatpay_client, out_order_no=SEED.out_order_no, **IDS)
    assert ok.status_code == 200
    with pytest.raises(WechatPayError) as limited:
        query_service_order.sync_detailed(client=wechatpay_client, out_order_no=SEED.out_order_no, **IDS)
    assert limited.value.retryable
    assert wechatpay_emulator.requests[-1].code == "FREQUENCY_LIMITED"


def test_the_client_fixture_queries_the_full_order(
    wechatpay_emulator: Emulator, wechatpay_client: WechatPayClient
) -> None:
    wechatpay_emulator.seed(Order(out_order_no="Q1", query_id="QID-9", state="DONE", total_amount=700, **IDS))
    response = query_service_order.sync_detailed(client=wechatpay_client, query_id="QID-9", **IDS)
    assert isinstance(response.parsed, ServiceOrder)
    assert (response.parsed.out_order_no, response.parsed.state) == ("Q1", "DONE")


@pytest.mark.anyio
async def test_the_async_client_fixture(wechatpay_emulator: Emulator, wechatpay_async_client: WechatPayClient) -> None:
    response = await sync_service_order.asyncio_detailed(SEED.out_order_no, client=wechatpay_async_client, body=body())
    assert response.status_code == 204
    queried = await query_service_order.asyncio_detailed(
        client=wechatpay_async_client, out_order_no=SEED.out_order_no, **IDS
    )
    assert isinstance(queried.parsed, ServiceOrder)
    assert queried.parsed.state == "DONE"


def test_base_url_and_client_settings(wechatpay_emulator: Emulator, wechatpay_base_url: str) -> None:
    assert wechatpay_base_url == wechatpay_emulator.base_url
    assert wechatpay_base_url.startswith("http://127.0.0.1:")
    assert wechatpay_emulator.client_settings["mchid"] == demo.DEMO_MCHID


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
