"""Properties of opening a notification: any one changed byte is refused with a typed error; keys rotate cleanly.

One valid notification (the USER_PAID vector's plaintext, TEST-ONLY keys of vectors/, signed at a fixed time) is
changed in one byte — of its body, its signature, its timestamp or nonce header, or its ciphertext (re-signed, as if
WeChat Pay had signed the altered ciphertext, so that the decryption itself is what refuses it) — and
`open_notification` must refuse it with the error of the step that catches it, never another exception. Then a key
rotation: WeChat Pay moves from a platform certificate to its public key, and a `WechatPayAuth` holding both verifies
notifications signed under either, in any order, before and after the switch.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from wechatpay_auth import (
    MAX_SKEW_SECONDS,
    ApiV3Key,
    ClockSkewError,
    DecryptionError,
    InvalidSignatureError,
    MalformedNotificationError,
    MalformedSignatureError,
    MissingSignatureHeadersError,
    Notification,
    ProbeSignatureError,
    UnknownSerialError,
    WechatPayAuth,
    WechatPayError,
    load_certificate,
    load_private_key,
    open_notification,
)
from wechatpay_auth.testing import encrypt_resource, notification_body, sign_notification

from .notification_vectors import APIV3_KEY, KEYS, USER_CONFIRM, USER_PAID, VECTORS, private_key_pem

# Hypothesis runs each example in one function call: keys come from module constants, not function fixtures.
PUBLIC_KEY_ID = KEYS["public_key_mode"]["serial"]
CERTIFICATE_SERIAL = KEYS["certificate_mode"]["serial"]
PUBLIC_KEY_SIGNER = load_private_key(private_key_pem("public_key_mode"))  # TEST-ONLY
CERTIFICATE_SIGNER = load_private_key(private_key_pem("certificate_mode"))  # TEST-ONLY
CERTIFICATE_PEM = (VECTORS / KEYS["certificate_mode"]["certificate"]).read_bytes()
PUBLIC_KEYS = {PUBLIC_KEY_ID: PUBLIC_KEY_SIGNER.public_key()}
_PEER_KEYS = json.loads((VECTORS / "peer-vectors.json").read_text(encoding="utf-8"))["keys"]
MERCHANT_KEY = load_private_key(_PEER_KEYS["merchant_private_pem"])  # TEST-ONLY, signs nothing here
NOW = 1_924_395_300
NONCE = "N02NOTIFYNONCE000000000000000002"


def resource(plaintext: Mapping[str, Any] = USER_PAID) -> dict[str, str]:
    return encrypt_resource(APIV3_KEY, plaintext, "payscore", "n02Resource2")


def notification(
    encrypted: Mapping[str, str], *, signer: Any = PUBLIC_KEY_SIGNER, serial: str = PUBLIC_KEY_ID, at: int = NOW
) -> tuple[dict[str, str], bytes]:
    """Headers and body of a notification carrying `encrypted`, as WeChat Pay sends it."""
    body = notification_body(
        "PAYSCORE.USER_PAID",
        encrypted,
        notification_id="0c5f0e2a-7b1d-5c3e-9f40-1a2b3c4d5e02",
        create_time="2030-12-25T10:15:00+08:00",
        summary="用户支付成功",
    )
    return sign_notification(signer, serial, body, at, NONCE, request_id="08F2B4D8C90610A1B2C3D4E5F6071829-0002"), body


VALID_RESOURCE = resource()
VALID_HEADERS, VALID_BODY = notification(VALID_RESOURCE)


def opened(headers: Mapping[str, str], body: bytes) -> Notification:
    return open_notification(headers, body, public_keys=PUBLIC_KEYS, apiv3_key=ApiV3Key(APIV3_KEY), now=NOW)


def change_one_byte(data: bytes, index: int, delta: int) -> bytes:
    """`data` with the byte at `index` (modulo its length) replaced by another value (`delta` in 1..255)."""
    position = index % len(data)
    return data[:position] + bytes([(data[position] + delta) % 256]) + data[position + 1 :]


def changed_header(name: str, index: int, delta: int) -> dict[str, str]:
    # Header values reach an application as text decoded from ISO-8859-1 bytes: one byte is one character.
    value = change_one_byte(VALID_HEADERS[name].encode("iso-8859-1"), index, delta).decode("iso-8859-1")
    return {**VALID_HEADERS, name: value}


def test_the_notification_every_property_changes_is_valid() -> None:
    notification = opened(VALID_HEADERS, VALID_BODY)
    assert notification.plaintext == USER_PAID
    assert notification.verification.serial == PUBLIC_KEY_ID


bytes_at = {"index": st.integers(min_value=0), "delta": st.integers(min_value=1, max_value=255)}


@settings(max_examples=150, deadline=None)
@given(**bytes_at)
def test_a_changed_body_byte_fails_the_signature(index: int, delta: int) -> None:
    with pytest.raises(WechatPayError) as refused:
        opened(VALID_HEADERS, change_one_byte(VALID_BODY, index, delta))
    # Exactly the signature step: the headers are intact, and the body is read only once the signature verified.
    assert type(refused.value) is InvalidSignatureError


@settings(max_examples=100, deadline=None)
@given(**bytes_at)
def test_a_changed_signature_byte_fails_the_signature(index: int, delta: int) -> None:
    raw = base64.b64decode(VALID_HEADERS["Wechatpay-Signature"])
    headers = {**VALID_HEADERS, "Wechatpay-Signature": base64.b64encode(change_one_byte(raw, index, delta)).decode()}
    with pytest.raises(WechatPayError) as refused:
        opened(headers, VALID_BODY)
    assert type(refused.value) is InvalidSignatureError


@settings(max_examples=150, deadline=None)
@given(**bytes_at)
@example(index=0, delta=1)  # another Base64 character: another signature
@example(index=0, delta=128)  # not a Base64 character
def test_a_changed_signature_header_byte_is_refused_as_malformed_or_invalid(index: int, delta: int) -> None:
    # A changed character of the Base64 text: not Base64 (or not canonical: the last character's unused bits) is
    # malformed; another Base64 character is another signature, which does not verify.
    with pytest.raises(WechatPayError) as refused:
        opened(changed_header("Wechatpay-Signature", index, delta), VALID_BODY)
    assert type(refused.value) in (MalformedSignatureError, InvalidSignatureError)


@settings(max_examples=150, deadline=None)
@given(**bytes_at)
@example(index=9, delta=1)  # 1924395300 -> 1924395301: within the window, another message
@example(index=0, delta=1)  # 1924395300 -> 2924395300: out of the window
@example(index=0, delta=128)  # not a digit
def test_a_changed_timestamp_byte_is_refused_by_the_step_it_breaks(index: int, delta: int) -> None:
    headers = changed_header("Wechatpay-Timestamp", index, delta)
    text = headers["Wechatpay-Timestamp"]
    with pytest.raises(WechatPayError) as refused:
        opened(headers, VALID_BODY)
    # Not Unix seconds: step 1; out of the window: step 2; within it, another signed message: step 4.
    if not (text.isascii() and text.isdigit()):
        expected: type[WechatPayError] = MissingSignatureHeadersError
    elif abs(int(text) - NOW) > MAX_SKEW_SECONDS:
        expected = ClockSkewError
    else:
        expected = InvalidSignatureError
    assert type(refused.value) is expected


@settings(max_examples=150, deadline=None)
@given(**bytes_at)
def test_a_changed_nonce_byte_fails_the_signature(index: int, delta: int) -> None:
    with pytest.raises(WechatPayError) as refused:
        opened(changed_header("Wechatpay-Nonce", index, delta), VALID_BODY)
    assert type(refused.value) is InvalidSignatureError


@settings(max_examples=100, deadline=None)
@given(**bytes_at)
def test_a_changed_ciphertext_byte_signed_anyway_fails_the_decryption(index: int, delta: int) -> None:
    sealed = base64.b64decode(VALID_RESOURCE["ciphertext"])  # the ciphertext and its 16-byte GCM tag
    altered = {**VALID_RESOURCE, "ciphertext": base64.b64encode(change_one_byte(sealed, index, delta)).decode()}
    with pytest.raises(WechatPayError) as refused:
        opened(*notification(altered))
    assert type(refused.value) is DecryptionError
    assert refused.value.field == "resource.ciphertext"


@settings(max_examples=100, deadline=None)
@given(**bytes_at)
def test_a_changed_ciphertext_character_signed_anyway_is_refused_as_malformed_or_undecryptable(
    index: int, delta: int
) -> None:
    # The Base64 text itself: another character decrypts to nothing (the tag), one that is not Base64 (a quote or a
    # backslash: not even JSON) is malformed.
    text = change_one_byte(VALID_RESOURCE["ciphertext"].encode("ascii"), index, delta).decode("iso-8859-1")
    with pytest.raises(WechatPayError) as refused:
        opened(*notification({**VALID_RESOURCE, "ciphertext": text}))
    assert type(refused.value) in (DecryptionError, MalformedNotificationError)


# --- a key rotation: from a platform certificate to WeChat Pay's public key -------------------------------------------

SIGNERS = {CERTIFICATE_SERIAL: CERTIFICATE_SIGNER, PUBLIC_KEY_ID: PUBLIC_KEY_SIGNER}
CONFIGURED: dict[str, dict[str, Any]] = {
    "certificate": {CERTIFICATE_SERIAL: CERTIFICATE_PEM},
    "public key": {PUBLIC_KEY_ID: PUBLIC_KEY_SIGNER.public_key()},
    "both": {CERTIFICATE_SERIAL: CERTIFICATE_PEM, PUBLIC_KEY_ID: PUBLIC_KEY_SIGNER.public_key()},
}


def merchant(configured: str, clock: list[int]) -> WechatPayAuth:
    return WechatPayAuth(
        mchid="1900000100",
        serial_no="3775B6A45ACD588826D15E583A95F5DD2F6D4F0A",
        private_key=MERCHANT_KEY,
        wechatpay_public_keys=CONFIGURED[configured],
        clock=lambda: clock[0],
        apiv3_key=APIV3_KEY,
    )


def test_the_certificate_is_read_under_its_serial() -> None:
    assert load_certificate(CERTIFICATE_PEM).serial == CERTIFICATE_SERIAL


@settings(max_examples=30, deadline=None)
@given(
    switch=st.integers(min_value=0, max_value=6),
    redelivered=st.lists(st.integers(min_value=0, max_value=5), max_size=4),
    plaintexts=st.lists(st.sampled_from([USER_CONFIRM, USER_PAID]), min_size=6, max_size=6),
)
def test_an_auth_holding_both_keys_opens_every_notification_across_the_switch(
    switch: int, redelivered: list[int], plaintexts: list[dict[str, Any]]
) -> None:
    """WeChat Pay signs with its certificate before `switch` and with its public key from then on; notifications
    signed before the switch may be delivered again after it. Each one opens, under the key that signed it."""
    clock = [NOW]
    auth = merchant("both", clock)
    deliveries = [(number, CERTIFICATE_SERIAL if number < switch else PUBLIC_KEY_ID) for number in range(6)]
    deliveries += [(number, CERTIFICATE_SERIAL if number < switch else PUBLIC_KEY_ID) for number in redelivered]
    for second, (number, serial) in enumerate(deliveries):
        clock[0] = NOW + second
        headers, body = notification(resource(plaintexts[number]), signer=SIGNERS[serial], serial=serial, at=clock[0])
        opened_one = auth.open_notification(headers, body)
        assert (opened_one.verification.serial, opened_one.plaintext) == (serial, plaintexts[number])


# (signed under, configured, what opening it gives): before the switch the merchant holds the certificate, during the
# migration both, after it the public key; each serial picks its own key, never "whichever verifies".
ROTATION = [
    ("before the switch, certificate only", CERTIFICATE_SERIAL, "certificate", None),
    ("before the switch, both configured", CERTIFICATE_SERIAL, "both", None),
    ("after the switch, both configured", PUBLIC_KEY_ID, "both", None),
    ("after the switch, public key only", PUBLIC_KEY_ID, "public key", None),
    ("after the switch, the new key not yet configured", PUBLIC_KEY_ID, "certificate", UnknownSerialError),
    ("redelivered after the old key was dropped", CERTIFICATE_SERIAL, "public key", UnknownSerialError),
]


@pytest.mark.parametrize(("serial", "configured", "refusal"), [pytest.param(*row[1:], id=row[0]) for row in ROTATION])
def test_a_key_rotation_at_plugin_level(serial: str, configured: str, refusal: type[Exception] | None) -> None:
    clock = [NOW]
    auth = merchant(configured, clock)
    headers, body = notification(VALID_RESOURCE, signer=SIGNERS[serial], serial=serial)
    if refusal is None:
        assert auth.open_notification(headers, body).verification.serial == serial
        return
    with pytest.raises(refusal) as refused:
        auth.open_notification(headers, body)
    assert isinstance(refused.value, UnknownSerialError)
    assert refused.value.known_serials == tuple(CONFIGURED[configured])


@pytest.mark.parametrize(
    ("signed_with", "named"), [(CERTIFICATE_SERIAL, PUBLIC_KEY_ID), (PUBLIC_KEY_ID, CERTIFICATE_SERIAL)]
)
def test_a_notification_signed_with_one_key_and_named_under_the_other_is_refused(signed_with: str, named: str) -> None:
    headers, body = notification(VALID_RESOURCE, signer=SIGNERS[signed_with], serial=named)
    with pytest.raises(InvalidSignatureError) as refused:
        merchant("both", [NOW]).open_notification(headers, body)
    assert type(refused.value) is InvalidSignatureError
    assert not isinstance(refused.value, ProbeSignatureError)
