"""Loading RSA keys and certificates from PEM, the forms a WeChat Pay merchant handles them in."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from ._errors import ConfigError

__all__ = [
    "PrivateKeyInput",
    "PublicKeyInput",
    "certificate_serial",
    "load_certificate",
    "load_private_key",
    "load_public_key",
    "public_key_pem",
    "read_pem_file",
]

PublicKeyInput = RSAPublicKey | x509.Certificate | bytes | str
PrivateKeyInput = RSAPrivateKey | bytes | str


def _pem_bytes(value: bytes | str) -> bytes:
    return value.encode("ascii") if isinstance(value, str) else value


def load_private_key(value: PrivateKeyInput) -> RSAPrivateKey:
    """An RSA private key from a key object or unencrypted PEM (PKCS#8 or PKCS#1)."""
    if isinstance(value, RSAPrivateKey):
        return value
    try:
        key = serialization.load_pem_private_key(_pem_bytes(value), password=None)
    except (ValueError, TypeError, UnicodeError):
        # Not chained: nothing about a private key, not even a parser's message, leaves this function.
        raise ConfigError("not an unencrypted PEM private key") from None
    if not isinstance(key, RSAPrivateKey):
        raise ConfigError("WECHATPAY2-SHA256-RSA2048 needs an RSA private key")
    return key


def load_certificate(value: x509.Certificate | bytes | str) -> x509.Certificate:
    """An X.509 certificate from an object or PEM."""
    if isinstance(value, x509.Certificate):
        return value
    try:
        return x509.load_pem_x509_certificate(_pem_bytes(value))
    except (ValueError, TypeError, UnicodeError) as exc:
        raise ConfigError(f"not a PEM certificate: {exc}") from exc


def load_public_key(value: PublicKeyInput) -> RSAPublicKey:
    """An RSA public key from a key object, a certificate, `PUBLIC KEY` PEM or `CERTIFICATE` PEM.

    WeChat Pay knows a merchant by its API certificate; merchants hand either the certificate or its bare public key
    around, so both are accepted.
    """
    if isinstance(value, RSAPublicKey):
        return value
    key: object
    if isinstance(value, x509.Certificate):
        key = value.public_key()
    else:
        pem = _pem_bytes(value)
        if b"-----BEGIN CERTIFICATE-----" in pem:
            key = load_certificate(pem).public_key()
        else:
            try:
                key = serialization.load_pem_public_key(pem)
            except (ValueError, TypeError, UnicodeError) as exc:
                raise ConfigError(f"not a PEM public key or certificate: {exc}") from exc
    if not isinstance(key, RSAPublicKey):
        raise ConfigError("WECHATPAY2-SHA256-RSA2048 needs an RSA public key")
    return key


def read_pem_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a PEM file, as a `ConfigError` when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc


def certificate_serial(certificate: x509.Certificate) -> str:
    """The serial as WeChat Pay writes it: upper-case hexadecimal (never decimal)."""
    return format(certificate.serial_number, "X")


def public_key_pem(key: RSAPublicKey) -> str:
    """`-----BEGIN PUBLIC KEY-----` PEM (SubjectPublicKeyInfo), the form WeChat Pay publishes its public key in."""
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
