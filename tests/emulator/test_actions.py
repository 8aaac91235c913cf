"""The control routes that play what happens outside the API (confirm, pay, collect, lapse-deduction, the clock),
their Python twins, and faults aimed at one operation or at a create's order number."""

from __future__ import annotations

import math
import pickle
from typing import Any

import httpx
import pytest
from wechatpay_emulator import (
    ControlError,
    Deduction,
    Emulator,
    Fault,
    Order,
    StateConflictError,
    UnknownOrderError,
)

from tests.emulator.support import (
    FIXED_NOW,
    IDS,
    SEED,
    act,
    complete_body,
    create,
    create_body,
    query_order,
    sync,
    verify_response,
)

ACTIONS = ("confirm", "pay", "collect", "lapse-deduction")


def _order(**overrides: Any) -> Order:
    return Order(
        out_order_no="A1",
        service_id=IDS["service_id"],
        sub_mchid=IDS["sub_mchid"],
        channel_id=IDS["channel_id"],
        **overrides,
    )


# -- order actions over HTTP ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
def test_an_unknown_order_is_404(client: httpx.Client, action: str) -> None:
    response = client.post(f"/_emulator/orders/NOPE/{action}")
    assert response.status_code == 404
    assert "NOPE" in response.json()["error"]


@pytest.mark.parametrize("action", ACTIONS)
def test_a_forbidden_action_is_409_naming_the_state(emu: Emulator, client: httpx.Client, action: str) -> None:
    emu.seed(_order(state="REVOKED"))
    response = client.post(f"/_emulator/orders/A1/{action}")
    assert response.status_code == 409
    data = response.json()
    assert (data["state"], data["state_description"], data["code"]) == ("REVOKED", None, "ORDER_CANCELED")
    assert "REVOKED" in data["error"]
    assert emu.order("A1").state == "REVOKED"


@pytest.mark.parametrize(
    "body",
    [b"{", b"[]", b'{"mchid": 5}', b'{"other": "x"}', b"NaN"],
)
def test_a_malformed_action_body_is_400_and_changes_nothing(emu: Emulator, client: httpx.Client, body: bytes) -> None:
    emu.seed(_order(state="CREATED"))
    response = client.post("/_emulator/orders/A1/confirm", content=body)
    assert response.status_code == 400
    assert response.json()["error"]
    assert emu.order("A1").state == "CREATED"


def test_actions_on_another_merchants_order(emu: Emulator, client: httpx.Client) -> None:
    emu.seed(_order(state="CREATED", mchid="1900000999"))
    assert client.post("/_emulator/orders/A1/confirm").status_code == 404
    assert client.post("/_emulator/orders/A1/confirm?mchid=1900000999", json={"mchid": "1900000100"}).status_code == 400
    confirmed = client.post("/_emulator/orders/A1/confirm?mchid=1900000999")
    assert confirmed.status_code == 200
    assert (confirmed.json()["state"], confirmed.json()["mchid"]) == ("DOING", "1900000999")
    emu.seed(_order(state="CREATED", mchid="1900000999"))
    assert client.post("/_emulator/orders/A1/confirm", json={"mchid": "1900000999"}).status_code == 200


def test_each_action_answers_the_order_after_it(emu: Emulator, client: httpx.Client) -> None:
    emu.seed(_order(state="CREATED"))
    assert client.post("/_emulator/orders/A1/confirm").json()["state_description"] == "USER_CONFIRM"
    emu.seed(_order(deductions=(Deduction(out_trade_no="D1", registered_at=FIXED_NOW),)))
    lapsed = client.post("/_emulator/orders/A1/lapse-deduction").json()
    assert lapsed["deductions"] == [
        {"out_trade_no": "D1", "registered_at": FIXED_NOW, "expires_at": FIXED_NOW + 86400, "state": "LAPSED"}
    ]
    assert lapsed["state_description"] == "MCH_COMPLETE"
    paid = client.post("/_emulator/orders/A1/pay").json()
    assert (paid["state"], paid["collection"]["state"]) == ("DONE", "USER_PAID")
    assert paid["collection"]["details"][-1]["paid_type"] == "NEWTON"


# -- the Python twins -------------------------------------------------------------------------------------------------


def test_python_actions_and_their_errors(emu: Emulator) -> None:
    emu.seed(_order(state="CREATED"))
    assert emu.confirm("A1").state_description == "USER_CONFIRM"
    with pytest.raises(StateConflictError) as raised:
        emu.confirm("A1")
    assert (raised.value.state, raised.value.state_description) == ("DOING", "USER_CONFIRM")
    assert raised.value.code == "INVALID_ORDER_STATE"
    copied = pickle.loads(pickle.dumps(raised.value))  # noqa: S301 - our own object
    assert (type(copied), str(copied), copied.state) == (StateConflictError, str(raised.value), "DOING")
    with pytest.raises(UnknownOrderError):
        emu.pay("NOPE")
    emu.seed(_order())
    with pytest.raises(StateConflictError, match="扣款单"):
        emu.collect("A1")
    with pytest.raises(StateConflictError):
        emu.lapse_deduction("A1")
    emu.seed(_order(deductions=(Deduction(out_trade_no="D1", registered_at=FIXED_NOW),)))
    collected = emu.collect("A1")
    assert (collected.state, collected.deductions[0].state) == ("DONE", "USED")
    assert collected.collection is not None
    assert collected.collection.details[-1].paid_time == "20270115160000"
    assert [event.cause for event in emu.events] == ["USER_CONFIRM", "collect"]


def test_the_python_clock(emu: Emulator) -> None:
    assert emu.now == FIXED_NOW
    assert emu.advance_clock(1.5) == FIXED_NOW + 1
    assert emu.advance_clock(0.5) == FIXED_NOW + 2  # fractions add up
    for bad in (-1, math.nan, math.inf, "1", True):
        with pytest.raises(ControlError):
            emu.advance_clock(bad)  # type: ignore[arg-type]
    assert emu.now == FIXED_NOW + 2
    emu.reset()
    assert emu.now == FIXED_NOW


# -- the clock over HTTP ----------------------------------------------------------------------------------------------


def test_the_clock_route(client: httpx.Client) -> None:
    assert client.get("/_emulator/clock").json() == {
        "now": FIXED_NOW,
        "beijing_time": "20270115160000",
        "offset_seconds": 0.0,
    }
    advanced = client.post("/_emulator/clock", json={"advance_seconds": 3600})
    assert advanced.status_code == 200
    assert advanced.json() == {"now": FIXED_NOW + 3600, "beijing_time": "20270115170000", "offset_seconds": 3600.0}
    assert client.post("/_emulator/clock", json={"advance_seconds": 0}).json()["now"] == FIXED_NOW + 3600


@pytest.mark.parametrize(
    "body",
    [
        b'{"advance_seconds": -1}',
        b'{"advance_seconds": NaN}',
        b'{"advance_seconds": Infinity}',
        b'{"advance_seconds": 1e999}',
        b'{"advance_seconds": "60"}',
        b'{"advance_seconds": true}',
        b'{"advance_seconds": null}',
        b'{"advance_seconds": 1e12}',
        b'{"advance_seconds": 1, "x": 2}',
        b"{}",
        b"[60]",
        b"60",
        b"",
    ],
)
def test_bad_clock_input_is_400_and_changes_nothing(emu: Emulator, client: httpx.Client, body: bytes) -> None:
    response = client.post("/_emulator/clock", content=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]
    assert emu.now == FIXED_NOW


# -- faults aimed at an operation or at a create's number -------------------------------------------------------------


def test_a_fault_aimed_at_an_operation_spares_the_reconciling_query(emu: Emulator, client: httpx.Client) -> None:
    create(client, create_body("F1", need_user_confirm=False))
    emu.inject(Fault.apply_then_drop(), operation="completeServiceOrder")
    assert query_order(client, "F1").status_code == 200  # not the complete: the fault stays armed
    with pytest.raises(httpx.RemoteProtocolError):
        act(client, "F1", "complete", complete_body())
    assert emu.faults == []
    # The reconciling query sees the complete applied.
    assert query_order(client, "F1").json()["state_description"] == "MCH_COMPLETE"


def test_faults_by_operation_over_http(emu: Emulator, client: httpx.Client) -> None:
    created = client.post(
        "/_emulator/faults", json={"kind": "system_error", "operation": "syncServiceOrder", "times": None}
    )
    assert created.status_code == 201
    (listed,) = client.get("/_emulator/faults").json()["faults"]
    assert (listed["operation"], listed["out_order_no"], listed["times"]) == ("syncServiceOrder", None, None)
    assert query_order(client, SEED).status_code == 200
    assert sync(client).status_code == 500
    assert sync(client).status_code == 500
    for bad in ({"kind": "system_error", "operation": "nope"}, {"kind": "system_error", "operation": 5}):
        assert client.post("/_emulator/faults", json=bad).status_code == 400
    with pytest.raises(ControlError, match="operation"):
        emu.inject(Fault.system_error(), operation="syncServiceorder")


def test_a_fault_aimed_at_a_number_fires_on_its_create(emu: Emulator, client: httpx.Client) -> None:
    client.post("/_emulator/faults", json={"kind": "system_error", "out_order_no": "NEW1"})
    other = create(client, create_body("NEW2"))
    assert other.status_code == 200  # another number: no fault
    refused = create(client, create_body("NEW1"))
    assert (refused.status_code, refused.json()["code"]) == (500, "SYSTEM_ERROR")
    assert verify_response(refused)
    with pytest.raises(UnknownOrderError):
        emu.order("NEW1")  # a system_error applies nothing
    emu.inject(Fault.apply_then_500(), out_order_no="NEW1", operation="createServiceOrder")
    assert create(client, create_body("NEW1")).status_code == 500
    assert emu.order("NEW1").state == "CREATED"  # applied, then the answer was lost
    assert create(client, create_body("NEW1")).status_code == 200  # the re-entry settles it


def test_a_create_whose_body_is_not_json_takes_only_untargeted_faults(emu: Emulator, client: httpx.Client) -> None:
    from tests.emulator.support import BASE, post

    emu.inject(Fault.system_error(), out_order_no="NEW1")
    response = post(client, BASE, b"{not json")
    assert (response.status_code, response.json()["code"]) == (400, "PARAM_ERROR")
    assert len(emu.faults) == 1
