"""The generated models, as the custom templates make them: requests as strict as the contract, answers open.

A request model's `from_dict` refuses an unknown key wherever the schema says `additionalProperties: false`, and a
missing key or a wrong type raises `InvalidModelError` naming the model and the field. A response model keeps what
WeChat Pay may add later: unknown keys, and new values of `state`, `paid_type` and the other documented strings.
"""

from __future__ import annotations

import copy
import pickle
import typing
from pathlib import Path

import pytest
import yaml
from wechatpay_payscore.errors import InvalidFieldTypeError, InvalidModelError
from wechatpay_payscore.models import (
    CollectionDetail,
    ServiceOrder,
    ServiceOrderCollection,
    SyncDetail,
    SyncServiceOrderRequest,
)
from wechatpay_payscore.types import UNSET

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "payscore-acquiringbank.yaml"
QUERY = "/v3/payscore/acquiringbank/serviceorder"

SEED: dict[str, typing.Any] = {
    "service_id": "2002000000000558128851361561536",
    "sub_mchid": "1900000109",
    "channel_id": "1230000109",
    "type": "Order_Paid",
    "detail": {"paid_time": "20091225091210"},
}


def query_examples() -> dict[str, dict[str, typing.Any]]:
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    examples = document["paths"][QUERY]["get"]["responses"]["200"]["content"]["application/json"]["examples"]
    return {name: example["value"] for name, example in examples.items()}


def refused(src: typing.Any) -> InvalidModelError:
    with pytest.raises(InvalidModelError) as caught:
        SyncServiceOrderRequest.from_dict(src)
    return caught.value


def test_the_seed_round_trips() -> None:
    assert SyncServiceOrderRequest.from_dict(SEED).to_dict() == SEED


def test_type_defaults_to_order_paid_and_is_still_sent() -> None:
    body = SyncServiceOrderRequest(
        service_id="2002000000000558128851361561536",
        sub_mchid="1900000109",
        channel_id="1230000109",
        detail=SyncDetail(paid_time="20091225091210"),
    )
    assert body.type_ == "Order_Paid"
    assert body.to_dict() == SEED
    # Callers that still pass it keep working.
    explicit = SyncServiceOrderRequest(
        service_id=body.service_id,
        sub_mchid=body.sub_mchid,
        channel_id=body.channel_id,
        type_="Order_Paid",
        detail=body.detail,
    )
    assert explicit.to_dict() == SEED


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(chanel_id=d.pop("channel_id")), "chanel_id"),
        (lambda d: d.update(Service_ID="x"), "Service_ID"),
        (lambda d: d["detail"].update(paid_amount=100), "detail.paid_amount"),
    ],
)
def test_unknown_key_is_refused_and_named(change: typing.Callable[[dict[str, typing.Any]], None], field: str) -> None:
    src = copy.deepcopy(SEED)
    change(src)
    error = refused(src)
    assert error.model == "SyncServiceOrderRequest"
    assert error.field == field
    assert "unknown field" in error.reason
    assert str(error).startswith(f"SyncServiceOrderRequest.{field}: ")


@pytest.mark.parametrize(
    ("remove", "field"),
    [
        (lambda d: d.pop("sub_mchid"), "sub_mchid"),
        (lambda d: d.pop("type"), "type"),
        (lambda d: d.pop("detail"), "detail"),
        (lambda d: d["detail"].pop("paid_time"), "detail.paid_time"),
    ],
)
def test_missing_key_is_named(remove: typing.Callable[[dict[str, typing.Any]], object], field: str) -> None:
    src = copy.deepcopy(SEED)
    remove(src)
    error = refused(src)
    assert not isinstance(error, KeyError)
    assert (error.model, error.field) == ("SyncServiceOrderRequest", field)
    assert str(error) == f"SyncServiceOrderRequest.{field}: required field is missing"


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("service_id", 2002000000000558128851361561536, "service_id"),
        ("sub_mchid", None, "sub_mchid"),
        ("channel_id", ["1230000109"], "channel_id"),
        ("type", "order_paid", "type"),
        ("type", "Order_Refunded", "type"),
        ("detail", "20091225091210", "detail"),
        ("detail", {"paid_time": 20091225091210}, "detail.paid_time"),
    ],
)
def test_wrong_type_is_named(field: str, value: object, path: str) -> None:
    error = refused({**SEED, field: value})
    assert isinstance(error, InvalidFieldTypeError)
    assert isinstance(error, TypeError) and isinstance(error, ValueError)
    assert (error.model, error.field) == ("SyncServiceOrderRequest", path)
    assert str(error).startswith(f"SyncServiceOrderRequest.{path}: ")


def test_a_wrong_enum_value_says_what_is_allowed() -> None:
    error = refused({**SEED, "type": "order_paid"})
    assert str(error) == "SyncServiceOrderRequest.type: 'order_paid' is not one of 'Order_Paid'"


def test_not_an_object_is_refused() -> None:
    error = refused(["service_id"])
    assert (error.field, error.reason) == ("", "expected an object, got list")


def test_messages_stay_short_whatever_the_input() -> None:
    huge = "x" * 1_000_000
    for src in ({**SEED, huge: 1}, {**SEED, "service_id": 10**400}, {**SEED, "type": huge}):
        assert len(str(refused(src))) < 300


def test_errors_pickle_with_their_fields() -> None:
    error = refused({**SEED, "detail": {"paid_time": 1}})
    copy_ = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(copy_) is InvalidFieldTypeError
    assert (copy_.model, copy_.field, copy_.reason, str(copy_)) == (error.model, error.field, error.reason, str(error))


@pytest.mark.parametrize("name", sorted(query_examples()))
def test_every_query_example_parses_and_round_trips(name: str) -> None:
    example = query_examples()[name]
    order = ServiceOrder.from_dict(example)
    assert order.to_dict() == example
    assert order.additional_properties == {}


def test_answer_with_unknown_fields_and_new_values_parses() -> None:
    example = copy.deepcopy(query_examples()["synced"])
    example["state"] = "SUSPENDED"
    example["state_description"] = "USER_DISPUTED"
    example["brand_new_field"] = {"nested": [1, 2]}
    example["collection"]["state"] = "USER_REFUNDING"
    example["collection"]["refunded_amount"] = 100
    example["collection"]["details"][0]["paid_type"] = "DIGITAL_RMB"
    example["collection"]["details"][0]["channel_detail"] = "x"
    example["risk_fund"]["name"] = "ESTIMATE_ORDER_COST"
    example["time_range"]["start_time"] = "OnAccept"

    order = ServiceOrder.from_dict(example)

    assert order.state == "SUSPENDED"
    assert order.state_description == "USER_DISPUTED"
    assert order["brand_new_field"] == {"nested": [1, 2]}
    assert isinstance(order.collection, ServiceOrderCollection)
    assert order.collection.state == "USER_REFUNDING"
    assert order.collection.additional_properties == {"refunded_amount": 100}
    assert isinstance(order.collection.details, list)
    detail = order.collection.details[0]
    assert isinstance(detail, CollectionDetail)
    assert (detail.seq, detail.amount, detail.paid_type, detail.paid_time) == (
        1,
        39800,
        "DIGITAL_RMB",
        "20091225091210",
    )
    assert detail.additional_properties == {"channel_detail": "x"}
    assert order.to_dict() == example


def test_answer_without_optional_fields_parses() -> None:
    order = ServiceOrder.from_dict(
        {
            "out_order_no": "1234323JKHDFE1243252",
            "service_id": "2002000000000558128851361561536",
            "appid": "wxd678efh567hg6787",
            "mchid": "1230000109",
            "service_introduction": "某某酒店",
            "state": "CREATED",
            "order_id": "15646546545165651651",
        }
    )
    assert order.collection is UNSET and order.state_description is UNSET and order.sub_mchid is UNSET


def test_answer_with_a_missing_or_mistyped_field_names_it() -> None:
    example = copy.deepcopy(query_examples()["synced"])
    del example["state"]
    with pytest.raises(InvalidModelError, match=r"^ServiceOrder\.state: required field is missing$"):
        ServiceOrder.from_dict(example)
    example = copy.deepcopy(query_examples()["synced"])
    example["collection"]["details"][0]["amount"] = "39800"
    with pytest.raises(InvalidFieldTypeError) as caught:
        ServiceOrder.from_dict(example)
    assert caught.value.field == "collection.details[].amount"
    example["collection"]["details"][0]["amount"] = True  # a JSON boolean is not an integer
    with pytest.raises(InvalidFieldTypeError, match="expected an integer, got bool"):
        ServiceOrder.from_dict(example)
