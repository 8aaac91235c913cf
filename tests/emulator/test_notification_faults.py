"""Notification faults, one per kind: what each does to the wire, and that a careful receiver that refuses the spoiled
attempt gets the notification again, correctly signed; the same notifications opened by the auth plugin's
`open_notification`, whose typed errors name each fault."""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cryptography.exceptions import InvalidTag
from wechatpay_auth import (
    ClockSkewError,
    DecryptionError,
    InvalidSignatureError,
    ProbeSignatureError,
    WechatPayAuth,
    WechatPayError,
)
from wechatpay_emulator import (
    USER_CONFIRM,
    USER_PAID,
    ControlError,
    Emulator,
    NotificationFault,
    NotificationFaultKind,
    demo,
)

from tests.emulator.notify_support import (
    ACCEPT,
    DEMO_APIV3_KEY,
    Answer,
    Received,
    careful,
    created,
    decrypt,
    notifying,
    ready,
    signature_ok,
    until,
    verdict,
)
from tests.emulator.support import FIXED_NOW

ATTEMPT_FAULTS = [kind for kind in NotificationFaultKind if kind is not NotificationFaultKind.DUPLICATE]


def _confirmed_with(
    emu: Emulator, fault: NotificationFault, answer: Callable[[Received], Answer] = careful
) -> list[Received]:
    emu.set_notification_time_scale(0.001)
    emu.seed(created("F-1"))
    emu.inject_notification_fault(fault)
    with notifying(emu, answer=answer) as receiver:
        emu.confirm("F-1")
        assert emu.wait_idle(10)
    return receiver.received


@pytest.mark.parametrize("kind", ATTEMPT_FAULTS, ids=str)
def test_a_spoiled_attempt_is_refused_by_a_careful_receiver_and_sent_again(emu: Emulator, kind: str) -> None:
    received = _confirmed_with(emu, NotificationFault(kind))
    assert len(received) == 2
    first, second = received
    assert first.envelope["id"] == second.envelope["id"]
    assert verdict(second) is None  # the retry is sound
    notification = emu.notifications[0]
    assert notification.state == "delivered"
    spoiled, sound = notification.attempts
    assert (spoiled.fault, sound.fault) == (kind, None)
    assert emu.notification_faults == []  # times=1: used up
    if kind == NotificationFaultKind.LATE_ANSWER:
        # The receiver accepted it; the emulator counted the answer as too late, and sent it again.
        assert verdict(first) is None
        assert (spoiled.status, spoiled.outcome) == (204, "timeout")
        assert "late_answer" in (spoiled.error or "")
    else:
        assert (spoiled.status, spoiled.outcome) == (400, "failed")
        assert json.loads(spoiled.answer)["code"] == "FAIL"
    assert (sound.status, sound.outcome) == (204, "delivered")


def test_probe_signature(emu: Emulator) -> None:
    first, _ = _confirmed_with(emu, NotificationFault.probe_signature())
    signature = first.headers["wechatpay-signature"]
    assert signature.startswith("WECHATPAY/SIGNTEST/")
    with pytest.raises(binascii.Error):
        base64.b64decode(signature, validate=True)
    assert verdict(first) == "signature"


def test_stale_timestamp(emu: Emulator) -> None:
    first, _ = _confirmed_with(emu, NotificationFault.stale_timestamp())
    assert int(first.headers["wechatpay-timestamp"]) == FIXED_NOW - 600
    assert signature_ok(first.headers, first.body)  # correctly signed, only old
    assert verdict(first) == "timestamp"


def test_other_key_signature(emu: Emulator) -> None:
    first, second = _confirmed_with(emu, NotificationFault.other_key_signature())
    assert first.headers["wechatpay-serial"] == second.headers["wechatpay-serial"] == demo.DEMO_PLATFORM_SERIAL
    base64.b64decode(first.headers["wechatpay-signature"], validate=True)  # well-formed
    assert first.body == second.body
    assert verdict(first) == "signature"


def test_wrong_apiv3_key(emu: Emulator) -> None:
    first, second = _confirmed_with(emu, NotificationFault.wrong_apiv3_key())
    assert signature_ok(first.headers, first.body)
    with pytest.raises(InvalidTag):
        decrypt(first.envelope)
    assert decrypt(second.envelope)["out_order_no"] == "F-1"


def test_truncated_ciphertext(emu: Emulator) -> None:
    first, second = _confirmed_with(emu, NotificationFault.truncated_ciphertext())
    assert signature_ok(first.headers, first.body)
    short = base64.b64decode(first.envelope["resource"]["ciphertext"], validate=True)
    full = base64.b64decode(second.envelope["resource"]["ciphertext"], validate=True)
    assert short == full[:-8]
    with pytest.raises(InvalidTag):
        decrypt(first.envelope)


def test_late_answer_reaches_the_receiver_twice(emu: Emulator) -> None:
    received = _confirmed_with(emu, NotificationFault.late_answer(), answer=lambda _: ACCEPT)
    assert [verdict(got) for got in received] == [None, None]  # both sound: the handler must be idempotent


def test_duplicate_delivers_the_same_notification_twice(emu: Emulator) -> None:
    scale = 0.05
    emu.set_notification_time_scale(scale)
    emu.seed(created("F-DUP"))
    emu.inject_notification_fault(NotificationFault.duplicate())
    with notifying(emu) as receiver:
        confirmed_at = time.time()
        emu.confirm("F-DUP")
        assert emu.wait_idle(10)
    first, second = receiver.received
    assert first.body == second.body  # the same id, the same ciphertext
    assert first.headers["wechatpay-nonce"] != second.headers["wechatpay-nonce"]  # signed anew
    original, duplicate = emu.notifications
    assert (original.duplicate_of, duplicate.duplicate_of) == (None, original.seq)
    # The duplicate is due a (scaled) second after both were written, which is after `confirmed_at`; when the
    # original arrived does not bound it (on a loaded machine the original's own attempt may start late).
    assert duplicate.attempts[0].at - confirmed_at >= 1.0 * scale - 0.001
    assert original.id == duplicate.id
    assert [entry.state for entry in emu.notifications] == ["delivered", "delivered"]


def test_faults_aim_at_an_order_and_an_event_type(emu: Emulator) -> None:
    emu.set_notification_time_scale(0.001)
    emu.seed(created("F-A"), ready("F-B"))
    emu.inject_notification_fault(NotificationFault.probe_signature(), out_order_no="F-B", event_type=USER_PAID)
    with notifying(emu, answer=careful) as receiver:
        emu.confirm("F-A")  # another order and event: spared
        emu.pay("F-B")
        assert emu.wait_idle(10)
    by_order = {entry.out_order_no: entry for entry in emu.notifications}
    assert [attempt.fault for attempt in by_order["F-A"].attempts] == [None]
    assert [attempt.fault for attempt in by_order["F-B"].attempts] == ["probe_signature", None]
    assert len(receiver.received) == 3


def test_a_fault_until_cleared_spoils_every_attempt(emu: Emulator) -> None:
    emu.set_notification_time_scale(0.001)
    emu.seed(created("F-ALL"))
    emu.inject_notification_fault(NotificationFault.stale_timestamp(), times=None)
    with notifying(emu, answer=careful) as receiver:
        emu.confirm("F-ALL")
        until(lambda: len(receiver.received) >= 3)
        emu.clear_notification_faults()
        until(lambda: emu.notifications[0].state == "delivered")
    outcomes = [attempt.outcome for attempt in emu.notifications[0].attempts]
    assert outcomes[:3] == ["failed"] * 3
    assert outcomes[-1] == "delivered"
    assert [verdict(got) for got in receiver.received[:3]] == ["timestamp"] * 3
    assert verdict(receiver.received[-1]) is None


def test_a_bad_aim_is_a_control_error(emu: Emulator) -> None:
    with pytest.raises(ControlError, match="event_type 'completeServiceOrder' is not one of"):
        emu.inject_notification_fault(NotificationFault.duplicate(), event_type="completeServiceOrder")
    with pytest.raises(ValueError, match="not a valid NotificationFaultKind"):
        NotificationFault("latency")


def test_notification_faults_over_http(emu: Emulator, client: httpx.Client) -> None:
    created = client.post(
        "/_emulator/notifications/faults",
        json={"kind": "wrong_apiv3_key", "times": 2, "out_order_no": "F-1", "event_type": USER_CONFIRM},
    )
    assert created.status_code == 201
    listed = client.get("/_emulator/notifications/faults").json()["faults"]
    assert listed == [
        {
            "kind": "wrong_apiv3_key",
            "id": created.json()["id"],
            "times": 2,
            "out_order_no": "F-1",
            "event_type": USER_CONFIRM,
        }
    ]
    assert client.get("/_emulator/faults").json()["faults"] == []  # apart from the requests' faults
    bad: Any
    for bad in (
        {"kind": "nope"},
        {"kind": "duplicate", "times": 0},
        {"kind": "duplicate", "operation": "x"},
        {"kind": "duplicate", "event_type": "PAYSCORE.OTHER"},
        [],
    ):
        response = client.post("/_emulator/notifications/faults", json=bad)
        assert response.status_code == 400, bad
        assert "error" in response.json()
    assert client.delete("/_emulator/notifications/faults").status_code == 204
    assert emu.notification_faults == []


# -- the auth plugin opens what the emulator sends, and names each fault -------------------------------------------

EXPECTED_ERRORS: dict[str, type[WechatPayError]] = {
    "probe_signature": ProbeSignatureError,
    "stale_timestamp": ClockSkewError,
    "other_key_signature": InvalidSignatureError,
    "wrong_apiv3_key": DecryptionError,
    "truncated_ciphertext": DecryptionError,
}


def _auth() -> WechatPayAuth:
    return WechatPayAuth(
        mchid=demo.DEMO_MCHID,
        serial_no=demo.DEMO_MERCHANT_SERIAL,
        private_key=demo.demo_merchant_private_key_path(),
        wechatpay_public_keys={
            demo.DEMO_PLATFORM_SERIAL: demo.demo_platform_certificate_path(),
            demo.DEMO_WECHATPAY_PUBLIC_KEY_ID: demo.demo_wechatpay_public_key_path(),
        },
        clock=lambda: FIXED_NOW,
        apiv3_key=DEMO_APIV3_KEY,
    )


@pytest.mark.parametrize(("kind", "error"), EXPECTED_ERRORS.items(), ids=list(EXPECTED_ERRORS))
def test_the_auth_plugin_refuses_each_spoiled_attempt(emu: Emulator, kind: str, error: type[Exception]) -> None:
    first, second = _confirmed_with(emu, NotificationFault(kind))
    auth = _auth()
    with pytest.raises(error):
        auth.open_notification(first.headers, first.body)
    opened = auth.open_notification(second.headers, second.body)
    assert (opened.event_type, opened.plaintext["out_order_no"]) == (USER_CONFIRM, "F-1")
