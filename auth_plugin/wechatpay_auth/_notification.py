"""Notifications (回调通知): the envelope of a verified body, its encrypted resource, and the opened notification."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from wechatpay_auth._aead import aead_decrypt, require_algorithm
from wechatpay_auth._base64 import strict_b64decode
from wechatpay_auth._checklist import check_signature
from wechatpay_auth._errors import MalformedNotificationError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

    from wechatpay_auth._apiv3 import ApiV3Key
    from wechatpay_auth._verification import Verification

__all__ = [
    "EncryptedResource",
    "Envelope",
    "Notification",
    "decrypt_resource",
    "open_notification",
    "parse_envelope",
    "plaintext_object",
]

_JSON_TYPES: dict[type, str] = {dict: "an object", list: "an array", bool: "a boolean", int: "a number"}
_JSON_TYPES |= {float: "a number", type(None): "null"}


@attrs.frozen
class EncryptedResource:
    """A notification's ``resource``: the ciphertext and what decrypting it takes.

    Protocol rule: ``algorithm``, ``ciphertext`` (standard Base64, tag included) and ``nonce`` are required;
    ``associated_data`` may be empty or absent (then empty); ``original_type`` names the object encrypted.
    """

    algorithm: str
    ciphertext: str = attrs.field(repr=lambda text: f"<{len(text)} Base64 characters>")
    nonce: str
    associated_data: str = ""
    original_type: str | None = None


@attrs.frozen
class Envelope:
    """A notification body as WeChat Pay sends it: the envelope around one encrypted resource.

    Protocol rule: a JSON object with ``id``, ``create_time`` (RFC 3339), ``event_type``, ``resource_type``
    (``encrypt-resource``), ``summary`` and ``resource``.
    """

    id: str
    create_time: str
    event_type: str
    resource_type: str
    summary: str
    resource: EncryptedResource


def _field_names(plaintext: Mapping[str, Any]) -> str:
    # The decrypted order (openid, amounts) stays out of logs that print a notification; its field names do not.
    return f"<decrypted: {', '.join(plaintext)}>"


@attrs.frozen
class Notification:
    """A notification whose signature verified and whose resource decrypted.

    ``id`` is the notification's own id (what to deduplicate deliveries on, with the order's state: that WeChat Pay
    keeps it across deliveries is not documented), ``plaintext`` the decrypted resource (a JSON object),
    ``request_id`` the ``Request-ID`` header, ``verification`` what the signature checklist established (serial,
    timestamp, nonce).
    """

    id: str
    create_time: str
    event_type: str
    resource_type: str
    summary: str
    original_type: str | None
    plaintext: dict[str, Any] = attrs.field(repr=_field_names)
    request_id: str | None
    verification: Verification


def _json_object(data: bytes, field: str, what: str) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueError
        document = None
    if not isinstance(document, dict):
        raise MalformedNotificationError(f"{what} is not a JSON object in UTF-8", field=field)
    return document


def _optional(document: Mapping[str, Any], name: str, prefix: str = "") -> str | None:
    """``document[name]``, a string, or None when it is absent or null."""
    value = document.get(name)
    if value is None or isinstance(value, str):
        return value
    field = prefix + name
    raise MalformedNotificationError(f"{field} is {_JSON_TYPES.get(type(value), 'a value')}, not a string", field=field)


def _required(document: Mapping[str, Any], name: str, prefix: str = "") -> str:
    """``document[name]``, a non-empty string."""
    value = _optional(document, name, prefix)
    if not value:
        field = prefix + name
        raise MalformedNotificationError(f"{field} is missing or empty", field=field)
    return value


def _resource(document: Mapping[str, Any]) -> EncryptedResource:
    value = document.get("resource")
    if not isinstance(value, dict):
        shape = "missing" if value is None else _JSON_TYPES.get(type(value), "a string")
        raise MalformedNotificationError(f"resource is {shape}, not a JSON object", field="resource")
    return EncryptedResource(
        algorithm=_required(value, "algorithm", "resource."),
        ciphertext=_required(value, "ciphertext", "resource."),
        nonce=_required(value, "nonce", "resource."),
        associated_data=_optional(value, "associated_data", "resource.") or "",
        original_type=_optional(value, "original_type", "resource.") or None,
    )


def parse_envelope(body: bytes) -> Envelope:
    """Read the envelope of a notification body (already verified: the signature covers these exact bytes).

    Protocol rule: see ``Envelope``. ``id``, ``create_time``, ``event_type`` and the three required fields of
    ``resource`` must be non-empty strings; ``resource_type`` and ``summary`` may be absent (then empty), since
    refusing a notification for a missing label would only make WeChat Pay deliver it again for a day.
    """
    document = _json_object(body, "body", "the notification body")
    return Envelope(
        id=_required(document, "id"),
        create_time=_required(document, "create_time"),
        event_type=_required(document, "event_type"),
        resource_type=_optional(document, "resource_type") or "",
        summary=_optional(document, "summary") or "",
        resource=_resource(document),
    )


def decrypt_resource(resource: EncryptedResource, apiv3_key: ApiV3Key) -> bytes:
    """Decrypt ``resource`` with the APIv3 key and return the plaintext bytes.

    Protocol rule: the algorithm named by ``resource.algorithm``, over the Base64-decoded ``ciphertext``, with the
    UTF-8 bytes of ``nonce`` and ``associated_data`` (see ``aead_decrypt``).
    """
    algorithm = require_algorithm(resource.algorithm)
    ciphertext = strict_b64decode(resource.ciphertext)
    if ciphertext is None:
        raise MalformedNotificationError(
            f"resource.ciphertext ({len(resource.ciphertext)} characters) is not strict standard Base64",
            field="resource.ciphertext",
            algorithm=algorithm,
        )
    return aead_decrypt(
        algorithm,
        apiv3_key.reveal(),
        resource.nonce.encode("utf-8", "surrogatepass"),
        ciphertext,
        resource.associated_data.encode("utf-8", "surrogatepass"),
    )


def plaintext_object(plaintext: bytes) -> dict[str, Any]:
    """Protocol rule: a decrypted resource is a JSON object in UTF-8 (the order, the prepay request, …)."""
    return _json_object(plaintext, "resource.ciphertext", "the decrypted resource.ciphertext")


def open_notification(
    headers: Mapping[str, str],
    body: bytes,
    *,
    public_keys: Mapping[str, RSAPublicKey],
    apiv3_key: ApiV3Key,
    now: float,
) -> Notification:
    """Verify, read and decrypt a notification: the whole checklist, each failed step its own typed error.

    Protocol rules, in order: the signature checklist with a signature required (``check_signature``; no replay
    memory: a notification delivered twice is legitimate, and deduplicating it is the application's), the envelope
    (``parse_envelope``), the decryption (``decrypt_resource``), the plaintext as a JSON object.
    """
    verification = check_signature(headers, body, public_keys, now, signature_required=True)
    envelope = parse_envelope(body)
    plaintext = plaintext_object(decrypt_resource(envelope.resource, apiv3_key))
    return Notification(
        id=envelope.id,
        create_time=envelope.create_time,
        event_type=envelope.event_type,
        resource_type=envelope.resource_type,
        summary=envelope.summary,
        original_type=envelope.resource.original_type,
        plaintext=plaintext,
        request_id=verification.request_id,
        verification=verification,
    )
