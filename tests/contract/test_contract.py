"""The contract itself: valid, self-consistent, and the source of the committed generated client."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate
from wechatpay_payscore.models import SyncServiceOrderRequest
from wechatpay_payscore.models.sync_service_order_request_type import SyncServiceOrderRequestType
from wechatpay_payscore_client import load_contract

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "payscore-acquiringbank.yaml"
OPERATION = "/v3/payscore/acquiringbank/serviceorder/{out_order_no}/sync"


@pytest.fixture(scope="module")
def document() -> dict[str, typing.Any]:
    return typing.cast(dict[str, typing.Any], yaml.safe_load(SPEC.read_text(encoding="utf-8")))


def test_spec_is_valid_openapi_31(document: dict[str, typing.Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_security_is_declared_at_top_level_only(document: dict[str, typing.Any]) -> None:
    # Operation-level security makes openapi-python-client demand a Bearer-token AuthenticatedClient.
    assert document["security"] == [{"WechatPay2": []}]
    for item in document["paths"].values():
        for operation in item.values():
            assert "security" not in operation


def test_every_documented_error_status_is_declared(document: dict[str, typing.Any]) -> None:
    responses = document["paths"][OPERATION]["post"]["responses"]
    assert set(responses) == {"204", "400", "401", "403", "404", "429", "500"}
    assert "content" not in responses["204"]
    assert "default" not in responses  # a default response makes the generated parser JSON-decode gateway HTML


def test_request_examples_satisfy_the_contract(document: dict[str, typing.Any]) -> None:
    operation = load_contract().operation("syncServiceOrder")
    assert operation.body_validator is not None
    examples = document["paths"][OPERATION]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert examples
    for name, example in examples.items():
        errors = [e.message for e in operation.body_validator.iter_errors(example["value"])]
        assert errors == [], name


def test_error_examples_satisfy_error_response(document: dict[str, typing.Any]) -> None:
    contract = load_contract()
    checked = 0
    for response in document["components"]["responses"].values():
        for name, example in response["content"]["application/json"]["examples"].items():
            assert contract.error_validator.is_valid(example["value"]), name
            assert example["value"]["code"] == name
            checked += 1
    assert checked >= 10


def test_out_order_no_rules(document: dict[str, typing.Any]) -> None:
    (parameter,) = load_contract().operation("syncServiceOrder").path_parameters()
    for good in ["1234323JKHDFE1243252", "a_b-c|d*e", "x" * 32]:
        assert parameter.validator.is_valid(good), good
    for bad in [".", "..", "", "x" * 33, "ABC\n", "a/b", "a%2Fb", "中文", "a.b"]:
        assert not parameter.validator.is_valid(bad), bad


def test_generated_models_follow_the_contract() -> None:
    seed = {
        "service_id": "2002000000000558128851361561536",
        "sub_mchid": "1900000109",
        "channel_id": "1230000109",
        "type": "Order_Paid",
        "detail": {"paid_time": "20091225091210"},
    }
    assert SyncServiceOrderRequest.from_dict(seed).to_dict() == seed
    assert typing.get_args(SyncServiceOrderRequestType) == ("Order_Paid",)
    with pytest.raises(TypeError):
        SyncServiceOrderRequest.from_dict({**seed, "type": "Order_Refunded"})


def test_installed_contract_is_the_repository_contract() -> None:
    from wechatpay_payscore_client._contract import contract_path

    assert contract_path().read_bytes() == SPEC.read_bytes()


QUERY = "/v3/payscore/acquiringbank/serviceorder"


def test_query_declares_its_parameters_and_the_either_or_rule(document: dict[str, typing.Any]) -> None:
    operation = document["paths"][QUERY]["get"]
    assert operation["operationId"] == "queryServiceOrder"
    assert operation["tags"] == ["payscore"]
    assert "requestBody" not in operation
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert list(parameters) == ["service_id", "sub_mchid", "channel_id", "out_order_no", "query_id"]
    assert all(p["in"] == "query" for p in parameters.values())
    assert {name for name, p in parameters.items() if p["required"]} == {"service_id", "sub_mchid", "channel_id"}
    # OpenAPI has no "exactly one of these parameters": the extension carries it, naming optional query parameters.
    assert operation["x-exactly-one-of"] == ["out_order_no", "query_id"]
    assert parameters["out_order_no"]["schema"] == document["components"]["parameters"]["OutOrderNo"]["schema"]


def test_query_declares_its_answers(document: dict[str, typing.Any]) -> None:
    responses = document["paths"][QUERY]["get"]["responses"]
    assert set(responses) == {"200", "400", "401", "403", "404", "429", "500"}
    assert set(responses["200"]["headers"]) == set(document["paths"][OPERATION]["post"]["responses"]["204"]["headers"])
    assert responses["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ServiceOrder"}


def test_answers_are_open_and_requests_closed(document: dict[str, typing.Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in ("SyncServiceOrderRequest", "SyncDetail"):
        assert schemas[name]["additionalProperties"] is False, name
    answer_schemas = [
        "ServiceOrder", "PostPayment", "PostDiscount", "RiskFund", "TimeRange", "Location",
        "ServiceOrderCollection", "CollectionDetail", "PromotionDetail", "PromotionGoodsDetail",
    ]  # fmt: skip
    for name in answer_schemas:
        assert schemas[name]["additionalProperties"] is True, name
        # Values WeChat Pay may extend are documented strings, never closed enums.
        for field, schema in schemas[name]["properties"].items():
            assert "enum" not in schema and "const" not in schema, f"{name}.{field}"


def test_query_examples_satisfy_service_order(document: dict[str, typing.Any]) -> None:
    import jsonschema_rs

    root = {"$ref": "#/components/schemas/ServiceOrder", "components": document["components"]}
    validator = jsonschema_rs.Draft202012Validator(root)
    examples = document["paths"][QUERY]["get"]["responses"]["200"]["content"]["application/json"]["examples"]
    assert {"synced", "paid_through_pay_score", "awaiting_payment"} <= set(examples)
    for name, example in examples.items():
        assert validator.is_valid(example["value"]), name
    assert not validator.is_valid({**examples["synced"]["value"], "state": 1})
