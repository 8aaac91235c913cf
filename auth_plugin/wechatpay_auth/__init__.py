"""WECHATPAY2-SHA256-RSA2048 signing and verification for httpx, for any WeChat Pay APIv3 endpoint.

The pure layer (``request_message``, ``response_message``, ``authorization_header``, ``sign``, ``verify``,
``check_signature``, ``parse_envelope``, ``decrypt_resource``, ``aead_decrypt``) takes and returns plain values;
``WechatPayAuth`` plugs it into any ``httpx.Client`` or ``httpx.AsyncClient``, and opens notifications
(``open_notification``). ``wechatpay_auth.testing`` builds signed, encrypted notifications for tests.
"""

from __future__ import annotations

from wechatpay_auth._aead import AEAD_AES_256_GCM, AEAD_SM4_GCM, ALGORITHMS, aead_decrypt, sm4_key
from wechatpay_auth._apiv3 import APIV3_KEY_BYTES, ApiV3Key, ApiV3KeySource
from wechatpay_auth._auth import Clock, NonceSource, WechatPayAuth, default_clock, default_nonce
from wechatpay_auth._checklist import MAX_SKEW_SECONDS, SIGNATURE_HEADERS, check_response, check_signature, header
from wechatpay_auth._errors import (
    ClockSkewError,
    ConfigurationError,
    DecryptionError,
    InvalidSignatureError,
    MalformedNotificationError,
    MalformedSignatureError,
    MissingSignatureHeadersError,
    NotificationError,
    ProbeSignatureError,
    ReplayedResponseError,
    ResponseVerificationError,
    SignatureVerificationError,
    UnknownSerialError,
    UnsupportedAlgorithmError,
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
from wechatpay_auth._notification import (
    EncryptedResource,
    Envelope,
    Notification,
    decrypt_resource,
    open_notification,
    parse_envelope,
)
from wechatpay_auth._replay import DEFAULT_REPLAY_CAPACITY, ReplayGuard
from wechatpay_auth._shown import shown
from wechatpay_auth._signature import PROBE_PREFIX, is_probe, sign, verify
from wechatpay_auth._subject import Subject
from wechatpay_auth._verification import EXTENSION, Verification, verification_of

__all__ = [
    "AEAD_AES_256_GCM",
    "AEAD_SM4_GCM",
    "ALGORITHMS",
    "APIV3_KEY_BYTES",
    "DEFAULT_REPLAY_CAPACITY",
    "EXTENSION",
    "MAX_SKEW_SECONDS",
    "PROBE_PREFIX",
    "SCHEMA",
    "SIGNATURE_HEADERS",
    "ApiV3Key",
    "ApiV3KeySource",
    "CertificateKey",
    "CertificateSource",
    "Clock",
    "ClockSkewError",
    "ConfigurationError",
    "DecryptionError",
    "EncryptedResource",
    "Envelope",
    "InvalidSignatureError",
    "MalformedNotificationError",
    "MalformedSignatureError",
    "MissingSignatureHeadersError",
    "NonceSource",
    "Notification",
    "NotificationError",
    "PrivateKeySource",
    "ProbeSignatureError",
    "PublicKeySource",
    "ReplayGuard",
    "ReplayedResponseError",
    "ResponseVerificationError",
    "SignatureVerificationError",
    "Subject",
    "UnknownSerialError",
    "UnsupportedAlgorithmError",
    "Verification",
    "WechatPayAuth",
    "WechatPayError",
    "aead_decrypt",
    "authorization_header",
    "check_mchid",
    "check_response",
    "check_serial_no",
    "check_signature",
    "check_wechatpay_serial",
    "decrypt_resource",
    "default_clock",
    "default_nonce",
    "header",
    "is_probe",
    "is_public_key_id",
    "load_certificate",
    "load_private_key",
    "load_public_key",
    "open_notification",
    "parse_envelope",
    "request_message",
    "response_message",
    "shown",
    "sign",
    "sm4_key",
    "verification_of",
    "verify",
]
