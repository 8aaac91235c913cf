"""The batch section of `make bench` in its quick mode: every figure and target is produced (none is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_batch_section_reports_every_ratio(tmp_path: Path) -> None:
    destination = tmp_path / "batch.json"
    env = {**os.environ, "BENCH_QUICK": "1", "BENCH_BATCH_ORDERS": "40", "BENCH_JSON": str(destination)}
    result = subprocess.run(
        [sys.executable, "-m", "bench._batch"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    table = result.stdout
    for label in ("floor: httpx.AsyncClient + RSA", "same client, asyncio.gather", "sync-batch runner + journal"):
        assert table.count(label) == 3  # at 1, 8 and 32 in flight
    assert table.count("PASS") + table.count("FAIL") == 7
    data = json.loads(destination.read_text(encoding="utf-8"))
    assert set(data["ratios"]) == {"1", "8", "32"}
    for ratios in data["ratios"].values():
        assert ratios["batch_x_gather"] > 0 and ratios["batch_x_floor"] > 0
    assert len(data["runs"]) == 9
    assert all(run["orders"] == 40 and run["wall_s"] > 0 for run in data["runs"])
    assert data["dry_run_rss_mb"]["large"] > 0
    assert len(data["targets"]) == 7
