"""Every fault that loses or spoils a sync's answer, then reconciliation by query: definitive, and the emulator's
state agrees (issue 12's story, told through the plugin's fixtures)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from wechatpay_emulator import Emulator, Fault, Order, demo
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore.models import SyncDetail, SyncServiceOrderRequest
from wechatpay_payscore_client import (
    SyncVerdict,
    WechatPayClient,
    WechatPayError,
    reconcile_sync,
    reconcile_sync_async,
)

SEED = demo.DEMO_ORDER
IDS: dict[str, Any] = {"service_id": SEED.service_id, "sub_mchid": SEED.sub_mchid, "channel_id": SEED.channel_id}
PAID_TIME = "20091225091210"
BODY = SyncServiceOrderRequest(**IDS, detail=SyncDetail(paid_time=PAID_TIME))

# What each fault does to the sync: applied (the answer only is lost or spoiled) or not.
FAULTS = [
    (Fault.drop_connection(), False),
    (Fault.system_error(), False),
    (Fault.html_502(), False),
    (Fault.apply_then_drop(), True),
    (Fault.apply_then_500(), True),
    (Fault.bad_signature(), True),
    (Fault.missing_signature(), True),
    (Fault.stale_signature(), True),
    (Fault.probe_signature(), True),
]


@pytest.mark.parametrize(("fault", "applied"), FAULTS, ids=[fault.kind.value for fault, _ in FAULTS])
def test_reconciling_after_each_fault_matches_the_emulator(
    wechatpay_emulator: Emulator, wechatpay_client: WechatPayClient, fault: Fault, applied: bool
) -> None:
    wechatpay_emulator.inject(fault)
    with pytest.raises(WechatPayError) as failed:
        sync_service_order.sync_detailed(SEED.out_order_no, client=wechatpay_client, body=BODY)
    assert failed.value.outcome_unknown or failed.value.retryable
    result = reconcile_sync(wechatpay_client, SEED.out_order_no, BODY)
    order = wechatpay_emulator.order(SEED.out_order_no)
    if applied:
        assert result.verdict is SyncVerdict.SYNCED_BY_THIS_REQUEST
        assert order.state == "DONE"
        assert order.collection is not None
        assert (order.collection.details[-1].paid_type, order.collection.details[-1].paid_time) == ("MCH", PAID_TIME)
    else:
        assert result.verdict is SyncVerdict.NOT_APPLIED
        assert order.state == "DOING"
    assert result.order is not None
    assert result.order.state == order.state
    assert wechatpay_emulator.requests[-1].target.startswith("/v3/payscore/acquiringbank/serviceorder?")


@pytest.mark.parametrize(
    ("order", "verdict"),
    [
        (Order(out_order_no="OTHER-1", state="DONE", **IDS), SyncVerdict.DONE_OTHERWISE),
        (Order(out_order_no="OTHER-1", state="REVOKED", **IDS), SyncVerdict.CANCELLED),
        (Order(out_order_no="OTHER-1", state="EXPIRED", **IDS), SyncVerdict.EXPIRED),
        (Order(out_order_no="OTHER-1", **IDS), SyncVerdict.NOT_APPLIED),
    ],
)
def test_verdicts_for_orders_seeded_in_other_states(
    wechatpay_emulator: Emulator, wechatpay_client: WechatPayClient, order: Order, verdict: SyncVerdict
) -> None:
    (seeded,) = wechatpay_emulator.seed(order)
    assert seeded == attrs.evolve(
        order, mchid=demo.DEMO_MCHID, created_at=seeded.created_at, updated_at=seeded.updated_at
    )
    result = reconcile_sync(wechatpay_client, "OTHER-1", BODY)
    assert result.verdict is verdict
    assert wechatpay_emulator.order("OTHER-1") == seeded  # a query changes nothing


def test_an_unknown_order_is_not_found(wechatpay_client: WechatPayClient) -> None:
    assert reconcile_sync(wechatpay_client, "NO-SUCH-ORDER", BODY).verdict is SyncVerdict.NOT_FOUND


@pytest.mark.anyio
@pytest.mark.wechatpay_fault(Fault.apply_then_drop())
async def test_async_reconciliation_after_a_lost_answer(
    wechatpay_emulator: Emulator, wechatpay_async_client: WechatPayClient
) -> None:
    with pytest.raises(WechatPayError) as failed:
        await sync_service_order.asyncio_detailed(SEED.out_order_no, client=wechatpay_async_client, body=BODY)
    assert failed.value.outcome_unknown
    result = await reconcile_sync_async(wechatpay_async_client, SEED.out_order_no, BODY)
    assert result.verdict is SyncVerdict.SYNCED_BY_THIS_REQUEST
    assert wechatpay_emulator.order(SEED.out_order_no).state == "DONE"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
