"""The generated models read each event's decrypted resource: amounts as strings too, unknown keys kept."""

from __future__ import annotations

import copy

import pytest
from wechatpay_payscore.errors import InvalidModelError
from wechatpay_payscore.models import (
    MchPrepayNotification,
    MchPrepayResource,
    NotificationEnvelope,
    NotificationFailure,
    NotifiedServiceOrder,
)
from wechatpay_payscore.types import Unset

from .samples import PAID_ORDER, PREPAY


def test_the_order_of_user_confirm_and_user_paid() -> None:
    order = NotifiedServiceOrder.from_dict(copy.deepcopy(PAID_ORDER))
    assert order.out_order_no == "1234323JKHDFE1243252"
    assert order.total_amount == "40000"  # the model keeps the wire form; parse_event reads it as an integer
    assert not isinstance(order.collection, Unset)
    assert not isinstance(order.collection.details, Unset)
    assert order.collection.details[0].seq == "1"
    assert order.state_description == "USER_PAID_SOMEDAY"
    assert order.additional_properties == {"a_field_added_later": {"kept": True}}
    assert order.to_dict() == PAID_ORDER


def test_only_out_order_no_is_required() -> None:
    assert NotifiedServiceOrder.from_dict({"out_order_no": "A1"}).to_dict() == {"out_order_no": "A1"}
    with pytest.raises(InvalidModelError, match="out_order_no"):
        NotifiedServiceOrder.from_dict({"total_amount": 1})


def test_the_mch_prepay_resource() -> None:
    prepay = MchPrepayResource.from_dict(copy.deepcopy(PREPAY))
    assert not isinstance(prepay.prepay_req_body, Unset)
    assert prepay.prepay_req_body.trade_type == "JSAPI"
    assert prepay.prepay_req_body.need_receipt is False
    assert prepay.prepay_req_body.additional_properties == {"scene_info": "kept"}
    assert prepay.to_dict() == PREPAY


def test_envelope_and_failure_body() -> None:
    document = {
        "id": "EV-1",
        "create_time": "2015-05-20T13:29:35+08:00",
        "event_type": "PAYSCORE.MCH_PREPAY",
        "resource_type": "encrypt-resource",
        "summary": "商户预下单",
        "resource": {"algorithm": "AEAD_AES_256_GCM", "ciphertext": "AAAA", "nonce": "n", "original_type": "payscore"},
        "later": 1,
    }
    envelope = NotificationEnvelope.from_dict(copy.deepcopy(document))
    assert envelope.resource.algorithm == "AEAD_AES_256_GCM"
    assert envelope.additional_properties == {"later": 1}
    assert MchPrepayNotification.from_dict(copy.deepcopy(document)).event_type == "PAYSCORE.MCH_PREPAY"
    assert NotificationFailure.from_dict({"code": "FAIL", "message": "失败"}).code == "FAIL"
