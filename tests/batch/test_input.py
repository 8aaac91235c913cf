"""Rows checked before anything is sent: malformed CSV and JSON Lines, contract rules, duplicates; line numbers."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from wechatpay_payscore_client import load_contract
from wechatpay_payscore_client._validation import RequestValidator
from wechatpay_payscore_client.batch import BatchInputError, BatchRow, RawRow, RowChecker, open_rows, sniff_format

from .conftest import PAID_TIME, row

NOW = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(scope="module")
def checker() -> RowChecker:
    return RowChecker(RequestValidator(load_contract()), now=NOW)


def read(path: Path) -> list[RawRow]:
    with open_rows(path) as rows:
        return list(rows)


def header() -> str:
    return "out_order_no,service_id,sub_mchid,channel_id,paid_time\n"


def csv_line(number: str, **changes: str) -> str:
    return ",".join(row(number, **changes).values()) + "\n"


def test_malformed_csv_rows_are_reported_with_their_line_and_do_not_stop_the_others(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(
        (
            header()
            + csv_line("A1")
            + "A2,only,three\n"  # line 3: too few fields
            + csv_line("A3")
            + "\n"  # a blank line is skipped
            + '"A4,unterminated\n'  # line 6: a quote that never closes swallows the rest
        ).encode()
    )
    rows = read(path)
    assert [raw.line for raw in rows if raw.problem is None] == [2, 4]
    bad = {raw.line: raw.problem for raw in rows if raw.problem is not None}
    assert bad[3] is not None and "3 fields" in bad[3].message
    assert 6 in bad


def test_bytes_that_are_not_utf8_spoil_only_their_row(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(header().encode() + csv_line("B1").encode() + b"B2\xff,x,y,z,20261127\n" + csv_line("B3").encode())
    rows = read(path)
    assert [raw.fields["out_order_no"] for raw in rows if raw.fields] == ["B1", "B3"]
    (broken,) = [raw for raw in rows if raw.problem]
    assert broken.line == 3 and broken.problem is not None and broken.problem.rule == "UTF-8"


def test_a_header_that_is_not_the_columns_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("out_order_no,service,sub_mchid,paid_time\n", encoding="utf-8")
    with pytest.raises(BatchInputError, match=r"unknown column\(s\) 'service'.*missing column\(s\) service_id"):
        read(path)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(BatchInputError, match="empty input"):
        read(empty)
    with pytest.raises(BatchInputError, match="cannot read"):
        read(tmp_path / "missing.csv")


def test_malformed_json_lines(tmp_path: Path, checker: RowChecker) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        json.dumps(row("J1")),
        '{"out_order_no": "J2", ',  # line 2: not JSON
        "[1, 2]",  # line 3: not an object
        json.dumps({**row("J4"), "sub_mchid": 1900000109}),  # line 4: a number where the contract wants a string
        json.dumps({**row("J5"), "amount": "1"}),  # line 5: not a column
        "",
        json.dumps(row("J7")),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = read(path)
    checked = {raw.line: checker.check(raw) for raw in rows}
    assert isinstance(checked[1], BatchRow) and isinstance(checked[7], BatchRow)
    assert [problem.rule for problem in checked[2]] == ["JSON Lines"]  # type: ignore[union-attr]
    assert "one JSON object" in checked[3][0].message  # type: ignore[index]
    assert [(p.field, p.rule) for p in checked[4]] == [("sub_mchid", "type: string")]  # type: ignore[union-attr]
    assert [(p.field, p.rule) for p in checked[5]] == [("amount", "a column of the batch input")]  # type: ignore[union-attr]


def test_sniffing_by_extension_then_first_character() -> None:
    assert sniff_format("x.jsonl", b"out_order_no,") == "jsonl"
    assert sniff_format("x.csv", b"{") == "csv"
    assert sniff_format("-", b'  {"a": 1}') == "jsonl"
    assert sniff_format("-", b"\xef\xbb\xbfout_order_no,service_id") == "csv"


def test_standard_input(tmp_path: Path) -> None:
    data = (header() + csv_line("S1")).encode()
    with open_rows("-", stdin=io.BytesIO(data)) as rows:
        assert [raw.fields and raw.fields["out_order_no"] for raw in rows] == ["S1"]


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"out_order_no": "X" * 33}, "out_order_no", "pattern"),
        ({"out_order_no": "has space"}, "out_order_no", "pattern"),
        ({"service_id": "S" * 33}, "service_id", "maxLength"),
        ({"channel_id": ""}, "channel_id", "required"),
        ({"paid_time": "20261131101010"}, "paid_time", "format"),
        ({"paid_time": "yesterday"}, "paid_time", "now, yyyyMMddHHmmss"),
        ({"paid_time": "20991231"}, "paid_time", "not in the future"),
    ],
)
def test_contract_rules_with_field_value_and_rule(
    checker: RowChecker, changes: dict[str, str], field: str, rule: str
) -> None:
    problems = checker.check(RawRow(9, row("OK1", **changes)))
    assert isinstance(problems, list) and problems, problems
    assert any(problem.field == field and rule in problem.rule and problem.line == 9 for problem in problems), problems


def test_every_problem_of_a_row_is_named_at_once(checker: RowChecker) -> None:
    problems = checker.check(RawRow(4, row("bad order", paid_time="nope")))
    assert isinstance(problems, list)
    assert {problem.field for problem in problems} == {"out_order_no", "paid_time"}


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        (PAID_TIME, PAID_TIME),
        ("20261127", "20261127"),
        ("2026-11-27", "20261127"),
        ("2026-11-27T10:10:10", "20261127101010"),
        ("2026-11-27T02:10:10Z", "20261127101010"),
        ("now", "20261128120000"),
    ],
)
def test_paid_time_in_every_form_the_sync_command_takes(checker: RowChecker, given: str, sent: str) -> None:
    checked = checker.check(RawRow(2, row("P1", paid_time=given)))
    assert isinstance(checked, BatchRow)
    assert checked.paid_time == sent
    assert checked.body().detail.paid_time == sent
