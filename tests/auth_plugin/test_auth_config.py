"""Misconfiguration fails when ``WechatPayAuth`` is built, with a message that says what to change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from wechatpay_auth import ConfigurationError, WechatPayAuth

MERCHANT_SERIAL = "3775B6A45ACD588826D15E583A95F5DD2F6D4F0A"
PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001002024112700000000"
PLATFORM_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232D1B8E1"
CertificateFactory = Callable[[rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, int], x509.Certificate]


def test_valid_configuration(make_auth: Callable[..., WechatPayAuth]) -> None:
    auth = make_auth()
    assert auth.wechatpay_serials == (PUBLIC_KEY_ID,)


@pytest.mark.parametrize("mchid", ["", "19000001OO", "1900000100 ", 1900000100, "1" * 33])
def test_mchid_must_be_digits(make_auth: Callable[..., WechatPayAuth], mchid: Any) -> None:
    with pytest.raises(ConfigurationError, match="mchid must be the merchant id as a string of digits"):
        make_auth(mchid=mchid)


@pytest.mark.parametrize(
    ("serial", "hint"),
    [
        (MERCHANT_SERIAL.lower(), f"upper-case hex without separators: use {MERCHANT_SERIAL}"),
        ("37:75:b6:a4:5a:cd:58:88:26:d1:5e:58:3a:95:f5:dd:2f:6d:4f:0a", f"use {MERCHANT_SERIAL}"),
        (str(int(MERCHANT_SERIAL, 16)), f"decimal number; in upper-case hex it is {MERCHANT_SERIAL}"),
        (int(MERCHANT_SERIAL, 16), f"use {MERCHANT_SERIAL}"),
        (PUBLIC_KEY_ID, "public key id, not a certificate serial"),
        ("", "upper-case hex digits"),
        ("G" * 10, "upper-case hex digits"),
        ("A" * 41, "upper-case hex digits"),
        (None, "must be a string"),
        (True, "must be a string"),
    ],
)
def test_serial_no_shape(make_auth: Callable[..., WechatPayAuth], serial: Any, hint: str) -> None:
    with pytest.raises(ConfigurationError, match="serial_no") as caught:
        make_auth(serial_no=serial)
    assert hint in str(caught.value)


def test_empty_mapping(make_auth: Callable[..., WechatPayAuth]) -> None:
    with pytest.raises(ConfigurationError, match="wechatpay_public_keys must map"):
        make_auth(wechatpay_public_keys={})


def test_mapping_required(make_auth: Callable[..., WechatPayAuth], platform_public_pem: str) -> None:
    with pytest.raises(ConfigurationError, match="wechatpay_public_keys must map"):
        make_auth(wechatpay_public_keys=[platform_public_pem])


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("PUB_KEY_ID_", "'PUB_KEY_ID_' followed by digits"),
        ("PUB_KEY_ID_01190000010020241127000000AB", "'PUB_KEY_ID_' followed by digits"),
        ("pub_key_id_0119000001002024112700000000", "'PUB_KEY_ID_' followed by digits"),
        ("PUB_KEY_ID0119000001002024112700000000", "'PUB_KEY_ID_' followed by digits"),
        (PLATFORM_SERIAL.lower(), f"use {PLATFORM_SERIAL}"),
        ("my-wechat-key", "upper-case hex digits"),
    ],
)
def test_wechatpay_serial_shape(
    make_auth: Callable[..., WechatPayAuth], platform_public_pem: str, key: str, hint: str
) -> None:
    with pytest.raises(ConfigurationError, match="wechatpay_public_keys") as caught:
        make_auth(wechatpay_public_keys={key: platform_public_pem})
    assert hint in str(caught.value)


def test_merchant_serial_among_wechatpay_keys(
    make_auth: Callable[..., WechatPayAuth], platform_public_pem: str
) -> None:
    with pytest.raises(ConfigurationError, match="merchant's own serial_no"):
        make_auth(wechatpay_public_keys={PUBLIC_KEY_ID: platform_public_pem, MERCHANT_SERIAL: platform_public_pem})


def test_merchant_public_key_among_wechatpay_keys(
    make_auth: Callable[..., WechatPayAuth], vectors: dict[str, Any]
) -> None:
    with pytest.raises(ConfigurationError, match="merchant's own public key"):
        make_auth(wechatpay_public_keys={PUBLIC_KEY_ID: vectors["keys"]["merchant_public_pem"]})


def test_certificate_listed_under_another_serial(
    make_auth: Callable[..., WechatPayAuth], test_rsa_key: rsa.RSAPrivateKey, certificate_factory: CertificateFactory
) -> None:
    certificate = certificate_factory(test_rsa_key, int(PLATFORM_SERIAL, 16))
    with pytest.raises(ConfigurationError, match=f"serial is {PLATFORM_SERIAL}: list it under that serial"):
        make_auth(wechatpay_public_keys={"ABCDEF": certificate})
    with pytest.raises(ConfigurationError, match="list it under that serial"):
        make_auth(wechatpay_public_keys={PUBLIC_KEY_ID: certificate})


def test_wechatpay_keys_of_every_kind_at_once(
    make_auth: Callable[..., WechatPayAuth],
    platform_public_pem: str,
    test_rsa_key: rsa.RSAPrivateKey,
    certificate_factory: CertificateFactory,
) -> None:
    certificate = certificate_factory(test_rsa_key, int(PLATFORM_SERIAL, 16))
    keys = {
        PUBLIC_KEY_ID: platform_public_pem.encode(),
        PLATFORM_SERIAL: certificate.public_bytes(serialization.Encoding.PEM).decode(),
        "PUB_KEY_ID_0119000001002025010100000000": test_rsa_key.public_key(),
    }
    assert make_auth(wechatpay_public_keys=keys).wechatpay_serials == tuple(keys)


def test_non_rsa_wechatpay_key(
    make_auth: Callable[..., WechatPayAuth], test_ec_key: ec.EllipticCurvePrivateKey
) -> None:
    with pytest.raises(ConfigurationError, match=r"wechatpay_public_keys\['PUB_KEY_ID_1'\] is a .* needs an RSA key"):
        make_auth(wechatpay_public_keys={"PUB_KEY_ID_1": test_ec_key.public_key()})


def test_small_merchant_key(make_auth: Callable[..., WechatPayAuth], test_small_rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(ConfigurationError, match="private_key is a 1024-bit RSA key"):
        make_auth(private_key=test_small_rsa_key)


def test_encrypted_merchant_key_with_password(
    make_auth: Callable[..., WechatPayAuth], merchant_key: rsa.RSAPrivateKey
) -> None:
    password = b"test-password"  # protects the test-only vector key, re-encrypted in this run
    pem = merchant_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password),
    )
    make_auth(private_key=pem, private_key_password=password)
    with pytest.raises(ConfigurationError, match="private_key is encrypted"):
        make_auth(private_key=pem)


def test_keyword_only(merchant_private_pem: str, platform_public_pem: str) -> None:
    with pytest.raises(TypeError):
        WechatPayAuth("1900000100", MERCHANT_SERIAL, merchant_private_pem, {PUBLIC_KEY_ID: platform_public_pem})  # type: ignore[call-arg]
