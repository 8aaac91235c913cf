"""The group section of `make bench`: the day on 1, 2 and 4 workers sharing one PostgreSQL journal, against the
emulator.

The same day's orders (fresh ones per run, seeded, not timed) are settled by, in one round-robin:

- **no journal**, 1 and 4 processes: the batch section's `gather` (the ready client, `asyncio.gather` under a
  semaphore, no journal, no row checks), the day split between the processes — the emulator's own ceiling;
- **SQLite**, 1 process: `BatchRunner` + `SqliteJournal` (WAL, `synchronous=FULL`) on the day's CSV — the batch
  section's `batch`, what `sync-batch` runs by default;
- **PostgreSQL**, 1, 2 and 4 processes: each a `GroupRunner` with its own client and its own `PostgresJournal`, every
  one given the same CSV (the same command on every host): the first loads the day, the others find it loaded, all
  claim and settle until no order is open. `rate=None`: every request still takes its token from the group's bucket
  row (one statement each), with no ceiling.

Every contender runs in processes of its own (one process is bound by its GIL: N workers in one process would share
one core's worth of Python, and would not measure the group; `sync-batch` subprocesses would add their interpreter
start-up to every run, and their progress display, around the same `GroupRunner`), each with 8 requests in flight;
nothing runs in the bench's own process but the wait. The processes are forked (spawned if the bench runs another
thread); each imports what it needs and builds a first client, says it is ready, and waits; the clock starts when all
are released and stops when the last order is settled (`time.monotonic()`, one clock for the whole machine), so
start-up is not timed, while opening the client and the journal (PostgreSQL: connect, migrate), reading and loading
the CSV are. 100 orders synced before the first round warm the emulator up, untimed. A worker of the group then waits
up to its poll (0.5 s) to see that no order is open before it exits: that tail is in the JSON (`ended_s`), not in
orders/s.

The PostgreSQL server is a throwaway cluster of Debian's server (`tools/pg_cluster.py`, the tests' own), started for
this section with PostgreSQL's durable defaults (fsync and synchronous_commit on), as SQLite's journal is
`synchronous=FULL`; the emulator runs in another process (`bench._batch.EmulatorProcess`). Ratios are medians over
rounds of the same round's figures, as in the batch section. Without the server's binaries (or psycopg) the section
prints SKIP and why.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from bench._batch import EmulatorProcess, Run, _write_csv, run_alone
from bench._group_worker import Job, Report, work

__all__ = [
    "GROUP_FULL",
    "GROUP_QUICK",
    "GroupResults",
    "GroupSizes",
    "group_as_json",
    "group_sizes_from_env",
    "group_table",
    "run_group",
]

CONCURRENCY = 8  # requests in flight per process
SCALE_TARGET = 1.3  # 2 (and 4) workers settle at least 1.3 x the orders per second of one
JOURNAL_TARGET = 2.0  # one worker on PostgreSQL spends at most 2 x the wall time per order of one on SQLite
_WARM_UP = 100  # orders synced before the rounds, not timed
_READY_S = 120.0  # a process's start-up, and then a whole run, may take at most this long


@dataclass(frozen=True)
class GroupSizes:
    orders: int
    rounds: int
    workers: tuple[int, ...] = (1, 2, 4)
    ceiling_processes: tuple[int, ...] = (1, 4)


GROUP_FULL = GroupSizes(orders=200, rounds=3)
GROUP_QUICK = GroupSizes(orders=40, rounds=1)


def group_sizes_from_env() -> GroupSizes:
    """`BENCH_QUICK=1`: the smoke sizes; `BENCH_GROUP_ORDERS=N`, `BENCH_GROUP_ROUNDS=N` override them."""
    sizes = GROUP_QUICK if os.environ.get("BENCH_QUICK", "") not in ("", "0") else GROUP_FULL
    orders, rounds = os.environ.get("BENCH_GROUP_ORDERS"), os.environ.get("BENCH_GROUP_ROUNDS")
    sizes = replace(sizes, orders=int(orders)) if orders else sizes
    return replace(sizes, rounds=int(rounds)) if rounds else sizes


@dataclass
class GroupRun(Run):
    """One contender's run: `concurrency` per process, `wall_s` from the release to the last order settled, `cpu_s`
    of every process of the contender (the bench's client side only)."""

    processes: int = 1
    round: int = 0
    ended_s: float = 0.0  # release to the last process returned
    emulator_cpu_s: float = 0.0  # the emulator's process, over the run
    server_cpu_s: float = 0.0  # PostgreSQL's postmaster and the backends it reaped, over the run
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def emulator_us_per_order(self) -> float:
        return self.emulator_cpu_s / self.orders * 1e6

    @property
    def server_us_per_order(self) -> float:
        return self.server_cpu_s / self.orders * 1e6


@dataclass
class GroupResults:
    sizes: GroupSizes
    runs: list[GroupRun] = field(default_factory=list)
    skipped: str = ""  # why the section did not run (no PostgreSQL server binaries, no psycopg)
    load: str = ""  # the 1-minute load average before and after: other work on the machine moves every figure
    start_method: str = ""  # how the processes were started (fork, or spawn if the bench ran another thread)

    def plan(self) -> list[tuple[str, int]]:
        """The contenders of one round, in the order they run."""
        ceilings = self.sizes.ceiling_processes
        return [
            ("gather", ceilings[0]),
            ("sqlite", 1),
            *(("postgres", workers) for workers in self.sizes.workers),
            *(("gather", processes) for processes in ceilings[1:]),
        ]

    def _of(self, contender: str, processes: int) -> list[GroupRun]:
        return [r for r in self.runs if r.contender == contender and r.processes == processes]

    def median(self, contender: str, processes: int, attribute: str) -> float:
        return float(statistics.median(float(getattr(r, attribute)) for r in self._of(contender, processes)))

    def ratio(self, mine: tuple[str, int], theirs: tuple[str, int]) -> float:
        """Median over rounds of this round's orders/s of `mine` / the same round's of `theirs`."""
        pairs = zip(self._of(*mine), self._of(*theirs), strict=True)
        return float(statistics.median(a.orders_per_s / b.orders_per_s for a, b in pairs))

    def ceiling(self) -> tuple[int, float]:
        """The emulator's ceiling: the no-journal run with the most orders/s (its processes, its median orders/s)."""
        best = max(self.sizes.ceiling_processes, key=lambda n: self.median("gather", n, "orders_per_s"))
        return best, self.median("gather", best, "orders_per_s")

    def journal_ms(self, contender: str) -> float:
        """One process's wall time per order beyond the no-journal run's in the same round, medians (ms)."""
        pairs = zip(self._of(contender, 1), self._of("gather", 1), strict=True)
        return float(statistics.median((a.wall_s - b.wall_s) / a.orders * 1e3 for a, b in pairs))

    def targets(self) -> list[tuple[str, float, bool]]:
        rows = []
        one = ("postgres", 1)
        for workers in self.sizes.workers[1:]:
            scale = self.ratio(("postgres", workers), one)
            name = f"PostgreSQL journal, {workers} workers >= {SCALE_TARGET:.1f} x 1 worker's orders/s"
            rows.append((name, scale, scale >= SCALE_TARGET))
        cost = self.ratio(("sqlite", 1), one)  # PostgreSQL's wall per order / SQLite's
        name = f"PostgreSQL journal, 1 worker, wall per order <= {JOURNAL_TARGET:.1f} x SQLite's"
        rows.append((name, cost, cost <= JOURNAL_TARGET))
        return rows


# -- the run ---------------------------------------------------------------------------------------------------------


def _collect(source: Queue[Any], count: int, processes: Sequence[multiprocessing.process.BaseProcess]) -> list[Any]:
    """`count` items from `source`, failing early if a process died without sending its own."""
    items: list[Any] = []
    deadline = time.monotonic() + _READY_S
    while len(items) < count:
        try:
            items.append(source.get(timeout=0.2))
        except queue.Empty as exc:  # look whether anyone died
            dead = [p for p in processes if p.exitcode not in (None, 0)]
            if dead or time.monotonic() > deadline:
                reason = f"exit {dead[0].exitcode}" if dead else f"no answer within {_READY_S:g} s"
                raise RuntimeError(f"group: a bench process failed ({reason})") from exc
    return items


def _context() -> ForkContext | SpawnContext:
    """`fork` (no interpreter start-up between runs) while the bench runs no other thread, else `spawn`."""
    if _start_method() == "fork":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _start_method() -> str:
    return "fork" if threading.active_count() == 1 else "spawn"


def _timed(jobs: Sequence[Job]) -> tuple[float, float, float, list[Report]]:
    """Run `jobs` in processes of their own, released together: (wall to the last order, wall to the last exit, CPU
    of every process, their reports)."""
    context = _context()
    ready: Queue[str] = context.Queue()
    done: Queue[Report] = context.Queue()
    start = context.Event()
    processes = [context.Process(target=work, args=(job, ready, start, done), daemon=True) for job in jobs]
    finished = False
    try:
        for process in processes:
            process.start()
        _collect(ready, len(jobs), processes)
        released = time.monotonic()
        start.set()
        reports: list[Report] = _collect(done, len(jobs), processes)
        finished = True
    finally:
        for process in processes:
            process.join(timeout=30 if finished else 0)
            if process.is_alive():
                process.kill()
                process.join()
    for report in reports:
        if report.error:
            raise RuntimeError(f"group: worker {report.worker} failed:\n{report.error}")
    return (
        max(r.settled_at for r in reports) - released,
        max(r.ended_at for r in reports) - released,
        sum(r.cpu_s for r in reports),
        reports,
    )


def _jobs(
    contender: str, processes: int, numbers: Sequence[str], *, base_url: str, workdir: Path, dsn: str
) -> list[Job]:
    if contender == "gather":  # the day split between the processes
        return [
            Job("gather", base_url, tuple(numbers[index::processes]), CONCURRENCY, str(workdir), worker=f"g{index}")
            for index in range(processes)
        ]
    schema = f"bench_{numbers[0].lower()}"
    return [
        Job(contender, base_url, tuple(numbers), CONCURRENCY, str(workdir), dsn=dsn, schema=schema, worker=f"w{index}")
        for index in range(processes)
    ]


def _cpu_s(pid: int) -> float:
    """User + system CPU of process `pid` and of the children it has reaped (/proc/PID/stat); 0 where unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _sum_stats(reports: Sequence[Report]) -> dict[str, int]:
    total: dict[str, int] = {}
    for report in reports:
        for name, value in report.stats.items():
            total[name] = total.get(name, 0) + value
    return total


def run_group(sizes: GroupSizes, progress: Callable[[str], None]) -> GroupResults:
    results = GroupResults(sizes)
    try:
        import psycopg  # noqa: F401 - the `postgres` extra; without it the section is skipped

        from tools.pg_cluster import Cluster, ClusterError
    except ImportError as exc:
        results.skipped = f"psycopg is not installed ({exc}): pip install -e '.[postgres]'"
        return results
    try:
        cluster = Cluster(durable=True)
        cluster.start()
    except ClusterError as exc:
        results.skipped = str(exc).splitlines()[0]
        return results
    try:
        database = cluster.new_database()
        with tempfile.TemporaryDirectory(prefix="bench-group-") as name, EmulatorProcess() as emulator:
            workdir = Path(name)
            progress(
                f"group: emulator on {emulator.base_url}, PostgreSQL {cluster.bindir.parent.name} on port "
                f"{cluster.port}; {sizes.orders} orders per run, {sizes.rounds} round(s)"
            )
            load, results.start_method = os.getloadavg()[0], _start_method()
            warm = [f"WARM{index:06d}" for index in range(_WARM_UP)]  # the emulator's first requests: not counted
            emulator.seed(warm)
            _timed(_jobs("gather", 1, warm, base_url=emulator.base_url, workdir=workdir, dsn=""))
            for round_number in range(sizes.rounds):
                for contender, processes in results.plan():
                    prefix = f"{contender[0].upper()}{processes}{round_number}"
                    numbers = [f"{prefix}{index:06d}" for index in range(sizes.orders)]
                    emulator.seed(numbers)
                    _write_csv(workdir / f"batch-{numbers[0]}.csv", numbers)
                    jobs = _jobs(
                        contender, processes, numbers, base_url=emulator.base_url, workdir=workdir, dsn=database.dsn
                    )
                    before = _cpu_s(emulator.pid), _cpu_s(cluster.server_pid)
                    wall, ended, cpu, reports = _timed(jobs)
                    after = _cpu_s(emulator.pid), _cpu_s(cluster.server_pid)
                    settled = sum(report.settled for report in reports)
                    if settled != sizes.orders:
                        raise RuntimeError(f"group: {contender} x{processes} settled {settled} of {sizes.orders}")
                    run = GroupRun(contender, CONCURRENCY, sizes.orders, wall, cpu, processes, round_number, ended)
                    run.emulator_cpu_s, run.server_cpu_s = after[0] - before[0], after[1] - before[1]
                    run.stats = _sum_stats(reports)
                    results.runs.append(run)
                    progress(f"group: {contender} x{processes}: {run.orders_per_s:.0f} orders/s")
        results.load = f"{load:.1f} -> {os.getloadavg()[0]:.1f}"
    finally:
        cluster.stop()
    return results


# -- the report ------------------------------------------------------------------------------------------------------

_ROW = "{:>9} | {:<40} | {:>8} | {:>19} | {:>8} | {:>10} | {:>10} | {:>9}"
_LABELS = {
    "gather": "no journal: same client, asyncio.gather",
    "sqlite": "BatchRunner + SQLite journal",
    "postgres": "GroupRunner + PostgreSQL journal",
}


def group_table(results: GroupResults) -> str:
    lines = ["", "the day on several workers, one PostgreSQL journal, against the emulator (another process):"]
    if results.skipped:
        lines.append(f"  SKIP  the group section: {results.skipped}")
        return "\n".join(lines)
    sizes = results.sizes
    lines.append(
        f"{sizes.orders} orders per run, {CONCURRENCY} in flight per process, processes of their own "
        f"({results.start_method}), "
        f"medians of {sizes.rounds} round(s):"
    )
    lines.append(
        _ROW.format(
            "processes",
            "contender",
            "orders/s",
            "CPU us/order: bench",
            "emulator",
            "PostgreSQL",
            "x 1 worker",
            "x ceiling",
        )
    )
    ceiling_processes, ceiling = results.ceiling()
    for contender, processes in results.plan():
        figures = [
            results.median(contender, processes, name)
            for name in ("orders_per_s", "cpu_us_per_order", "emulator_us_per_order", "server_us_per_order")
        ]
        scale = results.ratio((contender, processes), ("postgres", 1)) if contender == "postgres" else None
        lines.append(
            _ROW.format(
                processes,
                _LABELS[contender],
                *(f"{figure:.0f}" for figure in figures),
                "" if scale is None else f"{scale:.2f}",
                f"{results.ratio((contender, processes), ('gather', ceiling_processes)):.2f}",
            )
        )
    lines.append(
        f"emulator ceiling (no journal, {ceiling_processes} process(es)): {ceiling:.0f} orders/s; CPU per order of the "
        f"bench's processes, the emulator's and PostgreSQL's; {os.cpu_count()} CPUs, load average {results.load}"
    )
    postgres, sqlite = results.journal_ms("postgres"), results.journal_ms("sqlite")
    per_order = results.ratio(("sqlite", 1), ("postgres", 1))
    lines.append(
        f"journal cost per order, 1 worker, beyond the no-journal run: PostgreSQL {postgres:.2f} ms, "
        f"SQLite {sqlite:.2f} ms; PostgreSQL / SQLite wall per order {per_order:.2f}"
    )
    lines.append("group targets:")
    for name, value, passed in results.targets():
        lines.append(f"  {'PASS' if passed else 'FAIL'}  {name}: {value:.2f}")
    return "\n".join(lines)


def group_as_json(results: GroupResults) -> dict[str, Any]:
    if results.skipped:
        return {"sizes": asdict(results.sizes), "skipped": results.skipped}
    ceiling_processes, ceiling = results.ceiling()
    return {
        "sizes": asdict(results.sizes),
        "concurrency_per_process": CONCURRENCY,
        "runs": [
            {
                **asdict(run),
                "orders_per_s": run.orders_per_s,
                "cpu_us_per_order": run.cpu_us_per_order,
                "emulator_us_per_order": run.emulator_us_per_order,
                "server_us_per_order": run.server_us_per_order,
            }
            for run in results.runs
        ],
        "orders_per_s": {
            f"{contender}_{processes}": results.median(contender, processes, "orders_per_s")
            for contender, processes in results.plan()
        },
        "ceiling": {"processes": ceiling_processes, "orders_per_s": ceiling},
        "load_average": results.load,
        "start_method": results.start_method,
        "journal_ms_per_order": {"postgres": results.journal_ms("postgres"), "sqlite": results.journal_ms("sqlite")},
        "postgres_x_sqlite_wall_per_order": results.ratio(("sqlite", 1), ("postgres", 1)),
        "targets": [{"name": name, "value": value, "pass": passed} for name, value, passed in results.targets()],
    }


def main() -> int:
    """`python -m bench._group`: only the group section (`BENCH_QUICK=1` for a smoke run)."""
    return run_alone(run_group, group_sizes_from_env(), group_table, group_as_json)


if __name__ == "__main__":
    raise SystemExit(main())
