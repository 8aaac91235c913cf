"""The sync endpoint over a real loopback socket: signatures, contract validation, state machine, signed answers."""

from __future__ import annotations

import base64
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from wechatpay_emulator import Emulator, Order, demo

from tests.emulator.support import (
    FIXED_NOW,
    OTHER_KEY,
    SEED,
    Clock,
    authorization,
    compact,
    path,
    post,
    sync,
    sync_body,
    verify_response,
)


def test_seed_order_syncs_to_done_with_a_signed_204(emu: Emulator, client: httpx.Client) -> None:
    response = sync(client)
    assert response.status_code == 204
    assert response.content == b""
    assert verify_response(response)
    assert response.headers["request-id"]
    order = emu.order(SEED)
    assert (order.state, order.state_description, order.paid_time) == ("DONE", None, "20091225091210")


def test_second_sync_is_a_signed_order_done(emu: Emulator, client: httpx.Client) -> None:
    assert sync(client).status_code == 204
    response = sync(client)
    assert response.status_code == 400
    assert response.json() == {"code": "ORDER_DONE", "message": "订单已完成"}
    assert verify_response(response)


def test_wrong_key_is_sign_error_with_the_verified_message_echoed(client: httpx.Client) -> None:
    body = compact(sync_body())
    response = post(client, path(SEED), body, key=OTHER_KEY)
    assert response.status_code == 401
    assert verify_response(response)
    data = response.json()
    assert data["code"] == "SIGN_ERROR"
    info = data["detail"]["sign_information"]
    message = f"POST\n{path(SEED)}\n{FIXED_NOW}\n593BEC0C930BF1AFEB40B4A08C8FB242\n".encode() + body + b"\n"
    assert info["method"] == "POST"
    assert info["url"] == path(SEED)
    assert info["sign_message_length"] == len(message)
    assert info["truncated_sign_message"].startswith(f"POST\\n{path(SEED)}\\n{FIXED_NOW}\\n")


@pytest.mark.parametrize(
    "order",
    [
        ("mchid", "nonce_str", "signature", "timestamp", "serial_no"),
        ("serial_no", "timestamp", "signature", "nonce_str", "mchid"),
        ("signature", "mchid", "serial_no", "nonce_str", "timestamp"),
    ],
)
def test_authorization_fields_in_any_order(client: httpx.Client, order: tuple[str, ...]) -> None:
    assert sync(client, order=order).status_code == 204


def test_signed_message_uses_the_raw_target_with_escapes(emu: Emulator, client: httpx.Client) -> None:
    emu.seed(Order(out_order_no="A|B", service_id="S1", sub_mchid="M1"))
    body = compact(sync_body(service_id="S1", sub_mchid="M1", channel_id=...))
    # Signed over the unescaped path while `%7C` is sent: refused, and the echo shows what WeChat Pay verified.
    unescaped = authorization("POST", path("A|B"), body, timestamp=FIXED_NOW)
    refused = post(client, path("A%7CB"), body, headers={"Authorization": unescaped})
    assert refused.status_code == 401
    assert refused.json()["detail"]["sign_information"]["url"] == path("A%7CB")
    assert post(client, path("A%7CB"), body).status_code == 204
    assert emu.order("A|B").state == "DONE"


def test_query_string_is_part_of_the_signed_message(client: httpx.Client) -> None:
    body = compact(sync_body())
    without_query = authorization("POST", path(SEED), body, timestamp=FIXED_NOW)
    refused = post(client, path(SEED) + "?x=1", body, headers={"Authorization": without_query})
    assert refused.status_code == 401
    assert post(client, path(SEED) + "?x=1", body).status_code == 204


def test_body_is_verified_as_raw_bytes_not_reserialized(client: httpx.Client) -> None:
    # Spaces after separators: a server that re-serialized before verifying would refuse this signature.
    body = b'{"service_id": "2002000000000558128851361561536", "sub_mchid": "1900000109", "type": "Order_Paid",'
    body += b' "detail": {"paid_time": "20091225"}}'
    assert post(client, path(SEED), body).status_code == 204


@pytest.mark.parametrize(("skew", "status"), [(300, 204), (-300, 204), (301, 401), (-301, 401)])
def test_request_timestamp_window(client: httpx.Client, skew: int, status: int) -> None:
    response = sync(client, timestamp=FIXED_NOW + skew)
    assert response.status_code == status
    assert verify_response(response)


def test_clock_is_injectable(client: httpx.Client, clock: Clock) -> None:
    clock.now = FIXED_NOW + 10_000
    response = sync(client, timestamp=FIXED_NOW + 10_000)
    assert response.status_code == 204
    assert response.headers["wechatpay-timestamp"] == str(FIXED_NOW + 10_000)


def test_unknown_mchid_is_no_auth(client: httpx.Client) -> None:
    response = sync(client, mchid="1900000999")
    assert response.status_code == 403
    assert response.json()["code"] == "NO_AUTH"
    assert verify_response(response)


def test_unknown_merchant_serial_is_sign_error(client: httpx.Client) -> None:
    response = sync(client, serial_no="3775B6A45ACD588826D15E583A95F5DD2F6D4F0B")
    assert response.status_code == 401
    assert response.json()["code"] == "SIGN_ERROR"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "Bearer x",
        'WECHATPAY2-SHA256-RSA2048 mchid="1900000100"',
        'WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="1",nonce_str="n",signature="s",timestamp="1",serial_no="S"',
        "WECHATPAY2-SHA256-RSA2048 garbage",
    ],
)
def test_missing_or_malformed_authorization_is_sign_error(client: httpx.Client, value: str | None) -> None:
    body = compact(sync_body())
    if value is None:
        response = post(client, path(SEED), body, drop=["Authorization"])
    else:
        response = post(client, path(SEED), body, headers={"Authorization": value})
    assert response.status_code == 401
    assert response.json()["code"] == "SIGN_ERROR"
    assert verify_response(response)


def test_probe_like_request_signature_is_sign_error(client: httpx.Client) -> None:
    body = compact(sync_body())
    good = authorization("POST", path(SEED), body, timestamp=FIXED_NOW)
    probe = good.replace(good.split('signature="')[1].split('"')[0], "WECHATPAY/SIGNTEST/abc")
    assert post(client, path(SEED), body, headers={"Authorization": probe}).status_code == 401


@pytest.mark.parametrize("missing", ["Accept", "User-Agent"])
def test_missing_accept_or_user_agent_is_invalid_request(client: httpx.Client, missing: str) -> None:
    body = compact(sync_body())
    request = client.build_request(
        "POST",
        path(SEED),
        content=body,
        headers={
            "Content-Type": "application/json",
            "Authorization": authorization("POST", path(SEED), body, timestamp=FIXED_NOW),
        },
    )
    # httpx adds defaults for both: remove the one under test.
    request.headers["Accept" if missing == "User-Agent" else "User-Agent"] = "x"
    del request.headers[missing]
    response = client.send(request)
    assert response.status_code == 400
    assert response.json() == {"code": "INVALID_REQUEST", "message": "Http头缺少Accept或User-Agent"}
    assert verify_response(response)


_DATE_ONLY = {"detail": {"paid_time": "20091225"}}


@pytest.mark.parametrize(
    ("target", "document", "field", "location"),
    [
        (path("ABC%0A"), sync_body(), "out_order_no", "path"),
        (path("A" * 33), sync_body(), "out_order_no", "path"),
        (path("A.B"), sync_body(), "out_order_no", "path"),
        (path("A%2FB"), sync_body(), "out_order_no", "path"),
        (path("A%FF"), sync_body(), "out_order_no", "path"),
        (path(SEED), sync_body(detail={"paid_time": "20090230"}), "/detail/paid_time", "body"),
        (path(SEED), sync_body(detail={"paid_time": "20090229"}), "/detail/paid_time", "body"),
        (path(SEED), sync_body(detail={"paid_time": "20091325"}), "/detail/paid_time", "body"),
        (path(SEED), sync_body(detail={"paid_time": "20091225\n"}), "/detail/paid_time", "body"),
        (path(SEED), sync_body(detail={"paid_time": "2009-12-25T09:12:10+08:00"}), "/detail/paid_time", "body"),
        (path(SEED), sync_body(detail={}), "/detail/paid_time", "body"),
        (path(SEED), sync_body(type="Order_Refunded"), "/type", "body"),
        (path(SEED), sync_body(service_id=...), "/service_id", "body"),
        (path(SEED), sync_body(extra="x"), "/extra", "body"),
        (path(SEED), sync_body(channel_id=None), "/channel_id", "body"),
        (path(SEED), sync_body(service_id="2" * 33), "/service_id", "body"),
        (path(SEED), sync_body(sub_mchid="19000001\U0001f600"), "/sub_mchid", "body"),
        (path(SEED), sync_body(service_id=""), "/service_id", "body"),
        (path(SEED), sync_body(service_id=2002), "/service_id", "body"),
        (path(SEED), [sync_body()], "", "body"),
    ],
)
def test_contract_violations_are_param_error(
    emu: Emulator, client: httpx.Client, target: str, document: Any, field: str, location: str
) -> None:
    response = post(client, target, compact(document))
    assert response.status_code == 400, response.text
    data = response.json()
    assert data["code"] == "PARAM_ERROR"
    assert data["detail"]["field"] == field
    assert data["detail"]["location"] == location
    assert data["detail"]["issue"]
    assert verify_response(response)
    assert emu.order(SEED).state == "DOING"


def test_param_error_echoes_the_value(client: httpx.Client) -> None:
    response = post(client, path("ABC%0A"), compact(sync_body()))
    assert response.json()["detail"]["value"] == "ABC\n"


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"not json", b"\xff\xfe", b'{"a":NaN}', b'{"service_id":"a","service_id":"b"}', b"[" * 60000, b"null"],
)
def test_bad_bodies_are_400_never_500(client: httpx.Client, body: bytes) -> None:
    response = post(client, path(SEED), body)
    assert response.status_code == 400
    assert response.json()["code"] == "PARAM_ERROR"
    assert verify_response(response)


def test_lone_surrogate_in_an_echoed_value_is_a_400_not_a_500(client: httpx.Client) -> None:
    body = compact(sync_body()).replace(b'"Order_Paid"', b'"\\ud800"')
    response = post(client, path(SEED), body)
    assert response.status_code == 400
    assert response.json()["detail"] == {
        "field": "/type",
        "value": "\ud800",
        "issue": response.json()["detail"]["issue"],
        "location": "body",
    }
    assert verify_response(response)


def test_wrong_content_type_is_param_error(client: httpx.Client) -> None:
    response = post(client, path(SEED), compact(sync_body()), headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    assert response.json()["detail"]["field"] == "Content-Type"


def test_leap_day_is_accepted(client: httpx.Client) -> None:
    assert sync(client, document=sync_body(detail={"paid_time": "20080229235959"})).status_code == 204


def test_body_cap(client: httpx.Client) -> None:
    # One byte over 64 KiB: refused before any parsing, and the connection is closed.
    response = post(client, path(SEED), b" " * (64 * 1024 + 1))
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_REQUEST"
    assert response.headers["connection"] == "close"
    assert verify_response(response)
    # At the cap the body is read and judged on its merits.
    document = compact(sync_body())
    at_cap = document + b" " * (64 * 1024 - len(document))
    assert post(client, path(SEED), at_cap).status_code == 204


def test_body_cap_for_a_streamed_body_without_length(client: httpx.Client) -> None:
    chunks = [b" " * 8192] * 9

    def stream() -> Any:
        yield from chunks

    request = client.build_request(
        "POST",
        path(SEED),
        content=stream(),
        headers={"Accept": "application/json", "Content-Type": "application/json", "Authorization": "x"},
    )
    assert "content-length" not in request.headers
    response = client.send(request)
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_REQUEST"


def test_unknown_route_is_a_signed_404(client: httpx.Client) -> None:
    response = client.get(f"/v3/payscore/acquiringbank/serviceorder/{SEED}/cancel")
    assert response.status_code == 404
    assert verify_response(response)


@pytest.mark.parametrize(
    ("state", "description", "status", "code"),
    [
        ("DONE", None, 400, "ORDER_DONE"),
        ("REVOKED", None, 400, "ORDER_CANCELED"),
        ("EXPIRED", None, 400, "ORDER_CANCELED"),
        ("CREATED", None, 400, "INVALID_ORDER_STATE"),
        ("DOING", "USER_CONFIRM", 400, "INVALID_ORDER_STATE"),
        ("DOING", None, 400, "INVALID_ORDER_STATE"),
    ],
)
def test_state_machine_refusals(
    emu: Emulator, client: httpx.Client, state: str, description: str | None, status: int, code: str
) -> None:
    emu.seed(Order(out_order_no="S1", service_id="SV", sub_mchid="SUB", state=state, state_description=description))
    response = sync(client, "S1", sync_body(service_id="SV", sub_mchid="SUB", channel_id=...))
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert verify_response(response)
    assert emu.order("S1").state == state


@pytest.mark.parametrize(
    "override",
    [{"service_id": "2002000000000558128851361561537"}, {"sub_mchid": "1900000110"}, {"channel_id": "1230000110"}],
)
def test_other_ids_than_the_orders_are_no_auth(emu: Emulator, client: httpx.Client, override: dict[str, str]) -> None:
    # Ids other than those the service was registered (and the order created) with: 商户暂无权限使用此服务.
    response = sync(client, document=sync_body(**override))
    assert (response.status_code, response.json()["code"]) == (403, "NO_AUTH")
    assert next(iter(override)) in response.json()["message"]
    assert verify_response(response)
    assert emu.order(SEED).state == "DOING"


def test_channel_id_may_be_omitted(client: httpx.Client) -> None:
    assert sync(client, document=sync_body(channel_id=...)).status_code == 204


def test_unknown_order_is_order_not_exist(client: httpx.Client) -> None:
    response = sync(client, "NO_SUCH_ORDER")
    assert (response.status_code, response.json()["code"]) == (404, "ORDER_NOT_EXIST")
    assert verify_response(response)


def test_orders_are_keyed_by_merchant(emu: Emulator, client: httpx.Client) -> None:
    emu.seed(Order(out_order_no="M2", service_id="SV", sub_mchid="SUB", mchid="1900000999"))
    response = sync(client, "M2", sync_body(service_id="SV", sub_mchid="SUB", channel_id=...))
    assert response.json()["code"] == "ORDER_NOT_EXIST"


def test_twenty_concurrent_syncs_give_exactly_one_204(emu: Emulator, base_url: str) -> None:
    barrier = threading.Barrier(20)

    def one(_: int) -> tuple[int, str | None]:
        with httpx.Client(base_url=base_url, timeout=60) as http:
            barrier.wait(timeout=60)
            response = sync(http)
            return response.status_code, response.json()["code"] if response.content else None

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one, range(20)))
    assert sorted(results, key=lambda r: r[0]) == [(204, None)] + [(400, "ORDER_DONE")] * 19
    assert emu.order(SEED).state == "DONE"


@pytest.mark.parametrize(
    ("sent_serial", "expected"),
    [
        (demo.DEMO_WECHATPAY_PUBLIC_KEY_ID, demo.DEMO_WECHATPAY_PUBLIC_KEY_ID),
        (None, demo.DEMO_PLATFORM_SERIAL),
        ("PUB_KEY_ID_0000000000000000000000000000", demo.DEMO_PLATFORM_SERIAL),
    ],
)
def test_answer_key_follows_the_requested_serial(client: httpx.Client, sent_serial: str | None, expected: str) -> None:
    headers = {} if sent_serial is None else {"Wechatpay-Serial": sent_serial}
    response = sync(client, headers=headers)
    assert response.status_code == 204
    assert response.headers["wechatpay-serial"] == expected
    assert verify_response(response)


def test_request_log_records_raw_target_headers_body_and_outcome(emu: Emulator, client: httpx.Client) -> None:
    body = compact(sync_body())
    post(client, path(SEED) + "?a=%7C", body)
    post(client, path(SEED), body, key=OTHER_KEY)
    post(client, path(SEED), body, drop=["Accept"])
    first, second, third = emu.requests
    assert (first.method, first.target, first.body) == ("POST", path(SEED) + "?a=%7C", body)
    assert first.header("user-agent") == "emulator-tests/1"
    assert (first.status, first.code, first.signature_verified) == (204, None, True)
    assert (second.status, second.code, second.signature_verified) == (401, "SIGN_ERROR", False)
    assert (third.status, third.code, third.signature_verified) == (400, "INVALID_REQUEST", None)
    assert first.to_json()["body"] == body.decode()
    assert base64.b64decode(first.to_json()["body_base64"]) == body


def test_server_listens_on_loopback_only(served: tuple[Emulator, str]) -> None:
    host = served[1].removeprefix("http://").rsplit(":", 1)[0]
    assert host == "127.0.0.1"
    with socket.create_connection((host, int(served[1].rsplit(":", 1)[1])), timeout=5):
        pass
