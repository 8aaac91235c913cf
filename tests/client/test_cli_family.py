"""The command line over the whole service-order family: real processes against the real emulator.

Each command runs as an operator runs it — `python -m wechatpay_payscore_client`, the merchant in the
environment, the emulator on a real 127.0.0.1 port — and the emulator's own state and request log judge what
happened: the exit status, the one JSON object on standard output (failures included), and whether anything was
sent at all.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from wechatpay_emulator import Emulator, Fault, Order
from wechatpay_payscore_client import (
    AlreadyAppliedError,
    AlreadySyncedError,
    AlreadyThereError,
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    ConfigurationError,
    NotAppliedError,
    OrderAlreadyCancelledError,
    OrderAlreadyDoneError,
    OrderNotFoundError,
    OrderStateError,
    PermissionDeniedError,
    RateLimitedError,
    ReconciliationError,
    RequestValidationError,
    ServerError,
    SignatureRejectedError,
    UnverifiedResponseError,
    ValidationProblem,
)
from wechatpay_payscore_client._cli.exits import EXIT_CODES, exit_code_for
from wechatpay_payscore_client.cli import ExitCode, main

from .conftest import SEED
from .test_cli import process_env

APPID = "wxd678efh567hg6787"
IDS = ["--service-id", SEED.service_id, "--sub-mchid", SEED.sub_mchid, "--channel-id", SEED.channel_id or ""]
# Every report has these keys, whatever the command and whatever the outcome.
KEYS = {
    "command",
    "outcome",
    "exit",
    "out_order_no",
    "request_id",
    "status_code",
    "verified",
    "signed_by",
    "summary",
    "request",
    "answer",
    "order",
    "evidence",
    "advice",
    "hint",
    "error",
}
ORDER_BODY: dict[str, Any] = {
    "risk_fund": {"name": "DEPOSIT", "amount": 80000, "description": "就餐的预估费用"},
    "time_range": {"start_time": "OnAccept"},
    "post_payments": [{"name": "就餐费用", "amount": 40000, "count": 4}],
    "location": {"start_location": "嗨客时尚主题展餐厅"},
}
CHARGES: dict[str, Any] = {
    "post_payments": [{"name": "就餐费用", "description": "就餐人均100元", "amount": 40000, "count": 4}]
}
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"


def run(*argv: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "wechatpay_payscore_client", *argv]
    return subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, timeout=60, check=False)


def report(result: subprocess.CompletedProcess[str], code: int) -> dict[str, Any]:
    """The exit status is `code`, and standard output holds exactly one JSON object (standard error nothing)."""
    assert result.returncode == code, result.stdout + result.stderr
    assert result.stderr == "", result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout
    value: dict[str, Any] = json.loads(lines[0])
    assert set(value) == KEYS
    assert value["exit"] == code
    return value


def run_json(env: dict[str, str], *argv: str, code: int = 0, stdin: str | None = None) -> dict[str, Any]:
    """Run a command with `--json`; its exit status must be `code`; its one JSON object."""
    return report(run(*argv, "--json", env=env, stdin=stdin), code)


def on(number: str) -> list[str]:
    """The order flags of a command about order `number`."""
    return [*IDS, "--out-order-no", number]


def write(tmp_path: Path, name: str, value: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def env(base_url: str) -> dict[str, str]:
    return process_env(base_url)


def seed(emulator: Emulator, out_order_no: str, state: str, description: str | None = None) -> None:
    emulator.seed(
        Order(
            out_order_no=out_order_no,
            service_id=SEED.service_id,
            sub_mchid=SEED.sub_mchid,
            channel_id=SEED.channel_id,
            state=state,
            state_description=description,
            risk_fund=ORDER_BODY["risk_fund"],  # caps the complete's total: the same as `create` gives
        )
    )


CREATE = ["--appid", APPID, "--service-introduction", "某某酒店", "--notify-url", "https://api.test.com"]


def create(env: dict[str, str], number: str, tmp_path: Path) -> dict[str, Any]:
    body = write(tmp_path, f"{number}.json", ORDER_BODY)
    return run_json(env, "create", *on(number), *CREATE, "--need-user-confirm", "--body", body)


# --- the life of an order, one command per step ----------------------------------------------------------------------


def test_the_life_of_an_order_one_command_per_step(env: dict[str, str], emulator: Emulator, tmp_path: Path) -> None:
    number = "LIFE-1"
    created = create(env, number, tmp_path)
    assert (created["command"], created["outcome"], created["out_order_no"]) == ("create", "applied", number)
    assert created["answer"]["state"] == "CREATED"
    assert created["answer"]["package"] and created["answer"]["order_id"]
    assert created["request"]["risk_fund"]["amount"] == 80000  # the body file's nested part was sent
    assert created["request"]["need_user_confirm"] is True
    assert (created["verified"], created["status_code"], created["error"]) == (True, 200, None)
    assert emulator.order(number).state == "CREATED"

    emulator.confirm(number)
    charges = write(tmp_path, "charges.json", CHARGES)
    completed = run_json(env, "complete", *on(number), "--total-amount", "40000", "--body", charges)
    assert (completed["outcome"], completed["status_code"], completed["answer"]) == ("applied", 204, None)
    assert completed["request_id"]
    assert completed["request"]["total_amount"] == 40000
    assert (emulator.order(number).state, emulator.order(number).state_description) == ("DOING", "MCH_COMPLETE")

    lowered = json.dumps({"post_payments": [{"name": "就餐费用", "amount": 30000}]})
    flags = ["--total-amount", "30000", "--reason", "用户投诉", "--body", "-"]
    modified = run_json(env, "modify", *on(number), *flags, stdin=lowered)
    assert modified["outcome"] == "applied"
    assert emulator.order(number).total_amount == 30000

    none_yet = run_json(env, "deduction", *on(number), "--appid", APPID, code=ExitCode.API_REJECTED)
    assert (none_yet["outcome"], none_yet["error"]["code"]) == ("refused", "ORDER_NOT_EXIST")

    flags = ["--appid", APPID, "--out-trade-no", "DEDUCT-LIFE-1"]
    registered = run_json(env, "register-deduction", *on(number), *flags)
    assert registered["answer"]["description"]

    deduction = run_json(env, "deduction", *on(number), "--appid", APPID)
    assert (deduction["outcome"], deduction["answer"]["out_trade_no"]) == ("found", "DEDUCT-LIFE-1")
    assert deduction["order"] is None  # a deduction is not the order

    emulator.collect(number)  # the clearing house collects the registered deduction
    queried = run_json(env, "query", *on(number))
    assert queried["outcome"] == "found"
    assert queried["order"] == queried["answer"]
    assert (queried["order"]["state"], queried["order"]["collection"]["state"]) == ("DONE", "USER_PAID")
    assert [detail["paid_type"] for detail in queried["order"]["collection"]["details"]] == ["MCH"]


def test_reports_for_a_person_say_what_was_applied(env: dict[str, str], emulator: Emulator, tmp_path: Path) -> None:
    body = write(tmp_path, "order.json", ORDER_BODY)
    created = run("create", *on("TEXT-1"), *CREATE, "--body", body, env=env)
    assert created.returncode == 0, created.stderr
    assert "created TEXT-1: DOING" in created.stdout  # no confirmation asked: DOING / USER_CONFIRM at once
    assert "package:" in created.stdout
    assert "order id:" in created.stdout
    charges = write(tmp_path, "charges.json", CHARGES)
    completed = run("complete", *on("TEXT-1"), "--total-amount", "40000", "--body", charges, env=env)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    assert "completed TEXT-1: 204, WeChat Pay's signature verified" in completed.stdout
    assert "request id:" in completed.stdout
    assert '"total_amount": 40000' in completed.stdout  # what was applied


def test_cancel(env: dict[str, str], emulator: Emulator, tmp_path: Path) -> None:
    create(env, "CANCEL-1", tmp_path)
    cancelled = run_json(env, "cancel", *on("CANCEL-1"), "--reason", "用户投诉")
    assert (cancelled["command"], cancelled["outcome"], cancelled["status_code"]) == ("cancel", "applied", 204)
    assert emulator.order("CANCEL-1").state == "REVOKED"
    # The identical cancel again is accepted (原参重入): the order is where the command puts it.
    assert run_json(env, "cancel", *on("CANCEL-1"), "--reason", "用户投诉")["outcome"] == "applied"


def test_flags_fill_and_override_the_body(env: dict[str, str], emulator: Emulator, tmp_path: Path) -> None:
    seed(emulator, "OVERRIDE-1", "DOING", "USER_CONFIRM")
    body = write(tmp_path, "body.json", {**CHARGES, "total_amount": 1, "service_id": "not-this-one"})
    sent = run_json(env, "complete", *on("OVERRIDE-1"), "--total-amount", "40000", "--body", body)["request"]
    assert (sent["total_amount"], sent["service_id"]) == (40000, SEED.service_id)
    assert emulator.order("OVERRIDE-1").total_amount == 40000


# --- failures: the same exit status for every command, the JSON still on standard output -------------------------


def test_a_refused_call_exits_3_with_json_on_stdout(env: dict[str, str], emulator: Emulator) -> None:
    seed(emulator, "NOT-CONFIRMED-1", "CREATED")
    flags = ["--total-amount", "40000", "--body", "-"]
    refused = run_json(env, "complete", *on("NOT-CONFIRMED-1"), *flags, code=3, stdin=json.dumps(CHARGES))
    assert refused["outcome"] == "refused"
    assert (refused["error"]["class"], refused["error"]["code"]) == ("OrderStateError", "INVALID_ORDER_STATE")
    assert refused["verified"] is True
    assert emulator.order("NOT-CONFIRMED-1").state == "CREATED"


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        ({**CHARGES, "total_amount": 40000, "tip": 1}, "/tip", "not a field of the contract"),
        ({**CHARGES, "total_amount": "40000"}, "/total_amount", "type"),
        ({**CHARGES, "total_amount": 39999}, "/total_amount", "must equal"),  # the contract's sum rule
        ({"post_payments": [{"name": "就餐费用"}], "total_amount": 0}, "/post_payments/0/amount", "missing"),
        ([CHARGES], "/", "must hold one JSON object"),
        ("not json", "/", "not one JSON value"),
        ('{"total_amount": 1, "total_amount": 2}', "/", "appears twice"),
        (None, "/", "cannot read"),
    ],
)
def test_an_invalid_body_exits_2_naming_the_field_and_sends_nothing(
    env: dict[str, str], emulator: Emulator, tmp_path: Path, content: Any, field: str, words: str
) -> None:
    seed(emulator, "INVALID-1", "DOING", "USER_CONFIRM")
    path = tmp_path / "body.json"
    if content is not None:
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    invalid = run_json(env, "complete", *on("INVALID-1"), "--body", str(path), code=ExitCode.INVALID_INPUT)
    assert (invalid["outcome"], invalid["error"]["class"]) == ("invalid", "RequestValidationError")
    problems = invalid["error"]["problems"]
    assert field in [problem["field"] for problem in problems], problems
    assert words in invalid["summary"]
    assert emulator.requests == []
    assert emulator.order("INVALID-1").state_description == "USER_CONFIRM"


def test_a_path_field_in_the_body_is_named_with_its_flag(env: dict[str, str], emulator: Emulator) -> None:
    body = json.dumps({**CHARGES, "total_amount": 40000, "out_order_no": "OTHER-1"})
    invalid = run_json(env, "complete", *on("PATH-1"), "--body", "-", code=ExitCode.INVALID_INPUT, stdin=body)
    assert "/out_order_no" in [problem["field"] for problem in invalid["error"]["problems"]]
    assert invalid["hint"] == "remove out_order_no from the --body file (give --out-order-no)"
    assert emulator.requests == []


def test_a_key_pasted_into_the_body_is_named_never_echoed(env: dict[str, str], emulator: Emulator) -> None:
    body = json.dumps({**CHARGES, "total_amount": 40000, "goods_tag": PEM, "location": {"start_location": PEM}})
    result = run("complete", *on("KEY-1"), "--body", "-", "--json", env=env, stdin=body)
    invalid = report(result, ExitCode.INVALID_INPUT)
    assert {problem["field"] for problem in invalid["error"]["problems"]} >= {"/goods_tag", "/location/start_location"}
    assert "BEGIN" not in result.stdout
    assert "MIIE" not in result.stdout
    text = run("complete", *on("KEY-1"), "--body", "-", env=env, stdin=body)
    assert text.returncode == ExitCode.INVALID_INPUT
    assert "/goods_tag" in text.stderr
    assert "MIIE" not in text.stdout + text.stderr
    as_file_name = run("complete", *on("KEY-1"), "--body", PEM, "--json", env=env)
    assert "--body expects a file name" in report(as_file_name, ExitCode.INVALID_INPUT)["summary"]
    assert "MIIE" not in as_file_name.stdout
    assert emulator.requests == []


def test_a_flag_of_the_wrong_shape_is_named_never_echoed(env: dict[str, str], emulator: Emulator) -> None:
    flags = ["--appid", APPID, "--out-trade-no", PEM, "--json"]
    result = run("register-deduction", *on("SHAPE-1"), *flags, env=env)
    assert result.returncode == ExitCode.INVALID_INPUT
    summary = json.loads(result.stdout)["summary"]  # a refused command line: the command never started
    assert "--out-trade-no" in summary
    assert "1 to 32 of [0-9A-Za-z_|*-]" in summary
    assert "MIIE" not in result.stdout + result.stderr
    amount = run("complete", *on("SHAPE-1"), "--total-amount", "-5", "--json", env=env)
    assert "--total-amount: expected a whole number from 0" in json.loads(amount.stdout)["summary"]
    assert emulator.requests == []


# --- unknown outcomes: settled as the contract says ---------------------------------------------------------------


def test_a_lost_complete_answer_is_reconciled_to_exit_10(env: dict[str, str], emulator: Emulator) -> None:
    seed(emulator, "LOST-1", "DOING", "USER_CONFIRM")
    emulator.inject(Fault.apply_then_drop(), operation="completeServiceOrder")
    flags = ["--total-amount", "40000", "--body", "-"]
    settled = run_json(env, "complete", *on("LOST-1"), *flags, code=10, stdin=json.dumps(CHARGES))
    assert (settled["outcome"], settled["evidence"]) == ("already_applied", "query")
    assert settled["error"]["class"] == "AlreadyAppliedError"
    assert (settled["order"]["state_description"], settled["order"]["total_amount"]) == ("MCH_COMPLETE", 40000)
    assert "applied it" in settled["advice"]
    assert [entry.method for entry in emulator.requests] == ["POST", "GET"]  # sent once, then the query


def test_a_lost_complete_answer_without_reconciliation_exits_5(env: dict[str, str], emulator: Emulator) -> None:
    seed(emulator, "LOST-2", "DOING", "USER_CONFIRM")
    emulator.inject(Fault.apply_then_drop(), operation="completeServiceOrder")
    flags = ["--total-amount", "40000", "--body", "-", "--no-reconcile"]
    unknown = run_json(env, "complete", *on("LOST-2"), *flags, code=5, stdin=json.dumps(CHARGES))
    assert (unknown["outcome"], unknown["error"]["outcome_unknown"]) == ("unknown", True)
    assert "query the order before any retry" in unknown["advice"]
    assert [entry.method for entry in emulator.requests] == ["POST"]


def test_a_lost_create_answer_is_settled_by_the_identical_request(
    env: dict[str, str], emulator: Emulator, tmp_path: Path
) -> None:
    emulator.inject(Fault.drop_connection(), operation="createServiceOrder")
    created = create(env, "LOST-CREATE-1", tmp_path)  # 原参重入: the same body again settles it
    assert created["answer"]["state"] == "CREATED"
    assert [entry.method for entry in emulator.requests] == ["POST", "POST"]


def test_sync_that_could_not_be_reconciled_is_refused_before_sending(env: dict[str, str], emulator: Emulator) -> None:
    flags = ["--out-order-no", SEED.out_order_no, *IDS[:4], "--paid-time", "20091225091210"]  # no --channel-id
    refused = run_json(env, "sync", *flags, code=ExitCode.INVALID_INPUT)
    assert refused["error"]["class"] == "RequestValidationError"
    assert "/channel_id" in [problem["field"] for problem in refused["error"]["problems"]]
    assert "refused before sending" in refused["summary"]
    assert "--channel-id" in refused["hint"]
    assert "--no-reconcile" in refused["hint"]
    assert emulator.requests == []
    assert run_json(env, "sync", *flags, "--no-reconcile")["outcome"] == "applied"
    assert [entry.method for entry in emulator.requests] == ["POST"]
    assert emulator.order(SEED.out_order_no).state == "DONE"


# --- the parsers, derived from the contract -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "flags"),
    [
        (
            "create",
            "--appid --sub-appid --service-introduction --notify-url --need-user-confirm --no-need-user-confirm "
            "--attach --openid --sub-openid --body --no-reconcile",
        ),
        ("complete", "--total-amount --complete-time --goods-tag --profit-sharing --no-profit-sharing --body"),
        ("modify", "--total-amount --reason --body --no-reconcile"),
        ("cancel", "--reason --no-reconcile"),
        ("register-deduction", "--appid --sub-appid --out-trade-no --no-reconcile"),
        ("deduction", "--appid --sub-appid"),
        ("sync", "--paid-time --no-reconcile"),
        ("query", "--query-id"),
    ],
)
def test_each_command_has_its_contract_flags(capsys: pytest.CaptureFixture[str], command: str, flags: str) -> None:
    assert main([command, "--help"]) == 0
    usage = capsys.readouterr().out.split("\n\n", 1)[0]

    def has(flag: str) -> bool:
        return re.search(re.escape(flag) + r"(?![\w-])", usage) is not None

    for flag in [*flags.split(), "--out-order-no", "--service-id", "--sub-mchid", "--channel-id", "--json"]:
        assert has(flag), (command, flag)
    assert has("--no-reconcile") is (command not in ("deduction", "query"))  # only what changes an order
    assert has("--body") is (command not in ("deduction", "query", "sync"))


# --- the one table from failure to exit status --------------------------------------------------------------------


def _api(cls: type[Any], **fields: Any) -> Any:
    return cls("text", status_code=400, **fields)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (_api(AlreadyAppliedError, evidence="query"), 10),
        (_api(AlreadySyncedError, evidence="memory"), 10),
        (_api(OrderAlreadyDoneError), 11),
        (_api(OrderAlreadyCancelledError), 11),
        (_api(AlreadyThereError), 11),
        (_api(OrderStateError), 3),
        (_api(BadRequestError), 3),
        (_api(PermissionDeniedError), 3),
        (_api(OrderNotFoundError), 3),
        (_api(RateLimitedError), 3),
        (_api(SignatureRejectedError), 4),
        (_api(ServerError, outcome_unknown=True), 5),
        (APITimeoutError("lost"), 5),
        (UnverifiedResponseError("unsigned"), 5),
        (ReconciliationError("query failed"), 5),
        (APIConnectionError("refused"), 6),
        (NotAppliedError("still DOING"), 7),
        (RequestValidationError([ValidationProblem("body", "/", None, "r", "m")], method="POST", path="/"), 2),
        (ConfigurationError("bad key"), 2),
        (KeyboardInterrupt(), 130),
        (RuntimeError("a bug"), 5),
    ],
)
def test_each_failure_has_one_exit_status(error: BaseException, code: int) -> None:
    assert exit_code_for(error) == code


def test_a_refusal_after_a_lost_attempt_is_unknown_and_nothing_sent_is_never_claimed_once_sent() -> None:
    assert exit_code_for(_api(OrderStateError, outcome_unknown=True)) == ExitCode.OUTCOME_UNKNOWN
    invalid = RequestValidationError([ValidationProblem("query", "x", None, "r", "m")], method="GET", path="/")
    assert exit_code_for(invalid, sent=True) == ExitCode.OUTCOME_UNKNOWN
    assert exit_code_for(_api(AlreadyAppliedError, outcome_unknown=True)) == ExitCode.ALREADY_APPLIED


def test_the_table_lists_the_most_specific_class_first() -> None:
    classes = list(EXIT_CODES)
    for index, cls in enumerate(classes):
        for later in classes[index + 1 :]:
            assert not issubclass(later, cls) or later is cls, f"{later.__name__} is shadowed by {cls.__name__}"
