"""Every bad input is a `RequestValidationError` (a `WechatPayError`) before anything is sent."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from wechatpay_auth import ConfigurationError, WechatPayError
from wechatpay_emulator import Emulator
from wechatpay_payscore.api.payscore import query_service_order, sync_service_order
from wechatpay_payscore.models import SyncDetail, SyncServiceOrderRequest
from wechatpay_payscore_client import RequestValidationError, WechatPayClient, reconcile_sync
from wechatpay_payscore_client._paid_time import BEIJING

from .conftest import SEED, ClientFactory, seed_body


def _detail(value: Any) -> SyncServiceOrderRequest:
    body = seed_body()
    body.detail = SyncDetail(paid_time=value)
    return body


def _field(name: str, value: Any) -> SyncServiceOrderRequest:
    body = seed_body()
    setattr(body, name, value)
    return body


BAD_CALLS: list[tuple[str, Any, Any]] = [
    ("order number None", None, seed_body),
    ("order number an int", 12345, seed_body),
    ("order number bytes", b"1234", seed_body),
    ("order number with a lone surrogate", "A\udc80B", seed_body),
    ("body None", SEED.out_order_no, lambda: None),
    ("body a dict", SEED.out_order_no, lambda: seed_body().to_dict()),
    ("paid_time NaN", SEED.out_order_no, lambda: _detail(float("nan"))),
    ("paid_time bytes", SEED.out_order_no, lambda: _detail(b"20091225091210")),
    ("paid_time an object", SEED.out_order_no, lambda: _detail(object())),
    ("sub_mchid with a lone surrogate", SEED.out_order_no, lambda: _field("sub_mchid", "19\ud800")),
    ("detail a dict", SEED.out_order_no, lambda: _field("detail", {"paid_time": "20091225091210"})),
    ("paid_time in 2099", SEED.out_order_no, lambda: _detail("20991225091210")),
]


@pytest.mark.parametrize(("order", "body"), [row[1:] for row in BAD_CALLS], ids=[row[0] for row in BAD_CALLS])
def test_bad_sync_input_is_refused_before_sending(
    client: WechatPayClient, emulator: Emulator, order: Any, body: Any
) -> None:
    with pytest.raises(RequestValidationError) as caught:
        sync_service_order.sync_detailed(order, client=client, body=body())
    assert isinstance(caught.value, WechatPayError)
    assert not caught.value.retryable and not caught.value.outcome_unknown
    assert emulator.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(("order", "body"), [row[1:] for row in BAD_CALLS], ids=[row[0] for row in BAD_CALLS])
async def test_bad_async_sync_input_is_refused_before_sending(
    client: WechatPayClient, emulator: Emulator, order: Any, body: Any
) -> None:
    with pytest.raises(RequestValidationError):
        await sync_service_order.asyncio_detailed(order, client=client, body=body())
    assert emulator.requests == []
    await client.aclose()


def test_a_paid_time_just_now_is_accepted(client: WechatPayClient, emulator: Emulator) -> None:
    now = datetime.datetime.now(tz=BEIJING).strftime("%Y%m%d%H%M%S")
    response = sync_service_order.sync_detailed(SEED.out_order_no, client=client, body=_detail(now))
    assert response.status_code == 204


def test_the_future_paid_time_message_names_the_rule(client: WechatPayClient) -> None:
    with pytest.raises(RequestValidationError) as caught:
        sync_service_order.sync_detailed(SEED.out_order_no, client=client, body=_detail("20991225"))
    assert caught.value.field == "/detail/paid_time"
    assert "future" in str(caught.value)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"out_order_no": SEED.out_order_no, "query_id": "Q1"}, {"out_order_no": None}, {"query_id": "Q\udc80"}],
    ids=["neither", "both", "none", "surrogate"],
)
def test_bad_query_input_is_refused_before_sending(
    client: WechatPayClient, emulator: Emulator, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(RequestValidationError):
        query_service_order.sync_detailed(
            client=client,
            service_id=SEED.service_id,
            sub_mchid=SEED.sub_mchid,
            channel_id=SEED.channel_id or "",
            **kwargs,
        )
    assert emulator.requests == []


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Trace": "a\r\nInjected: 1"},
        {"X-Trace": "a\nb"},
        {"X-Trace": "nul\0"},
        {"X-Trace": "中文"},
        {"Bad Name": "x"},
    ],
)
def test_bad_configured_headers_are_refused_at_construction(
    make_client: ClientFactory, headers: dict[str, str]
) -> None:
    with pytest.raises(ConfigurationError):
        make_client(headers=headers)


@pytest.mark.parametrize("name", ["Content-Length", "Transfer-Encoding", "Host", "Authorization"])
def test_framing_and_identity_headers_are_the_clients_alone(make_client: ClientFactory, name: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        make_client(headers={name: "1"})
    with pytest.raises(ConfigurationError, match=name):
        make_client().with_headers({name: "1"})


@pytest.mark.parametrize(
    ("order", "body"),
    [(None, seed_body), (5, seed_body), (SEED.out_order_no, lambda: None), (SEED.out_order_no, lambda: "abc")],
    ids=["order None", "order int", "body None", "body str"],
)
def test_bad_reconcile_arguments_are_refused_before_sending(
    client: WechatPayClient, emulator: Emulator, order: Any, body: Any
) -> None:
    with pytest.raises(RequestValidationError):
        reconcile_sync(client, order, body())
    assert emulator.requests == []


@pytest.mark.parametrize(
    "option",
    [
        {"retry": "x"},
        {"retry": {"max_attempts": 3}},
        {"reconcile": "no"},
        {"raise_on_api_error": "no"},
        {"limits": "x"},
        {"request_hooks": "ab"},
        {"response_hooks": [1]},
        {"verify": "/nonexistent/ca.pem"},
        {"max_response_bytes": 10},
    ],
    ids=lambda option: next(iter(option)),
)
def test_options_of_the_wrong_type_are_refused_at_construction(
    make_client: ClientFactory, option: dict[str, Any]
) -> None:
    with pytest.raises(ConfigurationError, match=next(iter(option))):
        make_client(**option)
