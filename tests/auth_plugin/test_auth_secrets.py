"""No secret leaks: the private key never appears in repr, str, logs, exception messages or tracebacks."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from wechatpay_auth import (
    ConfigurationError,
    InvalidSignatureError,
    WechatPayAuth,
    WechatPayError,
    load_private_key,
    load_public_key,
)

URL = "https://api.mch.weixin.qq.com/v3/payscore/acquiringbank/serviceorder/1234323JKHDFE1243252/sync"
BODY = b'{"service_id":"2002000000000558128851361561536"}'


def secrets_of(pem: str, key: rsa.RSAPrivateKey) -> list[str]:
    """Fragments that would betray the key: PEM lines and the private numbers in decimal and hex."""
    lines = [line for line in pem.splitlines() if line and not line.startswith("-----")]
    numbers = key.private_numbers()
    values = [numbers.d, numbers.p, numbers.q, numbers.dmp1, numbers.dmq1, numbers.iqmp]
    return lines + [str(v)[:40] for v in values] + [f"{v:x}"[:40] for v in values] + [f"{v:X}"[:40] for v in values]


def assert_clean(text: str, pem: str, key: rsa.RSAPrivateKey) -> None:
    leaked = [fragment for fragment in secrets_of(pem, key) if fragment in text]
    assert not leaked, f"key material leaked: {leaked[:1]}"


def test_repr_and_str(
    make_auth: Callable[..., WechatPayAuth], merchant_private_pem: str, merchant_key: rsa.RSAPrivateKey
) -> None:
    auth = make_auth()
    for text in (repr(auth), str(auth), repr(vars(auth)), str(vars(auth))):
        assert_clean(text, merchant_private_pem, merchant_key)
    assert repr(auth) == (
        "WechatPayAuth(mchid='1900000100', serial_no='3775B6A45ACD588826D15E583A95F5DD2F6D4F0A', "
        "wechatpay_serials=('PUB_KEY_ID_0119000001002024112700000000',))"
    )


def test_debug_log_records_the_call_but_not_the_key(
    make_auth: Callable[..., WechatPayAuth],
    merchant_private_pem: str,
    merchant_key: rsa.RSAPrivateKey,
    caplog: pytest.LogCaptureFixture,
) -> None:
    auth = make_auth()
    request = httpx.Request("POST", URL, content=BODY)
    with caplog.at_level(logging.DEBUG, logger="wechatpay_auth"):
        flow = auth.auth_flow(request)
        next(flow)
        with pytest.raises(WechatPayError) as caught:
            flow.send(httpx.Response(204, request=request))
    [signed, *_] = [record for record in caplog.records if record.getMessage().startswith("signed")]
    assert signed.levelno == logging.DEBUG
    text = signed.getMessage()
    assert "POST " + URL in text
    assert "timestamp=1700000000" in text
    assert "nonce=593BEC0C930BF1AFEB40B4A08C8FB242" in text
    assert f"body_length={len(BODY)}" in text
    canonical = (
        "POST\\n/v3/payscore/acquiringbank/serviceorder/1234323JKHDFE1243252/sync\\n1700000000\\n"
        "593BEC0C930BF1AFEB40B4A08C8FB242\\n" + BODY.decode() + "\\n"
    )
    assert f"message={canonical}" in text
    assert "\n" not in text
    everything = caplog.text + "".join(traceback.format_exception(caught.value))
    assert_clean(everything, merchant_private_pem, merchant_key)


def test_unsigned_error_is_logged(make_auth: Callable[..., WechatPayAuth], caplog: pytest.LogCaptureFixture) -> None:
    request = httpx.Request("POST", URL, content=BODY)
    flow = make_auth().auth_flow(request)
    next(flow)
    with caplog.at_level(logging.INFO, logger="wechatpay_auth"), pytest.raises(StopIteration):
        flow.send(httpx.Response(502, request=request))
    assert "carries no WeChat Pay signature" in caplog.text


def test_verification_error_traceback(
    make_auth: Callable[..., WechatPayAuth], merchant_private_pem: str, merchant_key: rsa.RSAPrivateKey
) -> None:
    request = httpx.Request("POST", URL, content=BODY)
    flow = make_auth().auth_flow(request)
    next(flow)
    headers = {
        "Wechatpay-Timestamp": "1700000000",
        "Wechatpay-Nonce": "N",
        "Wechatpay-Signature": "AAAA",
        "Wechatpay-Serial": "PUB_KEY_ID_0119000001002024112700000000",
    }
    with pytest.raises(InvalidSignatureError) as caught:
        flow.send(httpx.Response(204, headers=headers, request=request))
    text = str(caught.value) + repr(caught.value) + "".join(traceback.format_exception(caught.value))
    assert_clean(text, merchant_private_pem, merchant_key)


def mangled_sources(pem: str, tmp_path: Path) -> list[str | bytes | Path]:
    body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    truncated = pem[: len(pem) // 2]
    unarmoured = tmp_path / "unarmoured.pem"
    unarmoured.write_text(body)
    return [
        body,  # the key pasted without its PEM armour: taken for a path, must not be echoed
        body.encode(),
        truncated,
        truncated.encode(),
        pem.replace("PRIVATE KEY", "PUBLIC KEY"),
        pem.replace("A", "B"),
        unarmoured,
    ]


def test_configuration_errors_never_quote_the_key(
    merchant_private_pem: str, merchant_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    for source in mangled_sources(merchant_private_pem, tmp_path):
        with pytest.raises(ConfigurationError) as caught:
            load_private_key(source)
        text = str(caught.value) + repr(caught.value) + "".join(traceback.format_exception(caught.value))
        assert_clean(text, merchant_private_pem, merchant_key)
        assert caught.value.__cause__ is None


def test_wrong_password_error_never_quotes_the_key(merchant_key: rsa.RSAPrivateKey) -> None:
    password = b"test-password"  # protects the test-only vector key, re-encrypted in this run
    pem = merchant_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(password)
    ).decode()
    with pytest.raises(ConfigurationError) as caught:
        load_private_key(pem, password=b"wrong")
    text = "".join(traceback.format_exception(caught.value))
    assert_clean(text, pem, merchant_key)
    assert "wrong" not in str(caught.value).replace("password is wrong", "")


def test_construction_error_never_quotes_the_key(
    make_auth: Callable[..., WechatPayAuth], merchant_private_pem: str, merchant_key: rsa.RSAPrivateKey
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        make_auth(mchid="not digits")
    assert_clean("".join(traceback.format_exception(caught.value)), merchant_private_pem, merchant_key)


@pytest.mark.parametrize("setting", ["mchid", "serial_no", "public_key_id", "public_key_dict_key"])
def test_a_key_in_the_wrong_setting_is_never_echoed(
    make_auth: Callable[..., WechatPayAuth],
    merchant_private_pem: str,
    merchant_key: rsa.RSAPrivateKey,
    platform_public_pem: str,
    setting: str,
) -> None:
    # The whole PEM, and its body without armour (one long line, as an environment variable might hold it).
    body = "".join(line for line in merchant_private_pem.splitlines() if not line.startswith("-----"))
    for value in (merchant_private_pem, body, "PUB_KEY_ID_" + body):
        arguments: dict[str, object]
        if setting == "public_key_dict_key":
            arguments = {"wechatpay_public_keys": {value: platform_public_pem}}
        elif setting == "public_key_id":
            arguments = {"wechatpay_public_keys": {"PUB_KEY_ID_" + value: platform_public_pem}}
        else:
            arguments = {setting: value}
        with pytest.raises(ConfigurationError) as caught:
            make_auth(**arguments)
        text = str(caught.value) + repr(caught.value) + "".join(traceback.format_exception(caught.value))
        assert_clean(text, merchant_private_pem, merchant_key)
        assert "not shown" in str(caught.value)


@pytest.mark.parametrize(
    ("arguments", "shown"),
    [
        ({"mchid": "1900000100 1"}, "'1900000100 1'"),
        ({"mchid": "19000001OO"}, "a 10-character value"),  # letters are not a merchant id's: could be a password
        ({"serial_no": "37:75:b6"}, "'37:75:b6'"),
        ({"serial_no": "hunter2"}, "a 7-character value"),
        ({"wechatpay_public_keys": {"PUB_KEY_ID_12a": "x"}}, "'PUB_KEY_ID_12a'"),
        ({"wechatpay_public_keys": {"PUB_KEY_ID hunter2": "x"}}, "a 18-character value"),
        ({"mchid": "pass word\n"}, "a 10-character value"),
        ({"mchid": 1900000100}, "a value of type int"),
        ({"serial_no": None}, "a value of type NoneType"),
    ],
)
def test_only_values_of_the_expected_shape_are_quoted(
    make_auth: Callable[..., WechatPayAuth], arguments: dict[str, object], shown: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        make_auth(**arguments)
    assert shown in str(caught.value)


def test_a_public_key_file_is_named_unless_it_looks_like_a_key(tmp_path: Path, merchant_private_pem: str) -> None:
    missing = tmp_path / "pub_key.pem"
    with pytest.raises(ConfigurationError, match=r"pub_key\.pem"):
        load_public_key(str(missing), what="WECHATPAY_PUBLIC_KEY")
    body = "".join(line for line in merchant_private_pem.splitlines() if not line.startswith("-----"))
    with pytest.raises(ConfigurationError, match="does not look like a path") as caught:
        load_public_key(body, what="WECHATPAY_PUBLIC_KEY")
    assert body[:64] not in str(caught.value)
