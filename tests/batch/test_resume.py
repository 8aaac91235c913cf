"""`kill -9` at random moments, then the same command again until it is done; Ctrl-C mid-run."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

from wechatpay_emulator import Emulator, Fault
from wechatpay_payscore_client.batch import Outcome

from .conftest import audit, order_numbers, row, run_batch, seed, start_batch, write_csv


def test_killed_at_random_moments_then_rerun_settles_every_order_once(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    # The operator's day: good rows, bad rows, duplicates, orders in the wrong state, an emulator that loses answers
    # and rate-limits; the batch killed with SIGKILL at random moments, then run again until it is done.
    numbers = order_numbers("K", 240)
    seed(emulator, numbers)
    wrong = ["KDONE1", "KREVOKED1", "KCONFIRM1"]
    seed(emulator, wrong[:1], state="DONE")
    seed(emulator, wrong[1:2], state="REVOKED")
    seed(emulator, wrong[2:], state="DOING", state_description="USER_CONFIRM")
    rows = [row(number) for number in numbers[:120]]
    rows += [row(numbers[3]), row("bad order"), row("K-late", paid_time="20991231"), *(row(n) for n in wrong)]
    rows += [row(number) for number in numbers[120:]] + [row(numbers[200])]
    for number, fault in zip(
        numbers[::20], [Fault.apply_then_drop(), Fault.drop_connection(), Fault.system_error()] * 4, strict=False
    ):
        emulator.inject(fault, times=1, out_order_no=number)
    emulator.inject(Fault.latency(0.03), times=None)  # slow enough for a kill to land mid-batch
    emulator.set_rate_limit(150)
    source = write_csv(tmp_path / "orders.csv", rows)
    args = [str(source), "--concurrency", "8", "--rate", "1000", "--json"]
    chance = random.Random(13)  # noqa: S311 - kill moments, not secrets
    kills = 0
    for _ in range(4):  # four runs killed with SIGKILL at a random moment
        process = start_batch(args, base_url)
        time.sleep(chance.uniform(0.7, 1.5))  # the interpreter starts in ~0.5 s: some kills land before, most after
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.communicate(timeout=30)
    assert kills >= 2
    for _ in range(3):  # then the same command until it settles every order it can
        finished = run_batch(args, base_url)
        if finished.returncode in (0, 3):
            break
    assert finished.returncode == 3, finished.stdout + finished.stderr  # the bad rows and the wrong states
    summary = json.loads(finished.stdout)
    assert summary["counts"]["invalid"] == 4  # two duplicates, a broken order number, a paid_time in the future
    outcomes = audit(Path(str(source) + ".journal"), emulator, [*numbers, *wrong])
    assert {outcomes[number] for number in numbers} <= {Outcome.SYNCED, Outcome.SYNCED_BY_EARLIER_ATTEMPT}
    assert all(emulator.order(number).state == "DONE" for number in numbers)
    assert outcomes["KDONE1"] is Outcome.ALREADY_DONE_OTHERWISE
    assert outcomes["KREVOKED1"] is Outcome.REFUSED
    assert outcomes["KCONFIRM1"] is Outcome.REFUSED


def test_ctrl_c_stops_taking_orders_and_the_rerun_finishes(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    numbers = order_numbers("I", 80)
    seed(emulator, numbers)
    emulator.inject(Fault.latency(0.05), times=None)
    source = write_csv(tmp_path / "orders.csv", [row(number) for number in numbers])
    process = start_batch([str(source), "--concurrency", "2", "--rate", "1000"], base_url)
    _wait_for_requests(emulator, 4)  # the batch is sending (a loaded machine may take seconds to start it)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, out + err
    assert "stopping" in err
    assert "run the same command again" in out
    done = sum(emulator.order(number).state == "DONE" for number in numbers)
    assert 0 < done < len(numbers)
    emulator.clear_faults()
    finished = run_batch([str(source)], base_url)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    audit(Path(str(source) + ".journal"), emulator, numbers)


def test_a_second_ctrl_c_stops_at_once_and_leaves_the_journal_consistent(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    numbers = order_numbers("J", 40)
    seed(emulator, numbers)
    emulator.inject(Fault.latency(0.3), times=None)
    source = write_csv(tmp_path / "orders.csv", [row(number) for number in numbers])
    process = start_batch([str(source), "--concurrency", "4", "--rate", "1000"], base_url)
    _wait_for_requests(emulator, 4)
    process.send_signal(signal.SIGINT)
    time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, out + err
    assert "at once" in err
    assert emulator.wait_idle(10)
    emulator.clear_faults()
    finished = run_batch([str(source)], base_url)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    audit(Path(str(source) + ".journal"), emulator, numbers)


def test_ctrl_c_while_standard_input_is_still_open(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    seed(emulator, ["W1"])
    process = start_batch(["-", "--journal", str(tmp_path / "j")], base_url, stdin=subprocess.PIPE)
    assert process.stdin is not None
    process.stdin.write(
        "out_order_no,service_id,sub_mchid,channel_id,paid_time\n" + ",".join(row("W1").values()) + "\n"
    )
    process.stdin.flush()  # ... and the producer of the rows stays silent, the pipe open
    deadline = time.monotonic() + 20
    while emulator.order("W1").state != "DONE" and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 130, out + err
    audit(tmp_path / "j", emulator, ["W1"])


def _wait_for_requests(emulator: Emulator, count: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while len(emulator.requests) < count:
        assert time.monotonic() < deadline, f"the batch sent fewer than {count} requests in {timeout:g} s"
        time.sleep(0.05)
