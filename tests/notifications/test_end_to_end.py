"""End to end over real HTTP: the emulator delivers its notifications (signed, encrypted, retried, spoiled by
injected faults) to a FastAPI app mounting `NotificationASGIApp` under uvicorn, and to a Flask app dispatching to
`NotificationWSGIApp` under threaded werkzeug; the handler sees each event exactly once, spoiled deliveries are
refused before it runs, and a rotation of WeChat Pay's signing key mid-run is verified without a gap."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import attrs
import pytest
from fastapi import FastAPI
from flask import Flask
from wechatpay_emulator import (
    MCH_PREPAY,
    USER_CONFIRM,
    USER_PAID,
    Emulator,
    EmulatorConfig,
    Notification,
    NotificationFault,
    Order,
    demo,
)
from wechatpay_payscore_client import (
    Event,
    MchPrepayEvent,
    NotificationASGIApp,
    NotificationWSGIApp,
    SQLiteNotificationStore,
    UserConfirmEvent,
    UserPaidEvent,
    WechatPayClient,
    create_client,
)
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from tests.notifications.serving import asgi_server, wsgi_server

LOGGER = "wechatpay_payscore_client.notifications"
PATH = "/wechatpay/notify"
WAIT = 10.0  # every wait is bounded: a delivery takes milliseconds on loopback
IDS: dict[str, Any] = {
    "service_id": demo.DEMO_ORDER_SERVICE_ID,
    "sub_mchid": demo.DEMO_ORDER_SUB_MCHID,
    "channel_id": demo.DEMO_ORDER_CHANNEL_ID,
}
# TEST ONLY: the emulator's demo APIv3 key, which it encrypts with when none is configured.
APIV3_KEY = demo.demo_apiv3_key_path().read_bytes().rstrip(b"\n")


@attrs.define
class Recorder:
    """The application's handler: records every event it is given (from the server's threads)."""

    events: list[Event] = attrs.field(factory=list)
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def __call__(self, event: Event) -> None:
        with self.lock:
            self.events.append(event)

    def of(self, out_order_no: str) -> list[tuple[str, type[Event]]]:
        with self.lock:
            return [(event.event_type, type(event)) for event in self.events if _order_no(event) == out_order_no]


def _order_no(event: Event) -> str | None:
    resource = event.resource
    if isinstance(resource, dict):
        return None
    return resource.out_order_no


def _client() -> WechatPayClient:
    """A client that knows both WeChat Pay keys (public key and platform certificate), as during a migration."""
    return create_client(
        mchid=demo.DEMO_MCHID,
        serial_no=demo.DEMO_MERCHANT_SERIAL,
        private_key=demo.demo_merchant_private_key_path(),
        wechatpay_public_keys={
            demo.DEMO_WECHATPAY_PUBLIC_KEY_ID: demo.demo_wechatpay_public_key_path(),
            demo.DEMO_PLATFORM_SERIAL: demo.demo_platform_certificate_path(),
        },
        apiv3_key=APIV3_KEY,
    )


@contextmanager
def _fastapi(recorder: Recorder, store_path: Path) -> Iterator[str]:
    client = _client()
    app = FastAPI()
    notifications = NotificationASGIApp(client, recorder, store=SQLiteNotificationStore(store_path))
    # As the README mounts it; Starlette's annotation names only request -> response endpoints, but an ASGI app
    # (a callable that is not a function) is served as one.
    app.add_route(PATH, notifications, methods=["POST"])  # type: ignore[arg-type]
    with asgi_server(app) as base_url:
        yield base_url + PATH


@contextmanager
def _flask(recorder: Recorder, store_path: Path) -> Iterator[str]:
    client = _client()
    app = Flask(__name__)
    notifications = NotificationWSGIApp(client, recorder, store=SQLiteNotificationStore(store_path))
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {PATH: notifications})  # type: ignore[method-assign]
    with wsgi_server(app) as base_url:
        yield base_url + PATH


Server = Callable[[Recorder, Path], AbstractContextManager[str]]


@attrs.frozen
class Endpoint:
    emulator: Emulator
    recorder: Recorder
    url: str


@pytest.fixture(params=[_fastapi, _flask], ids=["fastapi-uvicorn", "flask-werkzeug"])
def endpoint(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Endpoint]:
    server: Server = request.param
    recorder = Recorder()
    emulator = Emulator(EmulatorConfig.demo(notification_time_scale=0.001))
    with server(recorder, tmp_path / "notifications.sqlite3") as url, emulator.deliver_notifications():
        emulator.set_notify_url(url)
        yield Endpoint(emulator, recorder, url)
        assert emulator.wait_idle(WAIT)


def _created(emulator: Emulator, out_order_no: str) -> None:
    emulator.seed(Order(out_order_no=out_order_no, state="CREATED", **IDS))


def _settled(emulator: Emulator, out_order_no: str) -> list[Notification]:
    assert emulator.wait_idle(WAIT), "the emulator is still delivering"
    return [notification for notification in emulator.notifications if notification.out_order_no == out_order_no]


def _statuses(notification: Notification) -> list[int | None]:
    return [attempt.status for attempt in notification.attempts]


def _is_2xx(status: int | None) -> bool:
    return status is not None and 200 <= status < 300


# -- 1. every event reaches the application -------------------------------------------------------------------------


def test_every_event_reaches_the_handler_over_http(endpoint: Endpoint) -> None:
    emulator, recorder = endpoint.emulator, endpoint.recorder
    _created(emulator, "E2E-CONFIRM")
    emulator.confirm("E2E-CONFIRM")
    emulator.seed(Order(out_order_no="E2E-COMPLETE", **IDS))  # DOING / MCH_COMPLETE: the user may pay now, or pay
    emulator.pay_now("E2E-COMPLETE")
    emulator.pay("E2E-COMPLETE")
    notifications = _settled(emulator, "E2E-CONFIRM") + _settled(emulator, "E2E-COMPLETE")

    assert recorder.of("E2E-CONFIRM") == [(USER_CONFIRM, UserConfirmEvent)]
    assert recorder.of("E2E-COMPLETE") == [(MCH_PREPAY, MchPrepayEvent), (USER_PAID, UserPaidEvent)]
    assert [notification.event_type for notification in notifications] == [USER_CONFIRM, MCH_PREPAY, USER_PAID]
    for notification in notifications:
        assert notification.url == endpoint.url
        assert notification.state == "delivered"
        (attempt,) = notification.attempts
        assert attempt.status == 204
    assert [event.id for event in recorder.events] == [notification.id for notification in notifications]


# -- 2. the "done when": a duplicate is handled once ----------------------------------------------------------


def test_a_duplicate_user_confirm_is_handled_once_and_both_are_answered_2xx(endpoint: Endpoint) -> None:
    emulator, recorder = endpoint.emulator, endpoint.recorder
    _created(emulator, "E2E-DUP")
    emulator.inject_notification_fault(NotificationFault.duplicate(), out_order_no="E2E-DUP", event_type=USER_CONFIRM)
    emulator.confirm("E2E-DUP")  # the user confirms
    notifications = _settled(emulator, "E2E-DUP")

    original, duplicate = notifications
    assert duplicate.duplicate_of == original.seq
    assert duplicate.id == original.id
    assert recorder.of("E2E-DUP") == [(USER_CONFIRM, UserConfirmEvent)]
    for notification in notifications:
        assert notification.state == "delivered"
        assert _is_2xx(notification.attempts[-1].status), _statuses(notification)


# -- 3. a spoiled delivery is refused, the resend is handled once ----------------------------------------------------

SPOILED = {
    "probe_signature": (NotificationFault.probe_signature, 401, logging.INFO),
    "stale_timestamp": (NotificationFault.stale_timestamp, 401, logging.WARNING),
    "other_key_signature": (NotificationFault.other_key_signature, 401, logging.WARNING),
    "wrong_apiv3_key": (NotificationFault.wrong_apiv3_key, 400, logging.WARNING),
    "truncated_ciphertext": (NotificationFault.truncated_ciphertext, 400, logging.WARNING),
}


@pytest.mark.parametrize("kind", list(SPOILED))
def test_a_spoiled_delivery_is_refused_and_the_resend_handled_once(
    endpoint: Endpoint, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    fault, status, level = SPOILED[kind]
    emulator, recorder = endpoint.emulator, endpoint.recorder
    number = f"E2E-{kind.upper()}"
    _created(emulator, number)
    emulator.inject_notification_fault(fault(), times=1, out_order_no=number, event_type=USER_CONFIRM)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        emulator.confirm(number)
        (notification,) = _settled(emulator, number)

    assert _statuses(notification) == [status, 204]
    spoiled, resent = notification.attempts
    assert spoiled.fault == kind
    assert spoiled.outcome == "failed"
    assert (resent.fault, resent.outcome) == (None, "delivered")
    assert notification.state == "delivered"
    assert recorder.of(number) == [(USER_CONFIRM, UserConfirmEvent)]
    refusals = [record for record in caplog.records if record.name == LOGGER and record.levelno >= logging.INFO]
    assert [record.levelno for record in refusals] == [level], [record.getMessage() for record in refusals]
    message = refusals[0].getMessage()
    if kind == "probe_signature":
        assert "probe" in message
    else:
        assert message.startswith("notification refused: ")


# -- 4. key rotation: platform certificate, then public key ----------------------------------------------------------


def test_a_signing_key_rotation_mid_run_loses_nothing(endpoint: Endpoint) -> None:
    emulator, recorder = endpoint.emulator, endpoint.recorder
    for number in ("E2E-ROT-C1", "E2E-ROT-C2"):
        _created(emulator, number)
    for number in ("E2E-ROT-P1", "E2E-ROT-P2"):
        emulator.seed(Order(out_order_no=number, **IDS))  # DOING / MCH_COMPLETE: may be paid
    assert emulator.notification_settings.signer == "platform_certificate"
    emulator.confirm("E2E-ROT-C1")
    emulator.pay("E2E-ROT-P1")
    assert emulator.wait_idle(WAIT)
    emulator.set_notification_signer("public_key")  # WeChat Pay rotates to its public key mid-run
    emulator.confirm("E2E-ROT-C2")
    emulator.pay_now("E2E-ROT-P2")
    emulator.pay("E2E-ROT-P2")
    assert emulator.wait_idle(WAIT)

    sent = [
        (notification.out_order_no, notification.event_type, notification.attempts[0].header("Wechatpay-Serial"))
        for notification in emulator.notifications
    ]
    assert sent == [
        ("E2E-ROT-C1", USER_CONFIRM, demo.DEMO_PLATFORM_SERIAL),
        ("E2E-ROT-P1", USER_PAID, demo.DEMO_PLATFORM_SERIAL),
        ("E2E-ROT-C2", USER_CONFIRM, demo.DEMO_WECHATPAY_PUBLIC_KEY_ID),
        ("E2E-ROT-P2", MCH_PREPAY, demo.DEMO_WECHATPAY_PUBLIC_KEY_ID),
        ("E2E-ROT-P2", USER_PAID, demo.DEMO_WECHATPAY_PUBLIC_KEY_ID),
    ]
    for notification in emulator.notifications:
        assert _statuses(notification) == [204]  # each verified on its first delivery, under either key
    assert recorder.of("E2E-ROT-C1") == [(USER_CONFIRM, UserConfirmEvent)]
    assert recorder.of("E2E-ROT-P1") == [(USER_PAID, UserPaidEvent)]
    assert recorder.of("E2E-ROT-C2") == [(USER_CONFIRM, UserConfirmEvent)]
    assert recorder.of("E2E-ROT-P2") == [(MCH_PREPAY, MchPrepayEvent), (USER_PAID, UserPaidEvent)]
    assert len(recorder.events) == len({event.id for event in recorder.events}) == 5
