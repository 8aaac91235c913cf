"""Check, once and outside the timed loops, that every contender sent a correctly signed request for the same order.

The server keeps one POST per contender; here its `Authorization` is verified with the merchant public key over
`METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n` (the raw bytes received), and its body compared with the project's.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bench._contenders import authorization_fields
from bench._server_process import CapturedRequest
from bench._test_keys import MCHID, MERCHANT_PUBLIC_PEM, MERCHANT_SERIAL_NO, PLATFORM_PUBLIC_KEY_ID

__all__ = ["Fairness", "check_request"]


@dataclass(frozen=True)
class Fairness:
    """What one contender's captured request establishes."""

    signed: bool
    ids_match: bool
    same_target: bool
    body_identical: bool
    same_json: bool
    body_bytes: int
    reference_bytes: int

    @property
    def fair(self) -> bool:
        return self.signed and self.ids_match and self.same_target and self.same_json

    def as_dict(self) -> dict[str, object]:
        return {
            "signed": self.signed,
            "ids_match": self.ids_match,
            "same_target": self.same_target,
            "body_identical": self.body_identical,
            "same_json": self.same_json,
            "body_bytes": self.body_bytes,
            "reference_bytes": self.reference_bytes,
            "fair": self.fair,
        }

    def summary(self) -> str:
        if not self.fair:
            return "NOT FAIR: " + json.dumps(self.as_dict())
        body = (
            "identical body bytes"
            if self.body_identical
            else (f"same JSON document, {self.body_bytes} bytes vs {self.reference_bytes} (serializer whitespace)")
        )
        return f"signature verified, same ids and target, {body}"


def _verified(captured: CapturedRequest) -> bool:
    key = serialization.load_pem_public_key(MERCHANT_PUBLIC_PEM.encode("ascii"))
    assert isinstance(key, rsa.RSAPublicKey)
    fields = authorization_fields(captured.header("Authorization") or "")
    message = b"".join(
        part + b"\n"
        for part in (
            captured.method.encode(),
            captured.target.encode(),
            fields.get("timestamp", "").encode(),
            fields.get("nonce_str", "").encode(),
            captured.body,
        )
    )
    try:
        key.verify(base64.b64decode(fields.get("signature", "")), message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def check_request(captured: CapturedRequest, reference: CapturedRequest) -> Fairness:
    authorization = captured.header("Authorization") or ""
    fields = authorization_fields(authorization)
    try:
        same_json = json.loads(captured.body) == json.loads(reference.body)
    except ValueError:
        same_json = False
    return Fairness(
        signed=authorization.startswith("WECHATPAY2-SHA256-RSA2048 ") and _verified(captured),
        ids_match=fields.get("mchid") == MCHID
        and fields.get("serial_no") == MERCHANT_SERIAL_NO
        and captured.header("Wechatpay-Serial") == PLATFORM_PUBLIC_KEY_ID,
        same_target=(captured.method, captured.target) == (reference.method, reference.target),
        body_identical=captured.body == reference.body,
        same_json=same_json,
        body_bytes=len(captured.body),
        reference_bytes=len(reference.body),
    )
