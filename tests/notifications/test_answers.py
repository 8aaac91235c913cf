"""The answers to a notification: 204 without a body; 4xx/5xx with `{"code": "FAIL", "message": …}`."""

from __future__ import annotations

import json
import logging

import pytest
from wechatpay_auth import ConfigurationError, DecryptionError, MissingSignatureHeadersError, WechatPayAuth
from wechatpay_payscore_client import USER_CONFIRM, Answer, failure_answer, open_event, refusal_answer, success_answer

from .conftest import Deliver

LOGGER = "wechatpay_payscore_client.notifications"


def test_success_is_204_without_a_body() -> None:
    assert success_answer() == Answer(204, {}, b"")
    status, headers, body = success_answer()
    assert (status, headers, body) == (204, {}, b"")


def test_failure_is_fail_json() -> None:
    answer = failure_answer("库存不足")
    assert answer.status == 500
    assert answer.headers == {"Content-Type": "application/json; charset=utf-8"}
    assert json.loads(answer.body) == {"code": "FAIL", "message": "库存不足"}
    assert failure_answer("busy", status=429).status == 429


@pytest.mark.parametrize("status", [200, 204, 302, 600, True, "500"])
def test_failure_needs_a_4xx_or_5xx_status(status: object) -> None:
    with pytest.raises(ValueError, match="4xx or 5xx"):
        failure_answer("x", status=status)  # type: ignore[arg-type]


def test_failure_message_is_a_string() -> None:
    with pytest.raises(TypeError, match="message"):
        failure_answer(b"x")  # type: ignore[arg-type]


def test_refusals(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        decryption = refusal_answer(DecryptionError("tag", field="resource.ciphertext"))
        other = refusal_answer(ConfigurationError("no key"))
    assert decryption.status == 400
    assert json.loads(decryption.body) == {"code": "FAIL", "message": "notification could not be opened"}
    assert other.status == 500
    assert [record.levelno for record in caplog.records] == [logging.WARNING, logging.WARNING]


def test_a_signature_failure_is_401_at_warning(
    auth: WechatPayAuth, deliver: Deliver, caplog: pytest.LogCaptureFixture
) -> None:
    headers, body = deliver(USER_CONFIRM, {"out_order_no": "A1"})
    del headers["Wechatpay-Signature"]
    with pytest.raises(MissingSignatureHeadersError) as caught:
        open_event(auth, headers, body)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        answer = refusal_answer(caught.value)
    assert answer.status == 401
    assert json.loads(answer.body) == {"code": "FAIL", "message": "signature verification failed"}
    assert [record.levelno for record in caplog.records] == [logging.WARNING]
