"""The notification stores: claim, done, release, lease expiry, retention, across threads and processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from wechatpay_payscore_client import (
    Answer,
    MemoryNotificationStore,
    NotificationClaim,
    NotificationStore,
    SQLiteNotificationStore,
    success_answer,
)

from .clock import Clock

CLAIMED = NotificationClaim.CLAIMED
BUSY = NotificationClaim.BUSY
PREPAY_ANSWER = Answer(200, {"Content-Type": "application/json"}, '{"code":"SUCCESS","message":"成功"}'.encode())
DAY = 24 * 3600


@pytest.fixture(params=["sqlite", "memory"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make(kind: str, tmp_path: Path, clock: Clock, **options: float) -> NotificationStore:
    if kind == "sqlite":
        return SQLiteNotificationStore(tmp_path / "notifications.sqlite3", clock=clock, **options)
    return MemoryNotificationStore(clock=clock, **options)


def test_both_are_notification_stores(tmp_path: Path) -> None:
    assert isinstance(SQLiteNotificationStore(tmp_path / "n.sqlite3"), NotificationStore)
    assert isinstance(MemoryNotificationStore(), NotificationStore)
    assert not isinstance(object(), NotificationStore)


def test_first_claims_the_next_is_busy(kind: str, tmp_path: Path) -> None:
    store = make(kind, tmp_path, Clock())
    assert store.claim("EV-1", "t1") is CLAIMED
    assert store.claim("EV-1", "t2") is BUSY
    assert store.claim("EV-2", "t3") is CLAIMED


def test_done_answers_the_recorded_answer(kind: str, tmp_path: Path) -> None:
    store = make(kind, tmp_path, Clock())
    assert store.claim("EV-1", "t1") is CLAIMED
    store.complete("EV-1", "t1", PREPAY_ANSWER)
    assert store.claim("EV-1", "t2") == PREPAY_ANSWER
    assert store.claim("EV-1", "t3") == PREPAY_ANSWER
    store.release("EV-1", "t1")  # a done id is never released
    assert store.claim("EV-1", "t4") == PREPAY_ANSWER


def test_release_frees_the_id_for_the_next_delivery(kind: str, tmp_path: Path) -> None:
    store = make(kind, tmp_path, Clock())
    assert store.claim("EV-1", "t1") is CLAIMED
    store.release("EV-1", "someone-else")  # not this claim's token: nothing happens
    assert store.claim("EV-1", "t2") is BUSY
    store.release("EV-1", "t1")
    assert store.claim("EV-1", "t3") is CLAIMED


def test_a_claim_expires_with_its_lease(kind: str, tmp_path: Path) -> None:
    clock = Clock()
    store = make(kind, tmp_path, clock, lease=30)
    assert store.claim("EV-1", "crashed") is CLAIMED
    clock.advance(29.9)
    assert store.claim("EV-1", "t2") is BUSY
    clock.advance(0.1)
    assert store.claim("EV-1", "t3") is CLAIMED
    store.release("EV-1", "crashed")  # the expired claim's late release does not drop the new one
    assert store.claim("EV-1", "t4") is BUSY
    store.complete("EV-1", "crashed", success_answer())  # its late success does count: the work was done
    assert store.claim("EV-1", "t5") == success_answer()


def test_done_is_kept_for_the_retention_then_forgotten(kind: str, tmp_path: Path) -> None:
    clock = Clock()
    store = make(kind, tmp_path, clock)  # the default: 48 h
    assert store.claim("EV-1", "t1") is CLAIMED
    store.complete("EV-1", "t1", success_answer())
    clock.advance(DAY + 4 * 60 + 1)  # past WeChat Pay's longest retry schedule: still answered
    assert store.claim("EV-1", "t2") == success_answer()
    clock.advance(DAY)  # 48 h and 4 min after it was done
    assert store.claim("EV-1", "t3") is CLAIMED


def test_retention_and_lease_are_checked(kind: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="24 h 4 min"):
        make(kind, tmp_path, Clock(), retention=DAY)
    for lease in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="lease"):
            make(kind, tmp_path, Clock(), lease=lease)
    make(kind, tmp_path, Clock(), retention=DAY + 4 * 60, lease=5)


def test_sqlite_purges_expired_rows_lazily(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "notifications.sqlite3"
    store = SQLiteNotificationStore(path, clock=clock, lease=30)
    store.claim("EV-done", "t1")
    store.complete("EV-done", "t1", success_answer())
    store.claim("EV-crashed", "t2")

    def ids() -> set[str]:
        with sqlite3.connect(path) as connection:
            return {row[0] for row in connection.execute("SELECT id FROM wechatpay_notifications")}

    clock.advance(3 * DAY)
    assert ids() == {"EV-done", "EV-crashed"}  # nothing is purged until the next claim
    assert store.claim("EV-new", "t3") is CLAIMED
    assert ids() == {"EV-new"}


def test_sqlite_file_is_wal_and_survives_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "notifications.sqlite3"
    first = SQLiteNotificationStore(path)
    first.claim("EV-1", "t1")
    first.complete("EV-1", "t1", PREPAY_ANSWER)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert SQLiteNotificationStore(path).claim("EV-1", "t2") == PREPAY_ANSWER  # a restart remembers


def test_sqlite_path_is_fixed_at_construction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = SQLiteNotificationStore("relative.sqlite3")
    assert store.path == str(tmp_path / "relative.sqlite3")
    monkeypatch.chdir(tmp_path.parent)
    assert store.claim("EV-1", "t1") is CLAIMED
    assert (tmp_path / "relative.sqlite3").exists()


@pytest.mark.parametrize("path", ["", ":memory:"])
def test_sqlite_refuses_a_database_that_is_not_a_shared_file(path: str) -> None:
    with pytest.raises(ValueError, match="MemoryNotificationStore"):
        SQLiteNotificationStore(path)


def test_threads_racing_for_one_id_claim_it_once(kind: str, tmp_path: Path) -> None:
    store = make(kind, tmp_path, Clock())
    barrier = threading.Barrier(16)
    results: list[NotificationClaim | Answer] = []
    lock = threading.Lock()

    def race(index: int) -> None:
        barrier.wait()
        result = store.claim("EV-1", f"t{index}")
        with lock:
            results.append(result)

    threads = [threading.Thread(target=race, args=(index,)) for index in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(results, key=str) == [BUSY] * 15 + [CLAIMED]


RACER = textwrap.dedent(
    """
    import sys, time
    from wechatpay_payscore_client import SQLiteNotificationStore

    path, token, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
    store = SQLiteNotificationStore(path)
    while time.time() < start:
        time.sleep(0.001)
    print(store.claim("EV-1", token))
    """
)


def test_processes_sharing_the_file_claim_an_id_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    SQLiteNotificationStore(path)  # the file exists before the racers start
    start = time.time() + 1.5  # every interpreter is up by then
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(path), f"process-{index}", str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(6)
    ]
    outputs = [racer.communicate(timeout=30) for racer in racers]
    assert all(racer.returncode == 0 for racer in racers), [stderr for _, stderr in outputs]
    assert sorted(stdout.strip() for stdout, _ in outputs) == ["NotificationClaim.BUSY"] * 5 + [
        "NotificationClaim.CLAIMED"
    ]
    with sqlite3.connect(path) as connection:
        ((state, token),) = connection.execute("SELECT state, token FROM wechatpay_notifications").fetchall()
    assert state == "claimed"
    assert token.startswith("process-")


def test_answers_keep_their_headers_and_bytes(kind: str, tmp_path: Path) -> None:
    store = make(kind, tmp_path, Clock())
    answer = Answer(200, {"Content-Type": "application/json; charset=utf-8", "X-Trace": "é"}, b"\x00\xff{}")
    store.claim("EV-1", "t1")
    store.complete("EV-1", "t1", answer)
    replayed = store.claim("EV-1", "t2")
    assert replayed == answer
    assert isinstance(replayed, Answer)
    replayed.headers["X-Trace"] = "changed"
    assert store.claim("EV-1", "t3") == answer  # what a caller does to its copy leaves the record alone
