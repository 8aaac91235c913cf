"""`handle_notification` / `ahandle_notification` as a table: each request and handler outcome, its answer, what
the handler saw, what was logged, and what the next delivery of the same notification gets."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest
from wechatpay_auth import WechatPayAuth
from wechatpay_auth.testing import sign_notification
from wechatpay_payscore_client import (
    MCH_PREPAY,
    USER_CONFIRM,
    USER_PAID,
    Answer,
    MchPrepayEvent,
    MemoryNotificationStore,
    SQLiteNotificationStore,
    UnknownEvent,
    UserConfirmEvent,
    UserPaidEvent,
    handle_notification,
)

from .clock import Clock
from .conftest import APIV3_KEY, MCHID, NOW, SERIAL_NO, WECHATPAY_SERIAL, Deliver, Keys
from .endpoints import MODES, Endpoint
from .handlers import PREPAY_ANSWER, Handler, HandlerFailed
from .samples import ORDER, PAID_ORDER, PREPAY

LOGGER = "wechatpay_payscore_client.notifications"
Request = tuple[WechatPayAuth, dict[str, str], bytes]


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    running = asyncio.new_event_loop()
    thread = threading.Thread(target=running.run_forever, name="test-event-loop", daemon=True)
    thread.start()
    yield running
    running.call_soon_threadsafe(running.stop)
    thread.join(10)
    running.close()


@pytest.fixture(params=MODES)
def endpoint(request: pytest.FixtureRequest, loop: asyncio.AbstractEventLoop) -> Endpoint:
    return Endpoint(str(request.param), loop)


def other_auth(keys: Keys, *, apiv3_key: str | None = APIV3_KEY, now: float = NOW) -> WechatPayAuth:
    return WechatPayAuth(
        mchid=MCHID,
        serial_no=SERIAL_NO,
        private_key=keys.merchant,
        wechatpay_public_keys={WECHATPAY_SERIAL: keys.wechatpay.public_key()},
        clock=lambda: float(now),
        apiv3_key=apiv3_key,
    )


def good(event_type: str, plaintext: dict[str, object]) -> Callable[[WechatPayAuth, Keys, Deliver], Request]:
    def build(auth: WechatPayAuth, keys: Keys, deliver: Deliver) -> Request:
        return (auth, *deliver(event_type, plaintext))

    return build


def without_signature(auth: WechatPayAuth, keys: Keys, deliver: Deliver) -> Request:
    headers, body = deliver(USER_CONFIRM, ORDER)
    del headers["Wechatpay-Signature"]
    return auth, headers, body


def tampered(auth: WechatPayAuth, keys: Keys, deliver: Deliver) -> Request:
    headers, body = deliver(USER_CONFIRM, ORDER)
    return auth, headers, body.replace(b"EV-2018022511223320873", b"EV-2018022511223320874")


def probe(auth: WechatPayAuth, keys: Keys, deliver: Deliver) -> Request:
    headers, body = deliver(USER_CONFIRM, ORDER)
    headers["Wechatpay-Signature"] = "WECHATPAY/SIGNTEST/" + headers["Wechatpay-Signature"]
    return auth, headers, body


def stale(auth: WechatPayAuth, keys: Keys, deliver: Deliver) -> Request:
    return (other_auth(keys, now=NOW + 301), *deliver(USER_CONFIRM, ORDER))


def wrong_apiv3_key(auth: WechatPayAuth, keys: Keys, deliver: Deliver) -> Request:
    return (other_auth(keys, apiv3_key="test-only-apiv3-key-111111111111"), *deliver(USER_CONFIRM, ORDER))


def no_apiv3_key(auth: WechatPayAuth, keys: Keys, deliver: Deliver) -> Request:
    return (other_auth(keys, apiv3_key=None), *deliver(USER_CONFIRM, ORDER))


def outside_the_contract(auth: WechatPayAuth, keys: Keys, deliver: Deliver) -> Request:
    return (auth, *deliver(USER_CONFIRM, {"sub_mchid": "1900000109"}))


def not_json(auth: WechatPayAuth, keys: Keys, deliver: Deliver) -> Request:
    body = b"<xml>not a notification</xml>"
    headers = sign_notification(keys.wechatpay, WECHATPAY_SERIAL, body, NOW, "NOTIFYNONCE000000000000000000002")
    return auth, headers, body


@attrs.frozen
class Case:
    request: Callable[[WechatPayAuth, Keys, Deliver], Request]
    behaviour: str  # what the handler does (see handlers.Recorder)
    status: int
    calls: int  # how many times the handler ran
    event: type | None  # the event class the handler got
    then: str  # the next delivery: "replayed" (same answer, handler not run), "runs-again", "refused-again"
    log: tuple[int, str] | None = None  # a record expected at that level, containing that text
    handle_unknown: bool = False


CASES = {
    "user confirmed": Case(good(USER_CONFIRM, ORDER), "none", 204, 1, UserConfirmEvent, "replayed"),
    "user paid": Case(good(USER_PAID, PAID_ORDER), "none", 204, 1, UserPaidEvent, "replayed"),
    "prepay answered by the application": Case(good(MCH_PREPAY, PREPAY), "prepay", 200, 1, MchPrepayEvent, "replayed"),
    "the application asks for a retry": Case(
        good(USER_CONFIRM, ORDER), "retry", 503, 1, UserConfirmEvent, "runs-again"
    ),
    "the handler raises": Case(
        good(USER_CONFIRM, ORDER),
        "raise",
        500,
        1,
        UserConfirmEvent,
        "runs-again",
        (logging.ERROR, "the handler raised HandlerFailed"),
    ),
    "the handler returns neither None nor an Answer": Case(
        good(USER_CONFIRM, ORDER), "wrong-type", 500, 1, UserConfirmEvent, "runs-again", (logging.ERROR, "TypeError")
    ),
    "unknown event type, acknowledged": Case(
        good("PAYSCORE.SOMETHING_NEW", {"a": 1}),
        "raise",
        204,
        0,
        None,
        "refused-again",
        (logging.WARNING, "PAYSCORE.SOMETHING_NEW"),
    ),
    "unknown event type, passed on": Case(
        good("PAYSCORE.SOMETHING_NEW", {"a": 1}), "none", 204, 1, UnknownEvent, "replayed", handle_unknown=True
    ),
    "signature missing": Case(without_signature, "none", 401, 0, None, "refused-again", (logging.WARNING, "lacks")),
    "body tampered with": Case(tampered, "none", 401, 0, None, "refused-again", (logging.WARNING, "refused")),
    "probe": Case(probe, "none", 401, 0, None, "refused-again", (logging.INFO, "probe")),
    "timestamp too old": Case(stale, "none", 401, 0, None, "refused-again", (logging.WARNING, "refused")),
    "wrong APIv3 key": Case(wrong_apiv3_key, "none", 400, 0, None, "refused-again", (logging.WARNING, "Decryption")),
    "resource outside the contract": Case(
        outside_the_contract, "none", 400, 0, None, "refused-again", (logging.WARNING, "out_order_no")
    ),
    "body not JSON": Case(not_json, "none", 400, 0, None, "refused-again", (logging.WARNING, "JSON")),
    "no APIv3 key configured": Case(
        no_apiv3_key, "none", 500, 0, None, "refused-again", (logging.WARNING, "ConfigurationError")
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_case(
    name: str,
    endpoint: Endpoint,
    auth: WechatPayAuth,
    keys: Keys,
    deliver: Deliver,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    case = CASES[name]
    source, headers, body = case.request(auth, keys, deliver)
    handler = endpoint.handler(case.behaviour)
    store = SQLiteNotificationStore(tmp_path / "notifications.sqlite3")
    with caplog.at_level(logging.INFO, logger=LOGGER):
        answer = endpoint(source, headers, body, handler, store=store, handle_unknown=case.handle_unknown)
    assert answer.status == case.status
    assert handler.calls == case.calls
    if case.event is not None:
        assert type(handler.events[0]) is case.event
    if case.behaviour == "prepay" and case.calls:
        assert answer == PREPAY_ANSWER
    elif answer.status >= 400:
        assert json.loads(answer.body)["code"] == "FAIL"
    else:
        assert answer.body == b""
    ours = [record for record in caplog.records if record.name == LOGGER]
    if case.log is not None:
        level, text = case.log
        assert any(record.levelno == level and text in record.getMessage() for record in ours), [
            (record.levelname, record.getMessage()) for record in ours
        ]
    if case.status == 401 and name == "probe":
        assert all(record.levelno == logging.INFO for record in ours)  # a probe is expected, not a warning
    if case.behaviour == "raise" and case.calls:
        (failure,) = [record for record in ours if record.levelno == logging.ERROR]
        assert failure.exc_info is not None
        assert failure.exc_info[0] is HandlerFailed  # with its traceback

    again = endpoint(source, headers, body, handler, store=store, handle_unknown=case.handle_unknown)
    if case.then == "replayed":
        assert (again, handler.calls) == (answer, case.calls)
    elif case.then == "runs-again":
        assert (again.status, handler.calls) == (case.status, 2)
    else:
        assert (again.status, handler.calls) == (case.status, 0)


def test_a_duplicate_while_the_first_runs_is_answered_503(
    endpoint: Endpoint, auth: WechatPayAuth, deliver: Deliver, tmp_path: Path
) -> None:
    gate = threading.Event()
    handler = endpoint.handler("none", gate)
    store = SQLiteNotificationStore(tmp_path / "notifications.sqlite3")
    headers, body = deliver(USER_CONFIRM, ORDER)
    first: list[Answer] = []
    running = threading.Thread(target=lambda: first.append(endpoint(auth, headers, body, handler, store=store)))
    running.start()
    for _ in range(1000):
        if handler.calls:
            break
        time.sleep(0.005)
    duplicate = endpoint(auth, headers, body, handler, store=store)
    assert duplicate.status == 503
    assert json.loads(duplicate.body) == {"code": "FAIL", "message": "the notification is being processed"}
    gate.set()
    running.join(10)
    assert first[0].status == 204
    assert endpoint(auth, headers, body, handler, store=store).status == 204
    assert handler.calls == 1


@pytest.mark.parametrize("behaviour", ["none", "raise"])
def test_a_handler_that_overruns_is_answered_503_and_its_outcome_recorded_later(
    behaviour: str,
    endpoint: Endpoint,
    auth: WechatPayAuth,
    deliver: Deliver,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    gate = threading.Event()
    handler = endpoint.handler(behaviour, gate)
    store = SQLiteNotificationStore(tmp_path / "notifications.sqlite3")
    headers, body = deliver(USER_CONFIRM, ORDER)
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger=LOGGER):
        answer = endpoint(auth, headers, body, handler, store=store, deadline=0.3)
        elapsed = time.monotonic() - started
        assert answer.status == 503
        assert 0.3 <= elapsed < 0.3 + 0.5
        assert json.loads(answer.body)["message"] == "the notification is still being processed"
        assert endpoint(auth, headers, body, handler, store=store).status == 503  # still running: busy
        gate.set()
        assert handler.ended.wait(5)
        later = deliver_until_settled(endpoint, auth, headers, body, handler, store)
        # The late outcome is logged just after the store records it: wait for the line, inside the capture.
        said = "recorded done" if behaviour == "none" else "claim released"
        deadline = time.monotonic() + 5
        while not any(said in record.getMessage() for record in caplog.records):
            assert time.monotonic() < deadline, f"no log line saying {said!r}"
            time.sleep(0.01)
    if behaviour == "none":  # ended well after its answer: done, and the next delivery is answered from the store
        assert (later.status, handler.calls) == (204, 1)
    else:  # failed after its answer: released, and the next delivery runs it again
        assert (later.status, handler.calls) == (500, 2)
    assert any(
        record.levelno == logging.WARNING and "did not end within the 0.3 s deadline" in record.getMessage()
        for record in caplog.records
    )


def deliver_until_settled(
    endpoint: Endpoint,
    auth: WechatPayAuth,
    headers: dict[str, str],
    body: bytes,
    handler: Handler,
    store: SQLiteNotificationStore,
) -> Answer:
    """Deliver again, as WeChat Pay does, until the answer is no longer "still being processed" (503)."""
    for _ in range(200):
        answer = endpoint(auth, headers, body, handler, store=store)
        if answer.status != 503:
            return answer
        time.sleep(0.01)
    raise AssertionError("the late outcome was never recorded")


def test_a_store_that_fails_is_answered_503_without_running_the_handler(
    endpoint: Endpoint, auth: WechatPayAuth, deliver: Deliver, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "notifications.sqlite3"
    store = SQLiteNotificationStore(path)
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE wechatpay_notifications")
    handler = endpoint.handler()
    with caplog.at_level(logging.INFO, logger=LOGGER):
        answer = endpoint(auth, *deliver(USER_CONFIRM, ORDER), handler, store=store)
    assert answer.status == 503
    assert handler.calls == 0
    (record,) = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert "the store could not be read" in record.getMessage()
    assert record.exc_info is not None
    assert record.exc_info[0] is sqlite3.OperationalError


def test_the_deadline_counts_from_the_call_and_is_checked(auth: WechatPayAuth, deliver: Deliver) -> None:
    store = MemoryNotificationStore()
    headers, body = deliver(USER_CONFIRM, ORDER)
    for deadline in (0, -1, float("inf"), float("nan"), True):
        with pytest.raises(ValueError, match="deadline"):
            handle_notification(auth, headers, body, lambda event: None, store=store, deadline=deadline)
    with pytest.raises(TypeError, match="NotificationStore"):
        handle_notification(auth, headers, body, lambda event: None, store=object())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="callable"):
        handle_notification(auth, headers, body, "handler", store=store)  # type: ignore[arg-type]


def test_the_memory_store_deduplicates_as_well(auth: WechatPayAuth, deliver: Deliver) -> None:
    clock = Clock()
    store = MemoryNotificationStore(clock=clock)
    calls: list[str] = []
    headers, body = deliver(USER_CONFIRM, ORDER)
    for _ in range(3):
        assert handle_notification(auth, headers, body, lambda event: calls.append(event.id), store=store).status == 204
    assert calls == ["EV-2018022511223320873"]
    clock.advance(49 * 3600)  # past the retention: a delivery this late is handled as new
    assert handle_notification(auth, headers, body, lambda event: calls.append(event.id), store=store).status == 204
    assert len(calls) == 2
