"""Key loading: PKCS#1, PKCS#8, encrypted PKCS#8, SPKI, certificates; from objects, PEM text/bytes and paths."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from wechatpay_auth import CertificateKey, ConfigurationError, load_certificate, load_private_key, load_public_key

CertificateFactory = Callable[[rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, int], x509.Certificate]
TEST_PASSWORD = "test-password"  # protects a test key generated in this run


def private_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, fmt: serialization.PrivateFormat) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())


def encrypted_pem(key: rsa.RSAPrivateKey) -> bytes:
    algorithm = serialization.BestAvailableEncryption(TEST_PASSWORD.encode())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, algorithm)


def public_pem(key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey, fmt: serialization.PublicFormat) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, fmt)


def same_private(a: rsa.RSAPrivateKey, b: rsa.RSAPrivateKey) -> bool:
    return a.private_numbers() == b.private_numbers()


def same_public(a: rsa.RSAPublicKey, b: rsa.RSAPublicKey) -> bool:
    return a.public_numbers() == b.public_numbers()


# --- private keys --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL])
def test_private_key_pkcs8_and_pkcs1(test_rsa_key: rsa.RSAPrivateKey, fmt: serialization.PrivateFormat) -> None:
    pem = private_pem(test_rsa_key, fmt)
    assert (b"BEGIN RSA PRIVATE KEY" in pem) is (fmt is serialization.PrivateFormat.TraditionalOpenSSL)
    assert same_private(load_private_key(pem), test_rsa_key)
    assert same_private(load_private_key(pem.decode()), test_rsa_key)


def test_private_key_from_path(test_rsa_key: rsa.RSAPrivateKey, tmp_path: Path) -> None:
    path = tmp_path / "apiclient_key.pem"
    path.write_bytes(private_pem(test_rsa_key, serialization.PrivateFormat.PKCS8))
    assert same_private(load_private_key(path), test_rsa_key)
    assert same_private(load_private_key(str(path)), test_rsa_key)


def test_private_key_object_passes_through(test_rsa_key: rsa.RSAPrivateKey) -> None:
    assert load_private_key(test_rsa_key) is test_rsa_key


@pytest.mark.parametrize("password", [TEST_PASSWORD, TEST_PASSWORD.encode()])
def test_encrypted_pkcs8(test_rsa_key: rsa.RSAPrivateKey, password: str | bytes) -> None:
    assert same_private(load_private_key(encrypted_pem(test_rsa_key), password=password), test_rsa_key)


def test_encrypted_pkcs8_without_password(test_rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(ConfigurationError, match="is encrypted: pass its password"):
        load_private_key(encrypted_pem(test_rsa_key))


def test_encrypted_pkcs8_wrong_password(test_rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(ConfigurationError, match="password is wrong"):
        load_private_key(encrypted_pem(test_rsa_key), password="not-the-test-password")


def test_password_for_a_plain_key(test_rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(ConfigurationError, match="not encrypted"):
        load_private_key(private_pem(test_rsa_key, serialization.PrivateFormat.PKCS8), password=TEST_PASSWORD)


def test_private_key_rejects_a_public_key(test_rsa_key: rsa.RSAPrivateKey) -> None:
    pem = public_pem(test_rsa_key.public_key(), serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(ConfigurationError, match="that is a public key or certificate"):
        load_private_key(pem)


def test_private_key_rejects_garbage_pem() -> None:
    with pytest.raises(ConfigurationError, match="could not be read"):
        load_private_key("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")


def test_private_key_rejects_non_rsa(test_ec_key: ec.EllipticCurvePrivateKey) -> None:
    with pytest.raises(ConfigurationError, match="needs an RSA key"):
        load_private_key(private_pem(test_ec_key, serialization.PrivateFormat.PKCS8))


def test_private_key_rejects_small_rsa(test_small_rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(ConfigurationError, match=r"1024-bit RSA key; .* at least 2048 bits"):
        load_private_key(test_small_rsa_key)


def test_private_key_bytes_must_be_pem() -> None:
    with pytest.raises(ConfigurationError, match="not PEM"):
        load_private_key(b"\x30\x82\x04\xbe")


def test_private_key_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="neither PEM text nor a readable file") as caught:
        load_private_key(str(tmp_path / "missing.pem"))
    assert "missing.pem" not in str(caught.value)  # a str that is not PEM may be a mangled key: never echoed
    with pytest.raises(ConfigurationError, match=r"missing\.pem"):
        load_private_key(tmp_path / "missing.pem")  # an explicit path object is shown


def test_private_key_path_with_nul_byte() -> None:
    with pytest.raises(ConfigurationError, match="not a usable path"):
        load_private_key("bad\x00path")


def test_private_key_file_without_pem(tmp_path: Path) -> None:
    path = tmp_path / "key.der"
    path.write_bytes(b"\x30\x82")
    with pytest.raises(ConfigurationError, match="holds no PEM block"):
        load_private_key(path)


# --- public keys and certificates --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [serialization.PublicFormat.SubjectPublicKeyInfo, serialization.PublicFormat.PKCS1])
def test_public_key_spki_and_pkcs1(test_rsa_key: rsa.RSAPrivateKey, fmt: serialization.PublicFormat) -> None:
    pem = public_pem(test_rsa_key.public_key(), fmt)
    assert same_public(load_public_key(pem), test_rsa_key.public_key())
    assert same_public(load_public_key(pem.decode()), test_rsa_key.public_key())


def test_public_key_from_path(platform_public_pem: str, platform_key: rsa.RSAPrivateKey, tmp_path: Path) -> None:
    path = tmp_path / "pub_key.pem"
    path.write_text(platform_public_pem)
    assert same_public(load_public_key(path), platform_key.public_key())


def test_public_key_object_passes_through(test_rsa_key: rsa.RSAPrivateKey) -> None:
    public_key = test_rsa_key.public_key()
    assert load_public_key(public_key) is public_key


def test_public_key_from_certificate(test_rsa_key: rsa.RSAPrivateKey, certificate_factory: CertificateFactory) -> None:
    certificate = certificate_factory(test_rsa_key, 0x1234)
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    for source in (certificate, pem, pem.decode(), CertificateKey(serial="1234", public_key=test_rsa_key.public_key())):
        assert same_public(load_public_key(source), test_rsa_key.public_key())


def test_certificate_serial_is_upper_case_hex(
    test_rsa_key: rsa.RSAPrivateKey, certificate_factory: CertificateFactory, tmp_path: Path
) -> None:
    serial = 0x3775B6A45ACD588826D15E583A95F5DD2F6D4F0A
    certificate = certificate_factory(test_rsa_key, serial)
    path = tmp_path / "apiclient_cert.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    for source in (certificate, path, path.read_text(), path.read_bytes()):
        loaded = load_certificate(source)
        assert loaded.serial == "3775B6A45ACD588826D15E583A95F5DD2F6D4F0A"
        assert same_public(loaded.public_key, test_rsa_key.public_key())
    assert "public_key" not in repr(load_certificate(certificate))


def test_certificate_rejects_garbage() -> None:
    with pytest.raises(ConfigurationError, match=r"X\.509 certificate"):
        load_certificate("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")


def test_certificate_with_non_rsa_key(
    test_ec_key: ec.EllipticCurvePrivateKey, certificate_factory: CertificateFactory
) -> None:
    with pytest.raises(ConfigurationError, match="needs an RSA key"):
        load_certificate(certificate_factory(test_ec_key, 7))


def test_public_key_rejects_a_private_key(merchant_private_pem: str) -> None:
    with pytest.raises(ConfigurationError, match="is a private key") as caught:
        load_public_key(merchant_private_pem)
    assert "MII" not in str(caught.value)


def test_public_key_rejects_garbage() -> None:
    with pytest.raises(ConfigurationError, match="PEM public key"):
        load_public_key("-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n")


def test_public_key_rejects_non_rsa(test_ec_key: ec.EllipticCurvePrivateKey) -> None:
    with pytest.raises(ConfigurationError, match="needs an RSA key"):
        load_public_key(public_pem(test_ec_key.public_key(), serialization.PublicFormat.SubjectPublicKeyInfo))


def test_public_key_rejects_small_rsa(test_small_rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(ConfigurationError, match="1024-bit"):
        load_public_key(test_small_rsa_key.public_key())


def test_public_key_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"pub_key\.pem"):
        load_public_key(str(tmp_path / "pub_key.pem"))
