"""Answers the emulator does not give: a scripted WeChat Pay behind `httpx.MockTransport`, signing with the TEST-ONLY
demo key, drives the ready client (generated functions, contract auth, transports) through odd and hostile cases."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import pytest
from wechatpay_auth import ProbeSignatureError, verification_of
from wechatpay_emulator import demo
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore_client import (
    AlreadySyncedError,
    APITimeoutError,
    BadRequestError,
    ClientSettings,
    ConfigurationError,
    OrderAlreadyDoneError,
    OutcomeUnknownError,
    RateLimitedError,
    RetryPolicy,
    Seams,
    ServerError,
    UnexpectedResponseError,
    UnverifiedResponseError,
)

from .conftest import SEED, seed_body
from .scripted import ORDER_DONE, call, client_for, fast, scripted


def test_answer_after_a_lost_attempt_keeps_the_outcome_unknown(answer: Callable[..., httpx.Response]) -> None:
    handler, _ = scripted(
        httpx.ReadTimeout("scripted"),
        lambda r: answer(429, b'{"code":"FREQUENCY_LIMITED","message":"slow"}'),
        lambda r: answer(429, b'{"code":"FREQUENCY_LIMITED","message":"slow"}'),
        lambda r: answer(400, ORDER_DONE),
    )
    client = client_for(handler, retry=fast(max_attempts=3))
    with pytest.raises(RateLimitedError) as caught:
        call(client)
    assert caught.value.outcome_unknown
    assert caught.value.earlier_outcome_unknown
    assert "query the order before any retry" in str(caught.value)
    # The client remembers: the next call's ORDER_DONE is this sync's success, not somebody else's.
    with pytest.raises(AlreadySyncedError):
        call(client)


def test_plain_rejection_is_not_outcome_unknown(answer: Callable[..., httpx.Response]) -> None:
    handler, _ = scripted(lambda r: answer(429, b'{"code":"FREQUENCY_LIMITED","message":"slow"}'))
    with pytest.raises(RateLimitedError) as caught:
        call(client_for(handler))
    assert not caught.value.outcome_unknown


def test_body_that_cannot_be_decoded_is_outcome_unknown(answer: Callable[..., httpx.Response]) -> None:
    handler, _ = scripted(
        lambda r: answer(204, b"not gzip at all", **{"Content-Encoding": "gzip"}),
        lambda r: answer(400, ORDER_DONE),
    )
    client = client_for(handler)
    with pytest.raises(OutcomeUnknownError) as caught:
        call(client)
    assert isinstance(caught.value.__cause__, httpx.DecodingError)
    with pytest.raises(AlreadySyncedError):
        call(client)


@pytest.mark.parametrize("keep", [True, False])
def test_deeply_nested_json_is_typed(answer: Callable[..., httpx.Response], keep: bool) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    handler, _ = scripted(lambda r: answer(502, deep, signed=False))
    with pytest.raises(ServerError) as caught:
        call(client_for(handler, raise_on_api_error=keep))
    assert caught.value.code is None


@pytest.mark.parametrize("keep", [True, False])
def test_unsigned_order_done_is_not_trusted(answer: Callable[..., httpx.Response], keep: bool) -> None:
    handler, _ = scripted(lambda r: answer(400, ORDER_DONE, signed=False))
    with pytest.raises(UnverifiedResponseError) as caught:
        call(client_for(handler, raise_on_api_error=keep))
    assert OrderAlreadyDoneError not in type(caught.value).__mro__
    assert caught.value.verified is False
    assert caught.value.outcome_unknown
    # What the unsigned body claimed is kept apart, never taken for WeChat Pay's code.
    assert caught.value.claimed_code == "ORDER_DONE"
    assert not hasattr(caught.value, "code")
    assert "UNSIGNED" in str(caught.value)


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (499, b'{"code":"X","message":"y"}', UnexpectedResponseError),
        (200, b'{"ok":true}', UnexpectedResponseError),
        (400, b'{"code":1}', BadRequestError),
        (400, b"\xff\xfe not utf-8", BadRequestError),
        (520, b"<html>origin error</html>", ServerError),
    ],
)
@pytest.mark.parametrize("keep", [True, False])
def test_odd_signed_answers_never_crash_the_generated_parser(
    answer: Callable[..., httpx.Response], status: int, body: bytes, expected: type[Exception], keep: bool
) -> None:
    handler, _ = scripted(lambda r: answer(status, body))
    with pytest.raises(expected) as caught:
        call(client_for(handler, raise_on_api_error=keep))
    assert getattr(caught.value, "verified", None) is True


def test_a_204_with_a_body_is_still_a_success(answer: Callable[..., httpx.Response]) -> None:
    handler, _ = scripted(lambda r: answer(204, b'{"unexpected":true}'))
    response = call(client_for(handler))
    assert response.status_code == 204
    assert response.parsed is None


def test_no_retry_after_a_lost_answer_when_asked(answer: Callable[..., httpx.Response]) -> None:
    handler, seen = scripted(httpx.ReadTimeout("scripted"), lambda r: answer(204))
    with pytest.raises(APITimeoutError):
        call(client_for(handler, retry=fast(max_attempts=3, retry_unknown_outcomes=False)))
    assert len(seen) == 1


def test_connect_errors_are_still_retried_when_lost_answers_are_not(answer: Callable[..., httpx.Response]) -> None:
    handler, seen = scripted(httpx.ConnectError("scripted"), lambda r: answer(204))
    assert call(client_for(handler, retry=fast(max_attempts=2, retry_unknown_outcomes=False))).status_code == 204
    assert len(seen) == 2


# --- hooks -------------------------------------------------------------------------------------------------------


def test_response_hooks_see_only_verified_answers(answer: Callable[..., httpx.Response]) -> None:
    seen: list[bool] = []

    def hook(response: httpx.Response) -> None:
        verification = verification_of(response)
        seen.append(bool(verification and verification.verified))

    probe = answer(204)
    probe.headers["Wechatpay-Signature"] = "WECHATPAY/SIGNTEST/x"
    handler, _ = scripted(lambda r: probe, lambda r: answer(204))
    client = client_for(handler, response_hooks=[hook])
    with pytest.raises(UnverifiedResponseError) as caught:
        call(client)
    assert isinstance(caught.value.verification_error, ProbeSignatureError)
    assert seen == []
    call(client)
    assert seen == [True]


def test_request_hooks_see_the_signed_request(answer: Callable[..., httpx.Response]) -> None:
    seen: list[str] = []
    handler, _ = scripted(lambda r: answer(204))
    call(client_for(handler, request_hooks=[lambda request: seen.append(request.headers["Authorization"])]))
    assert seen[0].startswith("WECHATPAY2-SHA256-RSA2048 mchid=")


# --- the client object -------------------------------------------------------------------------------------------


def test_copies_leave_the_original_alone(answer: Callable[..., httpx.Response]) -> None:
    handler, seen = scripted(lambda r: answer(204), lambda r: answer(204))
    original = client_for(handler)
    call(original)
    copy = original.with_headers({"X-Tag": "copy"}).with_timeout(httpx.Timeout(2.0))
    call(original)
    assert "X-Tag" not in seen[-1].headers
    assert original.get_httpx_client().timeout.read == 10.0
    assert copy.get_httpx_client().timeout.read == 2.0
    assert copy.get_httpx_client().headers["X-Tag"] == "copy"


def test_copies_keep_the_timeout_finite() -> None:
    with pytest.raises(ConfigurationError, match="finite"):
        client_for().with_timeout(httpx.Timeout(None))


@pytest.mark.parametrize(
    "timeout", [None, 0, -1, float("inf"), float("nan"), httpx.Timeout(5.0, read=None), httpx.Timeout(float("inf"))]
)
def test_timeouts_must_be_finite(timeout: Any) -> None:
    with pytest.raises(ConfigurationError, match="finite"):
        client_for(timeout=timeout)


@pytest.mark.parametrize("kwargs", [{"total_timeout": float("nan")}, {"backoff_max": float("inf")}])
def test_retry_policy_must_be_finite(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError, match="finite"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_httpx_client_is_built_once_under_concurrency() -> None:
    client = client_for()
    barrier = threading.Barrier(8)
    built: list[httpx.Client] = []

    def first_use() -> None:
        barrier.wait()
        built.append(client.get_httpx_client())

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in built}) == 1


def test_client_can_be_entered_again(answer: Callable[..., httpx.Response]) -> None:
    handler, _ = scripted(lambda r: answer(204), lambda r: answer(204))
    client = client_for(handler)
    with client:
        call(client)
    with client:
        assert call(client).status_code == 204


@pytest.mark.anyio
async def test_async_client_can_be_entered_again(answer: Callable[..., httpx.Response]) -> None:
    handler, _ = scripted(lambda r: answer(204), lambda r: answer(204))
    client = client_for(async_transport=httpx.MockTransport(handler))
    for _ in range(2):
        async with client:
            response = await sync_service_order.asyncio_detailed(SEED.out_order_no, client=client, body=seed_body())
            assert response.status_code == 204


@pytest.mark.anyio
async def test_cancelled_async_call_is_remembered_as_outcome_unknown(answer: Callable[..., httpx.Response]) -> None:
    started = asyncio.Event()
    calls = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            started.set()
            await asyncio.sleep(30)  # WeChat Pay is slow; the caller gives up first
        return answer(400, ORDER_DONE)

    client = client_for(async_transport=httpx.MockTransport(handler))
    async with client:
        task = asyncio.create_task(
            sync_service_order.asyncio_detailed(SEED.out_order_no, client=client, body=seed_body())
        )
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        with pytest.raises(AlreadySyncedError):
            await sync_service_order.asyncio_detailed(SEED.out_order_no, client=client, body=seed_body())


def test_settings_options_override_the_settings(answer: Callable[..., httpx.Response]) -> None:
    handler, _ = scripted(lambda r: answer(204))
    settings = ClientSettings(
        mchid=demo.DEMO_MCHID,
        serial_no=demo.DEMO_MERCHANT_SERIAL,
        private_key=str(demo.demo_merchant_private_key_path()),
        public_key_id=demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
        public_key=str(demo.demo_wechatpay_public_key_path()),
    )
    client = settings.create_client(timeout=3.0, seams=Seams(transport=httpx.MockTransport(handler)))
    assert client.get_httpx_client().timeout.read == 3.0
    assert call(client).status_code == 204
    with pytest.raises(ConfigurationError, match="max_attempts"):
        attrs.evolve(settings, max_attempts=0).create_client()
