"""How a batch ends when it is stopped, fed text that is not text, or given paths it must not touch."""

from __future__ import annotations

import argparse
import io
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from wechatpay_emulator import Emulator, Fault
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore.models import SyncServiceOrderRequest
from wechatpay_payscore_client.batch import (
    EventKind,
    JournalEvent,
    OrderRecord,
    Outcome,
    Phase,
    SqliteJournal,
    add_sync_batch_parser,
    run_sync_batch,
)

from .conftest import (
    COMMAND,
    PAID_TIME,
    SEED,
    audit,
    cli_env,
    make_client,
    order_numbers,
    row,
    run_batch,
    seed,
    start_batch,
    write_csv,
)


def _communicate(process: subprocess.Popen[str], timeout: float) -> tuple[str, str]:
    """The process's output; a process that does not end in time is killed (and the test fails)."""
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise


def _wait_until(condition: object, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.02)


def test_a_second_ctrl_c_after_every_row_was_read_exits_130_with_the_orders_in_doubt(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    numbers = order_numbers("AB", 3)
    seed(emulator, numbers)
    emulator.inject(Fault.latency(2.5), times=None)  # every sync in flight when the second Ctrl-C lands
    source = write_csv(tmp_path / "orders.csv", [row(number) for number in numbers])
    process = start_batch([str(source), "--json", "--concurrency", "4", "--rate", "1000"], base_url)
    _wait_until(lambda: not emulator.wait_idle(0))  # the three rows (one chunk) were read and are being sent
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = _communicate(process, 30)
    assert process.returncode == 130, out + err
    summary = json.loads(out)
    assert summary["interrupted"] is True and summary["exit_status"] == 130
    assert summary["unfinished"] == 3  # all three may have been applied: none is left uncounted
    assert emulator.wait_idle(10)
    emulator.clear_faults()
    again = run_batch([str(source), "--json"], base_url)
    assert again.returncode == 0, again.stdout + again.stderr
    assert json.loads(again.stdout)["queries"] >= 3  # each in-doubt order was queried first
    audit(Path(str(source) + ".journal"), emulator, numbers)


def test_a_lone_surrogate_spoils_only_its_row(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    seed(emulator, ["SUR1"])
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps(row("S\ud800")),  # json.dumps writes it as the escape "\ud800": a valid JSON Lines row
        json.dumps(row("SUR2", channel_id="C\udfff")),
        json.dumps({**row("SUR3"), "note\ud800": "x"}),
        json.dumps(row("SUR1")),
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dry = run_batch([str(source), "--dry-run", "--json"], base_url)
    assert dry.returncode == 3, dry.stdout + dry.stderr
    assert json.loads(dry.stdout)["counts"] == {"invalid": 3, "not_sent": 1}
    for _ in range(2):  # and the same again on a rerun
        result = run_batch([str(source), "--json", "--report", str(tmp_path / "r.jsonl")], base_url)
        assert result.returncode == 3, result.stdout + result.stderr
        summary = json.loads(result.stdout)
        assert summary["error"] is None
        assert summary["counts"].get("invalid") == 3
        messages = {item["line"]: item["message"] for item in summary["unsettled"]}
        assert "line 1: out_order_no = 'S\\\\ud800'" in messages[1]
        assert "lone surrogate" in messages[1] and "rule: Unicode text" in messages[1]
        assert "line 2: channel_id" in messages[2]
        assert "line 3: note\\ud800" in messages[3]
        report = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
        assert len(report) == 4
    assert emulator.order("SUR1").state == "DONE"
    audit(tmp_path / "in.jsonl.journal", emulator, ["SUR1"])


def test_a_report_path_that_is_the_input_or_the_journal_is_refused(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    seed(emulator, ["REP1", "REP2"])
    source = write_csv(tmp_path / "rep.csv", [row("REP1")])
    assert run_batch([str(source)], base_url).returncode == 0
    journal = tmp_path / "rep.csv.journal"
    source = write_csv(tmp_path / "rep.csv", [row("REP1"), row("REP2")])
    text = source.read_text(encoding="utf-8")
    emulator.clear_requests()
    for report in (journal, source, tmp_path / "." / "rep.csv", tmp_path / "rep.csv.journal-wal"):
        result = run_batch([str(source), "--report", str(report), "--json"], base_url)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "choose another file" in result.stderr
        assert json.loads(result.stdout)["exit_status"] == 2
    assert emulator.requests == []  # nothing was sent
    assert source.read_text(encoding="utf-8") == text
    assert not (tmp_path / "rep.csv.journal-wal").exists()
    assert SqliteJournal(journal).records()  # still a journal
    finished = run_batch([str(source), "--report", str(tmp_path / "out.csv")], base_url)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary report left
    assert len((tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()) == 3
    audit(journal, emulator, ["REP1", "REP2"])


def test_ctrl_c_during_a_429_pause_ends_at_once_and_withdraws_the_attempt(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    seed(emulator, ["PAUSE1", "PAUSE2"])
    emulator.inject(Fault.rate_limited(retry_after=120), times=1, out_order_no="PAUSE1")
    source = write_csv(tmp_path / "orders.csv", [row("PAUSE1"), row("PAUSE2")])
    process = start_batch([str(source), "--json", "--concurrency", "1"], base_url)
    _wait_until(lambda: any(entry.status == 429 for entry in emulator.requests))
    time.sleep(0.3)  # the worker now waits out the pause before sending again
    process.send_signal(signal.SIGINT)
    out, err = _communicate(process, 15)  # not the two minutes of the pause
    assert process.returncode == 130, out + err
    summary = json.loads(out)
    assert summary["interrupted"] is True and summary["rate_limited"] == 1
    assert summary["unfinished"] >= 1
    journal = SqliteJournal(tmp_path / "orders.csv.journal")
    try:
        record = {record.out_order_no: record for record in journal.records()}["PAUSE1"]
        assert record.phase is Phase.RETRY  # the attempt that waited never left: nothing in doubt
        assert journal.events("PAUSE1")[-1].kind is EventKind.UNSEND
    finally:
        journal.close()
    emulator.clear_requests()
    again = run_batch([str(source), "--json"], base_url)
    assert again.returncode == 0, again.stdout + again.stderr
    assert json.loads(again.stdout)["queries"] == 0  # sent again without a query: it was proven not applied
    audit(tmp_path / "orders.csv.journal", emulator, ["PAUSE1", "PAUSE2"])


@pytest.mark.parametrize("rate", ["0.001", "0", "-1", "nan", "inf", "fast"])
def test_absurd_rates_are_refused(base_url: str, tmp_path: Path, rate: str) -> None:
    source = write_csv(tmp_path / "in.csv", [row("RATE1")])
    result = run_batch([str(source), "--rate", rate], base_url)
    assert result.returncode == 2 and "--rate" in result.stderr
    assert not (tmp_path / "in.csv.journal").exists()


def test_a_resumed_order_paid_now_is_reconciled_with_the_paid_time_recorded(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    # A run recorded NOW1's attempt (paid_time resolved from `now` to PAID_TIME) and died; the attempt was applied.
    seed(emulator, ["NOW1"])
    journal = SqliteJournal(tmp_path / "in.csv.journal")
    fields = {name: value for name, value in row("NOW1").items() if name != "out_order_no"}
    record = OrderRecord(
        out_order_no="NOW1", request={**fields, "paid_time_given": "now"}, phase=Phase.SENDING, attempts=1
    )
    journal.write([(record, JournalEvent(out_order_no="NOW1", kind=EventKind.SEND, attempt=1))])
    journal.close()
    sent = {name: value for name, value in fields.items() if name != "paid_time"}
    body = SyncServiceOrderRequest.from_dict({**sent, "type": "Order_Paid", "detail": {"paid_time": PAID_TIME}})
    with make_client(base_url) as client:
        assert sync_service_order.sync_detailed("NOW1", client=client, body=body).status_code == 204
    assert SEED.channel_id
    source = write_csv(tmp_path / "in.csv", [row("NOW1", paid_time="now")])  # the same row, run again
    result = run_batch([str(source), "--json", "--report", str(tmp_path / "r.json")], base_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["counts"] == {"synced_by_earlier_attempt": 1}
    (reported,) = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert reported["paid_time"] == PAID_TIME
    assert audit(tmp_path / "in.csv.journal", emulator, ["NOW1"]) == {"NOW1": Outcome.SYNCED_BY_EARLIER_ATTEMPT}


def test_every_refusal_to_start_prints_one_json_object(base_url: str, tmp_path: Path) -> None:
    bad_header = tmp_path / "h.csv"
    bad_header.write_text("order,when\nA,B\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    good = write_csv(tmp_path / "in.csv", [row("J1")])
    (tmp_path / "dir.journal").mkdir()
    env = cli_env(base_url)
    del env["WECHATPAY_PRIVATE_KEY"]
    cases: list[tuple[list[str], dict[str, str] | None, str]] = [
        ([str(tmp_path / "missing.csv")], None, "cannot read the batch input"),
        ([str(bad_header)], None, "not a valid header"),
        ([str(empty)], None, "empty input"),
        (["-"], None, "--journal FILE is required"),
        ([str(good), "--journal", str(tmp_path / "dir.journal")], None, "dir.journal"),
        ([str(good)], env, "WECHATPAY_PRIVATE_KEY"),
    ]
    for args, environment, words in cases:
        result = subprocess.run(
            [*COMMAND, *args, "--json"],
            env=environment or cli_env(base_url),
            input="",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        (line,) = result.stdout.splitlines()
        document = json.loads(line)
        assert document["exit_status"] == 2 and words in document["error"], (args, document)
        assert words in result.stderr
    # An input that could not be read leaves no journal behind.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dir.journal", "empty.csv", "h.csv", "in.csv"]


def test_an_unterminated_quote_says_the_rest_was_unreadable(base_url: str, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    values = list(row("Q1").values())
    good = ",".join(values)
    source.write_text(
        "out_order_no,service_id,sub_mchid,channel_id,paid_time\n"
        + good
        + '\n"Q2,broken\n'
        + good.replace("Q1", "Q3")
        + "\n",
        encoding="utf-8",
    )
    result = run_batch([str(source), "--dry-run", "--json"], base_url)
    assert result.returncode == 3, result.stdout + result.stderr
    (problem,) = json.loads(result.stdout)["unsettled"]
    assert "line 3" in problem["message"] and "lines 3-4" in problem["message"]
    assert "the rest of the input could not be read" in problem["message"]


def test_a_report_that_cannot_be_written_still_leaves_the_summary(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    if not Path("/dev/full").exists():  # pragma: no cover - every Linux has it
        pytest.fail("/dev/full is needed for this test")
    seed(emulator, ["FULL1"])
    source = write_csv(tmp_path / "in.csv", [row("FULL1")])
    result = run_batch([str(source), "--report", "/dev/full"], base_url)
    assert result.returncode == 0, result.stdout + result.stderr  # the order settled: the journal holds it
    assert "the report /dev/full could not be written" in result.stdout
    assert "the report /dev/full could not be written" in result.stderr
    assert "synced" in result.stdout
    audit(tmp_path / "in.csv.journal", emulator, ["FULL1"])


def test_an_unexpected_error_still_prints_the_summary(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_sync_batch_parser(parser.add_subparsers())
    source = write_csv(tmp_path / "in.csv", [row("U1")])
    args = parser.parse_args(["sync-batch", str(source), "--dry-run", "--json"])
    args.concurrency = 0  # a caller's mistake the parser would have refused: the runner raises ValueError
    out, err = io.StringIO(), io.StringIO()
    assert run_sync_batch(args, out=out, err=err) == 5
    document = json.loads(out.getvalue())
    assert document["exit_status"] == 5 and "unexpected error: ValueError" in document["error"]
    args.json = False
    out = io.StringIO()
    assert run_sync_batch(args, out=out, err=err) == 5
    assert "the batch stopped on an unexpected error: ValueError" in out.getvalue()
    assert "exit status 5" in out.getvalue()
