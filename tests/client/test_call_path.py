"""The call path through real parts: each answer an earlier version of the client misread, and what it means now."""

from __future__ import annotations

import asyncio
import concurrent.futures
import pickle
import time
from typing import Any

import httpx
import pytest
from wechatpay_auth import ConfigurationError, WechatPayError
from wechatpay_emulator import Emulator, Fault
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore.models import SyncDetail, SyncServiceOrderRequest
from wechatpay_payscore_client import (
    AlreadySyncedError,
    APIConnectionError,
    APITimeoutError,
    Attempt,
    EndpointNotFoundError,
    OrderAlreadyDoneError,
    OrderNotFoundError,
    OutcomeUnknownError,
    RequestValidationError,
    RetryPolicy,
    ServerError,
    UnexpectedResponseError,
    UnverifiedResponseError,
    ValidationProblem,
    WechatPayAPIError,
    WechatPayClient,
)

from .conftest import SEED, ClientFactory, seed_body
from .scripted import ORDER_DONE, call, client_for, scripted, signed_answer


def test_interrupted_retry_wait_after_a_signed_5xx_keeps_the_doubt() -> None:
    def interrupt(_: float) -> None:
        raise KeyboardInterrupt

    handler, _ = scripted(
        lambda r: signed_answer(500, b'{"code":"SYSTEM_ERROR","message":"busy"}'),
        lambda r: signed_answer(400, ORDER_DONE),
    )
    client = client_for(handler, retry=RetryPolicy(max_attempts=3), sleep=interrupt)
    with pytest.raises(KeyboardInterrupt):
        call(client)
    with pytest.raises(AlreadySyncedError):
        call(client)


@pytest.mark.parametrize("status", [200, 201, 202])
def test_a_signed_2xx_that_is_not_the_204_is_outcome_unknown_and_remembered(status: int) -> None:
    handler, _ = scripted(lambda r: signed_answer(status, b'{"ok":true}'), lambda r: signed_answer(400, ORDER_DONE))
    client = client_for(handler)
    with pytest.raises(UnexpectedResponseError) as caught:
        call(client)
    assert caught.value.outcome_unknown and caught.value.verified
    with pytest.raises(AlreadySyncedError):
        call(client)


@pytest.mark.parametrize("status", [302, 401, 403, 404, 409, 429])
def test_an_unsigned_answer_of_any_status_is_outcome_unknown(status: int) -> None:
    body = b'{"code":"SIGN_ERROR","message":"forged"}'
    handler, _ = scripted(lambda r: signed_answer(status, body, signed=False, Location="https://evil.example/"))
    with pytest.raises(UnverifiedResponseError) as caught:
        call(client_for(handler))
    error = caught.value
    assert error.outcome_unknown and error.verified is False
    assert error.claimed_code == "SIGN_ERROR"
    assert WechatPayAPIError not in type(error).__mro__
    assert "UNSIGNED" in str(error) and "SIGN_ERROR" in str(error)


@pytest.mark.anyio
async def test_one_client_serves_one_event_loop_after_another(make_client: ClientFactory, emulator: Emulator) -> None:
    client = make_client()

    async def sync() -> int:
        response = await sync_service_order.asyncio_detailed(SEED.out_order_no, client=client, body=seed_body())
        return int(response.status_code)

    # This test's own loop first, then a fresh loop in a thread: the pool of the first cannot serve the second.
    assert await sync() == 204
    emulator.reset()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        status = await asyncio.get_running_loop().run_in_executor(pool, lambda: asyncio.run(sync()))
    assert status == 204
    await client.aclose()


def test_two_asyncio_runs_in_a_row(make_client: ClientFactory, emulator: Emulator) -> None:
    client = make_client()

    async def sync() -> int:
        response = await sync_service_order.asyncio_detailed(SEED.out_order_no, client=client, body=seed_body())
        return int(response.status_code)

    with client:
        assert asyncio.run(sync()) == 204
        emulator.reset()
        assert asyncio.run(sync()) == 204


def _errors() -> list[WechatPayError]:
    request = httpx.Request("POST", "https://api.mch.weixin.qq.com/v3/payscore/acquiringbank/serviceorder/A/sync")
    attempts = [Attempt(1, "unknown", error="ReadTimeout: lost")]
    problem = ValidationProblem("body", "/detail/paid_time", "2099", "pattern", "bad")
    api: dict[str, Any] = {
        "status_code": 400,
        "code": "ORDER_DONE",
        "wechat_message": "done",
        "request_id": "RID-1",
        "request": request,
        "attempts": attempts,
    }
    return [
        RequestValidationError([problem], method="POST", path="/x"),
        APIConnectionError("unreachable", request=request, attempts=attempts),
        APITimeoutError("lost", request=request, attempts=attempts, request_id="RID-2"),
        UnverifiedResponseError("forged", request=request, attempts=attempts),
        OrderAlreadyDoneError("done", **api),
        AlreadySyncedError("synced", evidence="memory", already_done=True, **api),
        ServerError("busy", **{**api, "status_code": 500, "code": "SYSTEM_ERROR"}, outcome_unknown=True),
        OrderNotFoundError("none", **{**api, "status_code": 404, "code": "ORDER_NOT_EXIST"}, not_found=True),
    ]


@pytest.mark.parametrize("error", _errors(), ids=lambda e: type(e).__name__)
def test_every_error_pickles_into_the_same_class_with_the_same_fields(error: WechatPayError) -> None:
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    for name in ("retryable", "outcome_unknown", "already_done", "not_found"):
        assert getattr(copy, name) == getattr(error, name), name
    for name in ("status_code", "code", "request_id", "attempts", "evidence", "problems"):
        assert getattr(copy, name, None) == getattr(error, name, None), name
    assert getattr(copy, "request", None) is None  # process-local, and it carries the signature


def _lost_in_a_worker() -> None:
    handler, _ = scripted(httpx.ReadTimeout("lost"))
    call(client_for(handler))


def test_an_outcome_unknown_raised_in_a_worker_process_reaches_the_parent() -> None:
    with concurrent.futures.ProcessPoolExecutor(1) as pool:
        future = pool.submit(_lost_in_a_worker)
        with pytest.raises(APITimeoutError) as caught:
            future.result(timeout=60)
    assert caught.value.outcome_unknown
    assert [a.outcome for a in caught.value.attempts] == ["unknown"]


def test_a_wrong_base_path_is_not_no_such_order(make_client: ClientFactory, base_url: str) -> None:
    client = make_client(base_url=base_url + "/v3")
    with pytest.raises(EndpointNotFoundError) as caught:
        call(client)
    assert not isinstance(caught.value, OrderNotFoundError)
    assert not caught.value.not_found
    assert "base_url" in str(caught.value)


def test_a_server_error_is_an_outcome_unknown_error_too(make_client: ClientFactory, emulator: Emulator) -> None:
    emulator.inject(Fault.system_error(), times=1)
    with pytest.raises(OutcomeUnknownError) as caught:
        call(make_client())
    assert isinstance(caught.value, ServerError) and caught.value.outcome_unknown


def test_the_predicates_answer_on_every_error_and_are_per_instance() -> None:
    for error in _errors():
        for name in ("retryable", "outcome_unknown", "already_done", "not_found"):
            assert isinstance(getattr(error, name), bool)
            assert name in vars(error), (type(error).__name__, name)
    assert ConfigurationError("x").retryable is False


@pytest.mark.parametrize("method", ["set_httpx_client", "set_async_httpx_client"])
def test_the_pipeline_cannot_be_stripped(method: str) -> None:
    client = client_for()
    replacement: Any = httpx.Client() if method == "set_httpx_client" else httpx.AsyncClient()
    with pytest.raises(ConfigurationError, match="pipeline"):
        getattr(client, method)(replacement)
    assert client.get_httpx_client().auth is None  # the pipeline is the transport, not an auth
    assert type(client.get_httpx_client()._transport).__name__ == "PipelineTransport"


def test_a_misspelt_field_is_refused_before_anything_is_sent(emulator: Emulator) -> None:
    with pytest.raises((ValueError, TypeError), match="chanel_id"):
        SyncServiceOrderRequest.from_dict(
            {
                "service_id": SEED.service_id,
                "sub_mchid": SEED.sub_mchid,
                "chanel_id": SEED.channel_id,
                "type": "Order_Paid",
                "detail": {"paid_time": "20091225091210"},
            }
        )
    assert emulator.requests == []


def test_type_defaults_to_order_paid_and_is_still_sent(client: WechatPayClient, emulator: Emulator) -> None:
    body = SyncServiceOrderRequest(
        service_id=SEED.service_id,
        sub_mchid=SEED.sub_mchid,
        channel_id=SEED.channel_id or "",
        detail=SyncDetail(paid_time="20091225091210"),
    )
    assert body.to_dict()["type"] == "Order_Paid"
    assert sync_service_order.sync_detailed(SEED.out_order_no, client=client, body=body).status_code == 204


def _respelled(signature: str) -> str:
    # The last Base64 data character of a 256-byte signature carries 4 unused bits: flip one, same bytes.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    index = alphabet.index(signature[-3])
    return signature[:-3] + alphabet[index ^ 1] + signature[-2:]


def test_a_replayed_answer_is_refused_however_its_signature_is_spelt() -> None:
    captured = signed_answer(204)
    spellings = iter([captured.headers["Wechatpay-Signature"], _respelled(captured.headers["Wechatpay-Signature"])])

    def handler(request: httpx.Request) -> httpx.Response:
        headers = dict(captured.headers)
        headers["wechatpay-signature"] = next(spellings)
        return httpx.Response(204, headers=headers)

    client = client_for(handler)
    assert call(client).status_code == 204
    with pytest.raises(UnverifiedResponseError) as caught:
        call(client)
    assert caught.value.outcome_unknown


@pytest.mark.anyio
async def test_a_concurrent_refusal_never_clears_another_calls_doubt() -> None:
    from .rawserver import Connection, raw_answer, serve

    arrived: list[int] = []

    def script(connection: Connection, _: int) -> None:
        while (request := connection.read_request()) is not None:
            arrived.append(len(arrived) + 1)
            if len(arrived) == 1:  # the first call: a slow, signed refusal
                time.sleep(0.5)
                connection.send(raw_answer(400, b'{"code":"PARAM_ERROR","message":"x"}'))
            elif len(arrived) == 2:  # the second call: applied, and its answer lost
                return
            else:  # any later call: the order is DONE, by that second call
                connection.send(raw_answer(400, ORDER_DONE))
            del request

    async def one(delay: float) -> BaseException | None:
        await asyncio.sleep(delay)
        try:
            await sync_service_order.asyncio_detailed(SEED.out_order_no, client=client, body=seed_body())
        except WechatPayError as exc:
            return exc
        return None

    with serve(script) as server:
        client = client_for(None, base_url=server.base_url, timeout=5.0)
        refused, lost = await asyncio.gather(one(0), one(0.2))
        assert isinstance(refused, WechatPayAPIError) and not refused.outcome_unknown
        assert isinstance(lost, OutcomeUnknownError)
        with pytest.raises(AlreadySyncedError):
            await sync_service_order.asyncio_detailed(SEED.out_order_no, client=client, body=seed_body())
        await client.aclose()
