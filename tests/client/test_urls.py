"""`check_base_url` and `check_headers`: what the client refuses to be configured with, before anything is sent."""

from __future__ import annotations

import pytest
from wechatpay_payscore_client import ConfigurationError
from wechatpay_payscore_client._urls import CLIENT_OWNED_HEADERS, check_base_url, check_headers, is_loopback_host


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://api.mch.weixin.qq.com", "https://api.mch.weixin.qq.com"),
        ("https://api.mch.weixin.qq.com/", "https://api.mch.weixin.qq.com"),
        ("https://gateway.example.com/wechat/", "https://gateway.example.com/wechat"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://127.8.9.10:8000/", "http://127.8.9.10:8000"),
        ("http://localhost:1", "http://localhost:1"),
        ("http://emulator.localhost:8000", "http://emulator.localhost:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("https://api.mch.weixin.qq.com:65535", "https://api.mch.weixin.qq.com:65535"),
    ],
)
def test_good_urls(value: str, expected: str) -> None:
    assert check_base_url("base_url", value) == expected


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("https://api.mch.weixin.qq.com:0", "port 0, outside 1..65535"),
        ("https://api.mch.weixin.qq.com:65536", "port 65536"),
        ("https://api.mch.weixin.qq.com:99999", "port 99999"),
        ("https://api.mch.weixin.qq.com?x=1", "query or fragment"),
        ("https://api.mch.weixin.qq.com/?", "query or fragment"),
        ("https://api.mch.weixin.qq.com#top", "query or fragment"),
        ("https://api.mch.weixin.qq.com/\r\nX-Injected: 1", "whitespace or control"),
        ("https://api.mch.weixin.qq.com/\x00", "whitespace or control"),
        ("https://api.mch .weixin.qq.com", "whitespace or control"),
        (" https://api.mch.weixin.qq.com", "whitespace or control"),
        ("ftp://api.mch.weixin.qq.com", "http\\(s\\) URL"),
        ("api.mch.weixin.qq.com", "http\\(s\\) URL"),
        ("https://", "http\\(s\\) URL"),
        ("http://api.mch.weixin.qq.com", "plain http"),
        ("http://10.0.0.1:8000", "plain http"),
        ("http://127.0.0.1.example.com", "plain http"),
        ("https://[::1", "not a valid URL"),
    ],
)
def test_bad_urls_are_refused_naming_the_setting(value: str, match: str) -> None:
    with pytest.raises(ConfigurationError, match=match) as caught:
        check_base_url("--base-url", value)
    assert str(caught.value).startswith("--base-url")


def test_a_non_string_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="got a NoneType"):
        check_base_url("base_url", None)


def test_plain_http_elsewhere_only_when_allowed() -> None:
    assert check_base_url("base_url", "http://10.0.0.1:8000/", allow_http=True) == "http://10.0.0.1:8000"


@pytest.mark.parametrize(
    "value",
    [
        "https://merchant:hunter2secret@api.mch.weixin.qq.com",
        "https://hunter2secret@api.mch.weixin.qq.com",
        "http://merchant:hunter2secret@127.0.0.1:8000",
        "https://merchant:hunter2secret@[::1",
    ],
)
def test_credentials_are_refused_and_never_echoed(value: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        check_base_url("WECHATPAY_BASE_URL", value)
    text = str(caught.value)
    assert "WECHATPAY_BASE_URL" in text
    assert "hunter2secret" not in text
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or "hunter2secret" not in str(caught.value.__context__)


def test_a_key_pasted_as_a_url_is_not_echoed() -> None:
    pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
    with pytest.raises(ConfigurationError) as caught:
        check_base_url("WECHATPAY_BASE_URL", pem)
    assert "MIIEvQ" not in str(caught.value)
    assert "not shown" in str(caught.value)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.255.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("LOCALHOST", True),
        ("localhost.", True),
        ("10.0.0.1", False),
        ("localhost.example.com", False),
        ("api.mch.weixin.qq.com", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_good_headers_are_kept() -> None:
    headers = {"X-Trace-Id": "abc-123", "Accept-Language": "zh-CN, en;q=0.8\t"}
    assert check_headers(headers) == headers
    assert check_headers(None) == {}
    assert check_headers({}) == {}


@pytest.mark.parametrize("name", [*sorted(CLIENT_OWNED_HEADERS), "Content-Length", "HOST", "Transfer-Encoding"])
def test_client_owned_headers_are_refused_by_name(name: str) -> None:
    with pytest.raises(ConfigurationError, match=f"{name} is set by the client itself"):
        check_headers({name: "secret-value-1"})


@pytest.mark.parametrize(
    "value",
    ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\x00b", "\x7f", "密钥secret-value", "a\x0bb"],
)
def test_header_values_with_breaks_nul_or_non_ascii_are_refused_without_echo(value: str) -> None:
    with pytest.raises(ConfigurationError, match="X-Api-Token") as caught:
        check_headers({"X-Api-Token": value})
    assert "value not shown" in str(caught.value)
    assert value not in str(caught.value)


@pytest.mark.parametrize("name", ["", "X Trace", "X-Trace\r\n", "X:Y", "密钥", "X\x00"])
def test_header_names_must_be_tokens(name: str) -> None:
    with pytest.raises(ConfigurationError, match="is not an HTTP header name"):
        check_headers({name: "v"})


def test_header_types() -> None:
    with pytest.raises(ConfigurationError, match="must be a mapping"):
        check_headers([("X-A", "b")])  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="value of X-A must be a string"):
        check_headers({"X-A": 1})  # type: ignore[dict-item]
    with pytest.raises(ConfigurationError, match=r"name \(not shown\)"):
        check_headers({b"X-A": "b"})  # type: ignore[dict-item]
