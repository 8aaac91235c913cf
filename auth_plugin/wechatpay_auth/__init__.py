"""WECHATPAY2-SHA256-RSA2048 signing and verification for httpx, for any WeChat Pay APIv3 endpoint.

The pure layer (``request_message``, ``response_message``, ``authorization_header``, ``sign``, ``verify``) takes and
returns plain values; ``WechatPayAuth`` plugs it into any ``httpx.Client`` or ``httpx.AsyncClient``.
"""

from __future__ import annotations

from wechatpay_auth._auth import Clock, NonceSource, WechatPayAuth, default_clock, default_nonce
from wechatpay_auth._checklist import MAX_SKEW_SECONDS, SIGNATURE_HEADERS, check_response
from wechatpay_auth._errors import (
    ClockSkewError,
    ConfigurationError,
    InvalidSignatureError,
    MissingSignatureHeadersError,
    ProbeSignatureError,
    ReplayedResponseError,
    ResponseVerificationError,
    UnknownSerialError,
    WechatPayError,
)
from wechatpay_auth._ids import check_mchid, check_serial_no, check_wechatpay_serial, is_public_key_id
from wechatpay_auth._keys import (
    CertificateKey,
    CertificateSource,
    PrivateKeySource,
    PublicKeySource,
    load_certificate,
    load_private_key,
    load_public_key,
)
from wechatpay_auth._message import SCHEMA, authorization_header, request_message, response_message
from wechatpay_auth._replay import DEFAULT_REPLAY_CAPACITY, ReplayGuard
from wechatpay_auth._shown import shown
from wechatpay_auth._signature import PROBE_PREFIX, is_probe, sign, verify
from wechatpay_auth._verification import EXTENSION, Verification, verification_of

__all__ = [
    "DEFAULT_REPLAY_CAPACITY",
    "EXTENSION",
    "MAX_SKEW_SECONDS",
    "PROBE_PREFIX",
    "SCHEMA",
    "SIGNATURE_HEADERS",
    "CertificateKey",
    "CertificateSource",
    "Clock",
    "ClockSkewError",
    "ConfigurationError",
    "InvalidSignatureError",
    "MissingSignatureHeadersError",
    "NonceSource",
    "PrivateKeySource",
    "ProbeSignatureError",
    "PublicKeySource",
    "ReplayGuard",
    "ReplayedResponseError",
    "ResponseVerificationError",
    "UnknownSerialError",
    "Verification",
    "WechatPayAuth",
    "WechatPayError",
    "authorization_header",
    "check_mchid",
    "check_response",
    "check_serial_no",
    "check_wechatpay_serial",
    "default_clock",
    "default_nonce",
    "is_probe",
    "is_public_key_id",
    "load_certificate",
    "load_private_key",
    "load_public_key",
    "request_message",
    "response_message",
    "shown",
    "sign",
    "verification_of",
    "verify",
]
