"""The README's notification examples, run as written and served on 127.0.0.1 (the one call; FastAPI under uvicorn;
Flask under werkzeug), answering notifications signed and encrypted as WeChat Pay sends them (with the TEST-ONLY
demo keys the README names): every handler runs once per notification, whatever the number of deliveries.

tests/test_readme.py runs the same blocks too, each alone in a fresh interpreter, where they only build the app."""

from __future__ import annotations

import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from wechatpay_auth.testing import encrypt_resource, notification_body, sign_notification
from wechatpay_emulator import demo
from wechatpay_payscore_client import MCH_PREPAY, USER_CONFIRM, USER_PAID

from .samples import ORDER, PAID_ORDER, PREPAY
from .serving import asgi_server, wsgi_server

README = Path(__file__).resolve().parents[2] / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def example(marker: str) -> str:
    """The one `python` block of the README that contains `marker`."""
    blocks: list[tuple[str, str]] = FENCE.findall(README.read_text(encoding="utf-8"))
    found = [code for lang, code in blocks if lang == "python" and marker in code]
    assert len(found) == 1, f"{len(found)} README blocks contain {marker!r}"
    return found[0]


ONE_CALL = example("handle_notification(client,")
FASTAPI = example("NotificationASGIApp(client,")
FLASK = example("NotificationWSGIApp(client,")


def run(code: str) -> dict[str, Any]:
    """Run a README block in this process (in the working directory holding its keys); its names."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - the README's own code, as a reader runs it
    return namespace


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(demo.demo_merchant_private_key_path(), tmp_path / "apiclient_key.pem")
    shutil.copy(demo.demo_wechatpay_public_key_path(), tmp_path / "pub_key.pem")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def notification(
    code: str, event_type: str, plaintext: dict[str, Any], notification_id: str
) -> tuple[dict[str, str], bytes]:
    """A notification for the client of `code`: encrypted with its APIv3 key, signed by the demo WeChat Pay key."""
    match = re.search(r'apiv3_key="([^"]+)"', code)
    assert match is not None
    body = notification_body(
        event_type,
        encrypt_resource(match.group(1), plaintext),
        notification_id=notification_id,
        create_time="2030-12-24T16:30:10+08:00",
        summary="支付分订单用户已确认",
    )
    headers = sign_notification(
        demo.demo_wechatpay_private_key_path(),
        demo.DEMO_WECHATPAY_PUBLIC_KEY_ID,
        body,
        int(time.time()),
        uuid.uuid4().hex,
        request_id=f"REQ-{notification_id}",
    )
    return headers, body


def forged(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    return headers, body.replace(b'"id":"EV-', b'"id":"XX-')


def test_the_one_call(capsys: pytest.CaptureFixture[str]) -> None:
    names = run(ONE_CALL)
    capsys.readouterr()
    notify: Callable[[dict[str, str], bytes], Any] = names["notify"]
    confirmed = notification(ONE_CALL, USER_CONFIRM, ORDER, "EV-confirm")
    assert [notify(*confirmed).status for _ in range(3)] == [204, 204, 204]
    assert notify(*forged(*confirmed)).status == 401
    prepay = notification(ONE_CALL, MCH_PREPAY, PREPAY, "EV-prepay")
    first, again = notify(*prepay), notify(*prepay)
    assert first == again
    assert (first.status, first.body) == (200, b'{"code": "SUCCESS", "message": "OK"}')
    printed = capsys.readouterr().out.splitlines()
    assert printed == ["handled: PAYSCORE.USER_CONFIRM 1900000109 1234323JKHDFE1243252 DOING"]


def deliver_like_wechatpay(url: str, headers: dict[str, str], body: bytes, times: int) -> list[int]:
    """`times` deliveries at once, then each non-2xx delivered again until it is answered 2xx; the first statuses."""
    first: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(times)

    def once() -> None:
        barrier.wait()
        status = httpx.post(url, headers=headers, content=body, timeout=10).status_code
        with lock:
            first.append(status)

    threads = [threading.Thread(target=once) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    for _ in range(first.count(503)):
        for _attempt in range(500):
            if httpx.post(url, headers=headers, content=body, timeout=10).status_code == 204:
                break
            time.sleep(0.01)
        else:
            raise AssertionError("a resend was never answered 204")
    return first


@pytest.mark.parametrize(
    ("code", "serve", "prefix"), [(FASTAPI, asgi_server, "FastAPI"), (FLASK, wsgi_server, "Flask")]
)
def test_the_framework_example(
    code: str, serve: Callable[[Any], Any], prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    names = run(code)
    assert "deadline=4.5" in capsys.readouterr().out  # what the block prints: the app, as configured
    confirmed = notification(code, USER_CONFIRM, ORDER, "EV-confirm")
    paid = notification(code, USER_PAID, PAID_ORDER, "EV-paid")
    with serve(names["app"]) as base:
        url = base + "/wechatpay/notify"
        # A duplicate in flight is answered 503 and delivered again; one already handled is answered 204.
        first = deliver_like_wechatpay(url, *confirmed, times=5)
        assert 204 in first  # the delivery that ran the handler
        assert set(first) <= {204, 503}
        assert [httpx.post(url, headers=paid[0], content=paid[1], timeout=10).status_code for _ in range(2)] == [
            204,
            204,
        ]
        assert httpx.post(url, headers=forged(*paid)[0], content=forged(*paid)[1], timeout=10).status_code == 401
        assert httpx.get(url, timeout=10).status_code == 405
    printed = sorted(capsys.readouterr().out.splitlines())
    assert printed == [
        f"{prefix} handled: PAYSCORE.USER_CONFIRM 1234323JKHDFE1243252 DOING",
        f"{prefix} handled: PAYSCORE.USER_PAID 1234323JKHDFE1243252 DONE",
    ]
