"""The notifications' control surface and configuration: the pay-now route, the delivery log's JSON, the settings
(override URL, time scale, deadline, signing key and its rotation), the APIv3 key (never shown) and the command's
options."""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
from wechatpay_emulator import (
    USER_CONFIRM,
    ApiV3Key,
    ConfigError,
    ControlError,
    Emulator,
    EmulatorConfig,
    demo,
)
from wechatpay_emulator.__main__ import main

from tests.emulator.notify_support import (
    ACCEPT,
    DEMO_APIV3_KEY,
    FAIL,
    ORDER_IDS,
    Receiver,
    created,
    decrypt,
    notifying,
    ready,
    receiving,
    signature_ok,
    until,
)
from tests.emulator.support import RESPONSE_KEYS, WECHATPAY_PUBLIC_KEY, Clock

KEY = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


# -- routes -----------------------------------------------------------------------------------------------------------


def test_pay_now_route(emu: Emulator, client: httpx.Client) -> None:
    emu.seed(created("C-CREATED"), ready("C-READY"))
    answered = client.post("/_emulator/orders/C-READY/pay-now")
    assert answered.status_code == 200
    assert answered.json() == emu.order("C-READY").to_json()
    refused = client.post("/_emulator/orders/C-CREATED/pay-now")
    assert refused.status_code == 409
    assert (refused.json()["state"], refused.json()["code"]) == ("CREATED", "INVALID_ORDER_STATE")
    assert client.post("/_emulator/orders/C-NONE/pay-now").status_code == 404
    assert [entry.event_type for entry in emu.notifications] == ["PAYSCORE.MCH_PREPAY"]


def test_the_delivery_log_as_json(emu: Emulator, client: httpx.Client) -> None:
    emu.seed(created("C-LOG"))
    with receiving(FAIL, ACCEPT) as receiver:
        client.patch("/_emulator/notifications/settings", json={"notify_url": receiver.url, "time_scale": 0.001})
        assert client.post("/_emulator/orders/C-LOG/confirm").status_code == 200
        assert emu.wait_idle(10)
    (served,) = client.get("/_emulator/notifications").json()["notifications"]
    assert set(served) == {
        "seq",
        "id",
        "event_type",
        "out_order_no",
        "mchid",
        "url",
        "create_time",
        "summary",
        "resource",
        "body",
        "state",
        "reason",
        "attempts",
        "next_attempt_at",
        "duplicate_of",
    }
    assert (served["state"], served["event_type"], served["url"]) == ("delivered", USER_CONFIRM, receiver.url)
    assert served["resource"]["out_order_no"] == "C-LOG"
    assert served["body"].encode() == receiver.received[0].body
    first, second = served["attempts"]
    assert set(first) == {
        "number",
        "at",
        "url",
        "headers",
        "body",
        "status",
        "error",
        "answer",
        "answer_base64",
        "answer_truncated",
        "duration",
        "outcome",
        "fault",
    }
    assert (first["number"], first["status"], first["outcome"]) == (1, 500, "failed")
    assert first["answer"] == FAIL[1].decode()
    assert (second["number"], second["status"], second["outcome"], second["error"]) == (2, 204, "delivered", None)
    assert second["at"] > first["at"]
    headers = dict(second["headers"])
    assert signature_ok({k.lower(): v for k, v in headers.items()}, second["body"].encode())
    assert client.post("/_emulator/reset").status_code == 204
    assert client.get("/_emulator/notifications").json() == {"notifications": []}


def test_settings_read_and_change(emu: Emulator, client: httpx.Client) -> None:
    settings = client.get("/_emulator/notifications/settings").json()
    assert settings == {
        "notify_url": None,
        "time_scale": 1.0,
        "timeout": 5.0,
        "signer": "platform_certificate",
        "serial": demo.DEMO_PLATFORM_SERIAL,
    }
    changed = client.patch(
        "/_emulator/notifications/settings",
        json={"notify_url": "http://127.0.0.1:9/n", "time_scale": 0.001, "signer": "public_key"},
    )
    assert changed.status_code == 200
    assert changed.json() == {
        "notify_url": "http://127.0.0.1:9/n",
        "time_scale": 0.001,
        "timeout": 5.0,
        "signer": "public_key",
        "serial": demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
    }
    assert emu.notification_settings.signer == "public_key"
    assert client.patch("/_emulator/notifications/settings", json={"notify_url": None}).json()["notify_url"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"time_scale": 0},
        {"time_scale": -1},
        {"time_scale": 1001},
        {"time_scale": "fast"},
        {"time_scale": True},
        {"timeout": 0},
        {"timeout": 61},
        {"notify_url": "ftp://127.0.0.1/x"},
        {"notify_url": "/relative"},
        {"notify_url": 5},
        {"notify_url": ""},
        {"signer": "nobody"},
        {"unknown": 1},
        {"time_scale": 0.5, "timeout": -1},  # all or nothing
        [],
    ],
)
def test_bad_settings_are_400_and_change_nothing(emu: Emulator, client: httpx.Client, body: Any) -> None:
    before = client.get("/_emulator/notifications/settings").json()
    response = client.patch("/_emulator/notifications/settings", json=body)
    assert response.status_code == 400
    assert "error" in response.json()
    assert client.get("/_emulator/notifications/settings").json() == before


def test_bad_settings_are_control_errors_in_python(emu: Emulator) -> None:
    with pytest.raises(ControlError):
        emu.set_notification_time_scale(0)
    with pytest.raises(ControlError):
        emu.set_notification_timeout(float("nan"))
    with pytest.raises(ControlError):
        emu.set_notify_url("not a url")
    with pytest.raises(ControlError):
        emu.set_notification_signer("nobody")


# -- key rotation -----------------------------------------------------------------------------------------------------


def test_rotating_from_the_certificate_serial_to_the_public_key_id(emu: Emulator) -> None:
    emu.seed(created("C-OLD"), created("C-NEW"))
    with notifying(emu) as receiver:
        emu.confirm("C-OLD")
        assert emu.wait_idle(10)
        emu.set_notification_signer("public_key")
        emu.confirm("C-NEW")
        assert emu.wait_idle(10)
    old, new = receiver.received
    assert old.headers["wechatpay-serial"] == demo.DEMO_PLATFORM_SERIAL
    assert new.headers["wechatpay-serial"] == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID
    assert signature_ok(old.headers, old.body) and signature_ok(new.headers, new.body)
    # Each verifies with its own key only: a receiver that knows only the certificate fails after the rotation.
    certificate_only = {demo.DEMO_PLATFORM_SERIAL: RESPONSE_KEYS[demo.DEMO_PLATFORM_SERIAL]}
    assert not signature_ok(new.headers, new.body, certificate_only)
    wrong_key_under_new_serial = {demo.DEMO_WECHATPAY_PUBLIC_KEY_ID: RESPONSE_KEYS[demo.DEMO_PLATFORM_SERIAL]}
    assert not signature_ok(new.headers, new.body, wrong_key_under_new_serial)


def test_a_retry_after_the_rotation_is_signed_with_the_new_key(emu: Emulator) -> None:
    emu.set_notification_time_scale(0.05)  # the retry comes 0.75 s after the first attempt
    emu.seed(created("C-ROTATE"))
    with notifying(emu, FAIL, ACCEPT) as receiver:
        emu.confirm("C-ROTATE")
        until(lambda: len(emu.notifications[0].attempts) == 1)
        emu.set_notification_signer("public_key")
        assert emu.wait_idle(10)
    assert [got.headers["wechatpay-serial"] for got in receiver.received] == [
        demo.DEMO_PLATFORM_SERIAL,
        demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
    ]
    assert receiver.received[0].body == receiver.received[1].body
    assert all(signature_ok(got.headers, got.body) for got in receiver.received)


def test_with_only_a_public_key_it_signs_with_it(clock: Clock) -> None:
    config = EmulatorConfig(
        mchid=demo.DEMO_MCHID,
        merchant_serial=demo.DEMO_MERCHANT_SERIAL,
        merchant_public_key=demo.demo_merchant_public_key_path().read_bytes(),
        wechatpay_private_key=demo.demo_wechatpay_private_key_path().read_bytes(),
        wechatpay_key_id=demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
        clock=clock,
        orders=(created("C-PUB"),),
    )
    emulator = Emulator(config)
    assert emulator.notification_settings.signer == "public_key"
    with pytest.raises(ControlError, match="no key configured"):
        emulator.set_notification_signer("platform_certificate")
    with pytest.raises(ConfigError, match="notification setting"):
        EmulatorConfig(**{**_fields(config), "notification_signer": "platform_certificate"})
    with notifying(emulator) as receiver, emulator.serve():
        emulator.confirm("C-PUB")
        assert emulator.wait_idle(10)
    (got,) = receiver.received
    assert got.headers["wechatpay-serial"] == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID
    assert signature_ok(got.headers, got.body, {demo.DEMO_WECHATPAY_PUBLIC_KEY_ID: WECHATPAY_PUBLIC_KEY})


def _fields(config: EmulatorConfig) -> dict[str, Any]:
    return {field.name: getattr(config, field.name) for field in attrs.fields(EmulatorConfig) if field.init}


# -- configuration -----------------------------------------------------------------------------------------------------


def test_the_apiv3_key_is_never_shown(tmp_path: Path) -> None:
    config = EmulatorConfig.demo(apiv3_key=KEY)
    assert config.apiv3_key.reveal() == KEY
    assert KEY.decode() not in repr(config)
    assert repr(config.apiv3_key) == str(config.apiv3_key) == "ApiV3Key('********')"
    assert KEY.decode() not in str(config.public_material())
    assert config.public_material()["apiv3_key_path"] is None  # given as a value: no path to show
    assert "apiv3_key_path" not in config.client_settings()
    with pytest.raises(TypeError):
        pickle.dumps(config.apiv3_key)
    assert ApiV3Key(KEY) == ApiV3Key(KEY.decode()) != ApiV3Key(DEMO_APIV3_KEY)


@pytest.mark.parametrize("bad", [b"", b"short", KEY + b"\n", KEY + b"x", "é" * 16 + "x" * 16])
def test_an_apiv3_key_of_another_length_is_refused_without_showing_it(bad: str | bytes) -> None:
    with pytest.raises(ConfigError, match="apiv3_key must be 32 bytes") as refused:
        EmulatorConfig.demo(apiv3_key=bad)
    if len(bad) > 4:
        assert str(bad if isinstance(bad, str) else bad.decode())[:5] not in str(refused.value)


def test_the_demo_apiv3_key_is_test_only_and_shown_by_its_path() -> None:
    config = EmulatorConfig.demo()
    path = demo.demo_apiv3_key_path()
    assert "test-only" in path.name
    assert config.apiv3_key.reveal() == DEMO_APIV3_KEY
    assert config.client_settings()["apiv3_key_path"] == str(path)
    assert config.public_material()["apiv3_key_path"] == str(path)
    assert config.uses_demo_material()


def test_from_files_reads_the_apiv3_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "apiv3.key"
    key_file.write_bytes(KEY + b"\r\n")  # an editor's line end is not part of the key
    config = EmulatorConfig.from_files(
        mchid=demo.DEMO_MCHID,
        merchant_serial=demo.DEMO_MERCHANT_SERIAL,
        merchant_public_key=str(demo.demo_merchant_public_key_path()),
        wechatpay_private_key=str(demo.demo_wechatpay_private_key_path()),
        wechatpay_key_id=demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
        apiv3_key_file=str(key_file),
    )
    assert config.apiv3_key.reveal() == KEY
    assert config.client_settings()["apiv3_key_path"] == str(key_file)
    key_file.write_bytes(KEY + b"\n\n")
    with pytest.raises(ConfigError, match="must be 32 bytes, got 33"):
        EmulatorConfig.from_files(
            mchid="1",
            merchant_serial="AB",
            merchant_public_key=str(demo.demo_merchant_public_key_path()),
            wechatpay_private_key=str(demo.demo_wechatpay_private_key_path()),
            wechatpay_key_id=demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
            apiv3_key_file=str(key_file),
        )


@pytest.mark.parametrize(
    "overrides",
    [
        {"notification_time_scale": 0.0},
        {"notification_timeout": 120.0},
        {"notify_url": "mailto:x@example.com"},
        {"notification_signer": "nobody"},
    ],
)
def test_bad_notification_configuration_is_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="notification setting"):
        EmulatorConfig.demo(**overrides)


def test_configured_settings_are_where_reset_returns(clock: Clock) -> None:
    config = EmulatorConfig.demo(
        clock=clock,
        notify_url="http://127.0.0.1:1/n",
        notification_time_scale=0.01,
        notification_timeout=2.5,
        notification_signer="public_key",
    )
    emulator = Emulator(config)
    emulator.set_notify_url(None)
    emulator.set_notification_signer("platform_certificate")
    emulator.reset()
    settings = emulator.notification_settings
    assert (settings.notify_url, settings.time_scale, settings.timeout, settings.signer) == (
        "http://127.0.0.1:1/n",
        0.01,
        2.5,
        "public_key",
    )


# -- the command ------------------------------------------------------------------------------------------------------


def test_the_command_takes_the_apiv3_key_file_and_the_notification_options(tmp_path: Path) -> None:
    key_file = tmp_path / "apiv3.key"
    key_file.write_bytes(KEY + b"\n")
    with Receiver() as receiver:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "wechatpay_emulator",
                "--log-level",
                "warning",
                "--apiv3-key-file",
                str(key_file),
                "--notify-url",
                receiver.url,
                "--notification-time-scale",
                "0.001",
                "--notification-timeout",
                "2",
                "--notification-signer",
                "public_key",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            lines: list[str] = []
            while not lines or not lines[-1].startswith("config_url="):
                lines.append(process.stdout.readline().strip())
            printed = dict(line.split("=", 1) for line in lines)
            assert printed["apiv3_key_path"] == str(key_file)
            with httpx.Client(base_url=url, timeout=30) as http:
                config = http.get("/_emulator/config").json()
                assert config["apiv3_key_path"] == str(key_file)
                assert KEY.decode() not in str(config)
                settings = http.get("/_emulator/notifications/settings").json()
                assert settings == {
                    "notify_url": receiver.url,
                    "time_scale": 0.001,
                    "timeout": 2.0,
                    "signer": "public_key",
                    "serial": demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
                }
                http.post("/_emulator/orders", json={"out_order_no": "CLI-1", **ORDER_IDS, "state": "CREATED"})
                assert http.post("/_emulator/orders/CLI-1/confirm").status_code == 200
                until(lambda: len(receiver.received) == 1)
            (got,) = receiver.received
            assert got.headers["wechatpay-serial"] == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID
            assert decrypt(got.envelope, key=KEY)["out_order_no"] == "CLI-1"
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(30) == 0
            output = (process.stdout.read() if process.stdout else "") + (
                process.stderr.read() if process.stderr else ""
            )
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
    assert KEY.decode() not in output + "\n".join(lines)


def test_the_command_refuses_a_bad_apiv3_key_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = tmp_path / "apiv3.key"
    key_file.write_text("too short")
    assert main(["--apiv3-key-file", str(key_file)]) == 2
    err = capsys.readouterr().err
    assert "must be 32 bytes" in err
    assert "too short" not in err
    assert main(["--apiv3-key-file", str(tmp_path / "missing")]) == 2
    assert "cannot read the APIv3 key file" in capsys.readouterr().err
