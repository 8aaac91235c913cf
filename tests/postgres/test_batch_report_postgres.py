"""`wechatpay-payscore batch-report` on a PostgreSQL journal several workers share, on the real throwaway server.

The day's state is made with the group API itself (load, claims by two workers, writes while holding, a take-over
after a short lease); the report is read by the command, in a subprocess, through `--journal-dsn-env` (the DSN holds
the run's password, which must never be printed), and by `PostgresJournal.worker_activity()` directly.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from wechatpay_payscore_client.batch import REPORT_COLUMNS, EventKind, Outcome, Phase
from wechatpay_payscore_client.batch._postgres import Claimed, Held

from tests.postgres.cluster import Database
from tests.postgres.helpers import change, open_journal, pending, send

REPORT = [sys.executable, "-m", "wechatpay_payscore_client", "batch-report"]
DSN_VARIABLE = "PAYSCORE_TEST_JOURNAL_DSN"


def report(database: Database, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, DSN_VARIABLE: database.dsn, **(env or {})}
    result = subprocess.run([*REPORT, *args], capture_output=True, text=True, timeout=60, check=False, env=environment)
    assert database.password not in result.stdout + result.stderr, "the password was printed"
    return result


def one_object(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout + result.stderr
    document = json.loads(lines[0])
    assert document["exit_status"] == result.returncode
    return dict(document)


def by_order(claimed: list[Claimed]) -> dict[str, Claimed]:
    return {item.record.out_order_no: item for item in claimed}


def make_day(database: Database) -> None:
    """Eight orders: w1 settles two and holds two; w2 sends two and stalls; w3 takes one over from w2 and settles it.

    P0000 synced (w1)            P0001 refused (w1)          P0002 sending, held by w1   P0003 pending, held by w1
    P0004 synced_by_earlier_attempt (w3, taken from w2)      P0005 in doubt, w2's lease ended
    P0006, P0007 pending, nobody holds them
    """
    w1, w2, w3 = open_journal(database, "day"), open_journal(database, "day"), open_journal(database, "day")
    try:
        w1.load(pending("P", 8), loaded_by="w1", source="day.csv")
        first = by_order(w1.claim(4, "w1", lease_seconds=120))
        second = by_order(w2.claim(2, "w2", lease_seconds=0.5))
        assert sorted(first) == ["P0000", "P0001", "P0002", "P0003"] and sorted(second) == ["P0004", "P0005"]

        sent0, sent1, sent2 = send(first["P0000"].record), send(first["P0001"].record), send(first["P0002"].record)
        synced = change(sent0[0], EventKind.OUTCOME, "synced", phase=Phase.FINAL, outcome=Outcome.SYNCED)
        refused = change(
            sent1[0],
            EventKind.OUTCOME,
            "refused",
            phase=Phase.FINAL,
            outcome=Outcome.REFUSED,
            code="INVALID_ORDER_STATE",
            message="订单状态不正确",
            request_ids=("REQ-P0001",),
        )
        leases = [item.lease for item in first.values()]
        assert set(w1.write_held(leases, [sent0, synced, sent1, refused, sent2]).values()) == {Held.APPLIED}

        sent4, sent5 = send(second["P0004"].record), send(second["P0005"].record)
        lost5 = change(sent5[0], EventKind.ANSWER, "lost", phase=Phase.IN_DOUBT, lost_attempts=1)
        leases = [item.lease for item in second.values()]
        assert set(w2.write_held(leases, [sent4, sent5, lost5]).values()) == {Held.APPLIED}

        time.sleep(0.7)  # w2 stalls: its leases end
        (taken,) = w3.claim(1, "w3", lease_seconds=120)
        assert taken.record.out_order_no == "P0004" and taken.taken_from == "w2" and taken.query_first
        query = change(taken.record, EventKind.QUERY, "reconciling query")
        verdict = change(
            query[0],
            EventKind.OUTCOME,
            "synced by an earlier attempt",
            phase=Phase.FINAL,
            outcome=Outcome.SYNCED_BY_EARLIER_ATTEMPT,
        )
        assert w3.write_held([taken.lease], [query, verdict]) == {"P0004": Held.APPLIED}
    finally:
        for journal in (w1, w2, w3):
            journal.close()


def test_the_day_of_three_workers_with_a_take_over(pg_database: Database, tmp_path: Path) -> None:
    make_day(pg_database)
    reader = open_journal(pg_database, "day", read_only=True)
    events_before, records_before = reader.events(), reader.records()
    activity = reader.worker_activity()
    reader.close()
    workers = {item.worker: item for item in activity.workers}
    assert sorted(workers, key=str) == ["w1", "w2", "w3"]
    assert workers["w3"].took_over == {"w2": 1}
    assert sorted(activity.holds) == ["P0002", "P0003", "P0005"]
    assert activity.holds["P0002"].live and not activity.holds["P0005"].live

    result = report(
        pg_database,
        "--journal-dsn-env",
        DSN_VARIABLE,
        "--journal-schema",
        "day",
        "--json",
        "--report",
        str(tmp_path / "day.csv"),
    )
    assert result.returncode == 5, result.stdout + result.stderr
    document = one_object(result)
    assert document["kind"] == "postgresql"
    assert document["journal"] == f"postgresql {pg_database.host}:{pg_database.port}/{pg_database.dbname} schema day"
    assert document["orders"] == 8
    assert document["counts"] == {
        "synced": 1,
        "synced_by_earlier_attempt": 1,
        "refused": 1,
        "pending": 2,
        "in_flight": 2,
        "in_doubt": 1,
    }
    assert (document["settled"], document["finished"], document["unfinished"]) == (2, 3, 5)
    assert document["workers"] == [
        {
            "worker": "w1",
            "finished": 2,
            "syncs_sent": 3,
            "queries": 0,
            "claims": 4,
            "took_over": {},
            "taken_over_by": {},
            "holding": 2,
        },
        {
            "worker": "w2",
            "finished": 0,
            "syncs_sent": 2,
            "queries": 0,
            "claims": 2,
            "took_over": {},
            "taken_over_by": {"w3": 1},
            "holding": 0,
        },
        {
            "worker": "w3",
            "finished": 1,
            "syncs_sent": 0,
            "queries": 1,
            "claims": 1,
            "took_over": {"w2": 1},
            "taken_over_by": {},
            "holding": 0,
        },
    ]
    unsettled = {item["out_order_no"]: item for item in document["unsettled"]}
    assert document["unsettled_total"] == len(unsettled) == 6
    assert unsettled["P0001"]["status"] == "refused" and "query it" in unsettled["P0001"]["advice"]
    assert unsettled["P0002"]["status"] == "in_flight" and unsettled["P0002"]["held_by"] == "w1"
    assert unsettled["P0002"]["lease_live"] is True and unsettled["P0002"]["lease_until"].endswith("Z")
    assert "w1 is on it" in unsettled["P0002"]["advice"] and "queried before" in unsettled["P0002"]["advice"]
    assert unsettled["P0003"]["status"] == "in_flight" and unsettled["P0003"]["phase"] == "pending"
    assert unsettled["P0005"]["status"] == "in_doubt" and unsettled["P0005"]["held_by"] == "w2"
    assert unsettled["P0005"]["lease_live"] is False and "w2's lease ended" in unsettled["P0005"]["advice"]
    assert "queries the order before sending anything" in unsettled["P0005"]["advice"]
    assert unsettled["P0006"]["status"] == "pending" and unsettled["P0006"]["held_by"] is None
    assert "to send it" in unsettled["P0006"]["advice"]

    with (tmp_path / "day.csv").open(encoding="utf-8", newline="") as handle:
        reader_csv = csv.DictReader(handle)
        assert tuple(reader_csv.fieldnames or ()) == REPORT_COLUMNS
        rows = {item["out_order_no"]: item for item in reader_csv}
    assert sorted(rows) == [f"P{index:04d}" for index in range(8)]  # every order once
    assert rows["P0004"]["outcome"] == "synced_by_earlier_attempt"
    assert rows["P0001"]["request_id"] == "REQ-P0001" and rows["P0001"]["code"] == "INVALID_ORDER_STATE"
    assert rows["P0005"]["outcome"] == "unresolved" and rows["P0005"]["code"] == "IN_DOUBT"
    assert rows["P0002"]["message"].startswith("not finished: held by w1 until ")

    text = report(pg_database, "--journal-dsn-env", DSN_VARIABLE, "--journal-schema", "day")
    assert text.returncode == 5, text.stderr
    assert "w1: finished 2, 3 sync(s) sent, 0 query(ies), 4 claim(s), holds 2 now" in text.stdout
    assert "w2: finished 0, 2 sync(s) sent, 0 query(ies), 2 claim(s), lost 1 to w3, holds 0 now" in text.stdout
    assert "w3: finished 1, 0 sync(s) sent, 1 query(ies), 1 claim(s), took over 1 from w2, holds 0 now" in text.stdout
    assert "P0005 (line 5, in doubt):" in text.stdout
    assert "Not settled (6):" in text.stdout and "exit status 5 (some unresolved)" in text.stdout

    check = open_journal(pg_database, "day", read_only=True)
    assert check.events() == events_before and check.records() == records_before  # the report changed nothing
    check.close()


def test_a_dsn_without_password_and_pgpassword(pg_database: Database) -> None:
    make_day(pg_database)
    dsn = f"postgresql://{pg_database.user}@{pg_database.host}:{pg_database.port}/{pg_database.dbname}"
    result = report(
        pg_database, "--journal", dsn, "--journal-schema", "day", "--json", env={"PGPASSWORD": pg_database.password}
    )
    assert result.returncode == 5 and one_object(result)["orders"] == 8


def test_a_single_process_run_is_one_unnamed_worker(pg_database: Database) -> None:
    journal = open_journal(pg_database, "solo")
    (record,) = pending("S", 1)
    sent = send(record)
    synced = change(sent[0], EventKind.OUTCOME, "synced", phase=Phase.FINAL, outcome=Outcome.SYNCED)
    journal.write([sent, synced])  # the Journal protocol: what today's runner writes, without a worker name
    journal.close()
    result = report(pg_database, "--journal-dsn-env", DSN_VARIABLE, "--journal-schema", "solo", "--json")
    document = one_object(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert document["counts"] == {"synced": 1}
    assert document["workers"] == [
        {
            "worker": None,
            "finished": 1,
            "syncs_sent": 1,
            "queries": 0,
            "claims": 0,
            "took_over": {},
            "taken_over_by": {},
            "holding": 0,
        }
    ]


def test_a_missing_journal_or_refused_configuration_exits_2_without_the_password(pg_database: Database) -> None:
    missing = report(pg_database, "--journal-dsn-env", DSN_VARIABLE, "--journal-schema", "nothing_here", "--json")
    assert missing.returncode == 2
    document = one_object(missing)
    assert set(document) == {"error", "exit_status"} and "holds no journal" in document["error"]
    with pg_database.connect() as connection:  # read-only: the schema was not created
        (exists,) = connection.execute("SELECT to_regnamespace('nothing_here') IS NOT NULL").fetchone() or (None,)
    assert exists is False

    on_the_command_line = report(pg_database, "--journal", pg_database.dsn, "--json")
    assert on_the_command_line.returncode == 2 and "carries a password" in one_object(on_the_command_line)["error"]
    text = report(pg_database, "--journal", pg_database.dsn)
    assert text.returncode == 2 and "PGPASSWORD" in text.stderr
    unset = report(pg_database, "--journal-dsn-env", "NO_SUCH_VARIABLE_SET", "--json")
    assert unset.returncode == 2 and "is not set" in one_object(unset)["error"]
    bad_schema = report(pg_database, "--journal-dsn-env", DSN_VARIABLE, "--journal-schema", "Bad-Name", "--json")
    assert bad_schema.returncode == 2 and "--journal-schema" in one_object(bad_schema)["error"]
    wrong_password = {DSN_VARIABLE: pg_database.dsn.replace(pg_database.password, "wrong" + pg_database.password)}
    refused = report(pg_database, "--journal-dsn-env", DSN_VARIABLE, "--json", env=wrong_password)
    assert refused.returncode == 2 and "cannot open" in one_object(refused)["error"]  # and no password in it
