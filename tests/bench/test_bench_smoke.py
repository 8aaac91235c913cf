"""`make bench` in its quick mode, in a subprocess: the table and the JSON carry every figure, with sane values.

No timing assertions: whether a target passes depends on the machine; only that it is reported is checked here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTENDERS = (
    "bare_post",
    "floor",
    "project_sync",
    "bare_async_post",
    "project_async",
    "peer",
    "floor_create",
    "project_create",
    "floor_complete",
    "project_complete",
)
# Each contender's "x floor" is taken against the floor of the same request.
FLOORS = {
    "floor_create": "floor_create",
    "project_create": "floor_create",
    "floor_complete": "floor_complete",
    "project_complete": "floor_complete",
}
TARGETS = 10
SPLIT = (
    "raw_sign",
    "raw_verify",
    "validation",
    "signing",
    "verification",
    "bare_post",
    "generated_call",
    "floor_in_process",
    "project_in_process",
)
TABLE_LINES = (
    "floor: RSA sign + bare POST + RSA verify",
    "this project, sync (create_client)",
    "bare httpx.AsyncClient POST (50 concurrent)",
    "this project, async (50 concurrent)",
    "wechatpayv3 2.0.4 (requests)",
    "floor, create: sign + POST + verify 200",
    "this project, create (200 + order body)",
    "floor, complete: sign + POST + verify 204",
    "this project, complete (204)",
    "raw RSA sign (cryptography)",
    "validation (RequestValidator.validate)",
    "generated sync_detailed, plain Client",
    "rest (auth flow, transport, errors)",
    "httpx + attrs + cryptography",
    "this project (client + generated + auth)",
    "memory: RSS",
    "floor: RSA-2048 verify + AES-256-GCM decrypt",
    "this project, open_event (verify, decrypt, typed)",
    "typed event (parse_event)",
    "fairness",
    "targets:",
)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    destination = tmp_path_factory.mktemp("bench") / "bench.json"
    # The batch section has its own smoke test (tests/batch/test_bench_batch.py).
    env = {**os.environ, "BENCH_QUICK": "1", "BENCH_JSON": str(destination), "BENCH_BATCH": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "bench"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, json.loads(destination.read_text(encoding="utf-8"))


def _sane_stat(stat: dict[str, float]) -> None:
    assert 0 < stat["min"] <= stat["median"] <= stat["max"] < 1e7


def test_table_names_every_figure(quick_run: tuple[str, dict[str, Any]]) -> None:
    table, _ = quick_run
    for line in TABLE_LINES:
        assert line in table
    assert table.count("PASS") + table.count("FAIL") == TARGETS
    for operation in ("sync CPU/call vs floor", "create CPU/call vs its floor", "complete CPU/call vs its floor"):
        assert f"project {operation}" in table
    assert "notification (open_event) CPU vs its floor" in table


def test_json_contenders(quick_run: tuple[str, dict[str, Any]]) -> None:
    _, data = quick_run
    assert data["config"]["quick"] is True
    for name in CONTENDERS:
        figure = data["contenders"][name]
        _sane_stat(figure["cpu_us"])
        _sane_stat(figure["wall_us"])
        assert figure["rounds"] >= 1
        assert figure["connections"] >= 1
        assert 0 < figure["cpu_x_floor_min"] <= figure["cpu_x_floor"] <= figure["cpu_x_floor_max"]
        assert figure["floor"] == FLOORS.get(name, "floor")
        assert len(figure["cpu_us_per_round"]) == figure["rounds"]
    fresh = data["fresh_client_connections"]
    assert fresh["project_sync"] >= 1
    assert fresh["project_async"] >= 1


def test_json_split_imports_memory(quick_run: tuple[str, dict[str, Any]]) -> None:
    _, data = quick_run
    for name in SPLIT:
        _sane_stat(data["split"]["figures"][name]["cpu_us"])
    assert set(data["split"]["derived_cpu_us"]) == {
        "validation",
        "signing_extra",
        "verification_extra",
        "generated_code",
        "rest",
        "in_process_overhead",
    }
    for name in ("dependencies", "dependencies_all", "project"):
        for kind in ("cpu", "wall"):
            _sane_stat(data["imports"][name][kind])
    notification = data["notification"]
    for name in ("floor", "project"):
        _sane_stat(notification[name]["cpu_us"])
    for name in ("signature", "envelope", "decryption", "typed_event"):
        _sane_stat(notification["steps"][name]["cpu_us"])
    assert 0 < notification["cpu_x_floor_min"] <= notification["cpu_x_floor"] <= notification["cpu_x_floor_max"]
    memory = data["memory"]
    assert memory["calls"] > 0
    assert memory["rss_before"] > 0
    assert memory["rss_after"] > 0


def test_json_fairness_and_targets(quick_run: tuple[str, dict[str, Any]]) -> None:
    _, data = quick_run
    names = ("project_sync", "floor", "project_async", "peer", "project_create", "floor_create")
    for name in (*names, "project_complete", "floor_complete"):
        fairness = data["fairness"][name]
        assert fairness["fair"] is True
        assert fairness["signed"] is True
    for name in ("floor", "project_async", "floor_create", "floor_complete"):
        assert data["fairness"][name]["body_identical"] is True
    assert len(data["targets"]) == TARGETS
    for target in data["targets"]:
        assert isinstance(target["pass"], bool)
        assert isinstance(target["value"], (int, float))
