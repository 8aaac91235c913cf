"""Loading RSA keys and certificates: once, at construction, from key objects, PEM text/bytes or file paths."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeAlias

import attrs
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from wechatpay_auth._errors import ConfigurationError

__all__ = [
    "CertificateKey",
    "CertificateSource",
    "PrivateKeySource",
    "PublicKeySource",
    "load_certificate",
    "load_private_key",
    "load_public_key",
]

MIN_KEY_BITS = 2048

PrivateKeySource: TypeAlias = rsa.RSAPrivateKey | str | bytes | os.PathLike[str]
CertificateSource: TypeAlias = x509.Certificate | str | bytes | os.PathLike[str]


@attrs.frozen
class CertificateKey:
    """A certificate's public key and its serial, in upper-case hex as ``Wechatpay-Serial`` and ``serial_no`` use it."""

    serial: str
    public_key: rsa.RSAPublicKey = attrs.field(repr=False)


PublicKeySource: TypeAlias = rsa.RSAPublicKey | CertificateKey | x509.Certificate | str | bytes | os.PathLike[str]

_PEM_MARK = b"-----BEGIN"
_MAX_SHOWN_PATH = 200


def _read_pem(source: str | bytes | os.PathLike[str], what: str, *, secret: bool) -> bytes:
    """PEM text is recognised by its ``-----BEGIN`` line; any other string or path-like is a file to read."""
    if isinstance(source, bytes):
        if _PEM_MARK in source:
            return source
        raise ConfigurationError(f"{what}: the bytes given are not PEM (no '-----BEGIN' line)")
    if isinstance(source, str) and "-----BEGIN" in source:
        return source.encode("utf-8")
    # A secret passed by mistake as a "path" (say a key without its PEM armour, one long line) must not be echoed;
    # a real path is short and printable, and naming it is what lets the operator fix it.
    # A text "path" of a private key may be the key or its password mistyped: only a path object is named there.
    path = os.fspath(source)
    if secret and isinstance(source, str):
        shown = "(value not shown)"
    elif isinstance(path, str) and len(path) <= _MAX_SHOWN_PATH and path.isprintable():
        shown = repr(path)
    else:
        shown = "(not shown: it does not look like a path)"
    try:
        data = Path(source).read_bytes()
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "not a usable path"
        raise ConfigurationError(f"{what} is neither PEM text nor a readable file {shown}: {reason}") from None
    if _PEM_MARK not in data:
        raise ConfigurationError(f"{what}: file {shown} holds no PEM block ('-----BEGIN ...')")
    return data


def _check_rsa_size(bits: int, what: str) -> None:
    if bits < MIN_KEY_BITS:
        raise ConfigurationError(f"{what} is a {bits}-bit RSA key; WECHATPAY2-SHA256-RSA2048 needs at least 2048 bits")


def _private_key(
    source: PrivateKeySource, password: str | bytes | None, what: str, password_what: str
) -> rsa.RSAPrivateKey:
    key: object = source
    # Anything but text, bytes or a path is taken as a key object, and must then be RSA.
    if isinstance(source, str | bytes | os.PathLike):
        data = _read_pem(source, what, secret=True)
        secret = password.encode("utf-8") if isinstance(password, str) else password
        try:
            key = serialization.load_pem_private_key(data, password=secret)
        except TypeError:
            # cryptography's way of saying the password does not fit the key's encryption state.
            if secret is None:
                raise ConfigurationError(f"{what} is encrypted: pass its password ({password_what})") from None
            raise ConfigurationError(f"{what} is not encrypted: do not pass a password ({password_what})") from None
        except (ValueError, UnsupportedAlgorithm):
            hint = " (that is a public key or certificate)" if b"PRIVATE KEY" not in data else ""
            raise ConfigurationError(
                f"{what} could not be read as a PKCS#1 or PKCS#8 RSA private key{hint}, or its password is wrong "
                f"({password_what})"
            ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigurationError(f"{what} is a {type(key).__name__}; WECHATPAY2-SHA256-RSA2048 needs an RSA key")
    _check_rsa_size(key.key_size, what)
    return key


def _certificate(source: CertificateSource, what: str) -> CertificateKey:
    if isinstance(source, x509.Certificate):
        certificate = source
    else:
        # Read first: an unreadable file is its own ConfigurationError (a ValueError), naming the file.
        data = _read_pem(source, what, secret=False)
        try:
            certificate = x509.load_pem_x509_certificate(data)
        except ValueError:
            raise ConfigurationError(f"{what} could not be read as a PEM X.509 certificate") from None
    return CertificateKey(
        serial=f"{certificate.serial_number:X}", public_key=_rsa_public(certificate.public_key(), what)
    )


def _rsa_public(key: object, what: str) -> rsa.RSAPublicKey:
    if not isinstance(key, rsa.RSAPublicKey):
        raise ConfigurationError(f"{what} is a {type(key).__name__}; WECHATPAY2-SHA256-RSA2048 needs an RSA key")
    _check_rsa_size(key.key_size, what)
    return key


def _public_key(source: PublicKeySource, what: str) -> rsa.RSAPublicKey | CertificateKey:
    if isinstance(source, CertificateKey):
        return CertificateKey(serial=source.serial, public_key=_rsa_public(source.public_key, what))
    if isinstance(source, x509.Certificate):
        return _certificate(source, what)
    if not isinstance(source, str | bytes | os.PathLike):
        return _rsa_public(source, what)
    data = _read_pem(source, what, secret=False)
    if b"PRIVATE KEY" in data:
        raise ConfigurationError(f"{what} is a private key; expected a WeChat Pay public key or certificate")
    if b"CERTIFICATE" in data:
        return _certificate(data, what)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise ConfigurationError(f"{what} could not be read as a PEM public key (SPKI or PKCS#1)") from None
    return _rsa_public(key, what)


def load_private_key(
    source: PrivateKeySource,
    *,
    password: str | bytes | None = None,
    what: str = "private key",
    password_what: str = "private_key_password",  # noqa: S107 - the name of a setting, not a password
) -> rsa.RSAPrivateKey:
    """Load the merchant API private key that signs requests (SHA256withRSA, at least 2048 bits).

    ``source`` is a key object, PEM text or bytes (PKCS#1 ``RSA PRIVATE KEY``, PKCS#8 ``PRIVATE KEY``, encrypted
    PKCS#8 with ``password``) or the path of such a file. Error messages never quote the key or the password;
    they name the key as ``what`` and the password's setting as ``password_what``.
    """
    return _private_key(source, password, what, password_what)


def load_public_key(source: PublicKeySource, *, what: str = "public key") -> rsa.RSAPublicKey:
    """Load an RSA public key that verifies WeChat Pay answers: SPKI/PKCS#1 PEM, an X.509 certificate or a path."""
    loaded = _public_key(source, what)
    return loaded.public_key if isinstance(loaded, CertificateKey) else loaded


def load_certificate(source: CertificateSource, *, what: str = "certificate") -> CertificateKey:
    """Load an X.509 certificate (object, PEM or path): its RSA public key and its upper-case hex serial.

    Protocol rule: platform certificates are named in ``Wechatpay-Serial`` by that serial, and the merchant API
    certificate's serial is the ``serial_no`` of ``Authorization``.
    """
    return _certificate(source, what)


def load_verification_key(source: PublicKeySource, what: str) -> rsa.RSAPublicKey | CertificateKey:
    """Load a value of ``wechatpay_public_keys``: a bare public key, or a certificate that keeps its serial."""
    return _public_key(source, what)
