"""The `x-rules` interpreter, and proof that the emulator enforces the rules the contract declares — read from it,
not copied: a contract without a rule makes the emulator accept what it refused."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml
from wechatpay_emulator import ContractError, Emulator, EmulatorConfig
from wechatpay_emulator._rules import check_body, check_order, parse_rules, resolve
from wechatpay_emulator._validation import Contract

from tests.emulator.support import FIXED_NOW, ROOT, Clock, act, complete_body, create, create_body

SUM: dict[str, Any] = {
    "rule": "sum",
    "total": "/total_amount",
    "add": "/post_payments/*/amount",
    "subtract": "/post_discounts/*/amount",
}
UNIQUE: dict[str, Any] = {"rule": "unique", "items": "/post_discounts", "key": "name"}
CAP: dict[str, Any] = {"rule": "not-above-order", "field": "/total_amount", "order-field": "/risk_fund/amount"}
LOWER: dict[str, Any] = {"rule": "lower-only", "field": "/total_amount", "order-field": "/total_amount"}


def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (ROOT / "openapi" / "payscore-acquiringbank.yaml").read_text(encoding="utf-8")
    )
    return loaded


def test_resolve_walks_arrays_and_escapes() -> None:
    document = {"a": [{"x": 1}, {"y": 2}, {"x": 3}], "b/c": {"~": 4}}
    assert list(resolve(document, "/a/*/x")) == [("/a/0/x", 1), ("/a/2/x", 3)]
    assert list(resolve(document, "/b~1c/~0")) == [("/b~1c/~0", 4)]
    assert list(resolve(document, "/a/1/y")) == [("/a/1/y", 2)]
    assert list(resolve(document, "/missing/*")) == []
    assert list(resolve(document, "")) == [("", document)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"total_amount": 90, "post_payments": [{"amount": 100}], "post_discounts": [{"amount": 10}]}, None),
        ({"total_amount": 100, "post_payments": [{"amount": 100}]}, None),  # an absent array sums to 0
        ({"total_amount": 0, "post_payments": [{"name": "no amount"}]}, None),
        ({"total_amount": 91, "post_payments": [{"amount": 100}], "post_discounts": [{"amount": 10}]}, "/total_amount"),
        ({"total_amount": 0, "post_payments": [{"amount": 1}], "post_discounts": [{"amount": 2}]}, "/total_amount"),
        ({"post_payments": [{"amount": 1}]}, None),  # no total: nothing to check (the schema requires it)
    ],
)
def test_sum(body: dict[str, Any], field: str | None) -> None:
    violation = check_body(parse_rules([SUM], "test"), body)
    assert (violation.field if violation else None) == field
    if violation is not None:
        assert (violation.code, violation.message) == ("PARAM_ERROR", "最终总金额计算非法")
        assert violation.detail()["location"] == "body"
        assert "Σ /post_payments/*/amount" in violation.issue


def test_unique() -> None:
    rules = parse_rules([UNIQUE], "test")
    assert check_body(rules, {"post_discounts": [{"name": "a"}, {"name": "b"}]}) is None
    violation = check_body(rules, {"post_discounts": [{"name": "a"}, {"name": "b"}, {"name": "a"}]})
    assert violation is not None
    assert (violation.code, violation.field, violation.value) == ("PARAM_ERROR", "/post_discounts/2/name", "a")
    assert violation.issue == "repeats /post_discounts/0/name"
    assert check_body(rules, {}) is None


def test_rules_against_the_order() -> None:
    rules = parse_rules([CAP, LOWER], "test")
    order = {"risk_fund": {"amount": 100}, "total_amount": 80}
    assert check_order(rules, {"total_amount": 80}, order) is None
    above_cap = check_order(rules, {"total_amount": 101}, order)
    assert above_cap is not None
    assert (above_cap.code, above_cap.field, above_cap.value) == ("INVALID_REQUEST", "/total_amount", 101)
    assert "/risk_fund/amount" in above_cap.message
    above_now = check_order(rules, {"total_amount": 81}, order)
    assert above_now is not None
    assert "不能超过完结订单时候的总金额" in above_now.message
    # Order rules are not body rules, and the other way round.
    assert check_body(rules, {"total_amount": 10**9}) is None
    assert check_order(parse_rules([SUM], "test"), {"total_amount": 1}, order) is None
    # lower-only's order-field defaults to its field.
    assert check_order(
        parse_rules([{"rule": "lower-only", "field": "/total_amount"}], "t"), {"total_amount": 81}, order
    )


@pytest.mark.parametrize(
    "raw",
    [
        [{"rule": "at-most-twice"}],
        [{"rule": "sum", "add": "/a"}],
        [{"rule": "sum", "total": "total_amount"}],
        [{"rule": "unique", "items": "/a"}],
        [{"rule": "not-above-order", "field": "/a"}],
        [{"no": "rule"}],
        {"rule": "sum"},
    ],
)
def test_a_rule_the_emulator_cannot_enforce_fails_at_load(raw: Any) -> None:
    with pytest.raises(ContractError):
        parse_rules(raw, "test")


def test_the_contract_declares_the_rules_the_emulator_reads() -> None:
    contract = Contract(spec())
    assert [rule.kind for rule in contract.rules("completeServiceOrder")] == ["sum", "unique", "not-above-order"]
    assert [rule.kind for rule in contract.rules("modifyServiceOrder")] == ["sum", "unique", "lower-only"]
    assert contract.rules("queryServiceOrder") == ()
    broken = spec()
    broken["paths"]["/v3/payscore/acquiringbank/serviceorder/{out_order_no}/complete"]["post"]["x-rules"].append(
        {"rule": "prime"}
    )
    with pytest.raises(ContractError, match="prime"):
        Contract(broken)


@pytest.fixture
def without_the_risk_fund_cap(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An emulator served from the contract minus complete's `not-above-order` rule."""
    changed = copy.deepcopy(spec())
    operation = changed["paths"]["/v3/payscore/acquiringbank/serviceorder/{out_order_no}/complete"]["post"]
    operation["x-rules"] = [rule for rule in operation["x-rules"] if rule["rule"] != "not-above-order"]
    contract = Contract(changed)
    monkeypatch.setattr("wechatpay_emulator._emulator.load_contract", lambda: contract)
    emulator = Emulator(EmulatorConfig.demo(clock=Clock(FIXED_NOW)))
    with emulator.serve() as url:
        yield url


def test_the_rules_come_from_the_contract(base_url: str, without_the_risk_fund_cap: str) -> None:
    above = complete_body(post_payments=[{"name": "x", "amount": 90000}], post_discounts=..., total_amount=90000)
    with httpx.Client(base_url=base_url) as http:
        create(http, create_body("R1", need_user_confirm=False))
        refused = act(http, "R1", "complete", above)
        assert (refused.status_code, refused.json()["code"]) == (400, "INVALID_REQUEST")
    with httpx.Client(base_url=without_the_risk_fund_cap) as http:
        create(http, create_body("R1", need_user_confirm=False))
        assert act(http, "R1", "complete", above).status_code == 204
        # The rules it still declares are still enforced.
        assert act(http, "R1", "modify", {**above, "reason": "r", "total_amount": 1}).json()["code"] == "PARAM_ERROR"


@pytest.mark.parametrize("amount", [39900.0, 1e3, True])
def test_an_amount_written_as_a_float_or_a_boolean_is_a_parameter_error(base_url: str, amount: Any) -> None:
    """`integer` is a whole number as written: `39900.0` is refused by name, never taken for 39900 or a crash."""
    with httpx.Client(base_url=base_url) as http:
        create(http, create_body("F1", need_user_confirm=False))
        refused = act(http, "F1", "complete", {**complete_body(), "total_amount": amount})
        assert (refused.status_code, refused.json()["code"]) == (400, "PARAM_ERROR")
        assert refused.json()["detail"]["field"] == "/total_amount"
