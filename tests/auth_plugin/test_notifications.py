"""Notifications: the signature checklist of answers, with a signature always required, then the envelope and the AEAD.

Vectors: wechatpay-go's published notification (a 16-byte APIv3 key: it decrypts at the AEAD layer, which takes
AES-128 keys, and ``ApiV3Key`` refuses it), a real ``WECHATPAY/SIGNTEST/`` probe posted in wechatpay-java#319, RFC
8998's SM4-GCM vector and GB/T 32905's SM3 one, and our own vectors for each event of the family
(notification-vectors.json, TEST-ONLY keys), each also checked with plain ``cryptography``.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpay_auth import (
    AEAD_AES_256_GCM,
    AEAD_SM4_GCM,
    ClockSkewError,
    ConfigurationError,
    DecryptionError,
    EncryptedResource,
    InvalidSignatureError,
    MalformedNotificationError,
    MalformedSignatureError,
    MissingSignatureHeadersError,
    NotificationError,
    ProbeSignatureError,
    ReplayedResponseError,
    ReplayGuard,
    ResponseVerificationError,
    SignatureVerificationError,
    Subject,
    UnknownSerialError,
    UnsupportedAlgorithmError,
    Verification,
    WechatPayAuth,
    WechatPayError,
    _aead,
    aead_decrypt,
    check_signature,
    decrypt_resource,
    header,
    load_certificate,
    load_private_key,
    parse_envelope,
    sm4_key,
)
from wechatpay_auth._apiv3 import ApiV3Key
from wechatpay_auth.testing import encrypt_resource, notification_body, sign_notification

from .notification_vectors import APIV3_KEY, CASES, FILE, KEYS, USER_CONFIRM, VECTORS, build, document
from .notification_vectors import private_key_pem as vector_private_key_pem

# Hypothesis runs each example in one function call: keys and the auth object are module constants.
PUBLIC_KEY_MODE = KEYS["public_key_mode"]
CERTIFICATE_MODE = KEYS["certificate_mode"]
PUBLIC_KEY_PRIVATE = load_private_key(vector_private_key_pem("public_key_mode"))  # TEST-ONLY
CERTIFICATE_PRIVATE = load_private_key(vector_private_key_pem("certificate_mode"))  # TEST-ONLY
CERTIFICATE_PEM = (VECTORS / CERTIFICATE_MODE["certificate"]).read_text(encoding="utf-8")
WECHATPAY_KEYS: dict[str, Any] = {
    PUBLIC_KEY_MODE["serial"]: PUBLIC_KEY_PRIVATE.public_key(),
    CERTIFICATE_MODE["serial"]: CERTIFICATE_PEM,
}
_PEER_KEYS = json.loads((VECTORS / "peer-vectors.json").read_text(encoding="utf-8"))["keys"]
NOW = 1_924_391_410
NONCE = "NOTIFYNONCE000000000000000000001"
RESOURCE_NONCE = "r3sourceNonc"
REQUEST_ID = "08F2B4D8C90610A1B2C3D4E5F6071829-9999"
WRONG_APIV3_KEY = "test-only-apiv3-key-111111111111"
SM2 = "WECHATPAY2-SM2-WITH-SM3"


def make_notify_auth(now: float = NOW, **overrides: Any) -> WechatPayAuth:
    """The merchant of the peer vectors (TEST-ONLY), holding WeChat Pay's TEST-ONLY keys of both modes."""
    arguments: dict[str, Any] = {
        "mchid": "1900000100",
        "serial_no": "3775B6A45ACD588826D15E583A95F5DD2F6D4F0A",
        "private_key": _PEER_KEYS["merchant_private_pem"],
        "wechatpay_public_keys": WECHATPAY_KEYS,
        "clock": lambda: now,
        "apiv3_key": APIV3_KEY,
    }
    arguments.update(overrides)
    return WechatPayAuth(**arguments)


AUTH = make_notify_auth()


def envelope(
    *,
    plaintext: bytes | dict[str, Any] | None = None,
    algorithm: str = AEAD_AES_256_GCM,
    associated_data: str = "payscore",
    apiv3_key: str = APIV3_KEY,
) -> dict[str, Any]:
    """A notification body as a document, its resource encrypted (mutate it, then ``signed``)."""
    resource = encrypt_resource(
        apiv3_key,
        USER_CONFIRM if plaintext is None else plaintext,
        associated_data,
        RESOURCE_NONCE,
        algorithm=algorithm,
    )
    document: dict[str, Any] = json.loads(
        notification_body(
            "PAYSCORE.USER_CONFIRM",
            resource,
            notification_id="0c5f0e2a-7b1d-5c3e-9f40-1a2b3c4d5e99",
            create_time="2030-12-25T09:10:10+08:00",
            summary="支付分订单用户已确认",
        )
    )
    return document


def signed(
    body: bytes | dict[str, Any],
    *,
    timestamp: int = NOW,
    nonce: str = NONCE,
    key_mode: str = "public_key_mode",
) -> tuple[dict[str, str], bytes]:
    """Headers signing ``body`` (a document is written as compact JSON) with a TEST-ONLY key of ``key_mode``."""
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    private_key = PUBLIC_KEY_PRIVATE if key_mode == "public_key_mode" else CERTIFICATE_PRIVATE
    headers = sign_notification(private_key, KEYS[key_mode]["serial"], raw, timestamp, nonce, request_id=REQUEST_ID)
    return headers, raw


def good() -> tuple[dict[str, str], bytes]:
    return signed(envelope())


def refused(headers: dict[str, str], body: bytes, auth: WechatPayAuth = AUTH) -> WechatPayError:
    with pytest.raises(WechatPayError) as caught:
        auth.open_notification(headers, body)
    return caught.value


# --- our vectors, one per event ------------------------------------------------------------------------------------


def test_the_vector_file_is_current() -> None:
    assert json.loads(FILE.read_text(encoding="utf-8")) == document()
    assert [case["id"] for case in CASES] == [
        "N01_user_confirm",
        "N02_user_paid",
        "N03_mch_prepay",
        "N04_user_confirm_sm4",
        "N05_wechatpay_go_with_a_32_byte_key",
    ]


@pytest.fixture(scope="module")
def stored_cases() -> dict[str, dict[str, Any]]:
    return {case["id"]: case for case in json.loads(FILE.read_text(encoding="utf-8"))["cases"]}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_vector_is_reproduced_by_the_test_signer(case: dict[str, Any], stored_cases: dict[str, Any]) -> None:
    assert build(case) == stored_cases[case["id"]]["expected"]


def independent_public_key(key_mode: str) -> Any:
    if key_mode == "certificate_mode":
        return x509.load_pem_x509_certificate(CERTIFICATE_PEM.encode()).public_key()
    return PUBLIC_KEY_PRIVATE.public_key()


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_vector_checks_with_plain_cryptography(case: dict[str, Any]) -> None:
    expected = case_expected(case)
    headers, body = expected["headers"], expected["body"].encode("utf-8")
    message = f"{headers['Wechatpay-Timestamp']}\n{headers['Wechatpay-Nonce']}\n".encode() + body + b"\n"
    signature = base64.b64decode(headers["Wechatpay-Signature"])
    independent_public_key(case["key"]).verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    resource = json.loads(body)["resource"]
    assert ("associated_data" in resource) is (case["resource"]["associated_data"] is not None)
    sealed = base64.b64decode(resource["ciphertext"])
    nonce, aad = resource["nonce"].encode(), resource.get("associated_data", "").encode()
    if resource["algorithm"] == AEAD_SM4_GCM:
        digest = hashes.Hash(hashes.SM3())
        digest.update(APIV3_KEY.encode())
        decryptor = Cipher(algorithms.SM4(digest.finalize()[:16]), modes.GCM(nonce, sealed[-16:])).decryptor()
        decryptor.authenticate_additional_data(aad)
        plaintext = decryptor.update(sealed[:-16]) + decryptor.finalize()
    else:
        plaintext = AESGCM(APIV3_KEY.encode()).decrypt(nonce, sealed, aad)
    given_plaintext = case["plaintext"]
    assert plaintext.decode() == given_plaintext if isinstance(given_plaintext, str) else json.loads(plaintext)


def case_expected(case: dict[str, Any]) -> dict[str, Any]:
    stored = {stored["id"]: stored for stored in json.loads(FILE.read_text(encoding="utf-8"))["cases"]}
    expected: dict[str, Any] = stored[case["id"]]["expected"]
    return expected


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_vector_opens(case: dict[str, Any]) -> None:
    expected = case_expected(case)
    auth = make_notify_auth(now=case["timestamp"])
    notification = auth.open_notification(expected["headers"], expected["body"].encode("utf-8"))
    given_plaintext = case["plaintext"]
    assert notification.plaintext == (
        json.loads(given_plaintext) if isinstance(given_plaintext, str) else given_plaintext
    )
    assert notification.id == case["envelope"]["id"]
    assert notification.create_time == case["envelope"]["create_time"]
    assert notification.event_type == case["envelope"]["event_type"]
    assert notification.summary == case["envelope"]["summary"]
    assert notification.resource_type == "encrypt-resource"
    assert notification.original_type == "payscore"
    assert notification.request_id == case["request_id"]
    assert notification.verification == Verification(
        verified=True,
        serial=KEYS[case["key"]]["serial"],
        timestamp=case["timestamp"],
        nonce=case["nonce"],
        request_id=case["request_id"],
    )


def test_each_event_of_the_family_has_a_vector() -> None:
    events = {case["envelope"]["event_type"] for case in CASES}
    assert {"PAYSCORE.USER_CONFIRM", "PAYSCORE.USER_PAID", "PAYSCORE.MCH_PREPAY"} <= events
    assert {case["resource"]["algorithm"] for case in CASES} == {AEAD_AES_256_GCM, AEAD_SM4_GCM}
    assert {case["key"] for case in CASES} == {"public_key_mode", "certificate_mode"}


def test_a_vector_is_refused_with_the_other_modes_key() -> None:
    # The key is chosen by Wechatpay-Serial: the certificate's key does not verify what the public key signed.
    case = CASES[0]
    expected = case_expected(case)
    headers = {**expected["headers"], "Wechatpay-Serial": CERTIFICATE_MODE["serial"]}
    error = refused(headers, expected["body"].encode(), make_notify_auth(now=case["timestamp"]))
    assert type(error) is InvalidSignatureError


# --- published vectors ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def go_vector() -> dict[str, Any]:
    # Copied from wechatpay-apiv3/wechatpay-go, core/notify/notify_test.go (see its "source").
    data: dict[str, Any] = json.loads((VECTORS / "wechatpay-go-notify.json").read_text(encoding="utf-8"))
    return data


def test_wechatpay_go_vector_verifies(go_vector: dict[str, Any]) -> None:
    certificate = load_certificate(go_vector["certificate_pem"])
    assert certificate.serial == go_vector["certificate_serial"]
    auth = make_notify_auth(now=go_vector["now"], wechatpay_public_keys={certificate.serial: certificate})
    body = go_vector["body"].encode("utf-8")
    assert len(body) == 568
    verification = auth.verify_notification(go_vector["headers"], body)
    assert verification == Verification(
        verified=True, serial="D7CE59D1F522D701", timestamp=1624523846, nonce="EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz"
    )


def test_wechatpay_go_vector_decrypts_with_its_16_byte_key_at_the_aead_layer(go_vector: dict[str, Any]) -> None:
    # The length rule lives in ApiV3Key; the AEAD layer takes AES-128 keys, as wechatpay-go does.
    resource = parse_envelope(go_vector["body"].encode("utf-8")).resource
    assert resource == EncryptedResource(
        algorithm=AEAD_AES_256_GCM,
        ciphertext=resource.ciphertext,
        nonce="Kj7QIyUiYx1q",
        associated_data="payscore",
        original_type="payscore",
    )
    plaintext = aead_decrypt(
        resource.algorithm,
        go_vector["apiv3_key"].encode(),
        resource.nonce.encode(),
        base64.b64decode(resource.ciphertext),
        resource.associated_data.encode(),
    )
    assert plaintext.decode() == go_vector["plaintext"]


def test_wechatpay_go_vectors_key_is_refused_as_an_apiv3_key(go_vector: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match="16 bytes, not the 32") as caught:
        ApiV3Key(go_vector["apiv3_key"])
    assert "AES-128/192" in str(caught.value)
    assert go_vector["apiv3_key"] not in str(caught.value)


def test_wechatpay_go_vector_with_another_key_is_a_decryption_error(go_vector: dict[str, Any]) -> None:
    certificate = load_certificate(go_vector["certificate_pem"])
    auth = make_notify_auth(now=go_vector["now"], wechatpay_public_keys={certificate.serial: certificate})
    error = refused(go_vector["headers"], go_vector["body"].encode("utf-8"), auth)
    assert type(error) is DecryptionError
    assert "wrong APIv3 key, or the ciphertext was altered" in str(error)


def test_wechatpay_go_vector_headers_in_any_case(go_vector: dict[str, Any]) -> None:
    certificate = load_certificate(go_vector["certificate_pem"])
    body = go_vector["body"].encode("utf-8")
    keys = {certificate.serial: certificate.public_key}
    for headers in (
        {name.lower(): value for name, value in go_vector["headers"].items()},
        {name.upper(): value for name, value in go_vector["headers"].items()},
        httpx.Headers(go_vector["headers"]),
    ):
        assert check_signature(headers, body, keys, go_vector["now"], signature_required=True).verified


@pytest.fixture(scope="module")
def probe_vector() -> dict[str, Any]:
    # A real probe, posted in wechatpay-apiv3/wechatpay-java#319 (see its "source").
    data: dict[str, Any] = json.loads((VECTORS / "wechatpay-java-319-probe.json").read_text(encoding="utf-8"))
    return data


def test_published_probe_is_refused_as_a_probe(probe_vector: dict[str, Any]) -> None:
    serial = probe_vector["headers"]["Wechatpay-Serial"]
    # A TEST-ONLY key stands under the probe's certificate serial, so the checklist reaches step 4.
    auth = make_notify_auth(now=probe_vector["now"], wechatpay_public_keys={serial: CERTIFICATE_PRIVATE.public_key()})
    body = probe_vector["body"].encode("utf-8")
    assert body.startswith(probe_vector["body_published"].encode("utf-8"))
    for open_or_verify in (auth.verify_notification, auth.open_notification):
        with pytest.raises(ProbeSignatureError) as caught:
            open_or_verify(probe_vector["headers"], body)
        error = caught.value
        assert isinstance(error, InvalidSignatureError)
        assert "WECHATPAY/SIGNTEST/" in str(error)
        assert "check that notifications are verified" in str(error)
        assert "answered with a 4xx or 5xx status" in str(error)
        assert str(error).endswith("(notification, Request-ID: absent)")
        assert (error.timestamp, error.nonce, error.serial) == (1733109540, "xQWHK22dufHjLYg07545neOg4llwMJCJ", serial)
        assert (error.request, error.response) == (None, None)
        assert not error.outcome_unknown
        assert not error.retryable


def test_published_probe_is_not_base64_which_crashed_other_verifiers(probe_vector: dict[str, Any]) -> None:
    signature = probe_vector["headers"]["Wechatpay-Signature"]
    with pytest.raises(binascii.Error, match="1 more than a multiple of 4"):
        base64.b64decode(signature)
    assert len(base64.b64decode(signature.removeprefix("WECHATPAY/SIGNTEST/"))) == 250


def test_published_probe_under_an_unknown_serial_is_an_unknown_serial(probe_vector: dict[str, Any]) -> None:
    auth = make_notify_auth(now=probe_vector["now"])
    with pytest.raises(UnknownSerialError):
        auth.verify_notification(probe_vector["headers"], probe_vector["body"].encode("utf-8"))


def test_rfc_8998_sm4_gcm_vector() -> None:
    # RFC 8998, Appendix A.1 (SM4-GCM), through the SM4 primitives that AEAD_SM4_GCM uses.
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    nonce = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = bytes.fromhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
    )
    sealed = bytes.fromhex(
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
        "83DE3541E4C2B58177E065A9BF7B62EC"
    )
    assert _aead._seal_sm4(key, nonce, plaintext, aad) == sealed
    assert _aead._open_sm4(key, nonce, sealed, aad) == plaintext


def test_sm4_key_is_the_first_half_of_sm3() -> None:
    # GB/T 32905-2016, example 1: SM3("abc") = 66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 ...
    assert sm4_key(b"abc") == bytes.fromhex("66c7f0f462eeedd9d1f2d46bdc10e4e2")


# --- the signature checklist, step by step -------------------------------------------------------------------------


def test_a_good_notification_opens() -> None:
    headers, body = good()
    notification = AUTH.open_notification(headers, body)
    assert notification.plaintext == USER_CONFIRM
    assert notification.request_id == REQUEST_ID
    assert AUTH.verify_notification(headers, body).verified


@pytest.mark.parametrize("name", ["Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature", "Wechatpay-Serial"])
def test_step_1_each_header_is_required(name: str) -> None:
    headers, body = good()
    for variant in ({k: v for k, v in headers.items() if k != name}, {**headers, name: ""}):
        error = refused(variant, body)
        assert type(error) is MissingSignatureHeadersError
        assert str(error).startswith(f"notification lacks {name}: it is not signed by WeChat Pay")


def test_step_1_a_notification_without_any_signature_is_refused() -> None:
    # Never let through like an unsigned 502 answering a call.
    _, body = good()
    with pytest.raises(MissingSignatureHeadersError, match="Wechatpay-Timestamp, Wechatpay-Nonce") as caught:
        AUTH.verify_notification({"Content-Type": "application/json"}, body)
    assert str(caught.value).endswith("(notification, Request-ID: absent)")


def test_the_pure_checklist_says_whether_a_signature_is_required() -> None:
    _, body = good()
    keys = {PUBLIC_KEY_MODE["serial"]: PUBLIC_KEY_PRIVATE.public_key()}
    assert check_signature({"Request-ID": "R"}, body, keys, NOW, signature_required=False) == Verification(
        verified=False, request_id="R"
    )
    with pytest.raises(MissingSignatureHeadersError):
        check_signature({"Request-ID": "R"}, body, keys, NOW, signature_required=True)


@pytest.mark.parametrize("timestamp", ["2030-12-25T09:10:10+08:00", "-1924391410", "1e9", "", " 1924391410"])
def test_step_1_timestamp_must_be_unix_seconds(timestamp: str) -> None:
    headers, body = good()
    error = refused({**headers, "Wechatpay-Timestamp": timestamp}, body)
    assert type(error) is MissingSignatureHeadersError
    if timestamp:
        assert "is not Unix seconds: the notification cannot be verified" in str(error)


@pytest.mark.parametrize(("delta", "direction"), [(-301, "behind"), (301, "ahead of")])
def test_step_2_stale_or_future_timestamp(delta: int, direction: str) -> None:
    headers, body = signed(envelope(), timestamp=NOW + delta)
    error = refused(headers, body)
    assert isinstance(error, ClockSkewError)
    assert error.skew == delta
    assert f"301 s {direction} local time" in str(error)
    assert "a replayed notification, or a local clock" in str(error)


@pytest.mark.parametrize("delta", [-300, 300])
def test_step_2_within_300_seconds_either_way(delta: int) -> None:
    headers, body = signed(envelope(), timestamp=NOW + delta)
    assert AUTH.open_notification(headers, body).verification.timestamp == NOW + delta


def test_step_3_unknown_serial() -> None:
    headers, body = good()
    error = refused({**headers, "Wechatpay-Serial": "PUB_KEY_ID_0119000001002099999999999999"}, body)
    assert isinstance(error, UnknownSerialError)
    assert error.known_serials == tuple(WECHATPAY_KEYS)
    assert error.serial == "PUB_KEY_ID_0119000001002099999999999999"


@pytest.mark.parametrize("key_mode", ["public_key_mode", "certificate_mode"])
def test_step_3_both_key_modes_at_once(key_mode: str) -> None:
    headers, body = signed(envelope(), key_mode=key_mode)
    assert AUTH.open_notification(headers, body).verification.serial == KEYS[key_mode]["serial"]


def test_step_4_another_signature_type_is_refused_by_name() -> None:
    headers, body = good()
    error = refused({**headers, "Wechatpay-Signature-Type": SM2}, body)
    assert type(error) is InvalidSignatureError
    assert SM2 in str(error)


def test_step_4_no_signature_type_means_rsa() -> None:
    headers, body = good()
    del headers["Wechatpay-Signature-Type"]
    assert AUTH.verify_notification(headers, body).verified


@pytest.mark.parametrize("probe", ["WECHATPAY/SIGNTEST/", "WECHATPAY/SIGNTEST/dGVzdA==", "WECHATPAY/SIGNTEST/!!"])
def test_step_4_probe(probe: str) -> None:
    headers, body = good()
    assert type(refused({**headers, "Wechatpay-Signature": probe}, body)) is ProbeSignatureError


def spellings(signature: str) -> list[str]:
    last = signature.rstrip("=")[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    # A 256-byte signature ends in one byte and '==': its last character has four unused low bits.
    other = alphabet[alphabet.index(last) ^ 1]
    return [
        signature[:100] + "\n" + signature[100:],  # whitespace
        signature.rstrip("="),  # no padding
        signature.replace("+", "-").replace("/", "_"),  # URL-safe alphabet
        signature[:-3] + other + "==",  # the same bytes, written another way
        signature[:-2] + "ä=",  # non-ASCII
        signature + "AAAA",  # trailing garbage after the padding
    ]


def test_step_4_signature_must_be_strict_base64() -> None:
    headers, body = good()
    signature = headers["Wechatpay-Signature"]
    variants = spellings(signature)
    assert base64.b64decode(variants[3]) == base64.b64decode(signature)  # lenient decoders accept it
    for variant in variants:
        error = refused({**headers, "Wechatpay-Signature": variant}, body)
        assert type(error) is MalformedSignatureError, variant
        assert isinstance(error, InvalidSignatureError)
        assert "not strict standard Base64" in str(error)


def test_step_4_signature_over_another_body() -> None:
    headers, body = good()
    error = refused(headers, body.replace(b"USER_CONFIRM", b"USER_CONFIRm"))
    assert type(error) is InvalidSignatureError
    assert "treat the notification as forged" in str(error)


def test_step_4_signed_by_another_key() -> None:
    _, body = good()
    # Signed by the certificate's key, but naming the public key's id.
    forged, _ = signed(body, key_mode="certificate_mode")
    error = refused({**forged, "Wechatpay-Serial": PUBLIC_KEY_MODE["serial"]}, body)
    assert type(error) is InvalidSignatureError


def test_step_5_a_notification_delivered_twice_is_accepted_twice() -> None:
    # WeChat Pay delivers again until answered with a 2xx: no replay memory; the id deduplicates.
    headers, body = good()
    first, second = AUTH.open_notification(headers, body), AUTH.open_notification(headers, body)
    assert first == second
    assert first.id == "0c5f0e2a-7b1d-5c3e-9f40-1a2b3c4d5e99"


def test_the_pure_checklist_applies_a_replay_guard_when_given_one() -> None:
    headers, body = good()
    keys = {PUBLIC_KEY_MODE["serial"]: PUBLIC_KEY_PRIVATE.public_key()}
    guard = ReplayGuard()
    assert check_signature(headers, body, keys, NOW, signature_required=True, replay_guard=guard).verified
    with pytest.raises(ReplayedResponseError, match="a replayed notification"):
        check_signature(headers, body, keys, NOW, signature_required=True, replay_guard=guard)


def test_the_body_must_be_the_raw_bytes() -> None:
    headers, body = good()
    with pytest.raises(TypeError, match="raw bytes received"):
        AUTH.verify_notification(headers, body.decode())  # type: ignore[arg-type]


def test_header_lookup_ignores_case() -> None:
    assert header({"Wechatpay-Nonce": "A"}, "Wechatpay-Nonce") == "A"
    assert header({"wechatpay-nonce": "B"}, "Wechatpay-Nonce") == "B"
    assert header({"WECHATPAY-NONCE": "C"}, "wechatpay-nonce") == "C"
    assert header({"Wechatpay-Nonces": "D"}, "Wechatpay-Nonce") is None


def test_notification_errors_carry_no_httpx_objects_and_are_not_outcome_unknown() -> None:
    headers, body = good()
    error = refused({**headers, "Wechatpay-Signature": "AAAA"}, body)
    assert isinstance(error, SignatureVerificationError)
    assert isinstance(error, ResponseVerificationError)
    assert (error.request, error.response) == (None, None)
    assert error.request_id == REQUEST_ID
    assert str(error).endswith(f"(notification, Request-ID: {REQUEST_ID})")
    assert not error.retryable
    assert not error.outcome_unknown


def test_answers_keep_their_errors() -> None:
    # The same class for both, under both names; an answer's error names its call.
    assert ResponseVerificationError is SignatureVerificationError
    request = httpx.Request("POST", "https://api.mch.weixin.qq.com/v3/payscore/acquiringbank/serviceorder/X/sync")
    headers, _ = signed(b"")
    response = httpx.Response(204, headers={**headers, "Wechatpay-Signature": "!!"}, request=request)
    with pytest.raises(MalformedSignatureError) as caught:
        AUTH.verify_response(response)
    assert caught.value.request is request
    assert caught.value.response is response
    assert caught.value.outcome_unknown
    assert "query the order before any retry" in str(caught.value)
    assert str(caught.value).endswith(f"(HTTP 204, Request-ID: {REQUEST_ID})")


def test_subject_of_an_answer() -> None:
    subject = Subject.answer("GET", b"/v3/x?a=%7C", 200)
    assert (subject.noun, subject.name, subject.status) == ("answer", "answer to GET /v3/x?a=%7C", "HTTP 200")
    assert subject.outcome_unknown


# --- the envelope and the resource ---------------------------------------------------------------------------------


def malformed(body: bytes | dict[str, Any]) -> MalformedNotificationError:
    headers, raw = signed(body)
    error = refused(headers, raw)
    assert type(error) is MalformedNotificationError
    assert isinstance(error, NotificationError)
    return error


@pytest.mark.parametrize(
    "body", [b"", b"not json", b"[1, 2]", b'"text"', b"\xff\xfe{}", "{}".encode("utf-16"), b"[" * 100_000]
)
def test_step_6_body_must_be_a_json_object(body: bytes) -> None:
    error = malformed(body)
    assert error.field == "body"
    assert "the notification body is not a JSON object in UTF-8" in str(error)


@pytest.mark.parametrize("name", ["id", "create_time", "event_type", "resource"])
def test_step_6_required_envelope_fields(name: str) -> None:
    document = envelope()
    del document[name]
    assert malformed(document).field == name
    if name != "resource":
        document[name] = ""
        assert "is missing or empty" in str(malformed(document))


@pytest.mark.parametrize("name", ["algorithm", "ciphertext", "nonce"])
def test_step_6_required_resource_fields(name: str) -> None:
    document = envelope()
    del document["resource"][name]
    error = malformed(document)
    assert error.field == f"resource.{name}"
    assert f"resource.{name} is missing or empty" in str(error)


@pytest.mark.parametrize(
    ("path", "value", "shown"),
    [
        (("id",), 123, "id is a number, not a string"),
        (("summary",), ["x"], "summary is an array, not a string"),
        (("resource_type",), True, "resource_type is a boolean, not a string"),
        (("resource", "associated_data"), {"a": 1}, "resource.associated_data is an object, not a string"),
        (("resource", "original_type"), 1.5, "resource.original_type is a number, not a string"),
        (("resource",), "text", "resource is a string, not a JSON object"),
        (("resource",), [1], "resource is an array, not a JSON object"),
    ],
)
def test_step_6_fields_of_the_wrong_type(path: tuple[str, ...], value: object, shown: str) -> None:
    document = envelope()
    *parents, name = path
    target = document
    for parent in parents:
        target = target[parent]
    target[name] = value
    error = malformed(document)
    assert shown in str(error)
    assert error.field == ".".join(path)


def test_step_6_optional_fields() -> None:
    document = envelope(associated_data="")
    del document["summary"]
    del document["resource_type"]
    del document["resource"]["original_type"]
    document["resource"]["associated_data"] = None
    notification = AUTH.open_notification(*signed(document))
    assert (notification.summary, notification.resource_type, notification.original_type) == ("", "", None)
    assert notification.plaintext == USER_CONFIRM


def test_step_7_unknown_algorithm_is_refused_by_name() -> None:
    document = envelope()
    document["resource"]["algorithm"] = "AEAD_CHACHA20_POLY1305"
    headers, body = signed(document)
    error = refused(headers, body)
    assert type(error) is UnsupportedAlgorithmError
    assert "'AEAD_CHACHA20_POLY1305' is not one this package decrypts" in str(error)
    assert (error.field, error.algorithm) == ("resource.algorithm", "AEAD_CHACHA20_POLY1305")


@pytest.mark.parametrize("ciphertext", ["not base64!", "QUJD", "QUJDRA", "QUJDRA==" + "\n"])
def test_step_7_ciphertext_must_be_strict_base64_and_hold_a_tag(ciphertext: str) -> None:
    document = envelope()
    document["resource"]["ciphertext"] = ciphertext
    error = malformed(document)
    assert error.field == "resource.ciphertext"


@pytest.mark.parametrize("nonce", ["short", "elevenchars", "thirteen13131", "ñonceñonceñ"])
def test_step_7_nonce_must_be_12_bytes(nonce: str) -> None:
    document = envelope()
    document["resource"]["nonce"] = nonce
    error = malformed(document)
    assert error.field == "resource.nonce"
    assert "12-byte nonce" in str(error)


@pytest.mark.parametrize("algorithm", [AEAD_AES_256_GCM, AEAD_SM4_GCM])
def test_step_7_wrong_apiv3_key(algorithm: str) -> None:
    headers, body = signed(envelope(algorithm=algorithm, apiv3_key=WRONG_APIV3_KEY))
    error = refused(headers, body)
    assert type(error) is DecryptionError
    assert f"{algorithm} decryption of resource.ciphertext failed its authentication tag" in str(error)
    assert "wrong APIv3 key, or the ciphertext was altered" in str(error)
    assert error.__cause__ is None
    assert error.__suppress_context__


@pytest.mark.parametrize("algorithm", [AEAD_AES_256_GCM, AEAD_SM4_GCM])
@pytest.mark.parametrize("part", ["ciphertext", "tag", "associated_data", "nonce"])
def test_step_7_altered_resource_signed_again(algorithm: str, part: str) -> None:
    document = envelope(algorithm=algorithm)
    resource = document["resource"]
    sealed = bytearray(base64.b64decode(resource["ciphertext"]))
    if part == "ciphertext":
        sealed[0] ^= 1
    elif part == "tag":
        sealed[-1] ^= 0x80
    elif part == "associated_data":
        resource["associated_data"] = "payscorE"
    else:
        resource["nonce"] = RESOURCE_NONCE[:-1] + "d"
    resource["ciphertext"] = base64.b64encode(bytes(sealed)).decode()
    assert type(refused(*signed(document))) is DecryptionError


@pytest.mark.parametrize("plaintext", [b"not json", b"[]", b"\xff", b'"x"'])
def test_step_8_plaintext_must_be_a_json_object(plaintext: bytes) -> None:
    error = malformed(envelope(plaintext=plaintext))
    assert error.field == "resource.ciphertext"
    assert "the decrypted resource.ciphertext is not a JSON object in UTF-8" in str(error)


def test_signature_is_checked_before_the_body_is_read() -> None:
    headers, body = signed(b"not json")
    assert type(refused({**headers, "Wechatpay-Nonce": "other"}, body)) is InvalidSignatureError


def test_opening_needs_the_apiv3_key() -> None:
    headers, body = good()
    auth = make_notify_auth(apiv3_key=None)
    assert auth.verify_notification(headers, body).verified
    with pytest.raises(ConfigurationError, match="opening a notification needs the APIv3 key"):
        auth.open_notification(headers, body)


# --- AEAD_SM4_GCM and the AEAD layer ---------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    plaintext=st.dictionaries(st.text(max_size=8), st.text(max_size=20) | st.integers(), max_size=6),
    associated_data=st.text(max_size=16),
    algorithm=st.sampled_from([AEAD_AES_256_GCM, AEAD_SM4_GCM]),
)
def test_any_resource_round_trips(plaintext: dict[str, Any], associated_data: str, algorithm: str) -> None:
    resource = encrypt_resource(APIV3_KEY, plaintext, associated_data, algorithm=algorithm)
    assert len(resource["nonce"]) == 12
    assert resource["nonce"].isalnum()
    opened = decrypt_resource(
        EncryptedResource(
            algorithm=resource["algorithm"],
            ciphertext=resource["ciphertext"],
            nonce=resource["nonce"],
            associated_data=resource["associated_data"],
        ),
        ApiV3Key(APIV3_KEY),
    )
    assert json.loads(opened) == plaintext


def test_sm4_and_aes_ciphertexts_differ() -> None:
    aes = encrypt_resource(APIV3_KEY, b"{}", "", RESOURCE_NONCE)
    sm4 = encrypt_resource(APIV3_KEY, b"{}", "", RESOURCE_NONCE, algorithm=AEAD_SM4_GCM)
    assert aes["ciphertext"] != sm4["ciphertext"]


def test_without_sm4_in_openssl_the_algorithm_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography.exceptions import UnsupportedAlgorithm

    headers, body = signed(envelope(algorithm=AEAD_SM4_GCM))

    class NoSM4:
        def SM4(self, key: bytes) -> None:
            raise UnsupportedAlgorithm("SM4 is not supported by this backend")

    monkeypatch.setattr(_aead, "algorithms", NoSM4())
    error = refused(headers, body)
    assert type(error) is UnsupportedAlgorithmError
    assert "AEAD_SM4_GCM cannot run here: the OpenSSL that cryptography" in str(error)
    assert "lacks SM3 or SM4-GCM" in str(error)
    with pytest.raises(UnsupportedAlgorithmError, match="AEAD_SM4_GCM cannot run here"):
        encrypt_resource(APIV3_KEY, b"{}", "", RESOURCE_NONCE, algorithm=AEAD_SM4_GCM)
    # AES is untouched.
    assert AUTH.open_notification(*good()).plaintext == USER_CONFIRM


def test_aead_layer_takes_aes_key_lengths_only() -> None:
    with pytest.raises(ConfigurationError, match=r"AEAD_AES_256_GCM key is 32 bytes .* got 5 bytes"):
        aead_decrypt(AEAD_AES_256_GCM, b"short", b"0" * 12, b"0" * 32, b"")
    with pytest.raises(UnsupportedAlgorithmError):
        aead_decrypt("AES", APIV3_KEY.encode(), b"0" * 12, b"0" * 32, b"")


def test_encrypting_takes_a_12_byte_nonce() -> None:
    with pytest.raises(ValueError, match="a resource nonce is 12 bytes; got 5"):
        encrypt_resource(APIV3_KEY, b"{}", "", "short")
    with pytest.raises(UnsupportedAlgorithmError):
        encrypt_resource(APIV3_KEY, b"{}", "", RESOURCE_NONCE, algorithm="AEAD_AES_128_CBC")


# --- repr and logs -------------------------------------------------------------------------------------------------


def test_reprs_show_no_plaintext_values() -> None:
    notification = AUTH.open_notification(*good())
    text = repr(notification)
    assert "<decrypted: service_id, appid, mchid" in text
    assert "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" not in text
    resource = parse_envelope(good()[1]).resource
    assert f"<{len(resource.ciphertext)} Base64 characters>" in repr(resource)


def test_debug_log_names_the_notification(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="wechatpay_auth"):
        AUTH.open_notification(*good())
    assert "opened notification id=0c5f0e2a-7b1d-5c3e-9f40-1a2b3c4d5e99 event_type=PAYSCORE.USER_CONFIRM" in caplog.text
    assert APIV3_KEY not in caplog.text
    assert "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" not in caplog.text


# --- any one changed byte is refused -------------------------------------------------------------------------------

_HEADERS, _BODY = good()
_DOCUMENT = json.loads(_BODY)


def change_one_byte(data: bytes, index: int, delta: int) -> bytes:
    """``data`` with the byte at ``index`` replaced by another value (``delta`` in 1..255 keeps it different)."""
    position = index % len(data)
    return data[:position] + bytes([(data[position] + delta) % 256]) + data[position + 1 :]


def changed_header(name: str, index: int, delta: int) -> dict[str, str]:
    value = change_one_byte(_HEADERS[name].encode("latin-1"), index, delta).decode("latin-1")
    return {**_HEADERS, name: value}


@settings(max_examples=150, deadline=None)
@given(
    part=st.sampled_from(["body", "signature", "timestamp", "nonce", "ciphertext"]),
    index=st.integers(min_value=0),
    delta=st.integers(min_value=1, max_value=255),
)
def test_any_changed_byte_is_refused(part: str, index: int, delta: int) -> None:
    expected: type[Exception] = SignatureVerificationError
    if part == "body":
        headers, body = _HEADERS, change_one_byte(_BODY, index, delta)
    elif part in {"signature", "timestamp", "nonce"}:
        headers, body = changed_header(f"Wechatpay-{part.title()}", index, delta), _BODY
    else:
        # Changed inside the encrypted resource and signed again: the AEAD tag alone must refuse it.
        resource = dict(_DOCUMENT["resource"])
        sealed = change_one_byte(base64.b64decode(resource["ciphertext"]), index, delta)
        resource["ciphertext"] = base64.b64encode(sealed).decode()
        headers, body = signed({**_DOCUMENT, "resource": resource})
        expected = DecryptionError
    with pytest.raises(expected):
        AUTH.open_notification(headers, body)


def test_the_unchanged_notification_opens() -> None:
    assert AUTH.open_notification(_HEADERS, _BODY).plaintext == USER_CONFIRM
