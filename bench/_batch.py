"""The batch section of `make bench`: `sync-batch`'s runner against the emulator, beside what it must cost.

For 1, 8 and 32 requests in flight, the same number of fresh orders (seeded, not timed) is synced three ways against
one emulator in another process (`python -m wechatpay_emulator`, access log off):

- **batch**: `BatchRunner` with a `SqliteJournal` (WAL, `synchronous=FULL`), rows read from a CSV file by the
  command's own reader, every row checked against the contract, no rate ceiling — what `sync-batch` runs;
- **gather**: the same ready client making the same calls with `asyncio.gather` under a semaphore; no journal, no
  row checks;
- **floor**: a hand-rolled `httpx.AsyncClient` with the same number of workers: RSA-sign the request, POST, RSA-verify
  the answer's signature — what any correct client must do per order.

Rounds go round-robin (floor, gather, batch, then again), and each ratio is the median of the per-round ratios, so a
noisy neighbour slows all three alike. Orders per second are wall-clock (the emulator's own speed bounds all three);
client CPU per order (`time.process_time()`) is printed beside them. Memory: the peak RSS of `sync-batch --dry-run`
subprocesses over a 10 % and a 100 % input (100 000 rows in the full run); flat means the larger is not larger by
more than a few MB.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore.models import SyncServiceOrderRequest
from wechatpay_payscore_client import OutcomeUnknownError
from wechatpay_payscore_client.batch import BatchRunner, Outcome, SqliteJournal, open_rows

from bench._contenders import merchant_private_key, platform_public_key, project_client
from bench._test_keys import MCHID, MERCHANT_SERIAL_NO, PLATFORM_PUBLIC_KEY_ID

__all__ = [
    "BATCH_FULL",
    "BATCH_QUICK",
    "BatchResults",
    "BatchSizes",
    "batch_as_json",
    "batch_sizes_from_env",
    "batch_table",
    "run_alone",
    "run_batch",
]

SizesT = TypeVar("SizesT")
ResultsT = TypeVar("ResultsT")

SERVICE_ID = "2002000000000558128851361561536"
SUB_MCHID = "1900000109"
CHANNEL_ID = "1230000109"
PAID_TIME = "20261127101010"
CONTENDERS = ("floor", "gather", "batch")
RSS_FLAT_MB = 8.0  # "flat": ten times the rows may cost at most this much more resident memory
JOURNAL_COST_TARGET = 0.90  # batch >= 0.90 x gather: the journal costs <= 10 %
FLOOR_TARGET = 0.80  # batch >= 0.8 x the hand-rolled floor


@dataclass(frozen=True)
class BatchSizes:
    orders: int
    rounds: int
    concurrencies: tuple[int, ...]
    dry_run_rows: int


# One round of 5 000 orders per contender and concurrency: ~45 000 syncs, about five minutes against the emulator.
BATCH_FULL = BatchSizes(orders=5_000, rounds=1, concurrencies=(1, 8, 32), dry_run_rows=100_000)
BATCH_QUICK = BatchSizes(orders=60, rounds=1, concurrencies=(1, 8, 32), dry_run_rows=2_000)


def batch_sizes_from_env() -> BatchSizes:
    """`BENCH_QUICK=1`: the smoke sizes; `BENCH_BATCH_ORDERS=N`: N orders per run instead of 5 000."""
    sizes = BATCH_QUICK if os.environ.get("BENCH_QUICK", "") not in ("", "0") else BATCH_FULL
    orders = os.environ.get("BENCH_BATCH_ORDERS")
    return replace(sizes, orders=int(orders)) if orders else sizes


@dataclass
class Run:
    contender: str
    concurrency: int
    orders: int
    wall_s: float
    cpu_s: float

    @property
    def orders_per_s(self) -> float:
        return self.orders / self.wall_s

    @property
    def cpu_us_per_order(self) -> float:
        return self.cpu_s / self.orders * 1e6


@dataclass
class BatchResults:
    sizes: BatchSizes
    runs: list[Run] = field(default_factory=list)
    rss_small_mb: float = 0.0
    rss_large_mb: float = 0.0
    dry_run_small_rows: int = 0

    def median(self, contender: str, concurrency: int, attribute: str) -> float:
        values = [
            float(getattr(r, attribute)) for r in self.runs if r.contender == contender and r.concurrency == concurrency
        ]
        return float(statistics.median(values))

    def ratio(self, contender: str, reference: str, concurrency: int) -> float:
        """Median over rounds of this round's orders/s of `contender` / the same round's `reference`."""
        mine = [r for r in self.runs if r.contender == contender and r.concurrency == concurrency]
        theirs = [r for r in self.runs if r.contender == reference and r.concurrency == concurrency]
        return statistics.median(a.orders_per_s / b.orders_per_s for a, b in zip(mine, theirs, strict=True))

    def targets(self) -> list[tuple[str, float, bool]]:
        rows = []
        for concurrency in self.sizes.concurrencies:
            journal = self.ratio("batch", "gather", concurrency)
            rows.append(
                (
                    f"batch >= {JOURNAL_COST_TARGET:.2f} x gather, {concurrency} in flight",
                    journal,
                    journal >= JOURNAL_COST_TARGET,
                )
            )
        for concurrency in self.sizes.concurrencies:
            floor = self.ratio("batch", "floor", concurrency)
            rows.append((f"batch >= {FLOOR_TARGET:.2f} x floor, {concurrency} in flight", floor, floor >= FLOOR_TARGET))
        growth = self.rss_large_mb - self.rss_small_mb
        rows.append(
            (
                f"dry-run RSS growth {self.dry_run_small_rows} -> {self.sizes.dry_run_rows} rows <= {RSS_FLAT_MB:g} MB",
                growth,
                growth <= RSS_FLAT_MB,
            )
        )
        return rows


# -- the emulator in its own process ----------------------------------------------------------------------------------


class EmulatorProcess:
    """`python -m wechatpay_emulator --port 0` with the demo identity; seeded over its control surface."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "wechatpay_emulator", "--port", "0", "--log-level", "warning"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self._process.stdout is not None
        self.base_url = self._process.stdout.readline().strip()
        if not self.base_url.startswith("http://127.0.0.1:"):
            self.close()
            raise RuntimeError(f"the emulator did not start: {self.base_url!r}")
        self._control = httpx.Client(base_url=self.base_url, timeout=60)

    def seed(self, numbers: Sequence[str]) -> None:
        for start in range(0, len(numbers), 1000):
            orders = [
                {"out_order_no": n, "service_id": SERVICE_ID, "sub_mchid": SUB_MCHID, "channel_id": CHANNEL_ID}
                for n in numbers[start : start + 1000]
            ]
            self._control.post("/_emulator/orders", json=orders).raise_for_status()
        self._control.put("/_emulator/requests/capacity", json={"capacity": 1}).raise_for_status()

    @property
    def pid(self) -> int:
        return self._process.pid

    def close(self) -> None:
        if hasattr(self, "_control"):
            self._control.close()
        self._process.terminate()
        self._process.wait(timeout=10)

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


# -- the contenders ------------------------------------------------------------------------------------------------


def _body() -> SyncServiceOrderRequest:
    return SyncServiceOrderRequest.from_dict(
        {
            "service_id": SERVICE_ID,
            "sub_mchid": SUB_MCHID,
            "channel_id": CHANNEL_ID,
            "type": "Order_Paid",
            "detail": {"paid_time": PAID_TIME},
        }
    )


async def _gather(base_url: str, numbers: Sequence[str], concurrency: int, _: Path) -> None:
    client = project_client(base_url, timeout=30.0)
    body = _body()
    gate = asyncio.Semaphore(concurrency)

    async def one(number: str) -> None:
        async with gate:
            try:
                response = await sync_service_order.asyncio_detailed(number, client=client, body=body)
            except OutcomeUnknownError:  # a kept-alive connection closed under it: counted, not reconciled
                LOST["gather"] += 1
                return
        if response.status_code != 204:
            raise RuntimeError(f"gather: HTTP {response.status_code}")

    async with client:
        await asyncio.gather(*(one(number) for number in numbers))


async def _batch(base_url: str, numbers: Sequence[str], concurrency: int, workdir: Path) -> None:
    source = workdir / f"batch-{numbers[0]}.csv"
    journal = SqliteJournal(workdir / f"batch-{numbers[0]}.journal")
    client = project_client(base_url, timeout=30.0)
    runner = BatchRunner(client, journal, concurrency=concurrency, rate=None)
    try:
        async with client:
            with open_rows(source) as rows:
                async for result in runner.run(rows):
                    if result.outcome not in (Outcome.SYNCED, Outcome.SYNCED_BY_EARLIER_ATTEMPT):
                        raise RuntimeError(f"batch: {result.out_order_no} {result.outcome} {result.message}")
    finally:
        journal.close()


async def _floor(base_url: str, numbers: Sequence[str], concurrency: int, _: Path) -> None:
    key, public_key = merchant_private_key(), platform_public_key()
    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()
    body = json.dumps(_body().to_dict(), separators=(",", ":")).encode()
    pending: Iterator[str] = iter(numbers)

    async def worker(client: httpx.AsyncClient) -> None:
        for number in pending:
            target = f"/v3/payscore/acquiringbank/serviceorder/{number}/sync"
            timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
            message = f"POST\n{target}\n{timestamp}\n{nonce}\n".encode() + body + b"\n"
            signature = base64.b64encode(key.sign(message, pkcs1, sha256)).decode()
            authorization = (
                f'WECHATPAY2-SHA256-RSA2048 mchid="{MCHID}",nonce_str="{nonce}",signature="{signature}",'
                f'timestamp="{timestamp}",serial_no="{MERCHANT_SERIAL_NO}"'
            )
            headers = {
                "Authorization": authorization,
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "bench-floor/1",
                "Wechatpay-Serial": PLATFORM_PUBLIC_KEY_ID,
            }
            try:
                response = await client.post(target, content=body, headers=headers)
            except httpx.TransportError:  # as for gather: counted, not reconciled
                LOST["floor"] += 1
                continue
            answer = response.headers
            signed = f"{answer['Wechatpay-Timestamp']}\n{answer['Wechatpay-Nonce']}\n".encode() + response.content
            public_key.verify(base64.b64decode(answer["Wechatpay-Signature"]), signed + b"\n", pkcs1, sha256)
            if response.status_code != 204:
                raise RuntimeError(f"floor: HTTP {response.status_code}")

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))


# Answers lost on the way (a kept-alive connection the server closed as it was reused), per contender: the batch
# reconciles them by a query (its real cost); the two others only count them.
LOST: dict[str, int] = {"floor": 0, "gather": 0}

_RUN: dict[str, Callable[[str, Sequence[str], int, Path], Any]] = {"floor": _floor, "gather": _gather, "batch": _batch}


def _write_csv(path: Path, numbers: Sequence[str]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("out_order_no,service_id,sub_mchid,channel_id,paid_time\n")
        for number in numbers:
            handle.write(f"{number},{SERVICE_ID},{SUB_MCHID},{CHANNEL_ID},{PAID_TIME}\n")


# -- memory of a dry run -------------------------------------------------------------------------------------------


def _dry_run_peak_rss_mb(rows: int, workdir: Path) -> float:
    source = workdir / f"dry-{rows}.csv"
    _write_csv(source, [f"D{index:09d}" for index in range(rows)])
    process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "wechatpay_payscore_client", "sync-batch", str(source), "--dry-run", "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"dry run of {rows} rows exited {process.returncode}")
    return usage.ru_maxrss / 1024  # KiB on Linux


# -- the run ---------------------------------------------------------------------------------------------------------


def run_batch(sizes: BatchSizes, progress: Callable[[str], None]) -> BatchResults:
    results = BatchResults(sizes)
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as name, EmulatorProcess() as emulator:
        workdir = Path(name)
        progress(f"batch: emulator on {emulator.base_url}; {sizes.orders} orders per run, {sizes.rounds} round(s)")
        for concurrency in sizes.concurrencies:
            for round_number in range(sizes.rounds):
                for contender in CONTENDERS:
                    prefix = f"{contender[0].upper()}{concurrency:02d}{round_number}"
                    numbers = [f"{prefix}{index:06d}" for index in range(sizes.orders)]
                    emulator.seed(numbers)
                    _write_csv(workdir / f"batch-{numbers[0]}.csv", numbers)
                    wall, cpu = time.perf_counter(), time.process_time()
                    asyncio.run(_RUN[contender](emulator.base_url, numbers, concurrency, workdir))
                    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                    results.runs.append(Run(contender, concurrency, sizes.orders, wall, cpu))
            progress(f"batch: {concurrency} in flight done")
        results.dry_run_small_rows = max(sizes.dry_run_rows // 10, 1)
        progress(f"batch: dry runs of {results.dry_run_small_rows} and {sizes.dry_run_rows} rows")
        results.rss_small_mb = _dry_run_peak_rss_mb(results.dry_run_small_rows, workdir)
        results.rss_large_mb = _dry_run_peak_rss_mb(sizes.dry_run_rows, workdir)
    return results


_ROW = "{:>9} | {:<30} | {:>8} | {:>12} | {:>8} | {:>7}"


def batch_table(results: BatchResults) -> str:
    labels = {
        "floor": "floor: httpx.AsyncClient + RSA",
        "gather": "same client, asyncio.gather",
        "batch": "sync-batch runner + journal",
    }
    lines = [
        "",
        f"batch sync against the emulator (another process), {results.sizes.orders} orders per run, medians:",
        _ROW.format("in flight", "contender", "orders/s", "CPU us/order", "x gather", "x floor"),
    ]
    for concurrency in results.sizes.concurrencies:
        for contender in CONTENDERS:
            rate = results.median(contender, concurrency, "orders_per_s")
            cpu = results.median(contender, concurrency, "cpu_us_per_order")
            gather = results.ratio(contender, "gather", concurrency)
            floor = results.ratio(contender, "floor", concurrency)
            lines.append(
                _ROW.format(
                    concurrency, labels[contender], f"{rate:.0f}", f"{cpu:.0f}", f"{gather:.2f}", f"{floor:.2f}"
                )
            )
    lines.append(
        f"dry-run peak RSS: {results.rss_small_mb:.1f} MB for {results.dry_run_small_rows} rows, "
        f"{results.rss_large_mb:.1f} MB for {results.sizes.dry_run_rows} rows"
    )
    lines.append(
        f"answers lost by the server (counted, not reconciled): floor {LOST['floor']}, gather {LOST['gather']}"
    )
    lines.append("batch targets:")
    for name, value, passed in results.targets():
        lines.append(f"  {'PASS' if passed else 'FAIL'}  {name}: {value:.2f}")
    return "\n".join(lines)


def batch_as_json(results: BatchResults) -> dict[str, Any]:
    return {
        "sizes": asdict(results.sizes),
        "runs": [
            {**asdict(run), "orders_per_s": run.orders_per_s, "cpu_us_per_order": run.cpu_us_per_order}
            for run in results.runs
        ],
        "ratios": {
            str(c): {
                "batch_x_gather": results.ratio("batch", "gather", c),
                "batch_x_floor": results.ratio("batch", "floor", c),
            }
            for c in results.sizes.concurrencies
        },
        "dry_run_rss_mb": {
            "small_rows": results.dry_run_small_rows,
            "small": results.rss_small_mb,
            "large": results.rss_large_mb,
        },
        "targets": [{"name": name, "value": value, "pass": passed} for name, value, passed in results.targets()],
        "lost_answers": dict(LOST),
    }


def run_alone(
    section: Callable[[SizesT, Callable[[str], None]], ResultsT],
    sizes: SizesT,
    table: Callable[[ResultsT], str],
    as_json: Callable[[ResultsT], dict[str, Any]],
) -> int:
    """One section run on its own (`python -m bench._batch`, `python -m bench._group`): its table on stdout, its
    figures as JSON to `BENCH_JSON` if set."""
    results = section(sizes, lambda text: print(f"bench: {text}", file=sys.stderr, flush=True))
    print(table(results), flush=True)
    destination = os.environ.get("BENCH_JSON")
    if destination:
        Path(destination).write_text(json.dumps(as_json(results), indent=2) + "\n", encoding="utf-8")
    return 0


def main() -> int:
    """`python -m bench._batch`: only the batch section (`BENCH_QUICK=1` for a smoke run)."""
    return run_alone(run_batch, batch_sizes_from_env(), batch_table, batch_as_json)


if __name__ == "__main__":
    raise SystemExit(main())
