"""`wechatpay-payscore batch-report` on SQLite journals that real `sync-batch` runs against the emulator wrote.

Every order once with its outcome (or where it stands when a run was killed mid-flight), one unnamed worker whose
syncs and queries are the run's own, the orders not settled with what to do, the report with sync-batch's columns,
and the exit statuses; the journal is only read, a missing one never created.
"""

from __future__ import annotations

import csv
import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from wechatpay_emulator import Emulator, Fault
from wechatpay_payscore_client.batch import REPORT_COLUMNS, JournalError, Phase, SqliteJournal

from .conftest import COMMAND, order_numbers, row, run_batch, seed, start_batch, write_csv

REPORT = [sys.executable, "-m", "wechatpay_payscore_client", "batch-report"]


def report(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*REPORT, *args], capture_output=True, text=True, timeout=60, check=False, env=env)


def as_json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout + result.stderr  # exactly one JSON object
    document = json.loads(lines[0])
    assert isinstance(document, dict)
    assert document["exit_status"] == result.returncode
    return document


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_day_with_refused_invalid_and_unresolved_orders_then_settled(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    numbers = order_numbers("R", 8)
    seed(emulator, numbers)
    seed(emulator, ["WRONG1"], state="DOING", state_description="USER_CONFIRM")
    emulator.inject(Fault.apply_then_drop(), times=1, out_order_no="R00001")  # applied, answer lost
    emulator.inject(Fault.drop_connection(), times=None, out_order_no="R00005")  # nothing answers: unresolved
    rows = [*(row(number) for number in numbers), row("WRONG1"), row("R00099", paid_time="soon")]
    source = write_csv(tmp_path / "day.csv", rows)
    journal = tmp_path / "day.csv.journal"
    batch = run_batch([str(source), "--json"], base_url)
    assert batch.returncode == 5, batch.stdout + batch.stderr
    run = json.loads(batch.stdout)
    before = digest(journal)

    result = report("--journal", str(journal), "--json", "--report", str(tmp_path / "day-report.csv"))
    assert result.returncode == 5, result.stdout + result.stderr
    document = as_json(result)
    assert document["kind"] == "sqlite" and document["journal"] == str(journal)
    assert document["orders"] == 10
    assert document["counts"] == {
        "synced": 7 - 1,
        "synced_by_earlier_attempt": 1,
        "refused": 1,
        "invalid": 1,
        "unresolved": 1,
    }
    assert document["settled"] == 7 and document["finished"] == 10 and document["unfinished"] == 0
    (worker,) = document["workers"]
    assert worker["worker"] is None and worker["finished"] == 10
    assert worker["syncs_sent"] == run["sends"] and worker["queries"] == run["queries"]
    assert worker["claims"] == 0 and worker["took_over"] == {} and worker["holding"] == 0
    assert document["unsettled_total"] == 3
    unsettled = {item["out_order_no"]: item for item in document["unsettled"]}
    assert sorted(unsettled) == ["R00005", "R00099", "WRONG1"]
    assert unsettled["R00005"]["status"] == "unresolved"
    assert "queries the order before sending anything" in unsettled["R00005"]["advice"]
    assert unsettled["WRONG1"]["code"] == "INVALID_ORDER_STATE" and unsettled["WRONG1"]["request_id"]
    assert "query it (wechatpay-payscore query)" in unsettled["WRONG1"]["advice"]  # sync-batch's own words
    assert unsettled["R00099"]["status"] == "invalid" and "Fix the row" in unsettled["R00099"]["advice"]
    assert document["report"] == str(tmp_path / "day-report.csv") and document["report_error"] is None

    with (tmp_path / "day-report.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == REPORT_COLUMNS  # sync-batch's columns
        rows_out = list(reader)
    assert sorted(item["out_order_no"] for item in rows_out) == sorted([*numbers, "WRONG1", "R00099"])  # each once
    by_order = {item["out_order_no"]: item for item in rows_out}
    assert by_order["R00001"]["outcome"] == "synced_by_earlier_attempt"
    assert by_order["R00005"]["outcome"] == "unresolved" and by_order["R00005"]["line"] == "7"
    assert by_order["R00000"]["request_id"] and by_order["R00000"]["paid_time"] == row("R00000")["paid_time"]
    assert digest(journal) == before  # read, never written

    text = report("--journal", str(journal))
    assert text.returncode == 5
    assert "synced_by_earlier_attempt" in text.stdout and "total" in text.stdout
    assert f"(one worker, unnamed): finished 10, {run['sends']} sync(s) sent" in text.stdout
    assert "Not settled (3):" in text.stdout
    assert "WRONG1 (line 10, refused): refused by WeChat Pay: INVALID_ORDER_STATE" in text.stdout
    assert "exit status 5 (some unresolved)" in text.stdout

    # The day goes on: the unresolved order is settled by a rerun; what is left is refused or invalid (exit 3).
    emulator.clear_faults()
    assert run_batch([str(source)], base_url).returncode == 3
    again = as_json(report("--journal", str(journal), "--json"))
    assert again["exit_status"] == 3
    assert again["counts"]["synced"] == 7 and "unresolved" not in again["counts"]
    assert [item["out_order_no"] for item in again["unsettled"]] == ["R00099", "WRONG1"]


def test_every_order_settled_exits_0(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    numbers = order_numbers("OK", 4)
    seed(emulator, numbers)
    source = write_csv(tmp_path / "in.csv", [row(number) for number in numbers])
    assert run_batch([str(source)], base_url).returncode == 0
    result = report("--journal", str(tmp_path / "in.csv.journal"), "--json", "--report", str(tmp_path / "r.jsonl"))
    document = as_json(result)
    assert result.returncode == 0
    assert document["counts"] == {"synced": 4} and document["unsettled"] == [] and document["unsettled_total"] == 0
    lines = (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["outcome"] for line in lines] == ["synced"] * 4
    text = report("--journal", str(tmp_path / "in.csv.journal"))
    assert text.returncode == 0 and "Not settled" not in text.stdout and "exit status 0 (all settled)" in text.stdout


def test_a_run_killed_mid_flight_leaves_orders_in_flight_and_pending(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    numbers = order_numbers("K", 6)
    seed(emulator, numbers)
    emulator.inject(Fault.latency(4), times=1, out_order_no="K00000")  # the first order's sync hangs
    source = write_csv(tmp_path / "in.csv", [row(number) for number in numbers])
    journal_path = tmp_path / "in.csv.journal"
    process = start_batch([str(source), "--concurrency", "1"], base_url)
    try:
        deadline = time.monotonic() + 30
        while True:  # until the hanging order is journaled as about to leave
            assert time.monotonic() < deadline, "the batch never recorded its first attempt"
            if journal_path.exists() and _phase(journal_path, "K00000") is Phase.SENDING:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.communicate(timeout=30)

    document = as_json(report("--journal", str(journal_path), "--json"))
    assert document["exit_status"] == 5
    statuses = {item["out_order_no"]: item for item in document["unsettled"]}
    assert statuses["K00000"]["status"] == "in_flight" and statuses["K00000"]["phase"] == "sending"
    assert statuses["K00000"]["outcome"] == "unresolved" and statuses["K00000"]["code"] == "IN_FLIGHT"
    assert "queries the order before sending anything" in statuses["K00000"]["advice"]
    assert document["unfinished"] >= 1 and document["unfinished"] == sum(
        document["counts"].get(name, 0) for name in ("pending", "in_flight", "in_doubt")
    )
    for item in statuses.values():  # nothing else can be in doubt: only one request was ever in flight
        assert item["status"] in ("in_flight", "pending"), item
    text = report("--journal", str(journal_path))
    assert "K00000 (line 2, in flight): attempt 1 may have left" in text.stdout

    assert emulator.wait_idle(30)
    assert run_batch([str(source)], base_url).returncode == 0  # the rerun queries K00000 first, then finishes
    settled = as_json(report("--journal", str(journal_path), "--json"))
    assert settled["exit_status"] == 0 and sum(settled["counts"].values()) == 6


def _phase(path: Path, number: str) -> Phase | None:
    """The order's phase as the journal holds it now (None: not yet, or the journal is still being created)."""
    try:
        journal = SqliteJournal(path, read_only=True)
    except JournalError:
        return None
    try:
        record = journal.get_many([number]).get(number)
    finally:
        journal.close()
    return None if record is None else record.phase


def test_a_missing_or_unreadable_journal_exits_2_and_nothing_is_created(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.journal"
    result = report("--journal", str(missing))
    assert result.returncode == 2 and "no journal at" in result.stderr and result.stdout == ""
    assert not missing.exists() and list(tmp_path.iterdir()) == []
    document = as_json(report("--journal", str(missing), "--json", "--report", str(tmp_path / "r.csv")))
    assert set(document) == {"error", "exit_status"} and document["exit_status"] == 2
    assert "no journal at" in document["error"]
    assert list(tmp_path.iterdir()) == []  # neither a journal nor a report

    not_a_journal = tmp_path / "notes.txt"
    not_a_journal.write_text("these are not the orders you are looking for\n" * 100, encoding="utf-8")
    result = report("--journal", str(not_a_journal), "--json")
    assert result.returncode == 2 and "cannot open the journal" in as_json(result)["error"]
    assert report("--journal", str(tmp_path)).returncode == 2  # a directory


def test_refused_command_lines_exit_2_with_one_json_object(tmp_path: Path) -> None:
    nothing = as_json(report("--json"))
    assert nothing["exit_status"] == 2 and "--journal" in nothing["error"]
    unknown = as_json(report("--journal", "x.journal", "--json", "--frobnicate"))
    assert unknown["exit_status"] == 2 and "--frobnicate" in unknown["error"]
    both = as_json(report("--journal", "x.journal", "--journal-dsn-env", "SOME_DSN", "--json"))
    assert "not both" in both["error"]
    schema = as_json(report("--journal", "x.journal", "--journal-schema", "day", "--json"))
    assert "PostgreSQL journal only" in schema["error"]
    text = report("--journal", "x.journal", "--frobnicate")
    assert text.returncode == 2 and text.stdout == "" and "(see --help)" in text.stderr
    # The report may replace neither the journal nor its SQLite files.
    journal = tmp_path / "j.journal"
    journal.write_bytes(b"")
    same = as_json(report("--journal", str(journal), "--report", str(journal), "--json"))
    assert "is the journal" in same["error"]
    assert journal.read_bytes() == b""


def test_a_password_given_anywhere_is_never_printed(tmp_path: Path) -> None:
    secret = "s3cret-Pa55word"
    dsn = f"postgresql://batch:{secret}@127.0.0.1:1/payments"
    for args in (
        ["--journal", dsn, "--json"],  # a password on the command line is refused
        [dsn, "--json"],  # argparse quotes what it does not expect
        ["--journal-dsn-env", dsn, "--json"],  # a DSN where a variable's name belongs
        ["--journal", dsn],
        [dsn],
    ):
        result = report(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert secret not in result.stdout + result.stderr, args
    # The rule is the journal target's: sync-batch refuses a DSN given as a variable's name without quoting it too.
    source = write_csv(tmp_path / "in.csv", [row("P1")])
    batch = subprocess.run(
        [*COMMAND, str(source), "--journal-dsn-env", dsn, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert batch.returncode == 2 and "not a DSN" in batch.stdout + batch.stderr
    assert secret not in batch.stdout + batch.stderr
    help_text = report("--help")
    assert help_text.returncode == 0 and "exit status:" in help_text.stdout and "in_doubt" in help_text.stdout
