"""The lifecycle table, cell by cell, through the real server: each operation on an order in each state.

The expected grid is written here from the protocol (acquiringbank-family §1.1 and the contract's "life of an
order"), independently of the emulator's own table, so that a wrong cell there fails here.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from wechatpay_emulator import Deduction, Emulator, Order
from wechatpay_emulator._lifecycle import COLUMNS, TABLE

from tests.emulator.support import (
    FIXED_NOW,
    IDS,
    act,
    cancel_body,
    complete_body,
    modify_body,
    query_deduction,
    query_order,
    register_body,
    sync_body,
    verify_response,
)

NO = "T1"
# The state columns: (state, state_description) as seeded.
STATES: dict[str, tuple[str, str | None]] = {
    "CREATED": ("CREATED", None),
    "USER_CONFIRM": ("DOING", "USER_CONFIRM"),
    "MCH_COMPLETE": ("DOING", "MCH_COMPLETE"),
    "DOING": ("DOING", None),
    "DONE": ("DONE", None),
    "REVOKED": ("REVOKED", None),
    "EXPIRED": ("EXPIRED", None),
}
COLS = tuple(STATES)

OK = "ok"
IOS = (400, "INVALID_ORDER_STATE")
PAID = (400, "ORDER_DONE")
GONE = (400, "ORDER_CANCELED")
NONE = (404, "ORDER_NOT_EXIST")
NO_GO = (409, None)  # a control action the state forbids
# Allowed, and where the order is after it (SAME: where it was).
SAME = (OK, None)
TO_UC = (OK, "USER_CONFIRM")
TO_MC = (OK, "MCH_COMPLETE")
TO_DONE = (OK, "DONE")
TO_REVOKED = (OK, "REVOKED")

Expected = tuple[str, str | None] | tuple[int, str | None]

# fmt: off
GRID: dict[str, tuple[Expected, ...]] = {
    #                      CREATED     USER_CONFIRM MCH_COMPLETE DOING       DONE     REVOKED     EXPIRED
    "cancel":             (TO_REVOKED, TO_REVOKED,  TO_REVOKED,  TO_REVOKED, PAID,    SAME,       GONE),
    "complete":           (IOS,        TO_MC,       IOS,         IOS,        PAID,    GONE,       GONE),
    "modify":             (IOS,        IOS,         SAME,        IOS,        PAID,    GONE,       GONE),
    "registerdeductinfo": (IOS,        IOS,         SAME,        IOS,        PAID,    GONE,       GONE),
    "sync":               (IOS,        IOS,         TO_DONE,     IOS,        PAID,    GONE,       GONE),
    "deduction":          (NONE,       NONE,        SAME,        NONE,       SAME,    NONE,       NONE),
    "query":              (SAME,       SAME,        SAME,        SAME,       SAME,    SAME,       SAME),
    "confirm":            (TO_UC,      NO_GO,       NO_GO,       NO_GO,      NO_GO,   NO_GO,      NO_GO),
    "pay":                (NO_GO,      NO_GO,       TO_DONE,     NO_GO,      NO_GO,   NO_GO,      NO_GO),
    # No effective deduction in these orders: nothing to collect or to close, whatever the state.
    "collect":            (NO_GO,      NO_GO,       NO_GO,       NO_GO,      NO_GO,   NO_GO,      NO_GO),
    "lapse-deduction":    (NO_GO,      NO_GO,       NO_GO,       NO_GO,      NO_GO,   NO_GO,      NO_GO),
}
# fmt: on
CASES = [(operation, column, row[index]) for operation, row in GRID.items() for index, column in enumerate(COLS)]


LAPSED = Deduction(out_trade_no="D-OLD", registered_at=FIXED_NOW - 100_000, state="LAPSED")


def seeded(column: str, *deductions: Deduction) -> Order:
    """An order in `column`, with a lapsed deduction on record (shown by the deduction query where it may be)."""
    state, description = STATES[column]
    return Order(
        out_order_no=NO,
        service_id=IDS["service_id"],
        sub_mchid=IDS["sub_mchid"],
        channel_id=IDS["channel_id"],
        state=state,
        state_description=description,
        cancel_reason="用户投诉" if state == "REVOKED" else None,
        deductions=(LAPSED, *deductions),
    )


def label(order: dict[str, Any] | Order) -> str:
    state, description = (order.state, order.state_description) if isinstance(order, Order) else (order["state"], None)
    if isinstance(order, dict) and order["state"] == "DOING":
        description = order.get("state_description")
    return description if state == "DOING" and description else state


def send(client: httpx.Client, operation: str) -> httpx.Response:
    requests: dict[str, Any] = {
        "cancel": lambda: act(client, NO, "cancel", cancel_body()),
        "complete": lambda: act(
            client,
            NO,
            "complete",
            complete_body(post_payments=[{"name": "x", "amount": 100}], post_discounts=..., total_amount=100),
        ),
        "modify": lambda: act(client, NO, "modify", modify_body(total=100)),
        "registerdeductinfo": lambda: act(client, NO, "registerdeductinfo", register_body()),
        "sync": lambda: act(client, NO, "sync", sync_body()),
        "deduction": lambda: query_deduction(client, NO),
        "query": lambda: query_order(client, NO),
    }
    if operation in requests:
        response: httpx.Response = requests[operation]()
        return response
    return client.post(f"/_emulator/orders/{NO}/{operation}")


@pytest.mark.parametrize(("operation", "column", "expected"), CASES, ids=[f"{o}-{c}" for o, c, _ in CASES])
def test_each_operation_in_each_state(
    emu: Emulator, client: httpx.Client, operation: str, column: str, expected: Expected
) -> None:
    before = emu.seed(seeded(column))[0]
    events_before = len(emu.events)
    response = send(client, operation)
    after = emu.order(NO)
    control = operation in {"confirm", "pay", "collect", "lapse-deduction"}
    if not control:
        assert verify_response(response)
    if expected[0] == OK:
        assert response.status_code in {200, 204}, response.text
        assert label(after) == (expected[1] or column)
        if control:
            assert label(response.json()) == expected[1]
        return
    status, code = expected
    assert response.status_code == status, response.text
    if control:
        data = response.json()
        assert (data["state"], data["state_description"]) == STATES[column]
        assert "/".join(part for part in STATES[column] if part) in data["error"]  # the error names the state
    else:
        assert response.json()["code"] == code
    assert after == before  # a refusal changes nothing
    assert len(emu.events) == events_before


def test_the_table_covers_every_operation_of_the_contract_in_every_state(emu: Emulator) -> None:
    from wechatpay_emulator._validation import load_contract

    assert load_contract().operation_ids <= set(TABLE)
    assert {"confirm", "pay", "collect", "lapse-deduction", "expire"} <= set(TABLE)
    for row in TABLE.values():
        assert tuple(row) == COLUMNS


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        ("cancel", IOS),
        ("modify", IOS),
        ("sync", IOS),
        ("complete", IOS),
        ("registerdeductinfo", SAME),
        ("deduction", SAME),
        ("collect", TO_DONE),
        ("pay", TO_DONE),
        ("lapse-deduction", SAME),
    ],
)
def test_an_effective_deduction_blocks_cancel_modify_and_sync(
    emu: Emulator, client: httpx.Client, operation: str, expected: Expected
) -> None:
    before = emu.seed(seeded("MCH_COMPLETE", Deduction(out_trade_no="DEDUCT0001", registered_at=FIXED_NOW - 60)))[0]
    response = send(client, operation)
    if expected[0] == OK:
        assert response.status_code in {200, 204}, response.text
        assert label(emu.order(NO)) == (expected[1] or "MCH_COMPLETE")
        return
    assert (response.status_code, response.json()["code"]) == expected
    message = response.json()["message"]
    if operation != "complete":  # complete is refused by the state, not by the deduction
        assert "扣款单" in message
        assert "DEDUCT0001" in message
        assert "24" in message
        assert "清算机构" in message
    assert emu.order(NO) == before
