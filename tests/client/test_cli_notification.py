"""`wechatpay-payscore notification verify`: real processes, notifications made with TEST-ONLY keys.

Each notification is built as WeChat Pay sends it (`wechatpay_auth.testing`: the resource encrypted with the TEST-ONLY
APIv3 key, the body signed with the emulator's TEST-ONLY WeChat Pay key, timestamped now), written to files the way a
proxy dumps a request, and checked by the command in a subprocess configured through the environment, as on a server.
Every run is also checked for what it must never print: the APIv3 key, a PEM block.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
from wechatpay_auth import (
    ClockSkewError,
    ConfigurationError,
    DecryptionError,
    InvalidSignatureError,
    MalformedNotificationError,
    MalformedSignatureError,
    MissingSignatureHeadersError,
    NotificationError,
    ProbeSignatureError,
    ReplayedResponseError,
    UnknownSerialError,
    UnsupportedAlgorithmError,
)
from wechatpay_auth._subject import NOTIFICATION
from wechatpay_auth.testing import encrypt_resource, notification_body, sign_notification
from wechatpay_emulator import demo
from wechatpay_payscore_client import ClientSettings
from wechatpay_payscore_client._cli.dump import NotificationInputError, parse_headers
from wechatpay_payscore_client._cli.exits import ExitCode
from wechatpay_payscore_client._cli.refusals import (
    NOTIFICATION_EXIT_STATUS,
    REFUSALS,
    Evidence,
    MissingApiV3KeyError,
    NotificationExit,
    refusal_for,
)
from wechatpay_payscore_client.cli import main

from tests.notifications.samples import ORDER, PAID_ORDER, PREPAY

ROOT = Path(__file__).resolve().parents[2]
APIV3_KEY_FILE = demo.demo_apiv3_key_path()  # TEST-ONLY: 32 characters and a line end
APIV3_KEY = APIV3_KEY_FILE.read_text(encoding="ascii").removesuffix("\n")
OTHER_APIV3_KEY = "AnotherTestOnlyApiV3Key000000002"  # TEST-ONLY: 32 characters, not the configured one
PUBLIC_KEY_ID = demo.DEMO_WECHATPAY_PUBLIC_KEY_ID
PLATFORM_SERIAL = demo.DEMO_PLATFORM_SERIAL
REQUEST_ID = "08F2B4D8C90610A1B2C3D4E5F6071829-0001"
NONCE = "NOTIFYNONCE000000000000000000001"
USER_CONFIRM, USER_PAID, MCH_PREPAY = "PAYSCORE.USER_CONFIRM", "PAYSCORE.USER_PAID", "PAYSCORE.MCH_PREPAY"


@attrs.frozen
class Notification:
    """A notification as received: its headers and its body's bytes."""

    headers: dict[str, str]
    body: bytes

    def with_headers(self, **changes: str | None) -> Notification:
        """The same request with headers replaced (`Wechatpay_Nonce=...`) or removed (None)."""
        headers = dict(self.headers)
        for keyword, value in changes.items():
            name = keyword.replace("_", "-")
            if value is None:
                headers.pop(name)
            else:
                headers[name] = value
        return Notification(headers, self.body)

    def with_body(self, body: bytes) -> Notification:
        """Another body under the same headers: the signature no longer covers it."""
        return Notification(self.headers, body)


WECHATPAY_KEY = demo.demo_wechatpay_private_key_path()  # TEST-ONLY: the emulator's "WeChat Pay" key


def signed(
    body: bytes, *, key: Path = WECHATPAY_KEY, serial: str = PUBLIC_KEY_ID, timestamp: int | None = None
) -> Notification:
    """`body` as WeChat Pay sends it: signed now (or at `timestamp`) with the TEST-ONLY key under `serial`."""
    when = int(time.time()) if timestamp is None else timestamp
    return Notification(sign_notification(key, serial, body, when, NONCE, request_id=REQUEST_ID), body)


def envelope(
    event_type: str = USER_CONFIRM,
    plaintext: Mapping[str, Any] | bytes = ORDER,
    *,
    apiv3_key: str = APIV3_KEY,
    change: Callable[[dict[str, str]], None] | None = None,
) -> bytes:
    """A notification body: `plaintext` encrypted with `apiv3_key`, its `resource` then changed by `change`."""
    resource = encrypt_resource(apiv3_key, plaintext, "payscore", "r3sourceNonc")
    if change is not None:
        change(resource)
    return notification_body(
        event_type,
        resource,
        notification_id="EV-2018022511223320873",
        create_time="2030-12-24T16:30:10+08:00",
        summary="支付分订单用户已确认",
    )


def environment(**changes: str | None) -> dict[str, str]:
    """This process's environment without WECHATPAY_*, plus the demo merchant in both key modes, plus `changes`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("WECHATPAY_")}
    env |= {
        "WECHATPAY_MCHID": demo.DEMO_MCHID,
        "WECHATPAY_SERIAL_NO": demo.DEMO_MERCHANT_SERIAL,
        "WECHATPAY_PRIVATE_KEY": str(demo.demo_merchant_private_key_path()),
        "WECHATPAY_PUBLIC_KEY_ID": PUBLIC_KEY_ID,
        "WECHATPAY_PUBLIC_KEY": str(demo.demo_wechatpay_public_key_path()),
        "WECHATPAY_PLATFORM_CERTIFICATES": str(demo.demo_platform_certificate_path()),
        "WECHATPAY_APIV3_KEY": APIV3_KEY,
    }
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def dump(headers: Mapping[str, str]) -> bytes:
    """Headers as a proxy logs a request: the request line, `Name: value` lines, CRLF, a blank line."""
    lines = ["POST /payscore/notify HTTP/1.1", "Host: merchant.example.com", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("iso-8859-1")


@attrs.frozen
class Run:
    process: subprocess.CompletedProcess[bytes]

    @property
    def code(self) -> int:
        return self.process.returncode

    @property
    def out(self) -> str:
        return self.process.stdout.decode("utf-8")

    @property
    def err(self) -> str:
        return self.process.stderr.decode("utf-8")

    def report(self) -> dict[str, Any]:
        """Standard output holds exactly one JSON object, and standard error nothing."""
        lines = [line for line in self.out.splitlines() if line.strip()]
        assert len(lines) == 1, self.out + self.err
        assert self.err == ""
        value: dict[str, Any] = json.loads(lines[0])
        return value


def verify(
    notification: Notification | None,
    tmp_path: Path,
    *flags: str,
    env: dict[str, str] | None = None,
    headers: bytes | None = None,
    stdin: bytes | None = None,
) -> Run:
    """`wechatpay-payscore notification verify --headers FILE --body FILE *flags` in a new process."""
    arguments = list(flags)
    if notification is not None:
        (tmp_path / "notify.headers").write_bytes(dump(notification.headers) if headers is None else headers)
        (tmp_path / "notify.body").write_bytes(notification.body)
        arguments = ["--headers", str(tmp_path / "notify.headers"), "--body", str(tmp_path / "notify.body"), *flags]
    process = subprocess.run(
        [sys.executable, "-m", "wechatpay_payscore_client", "notification", "verify", *arguments],
        env=environment() if env is None else env,
        input=stdin or b"",
        capture_output=True,
        timeout=60,
        check=False,
    )
    run = Run(process)
    # Never shown, whatever the outcome: the APIv3 key (either of them), nor any PEM block (a private key).
    for secret in (APIV3_KEY, OTHER_APIV3_KEY, "-----BEGIN", "PRIVATE KEY"):
        assert secret not in run.out + run.err
    return run


# --- a good notification of each event type ------------------------------------------------------------------------

GOOD = [
    pytest.param(USER_CONFIRM, ORDER, "UserConfirmEvent", "out_order_no", ORDER["out_order_no"], id="user_confirm"),
    pytest.param(USER_PAID, PAID_ORDER, "UserPaidEvent", "total_amount", 40000, id="user_paid"),
    pytest.param(MCH_PREPAY, PREPAY, "MchPrepayEvent", "total_amount", 40000, id="mch_prepay"),
    pytest.param("PAYSCORE.USER_OPEN_SERVICE", {"x": "40000"}, "UnknownEvent", "x", "40000", id="unknown"),
]


@pytest.mark.parametrize(("event_type", "plaintext", "kind", "field", "value"), GOOD)
def test_a_good_notification_is_printed_as_its_typed_event(
    tmp_path: Path, event_type: str, plaintext: dict[str, Any], kind: str, field: str, value: Any
) -> None:
    run = verify(signed(envelope(event_type, plaintext)), tmp_path, "--json")
    assert run.code == 0, run.out + run.err
    report = run.report()
    assert (report["ok"], report["outcome"], report["exit"], report["error"]) == (True, "verified", 0, None)
    event = report["event"]
    assert (event["type"], event["event_type"], event["id"]) == (kind, event_type, "EV-2018022511223320873")
    assert (event["create_time"], event["summary"]) == ("2030-12-24T16:30:10+08:00", "支付分订单用户已确认")
    assert (event["request_id"], event["signed_by"]) == (REQUEST_ID, PUBLIC_KEY_ID)
    # Typed: an amount sent as a string is the contract's integer; an unknown event's resource is kept as sent.
    assert event["resource"][field] == value
    assert "merchant's own data" in report["notice"]


def test_the_text_report_is_on_stdout_and_says_the_resource_is_the_merchants_own_data(tmp_path: Path) -> None:
    run = verify(signed(envelope(USER_PAID, PAID_ORDER)), tmp_path)
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith(f"verified: {USER_PAID} notification EV-2018022511223320873, signed by {PUBLIC_KEY_ID}")
    assert "read as UserPaidEvent" in run.out
    assert f"request id: {REQUEST_ID}" in run.out
    assert "resource (decrypted: the merchant's own data" in run.out
    assert '"out_order_no": "1234323JKHDFE1243252"' in run.out


def test_a_notification_signed_with_the_platform_certificate_verifies_too(tmp_path: Path) -> None:
    notification = signed(envelope(), key=demo.demo_platform_private_key_path(), serial=PLATFORM_SERIAL)
    report = verify(notification, tmp_path, "--json").report()
    assert (report["exit"], report["event"]["signed_by"]) == (0, PLATFORM_SERIAL)


# --- each failure class: its step, its exit status, what to check ---------------------------------------------------


def _probe(n: Notification) -> Notification:
    # A real probe's shape (wechatpay-java#319): the prefix, then Base64 of 250 bytes (not a multiple of 4 long).
    return n.with_headers(Wechatpay_Signature="WECHATPAY/SIGNTEST/" + base64.b64encode(bytes(250)).decode()[:-1])


def _other_key(n: Notification) -> Notification:
    # Another TEST-ONLY WeChat Pay key (another account's, or the wrong file), under the configured key id.
    return signed(n.body, key=ROOT / "tests" / "auth_plugin" / "vectors" / "test-only-wechatpay-public-key-mode.pem")


def _cut_ciphertext(resource: dict[str, str]) -> None:
    resource["ciphertext"] = resource["ciphertext"][:-8]  # still Base64, still longer than the tag: cut short


def _algorithm(resource: dict[str, str]) -> None:
    resource["algorithm"] = "AEAD_CHACHA20_POLY1305"


def _tampered(n: Notification) -> Notification:
    return n.with_body(n.body.replace("支付分订单用户已确认".encode(), "支付分订单用户已取消".encode()))


def _reserialized(n: Notification) -> Notification:
    return n.with_body(json.dumps(json.loads(n.body), indent=2).encode("ascii"))


def _without_contract_field(n: Notification) -> Notification:
    return signed(envelope(plaintext={k: v for k, v in ORDER.items() if k != "out_order_no"}))


FAILURES = [
    # id, the notification, exit, outcome, step, error class, words of what to check
    ("probe", _probe, 23, "probe", "signature", "ProbeSignatureError", "nothing to fix"),
    (
        "stale",
        lambda n: signed(n.body, timestamp=int(time.time()) - 600),
        21,
        "clock_skew",
        "timestamp",
        "ClockSkewError",
        "behind this host's clock",
    ),
    (
        "future",
        lambda n: signed(n.body, timestamp=int(time.time()) + 600),
        21,
        "clock_skew",
        "timestamp",
        "ClockSkewError",
        "check the host clock",
    ),
    ("other_key", _other_key, 26, "signature_mismatch", "signature", "InvalidSignatureError", "not the merchant's own"),
    ("tampered_body", _tampered, 26, "signature_mismatch", "signature", "InvalidSignatureError", "byte for byte"),
    (
        "trailing_newline",
        lambda n: n.with_body(n.body + b"\n"),
        26,
        "signature_mismatch",
        "signature",
        "InvalidSignatureError",
        "it verifies without the line end(s) at its end",
    ),
    (
        "reserialized_json",
        _reserialized,
        26,
        "signature_mismatch",
        "signature",
        "InvalidSignatureError",
        "once written back as compact JSON: it was re-serialized",
    ),
    (
        "wrong_apiv3_key",
        lambda n: signed(envelope(apiv3_key=OTHER_APIV3_KEY)),
        29,
        "decryption_failed",
        "decryption",
        "DecryptionError",
        "it was reset there",
    ),
    (
        "truncated_ciphertext",
        lambda n: signed(envelope(change=_cut_ciphertext)),
        29,
        "decryption_failed",
        "decryption",
        "DecryptionError",
        "cut short",
    ),
    (
        "truncated_ciphertext_after_signing",
        lambda n: n.with_body(envelope(change=_cut_ciphertext)),
        26,
        "signature_mismatch",
        "signature",
        "InvalidSignatureError",
        "byte for byte",
    ),
    (
        "missing_header",
        lambda n: n.with_headers(Wechatpay_Nonce=None),
        20,
        "missing_header",
        "headers",
        "MissingSignatureHeadersError",
        "the dump lost some",
    ),
    (
        "unknown_public_key_id",
        lambda n: signed(n.body, serial="PUB_KEY_ID_0119000001002030000000000009"),
        22,
        "unknown_serial",
        "serial",
        "UnknownSerialError",
        f"configured: {PUBLIC_KEY_ID} (a WeChat Pay public key id), {PLATFORM_SERIAL} (a platform certificate "
        "serial): set WECHATPAY_PUBLIC_KEY_ID to it",
    ),
    (
        "unknown_certificate",
        lambda n: signed(n.body, serial="5157F09EFDC096DE15EBE81A47057A7232F1B8E1"),
        22,
        "unknown_serial",
        "serial",
        "UnknownSerialError",
        "add that platform certificate to WECHATPAY_PLATFORM_CERTIFICATES",
    ),
    (
        "signature_type",
        lambda n: n.with_headers(Wechatpay_Signature_Type="WECHATPAY2-SM2-WITH-SM3"),
        24,
        "unsupported_signature_type",
        "signature",
        "InvalidSignatureError",
        "国密 (SM2)",
    ),
    (
        "malformed_signature",
        lambda n: n.with_headers(Wechatpay_Signature=n.headers["Wechatpay-Signature"][10:]),
        25,
        "malformed_signature",
        "signature",
        "MalformedSignatureError",
        "cut, wrapped or quoted",
    ),
    (
        "malformed_envelope",
        lambda n: signed(b'{"id": "EV-1"}'),
        27,
        "malformed_body",
        "body",
        "MalformedNotificationError",
        "WeChat Pay's own bytes, yet create_time",
    ),
    (
        "resource_not_in_the_contract",
        _without_contract_field,
        27,
        "malformed_body",
        "body",
        "MalformedNotificationError",
        "WeChat Pay's own bytes, yet resource",
    ),
    (
        "unsupported_algorithm",
        lambda n: signed(envelope(change=_algorithm)),
        28,
        "unsupported_algorithm",
        "decryption",
        "UnsupportedAlgorithmError",
        "AEAD_AES_256_GCM is the usual one",
    ),
]


@pytest.mark.parametrize(
    ("change", "code", "outcome", "step", "error", "check"),
    [pytest.param(*case[1:], id=case[0]) for case in FAILURES],
)
def test_each_failure_names_its_step_its_exit_and_what_to_check(
    tmp_path: Path,
    change: Callable[[Notification], Notification],
    code: int,
    outcome: str,
    step: str,
    error: str,
    check: str,
) -> None:
    run = verify(change(signed(envelope())), tmp_path, "--json")
    report = run.report()
    assert run.code == code, report
    assert (report["ok"], report["outcome"], report["exit"], report["step"]) == (False, outcome, code, step)
    assert report["error"]["class"] == error
    assert report["error"]["message"]
    assert check in report["check"], report["check"]
    assert report["event"] is None


def test_a_failure_in_text_goes_to_stderr_with_what_to_check(tmp_path: Path) -> None:
    run = verify(_probe(signed(envelope())), tmp_path)
    assert (run.code, run.out) == (23, "")
    assert run.err.startswith("notification refused at the signature step: a WeChat Pay signature probe")
    assert "  error: ProbeSignatureError: " in run.err
    assert "  exit: 23 (probe)" in run.err
    assert "  received Wechatpay-Signature: a WECHATPAY/SIGNTEST/ probe" in run.err
    assert "  check: a WeChat Pay signature probe (WECHATPAY/SIGNTEST/)" in run.err


def test_without_an_apiv3_key_it_names_every_way_to_set_one(tmp_path: Path) -> None:
    run = verify(signed(envelope()), tmp_path, "--json", env=environment(WECHATPAY_APIV3_KEY=None))
    report = run.report()
    assert (run.code, report["outcome"], report["step"]) == (2, "missing_apiv3_key", "configuration")
    assert "WECHATPAY_APIV3_KEY, apiv3_key in the --config file, or --apiv3-key-file FILE" in report["check"]


# --- the inputs: standard input, a curl -D dump, raw bytes ---------------------------------------------------------


def test_the_body_from_standard_input_is_read_as_raw_bytes(tmp_path: Path) -> None:
    notification = signed(envelope())
    (tmp_path / "h").write_bytes(dump(notification.headers))
    run = verify(None, tmp_path, "--headers", str(tmp_path / "h"), "--body", "-", "--json", stdin=notification.body)
    assert run.report()["exit"] == 0
    # One more byte on standard input is another body: refused, and said to be a line end.
    flags = ("--headers", str(tmp_path / "h"), "--body", "-", "--json")
    added = verify(None, tmp_path, *flags, stdin=notification.body + b"\n")
    assert added.code == 26
    assert "line end" in added.report()["check"]


def test_the_headers_from_standard_input(tmp_path: Path) -> None:
    notification = signed(envelope())
    (tmp_path / "b").write_bytes(notification.body)
    run = verify(None, tmp_path, "--headers", "-", "--body", str(tmp_path / "b"), stdin=dump(notification.headers))
    assert run.code == 0, run.err


def test_both_from_standard_input_is_refused(tmp_path: Path) -> None:
    report = verify(None, tmp_path, "--headers", "-", "--body", "-", "--json").report()
    assert (report["exit"], report["outcome"], report["step"]) == (2, "invalid_input", "input")
    assert "cannot both be -" in report["error"]["message"]


def test_a_curl_dump_with_a_status_line_crlf_and_lower_case_names(tmp_path: Path) -> None:
    notification = signed(envelope(USER_PAID, PAID_ORDER))
    lines = ["HTTP/1.1 200 OK", *(f"{name.lower()}: {value}" for name, value in notification.headers.items())]
    curl = ("\r\n".join(lines) + "\r\n\r\n\r\n").encode("ascii")
    report = verify(notification, tmp_path, "--json", headers=curl).report()
    assert (report["exit"], report["event"]["type"]) == (0, "UserPaidEvent")
    assert report["received"]["Wechatpay-Serial"] == PUBLIC_KEY_ID


def test_an_unreadable_headers_file_is_invalid_input(tmp_path: Path) -> None:
    run = verify(None, tmp_path, "--headers", str(tmp_path / "absent"), "--body", "-", "--json")
    report = run.report()
    assert (run.code, report["outcome"]) == (2, "invalid_input")
    assert "cannot read the --headers file" in report["error"]["message"]


def test_a_private_key_given_as_headers_is_refused_without_being_shown(tmp_path: Path) -> None:
    body = tmp_path / "b"
    body.write_bytes(b"{}")
    run = verify(None, tmp_path, "--headers", str(demo.demo_merchant_private_key_path()), "--body", str(body))
    assert run.code == 2
    assert "line 1 of the --headers file is not a 'Name: value' header line" in run.err
    assert "looks like PEM key material" in run.err


def test_a_refused_command_line_is_one_json_object_too(tmp_path: Path) -> None:
    report = verify(None, tmp_path, "--headers", "h", "--json").report()
    assert (report["command"], report["exit"]) == ("notification", 2)
    assert "--body" in report["summary"]


# --- the APIv3 key: where it comes from, never shown ----------------------------------------------------------------


def test_the_apiv3_key_from_a_file_flag_overrides_the_variable(tmp_path: Path) -> None:
    notification = signed(envelope())
    # The variable holds another key; the flag's file (the TEST-ONLY key and its line end) wins.
    env = environment(WECHATPAY_APIV3_KEY=OTHER_APIV3_KEY)
    assert verify(notification, tmp_path, "--json", env=env).code == 29
    assert verify(notification, tmp_path, "--json", "--apiv3-key-file", str(APIV3_KEY_FILE), env=env).code == 0


def test_the_apiv3_key_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "wechatpay.toml"
    config.write_text(f'[wechatpay]\napiv3_key = "{APIV3_KEY}"\n', encoding="utf-8")
    env = environment(WECHATPAY_APIV3_KEY=None)
    assert verify(signed(envelope()), tmp_path, "--config", str(config), env=env).code == 0


def test_the_apiv3_key_from_a_file_variable_with_a_crlf(tmp_path: Path) -> None:
    key_file = tmp_path / "apiv3.key"
    key_file.write_bytes(APIV3_KEY.encode() + b"\r\n")
    env = environment(WECHATPAY_APIV3_KEY=None, WECHATPAY_APIV3_KEY_FILE=str(key_file))
    assert verify(signed(envelope()), tmp_path, env=env).code == 0


def test_an_apiv3_key_of_the_wrong_length_is_named_never_shown(tmp_path: Path) -> None:
    env = environment(WECHATPAY_APIV3_KEY=APIV3_KEY + " ")
    report = verify(signed(envelope()), tmp_path, "--json", env=env).report()
    assert (report["exit"], report["outcome"]) == (2, "invalid_configuration")
    assert "WECHATPAY_APIV3_KEY is 33 bytes, not the 32 of an APIv3 key" in report["error"]["message"]
    assert "whitespace" in report["error"]["message"]


def test_the_apiv3_key_given_as_the_file_flag_is_never_echoed(tmp_path: Path) -> None:
    env = environment(WECHATPAY_APIV3_KEY=None)
    run = verify(signed(envelope()), tmp_path, "--json", "--apiv3-key-file", APIV3_KEY, env=env)
    report = run.report()  # `verify` checked that the key appears nowhere in the output
    assert (report["exit"], report["outcome"]) == (2, "invalid_configuration")
    assert "cannot read the file --apiv3-key-file names (its name is not shown" in report["error"]["message"]


def test_the_apiv3_key_set_twice_in_one_source_is_refused() -> None:
    environ = {"WECHATPAY_APIV3_KEY": APIV3_KEY, "WECHATPAY_APIV3_KEY_FILE": str(APIV3_KEY_FILE)}
    with pytest.raises(ConfigurationError, match="set twice, by WECHATPAY_APIV3_KEY and by WECHATPAY_APIV3_KEY_FILE"):
        ClientSettings.from_env(environ)
    direct = ClientSettings(apiv3_key=APIV3_KEY, apiv3_key_file=str(APIV3_KEY_FILE))
    with pytest.raises(ConfigurationError, match="set twice"):
        direct.load_apiv3_key()


def test_the_apiv3_key_settings_are_secrets(tmp_path: Path) -> None:
    settings = ClientSettings.load(environ={"WECHATPAY_APIV3_KEY": APIV3_KEY})
    assert APIV3_KEY not in repr(settings)
    assert APIV3_KEY not in repr(attrs.asdict(settings))
    key = settings.load_apiv3_key()
    assert key is not None and key.reveal() == APIV3_KEY.encode()
    assert ClientSettings.load(environ={}).load_apiv3_key() is None


def test_a_large_file_is_no_apiv3_key_file(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.write_bytes(b"0" * 5000)
    with pytest.raises(ConfigurationError, match="holds more than 4096 bytes"):
        ClientSettings.load(apiv3_key_file=str(big)).load_apiv3_key()


# --- the exit statuses: one table, documented, apart from the other commands' ---------------------------------------


def test_the_exit_statuses_do_not_collide_with_the_other_commands() -> None:
    shared = {int(code) for code in NotificationExit} & {int(code) for code in ExitCode}
    assert shared == {0, 2, 130}
    assert int(NotificationExit.INVALID_INPUT) == int(ExitCode.INVALID_INPUT)
    assert int(NotificationExit.INTERRUPTED) == int(ExitCode.INTERRUPTED)
    assert not {int(code) for code in NotificationExit} & {3, 5}  # sync-batch's own


def test_every_row_is_reached_by_its_error_and_no_row_hides_another() -> None:
    context: dict[str, Any] = {"subject": NOTIFICATION, "request_id": None, "timestamp": 1, "nonce": "N", "serial": "S"}
    typed = Evidence(headers={"Wechatpay-Signature-Type": "WECHATPAY2-SM2-WITH-SM3"})
    examples: list[tuple[BaseException, Evidence]] = [
        (MissingApiV3KeyError("none"), Evidence()),
        (ConfigurationError("bad"), Evidence()),
        (NotificationInputError("bad"), Evidence()),
        (MissingSignatureHeadersError("m", **context), Evidence()),
        (ClockSkewError("m", skew=-400.0, **context), Evidence()),
        (UnknownSerialError("m", known_serials=(PUBLIC_KEY_ID,), **context), Evidence()),
        (ProbeSignatureError("m", **context), Evidence()),
        (MalformedSignatureError("m", **context), Evidence()),
        (InvalidSignatureError("m", **context), typed),
        (InvalidSignatureError("m", **context), Evidence()),
        (MalformedNotificationError("m", field="id"), Evidence()),
        (UnsupportedAlgorithmError("m"), Evidence()),
        (DecryptionError("m"), Evidence()),
        (KeyboardInterrupt(), Evidence()),
        (RuntimeError("a bug"), Evidence()),
    ]
    assert len(examples) == len(REFUSALS)
    for (error, evidence), row in zip(examples, REFUSALS, strict=True):
        found, advice = refusal_for(error, evidence)
        assert found is row, (error, row.outcome)
        assert advice
    assert len({row.outcome for row in REFUSALS}) == len(REFUSALS)
    # What no row names on purpose falls to the last row, never to a wrong one.
    for error in (ReplayedResponseError("m", **context), NotificationError("m")):
        assert refusal_for(error, Evidence())[0].outcome == "unexpected_error"


def test_help_and_readme_document_every_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notification", "verify", "--help"]) == 0
    text = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## The command line")
    section = readme[start : readme.index("\n## ", start)]
    for code in NotificationExit:
        assert f"\n  {int(code):<2} " in text, code
        assert f"| `{int(code)}` |" in section, code
    for row in REFUSALS:
        assert row.meaning in NOTIFICATION_EXIT_STATUS
        assert f"`{row.outcome}`" in section, row.outcome
    assert "--apiv3-key-file" in text


# --- reading a header dump ------------------------------------------------------------------------------------------

HEADER_DUMPS = [
    ("Wechatpay-Serial: A\nRequest-ID: B\n", {"Wechatpay-Serial": "A", "Request-ID": "B"}),
    ("\r\n\r\nHTTP/2 200\r\nwechatpay-serial:  A \r\n\r\n\r\n", {"wechatpay-serial": "A"}),
    ("POST /notify HTTP/1.1\nHost: h\n:authority: h\nWechatpay-Nonce: N\n", {"Host": "h", "Wechatpay-Nonce": "N"}),
    ("Via: 1.1 a\nX: 1\nvia: 1.1 b\n", {"Via": "1.1 a, 1.1 b", "X": "1"}),
    ("X-Long: one\n two\n\tthree\n", {"X-Long": "one two three"}),
    ("Wechatpay-Serial:\n", {"Wechatpay-Serial": ""}),
]


@pytest.mark.parametrize(("text", "expected"), HEADER_DUMPS)
def test_a_header_dump_is_read_like_a_request(text: str, expected: dict[str, str]) -> None:
    assert parse_headers(text) == expected


REFUSED_DUMPS = [
    ("", "holds no header line"),
    ("HTTP/1.1 200 OK\r\n\r\n", "holds no header line"),
    ('X: 1\n\n{"id": 1}\n', "goes on after the blank line that ends the headers (line 3)"),
    ("X: 1\nnot a header\n", "line 2 of the --headers file is not a 'Name: value' header line: 'not a header'"),
    ("Bad Name: 1\n", "line 1 of the --headers file is not"),
    (" folded: 1\n", "line 1 of the --headers file continues no header"),
    ("-----BEGIN PRIVATE KEY-----\nMIIE\n", "looks like PEM key material"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED_DUMPS)
def test_a_dump_that_is_no_header_section_is_refused(text: str, message: str) -> None:
    with pytest.raises(NotificationInputError) as refused:
        parse_headers(text)
    assert message in str(refused.value)
    assert "MIIE" not in str(refused.value)


def test_a_first_line_that_only_looks_like_a_status_line_is_not_skipped() -> None:
    with pytest.raises(NotificationInputError, match="line 1"):
        parse_headers("HTTP/1.1 OK maybe\nX: 1\n")
