"""`sync-batch` on a PostgreSQL journal, as operators run it: real subprocesses, the real emulator on 127.0.0.1 and
the real throwaway PostgreSQL. The DSN (with its password) reaches the processes only through the environment."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from wechatpay_emulator import Emulator, Fault

from tests.batch.conftest import COMMAND, cli_env, order_numbers, row, seed, write_csv
from tests.postgres.cluster import Database

DSN_ENV = "TEST_ONLY_JOURNAL_DSN"


def env(base_url: str, database: Database | None = None) -> dict[str, str]:
    values = {**cli_env(base_url), "WECHATPAY_TIMEOUT": "2"}
    if database is not None:
        values[DSN_ENV] = database.dsn
    return values


def start(args: Sequence[str], base_url: str, database: Database | None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*COMMAND, *args],
        env=env(base_url, database),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 90) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def run(args: Sequence[str], base_url: str, database: Database | None = None) -> tuple[int, str, str]:
    return finish(start(args, base_url, database))


def group_args(*more: str) -> list[str]:
    return ["--journal-dsn-env", DSN_ENV, "--journal-schema", "day", "--lease", "6", "--rate", "1000", *more]


def test_two_workers_settle_the_day_and_each_reports_the_days_status(
    emulator: Emulator, emulator_server: tuple[Emulator, str], pg_database: Database, tmp_path: Path
) -> None:
    base_url = emulator_server[1]
    numbers = order_numbers("C", 40)
    seed(emulator, numbers)
    for number in numbers[:3]:
        emulator.inject(Fault.apply_then_drop(), times=1, out_order_no=number)
    source = write_csv(tmp_path / "day.csv", [row(number) for number in numbers])
    workers = [
        start(
            [str(source), *group_args("--worker", name, "--json", "--report", str(tmp_path / f"{name}.jsonl"))],
            base_url,
            pg_database,
        )
        for name in ("one", "two")
    ]
    documents: list[dict[str, Any]] = []
    for worker in workers:
        code, out, err = finish(worker)
        assert code == 0, err
        # The progress line shows the whole day and the group's rate, not only this worker's rows.
        assert f"day: {len(numbers)}/{len(numbers)} final" in err.splitlines()[-1], err
        assert "group rate" in err.splitlines()[-1]
        assert pg_database.password not in out + err
        documents.append(json.loads(out))
    for document in documents:
        assert document["exit_status"] == 0
        assert document["group"]["day"]["total"] == len(numbers)
        assert document["group"]["day"]["open"] == 0
        assert pg_database.password not in json.dumps(document)
    assert sum(document["group"]["settled_here"] for document in documents) == len(numbers)
    assert sum(document["group"]["loaded"] for document in documents) == len(numbers)
    # Each worker's --report is the day's: every order once, whoever settled it.
    for name in ("one", "two"):
        lines = [json.loads(line) for line in (tmp_path / f"{name}.jsonl").read_text().splitlines()]
        assert sorted(line["out_order_no"] for line in lines) == numbers
        outcomes = {line["out_order_no"]: line["outcome"] for line in lines}
        assert {outcomes[number] for number in numbers[:3]} == {"synced_by_earlier_attempt"}
        assert {outcomes[number] for number in numbers[3:]} == {"synced"}
    assert all(emulator.order(number).state == "DONE" for number in numbers)


def test_one_loader_then_a_worker_without_input(
    emulator: Emulator, emulator_server: tuple[Emulator, str], pg_database: Database, tmp_path: Path
) -> None:
    base_url = emulator_server[1]
    numbers = order_numbers("D", 12)
    seed(emulator, numbers)
    rows = [row(number) for number in numbers]
    rows.append(row("D-bad", paid_time="not a time"))
    source = write_csv(tmp_path / "day.csv", rows)
    code, out, err = run([str(source), *group_args("--load-only", "--json")], base_url, pg_database)
    document = json.loads(out)
    assert code == 3, err  # one row was invalid: reported, never loaded
    assert document["group"]["loaded"] == len(numbers)
    assert document["sends"] == 0 and emulator.requests == []
    code, out, err = run([*group_args("--json")], base_url, pg_database)
    assert code == 0, err
    document = json.loads(out)
    assert document["group"]["settled_here"] == len(numbers)
    assert all(emulator.order(number).state == "DONE" for number in numbers)
    # Run again: the day is settled, nothing is sent.
    emulator.clear_requests()
    code, out, err = run([str(source), *group_args("--json")], base_url, pg_database)
    assert code == 3 and json.loads(out)["sends"] == 0 and emulator.requests == []


def test_a_row_that_differs_from_the_loaded_day_is_reported_not_sent(
    emulator: Emulator, emulator_server: tuple[Emulator, str], pg_database: Database, tmp_path: Path
) -> None:
    base_url = emulator_server[1]
    numbers = order_numbers("E", 3)
    seed(emulator, numbers)
    first = write_csv(tmp_path / "first.csv", [row(number) for number in numbers])
    assert run([str(first), *group_args("--load-only")], base_url, pg_database)[0] == 0
    changed = write_csv(tmp_path / "changed.csv", [row(numbers[0], channel_id="another-channel")])
    code, out, err = run([str(changed), *group_args("--json")], base_url, pg_database)
    document = json.loads(out)
    assert code == 3, err
    assert document["group"]["differing"] == 1
    assert document["counts"]["invalid"] == 1  # this worker's own row; the day's two others are settled too
    sent = [entry for entry in emulator.requests if numbers[0] in entry.target and entry.method == "POST"]
    assert len(sent) == 1  # sent once, with the request as first loaded
    assert b"another-channel" not in sent[0].body


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--journal", "postgresql://batch:test-only-secret@127.0.0.1:1/payments"], "carries a password"),
        (["--journal", "postgresql://u:test-only-secret%ZZ@127.0.0.1:1/pay"], "password"),
        (["--journal", "postgresql://127.0.0.1:1/pay?nosuch=1"], "not a PostgreSQL connection"),
        (["--journal", "postgresql://u:test-only-secret@127.0.0.1:1/pay?nosuch=1"], "password"),
        (["--journal-dsn-env", "TEST_ONLY_UNSET_VARIABLE"], "is not set"),
        (["--journal", "day.journal", "--lease", "30"], "PostgreSQL journal only"),
        (["--journal", "day.journal", "--load-only"], "PostgreSQL journal only"),
        (["--journal", "day.journal", "--journal-schema", "x"], "PostgreSQL journal only"),
        (["--journal-dsn-env", DSN_ENV, "--journal-schema", "Bad-Name"], "schema"),
        (["--journal-dsn-env", DSN_ENV, "--dry-run"], "--dry-run"),
        (["--journal-dsn-env", DSN_ENV, "--lease", "3"], "--lease 3 is too short"),
        (["--journal", "x.journal", "--journal-dsn-env", DSN_ENV], "not both"),
    ],
)
def test_refused_command_lines_name_the_problem_send_nothing_and_never_show_a_password(
    args: list[str],
    says: str,
    emulator: Emulator,
    emulator_server: tuple[Emulator, str],
    pg_database: Database,
    tmp_path: Path,
) -> None:
    source = write_csv(tmp_path / "day.csv", [row("F00001")])
    process = subprocess.run(
        [*COMMAND, str(source), *args, "--json"],
        env=env(emulator_server[1], pg_database),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert process.returncode == 2, process.stderr
    document = json.loads(process.stdout)
    assert says in document["error"], document["error"]
    assert "test-only-secret" not in process.stdout + process.stderr
    assert pg_database.password not in process.stdout + process.stderr
    assert emulator.requests == []
    assert not (tmp_path / "day.journal").exists() and not (tmp_path / "x.journal").exists()


def test_the_batch_package_imports_psycopg_only_when_postgresql_is_named() -> None:
    code = (
        "import sys\n"
        "import wechatpay_payscore_client.cli, wechatpay_payscore_client.batch as batch\n"
        "assert 'psycopg' not in sys.modules, 'imported by the package'\n"
        "batch.PostgresJournal\n"
        "assert 'psycopg' in sys.modules\n"
    )
    subprocess.run([COMMAND[0], "-c", code], check=True, timeout=60)


def test_without_a_timeout_setting_the_lease_is_checked_against_the_default_timeout(
    emulator: Emulator, emulator_server: tuple[Emulator, str], pg_database: Database, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "day.csv", [row("H00001")])
    plain = {key: value for key, value in env(emulator_server[1], pg_database).items() if key != "WECHATPAY_TIMEOUT"}

    def run_plain(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*COMMAND, str(source), "--journal-dsn-env", DSN_ENV, *args, "--json"],
            env=plain,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    refused = run_plain("--lease", "20")
    assert refused.returncode == 2, refused.stderr
    assert "give at least 21" in json.loads(refused.stdout)["error"]  # the default timeout: 10 s per request
    loaded = run_plain("--load-only")  # the default lease (120 s) suits the default timeout
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert json.loads(loaded.stdout)["group"]["loaded"] == 1


def test_a_worker_without_input_on_a_journal_with_no_day_waits_a_lease_then_says_so(
    emulator: Emulator, emulator_server: tuple[Emulator, str], pg_database: Database
) -> None:
    started = time.monotonic()
    code, out, err = run(group_args("--json"), emulator_server[1], pg_database)
    document = json.loads(out)
    assert code == 2, err  # not "settled": nothing was loaded
    assert "load the day first" in document["error"]
    assert time.monotonic() - started >= 6  # it waited one lease for a loader
    assert emulator.requests == []
