"""The contract's `webhooks`: valid OpenAPI 3.1, one per event, each naming its envelope and decrypted resource."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from openapi_spec_validator import validate

from .samples import ORDER, PAID_ORDER, PREPAY

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "payscore-acquiringbank.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
EVENTS = {
    "PAYSCORE.USER_CONFIRM": ("UserConfirmNotification", "NotifiedServiceOrder"),
    "PAYSCORE.USER_PAID": ("UserPaidNotification", "NotifiedServiceOrder"),
    "PAYSCORE.MCH_PREPAY": ("MchPrepayNotification", "MchPrepayResource"),
}
HEADERS = {
    "Wechatpay-Timestamp",
    "Wechatpay-Nonce",
    "Wechatpay-Signature",
    "Wechatpay-Serial",
    "Wechatpay-Signature-Type",
    "Request-ID",
}


def _ref(ref: str) -> Any:
    node: Any = SPEC
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def validator(schema_name: str) -> jsonschema_rs.Draft202012Validator:
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": SPEC["components"]}
    return jsonschema_rs.Draft202012Validator(root)


def test_the_contract_with_webhooks_is_valid_openapi() -> None:
    validate(SPEC)
    assert set(SPEC["webhooks"]) == set(EVENTS)


@pytest.mark.parametrize("event_type", sorted(EVENTS))
def test_each_webhook_names_headers_envelope_resource_and_answers(event_type: str) -> None:
    envelope, resource = EVENTS[event_type]
    operation = SPEC["webhooks"][event_type]["post"]
    assert {_ref(parameter["$ref"])["name"] for parameter in operation["parameters"]} == HEADERS
    schema_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref == f"#/components/schemas/{envelope}"
    ciphertext = _ref(schema_ref)["allOf"][1]["properties"]["resource"]["properties"]["ciphertext"]
    assert ciphertext["contentSchema"]["$ref"] == f"#/components/schemas/{resource}"
    answers = operation["responses"]
    assert "content" not in answers["204"]
    assert "200" in answers
    for status in ("400", "500"):
        assert answers[status]["content"]["application/json"]["schema"]["$ref"].endswith("/NotificationFailure")


@pytest.mark.parametrize(
    ("schema_name", "document"),
    [("NotifiedServiceOrder", ORDER), ("NotifiedServiceOrder", PAID_ORDER), ("MchPrepayResource", PREPAY)],
)
def test_published_resources_validate_against_their_schemas(schema_name: str, document: dict[str, Any]) -> None:
    validator(schema_name).validate(document)


def test_amounts_are_integers_or_digit_strings_only() -> None:
    order = validator("NotifiedServiceOrder")
    assert order.is_valid({"out_order_no": "A1", "total_amount": 40000})
    assert order.is_valid({"out_order_no": "A1", "total_amount": "40000"})
    assert not order.is_valid({"out_order_no": "A1", "total_amount": "400.00"})
    assert not order.is_valid({"out_order_no": "A1", "total_amount": -1})
    assert not order.is_valid({"total_amount": 1})  # out_order_no is the one required field


def test_envelope_and_failure_answer_schemas() -> None:
    envelope = {
        "id": "EV-2018022511223320873",
        "create_time": "2015-05-20T13:29:35+08:00",
        "resource_type": "encrypt-resource",
        "event_type": "PAYSCORE.MCH_PREPAY",
        "summary": "商户预下单",
        "resource": {
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": "AAAA",
            "nonce": "r3sourceNonc",
            "associated_data": "",
            "original_type": "payscore",
        },
    }
    for name in ("NotificationEnvelope", "UserConfirmNotification", "UserPaidNotification", "MchPrepayNotification"):
        validator(name).validate(envelope)
    assert not validator("NotificationEnvelope").is_valid({**envelope, "resource": {"algorithm": "x"}})
    validator("NotificationFailure").validate({"code": "FAIL", "message": "失败"})
