"""The bench server: a loopback HTTP/1.1 keep-alive server answering every POST as WeChat Pay would, signed.

A POST to the create path (`POST /v3/payscore/acquiringbank/serviceorder`) is answered `200` with the order
(`bench._order.CREATED_ANSWER`, JSON, signed over `TIMESTAMP\nNONCE\nBODY\n`); every other POST (the sync, the
complete) with a signed `204`.

Run as `python -m bench._server` in its own process (so the client's process time never includes server work). It
prints `PORT <n>` on stdout, serves until its stdin closes, and never verifies request signatures (neither does the
floor). Control paths, on their own connections and outside every timed loop:

- `GET /_count`: JSON `{"connections": n, "requests": m}`; `connections` counts only connections that carried a POST.
- `GET /_capture`: keep the next POST (request line, headers, body) for `GET /_captured`.
- `GET /_captured`: that POST as JSON (`body` base64), or 404 when none arrived yet.

Every answer is signed with its own nonce, as WeChat Pay's are: the ready client refuses an answer it has accepted
before (a replay). The answers are signed ahead, by a thread per kind of answer that keeps a pool full, so that
signing stays out of the path of a call; a pool entry is at most a few seconds old, well inside the 300 s every
client accepts.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import json
import secrets
import sys
import threading
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bench._order import CREATE_PATH, CREATED_ANSWER
from bench._test_keys import PLATFORM_PRIVATE_PEM, PLATFORM_PUBLIC_KEY_ID

__all__ = [
    "RESIGN_SECONDS",
    "SignedAnswer",
    "fresh_204_headers",
    "load_platform_key",
    "main",
    "signed_204_headers",
    "signed_headers",
]

RESIGN_SECONDS = 60.0
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
_MAX_HEAD = 64 * 1024


def signed_204_headers(
    private_key: rsa.RSAPrivateKey, timestamp: int, nonce: str, request_id: str
) -> list[tuple[str, str]]:
    """The headers of a 204 signed over `TIMESTAMP\\nNONCE\\n\\n` (empty body), as WeChat Pay answers a sync."""
    return signed_headers(private_key, timestamp, nonce, request_id, b"")


def signed_headers(
    private_key: rsa.RSAPrivateKey, timestamp: int, nonce: str, request_id: str, body: bytes
) -> list[tuple[str, str]]:
    """The signature headers of an answer with `body`, signed over `TIMESTAMP\\nNONCE\\nBODY\\n`."""
    message = f"{timestamp}\n{nonce}\n".encode("ascii") + body + b"\n"
    signature = base64.b64encode(private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")
    return [
        ("Server", "bench"),
        ("Request-ID", request_id),
        ("Wechatpay-Timestamp", str(timestamp)),
        ("Wechatpay-Nonce", nonce),
        ("Wechatpay-Signature", signature),
        ("Wechatpay-Serial", PLATFORM_PUBLIC_KEY_ID),
        ("Wechatpay-Signature-Type", SIGNATURE_TYPE),
    ]


def load_platform_key() -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(PLATFORM_PRIVATE_PEM.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):  # pragma: no cover - the test key is RSA
        raise TypeError("the platform test key must be RSA")
    return key


def fresh_204_headers(private_key: rsa.RSAPrivateKey) -> list[tuple[str, str]]:
    """A 204 signed now, with a new nonce and Request-ID."""
    return fresh_headers(private_key, b"")


def fresh_headers(private_key: rsa.RSAPrivateKey, body: bytes) -> list[tuple[str, str]]:
    """The signature headers of an answer with `body`, signed now, with a new nonce and Request-ID."""
    return signed_headers(private_key, int(time.time()), secrets.token_hex(16), secrets.token_hex(16).upper(), body)


class SignedAnswer:
    """Signed answers (a 204, or a 200 with `body`), each given out once, from a pool that a background thread keeps
    at `POOL` answers."""

    POOL = 4096

    def __init__(self, body: bytes | None = None) -> None:
        self._key = load_platform_key()
        self._body = body
        self._pool: collections.deque[bytes] = collections.deque(self._make() for _ in range(256))
        self._low = threading.Event()
        self._low.set()
        threading.Thread(target=self._fill, daemon=True, name="bench-signer").start()

    def _make(self) -> bytes:
        if self._body is None:
            lines = ["HTTP/1.1 204 No Content", *(f"{name}: {value}" for name, value in fresh_204_headers(self._key))]
            return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")
        lines = [
            "HTTP/1.1 200 OK",
            *(f"{name}: {value}" for name, value in fresh_headers(self._key, self._body)),
            "Content-Type: application/json",
            f"Content-Length: {len(self._body)}",
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + self._body

    def _fill(self) -> None:
        while True:
            self._low.wait()
            while len(self._pool) < self.POOL:
                self._pool.append(self._make())
            self._low.clear()

    def resign(self) -> None:
        """Drop answers signed long ago (their timestamps would age past what clients accept)."""
        self._pool.clear()
        self._low.set()

    @property
    def raw(self) -> bytes:
        try:
            answer = self._pool.popleft()
        except IndexError:  # the pool ran dry: sign in line
            answer = self._make()
        if len(self._pool) < self.POOL // 2:
            self._low.set()
        return answer


class State:
    """What the control paths report."""

    def __init__(self) -> None:
        self.answer = SignedAnswer()  # the 204 of a sync or a complete
        self.created = SignedAnswer(CREATED_ANSWER)  # the 200 of a create
        self.connections = 0
        self.requests = 0
        self.armed = False
        self.captured: dict[str, object] | None = None


def _control(state: State, target: str) -> tuple[int, bytes]:
    if target == "/_count":
        return 200, json.dumps({"connections": state.connections, "requests": state.requests}).encode()
    if target == "/_capture":
        state.armed, state.captured = True, None
        return 200, b'{"armed": true}'
    if target == "/_captured":
        if state.captured is None:
            return 404, b'{"captured": null}'
        return 200, json.dumps(state.captured).encode()
    return 404, b'{"error": "unknown control path"}'


def _plain(status: int, body: bytes) -> bytes:
    reason = {200: "OK", 404: "Not Found", 400: "Bad Request"}.get(status, "OK")
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


async def _serve(state: State, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    counted = False
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = [tuple(line.split(":", 1)) for line in lines[1:] if line]
            fields = {name.strip().lower(): value.strip() for name, value in headers}
            body = await reader.readexactly(int(fields.get("content-length", "0")))
            if method != "POST":
                status, payload = _control(state, target)
                writer.write(_plain(status, payload))
                await writer.drain()
                return
            if not counted:
                counted = True
                state.connections += 1
            state.requests += 1
            if state.armed:
                state.armed = False
                state.captured = {
                    "method": method,
                    "target": target,
                    "headers": [[name.strip(), value.strip()] for name, value in headers],
                    "body": base64.b64encode(body).decode("ascii"),
                }
            writer.write(state.created.raw if target == CREATE_PATH else state.answer.raw)
            if fields.get("connection", "").lower() == "close":
                await writer.drain()
                return
            if writer.transport.get_write_buffer_size() > 65536:
                await writer.drain()
    except (ConnectionError, ValueError, asyncio.IncompleteReadError):
        return
    except asyncio.CancelledError:
        return  # shutting down: the connection is simply dropped
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def _resign_forever(state: State) -> None:
    while True:
        await asyncio.sleep(RESIGN_SECONDS)
        state.answer.resign()
        state.created.resign()


async def _until_stdin_closes() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while await reader.read(1024):
        pass


async def _main() -> None:
    state = State()
    server = await asyncio.start_server(lambda r, w: _serve(state, r, w), "127.0.0.1", 0, limit=_MAX_HEAD, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"PORT {port}\n")
    sys.stdout.flush()
    resigner = asyncio.create_task(_resign_forever(state))
    async with server:
        await _until_stdin_closes()
    resigner.cancel()


def main() -> None:
    asyncio.run(_main())


if __name__ == "__main__":
    main()
