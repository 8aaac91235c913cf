"""Secrets are never echoed: a private key in the wrong setting, a password, through every surface.

The key used here is the emulator's demo merchant key (TEST-ONLY, published). The fragments searched for are its
PEM body lines and the password; a surface "leaks" when any fragment appears in what it produces.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import pickle
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

import attrs
import pytest
from wechatpay_emulator import demo
from wechatpay_payscore_client import ClientSettings, ConfigurationError, create_client
from wechatpay_payscore_client._options import Secret

PEM = demo.demo_merchant_private_key_path().read_text()
BODY = "".join(line for line in PEM.splitlines() if not line.startswith("-----"))
PASSWORD = "test-only-password-4f2c"


def fragments() -> list[str]:
    lines = [line for line in PEM.splitlines() if line and not line.startswith("-----")]
    return [*lines, BODY[100:140], PASSWORD]


def assert_clean(text: str) -> None:
    leaked = [fragment for fragment in fragments() if fragment in text]
    assert not leaked, f"secret material leaked: {leaked[0][:12]}..."


def everything(exc: BaseException) -> str:
    return str(exc) + repr(exc) + "".join(traceback.format_exception(exc))


# --- the Secret type -----------------------------------------------------------------------------------------------


def test_secret_hides_itself_everywhere() -> None:
    secret = Secret(PEM)
    for text in (repr(secret), str(secret), f"{secret}", f"{secret!r}", "%s" % secret, json.dumps(str(secret))):  # noqa: UP031
        assert_clean(text)
        assert "*" in text
    assert secret.reveal() == PEM
    assert copy.copy(secret).reveal() == PEM
    assert copy.deepcopy(secret).reveal() == PEM
    assert secret == Secret(PEM)
    assert secret != Secret("other")
    assert secret != PEM
    assert hash(secret) == hash(Secret("other"))
    assert not Secret("")


def test_a_pickled_secret_carries_nothing() -> None:
    data = pickle.dumps(Secret(PASSWORD))
    assert PASSWORD.encode() not in data
    restored = pickle.loads(data)  # noqa: S301 - our own bytes
    assert repr(restored) == "Secret(withheld)"
    assert restored  # set, but withheld: using it says why
    assert restored == pickle.loads(data)  # noqa: S301
    assert restored != Secret(PASSWORD)
    with pytest.raises(ConfigurationError, match="came through a pickle"):
        restored.reveal()


def test_a_secret_must_be_text() -> None:
    with pytest.raises(ConfigurationError, match="must be a string"):
        Secret(PEM.encode())  # type: ignore[arg-type]


# --- ClientSettings ------------------------------------------------------------------------------------------------


def settings_with_secrets() -> ClientSettings:
    return ClientSettings.load(
        environ={"WECHATPAY_PRIVATE_KEY": PEM, "WECHATPAY_PRIVATE_KEY_PASSWORD": PASSWORD},
        mchid=demo.DEMO_MCHID,
        serial_no=demo.DEMO_MERCHANT_SERIAL,
    )


def test_settings_repr_asdict_and_pickle_hold_no_secret() -> None:
    settings = settings_with_secrets()
    assert settings.private_key is not None
    assert settings.private_key.reveal() == PEM
    for text in (
        repr(settings),
        str(settings),
        str(attrs.asdict(settings)),
        json.dumps(attrs.asdict(settings), default=str),
        str(attrs.astuple(settings)),
        repr(vars(settings)) if hasattr(settings, "__dict__") else "",
    ):
        assert_clean(text)
    data = pickle.dumps(settings)
    for fragment in fragments():
        assert fragment.encode() not in data
    assert copy.deepcopy(settings) == settings


def test_settings_built_directly_wrap_secrets_at_once() -> None:
    settings = ClientSettings(private_key=PEM, private_key_password=PASSWORD)
    assert isinstance(settings.private_key, Secret)
    assert isinstance(settings.private_key_password, Secret)
    assert_clean(repr(settings) + str(attrs.asdict(settings)))


WRONG_SETTINGS = [
    "WECHATPAY_SERIAL_NO",
    "WECHATPAY_PUBLIC_KEY_ID",
    "WECHATPAY_TIMEOUT",
    "WECHATPAY_MAX_ATTEMPTS",
    "WECHATPAY_MCHID",
    "WECHATPAY_BASE_URL",
    "WECHATPAY_BACKUP_BASE_URL",
    "WECHATPAY_ALLOW_INSECURE_HTTP",
    "WECHATPAY_PUBLIC_KEY",
    "WECHATPAY_PLATFORM_CERTIFICATES",
]


# A setting that names a file (the public key, certificates) shows a short printable value as the file name it is
# taken for: that is what lets an operator fix a wrong path. Key material there (PEM, or a long unarmoured body)
# is never shown.
CASES = [
    (variable, value)
    for variable in WRONG_SETTINGS
    for value in (PEM, BODY, PASSWORD)
    if not (value == PASSWORD and variable in ("WECHATPAY_PUBLIC_KEY", "WECHATPAY_PLATFORM_CERTIFICATES"))
]


@pytest.mark.parametrize(("variable", "value"), CASES)
def test_a_secret_in_the_wrong_variable_is_named_never_echoed(variable: str, value: str) -> None:
    environ = {
        "WECHATPAY_MCHID": demo.DEMO_MCHID,
        "WECHATPAY_SERIAL_NO": demo.DEMO_MERCHANT_SERIAL,
        "WECHATPAY_PRIVATE_KEY": str(demo.demo_merchant_private_key_path()),
        "WECHATPAY_PUBLIC_KEY_ID": demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
        "WECHATPAY_PUBLIC_KEY": str(demo.demo_wechatpay_public_key_path()),
        variable: value,
    }
    with pytest.raises(ConfigurationError) as caught:
        ClientSettings.load(environ=environ).create_client()
    assert variable in str(caught.value)
    assert_clean(everything(caught.value))


@pytest.mark.parametrize("keyword", ["serial_no", "mchid"])
@pytest.mark.parametrize("value", [PEM, BODY, PASSWORD], ids=["pem", "unarmoured", "password"])
def test_create_client_never_echoes_a_secret_in_the_wrong_keyword(keyword: str, value: str) -> None:
    options: dict[str, Any] = {
        "mchid": demo.DEMO_MCHID,
        "serial_no": demo.DEMO_MERCHANT_SERIAL,
        "private_key": demo.demo_merchant_private_key_path(),
        "wechatpay_public_keys": {demo.DEMO_WECHATPAY_PUBLIC_KEY_ID: demo.demo_wechatpay_public_key_path()},
        keyword: value,
    }
    with pytest.raises(ConfigurationError) as caught:
        create_client(**options)
    assert keyword in str(caught.value)
    assert_clean(everything(caught.value))


@pytest.mark.parametrize("value", [PEM, BODY, "PUB_KEY_ID_" + BODY, PASSWORD])
def test_create_client_never_echoes_a_secret_as_a_key_of_wechatpay_public_keys(value: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        create_client(
            mchid=demo.DEMO_MCHID,
            serial_no=demo.DEMO_MERCHANT_SERIAL,
            private_key=demo.demo_merchant_private_key_path(),
            wechatpay_public_keys={value: demo.demo_wechatpay_public_key_path()},
        )
    assert "wechatpay_public_keys" in str(caught.value)
    assert_clean(everything(caught.value))


def test_logs_hold_no_secret_while_settings_fail(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG), pytest.raises(ConfigurationError):
        ClientSettings.load(environ={"WECHATPAY_SERIAL_NO": PEM, "WECHATPAY_PRIVATE_KEY_PASSWORD": PASSWORD})
    assert_clean(caplog.text)


# --- the command line, in real processes ---------------------------------------------------------------------------

FLAGS = [
    "sync",
    "--out-order-no",
    "1234323JKHDFE1243252",
    "--service-id",
    "2002000000000558128851361561536",
    "--sub-mchid",
    "1900000109",
    "--paid-time",
    "20091225091210",
]


def run_cli(*argv: str, changes: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WECHATPAY_")} | {
        "WECHATPAY_MCHID": demo.DEMO_MCHID,
        "WECHATPAY_SERIAL_NO": demo.DEMO_MERCHANT_SERIAL,
        "WECHATPAY_PRIVATE_KEY": str(demo.demo_merchant_private_key_path()),
        "WECHATPAY_PUBLIC_KEY_ID": demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
        "WECHATPAY_PUBLIC_KEY": str(demo.demo_wechatpay_public_key_path()),
        # Nothing may be sent in these tests: an address nobody listens on.
        "WECHATPAY_BASE_URL": "http://127.0.0.1:9",
        **changes,
    }
    command = [sys.executable, "-m", "wechatpay_payscore_client", *argv]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False, cwd=cwd)


@pytest.mark.parametrize("variable", ["WECHATPAY_SERIAL_NO", "WECHATPAY_TIMEOUT", "WECHATPAY_PUBLIC_KEY_ID"])
@pytest.mark.parametrize("as_json", [False, True])
def test_cli_names_the_variable_and_never_prints_the_key(variable: str, as_json: bool) -> None:
    result = run_cli(*FLAGS, *(["--json"] if as_json else []), changes={variable: PEM})
    assert result.returncode == 2
    assert variable in (result.stdout if as_json else result.stderr)
    assert_clean(result.stdout + result.stderr)


def test_cli_flag_holding_a_key_is_named_never_printed() -> None:
    result = run_cli(*FLAGS, "--serial-no", PEM, "--json", changes={})
    assert result.returncode == 2
    assert "--serial-no" in json.loads(result.stdout)["summary"]
    assert_clean(result.stdout + result.stderr)


def test_cli_config_file_holding_a_key_is_named_never_printed(tmp_path: Path) -> None:
    config = tmp_path / "wechatpay.toml"
    config.write_text(f'[wechatpay]\nserial_no = """{PEM}"""\nprivate_key_password = "{PASSWORD}"\n')
    result = run_cli(*FLAGS, "--config", str(config), changes={"WECHATPAY_SERIAL_NO": ""})
    assert result.returncode == 2
    assert f"serial_no in {config}" in result.stderr
    assert_clean(result.stdout + result.stderr)


def test_cli_wrong_password_is_never_printed(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(PEM.encode(), password=None)
    encrypted = tmp_path / "test-only-encrypted.pem"
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"the-right-one"),
        )
    )
    result = run_cli(
        *FLAGS, changes={"WECHATPAY_PRIVATE_KEY": str(encrypted), "WECHATPAY_PRIVATE_KEY_PASSWORD": PASSWORD}
    )
    assert result.returncode == 2
    assert "WECHATPAY_PRIVATE_KEY_PASSWORD" in result.stderr
    assert_clean(result.stdout + result.stderr)
    assert "the-right-one" not in result.stdout + result.stderr


def test_cli_base_url_with_credentials_is_never_printed() -> None:
    result = run_cli(*FLAGS, "--base-url", f"https://merchant:{PASSWORD}@api.mch.weixin.qq.com", changes={})
    assert result.returncode == 2
    assert "--base-url carries credentials" in result.stderr
    assert_clean(result.stdout + result.stderr)


# --- a key pasted where the command line expects something else (issue 14 #6) ------------------------------------

ORDER = FLAGS[1:7]  # --out-order-no, --service-id, --sub-mchid with their values


def _with(flags: list[str], flag: str, value: str) -> list[str]:
    """`flags` with `flag`'s value replaced by `value`."""
    changed = list(flags)
    changed[changed.index(flag) + 1] = value
    return changed


MISPLACED_KEY = {
    "a stray positional argument": ([*FLAGS, PEM], "unrecognized arguments"),
    "the value of an unknown flag": ([*FLAGS, "--private-key-password", PEM], "--private-key-password"),
    "an unknown --flag=value": ([*FLAGS, f"--private-key-pem={PEM}"], "unrecognized arguments"),
    "the command": ([PEM], "COMMAND"),
    "--out-order-no": (_with(FLAGS, "--out-order-no", PEM), "--out-order-no"),
    "--out-order-no=": ([*FLAGS[:1], f"--out-order-no={PEM}", *FLAGS[3:]], "--out-order-no"),
    "--service-id": (_with(FLAGS, "--service-id", PEM), "--service-id"),
    "--sub-mchid": (_with(FLAGS, "--sub-mchid", PEM), "--sub-mchid"),
    "--channel-id": ([*FLAGS, "--channel-id", PEM], "--channel-id"),
    "--query-id": (["query", "--query-id", PEM, *ORDER[2:], "--channel-id", "1230000109"], "--query-id"),
    "query --out-order-no": (["query", "--out-order-no", PEM, *ORDER[2:], "--channel-id", "1"], "--out-order-no"),
    "--config": ([*FLAGS, "--config", PEM], "--config"),
    "sync-batch INPUT": (["sync-batch", PEM], "INPUT"),
    "sync-batch --journal": (["sync-batch", "orders.csv", "--journal", PEM], "--journal"),
    "sync-batch --report": (["sync-batch", "orders.csv", "--report", PEM], "--report"),
    "sync-batch --concurrency": (["sync-batch", "orders.csv", "--concurrency", PEM], "--concurrency"),
    "sync-batch --rate": (["sync-batch", "orders.csv", "--rate", PEM], "--rate"),
}


@pytest.mark.parametrize("as_json", [False, True])
@pytest.mark.parametrize("case", sorted(MISPLACED_KEY))
def test_cli_key_in_the_wrong_place_is_named_never_printed(case: str, as_json: bool, tmp_path: Path) -> None:
    argv, named = MISPLACED_KEY[case]
    result = run_cli(*argv, *(["--json"] if as_json else []), changes={}, cwd=tmp_path)
    assert result.returncode == 2, result.stderr[:300]
    assert result.stdout == "" or as_json  # with --json, the one JSON object is on standard output
    assert_clean(result.stdout + result.stderr)
    assert "-----BEGIN" not in result.stdout + result.stderr
    assert "PRIVATE KEY-----" not in result.stdout + result.stderr
    text = json.loads(result.stdout)["summary"] if as_json else result.stderr
    assert named in text
    assert "not shown" in text
    assert list(tmp_path.iterdir()) == []  # nothing was created under the key's "name"


def test_cli_still_quotes_a_short_wrong_value() -> None:
    result = run_cli(*FLAGS, "--bogus", "--json", changes={})
    assert result.returncode == 2
    assert "unrecognized arguments: --bogus" in json.loads(result.stdout)["summary"]
    result = run_cli("frobnicate", changes={})
    assert "invalid choice: 'frobnicate'" in result.stderr


def test_cli_order_number_of_the_wrong_shape_names_the_flag_and_the_shape() -> None:
    result = run_cli(*_with(FLAGS, "--out-order-no", "ab cd/../x"), "--json", changes={})
    assert result.returncode == 2
    summary = json.loads(result.stdout)["summary"]
    assert "--out-order-no" in summary
    assert "1 to 32 of [0-9A-Za-z_|*-]" in summary
    assert "ab cd" not in summary
    assert "out_order_no" not in json.loads(result.stdout)
