"""A raw-socket server on 127.0.0.1 that answers with whatever bytes a test scripts, as fast or as slowly as it likes.

Every connection is handled in a thread of its own by `script(connection, index)`; the server records how many
connections it accepted and the raw requests it read. Bounded: `stop()` (or leaving the `with`) closes everything,
and each script sleeps only in steps that check `stopped`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any

import httpx

from .scripted import signed_answer

__all__ = ["Connection", "RawServer", "raw_answer", "serve"]


class Connection:
    """One accepted connection: read requests, write bytes, with the server's stop flag at hand."""

    def __init__(self, sock: socket.socket, server: RawServer) -> None:
        self.sock = sock
        self._server = server
        self._buffer = b""

    @property
    def stopped(self) -> bool:
        return self._server.stopped.is_set()

    def read_request(self) -> bytes | None:
        """The next request (head and Content-Length body), or None when the client closed."""
        while b"\r\n\r\n" not in self._buffer:
            chunk = self._recv()
            if not chunk:
                return None
            self._buffer += chunk
        head, _, rest = self._buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            chunk = self._recv()
            if not chunk:
                return None
            rest += chunk
        request, self._buffer = head + b"\r\n\r\n" + rest[:length], rest[length:]
        self._server.requests.append(request)
        return request

    def _recv(self) -> bytes:
        try:
            return self.sock.recv(65536)
        except OSError:
            return b""

    def send(self, data: bytes) -> bool:
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def trickle(self, data: bytes, every: float) -> bool:
        """Send one byte at a time, `every` seconds apart; False once the client hung up or the server stops."""
        for index in range(len(data)):
            if self.stopped or not self.send(data[index : index + 1]):
                return False
            time.sleep(every)
        return True


class RawServer:
    def __init__(self, script: Callable[[Connection, int], None]) -> None:
        self._script = script
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.stopped = threading.Event()
        self.connections = 0
        self.requests: list[bytes] = []
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._acceptor.start()

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self.stopped.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._sockets.append(sock)
            index = self.connections
            self.connections += 1
            thread = threading.Thread(target=self._handle, args=(sock, index), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _handle(self, sock: socket.socket, index: int) -> None:
        try:
            self._script(Connection(sock, self), index)
        finally:
            sock.close()

    def stop(self) -> None:
        self.stopped.set()
        self._listener.close()
        for sock in self._sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in [self._acceptor, *self._threads]:
            if thread.is_alive():
                thread.join(5)


@contextmanager
def serve(script: Callable[[Connection, int], None]) -> Iterator[RawServer]:
    server = RawServer(script)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def raw_answer(
    status: int, body: bytes = b"", *, signed: bool = True, reason: str = "", headers: Mapping[str, str] | None = None
) -> bytes:
    """The bytes of an answer (signed with the TEST-ONLY WeChat Pay key unless `signed=False`)."""
    headers = dict(headers or {})
    extra: dict[str, Any] = headers
    response: httpx.Response = signed_answer(status, body, signed=signed, **extra)
    lines = [f"HTTP/1.1 {status} {reason or response.reason_phrase}"]
    framing = {"content-length", "transfer-encoding"}
    lines += [f"{name}: {value}" for name, value in response.headers.items() if name.lower() not in framing]
    given = [f"{name}: {value}" for name, value in headers.items() if name.lower() in framing]
    lines += given or [f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
