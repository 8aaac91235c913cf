"""Retry decisions and outcome tracking of the transports, driven with a scripted inner transport.

Sleep, clock and jitter are injected: these tests never wait and never read the real clock.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from wechatpay_auth import ConfigurationError
from wechatpay_payscore_client import (
    ATTEMPTS_EXTENSION,
    APIConnectionError,
    APITimeoutError,
    AsyncRetryingTransport,
    OutcomeUnknownError,
    RetryingTransport,
    RetryPolicy,
)

URL = "https://api.mch.weixin.qq.com/v3/payscore/acquiringbank/serviceorder/A1/sync"
Step = Callable[[httpx.Request], httpx.Response]


def answer(status: int, **headers: str) -> Step:
    return lambda request: httpx.Response(status, headers=headers, request=request)


def fail(exc_type: type[httpx.TransportError]) -> Step:
    def step(request: httpx.Request) -> httpx.Response:
        raise exc_type("scripted failure", request=request)

    return step


class Script:
    """An inner transport that plays one step per attempt and records what it was sent."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.seen: list[tuple[str, str | None]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((str(request.url), request.headers.get("Authorization")))
        return self.steps.pop(0)(request)


class Recorder:
    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.signed = 0
        self.unknown: list[str] = []
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def clock(self) -> float:
        return self.now

    def resign(self, request: httpx.Request) -> None:
        self.signed += 1
        request.headers["Authorization"] = f"signature #{self.signed + 1}"

    def mark_unknown(self, request: httpx.Request) -> None:
        self.unknown.append(request.url.path)


def transport(script: Script, rec: Recorder, policy: RetryPolicy, **kwargs: object) -> RetryingTransport:
    return RetryingTransport(
        httpx.MockTransport(script),
        policy=policy,
        resign=rec.resign,
        sleep=rec.sleep,
        clock=rec.clock,
        rng=lambda: 0.5,
        on_outcome_unknown=rec.mark_unknown,
        **kwargs,  # type: ignore[arg-type]
    )


def send(t: httpx.BaseTransport) -> httpx.Response:
    request = httpx.Request("POST", URL, headers={"Authorization": "signature #1"}, content=b"{}")
    return t.handle_request(request)


def test_success_is_one_attempt_recorded_on_the_response() -> None:
    script, rec = Script(answer(204)), Recorder()
    response = send(transport(script, rec, RetryPolicy(max_attempts=3)))
    assert response.status_code == 204
    (attempt,) = response.extensions[ATTEMPTS_EXTENSION]
    assert (attempt.number, attempt.outcome, attempt.status_code) == (1, "answered", 204)
    assert rec.sleeps == []
    assert rec.signed == 0


def test_5xx_then_success_is_retried_and_every_retry_is_resigned() -> None:
    script, rec = Script(answer(500), answer(503), answer(204)), Recorder()
    response = send(transport(script, rec, RetryPolicy(max_attempts=3, backoff_initial=1.0)))
    assert response.status_code == 204
    assert [a.outcome for a in response.extensions[ATTEMPTS_EXTENSION]] == ["unknown", "unknown", "answered"]
    assert [auth for _, auth in script.seen] == ["signature #1", "signature #2", "signature #3"]
    # full jitter with rng=0.5: half of 1 s, then half of 2 s
    assert rec.sleeps == [0.5, 1.0]


def test_retry_after_is_honoured_and_capped() -> None:
    script, rec = (
        Script(answer(429, **{"Retry-After": "7"}), answer(429, **{"Retry-After": "90"}), answer(204)),
        Recorder(),
    )
    send(transport(script, rec, RetryPolicy(max_attempts=3, max_retry_after=20, total_timeout=100)))
    assert rec.sleeps == [7.0, 20.0]


def test_unparsable_retry_after_falls_back_to_backoff() -> None:
    script, rec = Script(answer(429, **{"Retry-After": "soon"}), answer(204)), Recorder()
    send(transport(script, rec, RetryPolicy(max_attempts=2, backoff_initial=2.0)))
    assert rec.sleeps == [1.0]


def test_attempts_are_bounded_and_the_last_answer_is_returned() -> None:
    script, rec = Script(answer(500), answer(500)), Recorder()
    response = send(transport(script, rec, RetryPolicy(max_attempts=2)))
    assert response.status_code == 500
    assert len(response.extensions[ATTEMPTS_EXTENSION]) == 2
    assert script.steps == []


def test_total_time_budget_stops_retries() -> None:
    script, rec = Script(answer(429, **{"Retry-After": "10"}), answer(204)), Recorder()
    response = send(transport(script, rec, RetryPolicy(max_attempts=5, total_timeout=5)))
    assert response.status_code == 429
    assert rec.sleeps == []


def test_4xx_is_never_retried() -> None:
    script, rec = Script(answer(400), answer(204)), Recorder()
    assert send(transport(script, rec, RetryPolicy(max_attempts=3))).status_code == 400
    assert len(script.seen) == 1


def test_connect_error_is_typed_as_nothing_sent() -> None:
    script, rec = Script(fail(httpx.ConnectError)), Recorder()
    with pytest.raises(APIConnectionError) as caught:
        send(transport(script, rec, RetryPolicy(max_attempts=1)))
    assert caught.value.retryable and not caught.value.outcome_unknown
    assert "Nothing was sent" in str(caught.value)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert rec.unknown == []


def test_read_timeout_is_typed_as_outcome_unknown_and_remembered() -> None:
    script, rec = Script(fail(httpx.ReadTimeout)), Recorder()
    with pytest.raises(APITimeoutError) as caught:
        send(transport(script, rec, RetryPolicy(max_attempts=1)))
    assert caught.value.outcome_unknown
    assert "query the order" in str(caught.value)
    assert rec.unknown == ["/v3/payscore/acquiringbank/serviceorder/A1/sync"]


def test_dropped_connection_is_outcome_unknown() -> None:
    script, rec = Script(fail(httpx.RemoteProtocolError)), Recorder()
    with pytest.raises(OutcomeUnknownError) as caught:
        send(transport(script, rec, RetryPolicy(max_attempts=1)))
    assert not isinstance(caught.value, APITimeoutError)
    assert [a.outcome for a in caught.value.attempts] == ["unknown"]


def test_unknown_outcome_is_not_forgotten_by_a_later_connect_error() -> None:
    script, rec = Script(fail(httpx.ReadTimeout), fail(httpx.ConnectError)), Recorder()
    with pytest.raises(OutcomeUnknownError) as caught:
        send(transport(script, rec, RetryPolicy(max_attempts=2)))
    assert [a.outcome for a in caught.value.attempts] == ["unknown", "not_sent"]


def test_connect_error_then_success() -> None:
    script, rec = Script(fail(httpx.ConnectError), answer(204)), Recorder()
    response = send(transport(script, rec, RetryPolicy(max_attempts=2)))
    assert [a.outcome for a in response.extensions[ATTEMPTS_EXTENSION]] == ["not_sent", "answered"]


def test_unusable_request_is_not_retried() -> None:
    script, rec = Script(fail(httpx.UnsupportedProtocol), answer(204)), Recorder()
    with pytest.raises(APIConnectionError):
        send(transport(script, rec, RetryPolicy(max_attempts=3)))
    assert len(script.seen) == 1


def test_backup_host_takes_over_after_a_connect_failure() -> None:
    script, rec = Script(fail(httpx.ConnectError), answer(204)), Recorder()
    send(transport(script, rec, RetryPolicy(max_attempts=2), backup_base_url="https://api2.mch.weixin.qq.com"))
    assert [url for url, _ in script.seen] == [URL, URL.replace("api.mch", "api2.mch")]


def test_backup_host_is_not_used_after_an_answer() -> None:
    script, rec = Script(answer(500), answer(204)), Recorder()
    send(transport(script, rec, RetryPolicy(max_attempts=2), backup_base_url="https://api2.mch.weixin.qq.com"))
    assert [url for url, _ in script.seen] == [URL, URL]


@pytest.mark.parametrize(
    "kwargs", [{"max_attempts": 0}, {"total_timeout": -1}, {"backoff_initial": -0.1}, {"max_retry_after": -5}]
)
def test_nonsense_policies_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError, match=next(iter(kwargs))):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_async_transport_shares_the_decisions() -> None:
    script, rec = Script(fail(httpx.ReadTimeout), answer(500), answer(204)), Recorder()
    t = AsyncRetryingTransport(
        httpx.MockTransport(script),
        policy=RetryPolicy(max_attempts=3, backoff_initial=1.0),
        resign=rec.resign,
        sleep=rec.async_sleep,
        clock=rec.clock,
        rng=lambda: 1.0,
        on_outcome_unknown=rec.mark_unknown,
    )
    request = httpx.Request("POST", URL, headers={"Authorization": "signature #1"}, content=b"{}")
    response = await t.handle_async_request(request)
    assert response.status_code == 204
    assert [a.outcome for a in response.extensions[ATTEMPTS_EXTENSION]] == ["unknown", "unknown", "answered"]
    assert rec.sleeps == [1.0, 2.0]
    assert rec.signed == 2


@pytest.mark.anyio
async def test_async_timeout_is_outcome_unknown() -> None:
    script, rec = Script(fail(httpx.ReadTimeout)), Recorder()
    t = AsyncRetryingTransport(httpx.MockTransport(script), resign=rec.resign, on_outcome_unknown=rec.mark_unknown)
    with pytest.raises(APITimeoutError):
        await t.handle_async_request(httpx.Request("POST", URL))
    await t.aclose()
