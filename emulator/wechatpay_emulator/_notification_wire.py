"""A notification as it goes on the wire: the envelope, its AEAD_AES_256_GCM resource, and the signed headers.

Protocol rules (acquiringbank-family §2.2-2.3, the contract's `webhooks`):

- the body is the envelope `{id, create_time, resource_type: "encrypt-resource", event_type, summary, resource}`,
  compact UTF-8 JSON; `id` 36 characters, `create_time` RFC 3339 in Beijing time (`+08:00`);
- `resource` is `{original_type: "payscore", algorithm: "AEAD_AES_256_GCM", ciphertext, associated_data, nonce}`:
  the plaintext sealed with the merchant's 32-byte APIv3 key, a 12-character nonce and the associated data; the
  ciphertext with its 16-byte tag in standard Base64. `associated_data` is `"payscore"`, as in wechatpay-go's
  Pay Score vector (the official samples show `""`; a receiver must use whatever arrives, and a non-empty value
  catches one that does not);
- the headers `Wechatpay-Timestamp`, `Wechatpay-Nonce`, `Wechatpay-Signature` (SHA256withRSA, PKCS#1 v1.5, over
  `TIMESTAMP\\nNONCE\\nBODY\\n`, standard Base64), `Wechatpay-Serial` (the platform certificate serial or the
  `PUB_KEY_ID_…` of the key that signed), `Wechatpay-Signature-Type: WECHATPAY2-SHA256-RSA2048` and `Request-ID`.

Written against `cryptography` alone, like the emulator's answers, so that it catches a receiver's mistakes rather
than sharing them. Each attempt is signed anew; a notification fault spoils one attempt's wire form.
"""

from __future__ import annotations

import base64
import datetime
import functools
import json
import secrets
import string
import uuid
from collections.abc import Mapping
from typing import Any

import attrs
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ._apiv3 import APIV3_KEY_BYTES
from ._clock import BEIJING
from ._notification_faults import NotificationFaultKind
from ._responses import STALE_BY
from ._signing import AUTH_SCHEME, PROBE_PREFIX, new_nonce, new_request_id, response_message, sign

__all__ = [
    "ALGORITHM",
    "ASSOCIATED_DATA",
    "ORIGINAL_TYPE",
    "RESOURCE_NONCE_LENGTH",
    "RESOURCE_TYPE",
    "TRUNCATED_BY",
    "Message",
    "Wire",
    "compose",
    "create_time",
    "encrypt_resource",
    "wire_for_attempt",
]

ALGORITHM = "AEAD_AES_256_GCM"
ASSOCIATED_DATA = "payscore"
ORIGINAL_TYPE = "payscore"
RESOURCE_TYPE = "encrypt-resource"
RESOURCE_NONCE_LENGTH = 12
# What a `truncated_ciphertext` fault cuts from the sealed bytes: the GCM tag no longer matches, the Base64 stays
# valid (so the receiver meets the authentication failure, not a decoding error).
TRUNCATED_BY = 8
# A probe's signature: the prefix, then the Base64 of 250 bytes (wechatpay-java#319's real probe, notifications
# §4.2 #1) — not valid Base64 as a whole.
_PROBE_BYTES = 250
_NONCE_ALPHABET = string.ascii_letters + string.digits
_USER_AGENT = "wechatpay-emulator-notifier"


def _compact(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def create_time(unix_seconds: int) -> str:
    """RFC 3339 in Beijing time, `2015-05-20T13:29:35+08:00`, the envelope's `create_time`."""
    return datetime.datetime.fromtimestamp(unix_seconds, BEIJING).isoformat(timespec="seconds")


def encrypt_resource(apiv3_key: bytes, plaintext: bytes, nonce: str | None = None) -> dict[str, str]:
    """The `resource` object: `plaintext` sealed with AEAD_AES_256_GCM under `apiv3_key` (32 bytes)."""
    nonce = nonce or "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(RESOURCE_NONCE_LENGTH))
    sealed = AESGCM(apiv3_key).encrypt(nonce.encode("ascii"), plaintext, ASSOCIATED_DATA.encode("ascii"))
    return {
        "original_type": ORIGINAL_TYPE,
        "algorithm": ALGORITHM,
        "ciphertext": base64.b64encode(sealed).decode("ascii"),
        "associated_data": ASSOCIATED_DATA,
        "nonce": nonce,
    }


@attrs.frozen(kw_only=True)
class Message:
    """One notification as written at the change: what it is about, its decrypted `resource`, and the body sent
    by every attempt that no fault spoils (the same `id`, nonce and ciphertext each time)."""

    id: str
    event_type: str
    out_order_no: str
    mchid: str
    create_time: str
    summary: str
    resource: Mapping[str, Any]
    plaintext: bytes
    body: bytes

    def body_with(self, resource: Mapping[str, str]) -> bytes:
        """The envelope around another `resource` (a spoiled one)."""
        return _envelope(self.id, self.create_time, self.event_type, self.summary, resource)


def _envelope(notification_id: str, created: str, event_type: str, summary: str, resource: Mapping[str, str]) -> bytes:
    return _compact(
        {
            "id": notification_id,
            "create_time": created,
            "resource_type": RESOURCE_TYPE,
            "event_type": event_type,
            "summary": summary,
            "resource": resource,
        }
    )


def compose(
    event_type: str, summary: str, resource: Mapping[str, Any], *, mchid: str, now: int, apiv3_key: bytes
) -> Message:
    """The notification of `event_type` carrying `resource`, created at `now` (the order clock)."""
    plaintext = _compact(resource)
    notification_id = str(uuid.uuid4())  # 36 characters, like WeChat Pay's ids
    created = create_time(now)
    body = _envelope(notification_id, created, event_type, summary, encrypt_resource(apiv3_key, plaintext))
    return Message(
        id=notification_id,
        event_type=event_type,
        out_order_no=str(resource["out_order_no"]),
        mchid=mchid,
        create_time=created,
        summary=summary,
        resource=resource,
        plaintext=plaintext,
        body=body,
    )


@functools.cache
def _other_key() -> RSAPrivateKey:
    # A key no receiver holds, made once per process (2048 bits take a fraction of a second).
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@attrs.frozen
class Wire:
    """One attempt's request: its headers and its body bytes."""

    headers: tuple[tuple[str, str], ...]
    body: bytes


def _spoiled_body(message: Message, fault: NotificationFaultKind | None) -> bytes:
    if fault is NotificationFaultKind.WRONG_APIV3_KEY:
        return message.body_with(encrypt_resource(secrets.token_bytes(APIV3_KEY_BYTES), message.plaintext))
    if fault is NotificationFaultKind.TRUNCATED_CIPHERTEXT:
        resource = dict(json.loads(message.body)["resource"])
        sealed = base64.b64decode(resource["ciphertext"])
        resource["ciphertext"] = base64.b64encode(sealed[:-TRUNCATED_BY]).decode("ascii")
        return message.body_with(resource)
    return message.body


def wire_for_attempt(
    message: Message, *, serial: str, key: RSAPrivateKey, timestamp: int, fault: NotificationFaultKind | None = None
) -> Wire:
    """The request of one attempt: the body (spoiled as `fault` asks) signed by `key`, listed under `serial`, at
    `timestamp` (Unix seconds; a `stale_timestamp` fault dates it `STALE_BY` seconds earlier)."""
    body = _spoiled_body(message, fault)
    if fault is NotificationFaultKind.STALE_TIMESTAMP:
        timestamp -= STALE_BY
    nonce = new_nonce()
    signing_key = _other_key() if fault is NotificationFaultKind.OTHER_KEY_SIGNATURE else key
    signature = sign(signing_key, response_message(str(timestamp), nonce, body))
    if fault is NotificationFaultKind.PROBE_SIGNATURE:
        signature = PROBE_PREFIX + base64.b64encode(secrets.token_bytes(_PROBE_BYTES)).decode("ascii")
    headers = (
        ("Content-Type", "application/json"),
        ("User-Agent", _USER_AGENT),
        ("Request-ID", new_request_id()),
        ("Wechatpay-Timestamp", str(timestamp)),
        ("Wechatpay-Nonce", nonce),
        ("Wechatpay-Signature", signature),
        ("Wechatpay-Serial", serial),
        ("Wechatpay-Signature-Type", AUTH_SCHEME),
    )
    return Wire(headers, body)
