"""When each request arrived and finished, who sent it, and what is being handled right now: over a real socket."""

from __future__ import annotations

import itertools
import threading
import time

import httpx
from wechatpay_emulator import Emulator, Fault, InFlightRequest, Order, demo

from tests.emulator.support import SEED, query_order, sync


def _order(number: str) -> Order:
    return Order(
        out_order_no=number,
        service_id=demo.DEMO_ORDER_SERVICE_ID,
        sub_mchid=demo.DEMO_ORDER_SUB_MCHID,
        channel_id=demo.DEMO_ORDER_CHANNEL_ID,
    )


def _wait_for_in_flight(emu: Emulator, count: int, timeout: float = 10.0) -> list[InFlightRequest]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        held = emu.in_flight
        if len(held) >= count and all(request.operation is not None for request in held):
            return held
        time.sleep(0.01)
    raise AssertionError(f"fewer than {count} requests in flight after {timeout} s: {emu.in_flight}")


def test_a_held_request_is_in_flight_with_its_order_operation_and_client(emu: Emulator, base_url: str) -> None:
    emu.inject(Fault.latency(1.0), operation="syncServiceOrder")
    answers: list[int] = []
    with httpx.Client(base_url=base_url, timeout=30) as http:
        worker = threading.Thread(target=lambda: answers.append(sync(http).status_code))
        worker.start()
        try:
            (held,) = _wait_for_in_flight(emu, 1)
            (control,) = httpx.get(f"{base_url}/_emulator/requests/in-flight", timeout=30).json()["requests"]
        finally:
            worker.join(timeout=30)
    assert (held.operation, held.out_order_no, held.fault, held.method) == (
        "syncServiceOrder",
        SEED,
        "latency",
        "POST",
    )
    assert held.target == f"/v3/payscore/acquiringbank/serviceorder/{SEED}/sync"
    assert held.peer is not None and held.peer.startswith("127.0.0.1:")
    assert control == held.to_json()
    assert answers == [204]
    assert emu.in_flight == []
    assert httpx.get(f"{base_url}/_emulator/requests/in-flight", timeout=30).json() == {"requests": []}
    (entry,) = emu.requests
    assert entry.request_id == held.request_id and entry.peer == held.peer
    assert entry.arrived_at == held.arrived_at
    # Held a second: the finish is that much later (a busy machine may add time, never remove it).
    assert entry.finished_at - entry.arrived_at >= 1.0


def test_each_request_of_one_connection_is_timed_in_order_and_attributed(emu: Emulator, base_url: str) -> None:
    emu.seed(_order("T1"))
    emu.inject(Fault.apply_then_drop(), out_order_no="T1")
    before = time.time()
    with httpx.Client(base_url=base_url, timeout=30) as http:
        assert query_order(http, SEED).status_code == 200
        assert sync(http).status_code == 204
        assert http.get("/v3/payscore/no/such/path").status_code == 404
    with httpx.Client(base_url=base_url, timeout=30) as http:
        try:
            sync(http, "T1")
        except httpx.HTTPError:
            pass
        else:
            raise AssertionError("an apply_then_drop answered")
    after = time.time()
    query, synced, unknown, dropped = emu.requests
    assert (query.operation, query.out_order_no, query.status) == ("queryServiceOrder", SEED, 200)
    assert (synced.operation, synced.out_order_no, synced.status) == ("syncServiceOrder", SEED, 204)
    assert (unknown.operation, unknown.out_order_no, unknown.status) == (None, None, 404)
    assert (dropped.operation, dropped.out_order_no, dropped.status) == ("syncServiceOrder", "T1", None)
    assert query.peer == synced.peer == unknown.peer != dropped.peer  # one kept-alive connection, then another
    # Unix seconds on the wall clock (anchored once), ordered: each request finished before the next arrived.
    entries = [query, synced, unknown, dropped]
    assert before - 1 <= query.arrived_at and dropped.finished_at <= after + 1
    for entry in entries:
        assert entry.arrived_at <= entry.finished_at
    for earlier, later in itertools.pairwise(entries):
        assert earlier.finished_at <= later.arrived_at
    served = httpx.get(f"{base_url}/_emulator/requests", timeout=30).json()["requests"]
    assert [(item["arrived_at"], item["finished_at"], item["peer"]) for item in served] == [
        (entry.arrived_at, entry.finished_at, entry.peer) for entry in entries
    ]
    assert [(item["operation"], item["out_order_no"]) for item in served] == [
        ("queryServiceOrder", SEED),
        ("syncServiceOrder", SEED),
        (None, None),
        ("syncServiceOrder", "T1"),
    ]


def test_requests_held_at_once_are_all_in_flight_and_overlap_in_the_log(emu: Emulator, base_url: str) -> None:
    numbers = [f"H{index}" for index in range(3)]
    emu.seed(*(_order(number) for number in numbers))
    emu.inject(Fault.latency(0.5), times=None)
    with httpx.Client(base_url=base_url, timeout=30) as http:
        threads = [threading.Thread(target=query_order, args=(http, number)) for number in numbers]
        for thread in threads:
            thread.start()
        held = _wait_for_in_flight(emu, 3)
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(request.out_order_no or "" for request in held) == numbers
    assert len({request.peer for request in held}) == 3  # three connections of one pool
    entries = emu.requests
    assert len(entries) == 3
    # All three were handled at once: each arrived before any of them finished.
    assert max(entry.arrived_at for entry in entries) < min(entry.finished_at for entry in entries)
