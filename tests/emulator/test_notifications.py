"""Notifications from the life of an order: each event delivered to a real 127.0.0.1 receiver, signed and encrypted
as WeChat Pay does; retries on the scaled schedule; timeouts; refusal of anything but loopback; the outbox across a
receiver that is down and an emulator that is not serving; `wait_idle`; `reset`."""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

import attrs
import httpx
import pytest
from cryptography.exceptions import InvalidTag
from wechatpay_emulator import (
    MCH_PREPAY,
    RETRY_SCHEDULE,
    USER_CONFIRM,
    USER_PAID,
    Emulator,
    EmulatorConfig,
    NotificationFault,
    demo,
)

from tests.emulator.notify_support import (
    ACCEPT,
    DEMO_APIV3_KEY,
    FAIL,
    ORDER_IDS,
    Receiver,
    created,
    decrypt,
    free_port,
    notifying,
    ready,
    receiving,
    signature_ok,
    until,
)
from tests.emulator.support import FIXED_NOW, Clock, create, create_body

RFC3339_BEIJING = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00")
NONCE = re.compile(r"[0-9A-Za-z]{32}")


def _only(receiver: Receiver) -> Any:
    assert len(receiver.received) == 1, receiver.received
    return receiver.received[0]


# -- each event, signed and encrypted ------------------------------------------------------------------------------


def test_confirm_sends_user_confirm_signed_and_encrypted(emu: Emulator) -> None:
    emu.seed(created("N-CONFIRM", attach="mine", openid="OPENID-1"))
    with notifying(emu) as receiver:
        after = emu.confirm("N-CONFIRM")
        assert emu.wait_idle(10)
    got = _only(receiver)
    headers = got.headers
    assert got.path == "/notify"
    assert headers["content-type"] == "application/json"
    assert headers["wechatpay-timestamp"] == str(FIXED_NOW)  # the configured clock, like the answers
    assert NONCE.fullmatch(headers["wechatpay-nonce"])
    assert headers["wechatpay-serial"] == demo.DEMO_PLATFORM_SERIAL  # the platform certificate by default
    assert headers["wechatpay-signature-type"] == "WECHATPAY2-SHA256-RSA2048"
    assert re.fullmatch(r"[0-9A-F]{32}", headers["request-id"])
    assert signature_ok(headers, got.body)
    envelope = got.envelope
    assert list(envelope) == ["id", "create_time", "resource_type", "event_type", "summary", "resource"]
    assert len(envelope["id"]) == 36
    assert RFC3339_BEIJING.fullmatch(envelope["create_time"])
    assert envelope["resource_type"] == "encrypt-resource"
    assert envelope["event_type"] == USER_CONFIRM
    assert envelope["summary"] == "支付分订单用户已确认"
    resource = envelope["resource"]
    assert resource["algorithm"] == "AEAD_AES_256_GCM"
    assert resource["original_type"] == "payscore"
    assert resource["associated_data"] == "payscore"
    assert len(resource["nonce"]) == 12
    plain = decrypt(envelope)
    assert plain == {key: value for key, value in after.query_answer().items() if key != "notify_url"}
    assert (plain["out_order_no"], plain["state"], plain["state_description"]) == (
        "N-CONFIRM",
        "DOING",
        "USER_CONFIRM",
    )
    assert (plain["attach"], plain["openid"], plain["mchid"]) == ("mine", "OPENID-1", demo.DEMO_MCHID)
    with pytest.raises(InvalidTag):
        decrypt(envelope, key=b"0" * 32)
    (notification,) = emu.notifications
    assert (notification.state, notification.event_type, notification.url) == ("delivered", USER_CONFIRM, receiver.url)
    assert notification.id == envelope["id"]
    assert notification.body == got.body
    assert notification.resource == plain
    (attempt,) = notification.attempts
    assert (attempt.number, attempt.status, attempt.outcome, attempt.error) == (1, 204, "delivered", None)
    assert attempt.body == got.body
    assert attempt.header("Wechatpay-Signature") == headers["wechatpay-signature"]
    assert 0 <= attempt.duration < 10


def test_pay_sends_user_paid_with_the_payment(emu: Emulator) -> None:
    emu.seed(ready("N-PAY"))
    with notifying(emu) as receiver:
        after = emu.pay("N-PAY")
        assert emu.wait_idle(10)
    got = _only(receiver)
    assert signature_ok(got.headers, got.body)
    assert got.envelope["event_type"] == USER_PAID
    assert got.envelope["summary"] == "用户支付成功"
    plain = decrypt(got.envelope)
    assert plain["state"] == "DONE"
    assert "state_description" not in plain
    assert plain["collection"]["state"] == "USER_PAID"
    (detail,) = plain["collection"]["details"]
    assert detail["paid_type"] == "NEWTON"
    assert detail["transaction_id"] == after.collection.details[-1].transaction_id  # type: ignore[union-attr]


def test_pay_now_sends_mch_prepay_and_records_the_answer(emu: Emulator) -> None:
    emu.seed(ready("N-PREPAY", sub_appid="wx-sub", sub_openid="SUB-OPENID", openid="OPENID", attach="a"))
    answer = b'{"code":"SUCCESS","message":"OK","prepay_resp_http_code":200}'
    with notifying(emu, (200, answer, 0.0)) as receiver:
        before = emu.order("N-PREPAY")
        assert emu.pay_now("N-PREPAY") == before  # the order does not change
        assert emu.wait_idle(10)
    got = _only(receiver)
    assert signature_ok(got.headers, got.body)
    assert (got.envelope["event_type"], got.envelope["summary"]) == (MCH_PREPAY, "商户预下单")
    plain = decrypt(got.envelope)
    assert plain["out_order_no"] == "N-PREPAY"
    assert plain["total_amount"] == before.total_amount
    assert (plain["sub_appid"], plain["sub_openid"], plain["channel_id"]) == (
        "wx-sub",
        "SUB-OPENID",
        ORDER_IDS["channel_id"],
    )
    assert "openid" not in plain  # "传了sub_appid的情况下则只返回sub_openid"
    assert not any(key.startswith("prepay_resp") or key.endswith("_base64") for key in plain)
    request = plain["prepay_req_body"]
    assert (request["device_info"], request["fee_type"], request["trade_type"]) == ("WEB", "CNY", "JSAPI")
    assert (request["body"], request["attach"], request["limit_pay"]) == (before.service_introduction, "a", "no_credit")
    assert request["need_receipt"] is False
    assert re.fullmatch(r"\d{14}", request["time_start"]) and request["time_expire"] > request["time_start"]
    (attempt,) = emu.notifications[0].attempts
    assert (attempt.status, attempt.answer, attempt.outcome) == (200, answer, "delivered")
    assert emu.events == []  # nothing changed, so no event


def test_the_order_notify_url_is_used_without_an_override(emu: Emulator) -> None:
    with receiving() as receiver:
        emu.seed(created("N-OWN", notify_url=receiver.url + "?mine=1"))
        emu.confirm("N-OWN")
        assert emu.wait_idle(10)
    assert _only(receiver).path == "/notify?mine=1"


def test_notifications_keep_the_order_of_the_changes(emu: Emulator) -> None:
    numbers = [f"N-ORDER-{index}" for index in range(6)]
    emu.seed(*(created(number) for number in numbers))
    with notifying(emu) as receiver:
        for number in numbers:
            emu.confirm(number)
        assert emu.wait_idle(10)
    assert [decrypt(got.envelope)["out_order_no"] for got in receiver.received] == numbers
    assert [entry.seq for entry in emu.notifications] == [1, 2, 3, 4, 5, 6]


def test_the_notification_is_written_in_the_step_of_the_change(emu: Emulator) -> None:
    # Not delivered (no receiver listens), but written before confirm() returns: nothing is lost.
    emu.seed(created("N-STEP"))
    emu.set_notify_url(f"http://127.0.0.1:{free_port()}/notify")
    emu.set_notification_time_scale(1000)  # the retry is far away
    emu.confirm("N-STEP")
    (notification,) = emu.notifications
    assert notification.out_order_no == "N-STEP"
    assert notification.event_type == USER_CONFIRM


def test_a_refused_action_sends_nothing(emu: Emulator) -> None:
    emu.seed(ready("N-REFUSED"))
    with pytest.raises(Exception, match="cannot confirm"):
        emu.confirm("N-REFUSED")
    assert emu.notifications == []


def test_the_api_create_takes_its_notify_url_and_confirm_uses_it(emu: Emulator, client: httpx.Client) -> None:
    body = create_body("N-API", notify_url="https://api.test.com/own")
    assert create(client, body).status_code == 200
    emu.confirm("N-API")
    (notification,) = emu.notifications
    assert notification.url == "https://api.test.com/own"
    assert notification.state == "refused"


# -- where it may go ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.2:{port}/notify",  # loopback to the kernel, but not one of the emulator's three hosts
        "http://127.0.0.1@127.0.0.2:{port}/notify",  # the host is 127.0.0.2
        "https://127.0.0.1:{port}/notify",  # https is not emulated
        "http://127.0.0.1.nip.io:{port}/notify",
    ],
)
def test_anything_but_http_loopback_is_refused_and_never_contacted(emu: Emulator, template: str) -> None:
    with Receiver(host="127.0.0.2") as outside, Receiver() as inside:
        url = template.format(port=outside.port if "127.0.0.2" in template else inside.port)
        emu.seed(created("N-OUT"))
        emu.set_notify_url(url)
        emu.confirm("N-OUT")
        assert emu.wait_idle(10)
        time.sleep(0.05)
    assert outside.received == [] and inside.received == []
    (notification,) = emu.notifications
    assert (notification.state, notification.attempts, notification.url) == ("refused", (), url)
    assert "not contacted" in (notification.reason or "")


def test_a_seeded_order_example_url_is_refused(emu: Emulator) -> None:
    emu.seed(created("N-EXAMPLE"))  # notify_url https://api.test.com
    emu.confirm("N-EXAMPLE")
    (notification,) = emu.notifications
    assert notification.state == "refused"
    assert "'api.test.com' is not loopback" in (notification.reason or "")


@pytest.mark.parametrize("host", ["localhost", "[::1]"])
def test_localhost_and_ipv6_loopback_are_contacted(emu: Emulator, host: str) -> None:
    bind = "::1" if host == "[::1]" else "127.0.0.1"
    with Receiver(host=bind) as receiver:
        emu.seed(created("N-LOCAL"))
        emu.set_notify_url(f"http://{host}:{receiver.port}/n")
        emu.confirm("N-LOCAL")
        assert emu.wait_idle(10)
    assert len(receiver.received) == 1
    assert emu.notifications[0].state == "delivered"


# -- retries ----------------------------------------------------------------------------------------------------------


def test_non_2xx_then_2xx_makes_two_attempts_a_scaled_delay_apart(emu: Emulator) -> None:
    scale = 0.01
    emu.set_notification_time_scale(scale)
    emu.seed(created("N-RETRY"))
    with notifying(emu, FAIL, FAIL, FAIL, ACCEPT) as receiver:
        emu.confirm("N-RETRY")
        assert emu.wait_idle(10)
    times = [got.at for got in receiver.received]
    assert len(times) == 4
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    for gap, delay in zip(gaps, RETRY_SCHEDULE[:3], strict=True):
        assert delay * scale <= gap < delay * scale + 1.0, (gaps, delay)
    assert {got.envelope["id"] for got in receiver.received} == {emu.notifications[0].id}  # the same notification
    assert len({got.headers["wechatpay-nonce"] for got in receiver.received}) == 4  # each attempt signed anew
    notification = emu.notifications[0]
    assert notification.state == "delivered"
    assert [(a.status, a.outcome) for a in notification.attempts] == [(500, "failed")] * 3 + [(204, "delivered")]
    assert notification.attempts[0].answer == FAIL[1]
    assert notification.attempts[0].error == "answered 500: not 2xx"


def test_the_schedule_is_wechat_pays_documented_one() -> None:
    documented = "15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h"  # notifications §1.3
    units = {"s": 1, "m": 60, "h": 3600}
    assert list(RETRY_SCHEDULE) == [float(item[:-1]) * units[item[-1]] for item in documented.split("/")]
    assert sum(RETRY_SCHEDULE) == 24 * 3600 + 4 * 60  # "总计 24h4m"


def test_a_failing_receiver_gets_sixteen_attempts_then_the_notification_fails(emu: Emulator) -> None:
    emu.set_notification_time_scale(0.00001)  # 24 h 4 min in under a second
    emu.seed(created("N-GIVEUP"))
    with notifying(emu, FAIL) as receiver:
        emu.confirm("N-GIVEUP")
        assert emu.wait_idle(20)
    assert len(receiver.received) == 16
    notification = emu.notifications[0]
    assert notification.state == "failed"
    assert len(notification.attempts) == 16
    assert "no attempt left after 16" in (notification.reason or "")


def test_mch_prepay_is_attempted_once(emu: Emulator) -> None:
    emu.set_notification_time_scale(0.001)
    emu.seed(ready("N-PREPAY-FAIL"))
    with notifying(emu, FAIL) as receiver:
        emu.pay_now("N-PREPAY-FAIL")
        assert emu.wait_idle(10)
        time.sleep(0.1)  # a retry would have come by now (15 ms scaled)
    assert len(receiver.received) == 1
    assert emu.notifications[0].state == "failed"


def test_an_answer_slower_than_the_deadline_is_a_timeout_and_retried(emu: Emulator) -> None:
    emu.set_notification_timeout(0.3)
    emu.set_notification_time_scale(0.001)
    emu.seed(created("N-SLOW"))
    with notifying(emu, (204, b"", 1.0), ACCEPT) as receiver:
        emu.confirm("N-SLOW")
        assert emu.wait_idle(10)
    assert len(receiver.received) == 2
    first, second = emu.notifications[0].attempts
    assert (first.status, first.outcome) == (None, "timeout")
    assert first.error == "timeout: no answer within 0.3 s"
    assert 0.3 <= first.duration < 1.0
    assert (second.status, second.outcome) == (204, "delivered")


# -- the outbox outlives receivers and workers ------------------------------------------------------------------------


def test_the_outbox_survives_a_receiver_that_is_down(emu: Emulator) -> None:
    emu.set_notification_time_scale(0.01)
    port = free_port()
    emu.seed(created("N-DOWN"))
    emu.set_notify_url(f"http://127.0.0.1:{port}/notify")
    emu.confirm("N-DOWN")
    until(lambda: len(emu.notifications[0].attempts) >= 2)
    with Receiver(port=port) as receiver:
        assert emu.wait_idle(10)
    notification = emu.notifications[0]
    assert notification.state == "delivered"
    assert len(receiver.received) == 1
    failed = [attempt for attempt in notification.attempts if attempt.outcome == "failed"]
    assert len(failed) >= 2
    assert all(attempt.status is None and "ConnectError" in (attempt.error or "") for attempt in failed)


def test_notifications_wait_in_the_outbox_until_the_emulator_serves(clock: Clock) -> None:
    emulator = Emulator(EmulatorConfig.demo(clock=clock, orders=(created("N-LATER"),)))
    with notifying(emulator) as receiver:
        emulator.confirm("N-LATER")
        assert emulator.wait_idle(1)  # nothing delivers without serve(): nothing to wait for
        assert emulator.notifications[0].state == "pending"
        assert receiver.received == []
        with emulator.serve():
            assert emulator.wait_idle(10)
        assert emulator.notifications[0].state == "delivered"
        assert len(receiver.received) == 1


def test_serving_twice_in_a_row_starts_and_stops_the_worker_each_time(clock: Clock) -> None:
    emulator = Emulator(EmulatorConfig.demo(clock=clock, orders=(created("N-A"), created("N-B"))))
    with notifying(emulator) as receiver:
        for number in ("N-A", "N-B"):
            with emulator.serve():
                emulator.confirm(number)
                assert emulator.wait_idle(10)
    assert [entry.state for entry in emulator.notifications] == ["delivered", "delivered"]
    assert len(receiver.received) == 2


# -- wait_idle and reset --------------------------------------------------------------------------------------------


def test_wait_idle_waits_for_a_delivery_in_progress(emu: Emulator) -> None:
    emu.seed(created("N-IDLE"))
    with notifying(emu, (204, b"", 0.4)):
        emu.confirm("N-IDLE")
        start = time.monotonic()
        assert emu.wait_idle(10)
        assert time.monotonic() - start >= 0.3
        assert emu.notifications[0].state == "delivered"


def test_wait_idle_times_out_on_a_delivery_that_outlasts_it(emu: Emulator) -> None:
    emu.seed(created("N-LONG"))
    with notifying(emu, (204, b"", 1.0)):
        emu.confirm("N-LONG")
        time.sleep(0.1)  # the attempt is under way
        assert not emu.wait_idle(0.2)
        assert emu.wait_idle(0.2, deliveries=False)  # no API request in flight
        assert emu.wait_idle(10)


def test_wait_idle_does_not_wait_for_a_retry_beyond_its_timeout(emu: Emulator) -> None:
    emu.seed(created("N-FAR"))
    with notifying(emu, FAIL) as receiver:
        emu.confirm("N-FAR")  # the retry is 15 s away (scale 1)
        start = time.monotonic()
        assert emu.wait_idle(2)
        assert time.monotonic() - start < 2
        assert len(receiver.received) == 1
    notification = emu.notifications[0]
    assert notification.state == "pending"
    assert notification.next_attempt_at is not None
    assert 10 < notification.next_attempt_at - time.time() <= 15


def test_reset_forgets_notifications_faults_and_settings(emu: Emulator) -> None:
    emu.seed(created("N-RESET"))
    emu.set_notify_url(f"http://127.0.0.1:{free_port()}/x")
    emu.set_notification_time_scale(0.5)
    emu.set_notification_timeout(1)
    emu.set_notification_signer("public_key")
    emu.inject_notification_fault(NotificationFault.duplicate(), times=None)
    emu.confirm("N-RESET")
    assert len(emu.notifications) == 2
    emu.reset()
    assert emu.notifications == []
    assert emu.notification_faults == []
    assert emu.notification_settings == emu.config.notification_settings()
    assert attrs.asdict(emu.notification_settings) == {
        "notify_url": None,
        "time_scale": 1.0,
        "timeout": 5.0,
        "signer": "platform_certificate",
        "available": ("platform_certificate", "public_key"),
    }


def test_an_attempt_in_progress_at_reset_is_not_recorded(emu: Emulator) -> None:
    emu.seed(created("N-MIDWAY"))
    with notifying(emu, (204, b"", 0.5)) as receiver:
        emu.confirm("N-MIDWAY")
        until(lambda: bool(receiver.received))
        emu.reset()
        assert emu.wait_idle(10)
    assert emu.notifications == []


# -- the APIv3 key ----------------------------------------------------------------------------------------------------


def test_a_configured_apiv3_key_encrypts(clock: Clock) -> None:
    key = b"0123456789abcdefghijklmnopqrstuv"
    emulator = Emulator(EmulatorConfig.demo(clock=clock, apiv3_key=key, orders=(created("N-KEY"),)))
    with notifying(emulator) as receiver, emulator.serve():
        emulator.confirm("N-KEY")
        assert emulator.wait_idle(10)
    envelope = _only(receiver).envelope
    assert decrypt(envelope, key=key)["out_order_no"] == "N-KEY"
    with pytest.raises(InvalidTag):
        decrypt(envelope, key=DEMO_APIV3_KEY)
