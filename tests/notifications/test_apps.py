"""`NotificationASGIApp` under uvicorn and `NotificationWSGIApp` under werkzeug's threaded server, over real HTTP on
127.0.0.1: concurrent duplicates, an overrunning handler, the body limit and the method."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from wechatpay_auth import WechatPayAuth
from wechatpay_payscore_client import (
    USER_CONFIRM,
    NotificationASGIApp,
    NotificationWSGIApp,
    SQLiteNotificationStore,
    UserConfirmEvent,
)
from wechatpay_payscore_client._notifications import DEFAULT_MAX_BODY_BYTES

from .conftest import Deliver
from .handlers import AsyncHandler, Handler, SyncHandler
from .samples import ORDER
from .serving import asgi_server, wsgi_server

DUPLICATES = 20


class Served:
    """One of the two applications, built with `handler` and served on 127.0.0.1."""

    def __init__(self, kind: str, auth: WechatPayAuth, tmp_path: Path) -> None:
        self.kind = kind
        self.auth = auth
        self.store = SQLiteNotificationStore(tmp_path / "notifications.sqlite3")

    def handler(self, behaviour: str = "none", gate: threading.Event | None = None) -> Handler:
        if self.kind == "asgi, async handler":
            return AsyncHandler(behaviour, gate)
        return SyncHandler(behaviour, gate)

    def serve(
        self, handler: Handler, *, deadline: float = 3.0, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    ) -> AbstractContextManager[str]:
        if self.kind.startswith("asgi"):
            asgi = NotificationASGIApp(
                self.auth, handler, store=self.store, deadline=deadline, max_body_bytes=max_body_bytes
            )
            return asgi_server(asgi)
        wsgi = NotificationWSGIApp(
            self.auth, handler, store=self.store, deadline=deadline, max_body_bytes=max_body_bytes
        )
        return wsgi_server(wsgi)


@pytest.fixture(params=["asgi, sync handler", "asgi, async handler", "wsgi"])
def served(request: pytest.FixtureRequest, auth: WechatPayAuth, tmp_path: Path) -> Served:
    return Served(str(request.param), auth, tmp_path)


def post(url: str, headers: dict[str, str], body: bytes) -> httpx.Response:
    return httpx.post(url + "/wechatpay/notify", headers=headers, content=body, timeout=10)


def test_concurrent_duplicates_run_the_handler_once(served: Served, deliver: Deliver) -> None:
    """20 deliveries of one notification at once: the one that claims it waits for the handler (204), the 19 others
    are answered 503 while it runs, and every later delivery is answered 204 from the store."""
    gate = threading.Event()
    handler = served.handler("none", gate)
    headers, body = deliver(USER_CONFIRM, ORDER)
    statuses: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(DUPLICATES)

    with served.serve(handler, deadline=5.0) as url:

        def deliver_once() -> None:
            barrier.wait()
            status = post(url, headers, body).status_code
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=deliver_once) for _ in range(DUPLICATES)]
        for thread in threads:
            thread.start()
        wait_for(lambda: len(statuses) == DUPLICATES - 1)  # all but the one whose handler waits at the gate
        with lock:
            assert statuses == [503] * (DUPLICATES - 1)
        assert handler.calls == 1
        gate.set()
        for thread in threads:
            thread.join(10)
        assert sorted(statuses) == [204] + [503] * (DUPLICATES - 1)

        with httpx.Client(base_url=url, timeout=10) as client:  # WeChat Pay delivers the 503s again
            resent = [client.post("/wechatpay/notify", headers=headers, content=body) for _ in range(DUPLICATES - 1)]
        assert [(response.status_code, response.content) for response in resent] == [(204, b"")] * (DUPLICATES - 1)
    assert handler.calls == 1
    assert isinstance(handler.events[0], UserConfirmEvent)


def test_a_handler_that_overruns_is_answered_503_within_the_deadline(served: Served, deliver: Deliver) -> None:
    gate = threading.Event()
    handler = served.handler("none", gate)
    headers, body = deliver(USER_CONFIRM, ORDER)
    with served.serve(handler, deadline=0.3) as url:
        started = time.monotonic()
        response = post(url, headers, body)
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert response.json() == {"code": "FAIL", "message": "the notification is still being processed"}
        assert 0.3 <= elapsed < 0.3 + 0.7
        gate.set()
        assert handler.ended.wait(5)
        wait_for(lambda: post(url, headers, body).status_code == 204)  # recorded done once it ended
    assert handler.calls == 1


@pytest.mark.parametrize("chunked", [False, True])
def test_a_body_over_the_limit_is_413_unread(served: Served, deliver: Deliver, chunked: bool) -> None:
    handler = served.handler()
    headers, body = deliver(USER_CONFIRM, ORDER)
    assert len(body) <= 2048
    with served.serve(handler, max_body_bytes=2048) as url:
        large = body + b" " * (4096 - len(body))
        content: bytes | Iterator[bytes] = iter([large[:2000], large[2000:]]) if chunked else large
        response = httpx.post(url + "/wechatpay/notify", headers=headers, content=content, timeout=10)
        assert response.status_code == 413
        assert response.json() == {"code": "FAIL", "message": "the body is larger than 2048 bytes"}
        within = post(url, headers, body)  # the same notification, within the limit
        assert within.status_code == 204
    assert handler.calls == 1


@pytest.mark.parametrize("method", ["GET", "PUT", "HEAD"])
def test_only_post_is_answered(served: Served, deliver: Deliver, method: str) -> None:
    handler = served.handler()
    headers, body = deliver(USER_CONFIRM, ORDER)
    with served.serve(handler) as url:
        response = httpx.request(method, url + "/wechatpay/notify", headers=headers, content=body, timeout=10)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    if method != "HEAD":
        assert json.loads(response.content) == {"code": "FAIL", "message": "a notification is delivered with POST"}
    assert handler.calls == 0


def test_a_forged_notification_is_refused_over_http(served: Served, deliver: Deliver) -> None:
    handler = served.handler()
    headers, body = deliver(USER_CONFIRM, ORDER)
    with served.serve(handler) as url:
        forged = post(url, headers, body.replace(b"EV-2018022511223320873", b"EV-2018022511223320874"))
        assert forged.status_code == 401
        assert forged.json() == {"code": "FAIL", "message": "signature verification failed"}
        lower_case = post(url, {name.lower(): value for name, value in headers.items()}, body)
        assert lower_case.status_code == 204
    assert handler.calls == 1


def wait_for(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.01)
