"""`wechatpay-payscore sync-batch` as an operator runs it: exit statuses, the summary, the report, dry runs."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

from wechatpay_emulator import Emulator, Fault

from .conftest import COMMAND, audit, cli_env, order_numbers, row, run_batch, seed, write_csv, write_jsonl


def test_a_batch_with_bad_rows_duplicates_and_wrong_states(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    numbers = order_numbers("M", 20)
    seed(emulator, numbers)
    seed(emulator, ["WRONG1"], state="DOING", state_description="USER_CONFIRM")
    rows = [row(number) for number in numbers]
    rows += [row("M00003"), row("bad order"), row("WRONG1"), row("M00021", paid_time="soon")]
    source = write_csv(tmp_path / "today.csv", rows)
    emulator.inject(Fault.apply_then_drop(), times=1, out_order_no="M00005")
    result = run_batch([str(source), "--report", str(tmp_path / "report.csv")], base_url)
    assert result.returncode == 3, result.stdout + result.stderr
    out = result.stdout
    assert "synced" in out and "refused" in out and "invalid" in out
    assert "Not settled (4)" in out
    assert "line 22 repeats line 5's order" in out
    assert "WRONG1 (line 24, refused): refused by WeChat Pay: INVALID_ORDER_STATE" in out
    assert "query it" in out
    assert "sync-batch: " in result.stderr  # the plain progress line when not on a terminal
    with (tmp_path / "report.csv").open(encoding="utf-8", newline="") as handle:
        report = list(csv.DictReader(handle))
    assert len(report) == len(rows)
    assert set(report[0]) >= {"out_order_no", "outcome", "code", "message", "request_id", "attempts", "paid_time"}
    by_line = {item["line"]: item for item in report}
    assert by_line["7"]["outcome"] == "synced_by_earlier_attempt"  # M00005: applied, answer lost, query confirmed
    assert by_line["7"]["request_id"]
    assert by_line["23"]["outcome"] == "invalid"
    audit(tmp_path / "today.csv.journal", emulator, [*numbers, "WRONG1"])
    # Run again: nothing is sent again, the same exit status.
    emulator.clear_requests()
    again = run_batch([str(source), "--json"], base_url)
    assert again.returncode == 3
    summary = json.loads(again.stdout)
    assert summary["sends"] == 0 and summary["queries"] == 0
    assert summary["settled_earlier"] == 21
    assert emulator.requests == []


def test_exit_0_when_everything_settles_and_json_report(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    numbers = order_numbers("G", 5)
    seed(emulator, numbers)
    source = write_jsonl(tmp_path / "in.jsonl", [row(number) for number in numbers])
    result = run_batch([str(source), "--json", "--report", str(tmp_path / "r.json")], base_url)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["counts"] == {"synced": 5}
    assert summary["exit_status"] == 0
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [item["outcome"] for item in report] == ["synced"] * 5


def test_exit_5_when_the_outcome_cannot_be_established(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    seed(emulator, ["U1"])
    emulator.inject(Fault.drop_connection(), times=None)  # every sync and every query loses its answer
    source = write_csv(tmp_path / "in.csv", [row("U1")])
    result = run_batch([str(source), "--json"], base_url)
    assert result.returncode == 5, result.stdout + result.stderr
    (unsettled,) = json.loads(result.stdout)["unsettled"]
    assert unsettled["outcome"] == "unresolved"
    assert "Run the same command again" in unsettled["advice"]
    emulator.clear_faults()
    assert run_batch([str(source)], base_url).returncode == 0
    audit(tmp_path / "in.csv.journal", emulator, ["U1"])


def test_dry_run_checks_everything_and_sends_nothing(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    rows = [row(number) for number in order_numbers("Y", 30)] + [row("Y00001"), row("bad|order\n")]
    source = write_csv(tmp_path / "in.csv", rows)
    result = run_batch([str(source), "--dry-run", "--json"], base_url)
    assert result.returncode == 3, result.stderr
    summary = json.loads(result.stdout)
    assert summary["counts"] == {"not_sent": 30, "invalid": 2}
    assert emulator.requests == []
    assert not (tmp_path / "in.csv.journal").exists()


def test_bad_configuration_and_unreadable_input_exit_2(base_url: str, tmp_path: Path) -> None:
    assert run_batch([str(tmp_path / "missing.csv")], base_url).returncode == 2
    bad_header = tmp_path / "h.csv"
    bad_header.write_text("order,when\nA,B\n", encoding="utf-8")
    result = run_batch([str(bad_header)], base_url)
    assert result.returncode == 2 and "not a valid header" in result.stderr
    source = write_csv(tmp_path / "in.csv", [row("Z1")])
    env = cli_env(base_url)
    del env["WECHATPAY_PRIVATE_KEY"]
    missing_key = subprocess.run(
        [*COMMAND, str(source)], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert missing_key.returncode == 2 and "WECHATPAY_PRIVATE_KEY" in missing_key.stderr
    stdin = subprocess.run([*COMMAND, "-"], env=env, input="", capture_output=True, text=True, timeout=60, check=False)
    assert stdin.returncode == 2 and "--journal FILE is required" in stdin.stderr


def test_standard_input_with_a_journal(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    seed(emulator, ["STDIN1"])
    text = "out_order_no,service_id,sub_mchid,channel_id,paid_time\n" + ",".join(row("STDIN1").values()) + "\n"
    result = subprocess.run(
        [*COMMAND, "-", "--journal", str(tmp_path / "j")],
        env=cli_env(base_url),
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    audit(tmp_path / "j", emulator, ["STDIN1"])
