"""Test helpers written independently of the emulator's own signer: a client that signs, a response verifier."""

from __future__ import annotations

import base64
import json
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from wechatpay_emulator import demo

ROOT = Path(__file__).resolve().parents[2]
FIXED_NOW = 1_800_000_000
NONCE = "593BEC0C930BF1AFEB40B4A08C8FB242"
SEED = demo.DEMO_ORDER_OUT_ORDER_NO
FIELDS = ("mchid", "nonce_str", "signature", "timestamp", "serial_no")


class Clock:
    """A settable clock (Unix seconds) shared by the emulator and the test's signer."""

    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def _private(path: Any) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _public(pem: bytes) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem)
    assert isinstance(key, rsa.RSAPublicKey)
    return key


MERCHANT_KEY = _private(demo.demo_merchant_private_key_path())
OTHER_KEY = _private(demo.demo_platform_private_key_path())  # any key that is not the merchant's
WECHATPAY_PUBLIC_KEY = _public(demo.demo_wechatpay_public_key_path().read_bytes())
_CERT = x509.load_pem_x509_certificate(demo.demo_platform_certificate_path().read_bytes())
PLATFORM_PUBLIC_KEY = _CERT.public_key()
assert isinstance(PLATFORM_PUBLIC_KEY, rsa.RSAPublicKey)
RESPONSE_KEYS: dict[str, rsa.RSAPublicKey] = {
    demo.DEMO_WECHATPAY_PUBLIC_KEY_ID: WECHATPAY_PUBLIC_KEY,
    demo.DEMO_PLATFORM_SERIAL: PLATFORM_PUBLIC_KEY,
}


def path(out_order_no_escaped: str) -> str:
    return f"/v3/payscore/acquiringbank/serviceorder/{out_order_no_escaped}/sync"


def sync_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "service_id": demo.DEMO_ORDER_SERVICE_ID,
        "sub_mchid": demo.DEMO_ORDER_SUB_MCHID,
        "channel_id": demo.DEMO_ORDER_CHANNEL_ID,
        "type": "Order_Paid",
        "detail": {"paid_time": "20091225091210"},
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not ...}


def compact(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def authorization(
    method: str,
    target: str,
    body: bytes,
    *,
    timestamp: int,
    nonce: str = NONCE,
    key: rsa.RSAPrivateKey = MERCHANT_KEY,
    mchid: str = demo.DEMO_MCHID,
    serial_no: str = demo.DEMO_MERCHANT_SERIAL,
    order: Sequence[str] = FIELDS,
) -> str:
    message = f"{method}\n{target}\n{timestamp}\n{nonce}\n".encode() + body + b"\n"
    signature = base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
    values = {
        "mchid": mchid,
        "nonce_str": nonce,
        "signature": signature,
        "timestamp": str(timestamp),
        "serial_no": serial_no,
    }
    return "WECHATPAY2-SHA256-RSA2048 " + ",".join(f'{name}="{values[name]}"' for name in order)


def post(
    client: httpx.Client,
    target: str,
    body: bytes,
    *,
    timestamp: int = FIXED_NOW,
    headers: dict[str, str] | None = None,
    drop: Sequence[str] = (),
    **auth: Any,
) -> httpx.Response:
    """POST `body` to the raw `target`, signed over exactly that target and those bytes."""
    all_headers = {
        "Accept": "application/json",
        "User-Agent": "emulator-tests/1",
        "Content-Type": "application/json",
        "Authorization": authorization("POST", target, body, timestamp=timestamp, **auth),
        **(headers or {}),
    }
    for name in drop:
        all_headers.pop(name)
    request = client.build_request("POST", target, content=body, headers=all_headers)
    for name in drop:
        # httpx adds its own Accept and User-Agent defaults: a dropped header must really be absent.
        request.headers.pop(name, None)
    assert request.url.raw_path.decode() == target, "httpx changed the target: the test would sign the wrong thing"
    return client.send(request)


def sync(client: httpx.Client, out_order_no: str = SEED, document: Any = None, **kwargs: Any) -> httpx.Response:
    return post(client, path(out_order_no), compact(sync_body() if document is None else document), **kwargs)


def verify_response(response: httpx.Response, *, now: int = FIXED_NOW) -> bool:
    """WeChat Pay's response check: headers present, fresh, known serial, signature over TS\\nNONCE\\nBODY\\n."""
    headers = response.headers
    names = ("wechatpay-timestamp", "wechatpay-nonce", "wechatpay-signature", "wechatpay-serial")
    if any(name not in headers for name in names):
        return False
    if headers.get("wechatpay-signature-type") != "WECHATPAY2-SHA256-RSA2048":
        return False
    timestamp = headers["wechatpay-timestamp"]
    if abs(int(timestamp) - now) > 300:
        return False
    key = RESPONSE_KEYS.get(headers["wechatpay-serial"])
    if key is None:
        return False
    message = f"{timestamp}\n{headers['wechatpay-nonce']}\n".encode() + response.content + b"\n"
    try:
        key.verify(
            base64.b64decode(headers["wechatpay-signature"], validate=True),
            message,
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (ValueError, InvalidSignature):
        return False
    return True


class Signer(httpx.Auth):
    """A WECHATPAY2 request signer as a third party would write it: over the bytes httpx actually sends."""

    requires_request_body = True

    def __init__(
        self, clock: Clock, *, key: rsa.RSAPrivateKey = MERCHANT_KEY, serial_no: str = demo.DEMO_MERCHANT_SERIAL
    ) -> None:
        self._clock = clock
        self._key = key
        self._serial_no = serial_no

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        target = request.url.raw_path.decode("ascii")
        request.headers["Authorization"] = authorization(
            request.method, target, request.content, timestamp=self._clock(), key=self._key, serial_no=self._serial_no
        )
        request.headers.setdefault("Accept", "application/json")
        yield request
