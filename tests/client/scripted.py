"""A scripted WeChat Pay behind `httpx.MockTransport`: answers signed with the TEST-ONLY demo key of the emulator."""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Callable
from typing import Any

import attrs
import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from wechatpay_auth import response_message, sign
from wechatpay_emulator import demo
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore_client import RetryPolicy, Seams, WechatPayClient, create_client

from .conftest import SEED, seed_body

Handler = Callable[[httpx.Request], httpx.Response]
ORDER_DONE = b'{"code":"ORDER_DONE","message":"done"}'


@functools.cache
def wechatpay_key() -> RSAPrivateKey:
    key = serialization.load_pem_private_key(demo.demo_wechatpay_private_key_path().read_bytes(), None)
    assert isinstance(key, RSAPrivateKey)
    return key


def signed_answer(status: int, body: bytes = b"", *, signed: bool = True, **headers: str) -> httpx.Response:
    """An answer as WeChat Pay gives it: signed over `TIMESTAMP\\nNONCE\\nBODY\\n` (or, `signed=False`, not)."""
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    values = {"Request-ID": "TEST-REQUEST-ID", **headers}
    if signed:
        values |= {
            "Wechatpay-Timestamp": timestamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": sign(response_message(timestamp, nonce, body), wechatpay_key()),
            "Wechatpay-Serial": demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }
    return httpx.Response(status, headers=values, content=body)


def scripted(*steps: Handler | BaseException) -> tuple[Handler, list[httpx.Request]]:
    """A handler playing one step per request: an answer, or an exception raised as the transport would."""
    pending = list(steps)
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = pending.pop(0)
        if isinstance(step, BaseException):
            raise step
        return step(request)

    return handle, seen


_SEAMS = {field.name for field in attrs.fields(Seams)}


def client_for(handler: Handler | None = None, **options: Any) -> WechatPayClient:
    """A ready client on the demo keys whose network is `handler`; seam names (`sleep=`...) go into `Seams`."""
    seams = {name: options.pop(name) for name in list(options) if name in _SEAMS}
    if handler is not None:
        seams.setdefault("transport", httpx.MockTransport(handler))
    return create_client(
        mchid=demo.DEMO_MCHID,
        serial_no=demo.DEMO_MERCHANT_SERIAL,
        private_key=demo.demo_merchant_private_key_path(),
        wechatpay_public_keys={demo.DEMO_WECHATPAY_PUBLIC_KEY_ID: demo.demo_wechatpay_public_key_path()},
        base_url=options.pop("base_url", "http://127.0.0.1:9"),
        seams=Seams(**seams),
        **options,
    )


def call(client: WechatPayClient) -> Any:
    return sync_service_order.sync_detailed(SEED.out_order_no, client=client, body=seed_body())


def fast(**kwargs: Any) -> RetryPolicy:
    return RetryPolicy(backoff_initial=0.0, **kwargs)
