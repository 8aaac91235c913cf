"""Start the bench server in its own process and talk to its control paths (never inside a timed loop)."""

from __future__ import annotations

import base64
import http.client
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["CapturedRequest", "ServerProcess"]


@dataclass(frozen=True)
class CapturedRequest:
    """One POST exactly as the server received it."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


class ServerProcess:
    """`with ServerProcess() as server:` a running bench server on 127.0.0.1, stopped on exit."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench._server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith("PORT "):
            self.close()
            raise RuntimeError(f"bench server did not start: {line!r}")
        self.port = int(line.split()[1])
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def _get(self, path: str) -> tuple[int, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers={"Connection": "close"})
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    def connections(self) -> int:
        """How many connections carried at least one POST so far."""
        return int(self._get("/_count")[1]["connections"])

    def arm_capture(self) -> None:
        self._get("/_capture")

    def captured(self) -> CapturedRequest:
        status, data = self._get("/_captured")
        if status != 200:
            raise RuntimeError("the bench server captured no request")
        return CapturedRequest(
            method=data["method"],
            target=data["target"],
            headers=tuple((name, value) for name, value in data["headers"]),
            body=base64.b64decode(data["body"]),
        )
