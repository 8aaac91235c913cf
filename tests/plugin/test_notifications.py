"""The plugin's notification fixtures, used the way an application's tests use them: a recording app written here
(pure ASGI, and WSGI), served by `wechatpay_notifications`, receives the emulator's notifications; the test drives
the user and asserts what arrived (signed, decryptable with the APIv3 key) and what the app answered."""

from __future__ import annotations

import json
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import attrs
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from wechatpay_emulator import MCH_PREPAY, USER_CONFIRM, USER_PAID, Emulator, NotificationFault, Order, demo
from wechatpay_pytest import NotificationReceiver
from wechatpay_pytest._serving import app_kind

from tests.emulator.notify_support import decrypt, signature_ok

IDS: dict[str, Any] = {
    "service_id": demo.DEMO_ORDER_SERVICE_ID,
    "sub_mchid": demo.DEMO_ORDER_SUB_MCHID,
    "channel_id": demo.DEMO_ORDER_CHANNEL_ID,
}
PREPAY_ANSWER = b'{"code":"SUCCESS","message":"OK"}'


@attrs.frozen
class Arrival:
    path: str
    headers: Mapping[str, str]
    body: bytes


class Inbox:
    """What the app received; it answers 204 to a notification whose signature verifies, 400 to any other, and
    `PREPAY_ANSWER` to a verified MCH_PREPAY."""

    def __init__(self, keys: Mapping[str, rsa.RSAPublicKey]) -> None:
        self.keys = keys
        self.arrivals: list[Arrival] = []
        self._lock = threading.Lock()

    def record(self, path: str, headers: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
        with self._lock:
            self.arrivals.append(Arrival(path, headers, body))
        if not signature_ok(headers, body, self.keys):
            return 400, b'{"code":"FAIL","message":"signature"}'
        if json.loads(body)["event_type"] == MCH_PREPAY:
            return 200, PREPAY_ANSWER
        return 204, b""


Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def asgi_app(inbox: Inbox) -> Callable[[dict[str, Any], Receive, Send], Awaitable[None]]:
    async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
        status, content = inbox.record(scope["path"], headers, body)
        await send(
            {"type": "http.response.start", "status": status, "headers": [(b"content-length", b"%d" % len(content))]}
        )
        await send({"type": "http.response.body", "body": content})

    return app


def wsgi_app(inbox: Inbox) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {name[5:].replace("_", "-").lower(): value for name, value in environ.items() if name[:5] == "HTTP_"}
        headers["content-type"] = environ.get("CONTENT_TYPE", "")
        status, content = inbox.record(environ["PATH_INFO"], headers, body)
        start_response(f"{status} ANSWER", [("Content-Length", str(len(content)))])
        return [content]

    return app


def _keys(emulator: Emulator) -> dict[str, rsa.RSAPublicKey]:
    material = emulator.public_material
    keys: dict[str, rsa.RSAPublicKey] = {}
    if material["platform_serial"] and material["platform_certificate_pem"]:
        certificate_key = x509.load_pem_x509_certificate(material["platform_certificate_pem"].encode()).public_key()
        assert isinstance(certificate_key, rsa.RSAPublicKey)
        keys[material["platform_serial"]] = certificate_key
    if material["wechatpay_public_key_id"] and material["wechatpay_public_key_pem"]:
        public_key = load_pem_public_key(material["wechatpay_public_key_pem"].encode())
        assert isinstance(public_key, rsa.RSAPublicKey)
        keys[material["wechatpay_public_key_id"]] = public_key
    return keys


@pytest.fixture
def inbox(wechatpay_emulator: Emulator) -> Inbox:
    return Inbox(_keys(wechatpay_emulator))


@pytest.fixture(params=["asgi", "wsgi"])
def wechatpay_notification_app(request: pytest.FixtureRequest, inbox: Inbox) -> Any:
    # The override an application writes in its conftest.py: here both kinds, built on the same recording inbox.
    return asgi_app(inbox) if request.param == "asgi" else wsgi_app(inbox)


def test_the_user_confirms_and_the_app_receives_it(
    wechatpay_emulator: Emulator,
    wechatpay_notifications: NotificationReceiver,
    inbox: Inbox,
    wechatpay_apiv3_key: str | bytes,
) -> None:
    wechatpay_emulator.seed(Order(out_order_no="P-CONFIRM", **IDS, state="CREATED"))
    wechatpay_emulator.confirm("P-CONFIRM")
    (attempt,) = wechatpay_notifications.wait_for("P-CONFIRM", USER_CONFIRM)
    assert (attempt.status, attempt.outcome, attempt.url) == (204, "delivered", wechatpay_notifications.url)
    (arrival,) = inbox.arrivals
    assert arrival.path == "/"
    assert signature_ok(arrival.headers, arrival.body, inbox.keys)
    key = wechatpay_apiv3_key if isinstance(wechatpay_apiv3_key, bytes) else wechatpay_apiv3_key.encode()
    plain = decrypt(json.loads(arrival.body), key)
    assert (plain["out_order_no"], plain["state_description"]) == ("P-CONFIRM", "USER_CONFIRM")
    assert wechatpay_notifications.notifications("P-CONFIRM")[0].state == "delivered"
    assert wechatpay_notifications.attempts(event_type=USER_PAID) == []


@pytest.mark.wechatpay_notification_fault("probe_signature")
def test_a_probe_is_refused_by_the_app_and_sent_again(
    wechatpay_emulator: Emulator, wechatpay_notifications: NotificationReceiver, inbox: Inbox
) -> None:
    assert [entry.fault.kind.value for entry in wechatpay_emulator.notification_faults] == ["probe_signature"]
    wechatpay_emulator.seed(Order(out_order_no="P-PROBE", **IDS, state="CREATED"))
    wechatpay_emulator.confirm("P-PROBE")
    probe, resend = wechatpay_notifications.wait_for("P-PROBE", attempts=2)
    assert (probe.fault, probe.status, probe.outcome) == ("probe_signature", 400, "failed")
    assert json.loads(probe.answer) == {"code": "FAIL", "message": "signature"}
    assert (resend.fault, resend.status, resend.outcome) == (None, 204, "delivered")
    assert [arrival.headers["wechatpay-signature"].startswith("WECHATPAY/SIGNTEST/") for arrival in inbox.arrivals] == [
        True,
        False,
    ]


@pytest.mark.wechatpay_notification_fault(NotificationFault.duplicate(), event_type=USER_PAID)
@pytest.mark.wechatpay_notification_fault(NotificationFault.late_answer(), times=None, out_order_no="NOT-THIS-ONE")
def test_fault_markers_take_faults_and_aims(
    wechatpay_emulator: Emulator, wechatpay_notifications: NotificationReceiver, inbox: Inbox
) -> None:
    armed = [
        (entry.fault.kind.value, entry.operation, entry.out_order_no)
        for entry in wechatpay_emulator.notification_faults
    ]
    assert armed == [("duplicate", USER_PAID, None), ("late_answer", None, "NOT-THIS-ONE")]
    wechatpay_emulator.seed(Order(out_order_no="P-PAY", **IDS))
    wechatpay_emulator.pay("P-PAY")
    wechatpay_notifications.wait_for("P-PAY", USER_PAID, attempts=2)
    wechatpay_notifications.wait()
    original, duplicate = wechatpay_notifications.notifications("P-PAY")
    assert duplicate.duplicate_of == original.seq
    assert [arrival.body for arrival in inbox.arrivals] == [original.body, original.body]


def test_the_app_answer_to_pay_now_is_recorded(
    wechatpay_emulator: Emulator, wechatpay_notifications: NotificationReceiver
) -> None:
    wechatpay_emulator.pay_now(demo.DEMO_ORDER_OUT_ORDER_NO)
    (attempt,) = wechatpay_notifications.wait_for(event_type=MCH_PREPAY)
    assert (attempt.status, attempt.answer) == (200, PREPAY_ANSWER)


def test_wait_for_names_what_it_saw(wechatpay_notifications: NotificationReceiver) -> None:
    with pytest.raises(AssertionError, match="0 of 1 attempt"):
        wechatpay_notifications.wait_for("NO-SUCH-ORDER", timeout=0.05)


class TestAnotherPath:
    @pytest.fixture
    def wechatpay_notification_path(self) -> str:
        return "wechatpay/notify"

    def test_the_path_is_where_notifications_go(
        self, wechatpay_emulator: Emulator, wechatpay_notifications: NotificationReceiver, inbox: Inbox
    ) -> None:
        assert wechatpay_notifications.url.endswith("/wechatpay/notify")
        assert wechatpay_emulator.notification_settings.notify_url == wechatpay_notifications.url
        wechatpay_emulator.seed(Order(out_order_no="P-PATH", **IDS, state="CREATED"))
        wechatpay_emulator.confirm("P-PATH")
        wechatpay_notifications.wait_for("P-PATH")
        assert [arrival.path for arrival in inbox.arrivals] == ["/wechatpay/notify"]


def test_the_next_test_starts_without_notifications(wechatpay_emulator: Emulator) -> None:
    assert wechatpay_emulator.notifications == []
    assert wechatpay_emulator.notification_faults == []
    assert wechatpay_emulator.notification_settings.notify_url is None
    assert wechatpay_emulator.notification_settings.time_scale == 1.0


def test_the_default_apiv3_key_is_the_test_only_demo_key(
    wechatpay_apiv3_key: str | bytes, wechatpay_emulator: Emulator
) -> None:
    assert wechatpay_apiv3_key == demo.demo_apiv3_key_path().read_bytes().rstrip(b"\n")
    assert wechatpay_emulator.config.apiv3_key.reveal() == wechatpay_apiv3_key


class _AsgiCallable:
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        return None


def _wsgi(environ: Any, start_response: Any) -> list[bytes]:
    return []


async def _asgi(scope: Any, receive: Any, send: Any) -> None:
    return None


def test_the_app_kind_is_detected_or_given() -> None:
    assert app_kind(_asgi) == "asgi"
    assert app_kind(_AsgiCallable()) == "asgi"
    assert app_kind(_wsgi) == "wsgi"
    assert app_kind(_asgi, "wsgi") == "wsgi"  # the explicit kind wins
    with pytest.raises(ValueError, match="must be one of"):
        app_kind(_asgi, "rsgi")
    with pytest.raises(TypeError, match="ASGI or WSGI callable"):
        app_kind(42)
