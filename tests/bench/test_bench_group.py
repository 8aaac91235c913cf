"""The group section of `make bench` in its quick mode: every row and target is produced (none is asserted).

Without PostgreSQL's server binaries the section prints SKIP and why, and the bench still ends well.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tools.pg_cluster import ClusterError, find_bindir

ROOT = Path(__file__).resolve().parents[2]
LABELS = ("no journal: same client, asyncio.gather", "BatchRunner + SQLite journal", "GroupRunner + PostgreSQL journal")


def _server_missing() -> bool:
    try:
        find_bindir()
    except ClusterError:
        return True
    return False


def test_group_section_reports_every_row(tmp_path: Path) -> None:
    destination = tmp_path / "group.json"
    env = {**os.environ, "BENCH_QUICK": "1", "BENCH_GROUP_ORDERS": "16", "BENCH_JSON": str(destination)}
    command = [sys.executable, "-m", "bench._group"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr
    table, data = result.stdout, json.loads(destination.read_text(encoding="utf-8"))
    if _server_missing():
        assert "SKIP  the group section: no PostgreSQL server" in table
        assert data["skipped"]
        return
    assert table.count(LABELS[0]) == 2  # 1 and 4 processes
    assert table.count(LABELS[1]) == 1
    assert table.count(LABELS[2]) == 3  # 1, 2 and 4 workers
    assert "emulator ceiling" in table
    assert "PostgreSQL / SQLite wall per order" in table
    assert table.count("PASS") + table.count("FAIL") == 3
    assert set(data["orders_per_s"]) == {"gather_1", "gather_4", "sqlite_1", "postgres_1", "postgres_2", "postgres_4"}
    assert all(rate > 0 for rate in data["orders_per_s"].values())
    assert all(run["orders"] == 16 and run["wall_s"] > 0 for run in data["runs"])
    assert data["ceiling"]["orders_per_s"] > 0
    assert data["postgres_x_sqlite_wall_per_order"] > 0
    assert len(data["targets"]) == 3
    # Every worker of the group settled what it claimed; the day was loaded once whatever the number of workers.
    for run in data["runs"]:
        if run["contender"] == "postgres":
            assert run["stats"]["loaded"] == 16
            assert run["stats"]["fenced"] == 0
