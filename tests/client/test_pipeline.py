"""The call pipeline, driven by hand: `next(flow)`, `flow.send(result)`, like an httpx auth flow.

Nothing here touches a socket or a clock: each test plays the network's part itself, and reads the actions the
flow asks for (`Send`, `Wait`), in the order the pipeline takes them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Generator
from typing import Any

import httpx
import pytest
from wechatpay_auth import ConfigurationError
from wechatpay_payscore_client import (
    AlreadySyncedError,
    APIConnectionError,
    APITimeoutError,
    OrderAlreadyDoneError,
    OutcomeUnknownError,
    RateLimitedError,
    ReconcilePolicy,
    ReconciliationError,
    RetryPolicy,
    ServerError,
    WechatPayClient,
)
from wechatpay_payscore_client._pipeline import Failed, Send, Sent, Wait

from .conftest import SEED
from .scripted import ORDER_DONE, client_for, signed_answer

PATH = f"/v3/payscore/acquiringbank/serviceorder/{SEED.out_order_no}/sync"
BODY = {
    "service_id": SEED.service_id,
    "sub_mchid": SEED.sub_mchid,
    "channel_id": SEED.channel_id,
    "type": "Order_Paid",
    "detail": {"paid_time": "20091225091210"},
}
Flow = Generator[Any, Any, httpx.Response]


def start(client: WechatPayClient, *, path: str = PATH, body: Any = None) -> Flow:
    request = client.get_httpx_client().build_request("POST", path, json=BODY if body is None else body)
    return client.pipeline.call(request)


def answered(status: int, body: bytes = b"", **headers: str) -> Sent:
    extra: dict[str, Any] = headers
    return Sent(signed_answer(status, body, **extra))


def order(**fields: Any) -> bytes:
    """A query answer for the seeded order, complete as the contract requires."""
    base = {
        "out_order_no": SEED.out_order_no,
        "service_id": SEED.service_id,
        "sub_mchid": SEED.sub_mchid,
        "channel_id": SEED.channel_id,
        "appid": "wxd678efh567hg6787",
        "mchid": "1900000100",
        "service_introduction": "demo",
        "order_id": "3000" + "0" * 27,
    }
    return json.dumps({**base, **fields}).encode()


def finish(flow: Flow, result: Any) -> httpx.Response:
    try:
        flow.send(result)
    except StopIteration as stop:
        response: httpx.Response = stop.value
        return response
    raise AssertionError("the flow went on")


def test_a_verified_204_ends_the_call_after_one_signed_send() -> None:
    flow = start(client_for())
    send = next(flow)
    assert isinstance(send, Send)
    assert send.request.headers["Authorization"].startswith("WECHATPAY2-SHA256-RSA2048 ")
    assert send.bound == "attempt"
    response = finish(flow, answered(204))
    assert response.status_code == 204


def test_every_retry_is_signed_afresh_and_waits_with_full_jitter() -> None:
    flow = start(client_for(retry=RetryPolicy(max_attempts=3, backoff_initial=1.0), rng=lambda: 0.5))
    first = next(flow)
    signatures = [first.request.headers["Authorization"]]
    assert flow.send(answered(500, b'{"code":"SYSTEM_ERROR","message":"busy"}')) == Wait(0.5)
    second = flow.send(None)
    signatures.append(second.request.headers["Authorization"])
    assert flow.send(Failed(httpx.ReadTimeout("lost"))) == Wait(1.0)
    third = flow.send(None)
    signatures.append(third.request.headers["Authorization"])
    with pytest.raises(AlreadySyncedError) as caught:
        flow.send(answered(400, ORDER_DONE))
    assert len(set(signatures)) == 3
    assert [a.outcome for a in caught.value.attempts] == ["unknown", "unknown", "answered"]
    assert caught.value.evidence == "memory"


def test_retry_after_is_honoured_and_capped_by_the_policy() -> None:
    flow = start(client_for(retry=RetryPolicy(max_attempts=3, max_retry_after=20, total_timeout=100)))
    next(flow)
    limited = b'{"code":"FREQUENCY_LIMITED","message":"slow"}'
    assert flow.send(answered(429, limited, **{"Retry-After": "7"})) == Wait(7.0)
    flow.send(None)
    assert flow.send(answered(429, limited, **{"Retry-After": "1e9"})) == Wait(20.0)
    flow.send(None)
    assert finish(flow, answered(204)).status_code == 204


@pytest.mark.parametrize("value", ["inf", "nan", "-5", "soon", "1e400"])
def test_a_hostile_retry_after_never_stalls_the_call(value: str) -> None:
    flow = start(client_for(retry=RetryPolicy(max_attempts=2, backoff_initial=2.0), rng=lambda: 0.5))
    next(flow)
    wait = flow.send(answered(429, b'{"code":"FREQUENCY_LIMITED","message":"slow"}', **{"Retry-After": value}))
    assert isinstance(wait, Wait)
    assert 0 <= wait.seconds <= 1.0


def test_the_exposed_retry_after_is_capped() -> None:
    flow = start(client_for())
    next(flow)
    with pytest.raises(RateLimitedError) as caught:
        flow.send(answered(429, b'{"code":"FREQUENCY_LIMITED","message":"slow"}', **{"Retry-After": "1e9"}))
    assert caught.value.retry_after == 300.0
    assert caught.value.retryable


def test_the_total_budget_stops_retries_that_would_not_fit() -> None:
    now = [0.0]
    flow = start(client_for(retry=RetryPolicy(max_attempts=5, total_timeout=5), monotonic=lambda: now[0]))
    next(flow)
    with pytest.raises(RateLimitedError):
        flow.send(answered(429, b'{"code":"FREQUENCY_LIMITED","message":"slow"}', **{"Retry-After": "10"}))


def test_an_attempt_is_cut_off_at_the_total_budget() -> None:
    now = [0.0]
    flow = start(client_for(retry=RetryPolicy(max_attempts=3, total_timeout=4), monotonic=lambda: now[0]))
    first = next(flow)
    assert first.bound == "total"  # the 10 s timeout does not fit in a 4 s budget


def test_nothing_sent_is_an_api_connection_error_and_leaves_no_doubt() -> None:
    client = client_for()
    flow = start(client)
    next(flow)
    with pytest.raises(APIConnectionError) as caught:
        flow.send(Failed(httpx.ConnectError("refused")))
    assert caught.value.retryable and not caught.value.outcome_unknown
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len(client.pipeline.memory) == 0


def test_a_lost_answer_stays_unknown_through_a_later_connect_error() -> None:
    client = client_for(retry=RetryPolicy(max_attempts=2, backoff_initial=0))
    flow = start(client)
    next(flow)
    assert isinstance(flow.send(Failed(httpx.ReadTimeout("lost"))), Wait)
    flow.send(None)
    with pytest.raises(OutcomeUnknownError) as caught:
        flow.send(Failed(httpx.ConnectError("refused")))
    assert [a.outcome for a in caught.value.attempts] == ["unknown", "not_sent"]
    assert not isinstance(caught.value, APIConnectionError)


def test_a_foreign_exception_after_sending_is_outcome_unknown_chained_to_it() -> None:
    flow = start(client_for())
    next(flow)
    with pytest.raises(OutcomeUnknownError) as caught:
        flow.send(Failed(RuntimeError("Event loop is closed")))
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_no_blind_resend_of_an_unknown_outcome_when_asked() -> None:
    flow = start(client_for(retry=RetryPolicy(max_attempts=3, retry_unknown_outcomes=False)))
    next(flow)
    with pytest.raises(APITimeoutError):
        flow.send(Failed(httpx.ReadTimeout("lost")))


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, SystemExit])
def test_an_interrupted_retry_wait_keeps_the_order_in_doubt(interruption: type[BaseException]) -> None:
    client = client_for(retry=RetryPolicy(max_attempts=3, backoff_initial=1.0))
    flow = start(client)
    next(flow)
    assert isinstance(flow.send(answered(500, b'{"code":"SYSTEM_ERROR","message":"busy"}')), Wait)
    with pytest.raises(interruption):
        flow.throw(interruption())
    # The next call's ORDER_DONE is this client's own lost sync, not somebody else's.
    again = start(client)
    next(again)
    with pytest.raises(AlreadySyncedError) as caught:
        again.send(answered(400, ORDER_DONE))
    assert caught.value.evidence == "memory"


def test_an_interruption_while_the_request_is_on_the_wire_keeps_the_doubt() -> None:
    client = client_for()
    flow = start(client)
    next(flow)
    flow.close()  # what a driver does when a cancellation reaches it mid-send
    again = start(client)
    next(again)
    with pytest.raises(AlreadySyncedError):
        again.send(answered(400, ORDER_DONE))


def test_a_plain_order_done_is_somebody_elses_doing() -> None:
    flow = start(client_for())
    next(flow)
    with pytest.raises(OrderAlreadyDoneError) as caught:
        flow.send(answered(400, ORDER_DONE))
    assert not isinstance(caught.value, AlreadySyncedError)
    assert caught.value.already_done and caught.value.evidence is None


def test_the_backup_takes_over_with_its_own_scheme_host_and_path() -> None:
    client = client_for(
        base_url="https://api.mch.weixin.qq.com/prefix",
        backup_base_url="https://backup.example:8443/other",
        retry=RetryPolicy(max_attempts=2, backoff_initial=0),
    )
    flow = start(client)
    first = next(flow)
    assert str(first.request.url) == f"https://api.mch.weixin.qq.com/prefix{PATH}"
    flow.send(Failed(httpx.ConnectError("refused")))
    second = flow.send(None)
    assert str(second.request.url) == f"https://backup.example:8443/other{PATH}"
    assert second.request.headers["Host"] == "backup.example:8443"
    assert finish(flow, answered(204)).status_code == 204


def test_the_backup_is_not_used_after_an_answer() -> None:
    client = client_for(
        backup_base_url="https://api2.mch.weixin.qq.com", retry=RetryPolicy(max_attempts=2, backoff_initial=0)
    )
    flow = start(client)
    first = next(flow)
    flow.send(answered(500, b"{}"))
    assert flow.send(None).request.url == first.request.url


def test_framing_and_identity_headers_are_the_clients_own() -> None:
    client = client_for()
    request = client.get_httpx_client().build_request(
        "POST",
        PATH,
        json=BODY,
        headers={"Transfer-Encoding": "chunked", "Content-Length": "5", "Host": "evil.example", "Cookie": "a=b"},
    )
    send = next(client.pipeline.call(request))
    assert isinstance(send, Send)
    headers = send.request.headers
    assert "Transfer-Encoding" not in headers and "Cookie" not in headers
    assert headers["Content-Length"] == str(len(send.request.content))
    assert headers["Host"] == "127.0.0.1:9"
    assert json.loads(send.request.content) == BODY


def test_reconciliation_queries_instead_of_resending_blindly() -> None:
    client = client_for(reconcile=ReconcilePolicy(max_queries=1), retry=RetryPolicy(max_attempts=3))
    flow = start(client)
    next(flow)
    query = flow.send(Failed(httpx.ReadTimeout("lost")))
    assert isinstance(query, Send)
    assert query.request.method == "GET"
    assert query.request.url.path == "/v3/payscore/acquiringbank/serviceorder"
    assert query.request.url.params["out_order_no"] == SEED.out_order_no
    assert query.request.content == b""
    ours = {"seq": 1, "paid_type": "MCH", "paid_time": "20091225091210"}
    done = {"state": "DONE", "collection": {"state": "USER_PAID", "details": [ours]}}
    with pytest.raises(AlreadySyncedError) as caught:
        flow.send(answered(200, order(**done)))
    assert caught.value.evidence == "query"


def test_a_query_that_proves_not_applied_leads_to_one_resend() -> None:
    client = client_for(reconcile=ReconcilePolicy(max_queries=1, max_resends=1))
    flow = start(client)
    next(flow)
    flow.send(answered(500, b"{}"))  # a 5xx: the query follows
    doing = {"state": "DOING", "state_description": "MCH_COMPLETE", "collection": {"state": "USER_PAYING"}}
    resend = flow.send(answered(200, order(**doing)))
    assert isinstance(resend, Send)
    assert resend.request.method == "POST"
    assert finish(flow, answered(204)).status_code == 204


def test_a_server_error_is_an_outcome_unknown_error() -> None:
    flow = start(client_for())
    next(flow)
    with pytest.raises(OutcomeUnknownError) as caught:
        flow.send(answered(500, b'{"code":"SYSTEM_ERROR","message":"busy"}'))
    assert isinstance(caught.value, ServerError)
    assert caught.value.outcome_unknown and caught.value.retryable


@pytest.mark.parametrize(
    "kwargs",
    [{"max_attempts": 0}, {"total_timeout": -1}, {"backoff_initial": -0.1}, {"max_retry_after": float("inf")}],
)
def test_nonsense_policies_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError, match=next(iter(kwargs))):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_request_hooks_see_every_attempt_as_signed() -> None:
    seen: list[str] = []
    hook: Callable[[httpx.Request], None] = lambda request: seen.append(request.headers["Authorization"])  # noqa: E731
    flow = start(client_for(request_hooks=[hook], retry=RetryPolicy(max_attempts=2, backoff_initial=0)))
    next(flow)
    flow.send(answered(500, b"{}"))
    flow.send(None)
    finish(flow, answered(204))
    assert len(seen) == 2 and seen[0] != seen[1]


def test_a_query_answer_about_another_order_proves_nothing() -> None:
    client = client_for(reconcile=ReconcilePolicy(max_queries=1))
    flow = start(client)
    next(flow)
    flow.send(Failed(httpx.ReadTimeout("lost")))
    ours = {"seq": 1, "paid_type": "MCH", "paid_time": "20091225091210"}
    someone_else = order(
        out_order_no="SOMEONE_ELSE", state="DONE", collection={"state": "USER_PAID", "details": [ours]}
    )
    with pytest.raises(ReconciliationError, match="another order"):
        flow.send(answered(200, someone_else))


@pytest.mark.parametrize("details", [5, True, "x", {"seq": 1}])
def test_a_query_answer_of_an_odd_shape_is_refused_not_crashed_on(details: Any) -> None:
    flow = start(client_for(reconcile=ReconcilePolicy(max_queries=1)))
    next(flow)
    flow.send(Failed(httpx.ReadTimeout("lost")))
    with pytest.raises(OutcomeUnknownError):
        flow.send(answered(200, order(state="DONE", collection={"state": "USER_PAID", "details": details})))


def test_without_a_retry_policy_only_the_timeout_bounds_the_attempt() -> None:
    send = next(start(client_for(timeout=httpx.Timeout(1.0, read=40.0))))
    assert send.bound == "attempt"
    assert 39 < send.deadline - time.monotonic() <= 40


def test_keeping_error_answers_never_turns_reconciliation_off() -> None:
    flow = start(client_for(reconcile=ReconcilePolicy(max_queries=1), raise_on_api_error=False))
    next(flow)
    query = flow.send(answered(400, ORDER_DONE))
    assert isinstance(query, Send) and query.request.method == "GET"
    ours = {"seq": 1, "paid_type": "MCH", "paid_time": "20091225091210"}
    with pytest.raises(AlreadySyncedError):
        flow.send(answered(200, order(state="DONE", collection={"state": "USER_PAID", "details": [ours]})))


def test_a_hostile_peers_error_text_is_cut_short() -> None:
    flow = start(client_for())
    next(flow)
    with pytest.raises(OutcomeUnknownError) as caught:
        flow.send(Failed(httpx.RemoteProtocolError("illegal header line " + "x" * 90_000)))
    assert len(str(caught.value)) < 2000
    assert all(len(attempt.error or "") < 400 for attempt in caught.value.attempts)
