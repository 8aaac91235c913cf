"""What users' tests (and attackers) throw at the emulator: bounded memory, 400s with a message, state intact."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from wechatpay_emulator import (
    DEFAULT_REQUEST_LOG_CAPACITY,
    LOGGED_BODY_LIMIT,
    MAX_REQUEST_LOG_CAPACITY,
    ConfigError,
    ControlError,
    Emulator,
    EmulatorConfig,
    InvalidOrderError,
    Order,
)

from tests.emulator.support import FIXED_NOW, SEED, Clock, compact, path, post, sync, sync_body, verify_response


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def assert_no_traceback(logs: pytest.LogCaptureFixture) -> None:
    assert not [record for record in logs.records if record.exc_info or record.levelno >= logging.ERROR]
    assert "Traceback" not in logs.text


def test_the_request_log_is_a_ring_buffer_with_truncated_bodies(emu: Emulator, client: httpx.Client) -> None:
    assert emu.request_log_capacity == DEFAULT_REQUEST_LOG_CAPACITY >= 10_000
    emu.set_request_log_capacity(3)
    big = b'{"x":"' + b"a" * 60_000 + b'"}'
    for _ in range(5):
        post(client, path(SEED), big)
    sync(client)
    entries = emu.requests
    assert len(entries) == 3
    assert entries[-1].status == 204  # the newest kept, the oldest forgotten
    big_entry = entries[0]
    assert (big_entry.body_size, big_entry.body_truncated) == (len(big), True)
    assert len(big_entry.body) == LOGGED_BODY_LIMIT
    served = client.get("/_emulator/requests").json()
    assert served["capacity"] == 3
    assert len(served["requests"]) == 3
    assert served["requests"][0]["body_truncated"] is True
    assert len(client.get("/_emulator/requests").content) < 3 * 3 * LOGGED_BODY_LIMIT
    emu.reset()
    assert emu.request_log_capacity == DEFAULT_REQUEST_LOG_CAPACITY


def test_request_log_capacity_over_http_and_config(client: httpx.Client, emu: Emulator) -> None:
    assert client.put("/_emulator/requests/capacity", json={"capacity": 2}).json() == {"capacity": 2}
    for _ in range(4):
        sync(client)
    assert len(emu.requests) == 2
    for bad in ({"capacity": 0}, {"capacity": "3"}, {"capacity": True}, {}, [1]):
        response = client.put("/_emulator/requests/capacity", json=bad)
        assert response.status_code == 400, bad
        assert response.json()["error"]
    assert Emulator(EmulatorConfig.demo(request_log_capacity=12_345)).request_log_capacity == 12_345


@pytest.mark.parametrize("content_type", ["application/json; charset", "application/json;;", "application/json;"])
def test_malformed_content_type_on_a_signed_request_is_400(
    client: httpx.Client, emu: Emulator, logs: pytest.LogCaptureFixture, content_type: str
) -> None:
    response = sync(client, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert response.json()["code"] == "PARAM_ERROR"
    assert response.json()["detail"]["field"] == "Content-Type"
    assert verify_response(response)
    assert emu.order(SEED).state == "DOING"
    assert_no_traceback(logs)


def test_a_content_type_with_parameters_is_still_accepted(client: httpx.Client) -> None:
    assert sync(client, headers={"Content-Type": 'application/json; charset="UTF-8"'}).status_code == 204


def test_json_nested_100000_deep_on_the_control_surface_is_400(
    client: httpx.Client, emu: Emulator, logs: pytest.LogCaptureFixture
) -> None:
    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000):
        for route in ("/_emulator/orders", "/_emulator/faults"):
            response = client.post(route, content=body)
            assert response.status_code == 400
            assert "deep" in response.json()["error"]
    # Just under the JSON parser's limit, inside an order's free-form field: refused too, not served back later.
    deep = {"out_order_no": "D1", "service_id": "S", "sub_mchid": "M", "location": {"start_location": "x"}}
    node: dict[str, object] = deep["location"]  # type: ignore[assignment]
    for _ in range(500):
        node["n"] = {}
        node = node["n"]  # type: ignore[assignment]
    assert client.post("/_emulator/orders", json=deep).status_code == 400
    assert client.get("/_emulator/orders").status_code == 200
    assert [order.out_order_no for order in emu.orders] == [SEED]
    assert_no_traceback(logs)


@pytest.mark.parametrize(
    "payload",
    [
        b'{"out_order_no":"\\ud800","service_id":"S","sub_mchid":"M"}',
        b'[{"out_order_no":"OK1","service_id":"S","sub_mchid":"M"},'
        b'{"out_order_no":"X","service_id":"S\\udfff","sub_mchid":"M"}]',
        b'{"out_order_no":"X","service_id":"S","sub_mchid":"M","attach":"\\ud83d"}',
        b'{"out_order_no":"X","service_id":"S","sub_mchid":"M","location":{"\\ud800":"k"}}',
    ],
)
def test_a_lone_surrogate_in_an_order_is_400_and_state_stays_intact(
    client: httpx.Client, emu: Emulator, logs: pytest.LogCaptureFixture, payload: bytes
) -> None:
    response = client.post("/_emulator/orders", content=payload)
    assert response.status_code == 400
    assert "surrogate" in response.json()["error"]
    listed = client.get("/_emulator/orders")
    assert listed.status_code == 200
    assert [order["out_order_no"] for order in listed.json()["orders"]] == [SEED]  # all or nothing
    assert sync(client).status_code == 204
    assert_no_traceback(logs)


def test_a_lone_surrogate_in_a_fault_is_400(client: httpx.Client, logs: pytest.LogCaptureFixture) -> None:
    response = client.post("/_emulator/faults", content=b'{"kind":"system_error","out_order_no":"\\ud800"}')
    assert response.status_code == 400
    assert client.get("/_emulator/faults").json() == {"faults": []}
    assert_no_traceback(logs)


def test_the_python_api_refuses_a_lone_surrogate(emu: Emulator) -> None:
    from wechatpay_emulator import InvalidOrderError

    with pytest.raises(InvalidOrderError, match="surrogate"):
        Order(out_order_no="\ud800", service_id="S", sub_mchid="M")
    assert emu.orders == [emu.order(SEED)]


@pytest.mark.parametrize("field", ["nonce_str", "timestamp", "signature", "serial_no", "mchid"])
def test_an_empty_authorization_field_is_401_and_nothing_is_applied(
    client: httpx.Client, emu: Emulator, field: str
) -> None:
    overrides: dict[str, Any] = {
        "nonce_str": {"nonce": ""},
        "timestamp": {},
        "signature": {},
        "serial_no": {"serial_no": ""},
        "mchid": {"mchid": ""},
    }[field]
    target, body = path(SEED), compact(sync_body())
    if field in ("timestamp", "signature"):
        from tests.emulator.support import authorization

        value = authorization("POST", target, body, timestamp=FIXED_NOW)
        value = value.replace(f'timestamp="{FIXED_NOW}"', 'timestamp=""') if field == "timestamp" else value
        if field == "signature":
            start = value.index('signature="') + len('signature="')
            value = value[:start] + value[value.index('"', start) :]
        response = post(client, target, body, headers={"Authorization": value})
    else:
        response = post(client, target, body, **overrides)
    assert response.status_code == 401
    assert response.json()["code"] == "SIGN_ERROR"
    assert verify_response(response)
    assert emu.order(SEED).state == "DOING"


@pytest.mark.parametrize("target", ["/%5Femulator/config", "/%5femulator/orders", "/_emulator%2Fconfig"])
def test_only_the_literal_prefix_is_control(client: httpx.Client, target: str) -> None:
    response = client.get(httpx.URL(client.base_url.join("/")).copy_with(raw_path=target.encode()))
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
    assert verify_response(response)
    assert client.get("/_emulator/config").status_code == 200


def test_a_fresh_emulator_with_a_small_log(clock: Clock) -> None:
    emulator = Emulator(EmulatorConfig.demo(clock=clock, request_log_capacity=1))
    with emulator.serve() as url, httpx.Client(base_url=url) as http:
        sync(http)
        sync(http)
        assert [entry.code for entry in emulator.requests] == ["ORDER_DONE"]


@pytest.mark.parametrize("capacity", [MAX_REQUEST_LOG_CAPACITY + 1, 10**21, 2**63])
def test_request_log_capacity_has_an_upper_bound(
    client: httpx.Client, emu: Emulator, logs: pytest.LogCaptureFixture, capacity: int
) -> None:
    response = client.put("/_emulator/requests/capacity", json={"capacity": capacity})
    assert response.status_code == 400
    assert str(MAX_REQUEST_LOG_CAPACITY) in response.json()["error"]
    assert emu.request_log_capacity == DEFAULT_REQUEST_LOG_CAPACITY
    with pytest.raises(ControlError, match="from 1 to"):
        emu.set_request_log_capacity(capacity)
    with pytest.raises(ConfigError, match="from 1 to"):
        EmulatorConfig.demo(request_log_capacity=capacity)
    assert client.get("/_emulator/requests").status_code == 200
    assert_no_traceback(logs)
    top = client.put("/_emulator/requests/capacity", json={"capacity": MAX_REQUEST_LOG_CAPACITY})
    assert top.json() == {"capacity": MAX_REQUEST_LOG_CAPACITY}


@pytest.mark.parametrize("value", [str(MAX_REQUEST_LOG_CAPACITY + 1), "0", "many"])
def test_request_log_capacity_flag_is_bounded(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    from wechatpay_emulator.__main__ import main

    with pytest.raises(SystemExit) as exited:
        main(["--request-log-capacity", value])
    assert exited.value.code == 2
    assert f"from 1 to {MAX_REQUEST_LOG_CAPACITY}" in capsys.readouterr().err


NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"]


@pytest.mark.parametrize("number", NON_FINITE)
@pytest.mark.parametrize(
    "field",
    [
        '"risk_fund": {"name": "DEPOSIT", "amount": %s}',
        '"location": {"start_location": %s}',
        '"post_payments": [{"name": "x", "amount": %s}]',
        '"collection": {"state": "USER_PAID", "details": [{"seq": 1, "amount": 1, "paid_type": "MCH", '
        '"paid_time": "20091225091210", "promotion_detail": [{"amount": %s}]}]}',
    ],
)
def test_non_finite_numbers_in_seeded_orders_are_400_and_state_intact(
    client: httpx.Client, logs: pytest.LogCaptureFixture, number: str, field: str
) -> None:
    before = client.get("/_emulator/orders").json()
    body = '{"out_order_no": "NAN1", "service_id": "SV", "sub_mchid": "SUB", ' + field % number + "}"
    response = client.post("/_emulator/orders", content=body.encode())
    assert response.status_code == 400
    assert response.json()["error"]
    listed = client.get("/_emulator/orders")
    assert listed.status_code == 200
    assert listed.json() == before
    assert client.get("/_emulator/orders/NAN1").status_code == 404
    assert_no_traceback(logs)


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_in_orders_are_refused_by_the_python_api(number: float) -> None:
    with pytest.raises(InvalidOrderError, match="not a JSON number"):
        Order(out_order_no="NAN2", service_id="SV", sub_mchid="SUB", risk_fund={"amount": number})
