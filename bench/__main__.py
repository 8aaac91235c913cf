"""`python -m bench` (`make bench`): print the table; with `BENCH_JSON=path`, write the same figures as JSON.

`BENCH_QUICK=1` shrinks every figure to a smoke run of a few seconds; `BENCH_BATCH=0` leaves out the batch section
(`bench/_batch.py`, a few minutes in the full run) and the group section after it (`bench/_group.py`: several workers
on one PostgreSQL journal, about a minute); `BENCH_GROUP=0` leaves out only the group section. `python -m
bench._notification` runs the notification section alone, `python -m bench._batch` the batch section, `python -m
bench._group` the group section. Exit status 0 even when a target is missed: the targets are read, not asserted.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from bench._batch import batch_as_json, batch_sizes_from_env, batch_table, run_batch
from bench._config import sizes_from_env
from bench._group import group_as_json, group_sizes_from_env, group_table, run_group
from bench._report import as_json, table
from bench._run import run


def _progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def main() -> int:
    results = run(sizes_from_env(), _progress)
    print(table(results), flush=True)
    figures = as_json(results)
    if os.environ.get("BENCH_BATCH", "") != "0":  # the batch section (BENCH_BATCH=0 leaves it out)
        batch = run_batch(batch_sizes_from_env(), _progress)
        print(batch_table(batch), flush=True)
        figures["batch"] = batch_as_json(batch)
        if os.environ.get("BENCH_GROUP", "") != "0":  # several workers on one PostgreSQL journal
            group = run_group(group_sizes_from_env(), _progress)
            print(group_table(group), flush=True)
            figures["group"] = group_as_json(group)
    destination = os.environ.get("BENCH_JSON")
    if destination:
        Path(destination).write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        _progress(f"figures written to {destination}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
