"""The query endpoint and the full order object: answered from the state machine, signed, the either/or rule."""

from __future__ import annotations

import urllib.parse
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from wechatpay_emulator import Collection, CollectionDetail, Emulator, Fault, InvalidOrderError, Order, demo

from tests.emulator.support import FIXED_NOW, NONCE, ROOT, SEED, authorization, sync, sync_body, verify_response

QUERY = "/v3/payscore/acquiringbank/serviceorder"
IDS: dict[str, Any] = {
    "service_id": demo.DEMO_ORDER_SERVICE_ID,
    "sub_mchid": demo.DEMO_ORDER_SUB_MCHID,
    "channel_id": demo.DEMO_ORDER_CHANNEL_ID,
}


def query(client: httpx.Client, *, params: list[tuple[str, str]] | None = None, **auth: Any) -> httpx.Response:
    """A signed GET, over exactly the query string sent."""
    pairs = params if params is not None else [*IDS.items(), ("out_order_no", SEED)]
    target = QUERY + "?" + urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote, safe="")
    headers = {
        "Accept": "application/json",
        "User-Agent": "emulator-tests/1",
        "Authorization": authorization("GET", target, b"", timestamp=FIXED_NOW, nonce=auth.pop("nonce", NONCE)),
    }
    request = client.build_request("GET", target, headers=headers)
    assert request.url.raw_path.decode() == target
    return client.send(request)


def service_order_schema() -> Draft202012Validator:
    spec = yaml.safe_load((ROOT / "openapi" / "payscore-acquiringbank.yaml").read_text(encoding="utf-8"))
    schema = {"$ref": "#/components/schemas/ServiceOrder", "components": spec["components"]}
    return Draft202012Validator(schema)


def test_a_doing_order_is_answered_in_full_and_signed(client: httpx.Client) -> None:
    response = query(client)
    assert response.status_code == 200
    assert verify_response(response)
    order = response.json()
    service_order_schema().validate(order)
    assert (order["out_order_no"], order["state"], order["state_description"]) == (SEED, "DOING", "MCH_COMPLETE")
    assert order["mchid"] == demo.DEMO_MCHID
    assert order["collection"] == {
        "state": "USER_PAYING",
        "total_amount": order["total_amount"],
        "paying_amount": order["total_amount"],
        "paid_amount": 0,
        "details": [],
    }
    assert {"appid", "service_introduction", "risk_fund", "time_range", "notify_url", "order_id"} <= set(order)
    assert "query_id" not in order
    assert "paid_time" not in order


def test_a_sync_makes_the_order_done_and_paid_by_the_merchant(client: httpx.Client, emu: Emulator) -> None:
    assert sync(client, document=sync_body(detail={"paid_time": "20091225091210"})).status_code == 204
    response = query(client)
    order = response.json()
    service_order_schema().validate(order)
    assert order["state"] == "DONE"
    assert "state_description" not in order  # only while DOING
    total = order["total_amount"]
    assert order["collection"] == {
        "state": "USER_PAID",
        "total_amount": total,
        "paying_amount": 0,
        "paid_amount": total,
        "details": [{"seq": 1, "amount": total, "paid_type": "MCH", "paid_time": "20091225091210"}],
    }
    stored = emu.order(SEED)
    assert stored.collection is not None
    assert stored.collection.details == (
        CollectionDetail(seq=1, amount=total, paid_type="MCH", paid_time="20091225091210"),
    )
    assert stored.to_json()["collection"] == order["collection"]


def test_a_done_order_paid_through_pay_score_queried_by_query_id(client: httpx.Client, emu: Emulator) -> None:
    emu.seed(
        Order(
            out_order_no="N1",
            query_id="15646546545165651651",
            service_id=IDS["service_id"],
            sub_mchid=IDS["sub_mchid"],
            channel_id=IDS["channel_id"],
            state="DONE",
            total_amount=3000,
            paid_time="20240101120000",
            attach="Easdfowealsdkjfnlaksjdlfkwqoi&wl3l2sald",
            location={"start_location": "嗨客时代", "end_location": "海地区"},
            post_payments=({"name": "就餐费用", "amount": 3000, "description": "就餐", "count": 1},),
        )
    )
    response = query(client, params=[*IDS.items(), ("query_id", "15646546545165651651")])
    assert response.status_code == 200
    assert verify_response(response)
    order = response.json()
    service_order_schema().validate(order)
    assert (order["out_order_no"], order["state"], order["total_amount"]) == ("N1", "DONE", 3000)
    (detail,) = order["collection"]["details"]
    assert (detail["paid_type"], detail["paid_time"], detail["amount"]) == ("NEWTON", "20240101120000", 3000)
    assert detail["transaction_id"]
    assert order["location"]["start_location"] == "嗨客时代"
    assert order["post_payments"][0]["name"] == "就餐费用"
    # A sync of it is ORDER_DONE, and the collection keeps its one NEWTON payment.
    done = sync(client, "N1")
    assert done.json()["code"] == "ORDER_DONE"
    collection = emu.order("N1").collection
    assert collection is not None
    assert [d.paid_type for d in collection.details] == ["NEWTON"]


@pytest.mark.parametrize("state", ["CREATED", "DOING", "DONE", "REVOKED", "EXPIRED"])
def test_orders_can_be_seeded_in_any_state_over_http(client: httpx.Client, state: str) -> None:
    order = {"out_order_no": f"S-{state}", **IDS, "state": state, "query_id": f"Q-{state}"}
    assert client.post("/_emulator/orders", json=order).status_code == 201
    answered = query(client, params=[*IDS.items(), ("query_id", f"Q-{state}")]).json()
    assert answered["state"] == state
    assert ("state_description" in answered) == (state == "DOING")
    # A collection is shown from the merchant's complete on: none before (CREATED), none for a cancelled one.
    expected = {"DONE": "USER_PAID", "DOING": "USER_PAYING"}.get(state)
    assert answered.get("collection", {}).get("state") == expected
    served = client.get(f"/_emulator/orders/S-{state}").json()
    assert served["query_id"] == f"Q-{state}"
    assert served["collection"] == answered.get("collection")


def test_richer_fields_and_an_explicit_collection_round_trip(client: httpx.Client, emu: Emulator) -> None:
    collection = {
        "state": "USER_PAID",
        "total_amount": 500,
        "paying_amount": 0,
        "paid_amount": 500,
        "details": [
            {"seq": 1, "amount": 200, "paid_type": "NEWTON", "paid_time": "20240101", "transaction_id": "42"},
            {
                "seq": 2,
                "amount": 300,
                "paid_type": "SOMETHING_NEW",
                "paid_time": "20240102",
                "promotion_detail": [{"coupon_id": "C1", "amount": 10}],
            },
        ],
    }
    order = {"out_order_no": "R1", **IDS, "state": "DONE", "collection": collection, "openid": "oUpF8", "mchid": None}
    created = client.post("/_emulator/orders", json=[order])
    assert created.status_code == 201
    assert created.json()["count"] == 1
    assert emu.order("R1").collection == Collection.from_json(collection)
    answered = query(client, params=[*IDS.items(), ("out_order_no", "R1")]).json()
    assert answered["collection"] == collection
    assert answered["openid"] == "oUpF8"


@pytest.mark.parametrize(
    "params",
    [
        [*IDS.items()],
        [*IDS.items(), ("out_order_no", SEED), ("query_id", "Q1")],
        [*IDS.items(), ("out_order_no", "")],
        [*IDS.items(), ("query_id", "")],
        [*IDS.items(), ("out_order_no", SEED), ("out_order_no", SEED)],
        [("sub_mchid", IDS["sub_mchid"]), ("channel_id", IDS["channel_id"]), ("out_order_no", SEED)],
    ],
)
def test_the_either_or_rule_and_required_parameters_are_param_error(
    client: httpx.Client, params: list[tuple[str, str]]
) -> None:
    response = query(client, params=params)
    assert response.status_code == 400
    assert response.json()["code"] == "PARAM_ERROR"
    assert response.json()["detail"]["location"] == "query"
    assert verify_response(response)


@pytest.mark.parametrize(
    "params",
    [
        [*IDS.items(), ("out_order_no", "NOPE")],
        [*IDS.items(), ("query_id", "NOPE")],
    ],
)
def test_an_unknown_order_is_order_not_exist(client: httpx.Client, params: list[tuple[str, str]]) -> None:
    response = query(client, params=params)
    assert (response.status_code, response.json()["code"]) == (404, "ORDER_NOT_EXIST")
    assert verify_response(response)


@pytest.mark.parametrize("field", ["service_id", "sub_mchid", "channel_id"])
def test_other_ids_than_the_orders_are_no_auth(client: httpx.Client, field: str) -> None:
    params = [(name, "1999999999" if name == field else value) for name, value in IDS.items()]
    response = query(client, params=[*params, ("out_order_no", SEED)])
    assert (response.status_code, response.json()["code"]) == (403, "NO_AUTH")
    assert verify_response(response)


def test_another_merchants_order_is_not_found(client: httpx.Client, emu: Emulator) -> None:
    emu.seed(Order(out_order_no="OTHER", mchid="1900000999", **IDS))
    response = query(client, params=[*IDS.items(), ("out_order_no", "OTHER")])
    assert response.json()["code"] == "ORDER_NOT_EXIST"


def test_an_order_number_with_bar_and_star_is_percent_encoded(client: httpx.Client, emu: Emulator) -> None:
    emu.seed(Order(out_order_no="A|B*C", **IDS))
    response = query(client, params=[*IDS.items(), ("out_order_no", "A|B*C")])
    assert response.status_code == 200
    assert response.json()["out_order_no"] == "A|B*C"
    assert "%7C" in emu.requests[-1].target


def test_faults_apply_to_queries_of_the_named_order(client: httpx.Client, emu: Emulator) -> None:
    emu.inject(Fault.system_error(), out_order_no=SEED)
    assert query(client).status_code == 500
    assert query(client).status_code == 200
    emu.inject(Fault.bad_signature())
    assert not verify_response(query(client))


def test_a_query_needs_a_valid_signature(client: httpx.Client) -> None:
    response = query(client, nonce="")
    assert response.status_code == 401


def test_seeding_refuses_malformed_rich_fields() -> None:
    base: dict[str, Any] = {"out_order_no": "X", "service_id": "S", "sub_mchid": "M"}
    extra: dict[str, Any]
    for extra in (
        {"collection": {"state": "PAID"}},
        {"collection": {"state": "USER_PAID", "details": [{"seq": 1}]}},
        {"collection": {"state": "USER_PAID", "details": [{"seq": 1, "amount": 1, "paid_type": "MCH"}]}},
        {"collection": {"state": "USER_PAID", "nope": 1}},
        {"total_amount": "10"},
        {"total_amount": -1},
        {"need_collection": "yes"},
        {"risk_fund": []},
        {"post_payments": {}},
        {"unknown": 1},
        {"state_description": 3},
    ):
        with pytest.raises(InvalidOrderError):
            Order.from_json({**base, **extra})
