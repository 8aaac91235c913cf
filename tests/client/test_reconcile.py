"""Reconciliation against the emulator: every fault that loses or spoils a sync's answer ends definitive and true.

After each call the emulator's own state is the judge: the verdict must match it, and no order is ever synced
twice (at most one `MCH` payment in its collection).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from wechatpay_emulator import Emulator, Fault, Order
from wechatpay_payscore.api.payscore import query_service_order, sync_service_order
from wechatpay_payscore.models import ServiceOrder
from wechatpay_payscore_client import (
    AlreadySyncedError,
    OrderAlreadyDoneError,
    OrderNotFoundError,
    OrderStateError,
    OutcomeUnknownError,
    ReconcilePolicy,
    ReconciliationError,
    SyncVerdict,
    WechatPayClient,
    reconcile_sync,
    reconcile_sync_async,
)

from .conftest import SEED, ClientFactory, seed_body

PAID_TIME = "20091225091210"


def done_otherwise() -> Order:
    """The demo order, DONE through Pay Score itself (a NEWTON payment), not by a sync."""
    return Order(
        out_order_no=SEED.out_order_no,
        service_id=SEED.service_id,
        sub_mchid=SEED.sub_mchid,
        channel_id=SEED.channel_id,
        state="DONE",
        paid_time="20091224080000",
    )


def mch_payments(emulator: Emulator, order: str = SEED.out_order_no) -> int:
    collection = emulator.order(order).collection
    return 0 if collection is None else sum(1 for detail in collection.details if detail.paid_type == "MCH")


def sync(client: WechatPayClient, order: str = SEED.out_order_no) -> int:
    return int(sync_service_order.sync_detailed(order, client=client, body=seed_body()).status_code)


APPLIED = [
    Fault.apply_then_drop(),
    Fault.apply_then_500(),
    Fault.bad_signature(),
    Fault.missing_signature(),
    Fault.stale_signature(),
    Fault.probe_signature(),
]
NOT_APPLIED = [Fault.drop_connection(), Fault.system_error(), Fault.http_500(), Fault.html_502()]


@pytest.mark.parametrize("fault", APPLIED, ids=lambda f: f.kind)
def test_a_spoiled_answer_to_an_applied_sync_is_confirmed_by_query(
    make_client: ClientFactory, emulator: Emulator, fault: Fault
) -> None:
    emulator.inject(fault, times=1)
    with pytest.raises(AlreadySyncedError) as caught:
        sync(make_client(reconcile=True))
    assert caught.value.evidence == "query"
    assert isinstance(caught.value.order, ServiceOrder)
    assert caught.value.order.state == "DONE"
    assert emulator.order(SEED.out_order_no).state == "DONE"
    assert mch_payments(emulator) == 1


@pytest.mark.parametrize("fault", NOT_APPLIED, ids=lambda f: f.kind)
def test_a_lost_answer_to_a_sync_not_applied_is_sent_again_once_proven(
    make_client: ClientFactory, emulator: Emulator, fault: Fault
) -> None:
    emulator.inject(fault, times=1)
    assert sync(make_client(reconcile=True)) == 204
    assert emulator.order(SEED.out_order_no).state == "DONE"
    assert mch_payments(emulator) == 1
    methods = [entry.method for entry in emulator.requests]
    assert methods == ["POST", "GET", "POST"]  # the re-send came only after the query


def test_done_by_other_means_shows_the_evidence(make_client: ClientFactory, emulator: Emulator) -> None:
    emulator.seed(done_otherwise())
    with pytest.raises(OrderAlreadyDoneError) as caught:
        sync(make_client(reconcile=True))
    assert not isinstance(caught.value, AlreadySyncedError)
    assert caught.value.evidence == "query"
    assert caught.value.order.collection.details[0].paid_type == "NEWTON"
    assert "NEWTON" in str(caught.value)
    assert mch_payments(emulator) == 0


def test_a_rerun_in_a_new_client_still_learns_its_own_sync(make_client: ClientFactory, emulator: Emulator) -> None:
    emulator.inject(Fault.apply_then_drop(), times=1)
    with pytest.raises(OutcomeUnknownError):
        sync(make_client())  # no reconciliation: the doubt is reported
    with pytest.raises(AlreadySyncedError) as caught:
        sync(make_client(reconcile=True))  # a new client (a new process) has no memory, the query has the evidence
    assert caught.value.evidence == "query"
    assert mch_payments(emulator) == 1


def test_a_query_that_cannot_complete_leaves_the_doubt(make_client: ClientFactory, emulator: Emulator) -> None:
    emulator.inject(Fault.drop_connection(), times=10)
    with pytest.raises(ReconciliationError) as caught:
        sync(make_client(reconcile=ReconcilePolicy(max_queries=2, deadline=10)))
    assert caught.value.outcome_unknown
    assert [entry.method for entry in emulator.requests] == ["POST", "GET", "GET"]


@pytest.mark.parametrize(
    ("seeded", "verdict"),
    [
        ({"state": "DOING"}, SyncVerdict.NOT_APPLIED),
        ({"state": "REVOKED", "state_description": None}, SyncVerdict.CANCELLED),
        ({"state": "EXPIRED", "state_description": None}, SyncVerdict.EXPIRED),
    ],
)
def test_reconcile_by_hand(
    client: WechatPayClient, emulator: Emulator, seeded: dict[str, Any], verdict: SyncVerdict
) -> None:
    emulator.seed(attrs.evolve(SEED, **seeded))
    result = reconcile_sync(client, SEED.out_order_no, seed_body())
    assert result.verdict is verdict
    assert result.request_id
    assert isinstance(result.order, ServiceOrder)
    assert [entry.method for entry in emulator.requests] == ["GET"]


def test_reconcile_by_hand_of_an_order_paid_through_pay_score(client: WechatPayClient, emulator: Emulator) -> None:
    emulator.seed(done_otherwise())
    result = reconcile_sync(client, SEED.out_order_no, seed_body())
    assert result.verdict is SyncVerdict.DONE_OTHERWISE and result.settled
    assert "NEWTON" in result.explanation


def test_reconcile_by_hand_after_our_sync(client: WechatPayClient, emulator: Emulator) -> None:
    assert sync(client) == 204
    result = reconcile_sync(client, SEED.out_order_no, seed_body())
    assert result.verdict is SyncVerdict.SYNCED_BY_THIS_REQUEST and result.settled
    other = seed_body()
    other.detail.paid_time = "20091225000000"
    assert reconcile_sync(client, SEED.out_order_no, other).verdict is SyncVerdict.DONE_OTHERWISE


def test_reconcile_by_hand_of_an_unknown_order(client: WechatPayClient) -> None:
    result = reconcile_sync(client, "NO_SUCH_ORDER", seed_body())
    assert result.verdict is SyncVerdict.NOT_FOUND and result.order is None


def test_cancelled_order_met_by_a_reconciled_sync(make_client: ClientFactory, emulator: Emulator) -> None:
    emulator.seed(attrs.evolve(SEED, state="REVOKED", state_description=None))
    with pytest.raises(OrderStateError):
        sync(make_client(reconcile=True))


@pytest.mark.anyio
async def test_async_reconciliation(make_client: ClientFactory, emulator: Emulator) -> None:
    client = make_client(reconcile=True)
    emulator.inject(Fault.apply_then_drop(), times=1)
    with pytest.raises(AlreadySyncedError) as caught:
        await sync_service_order.asyncio_detailed(SEED.out_order_no, client=client, body=seed_body())
    assert caught.value.evidence == "query"
    result = await reconcile_sync_async(client, SEED.out_order_no, seed_body())
    assert result.verdict is SyncVerdict.SYNCED_BY_THIS_REQUEST
    await client.aclose()


def test_the_generated_query_returns_the_verified_order(client: WechatPayClient, emulator: Emulator) -> None:
    emulator.seed(attrs.evolve(SEED, query_id="Q-1", attach="note"))
    by_number = query_service_order.sync_detailed(
        client=client,
        service_id=SEED.service_id,
        sub_mchid=SEED.sub_mchid,
        channel_id=SEED.channel_id or "",
        out_order_no=SEED.out_order_no,
    )
    by_query_id = query_service_order.sync(
        client=client,
        service_id=SEED.service_id,
        sub_mchid=SEED.sub_mchid,
        channel_id=SEED.channel_id or "",
        query_id="Q-1",
    )
    assert by_number.status_code == 200
    assert isinstance(by_number.parsed, ServiceOrder)
    assert by_number.parsed.state == "DOING" and by_number.parsed.state_description == "MCH_COMPLETE"
    assert isinstance(by_query_id, ServiceOrder) and by_query_id.attach == "note"


def test_a_query_for_an_unknown_order_is_order_not_found(client: WechatPayClient) -> None:
    with pytest.raises(OrderNotFoundError) as caught:
        query_service_order.sync_detailed(
            client=client,
            service_id=SEED.service_id,
            sub_mchid=SEED.sub_mchid,
            channel_id=SEED.channel_id or "",
            out_order_no="NO_SUCH_ORDER",
        )
    assert caught.value.not_found
