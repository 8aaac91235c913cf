"""The contenders: each makes `calls` calls against the same server, and checks each answer's status.

- `Floor`: RSA sign + bare `httpx.Client` POST of the project's exact request bytes + RSA verify of the answer
  (for the sync, the create or the complete: whichever request it was given).
- `BareAsync`: a bare `httpx.AsyncClient` POST of the same bytes, no crypto (the transport's own async cost).
- `ProjectSync` / `ProjectAsync`: the documented ready client (`create_client` + `sync_service_order`);
  `ProjectCreate` / `ProjectComplete`: the same client, `create_service_order` / `complete_service_order`.
- `Peer`: wechatpayv3 2.0.4, the most used Python SDK for WeChat Pay APIv3.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from typing import Protocol

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from wechatpay_payscore.api.payscore import complete_service_order, create_service_order, sync_service_order
from wechatpay_payscore_client import Seams, WechatPayClient, create_client

from bench._order import OUT_ORDER_NO, PATH, body_document, body_model, complete_model, create_model
from bench._server_process import CapturedRequest
from bench._test_keys import (
    MCHID,
    MERCHANT_PRIVATE_PEM,
    MERCHANT_SERIAL_NO,
    PLATFORM_PUBLIC_KEY_ID,
    PLATFORM_PUBLIC_PEM,
)

__all__ = [
    "FLOOR_HEADERS",
    "BareAsync",
    "Contender",
    "Floor",
    "Peer",
    "ProjectAsync",
    "ProjectComplete",
    "ProjectCreate",
    "ProjectSync",
    "merchant_private_key",
    "platform_public_key",
    "project_client",
]

# The headers a caller sets; httpx adds Host, Accept-Encoding, Connection and Content-Length itself, for both.
FLOOR_HEADERS = ("Content-Type", "Accept", "User-Agent", "Authorization", "Wechatpay-Serial")


class Contender(Protocol):
    def run(self, calls: int) -> None: ...

    def close(self) -> None: ...


def merchant_private_key() -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(MERCHANT_PRIVATE_PEM.encode("ascii"), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def platform_public_key() -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(PLATFORM_PUBLIC_PEM.encode("ascii"))
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def project_client(base_url: str, **options: object) -> WechatPayClient:
    """The documented ready client, configured with the test-only keys."""
    return create_client(
        mchid=MCHID,
        serial_no=MERCHANT_SERIAL_NO,
        private_key=MERCHANT_PRIVATE_PEM,
        wechatpay_public_keys={PLATFORM_PUBLIC_KEY_ID: PLATFORM_PUBLIC_PEM},
        base_url=base_url,
        **options,  # type: ignore[arg-type]
    )


def authorization_fields(value: str) -> dict[str, str]:
    """The `key="value"` fields of a `WECHATPAY2-SHA256-RSA2048 ...` Authorization header."""
    _, _, params = value.partition(" ")
    fields = {}
    for part in params.split(","):
        name, _, quoted = part.partition("=")
        fields[name.strip()] = quoted.strip().strip('"')
    return fields


class Floor:
    """What any correct client must do per call, and nothing else.

    Signs the same request message the project signed (SHA256withRSA, Base64), POSTs the project's exact request
    (headers and body bytes, captured by the server) with a bare kept-alive `httpx.Client`, and verifies the answer's
    signature over `TIMESTAMP\\nNONCE\\nBODY\\n` (an empty body line for a 204). It reads the answer's bytes and
    nothing more: it parses no JSON.
    """

    def __init__(
        self,
        base_url: str,
        reference: CapturedRequest,
        transport: httpx.BaseTransport | None = None,
        *,
        crypto: bool = True,
        status: int = 204,
    ) -> None:
        self._crypto = crypto
        self._status = status
        self._client = httpx.Client(base_url=base_url, transport=transport)
        self._target = reference.target
        self._body = reference.body
        self._headers = {name: value for name, value in reference.headers if name.title() in FLOOR_HEADERS}
        auth = authorization_fields(reference.header("Authorization") or "")
        self.message = b"".join(
            part + b"\n"
            for part in (
                reference.method.encode(),
                reference.target.encode(),
                auth["timestamp"].encode(),
                auth["nonce_str"].encode(),
                reference.body,
            )
        )
        self._private_key = merchant_private_key()
        self._public_key = platform_public_key()

    def run(self, calls: int) -> None:
        if not self._crypto:
            self._post_only(calls)
            return
        key, public_key, message = self._private_key, self._public_key, self.message
        pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()
        for _ in range(calls):
            base64.b64encode(key.sign(message, pkcs1, sha256))
            response = self._client.post(self._target, content=self._body, headers=self._headers)
            headers = response.headers
            answer = f"{headers['Wechatpay-Timestamp']}\n{headers['Wechatpay-Nonce']}\n".encode() + response.content
            public_key.verify(base64.b64decode(headers["Wechatpay-Signature"]), answer + b"\n", pkcs1, sha256)
            if response.status_code != self._status:
                raise RuntimeError(f"floor: HTTP {response.status_code}")

    def _post_only(self, calls: int) -> None:
        for _ in range(calls):
            response = self._client.post(self._target, content=self._body, headers=self._headers)
            if response.status_code != self._status:
                raise RuntimeError(f"bare POST: HTTP {response.status_code}")

    def close(self) -> None:
        self._client.close()


class BareAsync:
    """The async floor of the transport alone: a bare `httpx.AsyncClient` POSTing the same bytes, no crypto,
    `concurrency` calls in flight at a time (what httpx + httpcore cost before any signing)."""

    def __init__(self, base_url: str, reference: CapturedRequest, concurrency: int) -> None:
        self._client = httpx.AsyncClient(base_url=base_url)
        self._target = reference.target
        self._body = reference.body
        self._headers = {name: value for name, value in reference.headers if name.title() in FLOOR_HEADERS}
        self._concurrency = concurrency
        self._loop = asyncio.new_event_loop()

    def run(self, calls: int) -> None:
        self._loop.run_until_complete(_spread(self._worker, calls, self._concurrency))

    async def _worker(self, calls: int) -> None:
        for _ in range(calls):
            response = await self._client.post(self._target, content=self._body, headers=self._headers)
            if response.status_code != 204:
                raise RuntimeError(f"bare async POST: HTTP {response.status_code}")

    def close(self) -> None:
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()


async def _spread(worker: Callable[[int], Awaitable[None]], calls: int, concurrency: int) -> None:
    """`calls` calls over `concurrency` workers, each making its share one after another."""
    share, extra = divmod(calls, concurrency)
    await asyncio.gather(*(worker(share + (index < extra)) for index in range(concurrency)))


class ProjectSync:
    """`sync_service_order.sync_detailed` through `create_client(...)`, one kept-alive connection."""

    def __init__(self, base_url: str, transport: httpx.BaseTransport | None = None) -> None:
        self.client = project_client(base_url, seams=Seams(transport=transport))
        self._body = body_model()

    def run(self, calls: int) -> None:
        client, body = self.client, self._body
        for _ in range(calls):
            response = sync_service_order.sync_detailed(OUT_ORDER_NO, client=client, body=body)
            if response.status_code != 204:
                raise RuntimeError(f"project: HTTP {response.status_code}")

    def close(self) -> None:
        self.client.close()


class ProjectCreate:
    """`create_service_order.sync_detailed` through `create_client(...)`: a 200 whose order is verified, checked
    against the contract and parsed into the generated model (`CreatedServiceOrder`)."""

    def __init__(self, base_url: str, transport: httpx.BaseTransport | None = None) -> None:
        self.client = project_client(base_url, seams=Seams(transport=transport))
        self._body = create_model()

    def run(self, calls: int) -> None:
        client, body = self.client, self._body
        for _ in range(calls):
            response = create_service_order.sync_detailed(client=client, body=body)
            if response.status_code != 200 or response.parsed is None:
                raise RuntimeError(f"project create: HTTP {response.status_code}")

    def close(self) -> None:
        self.client.close()


class ProjectComplete:
    """`complete_service_order.sync_detailed` through `create_client(...)`: a larger body with `x-rules` (the
    amount rule), answered with a signed 204."""

    def __init__(self, base_url: str, transport: httpx.BaseTransport | None = None) -> None:
        self.client = project_client(base_url, seams=Seams(transport=transport))
        self._body = complete_model()

    def run(self, calls: int) -> None:
        client, body = self.client, self._body
        for _ in range(calls):
            response = complete_service_order.sync_detailed(OUT_ORDER_NO, client=client, body=body)
            if response.status_code != 204:
                raise RuntimeError(f"project complete: HTTP {response.status_code}")

    def close(self) -> None:
        self.client.close()


class ProjectAsync:
    """`sync_service_order.asyncio_detailed` through one `AsyncClient`, `concurrency` calls in flight at a time."""

    def __init__(self, base_url: str, concurrency: int) -> None:
        self.client = project_client(base_url)
        self._body = body_model()
        self._concurrency = concurrency
        self._loop = asyncio.new_event_loop()

    def run(self, calls: int) -> None:
        self._loop.run_until_complete(_spread(self._worker, calls, self._concurrency))

    async def _worker(self, calls: int) -> None:
        client, body = self.client, self._body
        for _ in range(calls):
            response = await sync_service_order.asyncio_detailed(OUT_ORDER_NO, client=client, body=body)
            if response.status_code != 204:
                raise RuntimeError(f"project async: HTTP {response.status_code}")

    def close(self) -> None:
        self._loop.run_until_complete(self.client.aclose())
        self._loop.close()


class Peer:
    """wechatpayv3 in public-key mode: `core.request(path, POST, data)`, what its API functions call.

    wechatpayv3 has no method for the acquiring-bank sync (its `payscore_sync` is the direct-merchant path), so the
    call goes through the SDK's own generic request primitive. Its gateway is a hard-coded attribute with no
    constructor parameter: it is the one thing set from outside (`_core._gate_way`), nothing is monkeypatched.
    """

    def __init__(self, base_url: str) -> None:
        from wechatpayv3 import WeChatPay, WeChatPayType
        from wechatpayv3.type import RequestType

        self._pay = WeChatPay(
            wechatpay_type=WeChatPayType.NATIVE,
            mchid=MCHID,
            private_key=MERCHANT_PRIVATE_PEM,
            cert_serial_no=MERCHANT_SERIAL_NO,
            appid="wxd678efh567hg6787",
            apiv3_key="0" * 32,  # unused by this call (no encrypted fields); TEST ONLY
            public_key=PLATFORM_PUBLIC_PEM,
            public_key_id=PLATFORM_PUBLIC_KEY_ID,
            timeout=(5, 10),
        )
        self._pay._core._gate_way = base_url
        self._post = RequestType.POST

    def run(self, calls: int) -> None:
        core, post = self._pay._core, self._post
        for _ in range(calls):
            code, _ = core.request(PATH, method=post, data=body_document())
            if code != 204:
                raise RuntimeError(f"wechatpayv3: HTTP {code}")

    def close(self) -> None:
        """wechatpayv3 keeps no connection: `requests.post` opens and closes one per call."""
