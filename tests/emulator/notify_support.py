"""A notification receiver for the emulator's tests, written against `cryptography` alone: a real HTTP server on
127.0.0.1 that records what arrives, checks it the way WeChat Pay's rules say (signature over
`timestamp\\nnonce\\nbody\\n` by the key its serial names, timestamp within 300 s, AEAD_AES_256_GCM with the APIv3
key) and answers as told; the demo orders that notify and the set-up that points the emulator at a receiver."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from wechatpay_emulator import Emulator, Order, demo

from tests.emulator.support import FIXED_NOW, IDS, RESPONSE_KEYS

DEMO_APIV3_KEY = demo.demo_apiv3_key_path().read_bytes().rstrip(b"\n")
# The demo order's ids, as keyword arguments of `Order`.
ORDER_IDS: dict[str, Any] = dict(IDS)
assert len(DEMO_APIV3_KEY) == 32


def created(number: str, **fields: Any) -> Order:
    """A demo order waiting for the user (`CREATED`): `confirm` makes it send `PAYSCORE.USER_CONFIRM`."""
    return Order(out_order_no=number, **ORDER_IDS, state="CREATED", **fields)


def ready(number: str, **fields: Any) -> Order:
    """A demo order the user may pay (`DOING` unless `fields` say otherwise): `pay` and `pay_now` notify."""
    return Order(out_order_no=number, **ORDER_IDS, **fields)


def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for `condition`, polling; a test fails rather than hang when it never comes."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.005)


@attrs.frozen
class Received:
    """One request the receiver got: when (time.monotonic()), its headers (lower-case names) and raw body."""

    at: float
    path: str
    headers: Mapping[str, str]
    body: bytes

    @property
    def envelope(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.body)
        return document


def signature_ok(headers: Mapping[str, str], body: bytes, keys: Mapping[str, rsa.RSAPublicKey] = RESPONSE_KEYS) -> bool:
    """Whether the `Wechatpay-Signature` verifies over `timestamp\\nnonce\\nbody\\n` with the key of its serial."""
    key = keys.get(headers.get("wechatpay-serial", ""))
    if key is None:
        return False
    message = f"{headers['wechatpay-timestamp']}\n{headers['wechatpay-nonce']}\n".encode() + body + b"\n"
    try:
        raw = base64.b64decode(headers["wechatpay-signature"], validate=True)
        key.verify(raw, message, padding.PKCS1v15(), hashes.SHA256())
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


def decrypt(envelope: Mapping[str, Any], key: bytes = DEMO_APIV3_KEY) -> dict[str, Any]:
    """The resource's plaintext as JSON (raises `InvalidTag` for a wrong key or a spoiled ciphertext)."""
    resource = envelope["resource"]
    assert resource["algorithm"] == "AEAD_AES_256_GCM"
    plain = AESGCM(key).decrypt(
        resource["nonce"].encode(),
        base64.b64decode(resource["ciphertext"], validate=True),
        resource.get("associated_data", "").encode(),
    )
    document: dict[str, Any] = json.loads(plain)
    return document


def verdict(received: Received, *, now: int = FIXED_NOW, key: bytes = DEMO_APIV3_KEY) -> str | None:
    """Why a careful receiver refuses this notification, or None when it accepts it."""
    if not signature_ok(received.headers, received.body):
        return "signature"
    if abs(int(received.headers["wechatpay-timestamp"]) - now) > 300:
        return "timestamp"
    try:
        decrypt(received.envelope, key)
    except InvalidTag:
        return "decryption"
    return None


# An answer: (status, body, seconds to wait before answering).
Answer = tuple[int, bytes, float]
ACCEPT: Answer = (204, b"", 0.0)
FAIL: Answer = (500, b'{"code":"FAIL","message":"not now"}', 0.0)


def careful(received: Received) -> Answer:
    """A receiver that checks everything: 204, or 400 `{"code": "FAIL"}` naming what failed."""
    problem = verdict(received)
    if problem is None:
        return ACCEPT
    return (400, json.dumps({"code": "FAIL", "message": problem}).encode(), 0.0)


class _Server6(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class Receiver:
    """An HTTP server on 127.0.0.1 recording every request; `answers` are used in turn (the last one repeats), or
    `answer` decides from what was received."""

    def __init__(
        self,
        *answers: Answer,
        answer: Callable[[Received], Answer] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.answers = list(answers) or [ACCEPT]
        self.decide = answer
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(size)
                got = Received(time.monotonic(), self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                status, content, delay = receiver._record(got)
                time.sleep(delay)
                with contextlib.suppress(OSError):  # the emulator may have given up waiting
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(content)))
                    if content:
                        self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(content)

            def log_message(self, *args: Any) -> None:
                pass

        server_class = _Server6 if ":" in host else ThreadingHTTPServer
        self.server = server_class((host, port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}/notify"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True)

    def _record(self, received: Received) -> Answer:
        with self._lock:
            self.received.append(received)
            if self.decide is not None:
                return self.decide(received)
            index = min(len(self.received), len(self.answers)) - 1
            return self.answers[index]

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(10)


@contextlib.contextmanager
def receiving(*answers: Answer, answer: Callable[[Received], Answer] | None = None) -> Iterator[Receiver]:
    with Receiver(*answers, answer=answer) as receiver:
        yield receiver


@contextlib.contextmanager
def notifying(
    emulator: Emulator, *answers: Answer, answer: Callable[[Received], Answer] | None = None
) -> Iterator[Receiver]:
    """A receiver (answering as `receiving` does), with `emulator`'s notifications sent to it from now on."""
    with receiving(*answers, answer=answer) as receiver:
        emulator.set_notify_url(receiver.url)
        yield receiver


def free_port() -> int:
    """A port nothing listens on (just released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
