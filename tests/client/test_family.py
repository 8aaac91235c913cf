"""The whole life of a service order through the generated functions and the ready client, against the emulator.

Every call goes through the one pipeline; the emulator's own state is the judge of each outcome. With
`reconcile=True`, a call whose answer is lost ends definitive: re-entrant calls (create, cancel,
registerdeductinfo) by re-sending the identical body, the others by a verified query.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from wechatpay_emulator import Emulator, Fault
from wechatpay_payscore.api.payscore import (
    cancel_service_order,
    complete_service_order,
    create_service_order,
    modify_service_order,
    query_deduct_info,
    query_service_order,
    register_deduct_info,
    sync_service_order,
)
from wechatpay_payscore.models import (
    CancelServiceOrderRequest,
    CompleteServiceOrderRequest,
    CreatedServiceOrder,
    CreateServiceOrderRequest,
    Deduction,
    ModifyServiceOrderRequest,
    RegisterDeductInfoRequest,
    RegisteredDeduction,
    ServiceOrder,
    ServiceOrderCollection,
    SyncServiceOrderRequest,
)
from wechatpay_payscore_client import (
    AlreadyAppliedError,
    AlreadySyncedError,
    BadRequestError,
    NotAppliedError,
    OrderAlreadyCancelledError,
    OrderNotFoundError,
    OrderStateError,
    PermissionDeniedError,
    ReconcilePolicy,
    RequestValidationError,
    Verdict,
    WechatPayClient,
)

from .conftest import SEED, ClientFactory

assert SEED.channel_id is not None
IDS: dict[str, str] = {"service_id": SEED.service_id, "sub_mchid": SEED.sub_mchid, "channel_id": SEED.channel_id}
APPID = "wxd678efh567hg6787"


def create_body(number: str, *, confirm: bool = True, **changes: Any) -> CreateServiceOrderRequest:
    fields: dict[str, Any] = {
        **IDS,
        "appid": APPID,
        "out_order_no": number,
        "service_introduction": "某某酒店",
        "post_payments": [{"name": "就餐费用", "amount": 40000, "count": 4}],
        "risk_fund": {"name": "DEPOSIT", "amount": 80000},
        "time_range": {"start_time": "OnAccept"},
        "need_user_confirm": confirm,
        "notify_url": "https://api.test.com/notify",
    }
    fields.update(changes)
    return CreateServiceOrderRequest.from_dict(fields)


def complete_body(total: int = 39900, discount: int = 100) -> CompleteServiceOrderRequest:
    return CompleteServiceOrderRequest.from_dict(
        {
            **IDS,
            "post_payments": [{"name": "就餐费用", "amount": total + discount, "count": 4}],
            "post_discounts": [{"name": "满20减1元", "description": "不与其他优惠叠加", "amount": discount}],
            "total_amount": total,
        }
    )


def modify_body(total: int) -> ModifyServiceOrderRequest:
    return ModifyServiceOrderRequest.from_dict(
        {**IDS, "post_payments": [{"name": "就餐费用", "amount": total}], "total_amount": total, "reason": "用户投诉"}
    )


def register_body(trade: str) -> RegisterDeductInfoRequest:
    return RegisterDeductInfoRequest.from_dict({**IDS, "appid": APPID, "out_trade_no": trade})


def cancel_body(reason: str = "用户取消") -> CancelServiceOrderRequest:
    return CancelServiceOrderRequest.from_dict({**IDS, "reason": reason})


def sync_body(paid_time: str = "20241225091210") -> SyncServiceOrderRequest:
    return SyncServiceOrderRequest.from_dict({**IDS, "type": "Order_Paid", "detail": {"paid_time": paid_time}})


def query(client: WechatPayClient, number: str) -> ServiceOrder:
    answer = query_service_order.sync(client=client, out_order_no=number, **IDS)
    assert isinstance(answer, ServiceOrder)
    return answer


def completed(client: WechatPayClient, emulator: Emulator, number: str, total: int = 39900) -> None:
    """An order created, confirmed by its user and completed: DOING / MCH_COMPLETE, awaiting payment."""
    create_service_order.sync(client=client, body=create_body(number))
    emulator.confirm(number)
    complete_service_order.sync_detailed(number, client=client, body=complete_body(total))


def test_a_life_created_confirmed_completed_lowered_registered_and_collected(
    client: WechatPayClient, emulator: Emulator
) -> None:
    created = create_service_order.sync(client=client, body=create_body("LIFE-1"))
    assert isinstance(created, CreatedServiceOrder)
    assert (created.state, created.out_order_no) == ("CREATED", "LIFE-1")
    assert created.package
    assert emulator.confirm("LIFE-1").state == "DOING"
    assert complete_service_order.sync_detailed("LIFE-1", client=client, body=complete_body()).status_code == 204
    after = query(client, "LIFE-1")
    assert (after.state, after.state_description, after.total_amount) == ("DOING", "MCH_COMPLETE", 39900)
    assert modify_service_order.sync_detailed("LIFE-1", client=client, body=modify_body(30000)).status_code == 204
    assert query(client, "LIFE-1").total_amount == 30000
    registered = register_deduct_info.sync("LIFE-1", client=client, body=register_body("DEDUCT-1"))
    assert isinstance(registered, RegisteredDeduction)
    deduction = query_deduct_info.sync(client=client, appid=APPID, out_order_no="LIFE-1", **IDS)
    assert isinstance(deduction, Deduction)
    assert deduction.out_trade_no == "DEDUCT-1"
    emulator.collect("LIFE-1")
    paid = query(client, "LIFE-1")
    assert paid.state == "DONE"
    assert isinstance(paid.collection, ServiceOrderCollection)
    assert paid.collection.state == "USER_PAID"


def test_a_life_through_the_async_functions_ends_synced(client: WechatPayClient, emulator: Emulator) -> None:
    async def life() -> None:
        async with client:
            await create_service_order.asyncio(client=client, body=create_body("ASYNC-1"))
            emulator.confirm("ASYNC-1")
            done = await complete_service_order.asyncio_detailed("ASYNC-1", client=client, body=complete_body())
            assert done.status_code == 204
            synced = await sync_service_order.asyncio_detailed("ASYNC-1", client=client, body=sync_body())
            assert synced.status_code == 204
            order = await query_service_order.asyncio(client=client, out_order_no="ASYNC-1", **IDS)
            assert isinstance(order, ServiceOrder)
            assert order.state == "DONE"

    asyncio.run(life())
    collection = emulator.order("ASYNC-1").collection
    assert collection is not None
    assert [detail.paid_type for detail in collection.details] == ["MCH"]


def test_a_cancel_is_re_entrant_and_an_identical_re_send_succeeds(client: WechatPayClient, emulator: Emulator) -> None:
    create_service_order.sync(client=client, body=create_body("CANCEL-1"))
    assert cancel_service_order.sync_detailed("CANCEL-1", client=client, body=cancel_body()).status_code == 204
    assert cancel_service_order.sync_detailed("CANCEL-1", client=client, body=cancel_body()).status_code == 204
    assert emulator.order("CANCEL-1").state == "REVOKED"
    with pytest.raises(BadRequestError, match="re-send exactly the first body") as caught:
        cancel_service_order.sync_detailed("CANCEL-1", client=client, body=cancel_body("另一个原因"))
    assert caught.value.code == "INVALID_REQUEST"


def test_a_create_re_sent_identically_answers_the_same_order(client: WechatPayClient) -> None:
    first = create_service_order.sync(client=client, body=create_body("AGAIN-1"))
    second = create_service_order.sync(client=client, body=create_body("AGAIN-1"))
    assert isinstance(first, CreatedServiceOrder) and isinstance(second, CreatedServiceOrder)
    assert first.order_id == second.order_id
    with pytest.raises(BadRequestError, match="re-send exactly the first body"):
        create_service_order.sync(client=client, body=create_body("AGAIN-1", service_introduction="另一家酒店"))


# -- what each kind of call does when its answer is lost ----------------------------------------------------------


def test_a_lost_create_is_re_sent_identically(make_client: ClientFactory, emulator: Emulator) -> None:
    client = make_client(reconcile=True)
    emulator.inject(Fault.apply_then_drop(), out_order_no="LOST-CREATE", operation="createServiceOrder")
    created = create_service_order.sync(client=client, body=create_body("LOST-CREATE"))
    assert isinstance(created, CreatedServiceOrder)
    assert created.state == "CREATED"
    creates = [e for e in emulator.events if e.out_order_no == "LOST-CREATE"]
    assert len(creates) == 1  # created once, answered twice


def test_a_lost_cancel_is_re_sent_identically(make_client: ClientFactory, emulator: Emulator) -> None:
    client = make_client(reconcile=True)
    create_service_order.sync(client=client, body=create_body("LOST-CANCEL"))
    emulator.inject(Fault.apply_then_drop(), out_order_no="LOST-CANCEL", operation="cancelServiceOrder")
    assert cancel_service_order.sync_detailed("LOST-CANCEL", client=client, body=cancel_body()).status_code == 204
    assert emulator.order("LOST-CANCEL").state == "REVOKED"


def test_a_lost_complete_is_settled_by_a_query_that_shows_our_amount(
    make_client: ClientFactory, emulator: Emulator
) -> None:
    client = make_client(reconcile=True)
    create_service_order.sync(client=client, body=create_body("LOST-COMPLETE"))
    emulator.confirm("LOST-COMPLETE")
    emulator.inject(Fault.apply_then_drop(), out_order_no="LOST-COMPLETE", operation="completeServiceOrder")
    with pytest.raises(AlreadyAppliedError) as caught:
        complete_service_order.sync_detailed("LOST-COMPLETE", client=client, body=complete_body())
    assert caught.value.evidence == "query"
    assert caught.value.already_done and not caught.value.outcome_unknown
    assert isinstance(caught.value.order, ServiceOrder)
    assert caught.value.order.total_amount == 39900
    completes = [e for e in emulator.events if e.out_order_no == "LOST-COMPLETE" and e.cause == "complete"]
    assert len(completes) == 1


def test_a_complete_whose_request_never_arrived_is_sent_again_after_the_query(
    make_client: ClientFactory, emulator: Emulator
) -> None:
    client = make_client(reconcile=True)
    create_service_order.sync(client=client, body=create_body("DROPPED-COMPLETE"))
    emulator.confirm("DROPPED-COMPLETE")
    emulator.inject(Fault.drop_connection(), out_order_no="DROPPED-COMPLETE", operation="completeServiceOrder")
    response = complete_service_order.sync_detailed("DROPPED-COMPLETE", client=client, body=complete_body())
    assert response.status_code == 204
    order = emulator.order("DROPPED-COMPLETE")
    assert (order.state_description, order.total_amount) == ("MCH_COMPLETE", 39900)


def test_a_lost_modify_is_settled_by_the_new_amount(make_client: ClientFactory, emulator: Emulator) -> None:
    client = make_client(reconcile=True)
    completed(client, emulator, "LOST-MODIFY")
    emulator.inject(Fault.apply_then_500(), out_order_no="LOST-MODIFY", operation="modifyServiceOrder")
    with pytest.raises(AlreadyAppliedError) as caught:
        modify_service_order.sync_detailed("LOST-MODIFY", client=client, body=modify_body(20000))
    assert caught.value.evidence == "query"
    assert emulator.order("LOST-MODIFY").total_amount == 20000


def test_a_lost_registration_is_re_sent_within_its_validity(make_client: ClientFactory, emulator: Emulator) -> None:
    client = make_client(reconcile=True)
    completed(client, emulator, "LOST-REGISTER")
    emulator.inject(Fault.apply_then_drop(), out_order_no="LOST-REGISTER", operation="registerDeductInfo")
    registered = register_deduct_info.sync("LOST-REGISTER", client=client, body=register_body("DEDUCT-LOST"))
    assert isinstance(registered, RegisteredDeduction)
    deduction = query_deduct_info.sync(client=client, appid=APPID, out_order_no="LOST-REGISTER", **IDS)
    assert isinstance(deduction, Deduction) and deduction.out_trade_no == "DEDUCT-LOST"


def test_a_lost_sync_is_still_the_sync_it_always_was(make_client: ClientFactory, emulator: Emulator) -> None:
    client = make_client(reconcile=True)
    completed(client, emulator, "LOST-SYNC")
    emulator.inject(Fault.apply_then_drop(), out_order_no="LOST-SYNC", operation="syncServiceOrder")
    with pytest.raises(AlreadySyncedError) as caught:
        sync_service_order.sync_detailed("LOST-SYNC", client=client, body=sync_body())
    assert caught.value.evidence == "query"


def test_a_fault_meant_for_the_call_never_fires_on_its_reconciling_query(
    make_client: ClientFactory, emulator: Emulator
) -> None:
    client = make_client(reconcile=True)
    completed(client, emulator, "TARGETED")
    emulator.inject(Fault.apply_then_drop(), times=None, out_order_no="TARGETED", operation="modifyServiceOrder")
    with pytest.raises(AlreadyAppliedError):
        modify_service_order.sync_detailed("TARGETED", client=client, body=modify_body(10000))


# -- refusals that say what to fix ---------------------------------------------------------------------------------


def test_a_complete_before_the_user_confirmed_is_refused_by_state(client: WechatPayClient) -> None:
    create_service_order.sync(client=client, body=create_body("EARLY"))
    with pytest.raises(OrderStateError) as caught:
        complete_service_order.sync_detailed("EARLY", client=client, body=complete_body())
    assert caught.value.code == "INVALID_ORDER_STATE"
    assert not caught.value.outcome_unknown and not caught.value.already_done


def test_an_effective_deduction_blocks_cancel_modify_and_sync_with_a_message_that_says_so(
    client: WechatPayClient, emulator: Emulator
) -> None:
    completed(client, emulator, "BLOCKED")
    register_deduct_info.sync("BLOCKED", client=client, body=register_body("DEDUCT-B"))
    calls: list[Callable[[], object]] = [
        lambda: cancel_service_order.sync_detailed("BLOCKED", client=client, body=cancel_body()),
        lambda: modify_service_order.sync_detailed("BLOCKED", client=client, body=modify_body(100)),
        lambda: sync_service_order.sync_detailed("BLOCKED", client=client, body=sync_body()),
    ]
    for call in calls:
        with pytest.raises(OrderStateError, match="扣款单") as caught:
            call()
        assert "24 hours" in str(caught.value)
    emulator.lapse_deduction("BLOCKED")
    assert sync_service_order.sync_detailed("BLOCKED", client=client, body=sync_body()).status_code == 204


def test_ids_that_differ_from_the_order_are_no_auth_with_the_ids_named(client: WechatPayClient) -> None:
    create_service_order.sync(client=client, body=create_body("OTHER-IDS"))
    other = CancelServiceOrderRequest.from_dict({**IDS, "channel_id": "1230000999", "reason": "x"})
    with pytest.raises(PermissionDeniedError, match=r"sent service_id=.*channel_id=1230000999") as caught:
        cancel_service_order.sync_detailed("OTHER-IDS", client=client, body=other)
    assert caught.value.code == "NO_AUTH"


@pytest.mark.parametrize("reconcile", [False, True], ids=["answer", "reconciled"])
def test_a_cancel_of_an_expired_order_is_already_there(
    make_client: ClientFactory, emulator: Emulator, reconcile: bool
) -> None:
    client = make_client(reconcile=reconcile)
    create_service_order.sync(client=client, body=create_body("OLD"))
    emulator.advance_clock(31 * 24 * 3600)
    assert emulator.order("OLD").state == "EXPIRED"
    # The same class whether the answer alone or a query decides: the order will not be charged.
    with pytest.raises(OrderAlreadyCancelledError) as caught:
        cancel_service_order.sync_detailed("OLD", client=client, body=cancel_body())
    assert caught.value.already_done
    assert caught.value.evidence == ("query" if reconcile else None)


# -- refused before anything is sent -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (lambda: complete_body(total=39900, discount=100).to_dict() | {"total_amount": 40000}, "/total_amount"),
        (
            lambda: (
                complete_body().to_dict()
                | {"post_discounts": [{"name": "a", "description": "d", "amount": 1}] * 2, "total_amount": 39998}
            ),
            "/post_discounts/1/name",
        ),
    ],
    ids=["sum", "unique"],
)
def test_the_contract_rules_across_fields_refuse_before_sending(
    client: WechatPayClient, emulator: Emulator, body: Any, field: str
) -> None:
    with pytest.raises(RequestValidationError) as caught:
        complete_service_order.sync_detailed(
            "NEVER-SENT", client=client, body=CompleteServiceOrderRequest.from_dict(body())
        )
    assert [problem.field for problem in caught.value.problems] == [field]
    assert emulator.requests == []


def test_a_sync_that_would_reconcile_without_the_query_s_channel_id_is_refused_unsent(
    make_client: ClientFactory, emulator: Emulator
) -> None:
    body = SyncServiceOrderRequest.from_dict(
        {
            "service_id": SEED.service_id,
            "sub_mchid": SEED.sub_mchid,
            "type": "Order_Paid",
            "detail": {"paid_time": "20241225"},
        }
    )
    with pytest.raises(RequestValidationError, match="channel_id"):
        sync_service_order.sync_detailed(SEED.out_order_no, client=make_client(reconcile=True), body=body)
    assert emulator.requests == []
    # Without reconciliation the call is the caller's to settle, and goes out.
    assert sync_service_order.sync_detailed(SEED.out_order_no, client=make_client(), body=body).status_code == 204


# -- reconciliation by hand ---------------------------------------------------------------------------------------


def test_reconcile_by_hand_tells_applied_from_not_applied(client: WechatPayClient, emulator: Emulator) -> None:
    create_service_order.sync(client=client, body=create_body("BY-HAND"))
    emulator.confirm("BY-HAND")
    before = client.reconcile("completeServiceOrder", complete_body(), out_order_no="BY-HAND")
    assert before.verdict is Verdict.NOT_APPLIED
    complete_service_order.sync_detailed("BY-HAND", client=client, body=complete_body())
    after = client.reconcile("completeServiceOrder", complete_body(), out_order_no="BY-HAND")
    assert after.verdict is Verdict.APPLIED and after.settled
    other = client.reconcile("completeServiceOrder", complete_body(total=100, discount=0), out_order_no="BY-HAND")
    assert other.verdict is Verdict.ALREADY_THERE
    registered = client.reconcile("registerDeductInfo", register_body("NOPE"), out_order_no="BY-HAND")
    assert registered.verdict is Verdict.NOT_APPLIED  # no deduction registered: 404 on the deduction query
    created = client.reconcile("createServiceOrder", create_body("BY-HAND"))
    assert created.verdict is Verdict.APPLIED
    taken = client.reconcile("createServiceOrder", create_body("BY-HAND", service_introduction="另一家酒店"))
    assert taken.verdict is Verdict.SUPERSEDED  # the number holds an order of other parameters
    missing = client.reconcile("createServiceOrder", create_body("NEVER-CREATED"))
    assert missing.verdict is Verdict.NOT_APPLIED


def test_reconcile_by_hand_refuses_an_operation_that_changes_nothing(client: WechatPayClient) -> None:
    with pytest.raises(RequestValidationError, match="operation"):
        client.reconcile("queryServiceOrder", {}, out_order_no="X")


def test_a_call_proved_not_applied_carries_the_query_as_evidence(
    make_client: ClientFactory, emulator: Emulator
) -> None:
    client = make_client(reconcile=ReconcilePolicy(max_resends=0))
    create_service_order.sync(client=client, body=create_body("PROVED"))
    emulator.confirm("PROVED")
    emulator.inject(Fault.system_error(), operation="completeServiceOrder")
    with pytest.raises(NotAppliedError) as caught:
        complete_service_order.sync_detailed("PROVED", client=client, body=complete_body())
    assert caught.value.evidence == "query"
    assert caught.value.request_id is not None
    assert isinstance(caught.value.order, ServiceOrder)
    assert caught.value.order.state_description == "USER_CONFIRM"
    assert "settled by a verified query" in str(caught.value)


def test_a_re_entrant_call_refused_on_its_identical_re_send_is_refused_not_applied(
    make_client: ClientFactory, emulator: Emulator
) -> None:
    client = make_client(reconcile=True)
    create_service_order.sync(client=client, body=create_body("TAKEN"))
    emulator.inject(Fault.system_error(), out_order_no="TAKEN", operation="createServiceOrder")
    # The identical re-send is answered as the number is: taken by other parameters. A definitive refusal.
    with pytest.raises(BadRequestError) as caught:
        create_service_order.sync(client=client, body=create_body("TAKEN", confirm=False))
    assert caught.value.code == "INVALID_REQUEST" and not caught.value.outcome_unknown
    assert "create under a new order number" in str(caught.value)


def test_the_deduction_hint_is_given_only_where_a_deduction_blocks(client: WechatPayClient) -> None:
    create_service_order.sync(client=client, body=create_body("NOT-YET"))
    with pytest.raises(OrderStateError) as caught:
        complete_service_order.sync_detailed("NOT-YET", client=client, body=complete_body())
    assert "扣款单" not in str(caught.value)


def test_a_deduction_query_without_a_deduction_says_so(client: WechatPayClient, emulator: Emulator) -> None:
    completed(client, emulator, "NO-DEDUCTION")
    with pytest.raises(OrderNotFoundError, match="no deduction is registered for this order"):
        query_deduct_info.sync(client=client, appid=APPID, out_order_no="NO-DEDUCTION", **IDS)
