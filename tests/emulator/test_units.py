"""Configuration, demo material and the small pure functions, without a server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from wechatpay_emulator import (
    ConfigError,
    EmulatorConfig,
    InvalidOrderError,
    Order,
    SignatureError,
    demo,
    paid_time_is_valid,
)
from wechatpay_emulator._signing import parse_authorization
from wechatpay_emulator._validation import ecma_anchored

VECTORS = json.loads((Path(__file__).parents[1] / "auth_plugin" / "vectors" / "peer-vectors.json").read_text())


def test_demo_keys_are_the_vectors_and_the_ids_match() -> None:
    keys = VECTORS["keys"]
    assert demo.demo_merchant_private_key_path().read_text().strip() == keys["merchant_private_pem"].strip()
    assert demo.demo_merchant_public_key_path().read_text().strip() == keys["merchant_public_pem"].strip()
    assert demo.demo_wechatpay_private_key_path().read_text().strip() == keys["platform_private_pem"].strip()
    assert demo.demo_wechatpay_public_key_path().read_text().strip() == keys["platform_public_pem"].strip()
    assert VECTORS["ids"]["mchid"] == demo.DEMO_MCHID
    assert VECTORS["ids"]["merchant_serial_no"] == demo.DEMO_MERCHANT_SERIAL
    assert VECTORS["ids"]["platform_public_key_id"] == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID


def test_demo_platform_certificate() -> None:
    certificate = x509.load_pem_x509_certificate(demo.demo_platform_certificate_path().read_bytes())
    assert format(certificate.serial_number, "040X") == demo.DEMO_PLATFORM_SERIAL
    assert len(demo.DEMO_PLATFORM_SERIAL) == 40
    assert certificate.serial_number >> 159 == 0
    assert "TEST ONLY" in certificate.subject.rfc4514_string()
    key = serialization.load_pem_private_key(demo.demo_platform_private_key_path().read_bytes(), None)
    assert key.public_key().public_numbers() == certificate.public_key().public_numbers()  # type: ignore[union-attr]


def test_demo_config() -> None:
    config = EmulatorConfig.demo()
    assert config.platform_serial == demo.DEMO_PLATFORM_SERIAL
    assert config.orders == (demo.DEMO_ORDER,)
    assert "PRIVATE" not in repr(config)
    assert "PRIVATE" not in json.dumps(config.public_material())


def test_only_one_wechatpay_key_signs_everything() -> None:
    from wechatpay_emulator._responses import ResponseSigner

    only_platform = EmulatorConfig.demo(wechatpay_private_key=None, wechatpay_key_id=None)
    only_public = EmulatorConfig.demo(platform_private_key=None, platform_certificate=None)
    assert ResponseSigner(only_platform).key_for(demo.DEMO_WECHATPAY_PUBLIC_KEY_ID)[0] == demo.DEMO_PLATFORM_SERIAL
    assert ResponseSigner(only_public).key_for(None)[0] == demo.DEMO_WECHATPAY_PUBLIC_KEY_ID
    assert only_public.public_material()["platform_certificate_pem"] is None


@pytest.mark.parametrize(
    "overrides",
    [
        {"wechatpay_key_id": None},
        {"wechatpay_key_id": "KEY_1"},
        {"platform_serial": "ABC"},
        {"platform_certificate": None, "platform_serial": "abc"},
        {"platform_private_key": demo.demo_wechatpay_private_key_path().read_bytes()},
        {
            "wechatpay_private_key": None,
            "wechatpay_key_id": None,
            "platform_private_key": None,
            "platform_certificate": None,
        },
        {"merchant_public_key": b"not a key"},
        {"wechatpay_private_key": b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"},
        {"body_limit": 0},
        {"mchid": ""},
    ],
)
def test_inconsistent_configs_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(ConfigError) as raised:
        EmulatorConfig.demo(**overrides)
    assert "PRIVATE KEY" not in str(raised.value)


def test_merchant_key_may_be_a_certificate() -> None:
    certificate = demo.demo_platform_certificate_path().read_bytes()
    config = EmulatorConfig.demo(merchant_public_key=certificate)
    assert config.merchant_public_key.key_size == 2048


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("20091225091210", True),
        ("20091225", True),
        ("20080229", True),
        ("20000229", True),
        ("19000229", False),
        ("20090229", False),
        ("20090230", False),
        ("20090431", False),
        ("20091225\n", False),
        ("2009122509121", False),
        ("\uff12\uff10\uff10\uff19\uff11\uff12\uff12\uff15", False),  # full-width digits
        ("20091225246000", False),
        (20091225, True),  # not a string: left to `type`
    ],
)
def test_paid_time_format(value: object, valid: bool) -> None:
    assert paid_time_is_valid(value) is valid


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("^a$", r"^a\Z"), ("^[$]$", r"^[$]\Z"), (r"^a\$$", r"^a\$\Z")],
)
def test_ecma_anchors(pattern: str, expected: str) -> None:
    assert ecma_anchored(pattern) == expected


def test_authorization_parsing() -> None:
    fields = parse_authorization(
        'WECHATPAY2-SHA256-RSA2048 serial_no="S", timestamp="1",signature="a=b",nonce_str="n",mchid="m",extra="x"'
    )
    assert (fields.mchid, fields.nonce_str, fields.signature, fields.timestamp, fields.serial_no) == (
        "m",
        "n",
        "a=b",
        "1",
        "S",
    )
    with pytest.raises(SignatureError):
        parse_authorization('WECHATPAY2-SHA256-RSA2048 mchid="m"')


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"out_order_no": "X", "service_id": "S"},
        {"out_order_no": "X", "service_id": "S", "sub_mchid": "M", "state": "PAID"},
        {"out_order_no": "X", "service_id": "S", "sub_mchid": "M", "state_description": "NOPE"},
        {"out_order_no": "X", "service_id": "S", "sub_mchid": "M", "channel_id": 5},
        {"out_order_no": "X", "service_id": "S", "sub_mchid": "M", "colour": "red"},
    ],
)
def test_bad_orders(data: object) -> None:
    with pytest.raises(InvalidOrderError):
        Order.from_json(data)


def test_order_json_round_trip() -> None:
    order = Order(out_order_no="X", service_id="S", sub_mchid="M", channel_id="C", state="DONE", state_description=None)
    assert Order.from_json(order.to_json()) == order
