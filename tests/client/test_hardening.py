"""Hostile answers from a raw-socket server on 127.0.0.1: deadlines, bounded answers and connection hygiene.

Each server is scripted to do what a broken or malicious peer would; every one of them stops by itself within
seconds, and every test asserts what the client concluded, never how long it took.
"""

from __future__ import annotations

import gzip
import sys
import time
import tracemalloc
from typing import Any

import pytest
from wechatpay_emulator import demo
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore_client import (
    APITimeoutError,
    BadRequestError,
    OrderNotFoundError,
    OutcomeUnknownError,
    RetryPolicy,
    ServerError,
    WechatPayClient,
    create_client,
)

from .conftest import SEED, seed_body
from .rawserver import Connection, RawServer, raw_answer, serve

NOT_FOUND = b'{"code":"ORDER_NOT_EXIST","message":"no such order"}'


def ready(server: RawServer, **options: Any) -> WechatPayClient:
    return create_client(
        mchid=demo.DEMO_MCHID,
        serial_no=demo.DEMO_MERCHANT_SERIAL,
        private_key=demo.demo_merchant_private_key_path(),
        wechatpay_public_keys={demo.DEMO_WECHATPAY_PUBLIC_KEY_ID: demo.demo_wechatpay_public_key_path()},
        base_url=server.base_url,
        **options,
    )


def sync(client: WechatPayClient, order: str = SEED.out_order_no) -> Any:
    return sync_service_order.sync_detailed(order, client=client, body=seed_body())


def trickled_204(connection: Connection, _: int) -> None:
    # A valid, signed 204, one byte every 0.2 s: 300 and more bytes take a minute, every read returns at once.
    if connection.read_request() is not None:
        connection.trickle(raw_answer(204), every=0.2)


def endless_continue(connection: Connection, _: int) -> None:
    if connection.read_request() is None:
        return
    for _ in range(300):  # a minute of informational answers, then the server gives up by itself
        if connection.stopped or not connection.send(b"HTTP/1.1 100 Continue\r\n\r\n"):
            return
        time.sleep(0.2)


@pytest.mark.parametrize("script", [trickled_204, endless_continue], ids=["trickled", "endless-100-continue"])
def test_the_timeout_bounds_the_whole_attempt(script: Any) -> None:
    with serve(script) as server, ready(server, timeout=1.0) as client, pytest.raises(APITimeoutError) as caught:
        sync(client)
    assert caught.value.outcome_unknown
    assert caught.value.bound == "attempt"
    assert "client's timeout" in str(caught.value)


def test_total_timeout_bounds_the_call_with_all_its_attempts() -> None:
    with (
        serve(trickled_204) as server,
        ready(server, timeout=2.0, retry=RetryPolicy(max_attempts=5, total_timeout=3, backoff_initial=0)) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        sync(client)
    assert caught.value.bound == "total"
    assert "total_timeout" in str(caught.value)
    assert len(caught.value.attempts) == 2


@pytest.mark.anyio
async def test_the_async_deadline_bounds_a_trickled_answer_too() -> None:
    with serve(trickled_204) as server:
        client = ready(server, timeout=1.0)
        async with client:
            with pytest.raises(APITimeoutError) as caught:
                await sync_service_order.asyncio_detailed(SEED.out_order_no, client=client, body=seed_body())
    assert caught.value.bound == "attempt"


def answering(data: bytes) -> Any:
    def script(connection: Connection, _: int) -> None:
        if connection.read_request() is not None:
            connection.send(data)

    return script


def endless_chunks(connection: Connection, _: int) -> None:
    if connection.read_request() is None:
        return
    head = b"HTTP/1.1 502 Bad Gateway\r\nTransfer-Encoding: chunked\r\n\r\n"
    if not connection.send(head):
        return
    chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
    for _ in range(5000):  # 300 MiB at most, and the client hangs up long before
        if connection.stopped or not connection.send(chunk):
            return


@pytest.mark.parametrize(
    "script",
    [
        answering(raw_answer(400, b'{"code":"PARAM_ERROR","message":"' + b"x" * 10_000_000 + b'"}')),
        answering(raw_answer(502, b"<html>" + b"x" * 10_000_000, signed=False)),
        endless_chunks,
    ],
    ids=["signed-10MB-error", "unsigned-10MB-502", "endless-chunked"],
)
def test_an_oversized_answer_is_refused_before_it_is_read_whole(script: Any) -> None:
    with serve(script) as server, ready(server, timeout=10.0) as client:
        tracemalloc.start()
        try:
            with pytest.raises(OutcomeUnknownError) as caught:
                sync(client)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert "exceeds" in str(caught.value)
    assert peak < 8 * 1024 * 1024
    assert len(str(caught.value)) < 2000


def test_a_compressed_answer_is_refused_not_inflated() -> None:
    bomb = gzip.compress(gzip.compress(b"\0" * 50_000_000))
    data = raw_answer(400, bomb, headers={"Content-Encoding": "gzip"})
    with serve(answering(data)) as server, ready(server) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            sync(client)
        request = server.requests[0].decode("latin-1").lower()
    assert "accept-encoding: identity" in request
    assert "compressed" in str(caught.value)


def test_a_bodiless_answer_that_announces_a_body_never_answers_the_next_call() -> None:
    smuggled = raw_answer(204)  # a genuine signed 204, hidden in the "body" of another 204

    def script(connection: Connection, index: int) -> None:
        while (request := connection.read_request()) is not None:
            if index == 0 and b"/FIRST/" in request:
                head = raw_answer(204, headers={"Content-Length": str(len(smuggled))})
                connection.send(head + smuggled)
            else:
                connection.send(raw_answer(404, NOT_FOUND))

    with serve(script) as server, ready(server) as client:
        assert sync(client, "FIRST").status_code == 204
        with pytest.raises(OrderNotFoundError):
            sync(client, "SECOND")
    assert server.connections == 2  # the poisoned connection was never used again


def test_a_forged_cookie_is_never_sent_back() -> None:
    def script(connection: Connection, _: int) -> None:
        while connection.read_request() is not None:
            connection.send(
                raw_answer(502, b"bad gateway", signed=False, headers={"Set-Cookie": "session=stolen; Path=/"})
            )

    with serve(script) as server, ready(server) as client:
        for _ in range(2):
            with pytest.raises(ServerError):
                sync(client)
    assert all(b"cookie:" not in request.lower() for request in server.requests)


def test_messages_and_bodies_of_hostile_answers_stay_short() -> None:
    data = raw_answer(200, b"y" * 200_000)  # signed, within the cap, not the declared 204
    with serve(answering(data)) as server, ready(server) as client, pytest.raises(OutcomeUnknownError) as caught:
        sync(client)
    assert len(str(caught.value)) < 1000
    assert sys.getsizeof(caught.value.args[0]) < 4096


def stray_answer_after_each(connection: Connection, index: int) -> None:
    # Every answer carries a second, validly signed 204 right behind it in the same write.
    while (request := connection.read_request()) is not None:
        if b"/FIRST/" in request:
            connection.send(raw_answer(400, b'{"code":"PARAM_ERROR","message":"x"}') + raw_answer(204))
        else:
            connection.send(raw_answer(404, NOT_FOUND))


def test_bytes_past_the_end_of_an_answer_never_answer_the_next_call() -> None:
    with serve(stray_answer_after_each) as server, ready(server) as client:
        with pytest.raises(BadRequestError):
            sync(client, "FIRST")
        with pytest.raises(OrderNotFoundError):
            sync(client, "SECOND")
    assert server.connections == 2


@pytest.mark.anyio
async def test_bytes_past_the_end_of_an_answer_never_answer_the_next_async_call() -> None:
    with serve(stray_answer_after_each) as server:
        client = ready(server)
        async with client:
            with pytest.raises(BadRequestError):
                await sync_service_order.asyncio_detailed("FIRST", client=client, body=seed_body())
            with pytest.raises(OrderNotFoundError):
                await sync_service_order.asyncio_detailed("SECOND", client=client, body=seed_body())
    assert server.connections == 2
