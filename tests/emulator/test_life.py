"""The whole life of a service order over a real loopback socket: create, confirm, complete, modify, register a
deduction, collect / pay / sync, cancel, expire — with the re-entry rules, the deduction's 24 hours, the ids."""

from __future__ import annotations

import datetime
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from wechatpay_emulator import Emulator, Order, demo

from tests.emulator.support import (
    APPID,
    BASE,
    FIXED_NOW,
    IDS,
    ROOT,
    act,
    cancel_body,
    compact,
    complete_body,
    create,
    create_body,
    modify_body,
    post,
    query_deduction,
    query_order,
    register_body,
    sync_body,
    verify_response,
)

DAY = 24 * 3600
NO = "LIFE-1"


def schema(name: str) -> Draft202012Validator:
    spec = yaml.safe_load((ROOT / "openapi" / "payscore-acquiringbank.yaml").read_text(encoding="utf-8"))
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": spec["components"]})


def beijing(unix: int) -> str:
    return datetime.datetime.fromtimestamp(unix, datetime.timezone(datetime.timedelta(hours=8))).strftime(
        "%Y%m%d%H%M%S"
    )


def advance(client: httpx.Client, seconds: float) -> dict[str, Any]:
    response = client.post("/_emulator/clock", json={"advance_seconds": seconds})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def completed(client: httpx.Client, no: str = NO, **complete: Any) -> None:
    """Create (confirmation first), confirm, complete: the order awaits payment."""
    assert create(client, create_body(no)).status_code == 200
    assert client.post(f"/_emulator/orders/{no}/confirm").status_code == 200
    response = act(client, no, "complete", complete_body(**complete))
    assert response.status_code == 204, response.text


# -- create -----------------------------------------------------------------------------------------------------------


def test_create_with_confirmation_starts_created(emu: Emulator, client: httpx.Client) -> None:
    response = create(client, create_body(NO))
    assert response.status_code == 200, response.text
    assert verify_response(response)
    order = response.json()
    schema("CreatedServiceOrder").validate(order)
    assert (order["state"], order["out_order_no"], order["mchid"]) == ("CREATED", NO, demo.DEMO_MCHID)
    assert "state_description" not in order
    assert "collection" not in order  # none until the merchant completes
    assert "total_amount" not in order
    assert order["package"] and order["order_id"]
    assert order["risk_fund"] == create_body(NO)["risk_fund"]
    assert order["post_payments"] == create_body(NO)["post_payments"]
    # The query answers the same order, without `package`.
    queried = query_order(client, NO).json()
    assert queried == {key: value for key, value in order.items() if key != "package"}
    stored = emu.order(NO)
    assert (stored.created_at, stored.updated_at) == (FIXED_NOW, FIXED_NOW)
    assert [(e.cause, e.from_state, e.to_state) for e in emu.events] == [("create", None, "CREATED")]


@pytest.mark.parametrize("confirm", [False, ...])
def test_create_without_confirmation_starts_doing(emu: Emulator, client: httpx.Client, confirm: Any) -> None:
    response = create(client, create_body(NO, need_user_confirm=confirm))
    order = response.json()
    assert (order["state"], order["state_description"]) == ("DOING", "USER_CONFIRM")
    assert "collection" not in order
    (event,) = emu.events
    assert (event.to_state, event.to_state_description) == ("DOING", "USER_CONFIRM")


def test_an_identical_create_is_reentrant_and_answers_the_order_as_it_is(emu: Emulator, client: httpx.Client) -> None:
    first = create(client, create_body(NO)).json()
    again = create(client, create_body(NO))
    assert again.status_code == 200
    assert again.json() == first
    # The same parameters in another key order and spacing are the same parameters.
    reordered = b'{"out_order_no": "LIFE-1", ' + compact(create_body(NO))[1:].replace(b'"out_order_no":"LIFE-1",', b"")
    assert post(client, BASE, reordered).json() == first
    # After the user confirmed, the re-sent create answers the order as it is now, and changes nothing.
    assert client.post(f"/_emulator/orders/{NO}/confirm").status_code == 200
    later = create(client, create_body(NO)).json()
    assert (later["state"], later["state_description"], later["package"]) == ("DOING", "USER_CONFIRM", first["package"])
    assert [event.cause for event in emu.events] == ["create", "USER_CONFIRM"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"attach": "x"},
        {"service_introduction": "别的服务"},
        {"need_user_confirm": False},
        {"risk_fund": {"name": "DEPOSIT", "amount": 80001}},
        {"post_payments": ...},
    ],
)
def test_the_same_number_with_other_parameters_is_invalid_request(
    emu: Emulator, client: httpx.Client, overrides: dict[str, Any]
) -> None:
    create(client, create_body(NO))
    before = emu.order(NO)
    response = create(client, create_body(NO, **overrides))
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_REQUEST")
    assert response.json()["message"] == "请确认相同单号是否使用了不同的参数"
    assert verify_response(response)
    assert emu.order(NO) == before


def test_a_seeded_orders_number_cannot_be_created_again(client: httpx.Client) -> None:
    from tests.emulator.support import SEED

    response = create(client, create_body(SEED))
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_REQUEST")


# -- complete and modify ----------------------------------------------------------------------------------------------


def test_complete_sets_the_amounts_and_opens_the_collection(emu: Emulator, client: httpx.Client) -> None:
    completed(client)
    order = query_order(client, NO).json()
    schema("ServiceOrder").validate(order)
    assert (order["state"], order["state_description"], order["total_amount"]) == ("DOING", "MCH_COMPLETE", 39900)
    assert order["collection"] == {
        "state": "USER_PAYING",
        "total_amount": 39900,
        "paying_amount": 39900,
        "paid_amount": 0,
        "details": [],
    }
    assert order["post_payments"] == complete_body()["post_payments"]  # replaced by the complete's
    assert order["post_discounts"] == complete_body()["post_discounts"]
    assert [event.cause for event in emu.events] == ["create", "USER_CONFIRM", "complete"]


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"total_amount": 39901}, 400, "PARAM_ERROR", "/total_amount"),
        ({"post_discounts": ...}, 400, "PARAM_ERROR", "/total_amount"),
        (
            {
                "post_discounts": [
                    {"name": "满减", "description": "a", "amount": 50},
                    {"name": "满减", "description": "b", "amount": 50},
                ]
            },
            400,
            "PARAM_ERROR",
            "/post_discounts/1/name",
        ),
        (  # above the risk fund (80000) of the create
            {"post_payments": [{"name": "x", "amount": 80001}], "post_discounts": ..., "total_amount": 80001},
            400,
            "INVALID_REQUEST",
            "/total_amount",
        ),
    ],
)
def test_complete_obeys_the_contracts_rules(
    emu: Emulator, client: httpx.Client, overrides: dict[str, Any], status: int, code: str, field: str
) -> None:
    create(client, create_body(NO, need_user_confirm=False))
    response = act(client, NO, "complete", complete_body(**overrides))
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert response.json()["detail"]["field"] == field
    assert verify_response(response)
    assert emu.order(NO).state_description == "USER_CONFIRM"


def test_complete_at_the_risk_fund_is_accepted(client: httpx.Client) -> None:
    create(client, create_body(NO, need_user_confirm=False))
    body = complete_body(post_payments=[{"name": "x", "amount": 80000}], post_discounts=..., total_amount=80000)
    assert act(client, NO, "complete", body).status_code == 204


def test_modify_lowers_the_amount_only(emu: Emulator, client: httpx.Client) -> None:
    completed(client)
    assert act(client, NO, "modify", modify_body(30000)).status_code == 204
    order = emu.order(NO)
    assert order.total_amount == 30000
    assert order.collection is not None
    assert (order.collection.total_amount, order.collection.paying_amount) == (30000, 30000)
    assert order.post_payments == tuple(modify_body(30000)["post_payments"])
    assert order.post_discounts is None  # the modify's replace the complete's
    # The same modify again: accepted (not above), and nothing changes.
    events = len(emu.events)
    assert act(client, NO, "modify", modify_body(30000)).status_code == 204
    assert len(emu.events) == events
    higher = act(client, NO, "modify", modify_body(30001))
    assert (higher.status_code, higher.json()["code"]) == (400, "INVALID_REQUEST")
    assert "不能超过完结订单时候的总金额" in higher.json()["message"]
    assert higher.json()["detail"]["field"] == "/total_amount"
    wrong_sum = act(client, NO, "modify", modify_body(20000, total_amount=19999))
    assert (wrong_sum.status_code, wrong_sum.json()["code"]) == (400, "PARAM_ERROR")
    assert emu.order(NO).total_amount == 30000
    assert [event.cause for event in emu.events][-1] == "modify"


# -- the deduction and how the order gets paid ------------------------------------------------------------------------


def test_registered_deduction_collected_by_the_clearing_house(emu: Emulator, client: httpx.Client) -> None:
    completed(client)
    registered = act(client, NO, "registerdeductinfo", register_body("D1"))
    assert registered.status_code == 200
    assert registered.json() == {"description": "某某酒店"}
    assert verify_response(registered)
    deduction = query_deduction(client, NO)
    assert deduction.status_code == 200
    assert deduction.json() == {"description": "某某酒店", "out_trade_no": "D1"}
    assert verify_response(deduction)
    collected = client.post(f"/_emulator/orders/{NO}/collect")
    assert collected.status_code == 200
    assert collected.json()["state"] == "DONE"
    order = query_order(client, NO).json()
    assert order["state"] == "DONE"
    assert order["collection"] == {
        "state": "USER_PAID",
        "total_amount": 39900,
        "paying_amount": 0,
        "paid_amount": 39900,
        "details": [{"seq": 1, "amount": 39900, "paid_type": "MCH", "paid_time": beijing(FIXED_NOW)}],
    }
    assert beijing(FIXED_NOW) == "20270115160000"
    # The used deduction is still shown; it can be neither collected again nor re-registered on a DONE order.
    assert query_deduction(client, NO).json()["out_trade_no"] == "D1"
    assert emu.order(NO).deductions[0].state == "USED"
    assert client.post(f"/_emulator/orders/{NO}/collect").status_code == 409
    assert act(client, NO, "registerdeductinfo", register_body("D1")).json()["code"] == "ORDER_DONE"
    causes = [event.cause for event in emu.events]
    assert causes == ["create", "USER_CONFIRM", "complete", "registerdeductinfo", "collect"]


def test_a_deduction_is_effective_24_hours_and_a_reentry_does_not_extend_it(
    emu: Emulator, client: httpx.Client
) -> None:
    completed(client)
    assert act(client, NO, "registerdeductinfo", register_body("D1")).status_code == 200
    advance(client, 12 * 3600)
    # Re-entry within the 24 hours: 200 again, the same validity.
    again = act(client, NO, "registerdeductinfo", register_body("D1"))
    assert again.status_code == 200
    (deduction,) = emu.order(NO).deductions
    assert (deduction.registered_at, deduction.expires_at) == (FIXED_NOW, FIXED_NOW + DAY)
    # Another number while it is effective: refused, saying which one is effective.
    other = act(client, NO, "registerdeductinfo", register_body("D2"))
    assert (other.status_code, other.json()["code"]) == (400, "INVALID_REQUEST")
    assert "D1" in other.json()["message"]
    advance(client, 12 * 3600 - 1)
    blocked = act(client, NO, "cancel", cancel_body())
    assert (blocked.status_code, blocked.json()["code"]) == (400, "INVALID_ORDER_STATE")
    advance(client, 1)  # 24 hours after the registration, not after the re-entry
    assert emu.order(NO).deductions[0].state == "LAPSED"
    assert query_deduction(client, NO).json()["out_trade_no"] == "D1"  # a lapsed one is still the one registered
    # A lapsed number is never used again; a new one may be registered.
    reused = act(client, NO, "registerdeductinfo", register_body("D1"))
    assert (reused.status_code, reused.json()["code"]) == (400, "INVALID_REQUEST")
    assert act(client, NO, "registerdeductinfo", register_body("D2")).status_code == 200
    assert query_deduction(client, NO).json()["out_trade_no"] == "D2"
    lapsed = [event for event in emu.events if event.cause == "deduction-lapsed"]
    assert [event.time for event in lapsed] == [FIXED_NOW + DAY]


@pytest.mark.parametrize(
    ("action", "document"),
    [("cancel", cancel_body()), ("modify", modify_body(30000)), ("sync", sync_body())],
)
def test_closing_the_deduction_unblocks(emu: Emulator, client: httpx.Client, action: str, document: Any) -> None:
    completed(client)
    act(client, NO, "registerdeductinfo", register_body("D1"))
    assert act(client, NO, action, document).json()["code"] == "INVALID_ORDER_STATE"
    lapsed = client.post(f"/_emulator/orders/{NO}/lapse-deduction")
    assert lapsed.status_code == 200
    assert lapsed.json()["deductions"][0]["state"] == "LAPSED"
    assert act(client, NO, action, document).status_code == 204
    assert client.post(f"/_emulator/orders/{NO}/lapse-deduction").status_code in {409}


def test_the_user_pays_actively_and_the_deduction_lapses(emu: Emulator, client: httpx.Client) -> None:
    completed(client)
    act(client, NO, "registerdeductinfo", register_body("D1"))
    advance(client, 60)
    paid = client.post(f"/_emulator/orders/{NO}/pay")
    assert paid.status_code == 200
    order = query_order(client, NO).json()
    (detail,) = order["collection"]["details"]
    assert (detail["paid_type"], detail["paid_time"], detail["amount"]) == ("NEWTON", beijing(FIXED_NOW + 60), 39900)
    assert detail["transaction_id"].startswith("42")
    assert emu.order(NO).deductions[0].state == "LAPSED"
    assert emu.events[-1].cause == "USER_PAID"
    assert act(client, NO, "sync", sync_body()).json()["code"] == "ORDER_DONE"


def test_a_sync_pays_a_completed_order_created_through_the_api(emu: Emulator, client: httpx.Client) -> None:
    completed(client)
    assert act(client, NO, "sync", sync_body()).status_code == 204
    (detail,) = emu.order(NO).collection.details  # type: ignore[union-attr]
    assert (detail.paid_type, detail.paid_time) == ("MCH", "20091225091210")
    assert emu.events[-1].cause == "sync"


# -- cancel and expiry ------------------------------------------------------------------------------------------------


def test_cancel_and_its_reentry(emu: Emulator, client: httpx.Client) -> None:
    completed(client)
    assert act(client, NO, "cancel", cancel_body()).status_code == 204
    assert emu.order(NO).state == "REVOKED"
    again = act(client, NO, "cancel", cancel_body())
    assert again.status_code == 204
    assert verify_response(again)
    other = act(client, NO, "cancel", cancel_body(reason="别的原因"))
    assert (other.status_code, other.json()["code"]) == (400, "INVALID_REQUEST")
    assert [event.cause for event in emu.events].count("cancel") == 1
    assert query_order(client, NO).json()["state"] == "REVOKED"


def test_an_unconfirmed_order_expires_after_30_days(emu: Emulator, client: httpx.Client) -> None:
    create(client, create_body(NO))
    advance(client, 30 * DAY - 1)
    assert query_order(client, NO).json()["state"] == "CREATED"
    clock = advance(client, 1)
    assert clock["now"] == FIXED_NOW + 30 * DAY
    assert query_order(client, NO).json()["state"] == "EXPIRED"
    expired = emu.events[-1]
    assert (expired.cause, expired.from_state, expired.to_state, expired.time) == (
        "expire",
        "CREATED",
        "EXPIRED",
        FIXED_NOW + 30 * DAY,
    )
    assert client.post(f"/_emulator/orders/{NO}/confirm").status_code == 409
    assert act(client, NO, "cancel", cancel_body()).json()["code"] == "ORDER_CANCELED"


def test_a_confirmed_order_does_not_expire(client: httpx.Client) -> None:
    create(client, create_body(NO))
    client.post(f"/_emulator/orders/{NO}/confirm")
    advance(client, 31 * DAY)
    assert query_order(client, NO).json()["state"] == "DOING"


def test_a_seeded_stale_created_order_is_expired_when_read(emu: Emulator, client: httpx.Client) -> None:
    emu.seed(Order(out_order_no="OLD", **IDS, state="CREATED", updated_at=FIXED_NOW - 31 * DAY))  # type: ignore[arg-type]
    assert client.get("/_emulator/orders/OLD").json()["state"] == "EXPIRED"
    assert emu.events[-1].time == FIXED_NOW - DAY


def test_the_signature_clock_does_not_move_with_the_order_clock(emu: Emulator, client: httpx.Client) -> None:
    advance(client, 40 * DAY)
    response = act(client, "1234323JKHDFE1243252", "sync", sync_body())  # signed at the configured clock
    assert response.status_code == 204
    assert response.headers["wechatpay-timestamp"] == str(FIXED_NOW)
    assert emu.now == FIXED_NOW + 40 * DAY


# -- ids and unknown orders -------------------------------------------------------------------------------------------

_CALLS: dict[str, Any] = {
    "cancel": lambda client, **ids: act(client, NO, "cancel", cancel_body(**ids)),
    "complete": lambda client, **ids: act(client, NO, "complete", complete_body(**ids)),
    "modify": lambda client, **ids: act(client, NO, "modify", modify_body(**ids)),
    "registerdeductinfo": lambda client, **ids: act(client, NO, "registerdeductinfo", register_body(**ids)),
    "sync": lambda client, **ids: act(client, NO, "sync", sync_body(**ids)),
    "query": lambda client, **ids: query_order(client, NO, **ids),
    "deduction": lambda client, **ids: query_deduction(client, NO, **ids),
    "create": lambda client, **ids: create(client, create_body(NO, **ids)),
}
_ID_CASES = [
    (call, field)
    for call in _CALLS
    for field in ("service_id", "sub_mchid", "channel_id", "appid", "sub_appid")
    if field in {"service_id", "sub_mchid", "channel_id"} or call in {"registerdeductinfo", "deduction", "create"}
]


@pytest.mark.parametrize(("call", "field"), _ID_CASES, ids=[f"{c}-{f}" for c, f in _ID_CASES])
def test_other_ids_than_the_orders_are_no_auth(emu: Emulator, client: httpx.Client, call: str, field: str) -> None:
    completed(client)
    before = emu.order(NO)
    response = _CALLS[call](client, **{field: "1999999999"})
    assert (response.status_code, response.json()["code"]) == (403, "NO_AUTH"), response.text
    assert response.json()["message"].startswith("商户暂无权限使用此服务")
    assert verify_response(response)
    assert emu.order(NO) == before


@pytest.mark.parametrize("call", [name for name in _CALLS if name != "create"])
def test_an_unknown_order_is_order_not_exist(client: httpx.Client, call: str) -> None:
    response = _CALLS[call](client)
    assert (response.status_code, response.json()["code"]) == (404, "ORDER_NOT_EXIST")
    assert verify_response(response)


def test_orders_of_another_merchant_are_not_found(emu: Emulator, client: httpx.Client) -> None:
    emu.seed(Order(out_order_no=NO, mchid="1900000999", **IDS))  # type: ignore[arg-type]
    assert act(client, NO, "cancel", cancel_body()).status_code == 404
    # A create of the same number by this merchant is a new order of its own.
    assert create(client, create_body(NO)).status_code == 200
    assert emu.order(NO, "1900000999").state == "DOING"


def test_events_over_http(emu: Emulator, client: httpx.Client) -> None:
    completed(client)
    served = client.get("/_emulator/events").json()["events"]
    assert served == [event.to_json() for event in emu.events]
    assert served[0] == {
        "seq": 1,
        "time": FIXED_NOW,
        "beijing_time": "20270115160000",
        "out_order_no": NO,
        "mchid": demo.DEMO_MCHID,
        "cause": "create",
        "from_state": None,
        "from_state_description": None,
        "to_state": "CREATED",
        "to_state_description": None,
    }
    assert [(e["cause"], e["to_state_description"]) for e in served[1:]] == [
        ("USER_CONFIRM", "USER_CONFIRM"),
        ("complete", "MCH_COMPLETE"),
    ]
    assert client.post("/_emulator/reset").status_code == 204
    assert client.get("/_emulator/events").json() == {"events": []}


def test_a_create_body_is_checked_by_the_contract(client: httpx.Client) -> None:
    response = create(client, create_body(NO, notify_url="http://insecure.example"))
    assert (response.status_code, response.json()["code"]) == (400, "PARAM_ERROR")
    assert response.json()["detail"]["field"] == "/notify_url"
    raw = post(client, BASE, compact({**create_body(NO), "appid": APPID, "extra": 1}))
    assert raw.json()["detail"]["field"] == "/extra"
