"""Replay defence: a verified answer's (timestamp, nonce, signature) is accepted once within the 300 s window."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from wechatpay_auth import (
    DEFAULT_REPLAY_CAPACITY,
    MAX_SKEW_SECONDS,
    ClockSkewError,
    ReplayedResponseError,
    ReplayGuard,
    ResponseVerificationError,
    WechatPayAuth,
    check_response,
    load_public_key,
)

from .test_auth_flow import ANSWER_NONCE, NOW, PUBLIC_KEY_ID, answer, finish, post, start


def test_the_same_signed_204_is_refused_for_a_second_request(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey
) -> None:
    auth = make_auth()
    flow, sent = start(auth, post())
    captured = answer(sent, platform_key)
    finish(flow, captured)
    # The same bytes, replayed as the answer to another order's request.
    other = httpx.Request("POST", "https://api.mch.weixin.qq.com/v3/payscore/acquiringbank/serviceorder/X/sync")
    flow, sent = start(auth, other)
    replayed = httpx.Response(204, headers=captured.headers, content=b"", request=sent)
    with pytest.raises(ReplayedResponseError) as caught:
        flow.send(replayed)
    error = caught.value
    assert isinstance(error, ResponseVerificationError)
    assert (error.timestamp, error.nonce, error.serial) == (NOW, ANSWER_NONCE, PUBLIC_KEY_ID)
    assert error.request is sent
    assert "replayed" in str(error)


def test_a_new_nonce_or_a_new_signature_is_a_new_answer(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey
) -> None:
    auth = make_auth()
    for nonce, status, body in [
        ("NONCEA", 204, b""),
        ("NONCEB", 204, b""),
        # Same timestamp and nonce, another body: another signature, so not the same answer.
        ("NONCEB", 400, b'{"code":"ORDER_DONE","message":"done"}'),
    ]:
        flow, sent = start(auth, post())
        finish(flow, answer(sent, platform_key, nonce=nonce, status=status, body=body))


def test_a_failed_answer_is_not_remembered(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey
) -> None:
    guard = ReplayGuard()
    auth = make_auth(replay_guard=guard)
    flow, sent = start(auth, post())
    with pytest.raises(ResponseVerificationError):
        flow.send(answer(sent, platform_key, signature="AAAA"))
    unsigned = httpx.Response(502, content=b"<html>", request=sent)
    flow, sent = start(auth, post())
    finish(flow, unsigned)
    assert len(guard) == 0


def test_a_guard_shared_by_two_auth_objects_refuses_across_them(
    make_auth: Callable[..., WechatPayAuth], platform_key: rsa.RSAPrivateKey
) -> None:
    guard = ReplayGuard()
    first, second = make_auth(replay_guard=guard), make_auth(replay_guard=guard)
    flow, sent = start(first, post())
    captured = answer(sent, platform_key)
    finish(flow, captured)
    flow, sent = start(second, post())
    with pytest.raises(ReplayedResponseError):
        flow.send(httpx.Response(204, headers=captured.headers, request=sent))
    # Each auth object without a shared guard has its own memory.
    flow, sent = start(make_auth(), post())
    finish(flow, httpx.Response(204, headers=captured.headers, request=sent))


def test_check_response_without_a_guard_checks_no_replay(platform_key: rsa.RSAPrivateKey) -> None:
    keys = {PUBLIC_KEY_ID: load_public_key(platform_key.public_key())}
    request = post()
    response = answer(request, platform_key)
    for _ in range(2):
        assert check_response(request, response, keys, NOW).verified
    guard = ReplayGuard()
    assert check_response(request, response, keys, NOW, replay_guard=guard).verified
    with pytest.raises(ReplayedResponseError):
        check_response(request, response, keys, NOW, replay_guard=guard)


def test_entries_leave_once_out_of_the_window() -> None:
    guard = ReplayGuard()
    assert guard.first_sighting(NOW, "A", "SIG", now=NOW)
    assert guard.first_sighting(NOW + 10, "B", "SIG", now=NOW + 10)
    assert not guard.first_sighting(NOW, "A", "SIG", now=NOW + MAX_SKEW_SECONDS)  # still within the window
    # Past the window the first entry leaves (the checklist refuses such an old timestamp anyway).
    assert guard.first_sighting(NOW + 400, "C", "SIG", now=NOW + MAX_SKEW_SECONDS + 5)
    assert len(guard) == 2
    assert guard.first_sighting(NOW, "A", "SIG", now=NOW + MAX_SKEW_SECONDS + 5)


def test_a_replay_after_the_window_is_refused_as_stale(
    platform_key: rsa.RSAPrivateKey, make_auth: Callable[..., WechatPayAuth]
) -> None:
    now = [NOW]
    auth = make_auth(clock=lambda: now[0])
    flow, sent = start(auth, post())
    captured = answer(sent, platform_key)
    finish(flow, captured)
    now[0] = NOW + MAX_SKEW_SECONDS + 1
    flow, sent = start(auth, post())
    with pytest.raises(ClockSkewError):
        flow.send(httpx.Response(204, headers=captured.headers, request=sent))


def test_the_cap_bounds_memory_under_a_flood() -> None:
    guard = ReplayGuard(capacity=100)
    for number in range(10_000):
        assert guard.first_sighting(NOW, f"N{number}", "S" * 344, now=NOW)
    assert len(guard) == 100
    # The most recent answers are still refused a second time; the oldest were let go first.
    assert not guard.first_sighting(NOW, "N9999", "S" * 344, now=NOW)
    assert guard.first_sighting(NOW, "N0", "S" * 344, now=NOW)


@pytest.mark.parametrize("capacity", [10_000, 500])
def test_concurrent_sightings_accept_exactly_one(capacity: int) -> None:
    guard = ReplayGuard(capacity=capacity)
    results: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker(index: int) -> None:
        barrier.wait()
        same = [guard.first_sighting(NOW, "SAME", "SIG", now=NOW) for _ in range(50)]
        distinct = [guard.first_sighting(NOW, f"T{index}-{n}", "SIG", now=NOW) for n in range(200)]
        assert all(distinct)
        with lock:
            results.extend(same)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 400
    if capacity > 1 + 8 * 200:
        assert results.count(True) == 1
        assert len(guard) == 1 + 8 * 200
    else:  # beyond the cap the oldest entries leave first; the memory bound holds whatever the interleaving
        assert len(guard) == capacity


@pytest.mark.parametrize("capacity", [0, -1, True, 1.5])
def test_capacity_must_be_a_positive_count(capacity: object) -> None:
    with pytest.raises(ValueError, match="capacity"):
        ReplayGuard(capacity=capacity)  # type: ignore[arg-type]


def test_repr_and_capacity() -> None:
    guard = ReplayGuard(capacity=5)
    guard.first_sighting(NOW, "A", "SIG", now=NOW)
    assert repr(guard) == "ReplayGuard(capacity=5, window=300, size=1)"
    assert guard.capacity == 5
    assert ReplayGuard().capacity == DEFAULT_REPLAY_CAPACITY
