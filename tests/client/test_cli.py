"""The `wechatpay-payscore` command line against the emulator."""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from wechatpay_emulator import Emulator, Fault, demo
from wechatpay_payscore_client import ClientSettings, ConfigurationError
from wechatpay_payscore_client.cli import BEIJING, ExitCode, main, parse_paid_time

from .conftest import SEED

ORDER_FLAGS = [
    "--out-order-no",
    SEED.out_order_no,
    "--service-id",
    SEED.service_id,
    "--sub-mchid",
    SEED.sub_mchid,
    "--channel-id",
    SEED.channel_id or "",
    "--paid-time",
    "20091225091210",
]


def demo_env(base_url: str) -> dict[str, str]:
    return {
        "WECHATPAY_MCHID": demo.DEMO_MCHID,
        "WECHATPAY_SERIAL_NO": demo.DEMO_MERCHANT_SERIAL,
        "WECHATPAY_PRIVATE_KEY": str(demo.demo_merchant_private_key_path()),
        "WECHATPAY_PUBLIC_KEY_ID": demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
        "WECHATPAY_PUBLIC_KEY": str(demo.demo_wechatpay_public_key_path()),
        "WECHATPAY_BASE_URL": base_url,
    }


@pytest.fixture
def env(base_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in list(os.environ):
        if name.startswith("WECHATPAY_"):
            monkeypatch.delenv(name)
    values = demo_env(base_url)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["sync", *argv], out=out)
    return code, out.getvalue()


def test_console_script_syncs_with_only_environment_variables(base_url: str, emulator: Emulator) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WECHATPAY_")} | demo_env(base_url)
    script = Path(sys.executable).parent / "wechatpay-payscore"
    result = subprocess.run(
        [str(script), "sync", *ORDER_FLAGS], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"synced {SEED.out_order_no}" in result.stdout
    assert emulator.order(SEED.out_order_no).state == "DONE"
    assert "PRIVATE KEY" not in result.stdout + result.stderr


def test_exit_codes_success_then_already_done(env: dict[str, str], emulator: Emulator) -> None:
    assert run(*ORDER_FLAGS)[0] == ExitCode.SYNCED
    code, out = run(*ORDER_FLAGS)
    assert code == ExitCode.ALREADY_DONE
    assert "ORDER_DONE" in out


def test_lost_answer_then_retry_exits_already_synced(env: dict[str, str], emulator: Emulator) -> None:
    emulator.inject(Fault.apply_then_drop(), times=1)
    code, out = run(*ORDER_FLAGS, "--max-attempts", "2", "--json")
    assert code == ExitCode.ALREADY_SYNCED
    assert json.loads(out)["result"] == "already_synced"


def test_server_error_exits_outcome_unknown(env: dict[str, str], emulator: Emulator) -> None:
    emulator.inject(Fault.apply_then_500(), times=1)
    code, out = run(*ORDER_FLAGS, "--json")
    assert code == ExitCode.OUTCOME_UNKNOWN
    assert json.loads(out)["code"] == "SYSTEM_ERROR"


def test_json_output_for_scripts(env: dict[str, str], emulator: Emulator) -> None:
    code, out = run(*ORDER_FLAGS, "--json")
    result = json.loads(out)
    assert code == 0
    assert result["result"] == "synced"
    assert result["status_code"] == 204
    assert result["signed_by"] == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID
    assert result["request_id"]


def test_invalid_input_exits_2_and_sends_nothing(env: dict[str, str], emulator: Emulator) -> None:
    flags = list(ORDER_FLAGS)
    flags[1] = ".."
    code, out = run(*flags, "--json")
    assert code == ExitCode.INVALID_INPUT
    assert json.loads(out)["result"] == "invalid_input"
    assert emulator.requests == []


def test_unparsable_paid_time_is_a_usage_error(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    flags = list(ORDER_FLAGS)
    flags[-1] = "yesterday"
    assert run(*flags)[0] == 2
    assert "--paid-time" in capsys.readouterr().err


def test_api_rejection_exits_3(env: dict[str, str], emulator: Emulator) -> None:
    flags = list(ORDER_FLAGS)
    flags[1] = "NO-SUCH-ORDER"
    code, out = run(*flags)
    assert code == ExitCode.API_REJECTED
    assert "ORDER_NOT_EXIST" in out


def test_signature_rejected_exits_4(env: dict[str, str], tmp_path: Path) -> None:
    other = tmp_path / "test-only-other-key.pem"
    other.write_bytes(demo.demo_platform_private_key_path().read_bytes())
    code, out = run(*ORDER_FLAGS, "--private-key", str(other))
    assert code == ExitCode.SIGNATURE_FAILURE
    assert "SIGN_ERROR" in out


def test_unknown_outcome_exits_5(env: dict[str, str], emulator: Emulator) -> None:
    emulator.inject(Fault.probe_signature(), times=1)
    code, out = run(*ORDER_FLAGS, "--json")
    assert code == ExitCode.OUTCOME_UNKNOWN
    assert "query the order" in json.loads(out)["advice"]


def test_unreachable_exits_6(env: dict[str, str]) -> None:
    assert run(*ORDER_FLAGS, "--base-url", "http://127.0.0.1:9")[0] == ExitCode.UNREACHABLE


def test_missing_configuration_exits_2_naming_the_variable(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WECHATPAY_SERIAL_NO")
    code, out = run(*ORDER_FLAGS)
    assert code == ExitCode.INVALID_INPUT
    assert "WECHATPAY_SERIAL_NO" in out


def test_config_file_flags_override_environment(env: dict[str, str], tmp_path: Path, emulator: Emulator) -> None:
    config = tmp_path / "wechatpay.toml"
    config.write_text(f'[wechatpay]\nmchid = "1900000999"\nbase_url = "{env["WECHATPAY_BASE_URL"]}"\n')
    settings = ClientSettings.load(config_file=config, environ={}, serial_no="ABC")
    assert (settings.mchid, settings.serial_no) == ("1900000999", "ABC")
    settings = ClientSettings.load(config_file=config, environ=env)
    assert settings.mchid == demo.DEMO_MCHID  # the environment beats the file
    code, _ = run(*ORDER_FLAGS, "--config", str(config), "--mchid", "1900000998")
    assert code == ExitCode.API_REJECTED  # the flag beats both: an unknown merchant is NO_AUTH


def test_bad_config_file_is_named(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[wechatpay]\nmchid = \n")
    with pytest.raises(ConfigurationError, match=r"bad\.toml"):
        ClientSettings.from_file(config)
    config.write_text('[wechatpay]\nmerchant = "x"\n')
    with pytest.raises(ConfigurationError, match="unknown setting"):
        ClientSettings.from_file(config)


def test_settings_repr_hides_secrets() -> None:
    settings = ClientSettings(private_key="-----BEGIN PRIVATE KEY-----\nsecret", private_key_password="hunter2")
    assert "secret" not in repr(settings)
    assert "hunter2" not in repr(settings)


def test_certificate_mode_from_environment(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WECHATPAY_PUBLIC_KEY_ID")
    monkeypatch.delenv("WECHATPAY_PUBLIC_KEY")
    monkeypatch.setenv("WECHATPAY_PLATFORM_CERTIFICATES", str(demo.demo_platform_certificate_path()))
    code, out = run(*ORDER_FLAGS, "--json")
    assert code == 0
    assert json.loads(out)["signed_by"] == demo.DEMO_PLATFORM_SERIAL


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sync", "--help"]) == 0
    text = capsys.readouterr().out
    assert "examples:" in text
    assert "exit status" in text


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


def test_paid_time_garbage() -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_paid_time("tomorrow")
