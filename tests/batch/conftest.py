"""Batch sync against the real emulator on 127.0.0.1, with real SQLite journals and real subprocesses."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from wechatpay_emulator import Emulator, EmulatorConfig, Order, demo
from wechatpay_payscore_client import WechatPayClient, create_client
from wechatpay_payscore_client.batch import EventKind, Outcome, SqliteJournal

PAID_TIME = "20261127101010"
SEED = demo.DEMO_ORDER


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[tuple[Emulator, str]]:
    emulator = Emulator(EmulatorConfig.demo())
    with emulator.serve() as base_url:
        yield emulator, base_url


@pytest.fixture
def emulator(emulator_server: tuple[Emulator, str]) -> Emulator:
    emulator, _ = emulator_server
    assert emulator.wait_idle(60), "a request of an earlier test is still being handled"
    emulator.reset()
    emulator.set_request_log_capacity(100_000)
    return emulator


@pytest.fixture
def base_url(emulator_server: tuple[Emulator, str], emulator: Emulator) -> str:
    return emulator_server[1]


def order_numbers(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{index:05d}" for index in range(count)]


def seed(emulator: Emulator, numbers: Sequence[str], **fields: Any) -> None:
    emulator.seed(
        *(
            Order(
                out_order_no=number,
                service_id=SEED.service_id,
                sub_mchid=SEED.sub_mchid,
                channel_id=SEED.channel_id,
                **fields,
            )
            for number in numbers
        )
    )


def row(number: str, **changes: str) -> dict[str, str]:
    fields = {
        "out_order_no": number,
        "service_id": SEED.service_id,
        "sub_mchid": SEED.sub_mchid,
        "channel_id": SEED.channel_id or "",
        "paid_time": PAID_TIME,
    }
    fields.update(changes)
    return fields


def write_csv(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["out_order_no", "service_id", "sub_mchid", "channel_id", "paid_time"]
        )
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in rows), encoding="utf-8")
    return path


def make_client(base_url: str, **overrides: Any) -> WechatPayClient:
    options: dict[str, Any] = {
        "mchid": demo.DEMO_MCHID,
        "serial_no": demo.DEMO_MERCHANT_SERIAL,
        "private_key": demo.demo_merchant_private_key_path(),
        "wechatpay_public_keys": {demo.DEMO_WECHATPAY_PUBLIC_KEY_ID: demo.demo_wechatpay_public_key_path()},
        "base_url": base_url,
        "timeout": 5.0,
    }
    options.update(overrides)
    return create_client(**options)


def cli_env(base_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "WECHATPAY_MCHID": demo.DEMO_MCHID,
        "WECHATPAY_SERIAL_NO": demo.DEMO_MERCHANT_SERIAL,
        "WECHATPAY_PRIVATE_KEY": str(demo.demo_merchant_private_key_path()),
        "WECHATPAY_PUBLIC_KEY_ID": demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
        "WECHATPAY_PUBLIC_KEY": str(demo.demo_wechatpay_public_key_path()),
        "WECHATPAY_BASE_URL": base_url,
        "WECHATPAY_TIMEOUT": "3",
    }


COMMAND = [sys.executable, "-m", "wechatpay_payscore_client", "sync-batch"]


def start_batch(args: Sequence[str], base_url: str, **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*COMMAND, *args],
        env=cli_env(base_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def run_batch(args: Sequence[str], base_url: str, *, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], env=cli_env(base_url), capture_output=True, text=True, timeout=timeout, check=False
    )


def mch_details(emulator: Emulator, number: str) -> list[Any]:
    """The emulator's MCH payments of an order: one per sync that was applied."""
    collection = emulator.order(number).collection
    return [] if collection is None else [detail for detail in collection.details if detail.paid_type == "MCH"]


def audit(journal_path: Path, emulator: Emulator, numbers: Sequence[str]) -> dict[str, Outcome]:
    """Every order has one final outcome matching the emulator; none synced twice; every re-send followed a query
    (or a signed answer that proves nothing was applied: a 429, or an attempt that never reached the server)."""
    journal = SqliteJournal(journal_path)
    try:
        records = {record.out_order_no: record for record in journal.records()}
        outcomes: dict[str, Outcome] = {}
        for number in numbers:
            record = records[number]
            assert record.outcome is not None, (number, record)
            outcomes[number] = record.outcome
            payments = mch_details(emulator, number)
            assert len(payments) <= 1, f"{number} synced {len(payments)} times"
            state = emulator.order(number).state
            if record.outcome in (Outcome.SYNCED, Outcome.SYNCED_BY_EARLIER_ATTEMPT):
                assert state == "DONE" and len(payments) == 1, (number, record, state)
                assert payments[0].paid_time == PAID_TIME
            elif record.outcome is Outcome.ALREADY_DONE_OTHERWISE:
                assert state == "DONE" and not payments, (number, record)
            else:
                assert not payments, (number, record)
            _resends_follow_queries(number, journal)
        return outcomes
    finally:
        journal.close()


def _resends_follow_queries(number: str, journal: SqliteJournal) -> None:
    sent = False  # an attempt left (or may have) and nothing since proved it not applied
    for event in journal.events(number):
        if event.kind is EventKind.SEND:
            assert not sent, f"{number}: attempt {event.attempt} was sent with no query since the last attempt"
            sent = True
        elif (
            event.kind is EventKind.UNSEND
            or (event.kind is EventKind.VERDICT and event.detail.startswith("not_applied"))
            or (event.kind is EventKind.ANSWER and event.detail.startswith(("rate_limited", "not_sent")))
        ):
            sent = False
