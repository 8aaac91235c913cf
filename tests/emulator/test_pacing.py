"""What makes a client's pacing testable: the per-merchant rate limit, and seeding thousands of orders at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from wechatpay_emulator import Emulator, EmulatorConfig, InvalidOrderError, Order, demo
from wechatpay_emulator._ratelimit import RateLimiter

from tests.emulator.support import SEED, Clock, sync, verify_response

IDS: dict[str, Any] = {"service_id": demo.DEMO_ORDER_SERVICE_ID, "sub_mchid": demo.DEMO_ORDER_SUB_MCHID}


@pytest.fixture
def frozen_limiter(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every request in the same instant: what is counted does not depend on how fast this machine is.
    monkeypatch.setattr(emu._state.rate_limiter, "_clock", lambda: 1000.0)


@pytest.mark.usefixtures("frozen_limiter")
def test_above_n_requests_per_second_is_429_with_retry_after(emu: Emulator, client: httpx.Client) -> None:
    emu.set_rate_limit(3)
    assert emu.rate_limit == 3
    answers = [sync(client) for _ in range(5)]
    assert [answer.status_code for answer in answers][:3] == [204, 400, 400]
    refused = answers[3:]
    for answer in refused:
        assert answer.status_code == 429
        assert answer.json()["code"] == "FREQUENCY_LIMITED"
        assert int(answer.headers["retry-after"]) >= 1
        assert verify_response(answer)
    assert [entry.code for entry in emu.requests][3:] == ["FREQUENCY_LIMITED"] * 2
    emu.set_rate_limit(None)
    assert sync(client).status_code == 400  # ORDER_DONE: no limit any more


@pytest.mark.usefixtures("frozen_limiter")
def test_a_refused_request_has_no_effect(emu: Emulator, client: httpx.Client) -> None:
    emu.set_rate_limit(1)
    emu.seed(Order(out_order_no="R2", **IDS, channel_id=demo.DEMO_ORDER_CHANNEL_ID))
    assert sync(client).status_code == 204
    assert sync(client, "R2").status_code == 429
    assert emu.order("R2").state == "DOING"


def test_the_rate_limit_over_http_and_reset(emu: Emulator, client: httpx.Client) -> None:
    assert client.get("/_emulator/rate-limit").json() == {"per_second": None}
    assert client.put("/_emulator/rate-limit", json={"per_second": 1}).json() == {"per_second": 1}
    assert emu.rate_limit == 1
    bad: object
    for bad in ({"per_second": 0}, {"per_second": 1.5}, {"per_second": "2"}, {"per_second": True}, {}, []):
        response = client.put("/_emulator/rate-limit", json=bad)
        assert response.status_code == 400, bad
        assert response.json()["error"]
    assert client.post("/_emulator/reset").status_code == 204
    assert client.get("/_emulator/rate-limit").json() == {"per_second": None}
    assert Emulator(EmulatorConfig.demo(rate_limit=7)).rate_limit == 7


def test_the_limiter_is_per_merchant_and_slides() -> None:
    now = [100.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert [limiter.admit("A"), limiter.admit("A"), limiter.admit("B")] == [None, None, None]
    now[0] = 100.4
    assert limiter.admit("A") == 1
    now[0] = 101.0
    assert limiter.admit("A") is None  # the first admitted request left the window
    limiter.set(None)
    assert all(limiter.admit("A") is None for _ in range(100))


def test_the_command_sets_the_rate_limit(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from wechatpay_emulator.__main__ import _config, _parser\n"
        "print(_config(_parser().parse_args(sys.argv[1:])).rate_limit)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "--rate-limit", "25"], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "25"
    bad = subprocess.run(
        [sys.executable, "-m", "wechatpay_emulator", "--rate-limit", "0"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "rate limit" in bad.stderr
    assert "Traceback" not in bad.stderr


def many(count: int, prefix: str = "B") -> list[Order]:
    return [Order(out_order_no=f"{prefix}{index:05d}", **IDS) for index in range(count)]


def test_seeding_5000_orders_from_python(emu: Emulator, client: httpx.Client) -> None:
    stored = emu.seed(*many(5000))
    assert len(stored) == 5000
    assert len(emu.orders) == 5001
    assert emu.order("B04999").state == "DOING"
    assert sync(client, "B04999", document=None).status_code == 403  # channel_id differs from the order's: NO_AUTH
    emu.reset()
    assert [order.out_order_no for order in emu.orders] == [SEED]


def test_seeding_5000_orders_over_http(emu: Emulator, client: httpx.Client) -> None:
    payload = [{"out_order_no": f"H{index:05d}", **IDS} for index in range(5000)]
    created = client.post("/_emulator/orders", json=payload)
    assert created.status_code == 201
    assert created.json()["count"] == 5000
    assert len(client.get("/_emulator/orders").json()["orders"]) == 5001


@pytest.mark.parametrize("form", ["json", "jsonl"])
def test_seeding_from_a_file(emu: Emulator, tmp_path: Path, form: str) -> None:
    orders = [{"out_order_no": f"F{index}", **IDS, "state": "DONE" if index % 2 else "DOING"} for index in range(300)]
    file = tmp_path / f"orders.{form}"
    if form == "json":
        file.write_text(json.dumps(orders), encoding="utf-8")
    else:
        file.write_text("\n".join(json.dumps(order) for order in orders) + "\n\n", encoding="utf-8")
    assert len(emu.seed_from_file(file)) == 300
    assert emu.order("F1").state == "DONE"
    assert emu.order("F2").state == "DOING"


def test_a_bad_line_of_a_file_is_named(emu: Emulator, tmp_path: Path) -> None:
    file = tmp_path / "orders.jsonl"
    file.write_text(json.dumps({"out_order_no": "G1", **IDS}) + "\n{nope\n", encoding="utf-8")
    with pytest.raises(InvalidOrderError, match="line 2"):
        emu.seed_from_file(file)
    assert [order.out_order_no for order in emu.orders] == [SEED]


def test_the_command_seeds_json_lines(tmp_path: Path, clock: Clock) -> None:
    file = tmp_path / "orders.jsonl"
    file.write_text("\n".join(json.dumps({"out_order_no": f"C{i}", **IDS}) for i in range(3)), encoding="utf-8")
    script = (
        "import sys\n"
        "from wechatpay_emulator.__main__ import _config, _parser\n"
        "print(','.join(o.out_order_no for o in _config(_parser().parse_args(sys.argv[1:])).orders))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "--orders", str(file)], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "C0,C1,C2"
