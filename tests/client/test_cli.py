"""The `wechatpay-payscore` command line: real processes against the real emulator.

Each behaviour an operator relies on is checked in a subprocess (`python -m wechatpay_payscore_client` or the
console script), with the configuration in the environment as it would be on a server: the exit status, which
stream the report is on, and what the emulator's state says happened.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from wechatpay_emulator import Emulator, Fault, Order, demo
from wechatpay_payscore_client._paid_time import paid_time_moment, paid_time_not_in_future
from wechatpay_payscore_client.cli import BEIJING, EPILOG, ExitCode, main, parse_paid_time

from .conftest import SEED

SCRIPT = Path(sys.executable).parent / "wechatpay-payscore"
PAID_TIME = "20091225091210"
ORDER_FLAGS = [
    "--out-order-no",
    SEED.out_order_no,
    "--service-id",
    SEED.service_id,
    "--sub-mchid",
    SEED.sub_mchid,
    "--channel-id",
    SEED.channel_id or "",
]
SYNC = ["sync", *ORDER_FLAGS, "--paid-time", PAID_TIME]
QUERY = ["query", *ORDER_FLAGS]


def demo_env(base_url: str) -> dict[str, str]:
    return {
        "WECHATPAY_MCHID": demo.DEMO_MCHID,
        "WECHATPAY_SERIAL_NO": demo.DEMO_MERCHANT_SERIAL,
        "WECHATPAY_PRIVATE_KEY": str(demo.demo_merchant_private_key_path()),
        "WECHATPAY_PUBLIC_KEY_ID": demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
        "WECHATPAY_PUBLIC_KEY": str(demo.demo_wechatpay_public_key_path()),
        "WECHATPAY_BASE_URL": base_url,
    }


def process_env(base_url: str, **changes: str | None) -> dict[str, str]:
    """The environment of a CLI process: this one's without WECHATPAY_*, plus the demo merchant, plus `changes`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WECHATPAY_")} | demo_env(base_url)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def cli(*argv: str, env: dict[str, str], script: bool = False) -> subprocess.CompletedProcess[str]:
    command = [str(SCRIPT)] if script else [sys.executable, "-m", "wechatpay_payscore_client"]
    return subprocess.run([*command, *argv], env=env, capture_output=True, text=True, timeout=60, check=False)


def one_json(text: str) -> dict[str, Any]:
    """The stream holds exactly one JSON object and nothing else."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    value: dict[str, Any] = json.loads(lines[0])
    return value


@pytest.fixture
def env(base_url: str) -> dict[str, str]:
    return process_env(base_url)


# --- sync ----------------------------------------------------------------------------------------------------------


def test_console_script_syncs_with_only_environment_variables(env: dict[str, str], emulator: Emulator) -> None:
    result = cli(*SYNC, env=env, script=True)
    assert result.returncode == ExitCode.SYNCED, result.stdout + result.stderr
    assert f"synced {SEED.out_order_no}" in result.stdout
    assert result.stderr == ""
    assert emulator.order(SEED.out_order_no).state == "DONE"


def test_json_success_is_one_object_on_stdout(env: dict[str, str], emulator: Emulator) -> None:
    result = cli(*SYNC, "--json", env=env)
    report = one_json(result.stdout)
    assert result.returncode == 0
    assert (report["command"], report["outcome"], report["exit"]) == ("sync", "applied", 0)
    assert (report["status_code"], report["verified"]) == (204, True)
    assert report["signed_by"] == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID
    assert report["request_id"]
    assert result.stderr == ""


def test_lost_answer_is_reconciled_to_exit_10(env: dict[str, str], emulator: Emulator) -> None:
    emulator.inject(Fault.apply_then_drop(), times=1)
    result = cli(*SYNC, "--json", env=env)
    assert result.returncode == ExitCode.ALREADY_SYNCED, result.stdout + result.stderr
    report = one_json(result.stdout)
    assert (report["outcome"], report["evidence"]) == ("already_applied", "query")
    assert report["order"]["state"] == "DONE"
    assert any(detail["paid_type"] == "MCH" for detail in report["order"]["collection"]["details"])
    assert emulator.order(SEED.out_order_no).state == "DONE"


def test_rerun_in_a_new_process_after_a_lost_answer_exits_10(env: dict[str, str], emulator: Emulator) -> None:
    emulator.inject(Fault.apply_then_drop(), times=1)
    first = cli(*SYNC, "--no-reconcile", env=env)
    assert first.returncode == ExitCode.OUTCOME_UNKNOWN, first.stdout + first.stderr
    assert "query the order" in first.stderr
    second = cli(*SYNC, "--json", env=env)
    assert second.returncode == ExitCode.ALREADY_SYNCED, second.stdout + second.stderr
    assert one_json(second.stdout)["evidence"] == "query"


@pytest.mark.parametrize("fault", ["apply_then_500", "apply_then_drop", "probe_signature"])
def test_an_applied_sync_whose_answer_is_spoiled_ends_definitive(
    env: dict[str, str], emulator: Emulator, fault: str
) -> None:
    emulator.inject(getattr(Fault, fault)(), times=1)
    result = cli(*SYNC, "--json", env=env)
    assert emulator.order(SEED.out_order_no).state == "DONE"
    assert result.returncode == ExitCode.ALREADY_SYNCED, result.stdout + result.stderr


def test_a_sync_that_was_not_applied_is_sent_again_only_after_the_query(
    env: dict[str, str], emulator: Emulator
) -> None:
    emulator.inject(Fault.drop_connection(), times=1)  # the request has no effect, and no answer comes
    result = cli(*SYNC, env=env)
    assert result.returncode == ExitCode.SYNCED, result.stdout + result.stderr
    assert emulator.order(SEED.out_order_no).state == "DONE"
    methods = [entry.method for entry in emulator.requests]
    assert "GET" in methods
    assert methods.index("GET") < len(methods) - 1  # the query came before the sync that was sent again
    assert methods[-1] == "POST"


def test_no_reconcile_leaves_a_5xx_as_outcome_unknown(env: dict[str, str], emulator: Emulator) -> None:
    emulator.inject(Fault.apply_then_500(), times=1)
    result = cli(*SYNC, "--json", "--no-reconcile", env=env)
    assert result.returncode == ExitCode.OUTCOME_UNKNOWN
    report = one_json(result.stdout)  # failures too: one JSON object on standard output
    assert (report["outcome"], report["exit"], report["error"]["class"]) == ("unknown", 5, "ServerError")
    assert "query the order" in report["advice"]
    assert result.stderr == ""


def test_order_done_by_other_means_exits_11_with_what_the_query_showed(env: dict[str, str], emulator: Emulator) -> None:
    emulator.seed(
        Order(
            out_order_no="PAID-BY-PAYSCORE-1",
            service_id=SEED.service_id,
            sub_mchid=SEED.sub_mchid,
            channel_id=SEED.channel_id,
            state="DONE",
            paid_time="20091224080000",
        )
    )
    flags = list(SYNC)
    flags[flags.index(SEED.out_order_no)] = "PAID-BY-PAYSCORE-1"
    result = cli(*flags, env=env)
    assert result.returncode == ExitCode.ALREADY_DONE, result.stdout + result.stderr
    assert "state: DONE" in result.stderr
    assert "paid_type=NEWTON" in result.stderr
    assert result.stdout == ""
    as_json = one_json(cli(*flags, "--json", env=env).stdout)
    assert as_json["outcome"] == "already_there"
    assert as_json["order"]["collection"]["details"][0]["paid_type"] == "NEWTON"


def test_no_reconcile_rerun_is_already_done(env: dict[str, str], emulator: Emulator) -> None:
    assert cli(*SYNC, env=env).returncode == 0
    result = cli(*SYNC, "--no-reconcile", "--json", env=env)
    assert result.returncode == ExitCode.ALREADY_DONE
    assert one_json(result.stdout)["error"]["code"] == "ORDER_DONE"


def test_invalid_order_number_exits_2_and_sends_nothing(env: dict[str, str], emulator: Emulator) -> None:
    flags = list(SYNC)
    flags[flags.index(SEED.out_order_no)] = ".."
    result = cli(*flags, "--json", env=env)
    assert result.returncode == ExitCode.INVALID_INPUT
    # A command line that cannot be read is still one JSON object on standard output: the command never started.
    assert one_json(result.stdout)["outcome"] == "invalid"
    assert result.stderr == ""
    assert emulator.requests == []


def test_paid_time_in_the_future_is_refused(env: dict[str, str], emulator: Emulator) -> None:
    flags = [*SYNC[:-1], "20990101"]
    result = cli(*flags, "--json", env=env)
    assert result.returncode == ExitCode.INVALID_INPUT
    report = one_json(result.stdout)
    assert "in the future" in report["summary"]
    assert "--paid-time" in report["summary"]
    assert emulator.requests == []


def test_api_rejection_exits_3(env: dict[str, str], emulator: Emulator) -> None:
    flags = list(SYNC)
    flags[flags.index(SEED.out_order_no)] = "NO-SUCH-ORDER"
    result = cli(*flags, env=env)
    assert result.returncode == ExitCode.API_REJECTED, result.stdout + result.stderr
    assert "ORDER_NOT_EXIST" in result.stderr


def test_signature_rejected_exits_4_naming_the_settings(env: dict[str, str], tmp_path: Path) -> None:
    other = tmp_path / "test-only-other-key.pem"
    other.write_bytes(demo.demo_platform_private_key_path().read_bytes())
    result = cli(*SYNC, "--private-key", str(other), "--json", env=env)
    assert result.returncode == ExitCode.SIGNATURE_FAILURE
    report = one_json(result.stdout)
    assert report["error"]["code"] == "SIGN_ERROR"
    assert "--private-key" in report["hint"]
    assert "WECHATPAY_SERIAL_NO" in report["hint"]


def test_unreachable_exits_6(env: dict[str, str]) -> None:
    result = cli(*SYNC, "--base-url", "http://127.0.0.1:9", env=env)
    assert result.returncode == ExitCode.UNREACHABLE, result.stdout + result.stderr
    assert result.stdout == ""


# --- query ---------------------------------------------------------------------------------------------------------


def test_query_prints_the_verified_order(env: dict[str, str], emulator: Emulator) -> None:
    assert cli(*SYNC, env=env).returncode == 0
    result = cli(*QUERY, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "state: DONE" in result.stdout
    assert f"paid_type=MCH paid_time={PAID_TIME}" in result.stdout
    assert "collection: USER_PAID" in result.stdout
    assert "request id:" in result.stdout
    report = one_json(cli(*QUERY, "--json", env=env).stdout)
    assert report["verified"] is True
    assert report["request_id"]
    assert report["order"]["out_order_no"] == SEED.out_order_no
    assert report["order"]["collection"]["state"] == "USER_PAID"


def test_query_by_query_id(env: dict[str, str], emulator: Emulator) -> None:
    emulator.seed(
        Order(
            out_order_no="QUERIED-BY-ID-1",
            service_id=SEED.service_id,
            sub_mchid=SEED.sub_mchid,
            channel_id=SEED.channel_id,
            query_id="15646546545165651651",
        )
    )
    flags = ["query", "--query-id", "15646546545165651651", *ORDER_FLAGS[2:], "--json"]
    result = cli(*flags, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    report = one_json(result.stdout)
    assert (report["order"]["out_order_no"], report["order"]["state"]) == ("QUERIED-BY-ID-1", "DOING")


def test_query_of_an_unknown_order_exits_3(env: dict[str, str]) -> None:
    flags = list(QUERY)
    flags[flags.index(SEED.out_order_no)] = "NO-SUCH-ORDER"
    result = cli(*flags, "--json", env=env)
    assert result.returncode == ExitCode.API_REJECTED
    assert one_json(result.stdout)["error"]["code"] == "ORDER_NOT_EXIST"


def test_query_needs_exactly_one_order_reference(env: dict[str, str], emulator: Emulator) -> None:
    both = cli(*QUERY, "--query-id", "1", "--json", env=env)
    assert both.returncode == ExitCode.INVALID_INPUT
    assert "not allowed with argument" in one_json(both.stdout)["summary"]
    neither = cli("query", *ORDER_FLAGS[2:], "--json", env=env)
    assert neither.returncode == ExitCode.INVALID_INPUT
    assert "one of the arguments --out-order-no --query-id is required" in one_json(neither.stdout)["summary"]
    assert emulator.requests == []


# --- the command line itself ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["sync", "--json"], "the following arguments are required"),
        ([*SYNC, "--json", "--bogus"], "unrecognized arguments: --bogus"),
        (["--json"], "the following arguments are required: COMMAND"),
        (["frobnicate", "--json"], "invalid choice"),
        ([*SYNC[:-1], "yesterday", "--json"], "--paid-time 'yesterday'"),
        ([*SYNC, "--timeout", "soon", "--json"], "--timeout must be a number"),
    ],
)
def test_argument_errors_are_one_json_object_on_stdout(env: dict[str, str], argv: list[str], expected: str) -> None:
    result = cli(*argv, env=env)
    assert result.returncode == ExitCode.INVALID_INPUT
    assert result.stderr == ""
    report = one_json(result.stdout)
    assert (report["outcome"], report["exit"]) == ("invalid", 2)
    assert expected in report["summary"]


@pytest.mark.parametrize("spelling", ["--json=yes", "--json=1", "--json="])
def test_json_with_a_value_is_refused_as_one_json_object(env: dict[str, str], spelling: str) -> None:
    result = cli(*SYNC, spelling, env=env)
    assert result.returncode == ExitCode.INVALID_INPUT
    assert result.stderr == ""
    report = one_json(result.stdout)
    assert report["outcome"] == "invalid"
    assert "--json" in report["summary"]


def test_argument_errors_without_json_are_text_on_stderr(env: dict[str, str]) -> None:
    result = cli("sync", env=env)
    assert result.returncode == ExitCode.INVALID_INPUT
    assert result.stdout == ""
    assert "the following arguments are required" in result.stderr
    assert "see --help" in result.stderr


def test_version(env: dict[str, str]) -> None:
    from importlib import metadata

    result = cli("--version", env=env, script=True)
    assert result.returncode == 0
    assert result.stdout.strip() == f"wechatpay-payscore {metadata.version('wechatpay-payscore')}"


def test_help_documents_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sync", "--help"]) == 0
    text = capsys.readouterr().out
    assert "examples:" in text
    for code in ExitCode:
        assert f"\n  {int(code)} " in text, code
    assert "--no-reconcile" in text
    assert "wechatpay-payscore query" in EPILOG


def test_main_writes_reports_to_the_given_streams(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in env.items():
        if name.startswith("WECHATPAY_"):
            monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    assert main([*SYNC, "--base-url", "http://127.0.0.1:9"], out=out, err=err) == ExitCode.UNREACHABLE
    assert out.getvalue() == ""
    assert "could not be reached" in err.getvalue() or err.getvalue()


def test_ctrl_c_during_a_call_is_one_report(env: dict[str, str], emulator: Emulator) -> None:
    emulator.inject(Fault.latency(3), times=1)
    command = [sys.executable, "-m", "wechatpay_payscore_client", *SYNC, "--json"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while emulator.faults and time.monotonic() < deadline:  # the fault is taken when the request arrives
            time.sleep(0.02)
        assert not emulator.faults, "the request never reached the emulator"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == ExitCode.INTERRUPTED, out + err
    assert err == ""
    report = one_json(out)
    assert (report["outcome"], report["exit"], report["command"]) == ("interrupted", 130, "sync")
    assert "run the same command again" in report["advice"]


# --- messages in the operator's terms ------------------------------------------------------------------------------


def test_missing_configuration_names_flag_variable_and_config_key(base_url: str) -> None:
    result = cli(*SYNC, env=process_env(base_url, WECHATPAY_SERIAL_NO=None))
    assert result.returncode == ExitCode.INVALID_INPUT
    assert "--serial-no / WECHATPAY_SERIAL_NO / serial_no in the --config file" in result.stderr


def test_encrypted_key_without_password_names_the_variable(base_url: str, tmp_path: Path) -> None:
    key = serialization.load_pem_private_key(demo.demo_merchant_private_key_path().read_bytes(), password=None)
    encrypted = tmp_path / "test-only-encrypted-key.pem"
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"test-password"),
        )
    )
    env = process_env(base_url, WECHATPAY_PRIVATE_KEY=str(encrypted))
    result = cli(*SYNC, env=env)
    assert result.returncode == ExitCode.INVALID_INPUT
    assert "WECHATPAY_PRIVATE_KEY is encrypted" in result.stderr
    assert "WECHATPAY_PRIVATE_KEY_PASSWORD" in result.stderr
    wrong = cli(*SYNC, env=env | {"WECHATPAY_PRIVATE_KEY_PASSWORD": "not-the-password"})
    assert wrong.returncode == ExitCode.INVALID_INPUT
    assert "password is wrong (WECHATPAY_PRIVATE_KEY_PASSWORD)" in wrong.stderr
    assert "not-the-password" not in wrong.stderr
    right = cli(*SYNC, env=env | {"WECHATPAY_PRIVATE_KEY_PASSWORD": "test-password"})
    assert right.returncode == ExitCode.SYNCED, right.stdout + right.stderr


def test_unreadable_certificate_names_the_file_and_the_setting(base_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "platform_cert.pem"
    env = process_env(base_url, WECHATPAY_PUBLIC_KEY_ID=None, WECHATPAY_PUBLIC_KEY=None)
    result = cli(*SYNC, "--platform-certificate", str(missing), env=env)
    assert result.returncode == ExitCode.INVALID_INPUT
    assert "--platform-certificates" in result.stderr
    assert str(missing) in result.stderr
    env["WECHATPAY_PLATFORM_CERTIFICATES"] = str(missing)
    assert "WECHATPAY_PLATFORM_CERTIFICATES" in cli(*SYNC, env=env).stderr


def test_malformed_public_key_id_gets_a_pub_key_id_hint(base_url: str, emulator: Emulator) -> None:
    result = cli(*SYNC, env=process_env(base_url, WECHATPAY_PUBLIC_KEY_ID="0119000001002024112700000000"))
    assert result.returncode == ExitCode.INVALID_INPUT
    assert "WECHATPAY_PUBLIC_KEY_ID must be WeChat Pay's public key id, 'PUB_KEY_ID_'" in result.stderr
    assert emulator.requests == []


def test_wrong_public_key_id_gets_a_hint_naming_the_setting(base_url: str) -> None:
    env = process_env(base_url, WECHATPAY_PUBLIC_KEY_ID="PUB_KEY_ID_0119000001002099999999999999")
    result = cli(*QUERY, "--json", env=env)
    assert result.returncode == ExitCode.OUTCOME_UNKNOWN, result.stdout + result.stderr
    hint = one_json(result.stdout)["hint"]
    # The emulator does not know the requested key id and signs with its platform certificate instead.
    assert f"signed its answer with {demo.DEMO_PLATFORM_SERIAL!r}" in hint
    assert "check WECHATPAY_PUBLIC_KEY_ID (PUB_KEY_ID_" in hint
    assert "WECHATPAY_PLATFORM_CERTIFICATES" in hint


@pytest.mark.parametrize("where", ["flag", "env"])
def test_an_empty_base_url_is_an_error_not_production(base_url: str, where: str) -> None:
    env = process_env(base_url, WECHATPAY_BASE_URL="" if where == "env" else None)
    flags = ["--base-url", ""] if where == "flag" else []
    result = cli(*SYNC, *flags, env=env)
    assert result.returncode == ExitCode.INVALID_INPUT
    assert ("--base-url is empty" if where == "flag" else "WECHATPAY_BASE_URL is empty") in result.stderr


def test_plain_http_to_another_host_is_refused_naming_the_flag(env: dict[str, str]) -> None:
    result = cli(*SYNC, "--base-url", "http://wechatpay.example.com", env=env)
    assert result.returncode == ExitCode.INVALID_INPUT
    assert "--base-url 'http://wechatpay.example.com' is plain http" in result.stderr


def test_config_file_then_environment_then_flags(base_url: str, tmp_path: Path, emulator: Emulator) -> None:
    config = tmp_path / "wechatpay.toml"
    config.write_text(f'[wechatpay]\nmchid = "1900000999"\nbase_url = "{base_url}"\n')
    env = process_env(base_url, WECHATPAY_MCHID=None, WECHATPAY_BASE_URL=None)
    # The file's unknown merchant: WeChat Pay answers NO_AUTH.
    assert cli(*SYNC, "--config", str(config), env=env).returncode == ExitCode.API_REJECTED
    # The environment beats the file, and a flag beats both.
    assert cli(*SYNC, "--config", str(config), "--mchid", "1900000998", env=env).returncode == ExitCode.API_REJECTED
    env["WECHATPAY_MCHID"] = demo.DEMO_MCHID
    assert cli(*SYNC, "--config", str(config), env=env).returncode == ExitCode.SYNCED


def test_certificate_mode_from_environment(base_url: str, emulator: Emulator) -> None:
    env = process_env(
        base_url,
        WECHATPAY_PUBLIC_KEY_ID=None,
        WECHATPAY_PUBLIC_KEY=None,
        WECHATPAY_PLATFORM_CERTIFICATES=str(demo.demo_platform_certificate_path()),
    )
    result = cli(*SYNC, "--json", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert one_json(result.stdout)["signed_by"] == demo.DEMO_PLATFORM_SERIAL


# --- paid_time -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("20091225091210", "20091225091210"),
        ("20091225", "20091225"),
        ("2009-12-25", "20091225"),
        ("2009-12-25T09:12:10", "20091225091210"),
        ("2009-12-25T01:12:10+00:00", "20091225091210"),
        ("2009-12-25T01:12:10Z", "20091225091210"),
    ],
)
def test_paid_time_conversion_to_beijing_time(typed: str, sent: str) -> None:
    assert parse_paid_time(typed) == sent


def test_paid_time_now_uses_beijing_time() -> None:
    moment = datetime.datetime(2026, 11, 27, 1, 2, 3, tzinfo=datetime.UTC)
    assert parse_paid_time("now", now=moment) == "20261127090203"
    assert BEIJING.utcoffset(None) == datetime.timedelta(hours=8)


@pytest.mark.parametrize(
    "value", ["tomorrow", "\uff12\uff10\uff10\uff19\uff11\uff12\uff12\uff15", "-----BEGIN PRIVATE KEY-----\nMIIE"]
)
def test_paid_time_garbage(value: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        parse_paid_time(value)
    assert "MIIE" not in str(caught.value)


def test_paid_time_not_in_future_in_beijing_time() -> None:
    # 2026-11-27 00:00:00 in Beijing is 2026-11-26 16:00:00 UTC.
    midnight = datetime.datetime(2026, 11, 26, 16, 0, 0, tzinfo=datetime.UTC).timestamp()
    assert paid_time_moment("20261127") == datetime.datetime(2026, 11, 27, tzinfo=BEIJING)
    assert paid_time_not_in_future("20261127", now=midnight)
    assert paid_time_not_in_future("20261127000100", now=midnight)  # within the 60 s tolerance
    assert not paid_time_not_in_future("20261127000101", now=midnight)
    assert paid_time_not_in_future("20261127000101", now=midnight, tolerance_s=120)
    assert not paid_time_not_in_future("20261128", now=midnight)
    assert paid_time_not_in_future("20091225091210")  # the local clock by default
    assert not paid_time_not_in_future("20990101")
    for malformed in ("2026112", "20261332", "2026-11-27", "\uff12\uff10\uff12\uff16\uff11\uff11\uff12\uff17"):
        assert paid_time_moment(malformed) is None
        assert not paid_time_not_in_future(malformed, now=time.time())
