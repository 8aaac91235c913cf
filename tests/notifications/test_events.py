"""`open_event` / `parse_event`: a signed, encrypted notification (built with `wechatpay_auth.testing`) in, a typed
event out; a tampered body, a probe or a resource outside the contract refused with the auth plugin's typed errors."""

from __future__ import annotations

import copy
import json
import logging

import pytest
from wechatpay_auth import (
    ConfigurationError,
    InvalidSignatureError,
    MalformedNotificationError,
    NotificationError,
    ProbeSignatureError,
    SignatureVerificationError,
    WechatPayAuth,
)
from wechatpay_payscore.types import Unset
from wechatpay_payscore_client import (
    MCH_PREPAY,
    USER_CONFIRM,
    USER_PAID,
    MchPrepayEvent,
    Seams,
    UnknownEvent,
    UserConfirmEvent,
    UserPaidEvent,
    create_client,
    open_event,
    parse_event,
    refusal_answer,
)

from .conftest import APIV3_KEY, MCHID, NOW, REQUEST_ID, SERIAL_NO, WECHATPAY_SERIAL, Deliver, Keys
from .samples import ORDER, PAID_ORDER, PREPAY


def test_user_confirm(auth: WechatPayAuth, deliver: Deliver) -> None:
    headers, body = deliver(USER_CONFIRM, ORDER)
    event = open_event(auth, headers, body)
    assert isinstance(event, UserConfirmEvent)
    assert (event.id, event.create_time, event.summary) == (
        "EV-2018022511223320873",
        "2030-12-24T16:30:10+08:00",
        "支付分订单用户已确认",
    )
    assert (event.event_type, event.request_id) == (USER_CONFIRM, REQUEST_ID)
    order = event.resource
    assert order.out_order_no == "1234323JKHDFE1243252"
    assert order.total_amount == 40000
    assert not isinstance(order.post_payments, Unset)
    assert (order.post_payments[0].amount, order.post_payments[0].count) == (40000, 4)
    assert not isinstance(order.post_discounts, Unset)
    assert order.post_discounts[0].count == 2
    assert not isinstance(order.risk_fund, Unset)
    assert order.risk_fund.amount == 10000
    assert "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" not in repr(event)  # the decrypted order stays out of logs
    assert "out_order_no" in repr(event)


def test_user_paid_reads_every_amount_as_an_integer_and_keeps_unknown_keys(
    auth: WechatPayAuth, deliver: Deliver
) -> None:
    headers, body = deliver(USER_PAID, PAID_ORDER, summary="用户支付成功")
    event = open_event(auth, headers, body)
    assert isinstance(event, UserPaidEvent)
    collection = event.resource.collection
    assert not isinstance(collection, Unset)
    assert (collection.total_amount, collection.paying_amount, collection.paid_amount) == (40000, 0, 40000)
    assert not isinstance(collection.details, Unset)
    assert (collection.details[0].seq, collection.details[0].amount) == (1, 40000)
    assert event.resource.additional_properties == {"a_field_added_later": {"kept": True}}


def test_mch_prepay(auth: WechatPayAuth, deliver: Deliver) -> None:
    headers, body = deliver(MCH_PREPAY, {**PREPAY, "prepay_resp_http_code": "200"}, summary="商户预下单")
    event = open_event(auth, headers, body)
    assert isinstance(event, MchPrepayEvent)
    assert event.resource.total_amount == 40000
    assert event.resource.prepay_resp_http_code == 200
    assert not isinstance(event.resource.prepay_req_body, Unset)
    assert event.resource.prepay_req_body.notify_url == "https://api.test.com/notify"


def test_an_unknown_event_is_kept_whole(auth: WechatPayAuth, deliver: Deliver) -> None:
    plaintext = {"mch_id": "1230000109", "total_amount": "7", "nested": {"a": [1, "2"]}}
    headers, body = deliver("PAYSCORE.USER_OPEN_SERVICE", plaintext, summary="签约成功")
    event = open_event(auth, headers, body)
    assert isinstance(event, UnknownEvent)
    assert event.event_type == "PAYSCORE.USER_OPEN_SERVICE"
    assert event.resource == plaintext
    assert "1230000109" not in repr(event)


def test_parse_event_is_pure_and_leaves_the_notification_unchanged(auth: WechatPayAuth, deliver: Deliver) -> None:
    headers, body = deliver(USER_PAID, PAID_ORDER)
    notification = auth.open_notification(headers, body)
    before = copy.deepcopy(notification.plaintext)
    first, second = parse_event(notification), parse_event(notification)
    assert first == second
    assert notification.plaintext == before


def test_a_digit_string_is_read_but_another_string_is_kept_as_sent(auth: WechatPayAuth, deliver: Deliver) -> None:
    headers, body = deliver(USER_CONFIRM, {"out_order_no": "A1", "total_amount": "4.00"})
    event = open_event(auth, headers, body)
    assert isinstance(event, UserConfirmEvent)
    assert event.resource.total_amount == "4.00"


@pytest.mark.parametrize("event_type", [USER_CONFIRM, USER_PAID, MCH_PREPAY])
def test_a_resource_outside_the_contract_is_refused(auth: WechatPayAuth, deliver: Deliver, event_type: str) -> None:
    headers, body = deliver(event_type, {"total_amount": 1})
    with pytest.raises(MalformedNotificationError) as caught:
        open_event(auth, headers, body)
    assert caught.value.field == "resource.out_order_no"
    assert event_type in str(caught.value)


def test_a_wrongly_typed_nested_field_is_named(auth: WechatPayAuth, deliver: Deliver) -> None:
    headers, body = deliver(USER_CONFIRM, {"out_order_no": "A1", "risk_fund": {"name": 5}})
    with pytest.raises(MalformedNotificationError) as caught:
        open_event(auth, headers, body)
    assert caught.value.field == "resource.risk_fund.name"


def test_a_tampered_body_is_refused(auth: WechatPayAuth, deliver: Deliver) -> None:
    headers, body = deliver(USER_CONFIRM, ORDER)
    tampered = body.replace(b"EV-2018022511223320873", b"EV-2018022511223320874")
    with pytest.raises(InvalidSignatureError):
        open_event(auth, headers, tampered)


def test_a_probe_is_refused_and_answered_as_a_probe(
    auth: WechatPayAuth, deliver: Deliver, caplog: pytest.LogCaptureFixture
) -> None:
    headers, body = deliver(USER_CONFIRM, ORDER)
    headers["Wechatpay-Signature"] = "WECHATPAY/SIGNTEST/" + headers["Wechatpay-Signature"]
    with pytest.raises(ProbeSignatureError) as caught:
        open_event(auth, headers, body)
    with caplog.at_level(logging.INFO, logger="wechatpay_payscore_client.notifications"):
        answer = refusal_answer(caught.value)
    assert answer.status == 401
    assert [(record.levelno, "probe" in record.getMessage()) for record in caplog.records] == [(logging.INFO, True)]


def test_a_wrong_apiv3_key_is_a_notification_error(keys: Keys, deliver: Deliver) -> None:
    other = WechatPayAuth(
        mchid=MCHID,
        serial_no=SERIAL_NO,
        private_key=keys.merchant,
        wechatpay_public_keys={WECHATPAY_SERIAL: keys.wechatpay.public_key()},
        clock=lambda: float(NOW),
        apiv3_key="test-only-apiv3-key-111111111111",
    )
    headers, body = deliver(USER_CONFIRM, ORDER)
    with pytest.raises(NotificationError):
        open_event(other, headers, body)


def test_the_client_opens_events_with_its_apiv3_key(keys: Keys, deliver: Deliver) -> None:
    public_keys = {WECHATPAY_SERIAL: keys.wechatpay.public_key()}
    seams = Seams(clock=lambda: float(NOW))
    client = create_client(
        mchid=MCHID,
        serial_no=SERIAL_NO,
        private_key=keys.merchant,
        wechatpay_public_keys=public_keys,
        seams=seams,
        apiv3_key=APIV3_KEY,
    )
    headers, body = deliver(USER_CONFIRM, ORDER)
    event = open_event(client, headers, body)
    assert isinstance(event, UserConfirmEvent)
    assert event.resource.total_amount == 40000
    with pytest.raises(SignatureVerificationError):
        open_event(client, headers, body + b" ")
    without_key = create_client(
        mchid=MCHID, serial_no=SERIAL_NO, private_key=keys.merchant, wechatpay_public_keys=public_keys, seams=seams
    )
    with pytest.raises(ConfigurationError, match="apiv3_key"):
        open_event(without_key, headers, body)


def test_events_are_frozen_attrs_classes(auth: WechatPayAuth, deliver: Deliver) -> None:
    headers, body = deliver(USER_CONFIRM, ORDER)
    event = open_event(auth, headers, body)
    with pytest.raises(AttributeError):
        event.id = "other"  # type: ignore[misc]
    assert json.loads(body)["id"] == event.id
