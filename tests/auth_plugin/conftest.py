"""Fixtures for the wechatpay_auth tests.

The peer vectors' keys are test-only. Every other key here is generated at test time and named as a test key.
Clock and nonce are always injected: no test depends on real time.
"""

from __future__ import annotations

import datetime
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from wechatpay_auth import WechatPayAuth, load_private_key, load_public_key

VECTORS = Path(__file__).parent / "vectors"

# Fixed values shared with the peer vectors.
MCHID = "1900000100"
MERCHANT_SERIAL = "3775B6A45ACD588826D15E583A95F5DD2F6D4F0A"
PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001002024112700000000"
NOW = 1_700_000_000
NONCE = "593BEC0C930BF1AFEB40B4A08C8FB242"


@pytest.fixture(scope="session")
def vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / "peer-vectors.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def go_vector() -> dict[str, Any]:
    # Copied from wechatpay-apiv3/wechatpay-go, core/auth/signers/sha256withrsa_signer_test.go (see its "source").
    data: dict[str, Any] = json.loads((VECTORS / "wechatpay-go-signer.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def merchant_private_pem(vectors: dict[str, Any]) -> str:
    pem: str = vectors["keys"]["merchant_private_pem"]
    return pem


@pytest.fixture(scope="session")
def merchant_key(merchant_private_pem: str) -> rsa.RSAPrivateKey:
    return load_private_key(merchant_private_pem)


@pytest.fixture(scope="session")
def platform_key(vectors: dict[str, Any]) -> rsa.RSAPrivateKey:
    """WeChat Pay's side of the test: the key that signs answers (test-only, from the peer vectors)."""
    return load_private_key(vectors["keys"]["platform_private_pem"])


@pytest.fixture(scope="session")
def platform_public_pem(vectors: dict[str, Any]) -> str:
    pem: str = vectors["keys"]["platform_public_pem"]
    return pem


@pytest.fixture(scope="session")
def platform_public_key(platform_public_pem: str) -> rsa.RSAPublicKey:
    return load_public_key(platform_public_pem)


@pytest.fixture(scope="session")
def test_rsa_key() -> rsa.RSAPrivateKey:
    """A second 2048-bit RSA test key, generated now: plays a platform certificate's key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def test_small_rsa_key() -> rsa.RSAPrivateKey:
    """A 1024-bit RSA test key, generated now: too small for WECHATPAY2-SHA256-RSA2048."""
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - rejected on purpose


@pytest.fixture(scope="session")
def test_ec_key() -> ec.EllipticCurvePrivateKey:
    """An EC test key, generated now: not RSA."""
    return ec.generate_private_key(ec.SECP256R1())


def make_test_certificate(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, serial: int) -> x509.Certificate:
    """A self-signed test certificate standing in for a WeChat Pay platform certificate."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Platform Certificate")])
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )


@pytest.fixture(scope="session")
def certificate_factory() -> Callable[[rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, int], x509.Certificate]:
    return make_test_certificate


def counting_nonce(prefix: str = "TESTNONCE") -> Callable[[], str]:
    """A deterministic nonce source: TESTNONCE000…001, TESTNONCE000…002, …"""
    counter = itertools.count(1)
    return lambda: f"{prefix}{next(counter):0{32 - len(prefix)}d}"


@pytest.fixture
def make_auth(merchant_private_pem: str, platform_public_pem: str) -> Callable[..., WechatPayAuth]:
    """Build a WechatPayAuth with the vectors' ids and keys, a fixed clock and the vectors' nonce."""

    def factory(**overrides: Any) -> WechatPayAuth:
        arguments: dict[str, Any] = {
            "mchid": MCHID,
            "serial_no": MERCHANT_SERIAL,
            "private_key": merchant_private_pem,
            "wechatpay_public_keys": {PUBLIC_KEY_ID: platform_public_pem},
            "clock": lambda: NOW,
            "nonce": lambda: NONCE,
        }
        arguments.update(overrides)
        return WechatPayAuth(**arguments)

    return factory
