"""Faults on demand, over a real loopback socket."""

from __future__ import annotations

import time

import httpx
import pytest
from wechatpay_emulator import ControlError, Emulator, Fault, FaultKind, Order

from tests.emulator.support import FIXED_NOW, SEED, sync, verify_response


def test_latency_delays_then_answers_normally(emu: Emulator, client: httpx.Client) -> None:
    emu.inject(Fault.latency(0.3))
    started = time.monotonic()
    response = sync(client)
    # Only a lower bound: a busy machine may add time, never remove it.
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 204


def test_latency_trips_a_client_timeout(emu: Emulator, base_url: str) -> None:
    emu.inject(Fault.latency(1.0))
    with httpx.Client(base_url=base_url, timeout=0.2) as http, pytest.raises(httpx.ReadTimeout):
        sync(http)
    # The server still finishes the request: a timeout after sending leaves the outcome unknown, not void.
    assert emu.wait_idle(60)
    assert emu.order(SEED).state == "DONE"


@pytest.mark.parametrize("retry_after", [None, 3])
def test_rate_limited(emu: Emulator, client: httpx.Client, retry_after: int | None) -> None:
    emu.inject(Fault.rate_limited(retry_after=retry_after))
    response = sync(client)
    assert (response.status_code, response.json()["code"]) == (429, "FREQUENCY_LIMITED")
    assert response.headers.get("retry-after") == (None if retry_after is None else str(retry_after))
    assert verify_response(response)
    assert emu.order(SEED).state == "DOING"


def test_system_error_is_signed_and_changes_nothing(emu: Emulator, client: httpx.Client) -> None:
    emu.inject(Fault.system_error())
    response = sync(client)
    assert (response.status_code, response.json()["code"]) == (500, "SYSTEM_ERROR")
    assert verify_response(response)
    assert emu.order(SEED).state == "DOING"
    assert sync(client).status_code == 204


def test_html_502_is_unsigned(emu: Emulator, client: httpx.Client) -> None:
    emu.inject(Fault.html_502())
    response = sync(client)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "wechatpay-signature" not in response.headers
    assert "request-id" not in response.headers
    assert emu.order(SEED).state == "DOING"


def test_drop_connection_answers_nothing(emu: Emulator, client: httpx.Client) -> None:
    emu.inject(Fault.drop_connection())
    with pytest.raises(httpx.RemoteProtocolError):
        sync(client)
    assert emu.order(SEED).state == "DOING"
    assert emu.requests[-1].status is None
    assert emu.requests[-1].fault == "drop_connection"
    assert sync(client).status_code == 204


def test_bad_signature(emu: Emulator, client: httpx.Client) -> None:
    emu.inject(Fault.bad_signature())
    response = sync(client)
    assert response.status_code == 204
    assert not verify_response(response)
    assert emu.order(SEED).state == "DONE"


def test_missing_signature(emu: Emulator, client: httpx.Client) -> None:
    emu.inject(Fault.missing_signature())
    response = sync(client)
    assert "wechatpay-signature" not in response.headers
    assert "wechatpay-timestamp" in response.headers
    assert not verify_response(response)


def test_stale_signature_is_valid_but_old(emu: Emulator, client: httpx.Client) -> None:
    emu.inject(Fault.stale_signature())
    response = sync(client)
    assert int(response.headers["wechatpay-timestamp"]) == FIXED_NOW - 600
    assert not verify_response(response)
    assert verify_response(response, now=FIXED_NOW - 600)


def test_probe_signature(emu: Emulator, client: httpx.Client) -> None:
    emu.inject(Fault.probe_signature())
    response = sync(client)
    assert response.headers["wechatpay-signature"].startswith("WECHATPAY/SIGNTEST/")
    assert not verify_response(response)
    assert emu.order(SEED).state == "DONE"


def test_apply_then_drop_leaves_the_outcome_unknown(emu: Emulator, client: httpx.Client) -> None:
    emu.inject(Fault.apply_then_drop())
    with pytest.raises(httpx.RemoteProtocolError):
        sync(client)
    assert emu.order(SEED).state == "DONE"
    retry = sync(client)
    assert retry.json()["code"] == "ORDER_DONE"


def test_apply_then_500(emu: Emulator, client: httpx.Client) -> None:
    emu.inject(Fault.apply_then_500())
    response = sync(client)
    assert (response.status_code, response.json()["code"]) == (500, "SYSTEM_ERROR")
    assert verify_response(response)
    assert emu.order(SEED).state == "DONE"


def test_times_counts_requests(emu: Emulator, client: httpx.Client) -> None:
    emu.inject(Fault.system_error(), times=2)
    assert [sync(client).status_code for _ in range(3)] == [500, 500, 204]
    assert emu.faults == []


def test_times_none_lasts_until_cleared(emu: Emulator, client: httpx.Client) -> None:
    emu.inject(Fault.rate_limited(), times=None)
    assert [sync(client).status_code for _ in range(3)] == [429, 429, 429]
    emu.clear_faults()
    assert sync(client).status_code == 204


def test_fault_scoped_to_one_order(emu: Emulator, client: httpx.Client) -> None:
    emu.seed(Order(out_order_no="OTHER", service_id="SV", sub_mchid="SUB"))
    emu.inject(Fault.system_error(), out_order_no="OTHER")
    assert sync(client).status_code == 204
    assert len(emu.faults) == 1
    from tests.emulator.support import sync_body

    other = sync(client, "OTHER", sync_body(service_id="SV", sub_mchid="SUB", channel_id=...))
    assert other.status_code == 500


def test_one_fault_per_request_first_injected_wins(emu: Emulator, client: httpx.Client) -> None:
    emu.inject(Fault.rate_limited())
    emu.inject(Fault.system_error())
    assert [sync(client).status_code for _ in range(3)] == [429, 500, 204]


def test_http_500_alias_and_kinds() -> None:
    assert Fault.http_500() == Fault.system_error()
    assert {kind.value for kind in FaultKind} >= {
        "latency",
        "rate_limited",
        "system_error",
        "html_502",
        "drop_connection",
        "bad_signature",
        "missing_signature",
        "stale_signature",
        "probe_signature",
        "apply_then_drop",
        "apply_then_500",
    }


@pytest.mark.parametrize(
    "build",
    [lambda: Fault.latency(-1), lambda: Fault.rate_limited(retry_after=-1), lambda: Fault.from_json({"kind": "x"})],
)
def test_bad_faults_are_refused(build: object) -> None:
    with pytest.raises(ControlError):
        build()  # type: ignore[operator]


def test_times_must_be_positive(emu: Emulator) -> None:
    with pytest.raises(ControlError):
        emu.inject(Fault.system_error(), times=0)
