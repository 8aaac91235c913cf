"""Checks of the configured `base_url`, `backup_base_url` and default headers, before anything is sent.

Pure functions: a value in, the value to use (or a `ConfigurationError` naming the setting) out. A message names
the setting and the shape expected; it quotes a value only when the value cannot be a secret (no credentials, no
line breaks, short and printable), and never a header's value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import httpx
from wechatpay_auth import ConfigurationError

__all__ = ["CLIENT_OWNED_HEADERS", "check_base_url", "check_headers", "is_loopback_host"]

_EXAMPLE = "https://api.mch.weixin.qq.com"
_MAX_SHOWN = 200
# What may be quoted: `scheme://` and then visible ASCII without `@` (no credentials, no line breaks).
_URL_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[\x21-\x3f\x41-\x7e]*")
_MAX_PORT = 65535
# RFC 9110 `token`: the characters a header name may have.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9110 field value, restricted to ASCII: visible characters, spaces and tabs (no CR, LF, NUL, no obs-text).
_FIELD_VALUE = re.compile(r"[\x21-\x7e \t]*")
# Framing, routing and identity of a request are the client's: a caller's copy would frame the body twice, send
# it to another host, replace the signature, or hand the pipeline an encoding it does not bound.
CLIENT_OWNED_HEADERS = frozenset(
    {
        "accept-encoding",
        "authorization",
        "connection",
        "content-length",
        "expect",
        "host",
        "keep-alive",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


def _quoted(value: str) -> str:
    """The value in quotes when it is plainly a URL; a description when it could be something secret."""
    if len(value) <= _MAX_SHOWN and _URL_SHAPE.fullmatch(value):
        return repr(value)
    return f"a {len(value)}-character value (not shown)"


def is_loopback_host(host: str) -> bool:
    """Tell whether `host` is this machine: `localhost` (and `*.localhost`), 127.0.0.0/8 or ::1."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        import ipaddress  # noqa: PLC0415 - once per configured URL, not at import

        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(setting: str, value: object, *, allow_http: bool = False) -> str:
    """The URL WeChat Pay is reached at, checked; `setting` is what the caller typed (`base_url`, `--base-url`...).

    Refused: anything but a non-empty `http(s)://host[:port][/path]` string; whitespace or control characters;
    credentials (`user:password@`, never echoed: WeChat Pay authenticates by signature, and a password in a URL
    ends up in logs); a port out of 1..65535; a query or fragment; plain `http://` to anything but loopback unless
    `allow_http` (the signature protects integrity, not confidentiality: order data would travel in clear text).
    Returns the URL without its trailing `/`.
    """
    if not isinstance(value, str):
        raise ConfigurationError(f"{setting} must be a URL string such as {_EXAMPLE!r}; got a {type(value).__name__}")
    if not value.strip():
        raise ConfigurationError(
            f"{setting} is empty: give an https URL such as {_EXAMPLE!r}, or leave it unset for WeChat Pay's own"
        )
    if any(character.isspace() or not character.isprintable() for character in value):
        raise ConfigurationError(
            f"{setting} contains whitespace or control characters ({_quoted(value)}): expected a URL such as "
            f"{_EXAMPLE!r}"
        )
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL as exc:
        # httpx's reason may quote a part of the value (a "port"): only when the whole value may be quoted.
        detail = str(exc) if _quoted(value).startswith("'") else "it is not a valid URL"
        raise ConfigurationError(f"{setting} {_quoted(value)} is not a valid URL: {detail}") from None
    if url.userinfo:
        raise ConfigurationError(
            f"{setting} carries credentials (user:password@host): remove them; WeChat Pay authenticates each "
            "request by its signature, and credentials in a URL end up in logs (value not shown)"
        )
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"{setting} must be an http(s) URL such as {_EXAMPLE!r}, got {_quoted(value)}")
    if url.port is not None and not 1 <= url.port <= _MAX_PORT:
        raise ConfigurationError(f"{setting} has port {url.port}, outside 1..{_MAX_PORT}")
    if "?" in value or "#" in value:
        raise ConfigurationError(f"{setting} must not carry a query or fragment, got {_quoted(value)}")
    if url.scheme == "http" and not allow_http and not is_loopback_host(url.host):
        raise ConfigurationError(
            f"{setting} {_quoted(value)} is plain http to a host other than this machine: use https (plain http is "
            "accepted for 127.0.0.1, ::1 and localhost, e.g. the emulator, or when insecure http is allowed "
            "explicitly)"
        )
    return str(url).rstrip("/")


def check_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """The caller's default headers, checked: names are HTTP tokens, values visible ASCII (no CR, LF or NUL).

    Refused as well: the headers the client owns (`CLIENT_OWNED_HEADERS`: framing, routing, `Authorization`...).
    A message names the header, never its value (a configured header may hold a token).
    """
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise ConfigurationError(f"headers must be a mapping of header names to values; got a {type(headers).__name__}")
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            shown = repr(name) if isinstance(name, str) and len(name) <= _MAX_SHOWN and name.isprintable() else None
            raise ConfigurationError(
                f"headers: the name {shown or '(not shown)'} is not an HTTP header name (letters, digits and "
                "!#$%&'*+-.^_`|~ only; no spaces, line breaks or non-ASCII)"
            )
        if name.lower() in CLIENT_OWNED_HEADERS:
            raise ConfigurationError(
                f"headers: {name} is set by the client itself (framing, routing and signing headers are its own); "
                "remove it"
            )
        if not isinstance(value, str):
            raise ConfigurationError(f"headers: the value of {name} must be a string; got a {type(value).__name__}")
        if not _FIELD_VALUE.fullmatch(value):
            raise ConfigurationError(
                f"headers: the value of {name} contains a line break, NUL, another control character or non-ASCII "
                "text; header values are visible ASCII (value not shown)"
            )
        checked[name] = value
    return checked
