"""Build notifications as WeChat Pay sends them, signed and encrypted: the sender's side, for tests and emulators.

Three pure functions, to be used with test keys only: ``encrypt_resource`` (the ``resource`` object),
``notification_body`` (the envelope, as compact JSON bytes) and ``sign_notification`` (the ``Wechatpay-*``
headers). What they build passes ``WechatPayAuth.open_notification`` with the matching public key and APIv3 key.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from wechatpay_auth._aead import AEAD_AES_256_GCM, NONCE_BYTES, aead_encrypt
from wechatpay_auth._apiv3 import ApiV3Key, ApiV3KeySource
from wechatpay_auth._auth import default_nonce
from wechatpay_auth._keys import PrivateKeySource, load_private_key
from wechatpay_auth._message import SCHEMA, response_message
from wechatpay_auth._signature import sign

__all__ = ["encrypt_resource", "notification_body", "sign_notification"]


def _compact_json(document: Mapping[str, Any]) -> bytes:
    # WeChat Pay's bodies are compact UTF-8 JSON; any bytes would do, since the signature covers them as they are.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encrypt_resource(
    apiv3_key: ApiV3KeySource,
    plaintext: bytes | Mapping[str, Any],
    associated_data: str = "",
    nonce: str | None = None,
    *,
    algorithm: str = AEAD_AES_256_GCM,
    original_type: str = "payscore",
) -> dict[str, str]:
    """A notification's ``resource``: ``plaintext`` (bytes, or an object written as compact JSON) encrypted.

    Protocol rule: the inverse of ``decrypt_resource``: ``algorithm`` with the APIv3 key, the 12-character
    ``nonce`` (random when not given) and ``associated_data``; the ciphertext with its tag, in standard Base64.
    """
    data = plaintext if isinstance(plaintext, bytes) else _compact_json(plaintext)
    nonce = default_nonce()[:NONCE_BYTES] if nonce is None else nonce
    key = ApiV3Key(apiv3_key)
    sealed = aead_encrypt(algorithm, key.reveal(), nonce.encode("utf-8"), data, associated_data.encode("utf-8"))
    return {
        "original_type": original_type,
        "algorithm": algorithm,
        "ciphertext": base64.b64encode(sealed).decode("ascii"),
        "associated_data": associated_data,
        "nonce": nonce,
    }


def notification_body(
    event_type: str,
    resource: Mapping[str, Any],
    *,
    notification_id: str,
    create_time: str,
    summary: str,
    resource_type: str = "encrypt-resource",
) -> bytes:
    """A notification body: the envelope around ``resource``, as compact UTF-8 JSON in WeChat Pay's field order."""
    return _compact_json(
        {
            "id": notification_id,
            "create_time": create_time,
            "resource_type": resource_type,
            "event_type": event_type,
            "summary": summary,
            "resource": resource,
        }
    )


def sign_notification(
    private_key: PrivateKeySource,
    serial: str,
    body: bytes,
    timestamp: int,
    nonce: str,
    *,
    request_id: str | None = None,
) -> dict[str, str]:
    """The headers of a notification carrying ``body``, signed by ``private_key`` listed under ``serial``.

    Protocol rule: ``Wechatpay-Signature`` is SHA256withRSA over ``TIMESTAMP\\nNONCE\\nBODY\\n``; ``serial`` is the
    ``PUB_KEY_ID_…`` id or the platform certificate serial the receiver holds the public key under.
    """
    signature = sign(response_message(timestamp, nonce, body), load_private_key(private_key))
    headers = {
        "Content-Type": "application/json",
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Serial": serial,
        "Wechatpay-Signature": signature,
        "Wechatpay-Signature-Type": SCHEMA,
        "Wechatpay-Timestamp": str(timestamp),
    }
    if request_id is not None:
        headers["Request-ID"] = request_id
    return headers
