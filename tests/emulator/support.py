"""Test helpers written independently of the emulator's own signer: a client that signs, a response verifier."""

from __future__ import annotations

import base64
import json
import urllib.parse
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


# -- the whole family of operations ----------------------------------------------------------------------------------

BASE = "/v3/payscore/acquiringbank/serviceorder"
DEDUCTION = BASE + "/deduction"
APPID = "wxd678efh567hg6787"
IDS: dict[str, str] = {
    "service_id": demo.DEMO_ORDER_SERVICE_ID,
    "sub_mchid": demo.DEMO_ORDER_SUB_MCHID,
    "channel_id": demo.DEMO_ORDER_CHANNEL_ID,
}


def order_path(out_order_no: str, action: str) -> str:
    return f"{BASE}/{out_order_no}/{action}"


def query_string(pairs: Sequence[tuple[str, str]]) -> str:
    return urllib.parse.urlencode(list(pairs), quote_via=urllib.parse.quote, safe="")


def get(client: httpx.Client, target: str, *, timestamp: int = FIXED_NOW, **auth: Any) -> httpx.Response:
    """A signed GET of the raw `target` (path and query string as sent)."""
    headers = {
        "Accept": "application/json",
        "User-Agent": "emulator-tests/1",
        "Authorization": authorization("GET", target, b"", timestamp=timestamp, **auth),
    }
    request = client.build_request("GET", target, headers=headers)
    assert request.url.raw_path.decode() == target
    return client.send(request)


def _merged(body: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = {**body, **overrides}
    return {key: value for key, value in merged.items() if value is not ...}


def create_body(out_order_no: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        **IDS,
        "appid": APPID,
        "out_order_no": out_order_no,
        "service_introduction": "某某酒店",
        "post_payments": [{"name": "就餐费用", "description": "就餐人均100元", "amount": 40000, "count": 4}],
        "risk_fund": {"name": "DEPOSIT", "amount": 80000, "description": "就餐的预估费用"},
        "time_range": {"start_time": "20301225091010"},
        "need_user_confirm": True,
        "notify_url": "https://api.test.com",
    }
    return _merged(body, overrides)


def complete_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        **IDS,
        "post_payments": [{"name": "就餐费用", "amount": 40000, "count": 4}],
        "post_discounts": [{"name": "满20减1元", "description": "不与其他优惠叠加", "amount": 100, "count": 1}],
        "total_amount": 39900,
    }
    return _merged(body, overrides)


def modify_body(total: int = 30000, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        **IDS,
        "post_payments": [{"name": "就餐费用", "amount": total, "count": 3}],
        "total_amount": total,
        "reason": "用户投诉",
    }
    return _merged(body, overrides)


def cancel_body(**overrides: Any) -> dict[str, Any]:
    return _merged({**IDS, "reason": "用户投诉"}, overrides)


def register_body(out_trade_no: str = "DEDUCT0001", **overrides: Any) -> dict[str, Any]:
    return _merged({**IDS, "appid": APPID, "out_trade_no": out_trade_no}, overrides)


def create(client: httpx.Client, document: Any, **kwargs: Any) -> httpx.Response:
    return post(client, BASE, compact(document), **kwargs)


def act(client: httpx.Client, out_order_no: str, action: str, document: Any, **kwargs: Any) -> httpx.Response:
    """POST a signed body to `…/{out_order_no}/{action}` (cancel, complete, modify, registerdeductinfo, sync)."""
    return post(client, order_path(out_order_no, action), compact(document), **kwargs)


def query_order(client: httpx.Client, out_order_no: str, **overrides: str) -> httpx.Response:
    pairs = {**IDS, **overrides, "out_order_no": out_order_no}
    return get(client, BASE + "?" + query_string(list(pairs.items())))


def query_deduction(client: httpx.Client, out_order_no: str, **overrides: str) -> httpx.Response:
    pairs = {"service_id": IDS["service_id"], "appid": APPID, "sub_mchid": IDS["sub_mchid"]}
    if "sub_appid" in overrides:
        pairs["sub_appid"] = overrides["sub_appid"]  # in the declared order, when sent
    pairs |= {"channel_id": IDS["channel_id"], "out_order_no": out_order_no}
    pairs |= {name: value for name, value in overrides.items() if name != "sub_appid"}
    return get(client, DEDUCTION + "?" + query_string(list(pairs.items())))
