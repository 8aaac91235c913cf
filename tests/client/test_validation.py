"""Bad input is refused before anything is signed or sent, with an error naming the field, the value and the rule."""

from __future__ import annotations

from typing import Any

import pytest
from wechatpay_emulator import Emulator
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore.models import SyncDetail
from wechatpay_payscore_client import OrderNotFoundError, RequestValidationError, WechatPayClient, paid_time_is_valid

from .conftest import SEED, seed_body

PATH = "/v3/payscore/acquiringbank/serviceorder/{}/sync"


def refused(client: WechatPayClient, emulator: Emulator, out_order_no: str, **changes: Any) -> RequestValidationError:
    with pytest.raises(RequestValidationError) as caught:
        sync_service_order.sync_detailed(out_order_no, client=client, body=seed_body(**changes))
    assert emulator.requests == [], "a refused request must not reach the server"
    return caught.value


@pytest.mark.parametrize(
    ("out_order_no", "rule"),
    [
        ("..", "pattern"),
        (".", "pattern"),
        ("a" * 33, "maxLength"),
        ("ABC\n", "pattern"),
        ("订单1", "pattern"),
        ("a/b", "pattern"),
        ("a.b", "pattern"),
        ("a%2Fb", "pattern"),
        ("", "pattern"),
    ],
)
def test_bad_order_numbers(client: WechatPayClient, emulator: Emulator, out_order_no: str, rule: str) -> None:
    error = refused(client, emulator, out_order_no)
    assert error.location == "path"
    assert error.field == "out_order_no"
    assert error.value == out_order_no or out_order_no == ""
    assert any(p.rule.startswith(rule) for p in error.problems)
    assert "out_order_no" in str(error)


def test_dot_dot_names_the_retargeted_path(client: WechatPayClient, emulator: Emulator) -> None:
    error = refused(client, emulator, "..")
    assert "/v3/payscore/acquiringbank/sync" in str(error)


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"detail": {"paid_time": "20091325091210"}}, "/detail/paid_time", "pattern"),
        ({"detail": {"paid_time": "20090230"}}, "/detail/paid_time", "format"),
        ({"detail": {"paid_time": "20090229120000"}}, "/detail/paid_time", "format"),
        ({"detail": {"paid_time": "2009-12-25T09:12:10+08:00"}}, "/detail/paid_time", "pattern"),
        ({"detail": {"paid_time": "20091225246000"}}, "/detail/paid_time", "pattern"),
        ({"service_id": "9" * 33}, "/service_id", "maxLength"),
        ({"sub_mchid": ""}, "/sub_mchid", "minLength"),
        ({"sub_mchid": "19000\U0001f600"}, "/sub_mchid", "pattern"),
        ({"channel_id": "x" * 33}, "/channel_id", "maxLength"),
    ],
)
def test_bad_body_fields(
    client: WechatPayClient, emulator: Emulator, changes: dict[str, Any], field: str, rule: str
) -> None:
    error = refused(client, emulator, SEED.out_order_no, **changes)
    assert (error.location, error.field) == ("body", field)
    assert error.rule.startswith(rule)
    assert field in str(error)


def test_four_byte_characters_are_explained(client: WechatPayClient, emulator: Emulator) -> None:
    error = refused(client, emulator, SEED.out_order_no, sub_mchid="19000\U0001f600")
    assert "4-byte UTF-8" in str(error)


def test_null_is_refused_with_advice(client: WechatPayClient, emulator: Emulator) -> None:
    body = seed_body()
    body.channel_id = None  # type: ignore[assignment]
    with pytest.raises(RequestValidationError) as caught:
        sync_service_order.sync_detailed(SEED.out_order_no, client=client, body=body)
    assert caught.value.field == "/channel_id"
    assert "omit" in str(caught.value)
    assert emulator.requests == []


def test_every_problem_is_reported_at_once(client: WechatPayClient, emulator: Emulator) -> None:
    error = refused(client, emulator, "..")
    assert len(error.problems) == 1
    body = seed_body(service_id="9" * 33)
    body.detail = SyncDetail(paid_time="20091301")
    with pytest.raises(RequestValidationError) as caught:
        sync_service_order.sync_detailed("ok", client=client, body=body)
    fields = {p.field for p in caught.value.problems}
    assert {"/service_id", "/detail/paid_time"} <= fields


def test_unknown_and_missing_fields_through_raw_httpx(client: WechatPayClient, emulator: Emulator) -> None:
    http = client.get_httpx_client()
    payload = seed_body().to_dict()
    payload["refund"] = 1
    del payload["type"]
    with pytest.raises(RequestValidationError) as caught:
        http.post(PATH.format(SEED.out_order_no), json=payload)
    by_field = {p.field: p for p in caught.value.problems}
    assert by_field["/refund"].rule.startswith("additionalProperties")
    assert by_field["/type"].rule == "required: type"
    assert emulator.requests == []


def test_wrong_enum_value_through_raw_httpx(client: WechatPayClient, emulator: Emulator) -> None:
    payload = {**seed_body().to_dict(), "type": "Order_Refunded"}
    with pytest.raises(RequestValidationError, match="enum"):
        client.get_httpx_client().post(PATH.format(SEED.out_order_no), json=payload)
    assert emulator.requests == []


def test_body_that_is_not_json(client: WechatPayClient, emulator: Emulator) -> None:
    with pytest.raises(RequestValidationError, match="not JSON"):
        client.get_httpx_client().post(PATH.format(SEED.out_order_no), content=b"service_id=1")
    assert emulator.requests == []


def test_missing_body(client: WechatPayClient, emulator: Emulator) -> None:
    with pytest.raises(RequestValidationError, match="missing"):
        client.get_httpx_client().post(PATH.format(SEED.out_order_no))
    assert emulator.requests == []


def test_path_no_operation_describes(client: WechatPayClient, emulator: Emulator) -> None:
    with pytest.raises(RequestValidationError, match="no operation of the contract"):
        client.get_httpx_client().delete("/v3/payscore/acquiringbank/serviceorder")
    with pytest.raises(RequestValidationError, match="no operation of the contract"):
        client.get_httpx_client().post("/v3/pay/transactions/native", json={})
    assert emulator.requests == []


def test_undeclared_query_parameter(client: WechatPayClient, emulator: Emulator) -> None:
    with pytest.raises(RequestValidationError) as caught:
        client.get_httpx_client().post(PATH.format(SEED.out_order_no) + "?debug=1", json=seed_body().to_dict())
    assert (caught.value.location, caught.value.field) == ("query", "debug")
    assert emulator.requests == []


def test_valid_edge_values_are_sent(client: WechatPayClient, emulator: Emulator) -> None:
    # 29 February of a leap year and a date-only paid_time are valid; `|` and `*` are allowed in order numbers.
    with pytest.raises(OrderNotFoundError):  # the emulator has no such order; what matters is that it was sent
        sync_service_order.sync_detailed("A|b*-_9", client=client, body=seed_body(detail={"paid_time": "20080229"}))
    (entry,) = emulator.requests
    assert entry.target == PATH.format("A%7Cb%2A-_9")  # the generated client escapes `*` as well: signed as sent


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("20091225091210", True),
        ("20091225", True),
        ("20080229", True),
        ("20000229235959", True),
        ("19000229", False),
        ("20090229", False),
        ("20090431", False),
        ("20091225241210", False),
        ("2009122509121", False),
        ("\uff12\uff10\uff10\uff19\uff11\uff12\uff12\uff15", False),  # full-width digits
    ],
)
def test_paid_time_calendar(value: str, valid: bool) -> None:
    assert paid_time_is_valid(value) is valid


QUERY = "/v3/payscore/acquiringbank/serviceorder"
IDS = {"service_id": SEED.service_id, "sub_mchid": SEED.sub_mchid, "channel_id": SEED.channel_id}


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"out_order_no": SEED.out_order_no, "query_id": "15646546545165651651"},
    ],
    ids=["neither", "both"],
)
def test_query_needs_exactly_one_of_out_order_no_and_query_id(
    client: WechatPayClient, emulator: Emulator, extra: dict[str, str]
) -> None:
    with pytest.raises(RequestValidationError, match="exactly one of out_order_no / query_id") as caught:
        client.get_httpx_client().get(QUERY, params={**IDS, **extra})
    assert caught.value.rule == "x-exactly-one-of: ['out_order_no', 'query_id']"
    assert emulator.requests == []


def test_query_refuses_an_empty_or_repeated_parameter(client: WechatPayClient, emulator: Emulator) -> None:
    with pytest.raises(RequestValidationError, match="out_order_no"):
        client.get_httpx_client().get(QUERY, params={**IDS, "out_order_no": ""})
    with pytest.raises(RequestValidationError, match="given more than once"):
        client.get_httpx_client().get(QUERY, params=[*IDS.items(), ("out_order_no", "A"), ("out_order_no", "B")])
    assert emulator.requests == []
