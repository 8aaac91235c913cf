"""End to end: the generated client with ``WechatPayAuth`` against an independent server on 127.0.0.1.

The server is written here with the standard library and plain ``cryptography``: it checks each request's
``Authorization`` without any code from ``wechatpay_auth``, records the raw request target it received, and answers
like WeChat Pay (signed 204s, signed errors) or like a forger, a prober or a gateway, as each test asks.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

import attrs
import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from wechatpay_auth import (
    ClockSkewError,
    InvalidSignatureError,
    MissingSignatureHeadersError,
    ProbeSignatureError,
    ReplayedResponseError,
    ResponseVerificationError,
    UnknownSerialError,
    Verification,
    WechatPayAuth,
    verification_of,
)
from wechatpay_payscore import Client
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore.models import ErrorResponse, SyncDetail, SyncServiceOrderRequest

MCHID = "1900000100"
MERCHANT_SERIAL = "3775B6A45ACD588826D15E583A95F5DD2F6D4F0A"
PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001002024112700000000"
NOW = 1_700_000_000
ORDER = "1234323JKHDFE1243252"
REQUEST_ID = "08F0B0A4AF0610ACB1A1D80B18F6E2A0A60220F3A20428E4B501-0"
COMPACT_BODY = (
    b'{"service_id":"2002000000000558128851361561536","sub_mchid":"1900000109","type":"Order_Paid",'
    b'"detail":{"paid_time":"20091225091210"},"channel_id":"1230000109"}'
)
_FIELD = re.compile(r'(\w+)="([^"]*)"')


@attrs.define
class Seen:
    """One request as the server received it."""

    method: str
    target: str
    body: bytes
    authorization_valid: bool
    signed_message: bytes
    wechatpay_serial: str | None


@attrs.define
class FakeWechatPay:
    """Server state: the keys of both sides, what to answer next, and what was received."""

    merchant_public_key: rsa.RSAPublicKey
    platform_key: rsa.RSAPrivateKey
    mode: str = "ok"
    seen: list[Seen] = attrs.field(factory=list)
    url: str = ""
    # False: every answer carries the same nonce, as a replayer would send the one answer it captured.
    fresh_nonces: bool = False

    def check_authorization(self, method: str, target: str, body: bytes, header: str | None) -> tuple[bool, bytes]:
        """WeChat Pay's request check, written independently of wechatpay_auth."""
        scheme = "WECHATPAY2-SHA256-RSA2048 "
        if header is None or not header.startswith(scheme):
            return False, b""
        fields = dict(_FIELD.findall(header[len(scheme) :]))
        message = f"{method}\n{target}\n{fields.get('timestamp')}\n{fields.get('nonce_str')}\n".encode() + body + b"\n"
        if fields.get("mchid") != MCHID or fields.get("serial_no") != MERCHANT_SERIAL:
            return False, message
        try:
            signature = base64.b64decode(fields.get("signature", ""), validate=True)
            self.merchant_public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        except (ValueError, InvalidSignature):
            return False, message
        return True, message

    def answer(self, authorization_valid: bool) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body of the answer, per ``mode``."""
        if not authorization_valid:
            return self.signed(401, b'{"code":"SIGN_ERROR","message":"signature check failed"}')
        mode = self.mode
        if mode == "ok":
            return self.signed(204, b"")
        if mode == "order_done":
            return self.signed(400, '{"code":"ORDER_DONE","message":"订单已完结"}'.encode())
        if mode == "gateway_502":
            return 502, {"Content-Type": "text/html"}, b"<html><body>502 Bad Gateway</body></html>"
        if mode == "bad_signature":
            return self.signed(204, b"", signed_message=f"{NOW}\nNONCEOFTHEANSWER\n{{}}\n".encode())
        if mode == "forged_error":
            return self.signed(400, b'{"code":"ORDER_DONE","message":"forged"}', signed_message=b"elsewhere\n")
        if mode == "unknown_serial":
            return self.signed(204, b"", serial="PUB_KEY_ID_0119000001002099999999999999")
        if mode == "stale":
            return self.signed(204, b"", timestamp=NOW - 301)
        if mode == "missing_headers":
            return 204, {"Content-Type": "application/json", "Request-ID": REQUEST_ID}, b""
        if mode == "without_body_line":  # vector V06's mistake
            return self.signed(204, b"", signed_message=f"{NOW}\nNONCEOFTHEANSWER\n".encode())
        if mode == "other_nonce":
            return self.signed(204, b"", signed_message=f"{NOW}\nANOTHERNONCE\n\n".encode())
        if mode == "probe":
            return self.signed(204, b"", signature="WECHATPAY/SIGNTEST/" + base64.b64encode(b"probe").decode())
        raise AssertionError(mode)

    def signed(
        self,
        status: int,
        body: bytes,
        *,
        timestamp: int = NOW,
        serial: str = PUBLIC_KEY_ID,
        signed_message: bytes | None = None,
        signature: str | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        nonce = f"NONCEOFTHEANSWER{len(self.seen):016d}" if self.fresh_nonces else "NONCEOFTHEANSWER"
        message = f"{timestamp}\n{nonce}\n".encode() + body + b"\n" if signed_message is None else signed_message
        if signature is None:
            raw = self.platform_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
            signature = base64.b64encode(raw).decode()
        headers = {
            "Content-Type": "application/json",
            "Request-ID": REQUEST_ID,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Serial": serial,
            "Wechatpay-Signature": signature,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
            "Wechatpay-Timestamp": str(timestamp),
        }
        return status, headers, body


def handler_for(state: FakeWechatPay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            valid, message = state.check_authorization(self.command, self.path, body, self.headers.get("Authorization"))
            state.seen.append(Seen(self.command, self.path, body, valid, message, self.headers.get("Wechatpay-Serial")))
            status, headers, content = state.answer(valid)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    return Handler


@pytest.fixture
def server(merchant_key: rsa.RSAPrivateKey, platform_key: rsa.RSAPrivateKey) -> Iterator[FakeWechatPay]:
    state = FakeWechatPay(merchant_public_key=merchant_key.public_key(), platform_key=platform_key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def order_request() -> SyncServiceOrderRequest:
    return SyncServiceOrderRequest(
        service_id="2002000000000558128851361561536",
        sub_mchid="1900000109",
        type_="Order_Paid",
        detail=SyncDetail(paid_time="20091225091210"),
        channel_id="1230000109",
    )


@pytest.fixture
def client(
    server: FakeWechatPay, make_auth: Callable[..., WechatPayAuth]
) -> Iterator[tuple[Client, list[httpx.Response]]]:
    """The generated client, authenticated by WechatPayAuth; the list collects the httpx responses it received."""
    responses: list[httpx.Response] = []
    generated = Client(
        base_url=server.url,
        timeout=httpx.Timeout(10.0),
        httpx_args={"auth": make_auth(), "event_hooks": {"response": [responses.append]}},
    )
    with generated:
        yield generated, responses


def test_sync_gets_a_verified_204(server: FakeWechatPay, client: tuple[Client, list[httpx.Response]]) -> None:
    generated, responses = client
    result = sync_service_order.sync_detailed(ORDER, client=generated, body=order_request())
    assert result.status_code == 204
    assert result.parsed is None
    [seen] = server.seen
    assert seen.authorization_valid
    assert seen.target == f"/v3/payscore/acquiringbank/serviceorder/{ORDER}/sync"
    assert seen.body == COMPACT_BODY
    assert seen.wechatpay_serial == PUBLIC_KEY_ID
    assert verification_of(responses[-1]) == Verification(
        verified=True, serial=PUBLIC_KEY_ID, timestamp=NOW, nonce="NONCEOFTHEANSWER", request_id=REQUEST_ID
    )


@pytest.mark.anyio
async def test_async_gets_a_verified_204(server: FakeWechatPay, make_auth: Callable[..., WechatPayAuth]) -> None:
    responses: list[httpx.Response] = []

    async def keep(response: httpx.Response) -> None:
        responses.append(response)

    generated = Client(
        base_url=server.url,
        timeout=httpx.Timeout(10.0),
        httpx_args={"auth": make_auth(), "event_hooks": {"response": [keep]}},
    )
    async with generated:
        result = await sync_service_order.asyncio_detailed(ORDER, client=generated, body=order_request())
        assert result.status_code == 204
        server.mode = "probe"
        with pytest.raises(ProbeSignatureError):
            await sync_service_order.asyncio_detailed(ORDER, client=generated, body=order_request())
    assert [seen.authorization_valid for seen in server.seen] == [True, True]
    verification = verification_of(responses[0])
    assert verification is not None
    assert verification.verified


def test_out_order_no_is_signed_exactly_as_sent(
    server: FakeWechatPay, client: tuple[Client, list[httpx.Response]]
) -> None:
    generated, _ = client
    order = "A|B*C%7C_-9"
    result = sync_service_order.sync_detailed(order, client=generated, body=order_request())
    assert result.status_code == 204
    [seen] = server.seen
    expected_target = f"/v3/payscore/acquiringbank/serviceorder/{quote(order, safe='')}/sync"
    assert seen.target == expected_target == "/v3/payscore/acquiringbank/serviceorder/A%7CB%2AC%257C_-9/sync"
    # The server rebuilt the message from the raw target it received, and the signature held over it.
    assert seen.authorization_valid
    assert seen.signed_message.split(b"\n")[1] == expected_target.encode()


def test_signed_error_is_verified_and_parsed(
    server: FakeWechatPay, client: tuple[Client, list[httpx.Response]]
) -> None:
    generated, responses = client
    server.mode = "order_done"
    result = sync_service_order.sync_detailed(ORDER, client=generated, body=order_request())
    assert isinstance(result.parsed, ErrorResponse)
    assert result.parsed.code == "ORDER_DONE"
    verification = verification_of(responses[-1])
    assert verification is not None
    assert verification.verified


def test_unsigned_gateway_error_is_let_through_unverified(
    server: FakeWechatPay, client: tuple[Client, list[httpx.Response]]
) -> None:
    generated, responses = client
    server.mode = "gateway_502"
    result = sync_service_order.sync_detailed(ORDER, client=generated, body=order_request())
    assert result.status_code == 502
    assert result.parsed is None
    assert verification_of(responses[-1]) == Verification(verified=False)


@pytest.mark.parametrize(
    ("mode", "error_type"),
    [
        ("bad_signature", InvalidSignatureError),
        ("forged_error", InvalidSignatureError),
        ("unknown_serial", UnknownSerialError),
        ("stale", ClockSkewError),
        ("missing_headers", MissingSignatureHeadersError),
        ("without_body_line", InvalidSignatureError),
        ("other_nonce", InvalidSignatureError),
        ("probe", ProbeSignatureError),
    ],
)
def test_each_forgery_raises_its_typed_error(
    server: FakeWechatPay,
    client: tuple[Client, list[httpx.Response]],
    mode: str,
    error_type: type[ResponseVerificationError],
) -> None:
    generated, _ = client
    server.mode = mode
    with pytest.raises(ResponseVerificationError) as caught:
        sync_service_order.sync_detailed(ORDER, client=generated, body=order_request())
    assert type(caught.value) is error_type
    assert caught.value.request_id == REQUEST_ID
    assert caught.value.request is not None
    assert caught.value.request.url.raw_path == f"/v3/payscore/acquiringbank/serviceorder/{ORDER}/sync".encode()
    assert server.seen[-1].authorization_valid  # the request itself was fine: only the answer is rejected


def test_server_rejects_a_request_signed_with_another_key(
    server: FakeWechatPay, make_auth: Callable[..., WechatPayAuth], test_rsa_key: rsa.RSAPrivateKey
) -> None:
    # Sanity check of the independent server: a wrong merchant key is answered 401 SIGN_ERROR (signed).
    generated = Client(base_url=server.url, httpx_args={"auth": make_auth(private_key=test_rsa_key)})
    with generated:
        result = sync_service_order.sync_detailed(ORDER, client=generated, body=order_request())
    assert result.status_code == 401
    assert isinstance(result.parsed, ErrorResponse)
    assert result.parsed.code == "SIGN_ERROR"
    assert not server.seen[-1].authorization_valid


def test_the_same_signed_answer_is_accepted_once(
    server: FakeWechatPay, client: tuple[Client, list[httpx.Response]]
) -> None:
    generated, _ = client
    assert sync_service_order.sync_detailed(ORDER, client=generated, body=order_request()).status_code == 204
    # The server answers the next order with the very same signed 204 (timestamp, nonce and signature).
    with pytest.raises(ReplayedResponseError, match="already accepted once") as caught:
        sync_service_order.sync_detailed("ANOTHER-ORDER-0001", client=generated, body=order_request())
    assert isinstance(caught.value, ResponseVerificationError)
    assert caught.value.nonce == "NONCEOFTHEANSWER"
    assert "query the order before any retry" in str(caught.value)
    assert [seen.authorization_valid for seen in server.seen] == [True, True]


def test_answers_with_fresh_nonces_are_all_accepted(
    server: FakeWechatPay, client: tuple[Client, list[httpx.Response]]
) -> None:
    generated, responses = client
    server.fresh_nonces = True
    for number in range(5):
        result = sync_service_order.sync_detailed(f"ORDER-{number}", client=generated, body=order_request())
        assert result.status_code == 204
    verifications = [verification_of(response) for response in responses]
    assert len({verification.nonce for verification in verifications if verification is not None}) == 5


@pytest.mark.anyio
async def test_async_client_refuses_a_replay_too(
    server: FakeWechatPay, make_auth: Callable[..., WechatPayAuth]
) -> None:
    generated = Client(base_url=server.url, timeout=httpx.Timeout(10.0), httpx_args={"auth": make_auth()})
    async with generated:
        result = await sync_service_order.asyncio_detailed(ORDER, client=generated, body=order_request())
        assert result.status_code == 204
        with pytest.raises(ReplayedResponseError):
            await sync_service_order.asyncio_detailed(ORDER, client=generated, body=order_request())
