"""`python -m wechatpay_emulator`: the startup output, serving, and a clean stop on SIGTERM / SIGINT."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from wechatpay_emulator import demo
from wechatpay_emulator.__main__ import main

from tests.emulator.support import Clock, Signer, sync_body


def _start(*args: str) -> tuple[subprocess.Popen[str], str, dict[str, str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "wechatpay_emulator", "--log-level", "warning", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().rstrip("\n")
    info: dict[str, str] = {}
    while True:
        line = process.stdout.readline().rstrip("\n")
        if line.startswith("config_url="):
            info["config_url"] = line.split("=", 1)[1]
            break
        name, _, value = line.partition("=")
        info[name] = value
    return process, url, info


@pytest.fixture
def cli() -> Iterator[tuple[subprocess.Popen[str], str, dict[str, str]]]:
    started = _start()
    yield started
    _stop(started[0])


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(30)
    # The pipes too: an unclosed one is a ResourceWarning, an error under `pytest -W error`.
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def test_startup_output_and_a_demo_sync(cli: tuple[subprocess.Popen[str], str, dict[str, str]]) -> None:
    process, url, info = cli
    assert url.startswith("http://127.0.0.1:")
    assert int(url.rsplit(":", 1)[1]) > 0
    assert info["mchid"] == demo.DEMO_MCHID
    assert info["merchant_serial_no"] == demo.DEMO_MERCHANT_SERIAL
    assert Path(info["merchant_private_key_path"]) == demo.demo_merchant_private_key_path()
    assert info["wechatpay_public_key_id"] == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID
    assert Path(info["wechatpay_public_key_path"]) == demo.demo_wechatpay_public_key_path()
    assert info["platform_serial"] == demo.DEMO_PLATFORM_SERIAL
    signer_clock = Clock(int(time.time()))
    signer = Signer(signer_clock)
    with httpx.Client(base_url=url, timeout=30) as http:
        target = f"/v3/payscore/acquiringbank/serviceorder/{demo.DEMO_ORDER_OUT_ORDER_NO}/sync"
        assert http.post(target, json=sync_body(), auth=signer).status_code == 204
        assert http.get("/_emulator/config").json()["mchid"] == demo.DEMO_MCHID
    process.send_signal(signal.SIGTERM)
    assert process.wait(30) == 0


def test_sigint_stops_cleanly(cli: tuple[subprocess.Popen[str], str, dict[str, str]]) -> None:
    process, _, _ = cli
    process.send_signal(signal.SIGINT)
    assert process.wait(30) == 0


def test_custom_keys_and_orders(tmp_path: Path) -> None:
    orders = tmp_path / "orders.json"
    orders.write_text(
        json.dumps(
            [{"out_order_no": "C1", "service_id": "SV", "sub_mchid": "SUB", "channel_id": None, "state": "DONE"}]
        )
    )
    process, url, info = _start(
        "--mchid",
        "1900000200",
        "--merchant-serial",
        "ABCDEF",
        "--merchant-public-key",
        str(demo.demo_merchant_public_key_path()),
        "--wechatpay-private-key",
        str(demo.demo_wechatpay_private_key_path()),
        "--wechatpay-key-id",
        "PUB_KEY_ID_0000000000000000000000000001",
        "--orders",
        str(orders),
    )
    try:
        assert info["mchid"] == "1900000200"
        assert "merchant_private_key_path" not in info
        assert "platform_serial" not in info
        with httpx.Client(base_url=url, timeout=30) as http:
            config = http.get("/_emulator/config").json()
            assert config["platform_serial"] is None
            assert "demo_merchant_private_key_path" not in config
            assert [o["out_order_no"] for o in http.get("/_emulator/orders").json()["orders"]] == ["C1"]
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        _stop(process)


@pytest.mark.parametrize(
    "argv",
    [
        ["--merchant-public-key", "/nonexistent.pem"],
        ["--wechatpay-private-key", str(demo.demo_wechatpay_private_key_path())],
        ["--orders", __file__],
    ],
)
def test_bad_options_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "wechatpay-emulator:" in capsys.readouterr().err


def test_config_json_has_the_printed_lines_keys_and_values(
    cli: tuple[subprocess.Popen[str], str, dict[str, str]],
) -> None:
    _, url, info = cli
    served = httpx.get(info["config_url"], timeout=30).json()
    assert {name: served[name] for name in info} == info  # every printed line, same name, same value
    assert served["config_url"] == f"{url}/_emulator/config"
    # Beyond the lines: the public keys themselves (PEM is not one line) and the former name of the key path.
    extra = set(served) - set(info)
    assert extra == {"wechatpay_public_key_pem", "platform_certificate_pem", "demo_merchant_private_key_path"}
    assert "PRIVATE KEY" not in json.dumps(served)


BLOCK_EXTRA = """
import builtins, sys
real = builtins.__import__
def block(name, *args, **kwargs):
    if name.split(".")[0] in ("starlette", "uvicorn", "openapi_core"):
        raise ImportError(f"No module named {name!r}", name=name)
    return real(name, *args, **kwargs)
builtins.__import__ = block
from wechatpay_emulator.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def test_without_the_extra_the_command_says_how_to_install_it() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_EXTRA], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "pip install 'wechatpay-payscore[emulator]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wechatpay_emulator", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("wechatpay-emulator ")
